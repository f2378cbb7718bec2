package doctor

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// foreignResource is a resource no server serves (RFC 2606 .invalid):
// asking for a token for it must be refused (RFC 8707 §2).
const foreignResource = "https://doctor.invalid/mcp"

// tokens is a token endpoint's success answer.
type tokens struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
}

// flowRun is the state of the sign-in flow: the doctor's own public
// client, registered with a loopback redirect URI.
type flowRun struct {
	*run
	cb        *callback
	clientID  string
	authURL   string
	tokenURL  string
	scope     string
	signIns   int
	issued    []string // tokens to revoke at the end
	rotatedAt time.Time
}

// flow signs in through the user's browser, then checks the token
// endpoint's defences that only a real code can exercise. It returns an
// error only when the sign-in never arrived.
func (ru *run) flow(ctx context.Context) error {
	if ru.as == nil {
		ru.r.skip("flow.signin", "not run: no authorization server metadata")
		return nil
	}
	if stringField(ru.as, "registration_endpoint") == "" {
		ru.r.skip("flow.signin", "not run: the flow registers its own client and the server offers no registration_endpoint")
		return nil
	}
	cb, err := listenCallback()
	if err != nil {
		return fmt.Errorf("%w: %v", errCannotRun, err)
	}
	defer cb.close()
	f := &flowRun{run: ru, cb: cb, authURL: stringField(ru.as, "authorization_endpoint"), tokenURL: stringField(ru.as, "token_endpoint")}
	f.scope = ru.challenge["scope"]
	if f.scope == "" {
		if scopes, _ := stringList(ru.prm, "scopes_supported"); len(scopes) > 0 {
			f.scope = strings.Join(scopes, " ")
		}
	}
	// Revoking is clean-up: it happens even when the run was interrupted.
	defer f.revokeIssued(context.WithoutCancel(ctx))
	return f.steps(ctx)
}

func (f *flowRun) steps(ctx context.Context) error {
	body, _ := json.Marshal(map[string]any{
		"client_name":                "mcp-oauth doctor",
		"redirect_uris":              []string{f.cb.redirectURI},
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"token_endpoint_auth_method": "none",
	})
	reg, resp, err := f.postRegistration(ctx, "mcp-oauth doctor", body)
	switch {
	case err != nil:
		f.r.add("flow.register", Fail, fmt.Sprintf("registering the doctor's loopback client: %v", err), "")
		return nil
	case reg == nil:
		f.r.add("flow.register", Fail, fmt.Sprintf("a public client with the loopback redirect %s is refused: %s", f.cb.redirectURI, resp.describe()),
			"accept loopback redirect URIs on any port (RFC 8252 §7.3) for public clients (token_endpoint_auth_method none)")
		return nil
	}
	f.clientID = reg.ClientID

	// First sign-in: PKCE, redemption, the token at the MCP endpoint,
	// resource binding, rotation.
	code, verifier, err := f.signIn(ctx)
	if err != nil || code == "" {
		return err
	}
	t1, ok := f.pkceAndRedeem(ctx, code, verifier)
	if !ok {
		return nil
	}
	f.checkTools(ctx, t1.AccessToken)
	f.checkResourceAuthorize(ctx)
	current, rotatedOut := f.checkRotation(ctx, t1)
	if current != nil {
		current = f.checkResourceToken(ctx, current)
	}

	// Second sign-in: code replay, while the grace window runs.
	code, verifier, err = f.signIn(ctx)
	if err != nil || code == "" {
		return err
	}
	f.checkReplay(ctx, code, verifier)

	if rotatedOut != "" {
		f.checkReuse(ctx, rotatedOut, current)
	}
	return nil
}

// pkce returns a fresh verifier and its S256 challenge (RFC 7636 §4.2).
func pkce() (verifier, challenge string) {
	b := make([]byte, 32)
	rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomState() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authorizeURL is the authorization request an MCP client sends.
func (f *flowRun) authorizeURL(challenge, state, resource string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {f.clientID},
		"redirect_uri":          {f.cb.redirectURI},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
		"state":                 {state},
		"resource":              {resource},
	}
	if f.scope != "" {
		q.Set("scope", f.scope)
	}
	sep := "?"
	if strings.Contains(f.authURL, "?") {
		sep = "&"
	}
	return f.authURL + sep + q.Encode()
}

