package generator_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"golang.org/x/oauth2"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write testdata/screenshots/*.png from TestBrowser")

// The MCP clients of the browser tests. The browser never reaches their
// redirect URIs: it is stopped there (Fetch domain) and the test reads the
// response parameters from the URL, as the client would.
const (
	loopbackRedirect = "http://127.0.0.1:53682/callback"
	httpsRedirect    = "https://claude.ai/api/mcp/auth_callback"
)

// TestBrowser drives the pages of a generated server in headless Chromium,
// as a user would: sign-in through a real OpenID provider and through the
// development form, deny, the error pages, remembered consent, keyboard-only
// approval, a phone-sized screen, light and dark. Any console error, CSP
// violation or issue Chromium reports on the server's pages fails the test.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated server and drives Chromium")
	}
	chromium := findChromium(t)
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()

	opts := options.Options{Name: "acme-notes", Module: "example.com/acme-notes", Provider: "oidc", Store: "sqlite",
		RedirectHosts: options.DefaultRedirectHosts, DisplayName: "Acme Notes"}
	bin := buildProject(ctx, t, opts)

	// A: the real upstream flow through zitadel's example OpenID provider.
	upPort := freePort(t)
	upURL := fmt.Sprintf("http://127.0.0.1:%d", upPort)
	const opClient, opSecret = "mcp-server", "mcp-server-secret"
	issuer, _ := startOP(t, opClient, opSecret, upURL+"/callback")
	startServer(ctx, t, bin, upURL, map[string]string{
		"PORT": fmt.Sprint(upPort), "BASE_URL": upURL, "UPSTREAM_ISSUER": issuer,
		"UPSTREAM_CLIENT_ID": opClient, "UPSTREAM_CLIENT_SECRET": opSecret,
		"ENCRYPTION_KEY": randomKey(t), "SQLITE_PATH": filepath.Join(t.TempDir(), "up.db"),
	})
	// B: the development sign-in form.
	devPort := freePort(t)
	devURL := fmt.Sprintf("http://127.0.0.1:%d", devPort)
	startServer(ctx, t, bin, devURL, map[string]string{
		"PORT": fmt.Sprint(devPort), "BASE_URL": devURL, "DEV_LOGIN": "1",
		"ENCRYPTION_KEY": randomKey(t), "SQLITE_PATH": filepath.Join(t.TempDir(), "dev.db"),
	})
	// C: a branded server (logo, accent colour, support link), also signing
	// in through an OpenID provider.
	branded := opts
	branded.Logo, branded.AccentColor, branded.SupportURL = "branding/logo.svg", "#6d28d9", "https://acme.example/help"
	brandedBin := projecttest.BuildWith(ctx, t, branded, map[string][]byte{"branding/logo.svg": []byte(testLogo)})
	brPort := freePort(t)
	brURL := fmt.Sprintf("http://127.0.0.1:%d", brPort)
	brIssuer, _ := startOP(t, opClient, opSecret, brURL+"/callback")
	startServer(ctx, t, brandedBin, brURL, map[string]string{
		"PORT": fmt.Sprint(brPort), "BASE_URL": brURL, "UPSTREAM_ISSUER": brIssuer,
		"UPSTREAM_CLIENT_ID": opClient, "UPSTREAM_CLIENT_SECRET": opSecret,
		"ENCRYPTION_KEY": randomKey(t), "SQLITE_PATH": filepath.Join(t.TempDir(), "branded.db"),
	})
	ours := []string{upURL, devURL, brURL}

	browser := startChromium(ctx, t, chromium)

	t.Run("upstream", func(t *testing.T) {
		tab := newTab(t, browser, ours)
		client := registerClient(t, upURL, "Example Assistant", loopbackRedirect)
		authURL, verifier := authorizationURL(upURL, client, loopbackRedirect, "state-up")
		res := tab.signIn(authURL, "approve")
		if !res.sawConsent || !res.sawOP {
			t.Errorf("the flow did not show the consent page and the provider's login: %+v", res)
		}
		res.wantCode(t, "state-up", upURL)
		redeem(t, upURL, client, loopbackRedirect, res.landed.Query().Get("code"), verifier)
		t.Logf("upstream flow: code delivered %v after the last click", res.lastStep)
	})

	t.Run("devlogin", func(t *testing.T) {
		tab := newTab(t, browser, ours)
		client := registerClient(t, devURL, "Example Assistant", loopbackRedirect)
		authURL, verifier := authorizationURL(devURL, client, loopbackRedirect, "state-dev")
		res := tab.signIn(authURL, "approve")
		if !res.sawConsent || !res.sawDevLogin {
			t.Errorf("the flow did not show the consent page and the sign-in form: %+v", res)
		}
		res.wantCode(t, "state-dev", devURL)
		redeem(t, devURL, client, loopbackRedirect, res.landed.Query().Get("code"), verifier)
		t.Logf("development flow: code delivered %v after the last click", res.lastStep)
	})

	t.Run("deny", func(t *testing.T) {
		tab := newTab(t, browser, ours)
		client := registerClient(t, devURL, "Example Assistant", loopbackRedirect)
		authURL, _ := authorizationURL(devURL, client, loopbackRedirect, "state-deny")
		res := tab.signIn(authURL, "deny")
		q := res.landed.Query()
		if q.Get("error") != "access_denied" || q.Get("state") != "state-deny" || q.Get("iss") != devURL || q.Get("code") != "" {
			t.Errorf("deny landed at %s, want error=access_denied with state and iss", res.landed)
		}
		if res.sawDevLogin {
			t.Error("deny went on to the sign-in form")
		}
	})

	t.Run("error pages", func(t *testing.T) {
		client := registerClient(t, devURL, "Example Assistant", loopbackRedirect)
		for name, u := range map[string]string{
			"unknown client":  devURL + "/authorize?" + url.Values{"client_id": {"mcp_client_unknown"}, "response_type": {"code"}, "redirect_uri": {loopbackRedirect}}.Encode(),
			"foreign address": devURL + "/authorize?" + url.Values{"client_id": {client}, "response_type": {"code"}, "redirect_uri": {"https://evil.example/cb"}}.Encode(),
		} {
			t.Run(name, func(t *testing.T) {
				tab := newTab(t, browser, ours)
				tab.expectStatus = http.StatusBadRequest
				tab.do(chromedp.Navigate(u))
				page := tab.pageText()
				if tab.landedURL() != nil || !strings.HasPrefix(tab.location(), devURL+"/authorize") {
					t.Fatalf("the error page redirected, to %s", tab.location())
				}
				if strings.Count(strings.ToLower(page), "start again") != 1 || !strings.Contains(page, "Acme Notes") {
					t.Errorf("the error page should name the server and say \"start again\" once:\n%s", page)
				}
				if *updateScreenshots && name == "unknown client" {
					tab.do(chromedp.EmulateViewport(720, 560, chromedp.EmulateScale(2)))
					writeScreenshot(t, tab, "error.png")
				}
			})
		}
	})

	t.Run("remembered consent", func(t *testing.T) {
		tab := newTab(t, browser, ours)
		client := registerClient(t, devURL, "Claude", httpsRedirect)
		authURL, _ := authorizationURL(devURL, client, httpsRedirect, "state-1")
		first := tab.signIn(authURL, "approve")
		first.wantCode(t, "state-1", devURL)
		authURL, _ = authorizationURL(devURL, client, httpsRedirect, "state-2")
		second := tab.signIn(authURL, "approve")
		second.wantCode(t, "state-2", devURL)
		if !first.sawConsent || second.sawConsent {
			t.Errorf("consent shown the first time: %v, the second time: %v; want only the first", first.sawConsent, second.sawConsent)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		tab := newTab(t, browser, ours)
		client := registerClient(t, devURL, "Example Assistant", loopbackRedirect)
		authURL, _ := authorizationURL(devURL, client, loopbackRedirect, "state-kb")
		tab.do(chromedp.Navigate(authURL))
		// Tab through the page until the Allow button has the focus.
		for i := 0; ; i++ {
			if i == 15 {
				t.Fatal("Tab never reached the Allow button")
			}
			tab.do(chromedp.KeyEvent("\t"))
			if chromedpEval[string](tab, `document.activeElement.value || ""`) == "approve" {
				break
			}
		}
		tab.do(chromedp.KeyEvent("\r"))
		tab.waitPath("/dev/login")
		// The name field has the focus: type and press Enter. Browsers apply
		// autofocus at a rendering update, which can come after the load
		// event on a busy machine: give it a moment.
		for deadline := time.Now().Add(2 * time.Second); chromedpEval[string](tab, `document.activeElement.id`) != "name"; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the sign-in form's field does not have the focus")
			}
		}
		if *updateScreenshots {
			tab.do(chromedp.EmulateViewport(720, 600, chromedp.EmulateScale(2)))
			writeScreenshot(t, tab, "devlogin.png")
		}
		tab.do(chromedp.KeyEvent("keyboard user\r"))
		tab.waitLanded().wantCode(t, "state-kb", devURL)
	})

	t.Run("branded", func(t *testing.T) {
		for _, scheme := range []string{"light", "dark"} {
			tab := newTab(t, browser, ours)
			tab.do(chromedp.EmulateViewport(720, 900, chromedp.EmulateScale(2)), emulateScheme(scheme))
			client := registerClient(t, brURL, "Claude", httpsRedirect)
			authURL, _ := authorizationURL(brURL, client, httpsRedirect, "state-brand")
			tab.do(chromedp.Navigate(authURL), chromedp.WaitVisible(`button[value=approve]`))
			var m struct {
				LogoWidth   float64
				Text, Fill  string
				Link, Card  string
				SupportHref string
			}
			tab.eval(`(() => {
				const allow = getComputedStyle(document.querySelector('button[value=approve]'));
				const link = document.querySelector('footer a');
				return {LogoWidth: document.querySelector('.brand img').naturalWidth,
					Text: allow.color, Fill: allow.backgroundColor,
					Link: getComputedStyle(link).color, Card: getComputedStyle(document.querySelector('main')).backgroundColor,
					SupportHref: link.href};
			})()`, &m)
			if m.LogoWidth == 0 {
				t.Errorf("%s: the logo did not load", scheme)
			}
			if m.Fill != "rgb(109, 40, 217)" {
				t.Errorf("%s: the Allow button is %s, want the accent #6d28d9", scheme, m.Fill)
			}
			for _, pair := range [][2]string{{m.Text, m.Fill}, {m.Link, m.Card}} {
				if c := cssContrast(t, pair[0], pair[1]); c < 4.5 {
					t.Errorf("%s: %s on %s has contrast %.2f:1", scheme, pair[0], pair[1], c)
				}
			}
			if m.SupportHref != "https://acme.example/help" {
				t.Errorf("%s: support link %q", scheme, m.SupportHref)
			}
			if *updateScreenshots && scheme == "light" {
				writeScreenshot(t, tab, "consent-branded.png")
			}
			// And the sign-in goes through.
			tab.signIn(authURL, "approve").wantCode(t, "state-brand", brURL)
		}
	})

	// The consent page on a phone, in light and dark: both buttons on the
	// first screen, legible, and the screenshots for the README.
	for _, view := range []struct {
		name          string
		width, height int64
		dark          bool
		redirectURI   string
		screenshot    bool
	}{
		{"light", 720, 860, false, httpsRedirect, true},
		{"dark", 720, 860, true, httpsRedirect, true},
		{"phone", 375, 700, false, httpsRedirect, true},
		{"phone-dark", 375, 700, true, httpsRedirect, true},
		// The longest consent page: a loopback client gets a warning.
		{"phone-loopback", 375, 700, false, loopbackRedirect, false},
	} {
		t.Run("consent "+view.name, func(t *testing.T) {
			tab := newTab(t, browser, ours)
			scheme := "light"
			if view.dark {
				scheme = "dark"
			}
			viewport := []chromedp.EmulateViewportOption{chromedp.EmulateScale(2)}
			if view.width < 480 {
				viewport = append(viewport, chromedp.EmulateMobile, chromedp.EmulatePortrait)
			}
			tab.do(chromedp.EmulateViewport(view.width, view.height, viewport...), emulateScheme(scheme))
			client := registerClient(t, upURL, "Claude", view.redirectURI)
			authURL, _ := authorizationURL(upURL, client, view.redirectURI, "state-view")
			tab.do(chromedp.Navigate(authURL), chromedp.WaitVisible(`button[value=approve]`))
			var m struct {
				Deny, Allow         []float64
				Fg, Bg, Text, Fill  string
				ScrollW, InnerWidth float64
			}
			tab.eval(`(() => {
				const r = s => { const b = document.querySelector(s).getBoundingClientRect(); return [b.top, b.bottom, b.left, b.right]; };
				const allow = getComputedStyle(document.querySelector('button[value=approve]'));
				return {Deny: r('button[value=deny]'), Allow: r('button[value=approve]'),
					Fg: getComputedStyle(document.body).color, Bg: getComputedStyle(document.querySelector('main')).backgroundColor,
					Text: allow.color, Fill: allow.backgroundColor,
					ScrollW: document.documentElement.scrollWidth, InnerWidth: window.innerWidth};
			})()`, &m)
			for name, r := range map[string][]float64{"Deny": m.Deny, "Allow": m.Allow} {
				if r[0] < 0 || r[1] > float64(view.height) || r[2] < 0 || r[3] > float64(view.width) {
					t.Errorf("%s button at %v, outside the first %dx%d screen", name, r, view.width, view.height)
				}
			}
			if m.ScrollW > m.InnerWidth {
				t.Errorf("the page scrolls sideways: %v wide in a %v viewport", m.ScrollW, m.InnerWidth)
			}
			for _, pair := range [][2]string{{m.Fg, m.Bg}, {m.Text, m.Fill}} {
				if c := cssContrast(t, pair[0], pair[1]); c < 4.5 {
					t.Errorf("%s: %s on %s has contrast %.2f:1", scheme, pair[0], pair[1], c)
				}
			}
			if (scheme == "dark") != isDark(t, m.Bg) {
				t.Errorf("prefers-color-scheme %s, but the page background is %s", scheme, m.Bg)
			}
			if *updateScreenshots && view.screenshot {
				writeScreenshot(t, tab, "consent-"+view.name+".png")
			}
		})
	}
}

// findChromium returns Debian's Chromium binary. Outside CI a missing
// browser skips the suite, loudly; in CI it fails it.
func findChromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/lib/chromium/chromium", "/usr/bin/chromium"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "Chromium is not installed (apt-get install chromium, or set CHROMIUM): THE BROWSER TESTS DID NOT RUN"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}

// startChromium starts headless Chromium with a fresh profile. It can
// reach loopback only: every other host name fails to resolve, and the
// background services that would call home are off.
func startChromium(ctx context.Context, t *testing.T, path string) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // Chromium refuses to run as root with its sandbox
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.Flag("proxy-server", "direct://"),
	)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	return browser
}

// tab is one browser tab in a browser context of its own (its own
// cookies). It records every problem Chromium reports on the server's
// pages and stops the browser at the clients' redirect URIs.
type tab struct {
	t    *testing.T
	ctx  context.Context
	ours []string // origins of the servers under test
	// expectStatus is an error status the test navigates to on purpose;
	// Chromium logs it as a failed resource load.
	expectStatus int

	mu       sync.Mutex
	problems []string
	current  string   // URL of the main frame
	landed   *url.URL // the first client redirect reached
	landedAt time.Time
}

func newTab(t *testing.T, browser context.Context, ours []string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	tb := &tab{t: t, ctx: ctx, ours: ours}
	if err := chromedp.Listen(ctx, tb.event); err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, call := range []func() error{
			func() error { _, err := cdp.Call(ctx, tg, runtime.Enable, cdp.Empty{}); return err },
			func() error { _, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{}); return err },
			func() error { _, err := cdp.Call(ctx, tg, audits.Enable, cdp.Empty{}); return err },
			func() error {
				_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
					{URLPattern: "https://claude.ai/*"}, {URLPattern: "http://127.0.0.1:53682/*"},
				}})
				return err
			},
		} {
			if err := call(); err != nil {
				return err
			}
		}
		return nil
	}))
	t.Cleanup(func() {
		cancel()
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, p := range tb.problems {
			t.Errorf("Chromium reported: %s", p)
		}
	})
	return tb
}

// event runs on the tab's reading goroutine: it must not block.
func (tb *tab) event(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	onOurs := tb.isOurs(tb.current)
	switch e := ev.(type) {
	case *page.EventFrameNavigated:
		if e.Frame.ParentID == "" {
			tb.current = e.Frame.URL
		}
	case *fetch.EventRequestPaused:
		// A client's redirect URI: the flow ended. Answer for the client,
		// without the network.
		if tb.landed == nil && e.ResourceType == network.ResourceTypeDocument {
			tb.landed, _ = url.Parse(e.Request.URL)
			tb.landedAt = time.Now()
		}
		go chromedp.Call(tb.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
			RequestID: e.RequestID, ResponseCode: 200,
			ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}},
			Body:            []byte(`<!doctype html><html lang="en"><title>client</title><p>Signed in.</p></html>`),
		})
	case *runtime.EventConsoleAPICalled:
		if onOurs && (e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert) {
			var args []string
			for _, a := range e.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			tb.problems = append(tb.problems, fmt.Sprintf("console.%s on %s: %s", e.Type, tb.current, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		if onOurs {
			tb.problems = append(tb.problems, fmt.Sprintf("exception on %s: %s", tb.current, e.ExceptionDetails.Text))
		}
	case *cdplog.EventEntryAdded:
		en := e.Entry
		if en.Level != cdplog.EntryLevelError && en.Level != cdplog.EntryLevelWarning {
			return
		}
		if !onOurs && !tb.isOurs(en.URL) {
			return
		}
		if tb.expectStatus != 0 && en.Source == cdplog.EntrySourceNetwork && strings.Contains(en.Text, fmt.Sprintf("status of %d", tb.expectStatus)) {
			return
		}
		tb.problems = append(tb.problems, fmt.Sprintf("log %s/%s on %s: %s (%s)", en.Source, en.Level, tb.current, en.Text, en.URL))
	case *audits.EventIssueAdded:
		if onOurs {
			details, _ := json.Marshal(e.Issue.Details)
			tb.problems = append(tb.problems, fmt.Sprintf("issue %s on %s: %s", e.Issue.Code, tb.current, details))
		}
	}
}

func (tb *tab) isOurs(u string) bool {
	for _, o := range tb.ours {
		if u == o || strings.HasPrefix(u, o+"/") {
			return true
		}
	}
	return false
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v (at %s)", err, tb.location())
	}
}

func (tb *tab) eval(js string, out any) {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[json.RawMessage](js))
	if err != nil {
		tb.t.Fatalf("evaluate: %v", err)
	}
	if err := json.Unmarshal(v, out); err != nil {
		tb.t.Fatalf("evaluate: %v: %s", err, v)
	}
}

func chromedpEval[T any](tb *tab, js string) T {
	tb.t.Helper()
	var v T
	tb.eval(js, &v)
	return v
}

func (tb *tab) location() string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.current
}

func (tb *tab) landedURL() *url.URL {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.landed
}

func (tb *tab) pageText() string {
	return chromedpEval[string](tb, `document.documentElement.outerHTML`)
}

// waitPath waits until the tab shows a page of ours at path, fully loaded.
func (tb *tab) waitPath(path string) {
	tb.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		u, err := url.Parse(tb.location())
		if err == nil && u.Path == path && chromedpEval[string](tb, `document.readyState`) == "complete" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.t.Fatalf("never reached %s; at %s", path, tb.location())
}

// flow is the outcome of a sign-in in the browser.
type flow struct {
	landed                         *url.URL
	sawConsent, sawDevLogin, sawOP bool
	lastStep                       time.Duration // from the last click to the client's redirect
}

func (tb *tab) waitLanded() flow {
	tb.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if u := tb.landedURL(); u != nil {
			return flow{landed: u}
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.t.Fatalf("the flow never reached the client; at %s", tb.location())
	return flow{}
}

// signIn plays the user from the authorization URL to the client's
// redirect URI: on the consent page it presses the button for decision, on
// the development form it types a name, at the OpenID provider it logs in.
func (tb *tab) signIn(authURL, decision string) flow {
	tb.t.Helper()
	tb.mu.Lock()
	tb.landed = nil
	tb.mu.Unlock()
	tb.do(chromedp.Navigate(authURL))
	var f flow
	var clicked time.Time
	acted := map[string]bool{}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if u := tb.landedURL(); u != nil {
			f.landed = u
			tb.mu.Lock()
			f.lastStep = tb.landedAt.Sub(clicked)
			tb.mu.Unlock()
			return f
		}
		var state struct{ Href, Kind, Ready string }
		tb.eval(`({Href: location.href, Ready: document.readyState,
			Kind: document.querySelector('form[action="/authorize/consent"]') ? 'consent'
				: document.querySelector('form[action="/dev/login"]') ? 'devlogin'
				: document.querySelector('input[name=password]') ? 'op' : ''})`, &state)
		if state.Ready != "complete" || state.Kind == "" || acted[state.Href+state.Kind] {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		acted[state.Href+state.Kind] = true
		clicked = time.Now()
		switch state.Kind {
		case "consent":
			f.sawConsent = true
			tb.do(chromedp.Click(`button[value=` + decision + `]`))
		case "devlogin":
			f.sawDevLogin = true
			tb.do(chromedp.SendKeys(`#name`, "Ada Lovelace"), chromedp.Click(`form[action="/dev/login"] button[type=submit]`))
		case "op":
			f.sawOP = true
			tb.do(chromedp.SendKeys(`input[name=username]`, opUser), chromedp.SendKeys(`input[name=password]`, opPassword),
				chromedp.Click(`button[type=submit]`))
		}
	}
	tb.t.Fatalf("the sign-in did not reach the client in 30s; at %s", tb.location())
	return f
}

func (f flow) wantCode(t *testing.T, state, issuer string) {
	t.Helper()
	q := f.landed.Query()
	if q.Get("code") == "" || q.Get("state") != state || q.Get("iss") != issuer {
		t.Errorf("the client got %s, want a code, state=%s and iss=%s", f.landed, state, issuer)
	}
}

// registerClient registers a public client (RFC 7591) and returns its id.
func registerClient(t *testing.T, baseURL, name, redirectURI string) string {
	t.Helper()
	body := fmt.Sprintf(`{"client_name":%q,"redirect_uris":[%q],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}`, name, redirectURI)
	resp, err := http.Post(baseURL+"/register", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %s %v", resp.Status, err)
	}
	return out.ClientID
}

// authorizationURL is the URL an MCP client opens, with a fresh PKCE pair.
func authorizationURL(baseURL, clientID, redirectURI, state string) (string, string) {
	verifier := randomVerifier()
	q := url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI}, "state": {state},
		"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}, "resource": {baseURL + "/mcp"},
		"scope": {"mcp offline_access"},
	}
	return baseURL + "/authorize?" + q.Encode(), verifier
}

// redeem exchanges the code, proving it is one the server issued.
func redeem(t *testing.T, baseURL, clientID, redirectURI, code, verifier string) {
	t.Helper()
	resp, err := http.PostForm(baseURL+"/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "client_id": {clientID},
		"redirect_uri": {redirectURI}, "code_verifier": {verifier}, "resource": {baseURL + "/mcp"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("redeem the code: %s", resp.Status)
	}
}

func randomVerifier() string { return oauth2.GenerateVerifier() }

func s256(verifier string) string { return oauth2.S256ChallengeFromVerifier(verifier) }

// cssRGB reads a computed CSS colour, rgb(r, g, b) or rgba(r, g, b, a).
func cssRGB(t *testing.T, s string) [3]float64 {
	t.Helper()
	var c [3]float64
	inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "rgba("), "rgb("), ")")
	parts := strings.Split(inner, ",")
	if len(parts) < 3 {
		t.Fatalf("not a computed colour: %q", s)
	}
	for i := range 3 {
		if _, err := fmt.Sscan(strings.TrimSpace(parts[i]), &c[i]); err != nil {
			t.Fatalf("not a computed colour: %q", s)
		}
	}
	return c
}

func luminance(c [3]float64) float64 {
	var l [3]float64
	for i, v := range c {
		v /= 255
		if v <= 0.04045 {
			l[i] = v / 12.92
		} else {
			l[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// cssContrast is the WCAG contrast ratio of two computed colours.
func cssContrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(cssRGB(t, a)), luminance(cssRGB(t, b))
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func isDark(t *testing.T, bg string) bool { return luminance(cssRGB(t, bg)) < 0.2 }

// emulateScheme makes the tab prefer a light or a dark colour scheme.
func emulateScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// writeScreenshot stores what the tab shows in testdata/screenshots.
func writeScreenshot(t *testing.T, tb *tab, name string) {
	t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "testdata", "screenshots", name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testLogo is the branded server's logo: a note on a violet tile.
const testLogo = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#8b5cf6"/><stop offset="1" stop-color="#5b21b6"/></linearGradient></defs>
<rect width="64" height="64" rx="14" fill="url(#g)"/>
<path d="M20 14h18l8 8v28a2 2 0 0 1-2 2H20a2 2 0 0 1-2-2V16a2 2 0 0 1 2-2z" fill="#fff"/>
<path d="M38 14v8h8" fill="#ddd6fe"/>
<path d="M24 30h16M24 37h16M24 44h10" stroke="#6d28d9" stroke-width="3" stroke-linecap="round"/>
</svg>
`
