package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The forms as the generated server renders them
// (templates/project/internal/authserver/pages).
const (
	consentPage = `<!doctype html><title>Allow?</title><h1>Allow test client to use test?</h1>
<form class="decide" method="post" action="/authorize/consent">
  <input type="hidden" name="request" value="%s">
  <div class="actions">
    <button type="submit" name="decision" value="deny">Deny</button>
    <button type="submit" name="decision" value="approve" class="primary">Allow</button>
  </div>
</form>`
	devLoginPage = `<!doctype html><title>Development sign-in</title>
<form method="post" action="/dev/login">
  <input type="hidden" name="state" value="%s">
  <label for="name">Sign in as</label>
  <input type="text" id="name" name="name" required maxlength="64" autofocus>
  <div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`
	// A provider's login page, with a way out that the user does not take.
	upstreamLoginPage = `<!doctype html><title>Log in</title>
<form method="post" action="/cancel"><button type="submit">Cancel</button></form>
<form method="POST" action="/login">
  <input type="hidden" name="id" value="%s">
  <input id="username" name="username">
  <input id="password" name="password" type="password">
  <input type="checkbox" name="remember" value="yes" checked>
  <button type="submit">Login</button>
</form>`
)

// fakeServer is an authorization server with the generated server's pages
// and an upstream provider with a login form, on two origins.
type fakeServer struct {
	srv, upstream *httptest.Server
	mu            sync.Mutex
	got           []string // what the server checked, for the test to see
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	up := http.NewServeMux()
	f.upstream = httptest.NewServer(up)
	t.Cleanup(f.upstream.Close)

	back := func(w http.ResponseWriter, r *http.Request, q url.Values) {
		q.Set("state", "st")
		q.Set("iss", f.srv.URL)
		http.Redirect(w, r, "http://127.0.0.1:1/callback?"+q.Encode(), http.StatusFound)
	}
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("client_id") {
		case "broken":
			http.Error(w, "the store is away", http.StatusServiceUnavailable)
			return
		case "lost":
			fmt.Fprint(w, "<p>Something else</p>")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: r.URL.Query().Get("client_id"), Path: "/"})
		w.Header().Set("Referrer-Policy", "no-referrer")
		fmt.Fprintf(w, consentPage, "req&amp;1")
	})
	mux.HandleFunc("POST /authorize/consent", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("session")
		if err != nil || r.PostFormValue("request") != "req&1" || r.Header.Get("Origin") != "null" {
			http.Error(w, fmt.Sprintf("cookie %v, request %q, Origin %q", err, r.PostFormValue("request"), r.Header.Get("Origin")), http.StatusBadRequest)
			return
		}
		switch {
		case r.PostFormValue("decision") == "deny":
			back(w, r, url.Values{"error": {"access_denied"}, "error_description": {"the user said no"}})
		case c.Value == "dev":
			http.Redirect(w, r, "/dev/login", http.StatusSeeOther)
		default:
			http.Redirect(w, r, f.upstream.URL+"/authorize?from=consent", http.StatusFound)
		}
	})
	mux.HandleFunc("GET /dev/login", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, devLoginPage, "dev-state") })
	mux.HandleFunc("POST /dev/login", func(w http.ResponseWriter, r *http.Request) {
		f.note("dev name=" + r.PostFormValue("name") + " state=" + r.PostFormValue("state") + " origin=" + r.Header.Get("Origin"))
		http.Redirect(w, r, "/callback?code=dev", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		back(w, r, url.Values{"code": {"our-code-for-" + r.URL.Query().Get("code")}})
	})
	up.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		if hint := r.URL.Query().Get("login_hint"); hint != "" {
			f.note("hint=" + hint)
			http.Redirect(w, r, f.srv.URL+"/callback?code=hinted", http.StatusFound)
			return
		}
		fmt.Fprintf(w, upstreamLoginPage, "auth-1")
	})
	up.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.note(fmt.Sprintf("login %s", r.PostForm.Encode()))
		// A 307 repeats the POST at the next address.
		http.Redirect(w, r, "/login/done", http.StatusTemporaryRedirect)
	})
	up.HandleFunc("POST /login/done", func(w http.ResponseWriter, r *http.Request) {
		f.note("repeated id=" + r.PostFormValue("id"))
		http.Redirect(w, r, f.srv.URL+"/callback?code=upstream", http.StatusFound)
	})
	return f
}

func (f *fakeServer) note(s string) {
	f.mu.Lock()
	f.got = append(f.got, s)
	f.mu.Unlock()
}

func (f *fakeServer) authURL(clientID string) string {
	return f.srv.URL + "/authorize?" + url.Values{"client_id": {clientID}, "redirect_uri": {"http://127.0.0.1:1/callback"}, "state": {"st"}}.Encode()
}

