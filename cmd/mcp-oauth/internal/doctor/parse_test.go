package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBearerChallenge(t *testing.T) {
	cases := []struct {
		headers []string
		ok      bool
		want    map[string]string
	}{
		{[]string{`Bearer resource_metadata="https://h/.well-known/oauth-protected-resource/mcp", scope="mcp offline_access"`}, true,
			map[string]string{"resource_metadata": "https://h/.well-known/oauth-protected-resource/mcp", "scope": "mcp offline_access"}},
		{[]string{`Basic realm="x", Bearer error="invalid_token", error_description="say \"hi\""`}, true,
			map[string]string{"error": "invalid_token", "error_description": `say "hi"`}},
		{[]string{`Basic realm="x"`, `bearer realm=api`}, true, map[string]string{"realm": "api"}},
		{[]string{`Bearer`}, true, map[string]string{}},
		{[]string{`Basic realm="x"`}, false, nil},
		{nil, false, nil},
	}
	for _, tc := range cases {
		got, ok := bearerChallenge(tc.headers)
		if ok != tc.ok || len(got) != len(tc.want) {
			t.Errorf("%q: %v %v, want %v %v", tc.headers, got, ok, tc.want, tc.ok)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%q: %s = %q, want %q", tc.headers, k, got[k], v)
			}
		}
	}
}

func TestWellKnown(t *testing.T) {
	cases := []struct {
		u, name string
		root    bool
		want    string
	}{
		{"https://h/mcp", "oauth-protected-resource", false, "https://h/.well-known/oauth-protected-resource/mcp"},
		{"https://h/mcp", "oauth-protected-resource", true, "https://h/.well-known/oauth-protected-resource"},
		{"https://h/", "oauth-authorization-server", false, "https://h/.well-known/oauth-authorization-server"},
		{"https://h", "oauth-authorization-server", false, "https://h/.well-known/oauth-authorization-server"},
		{"https://H:8443/tenant/a", "openid-configuration", false, "https://h:8443/.well-known/openid-configuration/tenant/a"},
	}
	for _, tc := range cases {
		if got := wellKnown(tc.u, tc.name, tc.root); got != tc.want {
			t.Errorf("wellKnown(%q, %q, %v) = %q, want %q", tc.u, tc.name, tc.root, got, tc.want)
		}
	}
}

func TestValidateURL(t *testing.T) {
	for _, u := range []string{"https://h/mcp", "http://127.0.0.1:8080/mcp"} {
		if err := ValidateURL(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"h/mcp", "ftp://h/mcp", "https://h/mcp#x", "https://u:p@h/mcp", "https:///mcp", "://"} {
		if err := ValidateURL(u); err == nil {
			t.Errorf("%s: accepted", u)
		}
	}
}

// TestOpenBrowserEnv: BROWSER is a colon-separated list tried in turn,
// with %s standing for the URL.
func TestOpenBrowserEnv(t *testing.T) {
	target := filepath.Join(t.TempDir(), "opened")
	t.Setenv("BROWSER", "false:touch %s")
	if err := OpenBrowser(context.Background(), target); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target); err != nil {
		t.Fatalf("the second BROWSER command did not get the URL: %v", err)
	}
	t.Setenv("BROWSER", "false")
	if err := OpenBrowser(context.Background(), target); err == nil {
		t.Fatal("a failing BROWSER command is not reported")
	}
	// A browser that stays in the foreground is left running: the doctor
	// goes on to wait for the sign-in.
	foreground := filepath.Join(t.TempDir(), "browser")
	if err := os.WriteFile(foreground, []byte("#!/bin/sh\nsleep 5\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", foreground)
	if err := OpenBrowser(context.Background(), target); err != nil {
		t.Fatalf("a browser in the foreground: %v", err)
	}
}

// FuzzBearerChallenge: any header from any server is read without a
// panic or a hang, and a Bearer challenge is found whenever the header
// starts with one.
func FuzzBearerChallenge(f *testing.F) {
	for _, s := range []string{`Bearer resource_metadata="https://h/x", scope="a b"`, `Basic realm="a\"b", Bearer`, `,,, =`, `Bearer a="\`, `Negotiate abc==, Bearer x=y`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		_, ok := bearerChallenge([]string{h})
		if !ok && (h == "Bearer" || strings.HasPrefix(h, "Bearer ")) {
			t.Fatalf("%q: no Bearer challenge found", h)
		}
	})
}
