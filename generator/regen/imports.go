package regen

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// userImports returns the import paths of the Go files regeneration leaves
// to the user: every .go file of the project (nested modules, vendor,
// testdata and hidden directories aside) except those the new render owns
// and the unmodified stale ones that are about to be removed.
func userImports(dir string, rendered map[string][]byte, old *Manifest) ([]string, error) {
	seen := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading the project: %w", err)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // a module of its own
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || !d.Type().IsRegular() {
			return nil
		}
		content, isRendered := rendered[rel]
		if isRendered && OwnerOf(rel, content) == OwnerGenerator {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("reading %s: %w", rel, err)
		}
		if e, tracked := old.Files[rel]; tracked && !isRendered && Hash(src) == e.SHA256 {
			return nil // stale and unmodified: removed by this regeneration
		}
		// A file that does not parse contributes the imports read before
		// the error, if any; the compiler will have its say about the rest.
		f, _ := parser.ParseFile(fset, rel, src, parser.ImportsOnly)
		if f == nil {
			return nil
		}
		for _, spec := range f.Imports {
			if path, err := strconv.Unquote(spec.Path.Value); err == nil {
				seen[path] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(seen)), nil
}
