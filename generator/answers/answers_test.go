package answers

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
)

func TestAnswersRoundTrip(t *testing.T) {
	opts := options.Options{Name: "demo", Module: "example.com/demo", Provider: "oidc", Store: "postgres",
		RedirectHosts: []string{"claude.ai", "*.example.com", "cursor://"},
		DisplayName:   "Acme: Notes", Logo: "branding/logo.svg", AccentColor: "#6d28d9", SupportURL: "mailto:help@acme.example"}
	src, err := Marshal(opts, "v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(Marshal(opts)): %v\n%s", err, src)
	}
	if !reflect.DeepEqual(got.Options, opts) || got.Schema != Schema || got.Generator != "v1.2.3" {
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
			_, err := Parse([]byte(tc.src))
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
func FuzzParse(f *testing.F) {
	seed, _ := Marshal(options.Options{Name: "demo", Module: "example.com/demo", Provider: "github", Store: "sqlite",
		RedirectHosts: options.DefaultRedirectHosts}, "dev")
	f.Add(seed)
	f.Add([]byte("schema: 1\nname: [a\n"))
	f.Add([]byte("schema: 1\nredirect_hosts: {a: b}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := Parse(src)
		if err != nil {
			return
		}
		if err := a.Options.Validate(); err != nil {
			t.Fatalf("accepted invalid answers: %v", err)
		}
		again, err := Marshal(a.Options, "dev")
		if err != nil {
			t.Fatal(err)
		}
		b, err := Parse(again)
		if err != nil || !reflect.DeepEqual(a.Options, b.Options) {
			t.Fatalf("re-read of accepted answers: %v, %+v vs %+v", err, a.Options, b.Options)
		}
	})
}

// TestBrandingOptional: branding is never asked for and never required,
// and an answers file without it stays as it was.
func TestBrandingOptional(t *testing.T) {
	opts := options.Options{}.WithDefaults("/tmp/demo")
	if missing := (options.Options{Name: "a", Module: "example.com/a", Provider: "github", Store: "sqlite", RedirectHosts: []string{"claude.ai"}}).Missing(); len(missing) != 0 {
		t.Errorf("Missing() = %v with every required answer given", missing)
	}
	if opts.DisplayName != "" || opts.Logo != "" || opts.AccentColor != "" || opts.SupportURL != "" {
		t.Errorf("WithDefaults filled branding: %+v", opts)
	}
	src, err := Marshal(opts, "v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"display_name", "logo", "accent_color", "support_url"} {
		if strings.Contains(string(src), key) {
			t.Errorf("answers without branding mention %s:\n%s", key, src)
		}
	}
	if got := (options.Options{AccentColor: " #ABC "}).Normalize().AccentColor; got != "#aabbcc" {
		t.Errorf("accent #ABC normalized to %q, want #aabbcc", got)
	}
}

// TestMarshalLayout pins the file's bytes: keys in table order, values
// quoted only where YAML needs it, optional options present when set.
func TestMarshalLayout(t *testing.T) {
	src, err := Marshal(options.Options{Name: "demo", Module: "example.com/demo", Provider: "oidc", Store: "postgres",
		RedirectHosts: []string{"claude.ai", "*.example.com", "cursor://", "yes"},
		DisplayName:   "Acme: Notes", Logo: "branding/logo.svg", AccentColor: "#6d28d9", SupportURL: "mailto:help@acme.example"}, "dev")
	if err != nil {
		t.Fatal(err)
	}
	const want = "# Answers of `mcp-oauth init`. Edit them (or pass option flags to\n" +
		"# `mcp-oauth generate`) and run `mcp-oauth generate` to re-render the project.\n" +
		"schema: 1\ngenerator: dev\nname: demo\nmodule: example.com/demo\nprovider: oidc\nstore: postgres\n" +
		"redirect_hosts:\n  - claude.ai\n  - '*.example.com'\n  - cursor://\n  - \"yes\"\n" +
		"display_name: 'Acme: Notes'\nlogo: branding/logo.svg\naccent_color: '#6d28d9'\nsupport_url: mailto:help@acme.example\n"
	if string(src) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", src, want)
	}
}

// TestKeysAreTheOptionTable: every option is written, read back and named
// in the unknown-field message under its table key, so an option added to
// the table needs nothing here.
func TestKeysAreTheOptionTable(t *testing.T) {
	_, err := Parse([]byte("schema: 1\nstor: sqlite\n"))
	if err == nil {
		t.Fatal("unknown field accepted")
	}
	for _, opt := range options.OptionTable() {
		if !strings.Contains(err.Error(), opt.Key) {
			t.Errorf("unknown-field message does not name %s: %v", opt.Key, err)
		}
		var o options.Options
		opt.Set(&o, []string{"x"})
		src, err := Marshal(o, "dev")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), "\n"+opt.Key+":") {
			t.Errorf("option %s is not written as %s:\n%s", opt.Field, opt.Key, src)
		}
	}
}

// TestSame: a hand edit that keeps the answers (a comment) is the same
// file; other answers or another generator version are not.
func TestSame(t *testing.T) {
	opts := options.Options{Name: "srv", Module: "example.com/srv", Provider: "github", Store: "sqlite", RedirectHosts: []string{"claude.ai"}}
	src, err := Marshal(opts, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if !Same(append([]byte("# my comment\n"), src...), src) {
		t.Error("a comment made the answers differ")
	}
	newer, _ := Marshal(opts, "v1.0.0")
	opts.Store = "redis"
	redis, _ := Marshal(opts, "dev")
	for _, other := range [][]byte{newer, redis, []byte("schema: [")} {
		if Same(src, other) {
			t.Errorf("Same(%q, %q)", src, other)
		}
	}
}
