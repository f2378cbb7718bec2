package render

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// templateModule is the import path of the template tree: a package tree of
// this repository's module, which rendering moves to the project's module.
const templateModule = "github.com/mcp-oauth/mcp-oauth/templates/project"

// goFile is one Go file of the template tree on its way into a project.
type goFile struct {
	name string // slash path in the project, for errors
	src  []byte
}

// selected reports whether the file belongs in a project built with tags:
// a file without a //go:build line always does, one with a line does when
// the line's expression holds for tags (SQLite's files carry the negation
// of the other stores' tags, so the tree builds as a SQLite project without
// any).
func (f goFile) selected(tags map[string]bool) (bool, error) {
	line, ok := buildLine(f.src)
	if !ok {
		return true, nil
	}
	expr, err := constraint.Parse(line)
	if err != nil {
		return false, fmt.Errorf("%s: %w", f.name, err)
	}
	return expr.Eval(func(tag string) bool { return tags[tag] }), nil
}

// render turns the template source into the project's: values set (see
// fill), the build constraint removed, imports of the template tree moved
// to module, and the result formatted as gofmt and goimports would.
func (f goFile) render(module string, values map[string]string) ([]byte, error) {
	src, err := fill(f.name, f.src, values)
	if err != nil {
		return nil, err
	}
	src = dropBuildLine(src)
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, f.name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, f.syntaxError(src, err)
	}
	for _, spec := range slices.Clone(file.Imports) { // rewriting edits file.Imports
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: bad import %s", f.name, spec.Path.Value)
		}
		if rest, ok := strings.CutPrefix(path, templateModule); ok && (rest == "" || rest[0] == '/') {
			astutil.RewriteImport(fset, file, path, module+rest)
		}
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, file); err != nil {
		return nil, fmt.Errorf("%s: formatting: %w", f.name, err)
	}
	return buf.Bytes(), nil
}

// fill sets package-level constants and variables to per-project values:
// for each name in values, the expression that declares it is replaced by
// values[name], Go source. A name of the form "//go:embed" replaces the
// pattern of the file's embed directive instead. Every name must be found:
// a value with nowhere to go is a bug in the tree or in the renderer.
func fill(name string, src []byte, values map[string]string) ([]byte, error) {
	if len(values) == 0 {
		return src, nil
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, goFile{name, src}.syntaxError(src, err)
	}
	type splice struct {
		from, to int
		text     string
	}
	var splices []splice
	found := map[string]bool{}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || (gen.Tok != token.CONST && gen.Tok != token.VAR) {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			if len(vs.Names) != 1 || len(vs.Values) != 1 {
				continue
			}
			if v, ok := values[vs.Names[0].Name]; ok {
				splices = append(splices, splice{fset.Position(vs.Values[0].Pos()).Offset, fset.Position(vs.Values[0].End()).Offset, v})
				found[vs.Names[0].Name] = true
			}
		}
	}
	if pattern, ok := values[embedDirective]; ok {
		for _, group := range file.Comments {
			for _, c := range group.List {
				if strings.HasPrefix(c.Text, embedDirective+" ") {
					splices = append(splices, splice{fset.Position(c.Pos()).Offset, fset.Position(c.End()).Offset, embedDirective + " " + pattern})
					found[embedDirective] = true
				}
			}
		}
	}
	for n := range values {
		if !found[n] {
			return nil, fmt.Errorf("%s: no single-valued const or var %s to set", name, n)
		}
	}
	slices.SortFunc(splices, func(a, b splice) int { return b.from - a.from })
	out := slices.Clone(src)
	for _, s := range splices {
		out = slices.Concat(out[:s.from], []byte(s.text), out[s.to:])
	}
	return out, nil
}

// embedDirective is the key of values that sets an embed pattern.
const embedDirective = "//go:embed"

// buildLine returns the file's //go:build line, if it has one.
func buildLine(src []byte) (string, bool) {
	for line := range bytes.Lines(src) {
		line = bytes.TrimSpace(line)
		if constraint.IsGoBuild(string(line)) {
			return string(line), true
		}
		if bytes.HasPrefix(line, []byte("package ")) {
			break
		}
	}
	return "", false
}

// dropBuildLine removes the //go:build line and the blank line after it:
// a project holds only the files chosen for it, so it has no variants to
// select.
func dropBuildLine(src []byte) []byte {
	line, ok := buildLine(src)
	if !ok {
		return src
	}
	i := bytes.Index(src, []byte(line))
	end := i + len(line)
	for _, want := range []string{"\n", "\n"} {
		if bytes.HasPrefix(src[end:], []byte(want)) {
			end += len(want)
		}
	}
	return slices.Concat(src[:i], src[end:])
}

// syntaxError reports invalid Go with the file's name, the line and its
// text.
func (f goFile) syntaxError(src []byte, err error) error {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		first := list[0]
		return fmt.Errorf("%s is not valid Go at line %d: %s\n\t%s", f.name, first.Pos.Line, first.Msg, lineOf(src, first.Pos.Line))
	}
	return fmt.Errorf("%s: %w", f.name, err)
}

func lineOf(src []byte, n int) string {
	lines := bytes.Split(src, []byte("\n"))
	if n < 1 || n > len(lines) {
		return ""
	}
	return string(bytes.TrimSpace(lines[n-1]))
}
