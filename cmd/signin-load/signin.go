package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-oauth/mcp-oauth/generator/projecttest/signin"
)

// The steps of one sign-in, in order. Each is timed on its own; the
// browser's are signin.Browser's.
const (
	stepRegister  = "register"                   // POST /register (RFC 7591)
	stepAuthorize = string(signin.StepAuthorize) // GET /authorize: the consent page
	stepConsent   = string(signin.StepConsent)   // POST /authorize/consent: approve, off to upstream
	stepUpstream  = string(signin.StepUpstream)  // the provider's /authorize: straight back with a code (or the DEV_LOGIN form)
	stepCallback  = string(signin.StepCallback)  // GET /callback: upstream code exchanged, our code issued
	stepToken     = "token"                      // POST /token, authorization_code
	stepMCP       = "mcp"                        // initialize + tools/call whoami with the Go SDK client
	stepRefresh   = "refresh"                    // POST /token, refresh_token
)

var steps = []string{stepRegister, stepAuthorize, stepConsent, stepUpstream, stepCallback, stepToken, stepMCP, stepRefresh}

// target is the server under test and how users sign in there.
type target struct {
	base        string    // BASE_URL
	upstream    *upstream // nil with DEV_LOGIN
	redirectURI string
	transport   http.RoundTripper
}

// grant is what a client holds after a sign-in: the tokens of the latest
// successful token response and whose they are.
type grant struct {
	User     string
	ClientID string
	Access   string
	Refresh  string
	// Issued is when the first pair arrived. RefreshSent is set while a
	// refresh with Refresh is on its way, and stays set if no answer came:
	// the server may then have rotated it without the client hearing of it.
	Issued      time.Time
	RefreshSent bool
}

// exchange is one HTTP request of a sign-in and how it ended.
type exchange struct {
	Step   string
	Method string
	Path   string
	Status int   // 0 when no response arrived
	Err    error // the transport error, if any
	// Session is set on an MCP request inside a session (Mcp-Session-Id).
	Session bool
}

// attempt is one user signing in with a fresh client: the browser half
// (signin.Browser: cookies, forms, redirects) and the client half
// (registration, PKCE, tokens, MCP). Both send through the recorder.
type attempt struct {
	t     *target
	user  string
	http  *http.Client // the client half's
	mu    sync.Mutex
	step  string
	log   []exchange
	times map[string]time.Duration
	grant *grant
}

func newAttempt(t *target, user string) *attempt {
	s := &attempt{t: t, user: user, times: map[string]time.Duration{}}
	s.http = &http.Client{
		Transport: recorder{s},
		Timeout:   time.Minute,
		// No answer of the client half is a redirect to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s
}

// recorder logs every exchange of a sign-in, including those the MCP SDK
// makes, under the step in progress.
type recorder struct{ s *attempt }

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.s.t.transport.RoundTrip(req)
	e := exchange{Method: req.Method, Path: req.URL.Path, Err: err, Session: req.Header.Get("Mcp-Session-Id") != ""}
	if resp != nil {
		e.Status = resp.StatusCode
	}
	r.s.mu.Lock()
	e.Step = r.s.step
	r.s.log = append(r.s.log, e)
	i := len(r.s.log) - 1
	r.s.mu.Unlock()
	if resp != nil {
		// A server killed while it sends the body cuts the answer after its
		// status line: that is a connection error of this exchange too.
		resp.Body = &cutBody{ReadCloser: resp.Body, cut: func(err error) {
			r.s.mu.Lock()
			r.s.log[i].Err = err
			r.s.mu.Unlock()
		}}
	}
	return resp, err
}

// cutBody reports a read error of a response body other than its end.
type cutBody struct {
	io.ReadCloser
	cut func(error)
}

func (b *cutBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.cut(err)
	}
	return n, err
}

// stepError is a sign-in that stopped at a step.
type stepError struct {
	step   string
	status int // the unexpected HTTP status, 0 for other failures
	err    error
}

func (e *stepError) Error() string {
	if e.status != 0 {
		return fmt.Sprintf("%s: HTTP %d: %v", e.step, e.status, e.err)
	}
	return fmt.Sprintf("%s: %v", e.step, e.err)
}

