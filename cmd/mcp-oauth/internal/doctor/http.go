package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// maxBody bounds every response the doctor reads: metadata and token
// answers are a few kilobytes.
const maxBody = 1 << 20

// client is the doctor's HTTP client. Every request has a timeout; no
// redirect is followed (a client must not chase a metadata or token
// endpoint elsewhere, and a followed redirect would carry credentials to
// another host); and credentials in an Authorization header only ever go
// to the origins that issued them or that they were issued for.
type client struct {
	http    *http.Client
	timeout time.Duration

	mu      sync.Mutex
	trusted map[string]bool // origins that may receive an Authorization header
}

func newClient(timeout time.Duration, base http.RoundTripper) *client {
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext
		t.TLSHandshakeTimeout = timeout
		t.ResponseHeaderTimeout = timeout
		base = t
	}
	c := &client{timeout: timeout, trusted: map[string]bool{}}
	c.http = &http.Client{
		Timeout:   timeout,
		Transport: &credentialGuard{next: base, c: c},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return c
}

// trust lets requests to the origin of u carry an Authorization header.
func (c *client) trust(u string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.trusted[origin(u)] = true
}

func (c *client) trusts(u *url.URL) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.trusted[origin(u.String())]
}

// errUntrustedHost is the guard's refusal.
var errUntrustedHost = errors.New("refusing to send credentials to a host they did not come from")

// credentialGuard refuses, before anything is sent, a request that would
// carry an Authorization header to an origin the doctor did not trust.
type credentialGuard struct {
	next http.RoundTripper
	c    *client
}

func (g *credentialGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" && !g.c.trusts(req.URL) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s", errUntrustedHost, origin(req.URL.String()))
	}
	return g.next.RoundTrip(req)
}

// response is what the checks look at: status, headers and a bounded body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request built from method, u, header and body and reads the
// answer within the client's timeout.
func (c *client) do(ctx context.Context, method, u string, header http.Header, body string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u, err)
	}
	req.Header.Set("User-Agent", "mcp-oauth-doctor")
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, describeNetErr(method, u, err, c.timeout)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", method, u, err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: raw}, nil
}

// describeNetErr says in words why a request got no answer.
func describeNetErr(method, u string, err error, timeout time.Duration) error {
	var netErr net.Error
	switch {
	case errors.Is(err, errUntrustedHost):
		return err
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%s %s: no answer within %s", method, u, timeout)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Errorf("%s %s: %w", method, u, err)
}

func (c *client) get(ctx context.Context, u string, header http.Header) (*response, error) {
	return c.do(ctx, http.MethodGet, u, header, "")
}

// postForm sends an application/x-www-form-urlencoded body, as the token
// and revocation endpoints take.
func (c *client) postForm(ctx context.Context, u string, form url.Values) (*response, error) {
	return c.do(ctx, http.MethodPost, u, http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"},
		"Accept":       {"application/json"},
	}, form.Encode())
}

// getJSON fetches a JSON object; a non-200 answer or a body that is not a
// JSON object is an error naming what came back.
func (c *client) getJSON(ctx context.Context, u string) (map[string]any, *response, error) {
	resp, err := c.get(ctx, u, http.Header{"Accept": {"application/json"}})
	if err != nil {
		return nil, nil, err
	}
	if resp.status != http.StatusOK {
		return nil, resp, fmt.Errorf("GET %s: %d", u, resp.status)
	}
	var doc map[string]any
	if err := json.Unmarshal(resp.body, &doc); err != nil {
		return nil, resp, fmt.Errorf("GET %s: the answer is not a JSON object: %w", u, err)
	}
	return doc, resp, nil
}

// oauthError reads the error and error_description of an OAuth error body.
func (r *response) oauthError() (code, description string) {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	json.Unmarshal(r.body, &e)
	return e.Error, e.Description
}

// describe is "status error: description" for messages.
func (r *response) describe() string {
	code, desc := r.oauthError()
	s := fmt.Sprintf("%d", r.status)
	if code != "" {
		s += " " + code
	}
	if desc != "" {
		s += ": " + desc
	}
	return s
}

// origin is scheme://host[:port] of u, lower-cased, "" when u is not an
// absolute URL.
func origin(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || p.Host == "" {
		return ""
	}
	return strings.ToLower(p.Scheme + "://" + p.Host)
}

// isLoopback reports whether host (without port) is a loopback name or
// address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// secureURL reports whether u is https, or http on a loopback host.
func secureURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return false
	}
	return p.Scheme == "https" || p.Scheme == "http" && isLoopback(p.Hostname())
}

// authParam matches one auth-param of a challenge: name=token or
// name="quoted string" (RFC 9110 §11.2).
var authParam = regexp.MustCompile(`^\s*,?\s*([A-Za-z0-9_!#$%&'*+.^|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))`)

// quotedPair is a backslash escape inside a quoted string.
var quotedPair = regexp.MustCompile(`\\(.)`)

// bearerChallenge finds the Bearer challenge among the WWW-Authenticate
// headers and returns its parameters (names lower-cased); ok is false when
// there is none.
func bearerChallenge(headers []string) (params map[string]string, ok bool) {
	for _, h := range headers {
		rest := h
		for rest != "" {
			rest = strings.TrimLeft(rest, " ,")
			scheme, after, _ := strings.Cut(rest, " ")
			params := map[string]string{}
			rest = after
			for {
				m := authParam.FindStringSubmatch(rest)
				if m == nil {
					break
				}
				v := m[3]
				if m[2] != "" || m[3] == "" {
					v = quotedPair.ReplaceAllString(m[2], "$1")
				}
				params[strings.ToLower(m[1])] = v
				rest = rest[len(m[0]):]
			}
			if strings.EqualFold(scheme, "Bearer") {
				return params, true
			}
			if len(params) == 0 {
				// Not a challenge we can read (token68 or garbage): skip to
				// the next comma.
				_, next, found := strings.Cut(rest, ",")
				if !found {
					break
				}
				rest = next
			}
		}
	}
	return nil, false
}

// headerHas reports whether a comma-separated header lists value
// (case-insensitively), or "*".
func headerHas(h http.Header, name, value string) bool {
	for _, line := range h.Values(name) {
		for _, v := range strings.Split(line, ",") {
			v = strings.TrimSpace(v)
			if v == "*" || strings.EqualFold(v, value) {
				return true
			}
		}
	}
	return false
}

// strings of a JSON array field; nil when absent or of another type.
func stringList(doc map[string]any, field string) ([]string, bool) {
	raw, ok := doc[field].([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out, true
}

func stringField(doc map[string]any, field string) string {
	s, _ := doc[field].(string)
	return s
}
