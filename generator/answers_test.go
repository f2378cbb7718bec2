package generator

import (
	"reflect"
	"strings"
	"testing"
)

func TestAnswersRoundTrip(t *testing.T) {
	opts := Options{Name: "demo", Module: "example.com/demo", Provider: "oidc", Store: "postgres",
		RedirectHosts: []string{"claude.ai", "*.example.com", "cursor://"},
		DisplayName:   "Acme: Notes", Logo: "branding/logo.svg", AccentColor: "#6d28d9", SupportURL: "mailto:help@acme.example"}
	src, err := MarshalAnswers(opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseAnswers(src)
	if err != nil {
		t.Fatalf("ParseAnswers(MarshalAnswers(opts)): %v\n%s", err, src)
	}
	if !reflect.DeepEqual(got.Options, opts) || got.Schema != AnswersSchema || got.Generator != Version() {
		t.Fatalf("round trip = %+v, want %+v", got, opts)
	}
}

func TestParseAnswersErrors(t *testing.T) {
	const head = "schema: 1\nname: demo\nmodule: example.com/demo\nprovider: github\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"empty", "", []string{"the file is empty"}},
		{"not a mapping", "- a\n- b\n", []string{"mcp-oauth.yaml:1", "expected a mapping"}},
		{"unknown store", head + "store: mysql\nredirect_hosts: [claude.ai]\n",
			[]string{"mcp-oauth.yaml:5: field store", `"mysql"`, "memory, sqlite, redis, postgres"}},
		{"bad host at its line", head + "store: sqlite\nredirect_hosts:\n  - claude.ai\n  - https://claude.ai\n",
			[]string{"mcp-oauth.yaml:8: field redirect_hosts", "without a scheme"}},
		{"unknown field", head + "stor: sqlite\n", []string{"mcp-oauth.yaml:5: unknown field \"stor\""}},
		{"list where a value belongs", head + "store: [sqlite]\nredirect_hosts: [claude.ai]\n",
			[]string{"mcp-oauth.yaml:5: field store: expected a single value"}},
		{"hosts not a list", head + "store: sqlite\nredirect_hosts: claude.ai\n",
			[]string{"mcp-oauth.yaml:6: field redirect_hosts: expected a list"}},
		{"missing schema", "name: demo\n", []string{"field schema is missing"}},
		{"newer schema", "schema: 99\n", []string{"newer than this mcp-oauth understands"}},
		{"given twice", head + "name: other\n", []string{"mcp-oauth.yaml:5: field name: given twice"}},
		{"unquoted colour", head + "store: sqlite\nredirect_hosts: [claude.ai]\naccent_color: #6d28d9\n",
			[]string{"mcp-oauth.yaml:7: field accent_color", "in quotes"}},
		{"bad colour at its line", head + "store: sqlite\nredirect_hosts: [claude.ai]\naccent_color: \"#6d28d\"\n",
			[]string{"mcp-oauth.yaml:7: field accent_color", "#rrggbb"}},
		{"bad support link", head + "store: sqlite\nredirect_hosts: [claude.ai]\nsupport_url: javascript:alert(1)\n",
			[]string{"mcp-oauth.yaml:7: field support_url", "https://"}},
		{"logo outside the project", head + "store: sqlite\nredirect_hosts: [claude.ai]\nlogo: /etc/logo.png\n",
			[]string{"mcp-oauth.yaml:7: field logo", "inside the project"}},
		{"logo not an image", head + "store: sqlite\nredirect_hosts: [claude.ai]\nlogo: branding/logo.html\n",
			[]string{"mcp-oauth.yaml:7: field logo", ".svg"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAnswers([]byte(tc.src))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// FuzzParseAnswers checks that no answers file makes the parser panic, and
// that whatever it accepts is valid and survives a write and a re-read.
func FuzzParseAnswers(f *testing.F) {
	seed, _ := MarshalAnswers(Options{Name: "demo", Module: "example.com/demo", Provider: "github", Store: "sqlite",
		RedirectHosts: DefaultRedirectHosts})
	f.Add(seed)
	f.Add([]byte("schema: 1\nname: [a\n"))
	f.Add([]byte("schema: 1\nredirect_hosts: {a: b}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := ParseAnswers(src)
		if err != nil {
			return
		}
		if err := a.Options.Validate(); err != nil {
			t.Fatalf("accepted invalid answers: %v", err)
		}
		again, err := MarshalAnswers(a.Options)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ParseAnswers(again)
		if err != nil || !reflect.DeepEqual(a.Options, b.Options) {
			t.Fatalf("re-read of accepted answers: %v, %+v vs %+v", err, a.Options, b.Options)
		}
	})
}

// TestBrandingOptional: branding is never asked for and never required,
// and an answers file without it stays as it was.
func TestBrandingOptional(t *testing.T) {
	opts := Options{}.WithDefaults("/tmp/demo")
	if missing := (Options{Name: "a", Module: "example.com/a", Provider: "github", Store: "sqlite", RedirectHosts: []string{"claude.ai"}}).Missing(); len(missing) != 0 {
		t.Errorf("Missing() = %v with every required answer given", missing)
	}
	if opts.DisplayName != "" || opts.Logo != "" || opts.AccentColor != "" || opts.SupportURL != "" {
		t.Errorf("WithDefaults filled branding: %+v", opts)
	}
	src, err := MarshalAnswers(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"display_name", "logo", "accent_color", "support_url"} {
		if strings.Contains(string(src), key) {
			t.Errorf("answers without branding mention %s:\n%s", key, src)
		}
	}
	if got := (Options{AccentColor: " #ABC "}).Normalize().AccentColor; got != "#aabbcc" {
		t.Errorf("accent #ABC normalized to %q, want #aabbcc", got)
	}
}
