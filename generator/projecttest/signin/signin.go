// Package signin plays the user's browser in a generated server's
// sign-in, over plain HTTP. The generator's end-to-end tests, the tests
// of mcp-oauth doctor and cmd/signin-load all sign in with it.
//
// A Browser keeps cookies and, from an authorization URL, follows the
// redirects and fills in the forms a user meets: the server's consent page
// (Allow, or Deny), its DEV_LOGIN form (the user's name) and an upstream
// provider's login form (user and password). It stops at the redirect
// back to the MCP client and returns the code, state and iss it carries,
// or the authorization error.
//
// The server's two forms are read as testdata/interop/browser.mjs, the
// Node tests' browser, reads them; a change to the forms in
// templates/project/internal/authserver/pages is a change to both:
//
//   - consent: a form posting to /authorize/consent, its hidden "request"
//     field and a button name="decision" value="approve" (or "deny");
//   - DEV_LOGIN: a form posting to /dev/login, its hidden "state" field
//     and a field "name".
package signin

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Options say who the user is and how the browser behaves. The zero value
// approves, signs in with an empty name and stops at the authorization
// URL's redirect_uri.
type Options struct {
	// User is typed into the DEV_LOGIN form's name and into the user field
	// of an upstream provider's login form.
	User string
	// Password goes into an upstream login form's password field.
	Password string
	// Deny presses Deny on the consent page instead of Allow: the walk then
	// ends in an access_denied error.
	Deny bool
	// LoginHint adds login_hint=User to the request to the upstream
	// provider, for a fake provider that signs in whomever it names.
	LoginHint bool
	// RedirectURI is the MCP client's: the walk ends at the first redirect
	// to a URL that starts with it. Empty means the authorization URL's
	// redirect_uri parameter.
	RedirectURI string
	// Deliver loads the redirect URI at the end, as a browser does, so that
	// a client listening there receives the response; it must answer 2xx.
	// Without it the redirect is caught and never sent.
	Deliver bool
	// Transport sends the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Timeout bounds each request; 0 means 30 seconds.
	Timeout time.Duration
	// Trace, when set, is called before each request of the walk with the
	// step it belongs to. The function it returns, when not nil, is called
	// once the answer is read, with nil or the *Error the hop ended in.
	Trace func(step Step, req *http.Request) (done func(error))
}

// Step names the part of a sign-in a request belongs to.
type Step string

// The steps, in the order of a sign-in. A request to another path of the
// server is named by its path.
const (
	StepAuthorize Step = "authorize" // the server's /authorize: the consent page
	StepConsent   Step = "consent"   // the consent form's answer, POST /authorize/consent
	StepUpstream  Step = "upstream"  // the provider's sign-in, or the DEV_LOGIN form standing in for it
	StepCallback  Step = "callback"  // the server's /callback, which issues the code
	StepClient    Step = "client"    // loading the client's redirect URI (Options.Deliver)
)

// maxHops bounds a walk: requests, redirects and forms together.
const maxHops = 20

// Browser is one user's browser: its cookies last as long as it does, so
// a second sign-in may find the user signed in upstream. It is safe for
// concurrent use, though the cookies are shared.
type Browser struct {
	o      Options
	client *http.Client
}

