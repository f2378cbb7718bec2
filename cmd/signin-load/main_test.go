package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest"
)

// buildServer renders an oidc project for store and builds it, sharing the
// test's module and build caches.
func buildServer(t *testing.T, store string) string {
	t.Helper()
	return projecttest.Build(t.Context(), t, options.Options{
		Name: "loadtest", Module: "example.com/loadtest", Provider: "oidc", Store: store,
		RedirectHosts: options.DefaultRedirectHosts,
	})
}

// needTool skips (or fails in CI) when a program the test runs is missing.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed: .ci/run must install it", name)
		}
		t.Skipf("SKIPPED: %s is not installed", name)
	}
}

// TestSignInLoad keeps the tool from rotting: a small load and a small
// fault run against a generated oidc/sqlite server. The figures themselves
// come from manual runs (see the generated README).
func TestSignInLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated server and signs in through it")
	}
	needTool(t, "sqlite3")
	bin := buildServer(t, "sqlite")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()

	t.Run("load", func(t *testing.T) {
		var out strings.Builder
		cfg := &config{bin: bin, store: "sqlite", n: 20, concurrency: 20, redirectURI: "https://claude.ai/api/mcp/auth_callback", killAt: 0.5, serverEnv: envFlag{}}
		rep, err := execute(ctx, cfg, &out)
		t.Log("\n" + out.String())
		if err != nil {
			t.Fatal(err)
		}
		res := rep.load
		if !rep.passed() || res.ok != 20 || res.failed() != 0 {
			t.Fatalf("%d of 20 sign-ins ok, errors %v", res.ok, res.errors)
		}
		for _, step := range steps {
			if len(res.steps[step]) != 20 {
				t.Errorf("step %s timed %d times, want 20", step, len(res.steps[step]))
			}
		}
		if rep.store == nil || rep.store.grants != 20 || rep.store.halfWritten != 0 {
			t.Errorf("store after 20 sign-ins: %v", rep.store)
		}
		// Each sign-in's exchanges: register, authorize, consent, upstream,
		// callback, token, the MCP session, refresh; all succeeded.
		if bad := answerCheck(res.exchanges); len(bad) != 0 {
			t.Errorf("unexpected answers: %v", bad)
		}
	})

	t.Run("dev-login", func(t *testing.T) {
		var out strings.Builder
		cfg := &config{bin: bin, store: "sqlite", n: 5, concurrency: 5, devLogin: true, redirectURI: "http://127.0.0.1:33418/callback", killAt: 0.5, serverEnv: envFlag{}}
		rep, err := execute(ctx, cfg, &out)
		t.Log("\n" + out.String())
		if err != nil {
			t.Fatal(err)
		}
		if !rep.passed() || rep.load.ok != 5 {
			t.Fatalf("%d of 5 DEV_LOGIN sign-ins ok, errors %v", rep.load.ok, rep.load.errors)
		}
	})

	t.Run("fault", func(t *testing.T) {
		var out strings.Builder
		cfg := &config{bin: bin, store: "sqlite", n: 40, concurrency: 10, fault: "server", killAt: 0.4,
			downtime: 500 * time.Millisecond, redirectURI: "https://claude.ai/api/mcp/auth_callback", serverEnv: envFlag{}}
		rep, err := execute(ctx, cfg, &out)
		t.Log("\n" + out.String())
		if err != nil {
			t.Fatal(err)
		}
		if !rep.passed() {
			t.Fatalf("the fault run failed: answers %v, grant failures %v, store %v", rep.answers, rep.grants.failures, rep.store)
		}
		// The kill must have been felt and survived: some attempts were cut,
		// grants from before the kill were checked after it, and every
		// grant a client holds is in the store.
		if rep.load.interrupted == 0 {
			t.Error("no sign-in was interrupted: the server was not really killed during the run")
		}
		if rep.grants.beforeKill == 0 || rep.grants.checked < 40 {
			t.Errorf("grants checked %d, before the kill %d", rep.grants.checked, rep.grants.beforeKill)
		}
		if rep.store.grants < rep.grants.checked-rep.grants.inFlightRevoked {
			t.Errorf("the store holds %d grants, clients hold %d", rep.store.grants, rep.grants.checked)
		}
	})
}

