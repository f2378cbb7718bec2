package generator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"golang.org/x/oauth2"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest/signin"
)

// The OpenID provider's example user (storage.NewUserStore).
const (
	opUserID   = "id1"
	opUser     = "test-user@localhost"
	opUserName = "Test User"
	opPassword = "verysecure"
)

// TestEndToEndOIDC renders an oidc project, builds it, and signs in through
// it the way a real MCP client and a real user would: the Go SDK's OAuth
// handler registers, runs PKCE and redeems the code; a scripted browser
// approves our consent page and logs in at a real OpenID provider (zitadel's
// example OP, running in this process). Then a tool calls the provider with
// the user's upstream token, renewing it on the way; the MCP tokens are
// refreshed and revoked; and a provider that refuses renewal ends the grant.
func TestEndToEndOIDC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated server and runs a full sign-in")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()

	serverPort := freePort(t)
	baseURL := fmt.Sprintf("http://127.0.0.1:%d", serverPort)
	const clientID, clientSecret = "mcp-server", "mcp-server-secret"
	issuer, tap := startOP(t, clientID, clientSecret, baseURL+"/callback")

	bin := buildProject(ctx, t, options.Options{
		Name:          "e2e",
		Module:        "example.com/e2e",
		Provider:      "oidc",
		Store:         "sqlite",
		RedirectHosts: options.DefaultRedirectHosts,
	})
	startServer(ctx, t, bin, baseURL, map[string]string{
		"PORT":                   fmt.Sprint(serverPort),
		"BASE_URL":               baseURL,
		"UPSTREAM_ISSUER":        issuer,
		"UPSTREAM_CLIENT_ID":     clientID,
		"UPSTREAM_CLIENT_SECRET": clientSecret,
		"ENCRYPTION_KEY":         randomKey(t),
		"SQLITE_PATH":            filepath.Join(t.TempDir(), "e2e.db"),
		"LOG_LEVEL":              "debug",
	})

	// The MCP client's redirect URI is on loopback; the browser catches the
	// redirect to it instead of listening there, as a native client would.
	const redirectURI = "http://127.0.0.1:53682/callback"
	b := newBrowser(t, redirectURI)

	// Sign in. Connecting meets 401, which runs discovery, registration, the
	// browser flow and the token request.
	handler := newOAuthHandler(t, b, redirectURI)
	session := connect(ctx, t, baseURL, &mcp.StreamableClientTransport{Endpoint: baseURL + "/mcp", OAuthHandler: handler})
	checkWhoami(ctx, t, session)
	session.Close()
	// The upstream token was about to expire, so the call renewed it first.
	if tap.refreshes.Load() == 0 {
		t.Error("whoami used an upstream token about to expire without renewing it")
	}

	ts, err := handler.TokenSource(ctx)
	if err != nil || ts == nil {
		t.Fatalf("no token source after sign-in: %v", err)
	}
	first, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if first.RefreshToken == "" {
		t.Fatal("the token response has no refresh token")
	}

	// Refresh our tokens, as a client does when its access token expires:
	// a new pair that works.
	c := oauthClient(b.clientID(t), baseURL)
	refreshed, err := c.TokenSource(ctx, &oauth2.Token{RefreshToken: first.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if refreshed.AccessToken == first.AccessToken || refreshed.RefreshToken == "" || refreshed.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh did not rotate the tokens: %+v", refreshed)
	}
	session = connect(ctx, t, baseURL, bearerTransport(ctx, baseURL, refreshed.AccessToken))
	checkWhoami(ctx, t, session)
	session.Close()

	// Revocation (RFC 7009) of the refresh token ends the grant: the access
	// token issued with it stops working and the refresh token cannot be used.
	revoke(ctx, t, baseURL, b.clientID(t), refreshed.RefreshToken, "refresh_token")
	if status, challenge := mcpStatus(ctx, t, baseURL, refreshed.AccessToken); status != http.StatusUnauthorized || !strings.Contains(challenge, "invalid_token") {
		t.Errorf("/mcp with the revoked grant's access token: %d %q, want 401 invalid_token", status, challenge)
	}
	if _, err := c.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshed.RefreshToken}).Token(); err == nil {
		t.Error("a revoked refresh token was accepted")
	}

	// Sign in again, then have the provider refuse to renew the upstream
	// token: the tool says to sign in again, and the grant is over, so the
	// client's next request is refused and it starts a new sign-in rather
	// than failing on every call.
	handler = newOAuthHandler(t, b, redirectURI)
	session = connect(ctx, t, baseURL, &mcp.StreamableClientTransport{Endpoint: baseURL + "/mcp", OAuthHandler: handler})
	tap.rejectRefresh.Store(true)
	res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"})
	if err != nil {
		t.Fatalf("whoami: %v", err)
	}
	if text := toolText(res); !res.IsError || !strings.Contains(text, "sign") {
		t.Errorf("whoami after the provider refused renewal = %q (tool error: %v), want an error asking to sign in again", text, res.IsError)
	}
	session.Close()
	ts, err = handler.TokenSource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ended, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := mcpStatus(ctx, t, baseURL, ended.AccessToken); status != http.StatusUnauthorized {
		t.Errorf("/mcp after the upstream sign-in ended: %d, want 401", status)
	}
}

