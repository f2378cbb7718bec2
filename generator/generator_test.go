package generator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-oauth/mcp-oauth/generator"
	"github.com/mcp-oauth/mcp-oauth/generator/answers"
	"github.com/mcp-oauth/mcp-oauth/generator/options"
)

// TestInitAndGenerateWriteTheAnswers: init writes the answers file and a
// private .env beside the project; generate leaves a hand-edited answers
// file alone while its answers stand, rewrites it when they change, and
// never touches .env.
func TestInitAndGenerateWriteTheAnswers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "srv")
	opts := options.Options{Name: "srv", Module: "example.com/srv", Provider: "github", Store: "sqlite",
		RedirectHosts: []string{"claude.ai"}}
	n, err := generator.Init(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	entries := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, ".mcp-oauth") {
			entries++
		}
		return err
	})
	if n != entries {
		t.Errorf("Init reported %d files, wrote %d", n, entries)
	}
	env, err := os.Stat(filepath.Join(dir, ".env"))
	if err != nil || env.Mode().Perm() != 0o600 {
		t.Fatalf(".env: %v, %v; want mode 0600", env, err)
	}
	src, err := os.ReadFile(filepath.Join(dir, answers.File))
	if err != nil {
		t.Fatal(err)
	}
	if a, err := answers.Parse(src); err != nil || a.Options.Store != "sqlite" {
		t.Fatalf("answers file: %+v, %v", a, err)
	}

	edited := append([]byte("# mine\n"), src...)
	if err := os.WriteFile(filepath.Join(dir, answers.File), edited, 0o644); err != nil {
		t.Fatal(err)
	}
	plan, err := generator.Generate(dir, opts, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.Summary(false); got != "up to date\n" {
		t.Errorf("same answers, hand-edited: %q, want up to date", got)
	}

	opts.Store = "memory"
	plan, err = generator.Generate(dir, opts, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.Summary(false), "would update mcp-oauth.yaml\n") {
		t.Errorf("changed answers not planned:\n%s", plan.Summary(false))
	}
	for _, c := range plan.Changes {
		if c.Path == ".env" {
			t.Errorf(".env planned: %v", c.Action)
		}
	}
	if err := plan.Apply(dir); err != nil {
		t.Fatal(err)
	}
	src, _ = os.ReadFile(filepath.Join(dir, answers.File))
	if a, err := answers.Parse(src); err != nil || a.Options.Store != "memory" {
		t.Fatalf("answers file after generate: %+v, %v", a, err)
	}
}