func (e *stepError) Unwrap() error { return e.err }

// run performs the sign-in, timing each step, and stops at the first
// failure.
func (s *attempt) run(ctx context.Context) error {
	clientID, err := timed(s, stepRegister, func() (string, error) { return s.register(ctx) })
	if err != nil {
		return err
	}
	verifier := randomString(32)
	sum := sha256.Sum256([]byte(verifier))
	state := randomString(12)
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {s.t.redirectURI},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
		"state":                 {state},
		"resource":              {s.t.base + "/mcp"},
	}
	code, err := s.browse(ctx, s.t.base+"/authorize?"+q.Encode(), state)
	if err != nil {
		return err
	}
	g := &grant{User: s.user, ClientID: clientID}
	pair, err := timed(s, stepToken, func() (*tokenPair, error) {
		return s.tokenRequest(ctx, url.Values{
			"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code},
			"redirect_uri": {s.t.redirectURI}, "code_verifier": {verifier}, "resource": {s.t.base + "/mcp"},
		})
	})
	if err != nil {
		return err
	}
	s.keep(g, pair)
	if _, err := timed(s, stepMCP, func() (struct{}, error) { return struct{}{}, s.whoami(ctx, pair.AccessToken) }); err != nil {
		return err
	}
	g.RefreshSent = true
	pair, err = timed(s, stepRefresh, func() (*tokenPair, error) {
		return s.tokenRequest(ctx, url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID}, "refresh_token": {g.Refresh}})
	})
	if err != nil {
		return err
	}
	s.keep(g, pair)
	return nil
}

// keep records a new token pair on g.
func (s *attempt) keep(g *grant, pair *tokenPair) {
	if g.Issued.IsZero() {
		g.Issued = time.Now()
	}
	g.Access, g.Refresh, g.RefreshSent = pair.AccessToken, pair.RefreshToken, false
	s.grant = g
}

// timed runs one step and records its duration if it succeeded.
func timed[T any](s *attempt, step string, f func() (T, error)) (T, error) {
	s.setStep(step)
	start := time.Now()
	v, err := f()
	if err != nil {
		var se *stepError
		if !errors.As(err, &se) {
			err = &stepError{step: step, err: err}
		}
		return v, err
	}
	s.times[step] += time.Since(start)
	return v, nil
}

func (s *attempt) setStep(step string) {
	s.mu.Lock()
	s.step = step
	s.mu.Unlock()
}

// register is dynamic client registration as a public client, the way
// Claude, ChatGPT and the IDEs register.
func (s *attempt) register(ctx context.Context) (string, error) {
	body, _ := json.Marshal(map[string]any{
		"client_name":                "signin-load",
		"redirect_uris":              []string{s.t.redirectURI},
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"token_endpoint_auth_method": "none",
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.t.base+"/register", strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, raw, err := s.do(req)
	if err != nil {
		return "", err
	}
	var reg struct {
		ClientID string `json:"client_id"`
	}
	if resp.StatusCode != http.StatusCreated {
		return "", &stepError{step: stepRegister, status: resp.StatusCode, err: errors.New(oauthError(raw))}
	}
	if err := json.Unmarshal(raw, &reg); err != nil || reg.ClientID == "" {
		return "", fmt.Errorf("the registration response has no client_id: %.200s", raw)
	}
	return reg.ClientID, nil
}

// browse is the user's browser from the authorization URL to the redirect
// back to the client (signin.Browser): it approves the consent page, signs
// in upstream (the fake provider signs in whomever login_hint names) or at
// the DEV_LOGIN form, and returns the code. Each request is timed under its
// step and, through the recorder, logged.
func (s *attempt) browse(ctx context.Context, start, state string) (string, error) {
	b := signin.New(signin.Options{
		User: s.user, LoginHint: true, RedirectURI: s.t.redirectURI,
		Transport: recorder{s}, Timeout: time.Minute,
		Trace: func(step signin.Step, _ *http.Request) func(error) {
			s.setStep(string(step))
			began := time.Now()
			return func(err error) {
				if err == nil {
					s.times[string(step)] += time.Since(began)
				}
			}
		},
	})
	res, err := b.SignIn(ctx, start)
	var e *signin.Error
	switch {
	case errors.As(err, &e):
		cause := e.Err
		if ae := (*signin.AuthError)(nil); errors.As(cause, &ae) && ae.Code == "temporarily_unavailable" {
			cause = fmt.Errorf("%w: %s", errAuthUnavailable, ae.Description)
		}
		return "", &stepError{step: string(e.Step), status: e.Status, err: cause}
	case err != nil:
		return "", &stepError{step: stepAuthorize, err: err}
	}
	// The callback is what sends the user back to the client.
	if err := res.Check(state, s.t.base); err != nil {
		return "", &stepError{step: stepCallback, err: err}
	}
	return res.Code, nil
}

// tokenPair is a successful token response.
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func (s *attempt) tokenRequest(ctx context.Context, form url.Values) (*tokenPair, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.t.base+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, raw, err := s.do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &stepError{step: s.currentStep(), status: resp.StatusCode, err: errors.New(oauthError(raw))}
	}
	var pair tokenPair
	if err := json.Unmarshal(raw, &pair); err != nil || pair.AccessToken == "" || pair.RefreshToken == "" {
		return nil, fmt.Errorf("the token response has no access and refresh token: %.200s", raw)
	}
	return &pair, nil
}

func (s *attempt) currentStep() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.step
}

