package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// upstream is a minimal OpenID provider on loopback: discovery, an
// authorization endpoint that signs in at once as the user named by
// login_hint and redirects back with a code, a token endpoint and user info.
// It keeps no state: codes and tokens are MACed JSON, so it can answer any
// number of concurrent sign-ins and survives nothing it needs to survive
// (the server under test may be killed and restarted beside it).
//
// It is strict where a real provider is: the code is bound to the client,
// the redirect URI, the PKCE challenge and the nonce, and the ID token
// carries the issuer, audience and nonce the server checks.
type upstream struct {
	issuer       string // no trailing slash: discovery compares it exactly
	clientID     string
	clientSecret string
	key          []byte
	srv          *http.Server
	ln           net.Listener
}

// upstreamTokenLife is long enough that no tool call in a run renews the
// upstream token.
const upstreamTokenLife = time.Hour

// startUpstream listens on addr (host:port, port 0 for any) and serves the
// provider. The server under test must be started with the returned
// provider's env().
func startUpstream(addr string) (*upstream, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fake upstream: %w", err)
	}
	u := &upstream{
		issuer:       "http://" + ln.Addr().String(),
		clientID:     "signin-load",
		clientSecret: randomString(16),
		key:          []byte(randomString(32)),
		ln:           ln,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", u.discovery)
	mux.HandleFunc("GET /authorize", u.authorize)
	mux.HandleFunc("POST /token", u.token)
	mux.HandleFunc("GET /userinfo", u.userinfo)
	u.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go u.srv.Serve(ln)
	return u, nil
}

func (u *upstream) close() { u.srv.Close() }

// env is the server's upstream configuration for this provider.
func (u *upstream) env() map[string]string {
	return map[string]string{
		"UPSTREAM_ISSUER":        u.issuer,
		"UPSTREAM_CLIENT_ID":     u.clientID,
		"UPSTREAM_CLIENT_SECRET": u.clientSecret,
	}
}

func (u *upstream) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         u.issuer,
		"authorization_endpoint":                         u.issuer + "/authorize",
		"token_endpoint":                                 u.issuer + "/token",
		"userinfo_endpoint":                              u.issuer + "/userinfo",
		"scopes_supported":                               []string{"openid", "profile", "email", "offline_access"},
		"response_types_supported":                       []string{"code"},
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post"},
		"authorization_response_iss_parameter_supported": true,
	})
}

// grantClaims is what a code and a refresh token carry.
type grantClaims struct {
	Kind        string `json:"k"`
	Sub         string `json:"sub"`
	Nonce       string `json:"nonce,omitempty"`
	Challenge   string `json:"ch,omitempty"`
	RedirectURI string `json:"ru,omitempty"`
	Expires     int64  `json:"exp"`
}

// authorize signs the user in at once: the user is login_hint (the load
// tool's browser adds it, standing in for a login form), and the code goes
// back to the redirect URI with state and iss (RFC 9207).
func (u *upstream) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirectURI := q.Get("redirect_uri")
	if q.Get("client_id") != u.clientID || redirectURI == "" {
		http.Error(w, "unknown client or no redirect_uri", http.StatusBadRequest)
		return
	}
	sub := q.Get("login_hint")
	if sub == "" {
		sub = "user-" + randomString(8)
	}
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "response_type=code with PKCE S256 is required", http.StatusBadRequest)
		return
	}
	code := u.seal(grantClaims{
		Kind: "code", Sub: sub, Nonce: q.Get("nonce"), Challenge: q.Get("code_challenge"),
		RedirectURI: redirectURI, Expires: time.Now().Add(time.Minute).Unix(),
	})
	back := url.Values{"code": {code}, "state": {q.Get("state")}, "iss": {u.issuer}}
	http.Redirect(w, r, redirectURI+"?"+back.Encode(), http.StatusFound)
}

// token is the token endpoint: authorization_code with PKCE, and
// refresh_token.
func (u *upstream) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	} else {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	if id != u.clientID || !hmac.Equal([]byte(secret), []byte(u.clientSecret)) {
		tokenError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	var c grantClaims
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		if err := u.open(r.PostForm.Get("code"), "code", &c); err != nil {
			tokenError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != c.Challenge || r.PostForm.Get("redirect_uri") != c.RedirectURI {
			tokenError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
	case "refresh_token":
		if err := u.open(r.PostForm.Get("refresh_token"), "refresh", &c); err != nil {
			tokenError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		c.Nonce = ""
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	now := time.Now()
	resp := map[string]any{
		"access_token":  u.seal(grantClaims{Kind: "access", Sub: c.Sub, Expires: now.Add(upstreamTokenLife).Unix()}),
		"token_type":    "Bearer",
		"expires_in":    int(upstreamTokenLife.Seconds()),
		"refresh_token": u.seal(grantClaims{Kind: "refresh", Sub: c.Sub, Expires: now.Add(24 * time.Hour).Unix()}),
		"scope":         "openid profile email offline_access",
	}
	resp["id_token"] = u.idToken(c.Sub, c.Nonce, now)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}

// idToken is an ID token for sub. The server takes it straight from the
// token endpoint and checks its claims, not its signature (OpenID Connect
// Core §3.1.3.7), so an HMAC stands in for the provider's key.
func (u *upstream) idToken(sub, nonce string, now time.Time) string {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims := map[string]any{
		"iss": u.issuer, "sub": sub, "aud": u.clientID,
		"iat": now.Unix(), "exp": now.Add(upstreamTokenLife).Unix(),
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	b, _ := json.Marshal(claims)
	signed := header + "." + base64.RawURLEncoding.EncodeToString(b)
	mac := hmac.New(sha256.New, u.key)
	mac.Write([]byte(signed))
	return signed + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// userinfo answers with the fields every preset reads its user id and name
// from, so a server generated for any preset identifies the user.
func (u *upstream) userinfo(w http.ResponseWriter, r *http.Request) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	var c grantClaims
	if !ok || u.open(raw, "access", &c) != nil {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		tokenError(w, http.StatusUnauthorized, "invalid_token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"sub": c.Sub, "id": c.Sub, "login": c.Sub, "name": c.Sub,
		"preferred_username": c.Sub, "email": c.Sub + "@load.test",
	})
}

var errBadToken = errors.New("fake upstream: invalid or expired token")

// seal encodes c as payload.mac.
func (u *upstream) seal(c grantClaims) string {
	b, _ := json.Marshal(c)
	payload := base64.RawURLEncoding.EncodeToString(b)
	mac := hmac.New(sha256.New, u.key)
	mac.Write([]byte(payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// open checks a sealed value's MAC, kind and expiry.
func (u *upstream) open(s, kind string, c *grantClaims) error {
	payload, sum, ok := strings.Cut(s, ".")
	if !ok {
		return errBadToken
	}
	got, err := base64.RawURLEncoding.DecodeString(sum)
	mac := hmac.New(sha256.New, u.key)
	mac.Write([]byte(payload))
	if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
		return errBadToken
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(b, c) != nil || c.Kind != kind || time.Now().Unix() > c.Expires {
		return errBadToken
	}
	return nil
}

func tokenError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// randomString returns n random bytes, base64url-encoded.
func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
