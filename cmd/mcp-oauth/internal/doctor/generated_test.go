package doctor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest"
)

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
			bin := projecttest.Build(ctx, t, options.Options{
				Name: "doctored", Module: "example.com/doctored", Provider: "github", Store: store,
				RedirectHosts: options.DefaultRedirectHosts,
			})
			port := projecttest.FreePort(t)
			base := "http://127.0.0.1:" + strconv.Itoa(port)
			env["PORT"] = strconv.Itoa(port)
			env["BASE_URL"] = base
			env["DEV_LOGIN"] = "1"
			env["ENCRYPTION_KEY"] = projecttest.RandomKey(t)
			env["RATE_LIMIT"] = "0"
			env["LOG_LEVEL"] = "warn"
			projecttest.Start(ctx, t, bin, base, env)

			r := Run(ctx, Options{URL: base + "/mcp", Register: true, Flow: true, SignInTimeout: time.Minute})
			allowedSkips := []string{"transport.hsts", "cleanup.registrations"}
			for _, c := range r.Checks {
				switch {
				case c.Status == Pass:
				case c.Status == Skip && slices.Contains(allowedSkips, c.ID):
				default:
					logReport(t, r)
					t.Fatalf("%s: %s %s, want pass", c.ID, c.Status, c.Message)
				}
			}
			if r.Error != "" {
				t.Fatalf("the doctor could not finish: %s", r.Error)
			}
			for _, id := range []string{"discovery.resource", "transport.cors_mcp", "transport.origin", "register.claude-ai", "register.cursor", "register.vscode",
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