// signIn opens the authorization request in the user's browser and waits
// for the code at the loopback listener. A refused authorization is a
// failed check (code ""); a sign-in that never arrives is an error.
func (f *flowRun) signIn(ctx context.Context) (code, verifier string, err error) {
	f.signIns++
	verifier, challenge := pkce()
	state := randomState()
	u := f.authorizeURL(challenge, state, f.mcpURL)
	fmt.Fprintf(f.opts.Progress, "Sign in %d of 2: opening your browser at\n  %s\n", f.signIns, u)
	if err := f.opts.OpenBrowser(ctx, u); err != nil {
		fmt.Fprintf(f.opts.Progress, "Could not open a browser (%v); open the URL above yourself.\n", err)
	}
	q, err := f.cb.wait(ctx, f.opts.SignInTimeout)
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", errCannotRun, err)
	}
	const id = "flow.signin"
	issuer := stringField(f.as, "issuer")
	advertised, _ := f.as["authorization_response_iss_parameter_supported"].(bool)
	_, hasIss := q["iss"]
	switch {
	case q.Get("error") != "":
		f.r.add(id, Fail, fmt.Sprintf("the authorization was refused: %s: %s", q.Get("error"), q.Get("error_description")),
			"the request was what MCP clients send (PKCE S256, resource, loopback redirect); read the server's reason")
		return "", "", nil
	case q.Get("state") != state:
		f.r.add(id, Fail, fmt.Sprintf("the authorization response's state %q is not the one sent", q.Get("state")),
			"return state unchanged in the redirect (RFC 6749 §4.1.2)")
		return "", "", nil
	case q.Get("code") == "":
		f.r.add(id, Fail, "the authorization response has no code", "redirect back with code and state")
		return "", "", nil
	case advertised && q.Get("iss") != issuer, hasIss && q.Get("iss") != issuer:
		f.r.add(id, Fail, fmt.Sprintf("the authorization response's iss is %q, want the issuer %q (RFC 9207): clients drop it as a mix-up", q.Get("iss"), issuer),
			"send iss equal to the metadata's issuer in every authorization response")
		return "", "", nil
	}
	if f.signIns == 1 {
		f.r.pass(id, "signed in through %s; the redirect came back with code, state and iss", f.authURL)
	}
	return q.Get("code"), verifier, nil
}

// token posts a grant to the token endpoint. The client is public, so
// its client_id goes in the body.
func (f *flowRun) token(ctx context.Context, form url.Values) (*tokens, *response, error) {
	form.Set("client_id", f.clientID)
	resp, err := f.c.postForm(ctx, f.tokenURL, form)
	if err != nil {
		return nil, nil, err
	}
	if resp.status != http.StatusOK {
		return nil, resp, nil
	}
	var t tokens
	if err := json.Unmarshal(resp.body, &t); err != nil || t.AccessToken == "" {
		return nil, resp, fmt.Errorf("the token answer is not a token: %s", strings.TrimSpace(string(resp.body)))
	}
	f.issued = append(f.issued, t.AccessToken)
	if t.RefreshToken != "" {
		f.issued = append(f.issued, t.RefreshToken)
	}
	return &t, resp, nil
}

func (f *flowRun) redeem(ctx context.Context, code, verifier string) (*tokens, *response, error) {
	return f.token(ctx, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {f.cb.redirectURI},
		"code_verifier": {verifier},
		"resource":      {f.mcpURL},
	})
}

func (f *flowRun) refresh(ctx context.Context, refreshToken, resource string) (*tokens, *response, error) {
	return f.token(ctx, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
		"resource":      {resource},
	})
}

// revokeIssued revokes what the flow was issued (RFC 7009), at a
// revocation endpoint on the token endpoint's own origin only.
func (f *flowRun) revokeIssued(ctx context.Context) {
	rev := stringField(f.as, "revocation_endpoint")
	if rev == "" || origin(rev) != origin(f.tokenURL) {
		return
	}
	for _, tok := range f.issued {
		f.c.postForm(ctx, rev, url.Values{"token": {tok}, "client_id": {f.clientID}})
	}
}
