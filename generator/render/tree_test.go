package render_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-oauth/mcp-oauth/generator/catalog"
	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/render"
	"github.com/mcp-oauth/mcp-oauth/templates"
)

// treeOptions are the answers the template tree is itself a project of:
// its per-project values are what rendering these answers gives, so the
// tree builds, vets and tests as that project.
var treeOptions = options.Options{Name: "example", Module: "example.com/example", Provider: "github", Store: "sqlite",
	RedirectHosts: options.DefaultRedirectHosts}

// TestTreeValues checks that the template tree's files of per-project
// values (the project's answers, the provider preset) hold what rendering
// treeOptions writes into them, so the tree's own build and tests run on
// the values a project really gets. With -update it rewrites them.
func TestTreeValues(t *testing.T) {
	files, err := render.Render(treeOptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"internal/project/project.gen.go", "internal/upstream/preset.gen.go", "internal/upstream/presets/presets.gen.go"} {
		path := filepath.Join("..", "..", "templates", "project", filepath.FromSlash(rel))
		// Imports of the project's own packages are the tree's module
		// paths in the tree.
		files[rel] = bytes.ReplaceAll(files[rel], []byte(`"`+treeOptions.Module+`/`), []byte(`"github.com/mcp-oauth/mcp-oauth/templates/project/`))
		if *update {
			if err := os.WriteFile(path, files[rel], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		tree, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(tree, files[rel]) {
			t.Errorf("templates/project/%s is not what rendering the tree's answers writes (go test ./generator/render -run TestTreeValues -update rewrites it):\n%s",
				rel, treeDiff(map[string][]byte{rel: tree}, map[string][]byte{rel: files[rel]}))
		}
	}
}

// TestTreeVariants vets the template tree as each store's project: the
// repository's own go vet ./... sees only the default (SQLite) variant.
func TestTreeVariants(t *testing.T) {
	if testing.Short() {
		t.Skip("vets the template tree once per store")
	}
	for _, store := range catalog.Stores {
		s, _ := catalog.LookupStore(store)
		cmd := exec.Command("go", "vet", "-tags", s.BuildTag(), "./templates/...")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go vet -tags %s ./templates/...: %v\n%s", s.BuildTag(), err, out)
		}
	}
}

// TestRenderEveryPreset renders a project for every preset of the catalog:
// each renders, its preset.gen.go is that preset's, and the upstream package
// builds with it (go build -overlay puts it in the tree's place; the
// preset is the only Go that differs between providers). The tree's tests
// run every preset's sign-in against a fake of its provider.
func TestRenderEveryPreset(t *testing.T) {
	const preset = "internal/upstream/preset.gen.go"
	treeFile, err := filepath.Abs(filepath.Join("..", "..", "templates", "project", filepath.FromSlash(preset)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range catalog.Providers() {
		opts := treeOptions
		opts.Provider = p.ID
		files, err := render.Render(opts)
		if err != nil {
			t.Errorf("%s: %v", p.ID, err)
			continue
		}
		if want := fmt.Sprintf("ID: %q,", p.ID); !bytes.Contains(bytes.Join(bytes.Fields(files[preset]), []byte(" ")), []byte(want)) {
			t.Errorf("%s: %s does not hold the preset (no %s)", p.ID, preset, want)
		}
		if testing.Short() {
			continue
		}
		dir := t.TempDir()
		rendered, overlay := filepath.Join(dir, "preset.gen.go"), filepath.Join(dir, "overlay.json")
		replace, _ := json.Marshal(map[string]any{"Replace": map[string]string{treeFile: rendered}})
		if err := os.WriteFile(rendered, files[preset], 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(overlay, replace, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "build", "-overlay", overlay, "./templates/project/internal/upstream")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: the rendered %s does not build: %v\n%s", p.ID, preset, err, out)
		}
	}
}

// TestTreeHasNoTemplates keeps the Go of the template tree real Go: no file
// holds template actions; per-project values are set by syntax tree (see
// templates/CONVENTIONS.md).
func TestTreeHasNoTemplates(t *testing.T) {
	n := 0
	err := fs.WalkDir(templates.Project, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		src, err := fs.ReadFile(templates.Project, p)
		if err != nil {
			return err
		}
		n++
		if bytes.Contains(src, []byte("{{")) {
			t.Errorf("templates/%s holds {{: Go files of the tree are Go, not text templates", p)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walking the tree: %v, %d Go files", err, n)
	}
}
