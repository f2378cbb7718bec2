package generator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-oauth/mcp-oauth/generator"
)

// interopUser is the name the TypeScript client types into the DEV_LOGIN
// form; not ASCII, so the name survives form encoding both ways.
const interopUser = "TS SDK Zoë"

// interopSummary is the JSON line testdata/interop/client.mjs prints.
type interopSummary struct {
	OK             bool     `json:"ok"`
	SDK            string   `json:"sdk"`
	Issuer         string   `json:"issuer"`
	ClientID       string   `json:"client_id"`
	Iss            string   `json:"iss"`
	StateRoundTrip bool     `json:"state_round_trip"`
	Tools          []string `json:"tools"`
	Whoami         struct {
		UserID  string         `json:"user_id"`
		Profile map[string]any `json:"profile"`
	} `json:"whoami"`
	WhoamiAfterRefresh struct {
		UserID string `json:"user_id"`
	} `json:"whoami_after_refresh"`
	Grants              []string `json:"grants"`
	RefreshTokenRotated bool     `json:"refresh_token_rotated"`
}

// TestInteropTypeScriptSDK signs in to a generated server with a
// third-party client: the official MCP TypeScript SDK (version pinned in
// testdata/interop/package-lock.json), running its own OAuth code for
// discovery, registration, PKCE, the code exchange and a refresh, with a
// scripted browser approving consent and signing in through DEV_LOGIN.
func TestInteropTypeScriptSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated server and runs the TypeScript SDK against it")
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed: CI must provide Node.js for the TypeScript SDK interop test", tool)
			}
			t.Skipf("SKIPPED: %s is not installed, so the TypeScript SDK interop test did not run; install Node.js 20 or later", tool)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()

	dir, err := filepath.Abs(filepath.Join("..", "testdata", "interop"))
	if err != nil {
		t.Fatal(err)
	}
	installInterop(ctx, t, dir)

	port := freePort(t)
	baseURL := fmt.Sprintf("http://127.0.0.1:%d", port)
	bin := buildProject(ctx, t, generator.Options{
		Name:          "interop",
		Module:        "example.com/interop",
		Provider:      "github",
		Store:         "sqlite",
		RedirectHosts: generator.DefaultRedirectHosts,
	})
	startServer(ctx, t, bin, baseURL, map[string]string{
		"PORT":           fmt.Sprint(port),
		"BASE_URL":       baseURL,
		"DEV_LOGIN":      "1",
		"ENCRYPTION_KEY": randomKey(t),
		"SQLITE_PATH":    filepath.Join(t.TempDir(), "interop.db"),
		"RATE_LIMIT":     "0",
		"LOG_LEVEL":      "debug",
	})

	cmd := exec.CommandContext(ctx, "node", "client.mjs", baseURL, interopUser)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// client.mjs says what failed on stderr ("interop: FAIL: ..."),
		// with the requests made so far.
		t.Fatalf("the TypeScript SDK client failed (%v):\n%s%s", err, stderr.String(), stdout.String())
	}
	if stderr.Len() > 0 {
		t.Logf("client stderr:\n%s", stderr.String())
	}

	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var sum interopSummary
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("the client's last line is not its JSON summary: %v\n%s", err, stdout.String())
	}
	t.Logf("summary: %s", lines[len(lines)-1])

	// client.mjs checks all this already; checking again here keeps the
	// test honest if the script is changed to be more lenient.
	if !sum.OK {
		t.Error("summary says not ok")
	}
	if sum.Issuer != baseURL || sum.Iss != baseURL {
		t.Errorf("issuer %q, iss %q: want both %q", sum.Issuer, sum.Iss, baseURL)
	}
	if !sum.StateRoundTrip {
		t.Error("state did not round-trip")
	}
	if sum.ClientID == "" {
		t.Error("no client was registered")
	}
	if !slices.Contains(sum.Tools, "whoami") {
		t.Errorf("tools %v, want whoami", sum.Tools)
	}
	if want := "dev:" + interopUser; sum.Whoami.UserID != want || sum.Whoami.Profile["name"] != interopUser || sum.WhoamiAfterRefresh.UserID != want {
		t.Errorf("whoami %+v, after refresh %+v: want user %q", sum.Whoami, sum.WhoamiAfterRefresh, want)
	}
	if !slices.Equal(sum.Grants, []string{"authorization_code:200", "refresh_token:200"}) {
		t.Errorf("token grants %v, want one code exchange and one refresh", sum.Grants)
	}
	if !sum.RefreshTokenRotated {
		t.Error("the refresh did not rotate the refresh token")
	}
}

// installInterop runs `npm ci` in dir unless node_modules already holds the
// SDK version package-lock.json pins.
func installInterop(ctx context.Context, t *testing.T, dir string) {
	t.Helper()
	const sdk = "node_modules/@modelcontextprotocol/sdk"
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &lock); err != nil || lock.Packages[sdk].Version == "" {
		t.Fatalf("package-lock.json does not pin %s: %v", sdk, err)
	}
	var installed struct {
		Version string `json:"version"`
	}
	if raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(sdk), "package.json")); err == nil && json.Unmarshal(raw, &installed) == nil && installed.Version == lock.Packages[sdk].Version {
		return
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}
