package doctor

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mcp-oauth/mcp-oauth/generator"
)

// preMergeVSCode is how a generated server that still refuses unsupported
// grant types answers VS Code's registration. Issue 8 makes the server
// drop them instead; until that is merged this one refusal is tolerated,
// and only in exactly this form.
const preMergeVSCode = `grant type "urn:ietf:params:oauth:grant-type:device_code" is not supported`

// TestGeneratedServers runs the doctor with --register and --flow against
// a generated server on every store, signed in by the test browser
// through the DEV_LOGIN form and the consent page: every check passes.
// The only skips allowed are HSTS (the servers run on loopback http) and
// the clean-up (generated servers offer no RFC 7592 management).
func TestGeneratedServers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts generated servers")
	}
	useTestBrowser(t)
	for _, store := range []string{"memory", "sqlite", "redis", "postgres"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			env := storeEnv(t, store)
			bin := buildGenerated(ctx, t, store)
			port := freePort(t)
			base := "http://127.0.0.1:" + strconv.Itoa(port)
			hosts := slices.Clone(generator.DefaultRedirectHosts)
			if !slices.Contains(hosts, "insiders.vscode.dev") {
				hosts = append(hosts, "insiders.vscode.dev") // the default once issue 8 is merged
			}
			env["PORT"] = strconv.Itoa(port)
			env["BASE_URL"] = base
			env["DEV_LOGIN"] = "1"
			env["ENCRYPTION_KEY"] = randomKey()
			env["ALLOWED_REDIRECT_HOSTS"] = strings.Join(hosts, ",")
			env["RATE_LIMIT"] = "0"
			env["LOG_LEVEL"] = "warn"
			startGenerated(ctx, t, bin, base, env)

			r := Run(ctx, Options{URL: base + "/mcp", Register: true, Flow: true, SignInTimeout: time.Minute})
			allowedSkips := []string{"transport.hsts", "cleanup.registrations"}
			for _, c := range r.Checks {
				switch {
				case c.Status == Pass:
				case c.Status == Skip && slices.Contains(allowedSkips, c.ID):
				case c.ID == "register.vscode" && c.Status == Fail && strings.Contains(c.Message, preMergeVSCode):
					t.Logf("KNOWN UNTIL ISSUE 8 IS MERGED: %s", c.Message)
				default:
					logReport(t, r)
					t.Fatalf("%s: %s %s, want pass", c.ID, c.Status, c.Message)
				}
			}
			if r.Error != "" {
				t.Fatalf("the doctor could not finish: %s", r.Error)
			}
			for _, id := range []string{"discovery.resource", "transport.cors_mcp", "transport.origin", "register.claude-ai", "register.cursor",
				"flow.pkce", "flow.code_replay", "flow.replay_revokes", "flow.rotation", "flow.refresh_reuse", "flow.resource_token", "flow.tools_list"} {
				if _, ok := r.Check(id); !ok {
					t.Fatalf("the report has no %s", id)
				}
			}
		})
	}
}

// storeEnv is the store's connection setting: a fresh file for SQLite, the
// shared Redis (under a key prefix of its own) or PostgreSQL server. A
// missing server skips loudly outside CI and fails in CI.
func storeEnv(t *testing.T, store string) map[string]string {
	switch store {
	case "memory":
		return map[string]string{}
	case "sqlite":
		return map[string]string{"SQLITE_PATH": filepath.Join(t.TempDir(), "doctor.db")}
	}
	name := map[string]string{"redis": "REDIS_URL", "postgres": "DATABASE_URL"}[store]
	dsn := os.Getenv(name)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must start %s (eval \"$(bash .ci/services)\")", name, store)
		}
		t.Skipf("SKIPPED: %s is not set, so the doctor did not run against a %s server; start it with eval \"$(bash .ci/services)\"", name, store)
	}
	if store == "redis" {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b := make([]byte, 6)
		rand.Read(b)
		q := u.Query()
		q.Set("key_prefix", "doctor-"+hex.EncodeToString(b)+":")
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	return map[string]string{name: dsn}
}

// buildGenerated renders a project for store and builds it, sharing the
// test's module and build caches.
func buildGenerated(ctx context.Context, t *testing.T, store string) string {
	t.Helper()
	files, err := generator.Render(generator.Options{
		Name: "doctored", Module: "example.com/doctored", Provider: "github", Store: store,
		RedirectHosts: generator.DefaultRedirectHosts,
	})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "doctored")
	if err := generator.WriteNew(dir, files); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "doctored")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in the generated project: %v\n%s", err, out)
	}
	return bin
}

// startGenerated runs the server with env (and nothing of this process's
// DEV_LOGIN or UPSTREAM_ settings) until /healthz answers; its output is
// logged when the test fails.
func startGenerated(ctx context.Context, t *testing.T, bin, base string, env map[string]string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, ours := env[name]; !ours && !strings.HasPrefix(name, "UPSTREAM_") && name != "DEV_LOGIN" && name != "BROWSER" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var logs lockedBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-exited
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("server exited: %v\n%s", err, logs.String())
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy after 30s\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func randomKey() string {
	key := make([]byte, 32)
	rand.Read(key)
	return base64.StdEncoding.EncodeToString(key)
}

// lockedBuffer collects a process's output from two pipes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
