package render_test

import (
	"bytes"
	"testing"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/render"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// TestDockerignore reads the generated .dockerignore with Docker's own
// matcher: the secrets and local state never reach the image's build
// context, and everything the build needs does.
func TestDockerignore(t *testing.T) {
	files, err := render.Render(options.Options{
		Name: "srv", Module: "example.com/srv", Provider: "github", Store: "sqlite",
		RedirectHosts: options.DefaultRedirectHosts,
	})
	if err != nil {
		t.Fatal(err)
	}
	patterns, err := ignorefile.ReadAll(bytes.NewReader(files[".dockerignore"]))
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	excluded := func(p string) bool {
		t.Helper()
		m, err := pm.MatchesOrParentMatches(p)
		if err != nil {
			t.Fatalf("match %s: %v", p, err)
		}
		return m
	}
	for _, p := range []string{
		".env", ".env.local", "data", "data/srv.db", "data/srv.db-wal", "data/backup/old.db",
		"srv.db", "internal/x.db-shm", ".git", ".git/config", ".mcp-oauth/manifest.json", ".mcp-oauth/base/README.md",
		"srv", "authserver.test",
	} {
		if !excluded(p) {
			t.Errorf("%s reaches the build context", p)
		}
	}
	// Every file the generator writes is needed or harmless, .env.example
	// included: none is excluded.
	for p := range files {
		if excluded(p) {
			t.Errorf("generated file %s is kept out of the build context", p)
		}
	}
	for _, p := range []string{"tools.go", "mytool.go", "internal/mypkg/x.go"} {
		if excluded(p) {
			t.Errorf("%s (the user's code) is kept out of the build context", p)
		}
	}
}
