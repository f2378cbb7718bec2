package doctor

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestClientsCopy: the embedded copy of the real clients' requests is
// byte-identical to the repository's testdata/clients, so the doctor sends
// exactly what the server's own tests accept.
func TestClientsCopy(t *testing.T) {
	const repo = "../../../../testdata/clients"
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if filepath.Ext(e.Name()) == ".json" {
				out = append(out, e.Name())
			}
		}
		return out
	}
	want, got := names(repo), names("clients")
	if !slices.Equal(want, got) {
		t.Fatalf("clients/ holds %v, testdata/clients holds %v: copy them with cp testdata/clients/*.json cmd/mcp-oauth/internal/doctor/clients/", got, want)
	}
	for _, n := range want {
		a, _ := os.ReadFile(filepath.Join(repo, n))
		b, _ := os.ReadFile(filepath.Join("clients", n))
		if !bytes.Equal(a, b) {
			t.Errorf("clients/%s differs from testdata/clients/%s: copy it again", n, n)
		}
	}
	regs, err := registrationClients()
	if err != nil || len(regs) < 5 {
		t.Fatalf("registration fixtures: %d, %v; want at least VS Code, Claude.ai, ChatGPT, Cursor and Claude Code", len(regs), err)
	}
}
