package doctor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-oauth/mcp-oauth/cmd/mcp-oauth/internal/doctor/doctortest"
)

// runFixture runs the doctor with everything on against fx, the test
// browser signing in.
func runFixture(t *testing.T, fx *doctortest.Server) *Report {
	t.Helper()
	useTestBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return Run(ctx, Options{
		URL: fx.MCPURL(), Register: true, Flow: true,
		// The fixture has no grace window.
		RefreshGrace: 10 * time.Millisecond, SignInTimeout: 30 * time.Second,
	})
}

func newFixture(t *testing.T, f doctortest.Flaw) *doctortest.Server {
	fx := doctortest.New(f)
	t.Cleanup(fx.Close)
	return fx
}

func logReport(t *testing.T, r *Report) {
	t.Helper()
	var b strings.Builder
	r.WriteText(&b, false)
	t.Log("\n" + b.String())
}

// TestSoundFixture: the fixture without a flaw passes every check, so each
// failure in TestBrokenServers comes from its flaw alone.
func TestSoundFixture(t *testing.T) {
	fx := newFixture(t, doctortest.Sound)
	r := runFixture(t, fx)
	if r.Result != ResultPass || r.ExitCode() != 0 {
		logReport(t, r)
		t.Fatalf("result %s (%s), want pass", r.Result, r.Error)
	}
	for _, id := range []string{"discovery.resource", "discovery.issuer", "discovery.pkce", "transport.cors_mcp", "register.vscode",
		"flow.signin", "flow.pkce", "flow.token", "flow.tools_list", "flow.tools_list_without_token", "flow.resource_authorize",
		"flow.resource_token", "flow.rotation", "flow.code_replay", "flow.replay_revokes", "flow.refresh_reuse", "flow.reuse_revokes"} {
		if c, ok := r.Check(id); !ok || c.Status != Pass {
			logReport(t, r)
			t.Fatalf("%s: %+v, want pass", id, c)
		}
	}
}

// TestBrokenServers: each deliberately broken server is reported with the
// right ✗ (or !) and its fix, and nothing else fails or warns.
func TestBrokenServers(t *testing.T) {
	cases := []struct {
		flaw doctortest.Flaw
		fail []string // the checks that must fail, and only they
		warn []string // the checks that must warn, and only they
		fix  string   // in the fix of the first of fail, else of warn
	}{
		{doctortest.WrongResource, []string{"discovery.resource"}, nil, "BASE_URL"},
		{doctortest.IssuerMismatch, []string{"discovery.issuer"}, nil, "set BASE_URL="},
		{doctortest.NoS256, []string{"discovery.pkce"}, nil, `"code_challenge_methods_supported": ["S256"]`},
		{doctortest.NoCORS, []string{"transport.cors_resource_metadata", "transport.cors_server_metadata", "transport.cors_register", "transport.cors_token", "transport.cors_mcp"}, nil, "Access-Control-Allow-Origin"},
		{doctortest.RefuseVSCode, []string{"register.vscode"}, nil, "ALLOWED_REDIRECT_HOSTS"},
		{doctortest.DropsRedirects, []string{"register.chatgpt", "register.cursor", "register.vscode"}, []string{"register.mcp-inspector"}, "ALLOWED_REDIRECT_HOSTS"},
		{doctortest.PKCENotVerified, []string{"flow.pkce"}, nil, "code_verifier"},
		{doctortest.CodeReplay, []string{"flow.code_replay"}, nil, "single-use"},
		{doctortest.NoRotation, []string{"flow.rotation"}, nil, "new refresh token on every refresh"},
		{doctortest.OpenSession, []string{"flow.tools_list_without_token"}, nil, "every request"},
		{doctortest.ForeignResource, []string{"flow.resource_token"}, nil, "invalid_target"},
		{doctortest.NoOriginCheck, nil, []string{"transport.origin"}, "403"},
	}
	for _, tc := range cases {
		t.Run(string(tc.flaw), func(t *testing.T) {
			fx := newFixture(t, tc.flaw)
			r := runFixture(t, fx)
			got := map[Status][]string{}
			for _, c := range r.Checks {
				got[c.Status] = append(got[c.Status], c.ID)
			}
			wantExit := 0
			if len(tc.fail) > 0 {
				wantExit = 1
			}
			if !slices.Equal(got[Fail], tc.fail) || !slices.Equal(got[Warn], tc.warn) || r.ExitCode() != wantExit {
				logReport(t, r)
				t.Fatalf("failed %v, warned %v (exit %d); want failed %v, warned %v (exit %d)", got[Fail], got[Warn], r.ExitCode(), tc.fail, tc.warn, wantExit)
			}
			c, _ := r.Check(slices.Concat(tc.fail, tc.warn)[0])
			if c.Fix == "" || !strings.Contains(c.Fix, tc.fix) {
				t.Fatalf("%s: fix %q, want one naming %q", c.ID, c.Fix, tc.fix)
			}
		})
	}
}

