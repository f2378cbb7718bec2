package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/tools/go/ast/astutil"
)

// formatGo formats rendered Go source as goimports would for a template that
// names all of its imports in goimports' groups: imports that a template's
// conditional blocks left unused are removed, each group is sorted, and the
// file is gofmt'd.
//
// Unlike goimports it never adds an import and never looks outside the
// source (no go command, no module cache, no neighbouring files), so
// rendering is fast, hermetic and the same on every machine. A template that
// renders invalid Go is reported with the template's name, the line of the
// rendered output and that line's text.
func formatGo(templateName string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, templateName, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		var list scanner.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			first := list[0]
			return nil, fmt.Errorf("template %s renders invalid Go at line %d: %s\n\t%s",
				templateName, first.Pos.Line, first.Msg, lineOf(src, first.Pos.Line))
		}
		return nil, fmt.Errorf("template %s: parsing rendered Go: %w", templateName, err)
	}
	used := usedNames(f)
	for _, spec := range slices.Clone(f.Imports) { // deleting edits f.Imports
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("template %s: bad import %s", templateName, spec.Path.Value)
		}
		name := ""
		if spec.Name != nil {
			name = spec.Name.Name
		}
		if name == "_" || name == "." {
			continue
		}
		local := name
		if local == "" {
			local = assumedPackageName(path)
		}
		if !used[local] {
			astutil.DeleteNamedImport(fset, f, name, path)
		}
	}
	ast.SortImports(fset, f)
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, fmt.Errorf("template %s: formatting rendered Go: %w", templateName, err)
	}
	// A second pass settles the blank lines that removed imports leave.
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("template %s: formatting rendered Go: %w", templateName, err)
	}
	return out, nil
}

// usedNames collects the identifiers used as the package part of a
// qualified identifier (pkg.Name).
func usedNames(f *ast.File) map[string]bool {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	return used
}

// assumedPackageName returns the package name an import path conventionally
// declares: its last element without a major-version suffix (pgx/v5 is
// pgx), a "go-" prefix (go-redis is redis) or anything after the first
// character that cannot be part of an identifier (yaml.v3 is yaml). It is
// the same rule goimports applies before it looks at the package itself.
func assumedPackageName(path string) string {
	elems := strings.Split(path, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && isMajorVersion(last) {
		last = elems[len(elems)-2]
	}
	last = strings.TrimPrefix(last, "go-")
	if i := strings.IndexFunc(last, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	}); i >= 0 {
		last = last[:i]
	}
	return last
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func lineOf(src []byte, n int) string {
	lines := bytes.Split(src, []byte("\n"))
	if n < 1 || n > len(lines) {
		return ""
	}
	return string(bytes.TrimSpace(lines[n-1]))
}
