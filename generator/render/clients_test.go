package render_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
)

// TestRealClients runs the template tree's TestRealClients (the tree is a
// project with the `init --yes` redirect hosts) over testdata/clients: every real client's
// registration body, and every client ID metadata document (served over
// TLS under the client's own host name), is accepted with the redirect
// URIs the client needs, and completes an authorization.
func TestRealClients(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and tests a generated project")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()
	fixtures, err := filepath.Abs("../../testdata/clients")
	if err != nil {
		t.Fatal(err)
	}
	want, err := filepath.Glob(filepath.Join(fixtures, "*.json"))
	if err != nil || len(want) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtures, err)
	}

	if !slices.Equal(treeOptions.RedirectHosts, options.Options{}.WithDefaults("x").RedirectHosts) {
		t.Fatal("the template tree's redirect hosts are not the init --yes defaults")
	}
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-v", "-run", "^TestRealClients$", "../../templates/project/internal/authserver", "-args", "-client-fixtures="+fixtures)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("TestRealClients in the template tree: %v\n%s", err, out)
	}
	passed := regexp.MustCompile(`(?m)^    --- PASS: TestRealClients/`).FindAll(out, -1)
	if len(passed) != len(want) {
		t.Fatalf("%d fixtures passed, want all %d:\n%s", len(passed), len(want), out)
	}
}