// TestUpstream: the consent page is approved, the provider's login form
// filled in, and the code of the redirect back returned; each request is
// traced with its step.
func TestUpstream(t *testing.T) {
	f := newFakeServer(t)
	var steps []string
	b := New(Options{User: "ada", Password: "secret", Trace: func(step Step, req *http.Request) func(error) {
		steps = append(steps, fmt.Sprintf("%s %s %s", step, req.Method, req.URL.Path))
		return nil
	}})
	res, err := b.SignIn(context.Background(), f.authURL("web"))
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check("st", f.srv.URL); err != nil || res.Code != "our-code-for-upstream" {
		t.Fatalf("result %+v: %v", res, err)
	}
	want := []string{
		"authorize GET /authorize", "consent POST /authorize/consent", "upstream GET /authorize",
		"upstream POST /login", "upstream POST /login/done", "callback GET /callback",
	}
	if !slices.Equal(steps, want) {
		t.Errorf("steps\n%s\nwant\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
	}
	if want := []string{"login id=auth-1&password=secret&remember=yes&username=ada", "repeated id=auth-1"}; !slices.Equal(f.got, want) {
		t.Errorf("the provider saw %q, want %q", f.got, want)
	}
}

// TestDevLoginAndHint: the DEV_LOGIN form gets the user's name; with
// LoginHint the provider is told who signs in.
func TestDevLoginAndHint(t *testing.T) {
	f := newFakeServer(t)
	res, err := New(Options{User: "Zoë"}).SignIn(context.Background(), f.authURL("dev"))
	if err != nil || res.Code != "our-code-for-dev" {
		t.Fatalf("DEV_LOGIN: %+v, %v", res, err)
	}
	res, err = New(Options{User: "bob", LoginHint: true}).SignIn(context.Background(), f.authURL("web"))
	if err != nil || res.Code != "our-code-for-hinted" {
		t.Fatalf("login_hint: %+v, %v", res, err)
	}
	if want := []string{"dev name=Zoë state=dev-state origin=" + f.srv.URL, "hint=bob"}; !slices.Equal(f.got, want) {
		t.Errorf("the servers saw %q, want %q", f.got, want)
	}
}

// TestDeny: Deny ends in the authorization error the server sends back.
func TestDeny(t *testing.T) {
	f := newFakeServer(t)
	res, err := New(Options{Deny: true}).SignIn(context.Background(), f.authURL("web"))
	var e *Error
	var ae *AuthError
	if !errors.As(err, &e) || !errors.As(err, &ae) || ae.Code != "access_denied" || e.Step != StepConsent || res == nil || res.State != "st" {
		t.Fatalf("deny: %+v, %v; want an access_denied *AuthError at the consent step and the result", res, err)
	}
}

// TestFailures: an unexpected status stops the walk at its step with the
// page's text; so does a page of the server with no form to fill in.
func TestFailures(t *testing.T) {
	f := newFakeServer(t)
	_, err := New(Options{}).SignIn(context.Background(), f.authURL("broken"))
	var e *Error
	if !errors.As(err, &e) || e.Step != StepAuthorize || e.Status != http.StatusServiceUnavailable || !strings.Contains(e.Error(), "the store is away") {
		t.Fatalf("503: %v", err)
	}
	_, err = New(Options{}).SignIn(context.Background(), f.authURL("lost"))
	if !errors.As(err, &e) || e.Step != StepAuthorize || e.Status != 0 || !strings.Contains(e.Error(), "no consent or sign-in form on the page: Something else") {
		t.Fatalf("a page without a form: %v", err)
	}
	_, err = New(Options{}).SignIn(context.Background(), f.srv.URL+"/authorize?client_id=web")
	if err == nil || !strings.Contains(err.Error(), "no redirect URI") {
		t.Fatalf("no redirect_uri: %v", err)
	}
}

// TestDeliver: with Deliver the redirect URI is loaded, as a client
// listening there needs.
func TestDeliver(t *testing.T) {
	f := newFakeServer(t)
	got := make(chan string, 1)
	client := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query().Get("code")
	}))
	defer client.Close()
	b := New(Options{User: "ada", Password: "pw", Deliver: true, RedirectURI: "http://127.0.0.1:1/callback",
		Transport: rewrite{from: "127.0.0.1:1", to: strings.TrimPrefix(client.URL, "http://")}})
	if _, err := b.SignIn(context.Background(), f.authURL("web")); err != nil {
		t.Fatal(err)
	}
	if code := <-got; code != "our-code-for-upstream" {
		t.Fatalf("the client received code %q", code)
	}
}

// rewrite sends requests for one host to another.
type rewrite struct{ from, to string }

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == rw.from {
		r = r.Clone(r.Context())
		r.URL.Host = rw.to
	}
	return http.DefaultTransport.RoundTrip(r)
}