// TestAnswerCheck: the fault run's answer check lets through success, 503
// and connection errors only.
func TestAnswerCheck(t *testing.T) {
	ex := []exchange{
		{Step: stepToken, Method: "POST", Path: "/token", Status: 200},
		{Step: stepConsent, Method: "POST", Path: "/authorize/consent", Status: 303},
		{Step: stepToken, Method: "POST", Path: "/token", Status: 503},
		{Step: stepMCP, Method: "POST", Path: "/mcp", Err: io.ErrUnexpectedEOF},
		{Step: stepRefresh, Method: "POST", Path: "/token", Status: 400},
		{Step: stepMCP, Method: "POST", Path: "/mcp", Status: 500},
		{Step: stepMCP, Method: "POST", Path: "/mcp", Status: 500},
		{Step: stepMCP, Method: "POST", Path: "/mcp", Status: 404, Session: true},
		{Step: stepMCP, Method: "POST", Path: "/mcp", Status: 404},
	}
	bad := answerCheck(ex)
	want := map[string]int{"refresh: POST /token: HTTP 400": 1, "mcp: POST /mcp: HTTP 500": 2, "mcp: POST /mcp: HTTP 404": 1}
	if len(bad) != len(want) {
		t.Fatalf("answerCheck = %v, want %v", bad, want)
	}
	for k, n := range want {
		if bad[k] != n {
			t.Errorf("answerCheck[%q] = %d, want %d", k, bad[k], n)
		}
	}
}

// TestCheckStoreSQLite: the store check finds what a torn write would
// leave: a grant with no tokens, a grant whose rotation lost its new
// refresh token, a redeemed code without its grant.
func TestCheckStoreSQLite(t *testing.T) {
	needTool(t, "sqlite3")
	schema, err := os.ReadFile("../../templates/project/internal/store/sqlite_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "s.db")
	rows := `
INSERT INTO grants VALUES ('g-ok','c','u','u','mcp','r',NULL,NULL,1,9000000000000000);
INSERT INTO access_tokens VALUES ('a1','g-ok','c','u','mcp','r',9000000000000000);
INSERT INTO refresh_tokens VALUES ('r1','g-ok','c',9000000000000000,5,x'00');
INSERT INTO refresh_tokens VALUES ('r2','g-ok','c',9000000000000000,NULL,NULL);
INSERT INTO codes VALUES ('k1','g-ok','c','ru','ch','S256','r','mcp','u','u',NULL,NULL,9000000000000000,5);
INSERT INTO grants VALUES ('g-bare','c','u','u','mcp','r',NULL,NULL,1,9000000000000000);
INSERT INTO grants VALUES ('g-torn','c','u','u','mcp','r',NULL,NULL,1,9000000000000000);
INSERT INTO access_tokens VALUES ('a2','g-torn','c','u','mcp','r',9000000000000000);
INSERT INTO refresh_tokens VALUES ('r3','g-torn','c',9000000000000000,5,x'00');
INSERT INTO codes VALUES ('k2','g-gone','c','ru','ch','S256','r','mcp','u','u',NULL,NULL,9000000000000000,5);
INSERT INTO codes VALUES ('k3','g-new','c','ru','ch','S256','r','mcp','u','u',NULL,NULL,9000000000000000,NULL);
`
	cmd := exec.Command("sqlite3", db)
	cmd.Stdin = strings.NewReader(string(schema) + rows)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out)
	}
	rep, err := checkStore(t.Context(), "sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	got := [...]int{rep.grants, rep.liveRefreshNotOne, rep.noAccessToken, rep.usedCodeNoGrant, rep.halfWritten}
	if want := [...]int{3, 2, 1, 1, 4}; got != want {
		t.Errorf("checkStore = %v (%s), want grants, not-one-live-refresh, no-access, code-without-grant, total = %v", got, rep, want)
	}
	// A grant the run saw revoked for reuse explains one redeemed code
	// without its grant, and no more.
	rep.account(1)
	if rep.halfWritten != 3 {
		t.Errorf("with one revoked grant: %d half-written, want 3", rep.halfWritten)
	}
	rep.account(5)
	if rep.halfWritten != 3 {
		t.Errorf("with five revoked grants: %d half-written, want 3", rep.halfWritten)
	}
}

