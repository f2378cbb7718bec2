package regen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// migrations bring the user's own files up to date when the server they
// are compiled with changed what it calls in them: by path, a function
// from the file's content to the migrated content and a one-line account of
// the change ("" when there is nothing to do).
var migrations = map[string]func(src []byte) ([]byte, string, error){
	"tools.go": migrateTools,
}

// migrateTools brings a tools.go written for an older server up to the
// current one. Before Deps existed the server called
//
//	registerTools(server *mcp.Server, upstream *authserver.Upstream)
//
// and now calls registerTools(server *mcp.Server, deps Deps), Deps carrying
// the upstream client, the logger and the settings. The old signature is
// rewritten in place, by syntax tree, and the old parameter's name is bound
// to deps.Upstream at the top of the function, so the body is untouched:
//
//	func registerTools(server *mcp.Server, deps Deps) {
//		upstream := deps.Upstream
//		...
//
// It returns the new source and a one-line account of the change, or src
// and "" when there is nothing to migrate (the file is current, or
// registerTools is not in it). A file it cannot migrate safely is an error
// that says what to change by hand.
func migrateTools(src []byte) ([]byte, string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "tools.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, "", fmt.Errorf("tools.go: %w", err)
	}
	fn := findFunc(file, "registerTools")
	if fn == nil {
		return src, "", nil
	}
	params := fn.Type.Params.List
	if len(params) != 2 || len(params[1].Names) > 1 || !isUpstreamPointer(file, params[1].Type) {
		return src, "", nil
	}
	old := "_"
	if len(params[1].Names) == 1 {
		old = params[1].Names[0].Name
	}
	if old == "deps" {
		return nil, "", fmt.Errorf("tools.go: registerTools's parameter deps is the upstream client; the server now passes deps Deps: rename the parameter to deps Deps and use deps.Upstream")
	}

	// Splice the text: the parameter, then the first line of the body
	// (later offsets first, so earlier ones stay valid).
	offset := func(p token.Pos) int { return fset.Position(p).Offset }
	out := slices.Clone(src)
	if old != "_" {
		at := offset(fn.Body.Lbrace) + 1
		out = slices.Concat(out[:at], []byte("\n"+old+" := deps.Upstream"), out[at:])
	}
	from, to := offset(params[1].Pos()), offset(params[1].End())
	out = slices.Concat(out[:from], []byte("deps Deps"), out[to:])

	// The authserver import may have served only the old parameter's type.
	fset = token.NewFileSet()
	file, err = parser.ParseFile(fset, "tools.go", out, parser.ParseComments) // UsesImport resolves objects
	if err != nil {
		return nil, "", fmt.Errorf("tools.go: migrating registerTools: %w", err)
	}
	for _, spec := range slices.Clone(file.Imports) { // deleting edits file.Imports
		path, _ := strconv.Unquote(spec.Path.Value)
		if strings.HasSuffix(path, "/internal/authserver") && !astutil.UsesImport(file, path) {
			name := ""
			if spec.Name != nil {
				name = spec.Name.Name
			}
			astutil.DeleteNamedImport(fset, file, name, path)
		}
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, file); err != nil {
		return nil, "", fmt.Errorf("tools.go: migrating registerTools: %w", err)
	}
	note := "registerTools now receives deps Deps (logger, settings, upstream client)"
	if old != "_" {
		note += "; " + old + " is deps.Upstream"
	}
	return buf.Bytes(), note, nil
}

// findFunc returns the top-level function called name, or nil.
func findFunc(file *ast.File, name string) *ast.FuncDecl {
	for _, d := range file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == name {
			return fn
		}
	}
	return nil
}

// isUpstreamPointer reports whether expr is *authserver.Upstream, with
// authserver the file's import of the project's internal/authserver under
// whatever name.
func isUpstreamPointer(file *ast.File, expr ast.Expr) bool {
	star, ok := expr.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Upstream" {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	for _, spec := range file.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		if !strings.HasSuffix(path, "/internal/authserver") {
			continue
		}
		name := "authserver"
		if spec.Name != nil {
			name = spec.Name.Name
		}
		if name == pkg.Name {
			return true
		}
	}
	return false
}