// TestHTTPS: over https, HSTS is checked, and its absence is a warning.
func TestHTTPS(t *testing.T) {
	for _, tc := range []struct {
		flaw doctortest.Flaw
		want Status
	}{{doctortest.Sound, Pass}, {doctortest.NoHSTS, Warn}} {
		fx := doctortest.NewTLS(tc.flaw)
		defer fx.Close()
		r := Run(context.Background(), Options{URL: fx.MCPURL(), Transport: fx.Client().Transport})
		https, _ := r.Check("transport.https")
		hsts, _ := r.Check("transport.hsts")
		if https.Status != Pass || !strings.Contains(https.Message, "https everywhere") || hsts.Status != tc.want {
			logReport(t, r)
			t.Fatalf("%q: https %+v, hsts %+v; want hsts %s", tc.flaw, https, hsts, tc.want)
		}
	}
}

// TestPublicHTTP: plain http on a host that is not loopback is a ✗.
func TestPublicHTTP(t *testing.T) {
	ru := &run{r: &Report{}, mcpURL: "http://mcp.example.com/mcp"}
	ru.checkHTTPS()
	if c, _ := ru.r.Check("transport.https"); c.Status != Fail || !strings.Contains(c.Fix, "BASE_URL=https://") {
		t.Fatalf("%+v, want a failure naming BASE_URL=https://", c)
	}
}

// TestCleanupRFC7592: registrations are deleted where the server supports
// RFC 7592 management.
func TestCleanupRFC7592(t *testing.T) {
	fx := doctortest.NewManaged()
	defer fx.Close()
	r := Run(context.Background(), Options{URL: fx.MCPURL(), Register: true})
	c, _ := r.Check("cleanup.registrations")
	if c.Status != Pass || !strings.Contains(c.Message, "deleted the") || fx.Clients() != 0 {
		logReport(t, r)
		t.Fatalf("cleanup %+v, %d clients left on the server; want all deleted", c, fx.Clients())
	}
}

// TestNoTokenElsewhere: an MCP endpoint that redirects a token-bearing
// request to another host never gets the token carried there.
func TestNoTokenElsewhere(t *testing.T) {
	var hits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer elsewhere.Close()
	fx := newFixture(t, doctortest.RedirectsTokens)
	fx.RedirectTokensTo(elsewhere.URL + "/steal")
	r := runFixture(t, fx)
	if c, _ := r.Check("flow.tools_list"); c.Status != Fail {
		logReport(t, r)
		t.Fatalf("flow.tools_list against a redirecting endpoint: %+v, want fail", c)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the other host got %d requests, want none", n)
	}
}

// TestCredentialGuard: the client refuses to send an Authorization header
// to an origin it does not trust, before anything leaves.
func TestCredentialGuard(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := newClient(5*time.Second, nil)
	c.trust("https://mcp.example.com/mcp")
	_, err := c.do(context.Background(), http.MethodGet, srv.URL, http.Header{"Authorization": {"Bearer secret"}}, "")
	if err == nil || !strings.Contains(err.Error(), "refusing to send credentials") || hits.Load() != 0 {
		t.Fatalf("untrusted origin: err %v, %d requests arrived; want a refusal and none", err, hits.Load())
	}
	if _, err := c.do(context.Background(), http.MethodGet, srv.URL, nil, ""); err != nil || hits.Load() != 1 {
		t.Fatalf("a request without credentials: %v", err)
	}
	c.trust(srv.URL)
	if _, err := c.do(context.Background(), http.MethodGet, srv.URL, http.Header{"Authorization": {"Bearer secret"}}, ""); err != nil || hits.Load() != 2 {
		t.Fatalf("trusted origin: %v", err)
	}
}

// TestInterrupted: a run interrupted while waiting for the sign-in reports
// what it found, says why it stopped, and still cleans up.
func TestInterrupted(t *testing.T) {
	fx := doctortest.NewManaged()
	defer fx.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := Run(ctx, Options{URL: fx.MCPURL(), Flow: true, OpenBrowser: func(context.Context, string) error {
		cancel() // the user presses Ctrl-C instead of signing in
		return nil
	}})
	if r.Result != ResultError || r.ExitCode() != 2 || !strings.Contains(r.Error, "interrupted") {
		t.Fatalf("result %s, exit %d, error %q; want error, 2, interrupted", r.Result, r.ExitCode(), r.Error)
	}
	if c, _ := r.Check("discovery.resource"); c.Status != Pass {
		t.Fatalf("the checks made before the interruption are missing: %+v", r.Checks)
	}
	if c, _ := r.Check("cleanup.registrations"); c.Status != Pass || fx.Clients() != 0 {
		t.Fatalf("cleanup after the interruption: %+v, %d clients left", c, fx.Clients())
	}
}