// TestCheckStoreRedis is TestCheckStoreSQLite for the Redis key layout, on
// a Redis of the test's own.
func TestCheckStoreRedis(t *testing.T) {
	needTool(t, "redis-server")
	needTool(t, "redis-cli")
	proc, dsn, err := redisProcess(t.TempDir(), "always")
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer proc.kill()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	p := redisPrefix
	for _, c := range [][]string{
		{"HSET", p + "grant:g-ok", "v", "{}"},
		{"HSET", p + "access:a1", "v", "{}", "g", "g-ok"},
		{"HSET", p + "refresh:r1", "v", "{}", "g", "g-ok", "rot", "5"},
		{"HSET", p + "refresh:r2", "v", "{}", "g", "g-ok"},
		{"ZADD", p + "grant-tokens:g-ok", "1", p + "access:a1", "1", p + "refresh:r1", "1", p + "refresh:r2"},
		{"HSET", p + "code:k1", "v", `{"GrantID":"g-ok"}`, "used", "5"},
		{"HSET", p + "grant:g-bare", "v", "{}"},
		{"HSET", p + "grant:g-torn", "v", "{}"},
		{"HSET", p + "access:a2", "v", "{}", "g", "g-torn"},
		{"HSET", p + "refresh:r3", "v", "{}", "g", "g-torn", "rot", "5"},
		{"ZADD", p + "grant-tokens:g-torn", "1", p + "access:a2", "1", p + "refresh:r3"},
		{"HSET", p + "code:k2", "v", `{"GrantID":"g-gone"}`, "used", "5"},
		{"HSET", p + "code:k3", "v", `{"GrantID":"g-new"}`},
		// Another server's keys in the same Redis are not counted.
		{"HSET", "other:grant:g-x", "v", "{}"},
	} {
		args := append([]string{"-p", port}, c...)
		if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
			t.Fatalf("redis-cli %v: %v %s", c, err, out)
		}
	}
	rep, err := checkStore(t.Context(), "redis", dsn)
	if err != nil {
		t.Fatal(err)
	}
	got := [...]int{rep.grants, rep.liveRefreshNotOne, rep.noAccessToken, rep.usedCodeNoGrant, rep.halfWritten}
	if want := [...]int{3, 2, 1, 1, 4}; got != want {
		t.Errorf("checkStore = %v (%s), want %v", got, rep, want)
	}
}

