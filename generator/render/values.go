package render

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/mcp-oauth/mcp-oauth/generator/catalog"
	"github.com/mcp-oauth/mcp-oauth/templates"
)

// The files of the template tree that hold per-project values. Every other
// Go file is the same in every project but for its import paths.
const (
	projectFile = "internal/project/project.gen.go"
	presetFile  = "internal/upstream/preset.gen.go"
	// catalogFile holds every preset, for the tests that run each one's
	// sign-in against a fake of its provider. It is the same in every
	// project.
	catalogFile = "internal/upstream/presets/presets.gen.go"
	logoFile    = "logo.gen.go"
)

// values returns the per-project values of the Go file at rel, keyed by
// the name of the constant or variable they set (see fill); nil for a file
// that has none.
func values(rel string, src []byte, d Data) (map[string]string, error) {
	switch rel {
	case projectFile:
		store, _ := catalog.LookupStore(d.Store)
		return map[string]string{
			"Name":          strconv.Quote(d.Name),
			"Store":         strconv.Quote(store.Name),
			"StoreVariable": strconv.Quote(store.Variable),
			"StoreDefault":  strconv.Quote(store.DefaultFor(d.Name)),
			"StoreExample":  strconv.Quote(store.ExampleFor(d.Name)),
			"Shared":        strconv.FormatBool(store.Shared),
			"RedirectHosts": goLiteral(reflect.ValueOf(d.RedirectHosts)),
			"DisplayName":   strconv.Quote(d.Branding.DisplayName),
			"AccentColor":   strconv.Quote(d.Branding.AccentColor),
			"SupportURL":    strconv.Quote(d.Branding.SupportURL),
		}, nil
	case presetFile:
		lit, err := presetLiteral(src, d.Provider)
		if err != nil {
			return nil, err
		}
		return map[string]string{"preset": lit}, nil
	case catalogFile:
		presetSrc, err := fs.ReadFile(templates.Project, templateRoot+"/"+presetFile)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		b.WriteString("[]PresetInfo{\n")
		for _, p := range catalog.Providers() {
			lit, err := presetLiteral(presetSrc, p)
			if err != nil {
				return nil, err
			}
			b.WriteString(strings.TrimPrefix(lit, "PresetInfo") + ",\n")
		}
		b.WriteString("}")
		return map[string]string{"All": b.String()}, nil
	case logoFile:
		return map[string]string{
			embedDirective: d.Branding.Logo,
			"logoType":     strconv.Quote(d.Branding.LogoType),
		}, nil
	}
	return nil, nil
}

// presetLiteral writes p as a PresetInfo composite literal: every field of
// the PresetInfo type declared in src, taken from the Provider field of the
// same name (ScopeDescriptions with the standard OpenID scopes added).
// Zero values are left out.
func presetLiteral(src []byte, p catalog.Provider) (string, error) {
	fields, err := structFields(src, "PresetInfo")
	if err != nil {
		return "", err
	}
	pv := reflect.ValueOf(p)
	var b strings.Builder
	b.WriteString("PresetInfo{\n")
	for _, name := range fields {
		v := pv.FieldByName(name)
		if name == "ScopeDescriptions" {
			v = reflect.ValueOf(p.AllScopeDescriptions())
		}
		if !v.IsValid() {
			return "", fmt.Errorf("%s: PresetInfo.%s has no catalog.Provider field to come from", presetFile, name)
		}
		if v.IsZero() || (v.Kind() == reflect.Map || v.Kind() == reflect.Slice) && v.Len() == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s: %s,\n", name, goLiteral(v))
	}
	b.WriteString("}")
	return b.String(), nil
}

// structFields returns the field names of the struct type called name in
// src, in order.
func structFields(src []byte, name string) ([]string, error) {
	file, err := parser.ParseFile(token.NewFileSet(), presetFile, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.TYPE {
			continue
		}
		for _, spec := range gen.Specs {
			ts := spec.(*ast.TypeSpec)
			st, ok := ts.Type.(*ast.StructType)
			if !ok || ts.Name.Name != name {
				continue
			}
			var names []string
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					names = append(names, n.Name)
				}
			}
			return names, nil
		}
	}
	return nil, fmt.Errorf("%s: no struct type %s", presetFile, name)
}

// goLiteral writes v as Go source: strings, booleans and integers, slices
// of them or of structs of them, and maps of strings (sorted by key). A
// struct's type name is kept: the tree declares a type of the same name
// and shape (Param).
func goLiteral(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Slice:
		elems := make([]string, v.Len())
		for i := range elems {
			elems[i] = goLiteral(v.Index(i))
		}
		if v.Type().Elem().Kind() == reflect.Struct {
			return "[]" + v.Type().Elem().Name() + "{\n" + strings.Join(elems, ",\n") + ",\n}"
		}
		return "[]" + v.Type().Elem().Name() + "{" + strings.Join(elems, ", ") + "}"
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		var b strings.Builder
		b.WriteString("map[string]string{\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "%s: %s,\n", strconv.Quote(k.String()), goLiteral(v.MapIndex(k)))
		}
		b.WriteString("}")
		return b.String()
	case reflect.Struct:
		var parts []string
		for i := range v.NumField() {
			if !v.Field(i).IsZero() {
				parts = append(parts, v.Type().Field(i).Name+": "+goLiteral(v.Field(i)))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	panic(fmt.Sprintf("goLiteral: unsupported kind %s", v.Kind()))
}