// New returns a browser with an empty cookie jar.
func New(o Options) *Browser {
	jar, _ := cookiejar.New(nil) // never fails without options
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	return &Browser{o: o, client: &http.Client{
		Jar:       jar,
		Transport: o.Transport,
		Timeout:   o.Timeout,
		// Each redirect is a hop of its own, followed by hand: it is traced,
		// and the one to the client is caught.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Result is the redirect back to the MCP client.
type Result struct {
	URL              *url.URL // the redirect URI with its query
	Code, State, Iss string
}

// Check reports whether r is a code for the request with state, from the
// authorization server issuer (RFC 9207).
func (r *Result) Check(state, issuer string) error {
	if r.State != state || r.Iss != issuer || r.Code == "" {
		return fmt.Errorf("redirect back has code %q state %q iss %q; want a code, state %q and iss %q", r.Code, r.State, r.Iss, state, issuer)
	}
	return nil
}

// AuthError is an authorization error response (RFC 6749 §4.1.2.1): the
// server sent the user back to the client with an error, not a code.
type AuthError struct {
	Code        string // the error parameter: access_denied, temporarily_unavailable…
	Description string
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("authorization error %s: %s", e.Code, e.Description)
}

// Error is a walk that stopped: at Step, on a request that failed, on an
// answer with an unexpected HTTP status, on a page with no form to fill
// in, or on an authorization error (Err is then an *AuthError).
type Error struct {
	Step   Step
	Method string
	URL    *url.URL
	Status int   // the unexpected HTTP status, 0 for other failures
	Err    error // the transport error, what the page said, or why
}

func (e *Error) Error() string {
	where := fmt.Sprintf("%s: %s %s", e.Step, e.Method, e.URL.Redacted())
	if e.Status != 0 {
		return fmt.Sprintf("%s: HTTP %d: %v", where, e.Status, e.Err)
	}
	return fmt.Sprintf("%s: %v", where, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// hop is one request of the walk, rebuilt when a 307 or 308 repeats it.
type hop struct {
	method string
	url    *url.URL
	form   url.Values // the body of a POST
	page   *url.URL   // the page a form was submitted from
	policy string     // that page's referrer policy
}

// SignIn walks from the authorization URL to the redirect back to the
// client. An authorization error returns the Result and an *Error wrapping
// an *AuthError; any other failure returns an *Error alone.
func (b *Browser) SignIn(ctx context.Context, authURL string) (*Result, error) {
	start, err := url.Parse(authURL)
	if err != nil {
		return nil, err
	}
	back := b.o.RedirectURI
	if back == "" {
		back = start.Query().Get("redirect_uri")
	}
	if back == "" {
		return nil, errors.New("signin: no redirect URI: the authorization URL has no redirect_uri and Options.RedirectURI is empty")
	}
	server := origin(start)
	h := hop{method: http.MethodGet, url: start}
	for range maxHops {
		step, at := stepOf(server, h.url), h
		fail := func(status int, err error) *Error {
			return &Error{Step: step, Method: at.method, URL: at.url, Status: status, Err: err}
		}
		resp, body, err := b.send(ctx, step, h, fail)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			loc, err := h.url.Parse(resp.Header.Get("Location"))
			if err != nil || resp.Header.Get("Location") == "" {
				return nil, fail(0, fmt.Errorf("%s with a bad Location %q", resp.Status, resp.Header.Get("Location")))
			}
			if strings.HasPrefix(loc.String(), back) {
				return b.land(ctx, loc, fail)
			}
			if b.o.LoginHint && stepOf(server, loc) == StepUpstream {
				q := loc.Query()
				q.Set("login_hint", b.o.User)
				loc.RawQuery = q.Encode()
			}
			// 307 and 308 repeat the request; the others make it a GET.
			if resp.StatusCode != http.StatusTemporaryRedirect && resp.StatusCode != http.StatusPermanentRedirect {
				h = hop{method: http.MethodGet}
			}
			h.url = loc
			continue
		}
		next, err := b.fill(server, h.url, resp.Header, body)
		if err != nil {
			return nil, fail(0, err)
		}
		h = next
	}
	return nil, &Error{Step: stepOf(server, h.url), Method: h.method, URL: h.url, Err: fmt.Errorf("no redirect back to the client after %d hops", maxHops)}
}

// send makes one request and reads the answer, which must be a page (200)
// or a redirect.
func (b *Browser) send(ctx context.Context, step Step, h hop, fail func(int, error) *Error) (*http.Response, []byte, error) {
	var body io.Reader
	if h.method == http.MethodPost {
		body = strings.NewReader(h.form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, h.method, h.url.String(), body)
	if err != nil {
		return nil, nil, fail(0, err)
	}
	if h.method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// What a browser sends with a form post: the page's origin, or
		// "null" when the page asked for no referrer (Fetch §3.1).
		if noReferrer(h.policy) {
			req.Header.Set("Origin", "null")
		} else {
			req.Header.Set("Origin", origin(h.page))
		}
	}
	var done func(error)
	if b.o.Trace != nil {
		done = b.o.Trace(step, req)
	}
	resp, raw, err := b.do(req)
	var e *Error
	switch {
	case err != nil:
		e = fail(0, err)
	case resp.StatusCode != http.StatusOK && (resp.StatusCode < 300 || resp.StatusCode > 399):
		e = fail(resp.StatusCode, errors.New(PageText(raw)))
	}
	if done != nil {
		var err error // not a nil *Error
		if e != nil {
			err = e
		}
		done(err)
	}
	if e != nil {
		return nil, nil, e
	}
	return resp, raw, nil
}

// do sends req and reads its whole answer, up to 1 MiB.
func (b *Browser) do(req *http.Request) (*http.Response, []byte, error) {
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, raw, err
}

// land reads the redirect back to the client, after delivering it if the
// options say so.
func (b *Browser) land(ctx context.Context, loc *url.URL, fail func(int, error) *Error) (*Result, error) {
	q := loc.Query()
	res := &Result{URL: loc, Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}
	if b.o.Deliver {
		failed := func(status int, err error) error {
			return &Error{Step: StepClient, Method: http.MethodGet, URL: loc, Status: status, Err: err}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
		if err != nil {
			return nil, failed(0, err)
		}
		resp, raw, err := b.do(req)
		if err != nil {
			return nil, failed(0, err)
		}
		if resp.StatusCode/100 != 2 {
			return nil, failed(resp.StatusCode, errors.New(PageText(raw)))
		}
	}
	if e := q.Get("error"); e != "" {
		return res, fail(0, &AuthError{Code: e, Description: q.Get("error_description")})
	}
	return res, nil
}

// stepOf names the step a request to u belongs to, in a sign-in at server.
func stepOf(server string, u *url.URL) Step {
	switch {
	case origin(u) != server, u.Path == "/dev/login":
		return StepUpstream
	case u.Path == "/authorize":
		return StepAuthorize
	case u.Path == "/authorize/consent":
		return StepConsent
	case u.Path == "/callback":
		return StepCallback
	}
	return Step(u.Path)
}

func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// noReferrer reports whether a referrer policy (a list: the last one
// wins) is no-referrer, under which a browser's form post to the page's
// own origin says Origin: null.
func noReferrer(policy string) bool {
	tokens := strings.Split(policy, ",")
	return strings.EqualFold(strings.TrimSpace(tokens[len(tokens)-1]), "no-referrer")
}

// form is an HTML form on a page.
type form struct {
	attrs  map[string]string
	action *url.URL
	fields []field
}

type field struct {
	tag   string // input or button
	attrs map[string]string
}

var (
	formRE   = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	fieldRE  = regexp.MustCompile(`(?is)<(input|button)\b([^>]*)>`)
	attrRE   = regexp.MustCompile(`(?is)([a-z][-a-z0-9_:]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?`)
	metaRE   = regexp.MustCompile(`(?i)<meta\s+name=["']?referrer["']?\s+content=["']?([^"'>]+)`)
	acceptRE = regexp.MustCompile(`(?i)approve|allow|accept|authori[sz]e|consent|continue|yes`)
	rejectRE = regexp.MustCompile(`(?i)deny|reject|cancel|decline|\bno\b`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRE.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2] + a[3] + a[4])
	}
	return m
}

func parseForms(page *url.URL, body []byte) ([]form, error) {
	var forms []form
	for _, m := range formRE.FindAllStringSubmatch(string(body), -1) {
		f := form{attrs: attrs(m[1])}
		action, err := page.Parse(f.attrs["action"])
		if err != nil {
			return nil, fmt.Errorf("form action %q: %w", f.attrs["action"], err)
		}
		f.action = action
		for _, fm := range fieldRE.FindAllStringSubmatch(m[2], -1) {
			f.fields = append(f.fields, field{tag: strings.ToLower(fm[1]), attrs: attrs(fm[2])})
		}
		forms = append(forms, f)
	}
	return forms, nil
}

// hidden is the form's hidden fields, which it posts as they are.
func (f form) hidden() url.Values {
	v := url.Values{}
	for _, fd := range f.fields {
		if strings.EqualFold(fd.attrs["type"], "hidden") && fd.attrs["name"] != "" {
			v.Set(fd.attrs["name"], fd.attrs["value"])
		}
	}
	return v
}

func (f form) has(match func(field) bool) bool {
	for _, fd := range f.fields {
		if match(fd) {
			return true
		}
	}
	return false
}

// fill answers a page: it fills in the consent form, the DEV_LOGIN form,
// or, on a page of another origin, the upstream provider's login form, and
// returns the request that submits it. Any other page of the server is a
// failure: the sign-in went somewhere it should not.
func (b *Browser) fill(server string, page *url.URL, header http.Header, body []byte) (hop, error) {
	forms, err := parseForms(page, body)
	if err != nil {
		return hop{}, err
	}
	policy := header.Get("Referrer-Policy")
	if m := metaRE.FindSubmatch(body); policy == "" && m != nil {
		policy = string(m[1])
	}
	post := func(action *url.URL, values url.Values) hop {
		return hop{method: http.MethodPost, url: action, form: values, page: page, policy: policy}
	}
	for _, f := range forms {
		switch f.action.Path {
		case "/authorize/consent":
			decision := "approve"
			if b.o.Deny {
				decision = "deny"
			}
			values := f.hidden()
			if values.Get("request") == "" {
				return hop{}, fmt.Errorf("the consent form has no hidden \"request\" field")
			}
			if !f.has(func(fd field) bool {
				return fd.tag == "button" && fd.attrs["name"] == "decision" && fd.attrs["value"] == decision
			}) {
				return hop{}, fmt.Errorf("the consent form has no button name=decision value=%s", decision)
			}
			values.Set("decision", decision)
			return post(f.action, values), nil
		case "/dev/login":
			values := f.hidden()
			if values.Get("state") == "" {
				return hop{}, fmt.Errorf("the DEV_LOGIN form has no hidden \"state\" field")
			}
			if !f.has(func(fd field) bool { return fd.attrs["name"] == "name" }) {
				return hop{}, fmt.Errorf("the DEV_LOGIN form has no \"name\" field")
			}
			values.Set("name", b.o.User)
			return post(f.action, values), nil
		}
	}
	if origin(page) != server {
		if f, values, ok := b.login(forms); ok {
			h := post(f.action, values)
			if strings.EqualFold(f.attrs["method"], http.MethodGet) || f.attrs["method"] == "" {
				h.url.RawQuery, h.method = values.Encode(), http.MethodGet
			}
			return h, nil
		}
	}
	return hop{}, fmt.Errorf("no consent or sign-in form on the page: %s", PageText(body))
}

// login fills in the form a user would submit on an upstream provider's
// page: the one with the most user and password fields to fill in,
// pressing its approving button; a form whose only way out is refusing is
// not one the user wants.
func (b *Browser) login(forms []form) (form, url.Values, bool) {
	var best form
	var bestValues url.Values
	bestScore := -1
	for _, f := range forms {
		values, score := url.Values{}, 0
		var submits []map[string]string
		for _, fd := range f.fields {
			a := fd.attrs
			name, typ := a["name"], strings.ToLower(a["type"])
			switch {
			case fd.tag == "button" || typ == "submit":
				// A <button> submits unless its type says otherwise.
				if typ != "button" && typ != "reset" {
					submits = append(submits, a)
				}
			case name == "":
			case typ == "password":
				values.Set(name, b.o.Password)
				score += 10
			case typ == "" || typ == "text" || typ == "email":
				values.Set(name, b.o.User)
				score += 10
			case typ == "checkbox" || typ == "radio":
				if _, checked := a["checked"]; checked {
					values.Add(name, a["value"])
				}
			default:
				values.Set(name, a["value"])
			}
		}
		var pressed map[string]string
		for _, s := range submits {
			if acceptRE.MatchString(s["name"] + " " + s["value"] + " " + s["id"]) {
				pressed = s
				score += 5
				break
			}
		}
		if pressed == nil && len(submits) > 0 {
			if rejectRE.MatchString(submits[0]["name"] + " " + submits[0]["value"]) {
				continue
			}
			pressed = submits[0]
		}
		if rejectRE.MatchString(f.attrs["action"]) {
			continue
		}
		if pressed != nil && pressed["name"] != "" {
			values.Set(pressed["name"], pressed["value"])
		}
		if score > bestScore {
			best, bestValues, bestScore = f, values, score
		}
	}
	return best, bestValues, bestScore >= 0
}

var tagRE = regexp.MustCompile(`(?s)<style.*?</style>|<script.*?</script>|<[^>]*>`)

// PageText is the visible text of an HTML page (or the start of any other
// answer), shortened to 200 characters, for error messages.
func PageText(body []byte) string {
	text := strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(string(body), " "))), " ")
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	return text
}
