package generator_test

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-oauth/mcp-oauth/generator"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest"
	"github.com/pmezard/go-difflib/difflib"
)

var update = flag.Bool("update", false, "rewrite the golden trees in ../golden from the current templates")

// goldenCase is one answers file in testdata/cases and its expected tree in
// golden/<name>.
type goldenCase struct {
	name string
	opts generator.Options
}

func goldenCases(t testing.TB) []goldenCase {
	t.Helper()
	paths, err := filepath.Glob("../testdata/cases/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden cases in testdata/cases: %v", err)
	}
	var cases []goldenCase
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		answers, err := generator.ParseAnswers(src)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		cases = append(cases, goldenCase{strings.TrimSuffix(filepath.Base(p), ".yaml"), answers.Options})
	}
	return cases
}

// TestGolden renders every case and compares it with its golden tree, file
// set and bytes. With -update it rewrites the trees instead; read the diff
// before committing.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			files, err := generator.Render(c.opts)
			if err != nil {
				t.Fatal(err)
			}
			again, err := generator.Render(c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := treeDiff(files, again); d != "" {
				t.Fatalf("rendering twice gave different output:\n%s", d)
			}
			dir := filepath.Join("..", "golden", c.name)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				writeTree(t, dir, files)
				return
			}
			want, err := readTree(dir)
			if err != nil {
				t.Fatalf("reading golden tree (run go test ./generator -run TestGolden -update): %v", err)
			}
			if d := treeDiff(want, files); d != "" {
				t.Errorf("rendered output differs from golden/%s (go test ./generator -run TestGolden -update rewrites it):\n%s", c.name, d)
			}
		})
	}
}

// TestGoldenCompiles copies every golden tree to a temporary directory and
// runs go build, go vet and the generated project's own tests there. Module
// and build caches are shared with this process, so after the first case
// most of the work is cached.
func TestGoldenCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiling the golden projects is skipped in -short mode")
	}
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			files, err := readTree(filepath.Join("..", "golden", c.name))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := generator.WriteNew(dir, files); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"build", "./..."},
				{"vet", "./..."},
				{"test", "-count=1", "./..."},
			} {
				cmd := exec.Command("go", args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("go %s in golden/%s: %v\n%s", strings.Join(args, " "), c.name, err, out)
				}
			}
		})
	}
}

// BenchmarkRender measures rendering one project in memory (templates,
// goimports formatting, go.mod), without writing anything.
func BenchmarkRender(b *testing.B) {
	opts := generator.Options{Name: "bench", Module: "example.com/bench", Provider: "github", Store: "sqlite",
		RedirectHosts: generator.DefaultRedirectHosts}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := generator.Render(opts); err != nil {
			b.Fatal(err)
		}
	}
}

// writeTree writes files under dir as they are: the golden tree is Render's
// output, without the bookkeeping init adds.
func writeTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	projecttest.WriteTree(t, dir, files)
}

func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	return files, err
}

// treeDiff describes how two trees differ: missing and extra files, and a
// unified diff of each file whose content differs. Empty means equal.
func treeDiff(want, got map[string][]byte) string {
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var b strings.Builder
	for _, p := range paths {
		w, inWant := want[p]
		g, inGot := got[p]
		switch {
		case !inGot:
			fmt.Fprintf(&b, "missing file %s\n", p)
		case !inWant:
			fmt.Fprintf(&b, "unexpected file %s\n", p)
		case !bytes.Equal(w, g):
			d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
				A: difflib.SplitLines(string(w)), B: difflib.SplitLines(string(g)),
				FromFile: "golden/" + p, ToFile: "rendered/" + p, Context: 2,
			})
			b.WriteString(d)
		}
	}
	return b.String()
}
