package generator

import "runtime/debug"

// version is set at link time by the release build:
//
//	-ldflags "-X github.com/mcp-oauth/mcp-oauth/generator.version=v1.2.3"
var version string

// Version returns the generator's version: the one set at link time, else
// the module version recorded by `go install module@version`, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