// newOAuthHandler is the MCP client's OAuth side: dynamic registration as a
// public native client, with b as the user.
func newOAuthHandler(t *testing.T, b *browser, redirectURI string) *auth.AuthorizationCodeHandler {
	t.Helper()
	handler, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &auth.DynamicClientRegistrationConfig{
			Metadata: &oauthex.ClientRegistrationMetadata{
				ClientName:              "e2e test client",
				RedirectURIs:            []string{redirectURI},
				GrantTypes:              []string{"authorization_code", "refresh_token"},
				ResponseTypes:           []string{"code"},
				TokenEndpointAuthMethod: "none",
			},
		},
		AuthorizationCodeFetcher: b.authorize,
		RequestRefreshToken:      true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return handler
}

// toolText is the text content of a tool result.
func toolText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// startOP starts zitadel's example OpenID provider on a free loopback port
// with one confidential web client, and returns its issuer and the tap on
// its token endpoint.
func startOP(t *testing.T, clientID, clientSecret, redirectURI string) (string, *tokenTap) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The example user's name is "test-user@" + the issuer's host, so the
	// issuer says localhost.
	issuer := fmt.Sprintf("http://localhost:%d/", ln.Addr().(*net.TCPAddr).Port)
	clients := map[string]*storage.Client{
		clientID: storage.WebClient(clientID, clientSecret, redirectURI),
	}
	st := storage.NewStorageWithClients(storage.NewUserStore(issuer), clients)
	tap := &tokenTap{next: exampleop.SetupServer(issuer, st, nil, false)}
	srv := &http.Server{Handler: tap, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return issuer, tap
}

// upstreamTokenLife is the lifetime the tap gives upstream access tokens:
// less than the server's renewal margin, so every tool call renews the
// upstream token through the refresh_token grant.
const upstreamTokenLife = 30

// tokenTap sits in front of the OP's token endpoint. It shortens the
// lifetime of the tokens it hands out, counts refresh_token grants and can
// refuse them, the way a provider does when the user revoked the app.
type tokenTap struct {
	next          http.Handler
	refreshes     atomic.Int32
	rejectRefresh atomic.Bool
}

func (tap *tokenTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/oauth/token" {
		tap.next.ServeHTTP(w, r)
		return
	}
	// Parsed here, the form stays on r for the OP.
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("grant_type") == "refresh_token" {
		tap.refreshes.Add(1)
		if tap.rejectRefresh.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant","error_description":"the user revoked the application"}`)
			return
		}
	}
	rec := httptest.NewRecorder()
	tap.next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	var resp map[string]any
	if rec.Code == http.StatusOK && json.Unmarshal(body, &resp) == nil && resp["expires_in"] != nil {
		resp["expires_in"] = upstreamTokenLife
		body, _ = json.Marshal(resp)
	}
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.Code)
	w.Write(body)
}

// buildProject renders opts into a temporary directory and builds it.
func buildProject(ctx context.Context, t *testing.T, opts options.Options) string {
	t.Helper()
	return projecttest.Build(ctx, t, opts)
}

// startServer runs the built server with env, waits until it answers
// /healthz and returns its process id. Its output is logged when the test
// fails.
func startServer(ctx context.Context, t *testing.T, bin, baseURL string, env map[string]string) int {
	t.Helper()
	return projecttest.Start(ctx, t, bin, baseURL, env)
}

