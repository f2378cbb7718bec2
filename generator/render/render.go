// Package render renders a project in memory: the template tree
// (templates/project) copied file by file, Go files rewritten by syntax
// tree for the project's module and per-project values, text templates
// executed, and go.mod and go.sum from the recorded module graph of the
// project's store (deps/).
package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
	"text/template"

	"github.com/mcp-oauth/mcp-oauth/generator/catalog"
	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/templates"
)

// templateRoot is the directory inside templates.Project that mirrors the
// generated project.
const templateRoot = "project"

// Data is what the text templates (README, Dockerfile, .env.example) see as
// ".", and what the per-project values of Go files come from.
type Data struct {
	Name          string
	Module        string
	Store         string
	Provider      catalog.Provider
	RedirectHosts []string
	Branding      options.Branding
}

// Render renders the project for opts in memory and returns its files by
// slash-separated path: the project tree only, not the answers file or
// .env, which the caller writes beside it. It writes nothing; callers
// decide what to do with the result (write a new project, plan a
// regeneration, diff, check).
func Render(opts options.Options) (map[string][]byte, error) {
	opts = opts.Normalize()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	provider, err := catalog.LookupProvider(opts.Provider)
	if err != nil {
		return nil, err
	}
	data := Data{
		Name:          opts.Name,
		Module:        opts.Module,
		Store:         opts.Store,
		Provider:      provider,
		RedirectHosts: opts.RedirectHosts,
		Branding:      opts.Branding(),
	}
	tags := data.buildTags()

	var paths []string
	err = fs.WalkDir(templates.Project, templateRoot, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading templates: %w", err)
	}

	// Files render independently, most of the time going to parsing and
	// printing Go, so they are spread over the available cores. Results and
	// errors are collected by position, so the outcome does not depend on
	// scheduling.
	results := make([]renderedFile, len(paths))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, p := range paths {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = renderFile(p, data, tags)
		})
	}
	wg.Wait()
	files := make(map[string][]byte, len(paths)+2)
	var errs []error
	for _, r := range results {
		switch {
		case r.err != nil:
			errs = append(errs, r.err)
		case r.content != nil:
			files[r.path] = r.content
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	gomod, err := renderGoMod(opts.Module, opts.Store)
	if err != nil {
		return nil, err
	}
	files["go.mod"] = gomod
	if sum := renderGoSum(opts.Store); sum != nil {
		files["go.sum"] = sum
	}
	return files, nil
}

// renderedFile is the outcome of rendering one template file: a path and
// its content, no content for a template that rendered to nothing, or an
// error.
type renderedFile struct {
	path    string
	content []byte
	err     error
}

// templateOutput returns the project path that template file p renders to.
func templateOutput(p string) string {
	return strings.TrimSuffix(strings.TrimPrefix(p, templateRoot+"/"), ".tmpl")
}

// renderFile renders one file of the template tree. A Go file is left out
// unless its build constraint holds for tags; the others are rewritten for
// the project (see goFile.render). A text template is executed, and left
// out if it renders to nothing. Any other file is copied as it is, if it
// belongs to the project's store.
func renderFile(p string, data Data, tags map[string]bool) renderedFile {
	rel := strings.TrimPrefix(p, templateRoot+"/")
	out := renderedFile{path: templateOutput(p)}
	content, err := fs.ReadFile(templates.Project, p)
	if err != nil {
		out.err = fmt.Errorf("reading template %s: %w", rel, err)
		return out
	}
	switch {
	case strings.HasSuffix(rel, ".go"):
		f := goFile{name: rel, src: content}
		ok, err := f.selected(tags)
		if !ok || err != nil {
			out.err = err
			return out
		}
		vals, err := values(rel, content, data)
		if err != nil {
			out.err = err
			return out
		}
		out.content, out.err = f.render(data.Module, vals)
	case strings.HasSuffix(rel, ".tmpl"):
		if content, out.err = execute(rel, content, data); out.err == nil && len(bytes.TrimSpace(content)) > 0 {
			out.content = content
		}
	case forStore(out.path, data.Store):
		out.content = content
	}
	return out
}

// buildTags returns the build tags that select the project's files in the
// template tree: its store's, and branding_logo when it has a logo.
func (d Data) buildTags() map[string]bool {
	store, _ := catalog.LookupStore(d.Store)
	return map[string]bool{
		store.BuildTag(): true,
		"branding_logo":  d.Branding.Logo != "",
	}
}

// forStore reports whether a file that is not Go belongs in a project
// using store: files named after another store ("postgres_schema.sql") are
// left out.
func forStore(out, store string) bool {
	base := path.Base(out)
	for _, s := range catalog.Stores {
		if strings.HasPrefix(base, s+".") || strings.HasPrefix(base, s+"_") {
			return s == store
		}
	}
	return true
}

func execute(name string, src []byte, data Data) ([]byte, error) {
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// funcs are the functions the text templates may call.
var funcs = template.FuncMap{
	"join": strings.Join,
	// inc numbers a list from 1.
	"inc": func(i int) int { return i + 1 },
}