// TestUpstreamBindsTheCode: the fake provider is strict like a real one: a
// code is refused with another PKCE verifier or redirect URI, and user
// info needs its own access token.
func TestUpstreamBindsTheCode(t *testing.T) {
	up, err := startUpstream("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.close()
	c := grantClaims{Kind: "code", Sub: "alice", Challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", RedirectURI: "http://127.0.0.1:1/callback", Expires: time.Now().Add(time.Minute).Unix()}
	code := up.seal(c)
	post := func(form string) int {
		req, _ := http.NewRequest(http.MethodPost, up.issuer+"/token", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(up.clientID, up.clientSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// The RFC 7636 appendix B verifier for that challenge.
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	if got := post("grant_type=authorization_code&code=" + code + "&code_verifier=wrong-verifier-wrong-verifier-wrong-verifier&redirect_uri=http://127.0.0.1:1/callback"); got != http.StatusBadRequest {
		t.Errorf("wrong verifier: %d, want 400", got)
	}
	if got := post("grant_type=authorization_code&code=" + code + "&code_verifier=" + verifier + "&redirect_uri=http://127.0.0.1:2/callback"); got != http.StatusBadRequest {
		t.Errorf("wrong redirect_uri: %d, want 400", got)
	}
	if got := post("grant_type=authorization_code&code=" + code + "&code_verifier=" + verifier + "&redirect_uri=http://127.0.0.1:1/callback"); got != http.StatusOK {
		t.Errorf("right verifier and redirect_uri: %d, want 200", got)
	}
	req, _ := http.NewRequest(http.MethodGet, up.issuer+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+code)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("user info with a code as the token: %d, want 401", resp.StatusCode)
	}
}

// TestFlags: bad command lines are refused naming what is wrong.
func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "name the server"},
		{[]string{"-bin", "x", "-url", "http://h"}, "not both"},
		{[]string{"-bin", "x", "-store", "mysql"}, "-store must be"},
		{[]string{"-url", "http://h"}, "-dev-login"},
		{[]string{"-bin", "x", "-store", "memory", "-fault", "server"}, "not memory"},
		{[]string{"-bin", "x", "-store", "sqlite", "-fault", "store"}, "redis or postgres"},
		{[]string{"-bin", "x", "-store", "sqlite", "-fault", "disk"}, "server or store"},
		{[]string{"-bin", "x", "-store", "sqlite", "-n", "0"}, "-n must be"},
		{[]string{"-bin", "x", "-store", "sqlite", "-env", "NOVALUE"}, "NAME=VALUE"},
	} {
		_, err := parseFlags(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseFlags(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
	if _, err := parseFlags([]string{"-bin", "x", "-store", "postgres", "-fault", "store", "-env", "A=b=c"}, io.Discard); err != nil {
		t.Errorf("a good command line was refused: %v", err)
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

// TestInterruption: what a fault run retries (connection errors, 503 and
// their counterparts in an authorization response and a tool answer) and
// what it counts as a failure.
func TestInterruption(t *testing.T) {
	mcpLog := []exchange{{Step: stepMCP, Method: "POST", Path: "/mcp", Status: 200}}
	for _, tc := range []struct {
		name string
		err  error
		log  []exchange
		want bool
	}{
		{"connection error", &stepError{step: stepToken, err: io.EOF}, []exchange{{Step: stepToken, Err: io.EOF}}, true},
		{"503", &stepError{step: stepToken, status: 503, err: errors.New("temporarily_unavailable")}, []exchange{{Step: stepToken, Status: 503}}, true},
		{"400", &stepError{step: stepToken, status: 400, err: errors.New("invalid_grant")}, []exchange{{Step: stepToken, Status: 400}}, false},
		{"MCP session lost", &stepError{step: stepMCP, err: errors.New("tools/call whoami: session not found")}, []exchange{{Step: stepMCP, Status: 404, Session: true}}, true},
		{"tool unavailable", &stepError{step: stepMCP, err: errToolUnavailable}, mcpLog, true},
		{"tool failed", &stepError{step: stepMCP, err: errors.New("whoami failed: boom")}, mcpLog, false},
		{"authorization unavailable", &stepError{step: stepCallback, err: fmt.Errorf("%w: try again", errAuthUnavailable)}, []exchange{{Step: stepCallback, Status: 302}}, true},
		{"authorization server_error", &stepError{step: stepCallback, err: errors.New("authorization error server_error: x")}, []exchange{{Step: stepCallback, Status: 302}}, false},
	} {
		if got := interruption(tc.err, tc.log); got != tc.want {
			t.Errorf("%s: interruption = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestCutBodyRecordsTheCut: an answer cut after its status line (the server
// killed while it writes the body) is a connection error of its exchange,
// which a fault run retries, not a failed sign-in.
func TestCutBodyRecordsTheCut(t *testing.T) {
	var got error
	b := &cutBody{ReadCloser: io.NopCloser(io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(io.ErrUnexpectedEOF))), cut: func(err error) { got = err }}
	if _, err := io.ReadAll(b); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("read: %v, want unexpected EOF", err)
	}
	if !errors.Is(got, io.ErrUnexpectedEOF) {
		t.Fatalf("cut recorded %v, want unexpected EOF", got)
	}
	got = nil
	whole := &cutBody{ReadCloser: io.NopCloser(strings.NewReader("whole")), cut: func(err error) { got = err }}
	if _, err := io.ReadAll(whole); err != nil || got != nil {
		t.Fatalf("a whole body: read %v, cut %v; want neither", err, got)
	}
	if !interruption(errors.New("authorize: unexpected EOF"), []exchange{{Step: stepAuthorize, Status: http.StatusOK, Err: io.ErrUnexpectedEOF}}) {
		t.Fatal("a cut answer is not taken for an interruption")
	}
}