// whoami connects with the official Go SDK client, bearing accessToken, and
// calls the generated whoami tool, which asks the upstream provider who the
// user is with the user's upstream token: the answer must be this user.
func (s *attempt) whoami(ctx context.Context, accessToken string) error {
	return callWhoami(ctx, s.t.base, bearer{token: accessToken, next: s.http.Transport}, s.user)
}

// errToolUnavailable is a tool call answered with the server's
// "temporarily unavailable" tool error: its store went away after the
// bearer check. The client may retry, like after a 503.
var errToolUnavailable = errors.New("tools/call whoami: the tool answered that the server is temporarily unavailable")

// errAuthUnavailable is an authorization response with the error
// temporarily_unavailable, the redirect-borne 503 (RFC 6749 §4.1.2.1): the
// client may start again.
var errAuthUnavailable = errors.New("authorization error temporarily_unavailable")

// callWhoami is one MCP session: initialize, tools/call whoami, close.
func callWhoami(ctx context.Context, base string, rt http.RoundTripper, user string) error {
	client := mcp.NewClient(&mcp.Implementation{Name: "signin-load", Version: "v0.0.1"}, nil)
	transport := &mcp.StreamableClientTransport{
		Endpoint:   base + "/mcp",
		HTTPClient: &http.Client{Transport: rt, Timeout: time.Minute},
		// One request and done: no standalone event stream.
		DisableStandaloneSSE: true,
	}
	session, err := client.Connect(ctx, transport, nil)
	if err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	defer session.Close()
	res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"})
	if err != nil {
		return fmt.Errorf("tools/call whoami: %w", err)
	}
	raw, _ := json.Marshal(res.StructuredContent)
	var out struct {
		UserID string `json:"user_id"`
	}
	if res.IsError && strings.Contains(toolText(res), "temporarily unavailable") {
		return errToolUnavailable
	}
	if res.IsError || json.Unmarshal(raw, &out) != nil {
		return fmt.Errorf("whoami failed: %.300s", toolText(res))
	}
	// The user id is what the provider calls the user: the name itself
	// for the fake provider, "dev:" + name with DEV_LOGIN.
	if out.UserID != user && out.UserID != "dev:"+user {
		return fmt.Errorf("whoami names %q, not the user who signed in (%q)", out.UserID, user)
	}
	return nil
}

func toolText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// bearer adds an access token to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// do sends req and reads the whole answer.
func (s *attempt) do(req *http.Request) (*http.Response, []byte, error) {
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, body, err
}

// oauthError is the error code and description of an OAuth error body.
func oauthError(raw []byte) string {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Error != "" {
		return e.Error + ": " + e.Description
	}
	return fmt.Sprintf("%.200q", raw)
}
