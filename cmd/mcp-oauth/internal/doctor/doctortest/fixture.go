// Package doctortest serves small MCP servers that are their own
// authorization server, each Sound or deliberately broken in one way, for
// the doctor's tests and the CLI's scripts.
package doctortest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Flaw is one way a server is deliberately broken.
type Flaw string

// The flaws, one per failure class the doctor reports.
const (
	Sound           Flaw = ""
	WrongResource   Flaw = "wrong resource"
	IssuerMismatch  Flaw = "issuer mismatch"
	NoS256          Flaw = "no S256"
	NoCORS          Flaw = "missing CORS"
	RefuseVSCode    Flaw = "refused real-client registration"
	PKCENotVerified Flaw = "PKCE not verified"
	CodeReplay      Flaw = "code replay accepted"
	NoRotation      Flaw = "no rotation"
	OpenSession     Flaw = "token checked on initialize only"
	ForeignResource Flaw = "token for any resource"
	RedirectsTokens Flaw = "MCP endpoint redirects elsewhere"
	DropsRedirects  Flaw = "registration keeps one redirect URI"
	NoHSTS          Flaw = "no HSTS"
	NoOriginCheck   Flaw = "no Origin check"
)

// Server is a small MCP server that is its own authorization server,
// correct unless its flaw says otherwise. It keeps everything in memory.
type Server struct {
	// URL is the server's origin; its MCP endpoint is URL + "/mcp".
	URL string

	flaw Flaw
	srv  *httptest.Server

	mu       sync.Mutex
	clients  map[string][]string // client_id → redirect URIs
	codes    map[string]*code
	access   map[string]int // access token → grant
	refresh  map[string]int // live refresh token → grant
	retired  map[string]int // rotated-out refresh token → grant
	revoked  map[int]bool   // grants
	grants   int
	sessions map[string]bool

	elsewhere string // where RedirectsTokens sends token-bearing requests

	manage       bool              // RFC 7592 management
	manageTokens map[string]string // client_id → registration access token
}

type code struct {
	clientID, redirectURI, challenge string
	grant                            int // the grant of its first redemption, 0 before
}

// New starts a server with flaw f (Sound for none).
func New(f Flaw) *Server { return start(f, false, false) }

// NewTLS starts a server with flaw f over https, with httptest's
// certificate; Client trusts it.
func NewTLS(f Flaw) *Server { return start(f, true, false) }

// NewManaged starts a sound server that supports RFC 7592 client
// management, so registrations can be deleted.
func NewManaged() *Server { return start(Sound, false, true) }

func start(f Flaw, tls, manage bool) *Server {
	fx := &Server{flaw: f, manage: manage, manageTokens: map[string]string{}, clients: map[string][]string{}, codes: map[string]*code{},
		access: map[string]int{}, refresh: map[string]int{}, retired: map[string]int{}, revoked: map[int]bool{}, sessions: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/mcp", fx.mcp)
	mux.HandleFunc("/.well-known/oauth-protected-resource/mcp", fx.cors(fx.resourceMetadata))
	mux.HandleFunc("/.well-known/oauth-protected-resource", fx.cors(fx.resourceMetadata))
	mux.HandleFunc("/.well-known/oauth-authorization-server", fx.cors(fx.serverMetadata))
	mux.HandleFunc("/register", fx.cors(fx.register))
	mux.HandleFunc("/authorize", fx.authorize)
	mux.HandleFunc("/token", fx.cors(fx.token))
	mux.HandleFunc("/revoke", fx.cors(fx.revoke))
	mux.HandleFunc("DELETE /register/{id}", fx.deleteClient)
	var h http.Handler = mux
	if tls && f != NoHSTS {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Strict-Transport-Security", "max-age=63072000")
			mux.ServeHTTP(w, r)
		})
	}
	// The handlers read fx.URL: it is set before the server starts, so
	// that no request can see it unset.
	fx.srv = httptest.NewUnstartedServer(h)
	if tls {
		fx.URL = "https://" + fx.srv.Listener.Addr().String()
		fx.srv.StartTLS()
	} else {
		fx.URL = "http://" + fx.srv.Listener.Addr().String()
		fx.srv.Start()
	}
	return fx
}

// Client is an HTTP client that trusts the server's certificate.
func (fx *Server) Client() *http.Client { return fx.srv.Client() }

// Clients is the number of registered clients.
func (fx *Server) Clients() int {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return len(fx.clients)
}

// deleteClient is RFC 7592 §2.3: the registration access token deletes
// its client.
func (fx *Server) deleteClient(w http.ResponseWriter, r *http.Request) {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	id := r.PathValue("id")
	if tok, ok := fx.manageTokens[id]; !ok || r.Header.Get("Authorization") != "Bearer "+tok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	delete(fx.clients, id)
	delete(fx.manageTokens, id)
	w.WriteHeader(http.StatusNoContent)
}

