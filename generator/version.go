package generator

import "runtime/debug"

// generatorVersion is set at link time by the release build:
//
//	-ldflags "-X github.com/mcp-oauth/mcp-oauth/generator.generatorVersion=v1.2.3"
var generatorVersion string

// Version returns the generator's version: the one set at link time, else
// the module version recorded by `go install module@version`, else "dev".
func Version() string {
	if generatorVersion != "" {
		return generatorVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