func connect(ctx context.Context, t *testing.T, baseURL string, transport mcp.Transport) *mcp.ClientSession {
	t.Helper()
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "v0.0.1"}, nil)
	session, err := client.Connect(ctx, transport, nil)
	if err != nil {
		t.Fatalf("connect to %s/mcp: %v", baseURL, err)
	}
	return session
}

// checkWhoami calls the example tool, which asks the upstream provider's
// user-info endpoint with the user's upstream token.
func checkWhoami(ctx context.Context, t *testing.T, session *mcp.ClientSession) {
	t.Helper()
	res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"})
	if err != nil {
		t.Fatalf("whoami: %v", err)
	}
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		UserID  string         `json:"user_id"`
		Profile map[string]any `json:"profile"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || res.IsError {
		t.Fatalf("whoami = %s (tool error: %v)", raw, res.IsError)
	}
	if out.UserID != opUserID || out.Profile["preferred_username"] != opUser || out.Profile["name"] != opUserName {
		t.Fatalf("whoami = %s, want the OP's test user %s (%q)", raw, opUserID, opUser)
	}
}

// bearerTransport is an MCP transport that sends a fixed access token.
func bearerTransport(ctx context.Context, baseURL, accessToken string) mcp.Transport {
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"})
	return &mcp.StreamableClientTransport{Endpoint: baseURL + "/mcp", HTTPClient: oauth2.NewClient(ctx, src)}
}

// mcpStatus posts an initialize request with accessToken and returns the
// status and WWW-Authenticate challenge.
func mcpStatus(ctx context.Context, t *testing.T, baseURL, accessToken string) (int, string) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"0"}}}`
	resp := mcpPost(ctx, t, baseURL, accessToken, body, nil)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

// mcpPost posts one JSON-RPC message to baseURL's MCP endpoint with
// accessToken and the extra headers, and returns the answer.
func mcpPost(ctx context.Context, t *testing.T, baseURL, accessToken, body string, headers map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/mcp", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// oauthClient is the registered public client, for refreshing by hand.
func oauthClient(clientID, baseURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: clientID,
		Endpoint: oauth2.Endpoint{TokenURL: baseURL + "/token", AuthStyle: oauth2.AuthStyleInParams},
	}
}

func revoke(ctx context.Context, t *testing.T, baseURL, clientID, token, hint string) {
	t.Helper()
	form := url.Values{"token": {token}, "token_type_hint": {hint}, "client_id": {clientID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/revoke", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("revoke: %s %s", resp.Status, b)
	}
}

// browser is the user of the Go clients' sign-ins: it signs in as opUser,
// at the OpenID provider's login form or the DEV_LOGIN form, approves our
// consent page, and stops at the MCP client's redirect URI. It remembers
// the authorization URL the client opened.
type browser struct {
	*signin.Browser
	mu       sync.Mutex
	lastAuth *url.URL
}

func newBrowser(t *testing.T, redirectURI string) *browser {
	return &browser{Browser: signin.New(signin.Options{
		User: opUser, Password: opPassword, RedirectURI: redirectURI,
		Trace: func(step signin.Step, req *http.Request) func(error) {
			t.Logf("browser: %s: %s %s", step, req.Method, req.URL.Path)
			return nil
		},
	})}
}

// clientID is the client_id the MCP client registered, read from the
// authorization URL it opened.
func (b *browser) clientID(t *testing.T) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.lastAuth == nil {
		t.Fatal("the MCP client never opened an authorization URL")
	}
	return b.lastAuth.Query().Get("client_id")
}

// authorize is the AuthorizationCodeFetcher: it plays the user from the
// authorization URL to the redirect back to the client.
func (b *browser) authorize(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
	start, err := url.Parse(args.URL)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.lastAuth = start
	b.mu.Unlock()
	res, err := b.SignIn(ctx, args.URL)
	if err != nil {
		return nil, err
	}
	return &auth.AuthorizationResult{Code: res.Code, State: res.State, Iss: res.Iss}, nil
}

func freePort(t *testing.T) int { return projecttest.FreePort(t) }

func randomKey(t *testing.T) string { return projecttest.RandomKey(t) }