// Close shuts the server down.
func (fx *Server) Close() { fx.srv.Close() }

// MCPURL is the URL of the MCP endpoint, as clients are given it.
func (fx *Server) MCPURL() string { return fx.URL + "/mcp" }

// RedirectTokensTo sets where a RedirectsTokens server sends requests that
// carry a token.
func (fx *Server) RedirectTokensTo(u string) { fx.elsewhere = u }

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

func random() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func jsonAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func oauthErr(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	jsonAnswer(w, status, map[string]string{"error": code, "error_description": desc})
}

// cors wraps a public endpoint with CORS for any origin, unless the
// Server's flaw is to leave it out.
func (fx *Server) cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if fx.flaw != NoCORS {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h(w, r)
	}
}

func (fx *Server) resourceMetadata(w http.ResponseWriter, r *http.Request) {
	resource := fx.MCPURL()
	if fx.flaw == WrongResource {
		resource += "/"
	}
	jsonAnswer(w, 200, map[string]any{"resource": resource, "authorization_servers": []string{fx.URL}, "scopes_supported": []string{"mcp"}})
}

func (fx *Server) serverMetadata(w http.ResponseWriter, r *http.Request) {
	issuer := fx.URL
	if fx.flaw == IssuerMismatch {
		issuer = strings.Replace(fx.URL, "127.0.0.1", "localhost", 1)
	}
	methods := []string{"S256"}
	if fx.flaw == NoS256 {
		methods = []string{"plain"}
	}
	jsonAnswer(w, 200, map[string]any{
		"issuer":                                         issuer,
		"authorization_endpoint":                         fx.URL + "/authorize",
		"token_endpoint":                                 fx.URL + "/token",
		"registration_endpoint":                          fx.URL + "/register",
		"revocation_endpoint":                            fx.URL + "/revoke",
		"response_types_supported":                       []string{"code"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":               methods,
		"authorization_response_iss_parameter_supported": true,
	})
}

// register accepts what it can: unsupported grant types are dropped;
// redirect URIs must be loopback, a private-use scheme, or https on a
// known host.
func (fx *Server) register(w http.ResponseWriter, r *http.Request) {
	var m struct {
		RedirectURIs []string `json:"redirect_uris"`
		GrantTypes   []string `json:"grant_types"`
	}
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || len(m.RedirectURIs) == 0 {
		oauthErr(w, 400, "invalid_client_metadata", "redirect_uris is required")
		return
	}
	hosts := []string{"claude.ai", "chatgpt.com", "www.cursor.com", "vscode.dev", "insiders.vscode.dev"}
	switch fx.flaw {
	case RefuseVSCode:
		hosts = slices.DeleteFunc(hosts, func(h string) bool { return h == "insiders.vscode.dev" })
	case DropsRedirects:
		// Only the first redirect URI of each registration is kept.
		m.RedirectURIs = m.RedirectURIs[:1]
	}
	var kept []string
	for _, u := range m.RedirectURIs {
		p, err := url.Parse(u)
		ok := err == nil && (p.Scheme == "http" && isLoopback(p.Hostname()) || p.Scheme == "cursor" || p.Scheme == "https" && slices.Contains(hosts, p.Hostname()))
		switch {
		case ok:
			kept = append(kept, u)
		default:
			oauthErr(w, 400, "invalid_redirect_uri", "redirect URI "+u+" is not allowed")
			return
		}
	}
	id := "client-" + random()
	answer := map[string]any{"client_id": id, "redirect_uris": kept,
		"grant_types": []string{"authorization_code", "refresh_token"}, "token_endpoint_auth_method": "none"}
	fx.mu.Lock()
	fx.clients[id] = kept
	if fx.manage {
		tok := random()
		fx.manageTokens[id] = tok
		answer["registration_client_uri"] = fx.URL + "/register/" + id
		answer["registration_access_token"] = tok
	}
	fx.mu.Unlock()
	jsonAnswer(w, 201, answer)
}

// authorize needs no user: it approves at once.
func (fx *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fx.mu.Lock()
	uris, known := fx.clients[q.Get("client_id")]
	fx.mu.Unlock()
	if !known || !slices.Contains(uris, q.Get("redirect_uri")) {
		http.Error(w, "unknown client or redirect URI", 400)
		return
	}
	back, _ := url.Parse(q.Get("redirect_uri"))
	answer := url.Values{"state": {q.Get("state")}, "iss": {fx.issuer()}}
	switch {
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		answer.Set("error", "invalid_request")
	case q.Get("resource") != fx.MCPURL():
		answer.Set("error", "invalid_target")
	default:
		c := random()
		fx.mu.Lock()
		fx.codes[c] = &code{clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge")}
		fx.mu.Unlock()
		answer.Set("code", c)
	}
	back.RawQuery = answer.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (fx *Server) issuer() string {
	if fx.flaw == IssuerMismatch {
		return strings.Replace(fx.URL, "127.0.0.1", "localhost", 1)
	}
	return fx.URL
}

// issue mints a token pair for grant; the caller holds mu.
func (fx *Server) issue(w http.ResponseWriter, grant int, refreshToken string) {
	access := random()
	fx.access[access] = grant
	if refreshToken == "" {
		refreshToken = random()
	}
	fx.refresh[refreshToken] = grant
	w.Header().Set("Cache-Control", "no-store")
	jsonAnswer(w, 200, map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": refreshToken})
}

func (fx *Server) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	fx.mu.Lock()
	defer fx.mu.Unlock()
	if res := r.PostForm.Get("resource"); res != "" && res != fx.MCPURL() && fx.flaw != ForeignResource {
		oauthErr(w, 400, "invalid_target", "tokens are issued only for "+fx.MCPURL())
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		c, ok := fx.codes[r.PostForm.Get("code")]
		if !ok || c.clientID != r.PostForm.Get("client_id") || c.redirectURI != r.PostForm.Get("redirect_uri") {
			oauthErr(w, 400, "invalid_grant", "unknown code")
			return
		}
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if fx.flaw != PKCENotVerified && base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			oauthErr(w, 400, "invalid_grant", "code_verifier does not match")
			return
		}
		if c.grant != 0 && fx.flaw != CodeReplay {
			fx.revoked[c.grant] = true
			oauthErr(w, 400, "invalid_grant", "code already used")
			return
		}
		fx.grants++
		c.grant = fx.grants
		fx.issue(w, c.grant, "")
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if grant, ok := fx.retired[rt]; ok {
			fx.revoked[grant] = true
			oauthErr(w, 400, "invalid_grant", "refresh token reused")
			return
		}
		grant, ok := fx.refresh[rt]
		if !ok || fx.revoked[grant] {
			oauthErr(w, 400, "invalid_grant", "unknown refresh token")
			return
		}
		if fx.flaw == NoRotation {
			fx.issue(w, grant, rt)
			return
		}
		delete(fx.refresh, rt)
		fx.retired[rt] = grant
		fx.issue(w, grant, "")
	default:
		oauthErr(w, 400, "unsupported_grant_type", "")
	}
}

func (fx *Server) revoke(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	fx.mu.Lock()
	defer fx.mu.Unlock()
	tok := r.PostForm.Get("token")
	if g, ok := fx.refresh[tok]; ok {
		fx.revoked[g] = true
	}
	delete(fx.access, tok)
}

// mcp is the protected endpoint: Origin check, bearer check, and enough
// JSON-RPC for initialize and tools/list.
func (fx *Server) mcp(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if o := r.Header.Get("Origin"); o != "" {
		if o != "https://vscode.dev" && fx.flaw != NoOriginCheck {
			http.Error(w, "origin not allowed", http.StatusForbidden)
			return
		}
		if fx.flaw != NoCORS {
			h.Set("Access-Control-Allow-Origin", o)
			h.Set("Access-Control-Expose-Headers", "WWW-Authenticate, Mcp-Session-Id")
		}
	}
	if r.Method == http.MethodOptions {
		if fx.flaw != NoCORS {
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Mcp-Session-Id, MCP-Protocol-Version")
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if fx.flaw == RedirectsTokens && r.Header.Get("Authorization") != "" {
		http.Redirect(w, r, fx.elsewhere, http.StatusTemporaryRedirect)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var msg struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	json.Unmarshal(body, &msg)
	fx.mu.Lock()
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	grant, valid := fx.access[tok]
	valid = valid && !fx.revoked[grant]
	inSession := fx.sessions[r.Header.Get("Mcp-Session-Id")]
	fx.mu.Unlock()
	if !valid && !(fx.flaw == OpenSession && inSession) {
		h.Set("WWW-Authenticate", `Bearer resource_metadata="`+fx.URL+`/.well-known/oauth-protected-resource/mcp", scope="mcp"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	switch msg.Method {
	case "initialize":
		s := random()
		fx.mu.Lock()
		fx.sessions[s] = true
		fx.mu.Unlock()
		h.Set("Mcp-Session-Id", s)
		jsonAnswer(w, 200, map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": map[string]any{
			"protocolVersion": "2025-06-18", "capabilities": map[string]any{"tools": map[string]any{}}, "serverInfo": map[string]any{"name": "Server", "version": "1"}}})
	case "tools/list":
		// As an event stream, the way streamable HTTP servers often answer.
		h.Set("Content-Type", "text/event-stream")
		out, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": map[string]any{"tools": []any{map[string]any{"name": "echo"}}}})
		io.WriteString(w, "event: message\ndata: "+string(out)+"\n\n")
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}
