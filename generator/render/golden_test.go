package render_test

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-oauth/mcp-oauth/generator/answers"
	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest"
	"github.com/mcp-oauth/mcp-oauth/generator/render"
	"github.com/pmezard/go-difflib/difflib"
)

var update = flag.Bool("update", false, "rewrite the golden trees in ../../golden from the current templates")

// goldenCase is one answers file in testdata/cases and its expected tree in
// golden/<name>.
type goldenCase struct {
	name string
	opts options.Options
}

func goldenCases(t testing.TB) []goldenCase {
	t.Helper()
	paths, err := filepath.Glob("../../testdata/cases/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden cases in testdata/cases: %v", err)
	}
	var cases []goldenCase
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		answers, err := answers.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		cases = append(cases, goldenCase{strings.TrimSuffix(filepath.Base(p), ".yaml"), answers.Options})
	}
	return cases
}

// baseCase is the case whose golden tree is kept whole: every other case
// keeps only the files in which it differs from it, and the list of the
// base's files it does not have (absentFile). So a template change shows
// up once, in the base, unless it touches what a case has of its own.
const baseCase = "sqlite"

// absentFile lists, in a case's golden directory, the files of the base
// case that the case does not have, one path a line.
const absentFile = "ABSENT.txt"

// TestGolden renders every case and compares it with its golden tree, file
// set and bytes. With -update it rewrites the trees instead; read the diff
// before committing.
func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	rendered := map[string]map[string][]byte{}
	for _, c := range cases {
		files, err := render.Render(c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		again, err := render.Render(c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if d := treeDiff(files, again); d != "" {
			t.Fatalf("%s: rendering twice gave different output:\n%s", c.name, d)
		}
		rendered[c.name] = files
	}
	base, ok := rendered[baseCase]
	if !ok {
		t.Fatalf("no case %s in testdata/cases", baseCase)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "golden", c.name)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				writeTree(t, dir, goldenDelta(c.name, base, rendered[c.name]))
				return
			}
			want, err := readGolden(c.name)
			if err != nil {
				t.Fatalf("reading golden tree (run go test ./generator/render -run 'TestGolden$' -update): %v", err)
			}
			if d := treeDiff(want, rendered[c.name]); d != "" {
				t.Errorf("rendered output differs from golden/%s (go test ./generator/render -run 'TestGolden$' -update rewrites it):\n%s", c.name, d)
			}
		})
	}
}

// goldenDelta returns what the golden directory of a case holds: the whole
// tree for the base case; for another, its files that differ from the
// base's, and absentFile for the base's files it lacks.
func goldenDelta(name string, base, files map[string][]byte) map[string][]byte {
	if name == baseCase {
		return files
	}
	delta := map[string][]byte{}
	for p, content := range files {
		// go.mod is kept in every case, even when it is the base's: it makes
		// the directory a module of its own, which this repository's
		// go build ./... and go vet ./... leave alone.
		if b, ok := base[p]; !ok || !bytes.Equal(b, content) || p == "go.mod" {
			delta[p] = content
		}
	}
	var absent []string
	for p := range base {
		if _, ok := files[p]; !ok {
			absent = append(absent, p)
		}
	}
	if len(absent) > 0 {
		slices.Sort(absent)
		delta[absentFile] = []byte(strings.Join(absent, "\n") + "\n")
	}
	return delta
}

// readGolden returns the tree a case's golden directory describes: for the
// base case the directory itself, for another the base's tree with the
// case's files over it and its absent files taken away.
func readGolden(name string) (map[string][]byte, error) {
	files, err := readTree(filepath.Join("..", "..", "golden", name))
	if err != nil || name == baseCase {
		return files, err
	}
	tree, err := readTree(filepath.Join("..", "..", "golden", baseCase))
	if err != nil {
		return nil, err
	}
	for _, p := range strings.Fields(string(files[absentFile])) {
		if _, ok := tree[p]; !ok {
			return nil, fmt.Errorf("golden/%s/%s lists %s, which golden/%s does not have", name, absentFile, p, baseCase)
		}
		delete(tree, p)
	}
	delete(files, absentFile)
	maps.Copy(tree, files)
	return tree, nil
}

// TestGoldenCompiles builds, vets and tests the golden trees whose Go code
// differs from the template tree's: the base case is the tree itself, which
// the repository's own go vet and go test cover. Each tree is written to a
// temporary directory (with a stand-in logo where the case names one);
// module and build caches are shared with this process, so after the first
// case most of the work is cached.
func TestGoldenCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiling the golden projects is skipped in -short mode")
	}
	for _, c := range goldenCases(t) {
		if c.name == baseCase {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			files, err := readGolden(c.name)
			if err != nil {
				t.Fatal(err)
			}
			if c.opts.Logo != "" {
				files[c.opts.Logo] = projecttest.PNG
			}
			dir := t.TempDir()
			projecttest.WriteTree(t, dir, files)
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
	opts := options.Options{Name: "bench", Module: "example.com/bench", Provider: "github", Store: "sqlite",
		RedirectHosts: options.DefaultRedirectHosts}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.Render(opts); err != nil {
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
