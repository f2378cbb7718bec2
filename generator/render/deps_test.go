package render

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/mcp-oauth/mcp-oauth/generator/catalog"
	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"golang.org/x/mod/modfile"
)

var updateDeps = flag.Bool("update-deps", false, "run `go mod tidy` on a rendered project per store and record its module graph in deps/ (needs the module proxy)")

// TestDeps checks that the recorded module graph of every store pins the
// direct requirements of versions.go, and with -update-deps records it anew.
func TestDeps(t *testing.T) {
	for _, store := range catalog.Stores {
		t.Run(store, func(t *testing.T) {
			if *updateDeps {
				recordDeps(t, store)
			}
			recorded, err := os.ReadFile(filepath.Join("deps", store+".mod"))
			if err != nil {
				t.Fatalf("no recorded module graph for %s: run go test ./generator/render -run TestDeps -update-deps", store)
			}
			f, err := modfile.ParseLax(store+".mod", recorded, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, r := range f.Require {
				got[r.Mod.Path] = r.Mod.Version
			}
			for _, r := range directRequirements(store) {
				if got[r.Path] != r.Version {
					t.Errorf("deps/%s.mod has %s %q, versions.go pins %q: run go test ./generator/render -run TestDeps -update-deps",
						store, r.Path, got[r.Path], r.Version)
				}
			}
		})
	}
}

func recordDeps(t *testing.T, store string) {
	files, err := Render(options.Options{Name: "deps", Module: "example.com/deps", Provider: "github", Store: store, RedirectHosts: options.DefaultRedirectHosts})
	if err != nil {
		t.Fatal(err)
	}
	delete(files, "go.sum")
	tree := fstest.MapFS{}
	for p, content := range files {
		tree[p] = &fstest.MapFile{Data: content, Mode: 0o644}
	}
	dir := filepath.Join(t.TempDir(), "deps")
	if err := os.CopyFS(dir, tree); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	for _, ext := range []string{"mod", "sum"} {
		data, err := os.ReadFile(filepath.Join(dir, "go."+ext))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("deps", store+"."+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
