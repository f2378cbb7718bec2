package doctor

import (
	"context"
	"net/http"
	"net/http/httptest"
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
// right ✗ and its fix, and nothing else fails.
func TestBrokenServers(t *testing.T) {
	cases := []struct {
		flaw doctortest.Flaw
		fail []string // the checks that must fail, and only they
		fix  string   // in the first one's fix
	}{
		{doctortest.WrongResource, []string{"discovery.resource"}, "BASE_URL"},
		{doctortest.IssuerMismatch, []string{"discovery.issuer"}, "set BASE_URL="},
		{doctortest.NoS256, []string{"discovery.pkce"}, `"code_challenge_methods_supported": ["S256"]`},
		{doctortest.NoCORS, []string{"transport.cors_resource_metadata", "transport.cors_server_metadata", "transport.cors_register", "transport.cors_token", "transport.cors_mcp"}, "Access-Control-Allow-Origin"},
		{doctortest.RefuseVSCode, []string{"register.vscode"}, "ALLOWED_REDIRECT_HOSTS"},
		{doctortest.PKCENotVerified, []string{"flow.pkce"}, "code_verifier"},
		{doctortest.CodeReplay, []string{"flow.code_replay"}, "single-use"},
		{doctortest.NoRotation, []string{"flow.rotation"}, "new refresh token on every refresh"},
		{doctortest.OpenSession, []string{"flow.tools_list_without_token"}, "every request"},
		{doctortest.ForeignResource, []string{"flow.resource_token"}, "invalid_target"},
	}
	for _, tc := range cases {
		t.Run(string(tc.flaw), func(t *testing.T) {
			fx := newFixture(t, tc.flaw)
			r := runFixture(t, fx)
			var failed []string
			for _, c := range r.Checks {
				if c.Status == Fail {
					failed = append(failed, c.ID)
				}
			}
			if strings.Join(failed, " ") != strings.Join(tc.fail, " ") || r.ExitCode() != 1 {
				logReport(t, r)
				t.Fatalf("failed checks %v (exit %d), want exactly %v (exit 1)", failed, r.ExitCode(), tc.fail)
			}
			c, _ := r.Check(tc.fail[0])
			if c.Fix == "" || !strings.Contains(c.Fix, tc.fix) {
				t.Fatalf("%s: fix %q, want one naming %q", c.ID, c.Fix, tc.fix)
			}
		})
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
