package render

import (
	"embed"
	"fmt"
	"slices"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/mcp-oauth/mcp-oauth/generator/catalog"
)

// requirement is a module the generated project imports directly.
type requirement struct {
	Path    string
	Version string
}

// requirements pins the direct dependencies of generated projects: the one
// place to bump them. A store's driver (catalog.Store.Driver) is required only by
// projects using that store. After a change, run
//
//	go test ./generator/render -run TestDeps -update-deps
//
// which renders a project for every store, runs `go mod tidy` on it and
// records the full module graph (indirect requirements and go.sum) in deps/.
var requirements = []requirement{
	{Path: "github.com/modelcontextprotocol/go-sdk", Version: "v1.8.0"},
	{Path: "golang.org/x/oauth2", Version: "v0.38.0"},
	{Path: "golang.org/x/time", Version: "v0.16.0"},
	{Path: "github.com/go-jose/go-jose/v4", Version: "v4.1.9"},
	{Path: "modernc.org/sqlite", Version: "v1.62.0"},
	{Path: "github.com/redis/go-redis/v9", Version: "v9.23.0"},
	{Path: "github.com/jackc/pgx/v5", Version: "v5.12.0"},
}

// goVersion is the go directive of generated projects unless the recorded
// module graph needs a newer one.
const goVersion = "1.25.0"

//go:embed deps
var depsFS embed.FS

// directRequirements returns the requirements of a project using store.
func directRequirements(store string) []requirement {
	var out []requirement
	for _, r := range requirements {
		driverOf := slices.IndexFunc(catalog.Stores, func(name string) bool {
			s, _ := catalog.LookupStore(name)
			return s.Driver == r.Path
		})
		if driverOf < 0 || catalog.Stores[driverOf] == store {
			out = append(out, r)
		}
	}
	return out
}

// renderGoMod builds the generated go.mod from the module graph recorded for
// store by the last dependency update (so it always agrees with go.sum), or
// from the pinned direct requirements before the first update.
func renderGoMod(modulePath, store string) ([]byte, error) {
	f := new(modfile.File)
	if err := f.AddModuleStmt(modulePath); err != nil {
		return nil, fmt.Errorf("go.mod: %w", err)
	}
	goVer := goVersion
	var reqs []*modfile.Require
	if recorded, err := depsFS.ReadFile("deps/" + store + ".mod"); err == nil {
		rf, err := modfile.ParseLax("deps/"+store+".mod", recorded, nil)
		if err != nil {
			return nil, fmt.Errorf("recorded module graph for %s: %w", store, err)
		}
		if rf.Go != nil {
			goVer = rf.Go.Version
		}
		reqs = rf.Require
	} else {
		for _, r := range directRequirements(store) {
			reqs = append(reqs, &modfile.Require{Mod: module.Version{Path: r.Path, Version: r.Version}})
		}
	}
	if err := f.AddGoStmt(goVer); err != nil {
		return nil, fmt.Errorf("go.mod: %w", err)
	}
	for _, r := range reqs {
		f.AddNewRequire(r.Mod.Path, r.Mod.Version, r.Indirect)
	}
	f.SetRequireSeparateIndirect(f.Require)
	f.Cleanup()
	return modfile.Format(f.Syntax), nil
}

// renderGoSum returns the go.sum recorded for store, or nil before the first
// dependency update.
func renderGoSum(store string) []byte {
	sum, err := depsFS.ReadFile("deps/" + store + ".sum")
	if err != nil {
		return nil
	}
	return sum
}
