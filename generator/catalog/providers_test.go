package catalog

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestProviderScopeDescriptions makes every preset describe each of its
// default scopes, so the consent page can say in words what the user
// allows. A new preset fails here until its ScopeDescriptions are filled.
func TestProviderScopeDescriptions(t *testing.T) {
	for _, p := range Providers() {
		all := p.AllScopeDescriptions()
		for _, sc := range p.Scopes {
			d, ok := all[sc]
			switch {
			case !ok:
				t.Errorf("preset %s: default scope %q has no entry in ScopeDescriptions", p.ID, sc)
			case d == "" || strings.ToLower(d[:1]) != d[:1] || strings.HasSuffix(d, "."):
				t.Errorf("preset %s: scope %q: description %q should be a lower-case phrase without a final period (it completes a sentence)", p.ID, sc, d)
			}
		}
	}
}

// pendingScopeDescriptions are scopes the server may add to a request
// (EmailScopes, Restrictions) that are not described yet because their
// description would change the rendered golden trees, which are being
// restructured elsewhere. Describe them and empty this list once golden/
// can be regenerated.
var pendingScopeDescriptions = map[string][]string{}

// TestProviderAddedScopesDescribed: a scope the server adds on its own
// (for a verified e-mail, for a sign-in rule) shows on the consent page
// like a default one, so it needs a description too.
func TestProviderAddedScopesDescribed(t *testing.T) {
	for _, p := range Providers() {
		all := p.AllScopeDescriptions()
		added := slices.Clone(p.EmailScopes)
		for _, r := range p.Restrictions {
			added = append(added, r.Scopes...)
		}
		for _, sc := range added {
			if _, ok := all[sc]; !ok && !slices.Contains(pendingScopeDescriptions[p.ID], sc) {
				t.Errorf("preset %s: scope %q, added by EmailScopes or a restriction, has no description", p.ID, sc)
			}
		}
	}
	for id, scopes := range pendingScopeDescriptions {
		p, err := LookupProvider(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range scopes {
			if _, ok := p.AllScopeDescriptions()[sc]; ok {
				t.Errorf("preset %s: scope %q is described now; drop it from pendingScopeDescriptions", id, sc)
			}
		}
	}
}

// TestProviderOrder keeps the catalog to the presets SPEC §4 and issue 10
// name, each once, in the order `mcp-oauth providers` documents.
func TestProviderOrder(t *testing.T) {
	want := []string{"github", "google", "microsoft", "gitlab", "auth0", "okta", "keycloak",
		"discord", "slack", "spotify", "tidal", "oidc", "oauth2"}
	if got := ProviderIDs(); !slices.Equal(got, want) {
		t.Errorf("ProviderIDs() = %v, want %v", got, want)
	}
	for _, id := range want {
		p, err := LookupProvider(id)
		if err != nil || p.ID != id {
			t.Errorf("LookupProvider(%q) = %q, %v", id, p.ID, err)
		}
	}
	_, err := LookupProvider("gitbub")
	if err == nil || !strings.Contains(err.Error(), strings.Join(want, ", ")) {
		t.Errorf("LookupProvider(unknown) error = %v, want the accepted values listed", err)
	}
}

var placeholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

// placeholders returns the {name}s in a template, and reports a brace that
// does not belong to one.
func placeholders(t *testing.T, where, s string) []string {
	t.Helper()
	var names []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		if !regexp.MustCompile(`^[a-z][a-z_]*$`).MatchString(m[1]) {
			t.Errorf("%s: placeholder {%s} in %q is not a lower-case name", where, m[1], s)
		}
		names = append(names, m[1])
	}
	if rest := placeholderRE.ReplaceAllString(s, ""); strings.ContainsAny(rest, "{}") {
		t.Errorf("%s: stray brace in %q", where, s)
	}
	return names
}

// templateFields returns the preset's template fields by name. IDTokenIssuer is
// left out: its placeholders are claims, not settings.
func templateFields(p Provider) map[string]string {
	m := map[string]string{
		"Issuer":      p.Issuer,
		"AuthURL":     p.AuthURL,
		"TokenURL":    p.TokenURL,
		"UserInfoURL": p.UserInfoURL,
		"EmailsURL":   p.EmailsURL,
		"UserIDField": p.UserIDField,
	}
	for i, f := range p.UserNameFields {
		m["UserNameFields["+string(rune('0'+i))+"]"] = f
	}
	for _, a := range p.AuthParams {
		m["AuthParams."+a.Key] = a.Value
	}
	return m
}

// TestProviderPlaceholdersHaveSettings: every placeholder a template uses
// is filled by one of the preset's settings, every setting that declares a
// placeholder is used, and a placeholder in a URL or field path always gets
// a value (the setting is required or has a default); only an AuthParams
// value may come out empty, which leaves the parameter out.
func TestProviderPlaceholdersHaveSettings(t *testing.T) {
	for _, p := range Providers() {
		fill := map[string]Setting{}
		for _, s := range p.Settings {
			if s.Placeholder == "" {
				continue
			}
			if _, dup := fill[s.Placeholder]; dup {
				t.Errorf("preset %s: two settings fill {%s}", p.ID, s.Placeholder)
			}
			fill[s.Placeholder] = s
		}
		used := map[string]bool{}
		for field, tmpl := range templateFields(p) {
			for _, name := range placeholders(t, p.ID+"."+field, tmpl) {
				used[name] = true
				s, ok := fill[name]
				switch {
				case !ok:
					t.Errorf("preset %s: %s uses {%s}, which no setting fills", p.ID, field, name)
				case !strings.HasPrefix(field, "AuthParams.") && !s.Required && s.Default == "":
					t.Errorf("preset %s: %s uses {%s}, but %s is optional with no default, leaving %s broken when unset", p.ID, field, name, s.Name, field)
				}
			}
		}
		for name, s := range fill {
			if !used[name] {
				t.Errorf("preset %s: %s fills {%s}, which no template uses", p.ID, s.Name, name)
			}
		}
	}
}

// sampleValue is what a test fills a placeholder with: the setting's
// default, else something of the right shape.
func sampleValue(s Setting) string {
	switch {
	case s.Default != "":
		return s.Default
	case strings.HasSuffix(s.Placeholder, "url"):
		return "https://provider.example"
	case strings.HasSuffix(s.Placeholder, "field"):
		return "id"
	default:
		return "sample"
	}
}

func filled(p Provider, tmpl string) string {
	return placeholderRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[1 : len(m)-1]
		for _, s := range p.Settings {
			if s.Placeholder == name {
				return sampleValue(s)
			}
		}
		return m
	})
}

// TestProviderEndpoints: an oauth2 preset knows all three endpoints, an
// oidc preset knows its issuer (or reads it from UPSTREAM_ISSUER), and every
// endpoint, filled in, is an absolute https URL.
func TestProviderEndpoints(t *testing.T) {
	for _, p := range Providers() {
		switch p.Kind {
		case "oauth2":
			if p.AuthURL == "" || p.TokenURL == "" || p.UserInfoURL == "" {
				t.Errorf("preset %s: an oauth2 preset needs AuthURL, TokenURL and UserInfoURL, literal or from settings", p.ID)
			}
			if p.Issuer != "" {
				t.Errorf("preset %s: an oauth2 preset has no issuer", p.ID)
			}
		case "oidc":
			if p.Issuer == "" && !slices.ContainsFunc(p.Settings, func(s Setting) bool { return s.Name == "UPSTREAM_ISSUER" && s.Required }) {
				t.Errorf("preset %s: an oidc preset needs an Issuer or a required UPSTREAM_ISSUER setting", p.ID)
			}
		default:
			t.Errorf("preset %s: Kind %q is neither oidc nor oauth2", p.ID, p.Kind)
		}
		for field, tmpl := range map[string]string{"Issuer": p.Issuer, "AuthURL": p.AuthURL, "TokenURL": p.TokenURL, "UserInfoURL": p.UserInfoURL, "EmailsURL": p.EmailsURL} {
			if tmpl == "" {
				continue
			}
			raw := filled(p, tmpl)
			u, err := url.Parse(raw)
			if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				t.Errorf("preset %s: %s %q (filled: %q) is not an absolute https URL without query", p.ID, field, tmpl, raw)
			}
		}
		if p.DocsURL != "" {
			if u, err := url.Parse(p.DocsURL); err != nil || u.Scheme != "https" || u.Host == "" || strings.ContainsAny(p.DocsURL, "{}") {
				t.Errorf("preset %s: DocsURL %q is not a literal https URL", p.ID, p.DocsURL)
			}
		}
	}
}

// TestProviderMultiTenantIssuer: a preset with shared tenant values checks
// ID tokens against a per-tenant issuer of the same shape as Issuer (only
// the tenant differs), filled from a claim rather than a setting, and the
// setting that picks the tenant says which values are shared.
func TestProviderMultiTenantIssuer(t *testing.T) {
	shape := func(s string) string { return placeholderRE.ReplaceAllString(s, "{}") }
	for _, p := range Providers() {
		if (len(p.SharedTenants) == 0) != (p.IDTokenIssuer == "") {
			t.Errorf("preset %s: SharedTenants and IDTokenIssuer come together", p.ID)
			continue
		}
		if p.IDTokenIssuer == "" {
			continue
		}
		if shape(p.IDTokenIssuer) != shape(p.Issuer) {
			t.Errorf("preset %s: IDTokenIssuer %q does not have the shape of Issuer %q", p.ID, p.IDTokenIssuer, p.Issuer)
		}
		claims := placeholders(t, p.ID+".IDTokenIssuer", p.IDTokenIssuer)
		if len(claims) != 1 {
			t.Errorf("preset %s: IDTokenIssuer should name exactly one claim, has %v", p.ID, claims)
		}
		for _, s := range p.Settings {
			if slices.Contains(claims, s.Placeholder) {
				t.Errorf("preset %s: IDTokenIssuer's {%s} is a claim, but %s fills a placeholder of that name", p.ID, s.Placeholder, s.Name)
			}
		}
		tenant := placeholders(t, p.ID+".Issuer", p.Issuer)
		for _, s := range p.Settings {
			if !slices.Contains(tenant, s.Placeholder) {
				continue
			}
			for _, v := range p.SharedTenants {
				if !strings.Contains(s.Description, v) {
					t.Errorf("preset %s: %s fills the tenant but its description does not mention the shared value %q", p.ID, s.Name, v)
				}
			}
		}
	}
}

// TestProviderQuirks: the enumerated quirks take known values, and only
// generic presets may leave them unknown.
func TestProviderQuirks(t *testing.T) {
	for _, p := range Providers() {
		if p.PKCERequired && !p.PKCE {
			t.Errorf("preset %s: PKCERequired without PKCE", p.ID)
		}
		if !slices.Contains([]string{"client_secret_basic", "client_secret_post"}, p.TokenAuth) && (p.TokenAuth != "" || !p.NameByHost) {
			t.Errorf("preset %s: TokenAuth %q: want client_secret_basic or client_secret_post (empty only for generic presets)", p.ID, p.TokenAuth)
		}
		if !slices.Contains([]string{"none", "reused", "rotating"}, p.Refresh) && (p.Refresh != "" || !p.NameByHost) {
			t.Errorf("preset %s: Refresh %q: want none, reused or rotating (empty only for generic presets)", p.ID, p.Refresh)
		}
		if p.TokensExpire && p.Refresh == "none" {
			t.Errorf("preset %s: access tokens expire but Refresh is none: users would be signed out hourly", p.ID)
		}
		if p.AcceptJSON && p.Kind != "oauth2" {
			t.Errorf("preset %s: AcceptJSON on an oidc preset: OpenID token endpoints answer JSON", p.ID)
		}
		if p.UserInfoAccept != "" && !regexp.MustCompile(`^[a-z]+/[a-z0-9.+-]+$`).MatchString(p.UserInfoAccept) {
			t.Errorf("preset %s: UserInfoAccept %q is not a media type", p.ID, p.UserInfoAccept)
		}
	}
}

var pathRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$`)

// fieldPathOK accepts a dotted member path, or a template that is one
// placeholder (filled with a path from a setting).
func fieldPathOK(s string) bool {
	return pathRE.MatchString(s) || regexp.MustCompile(`^\{[a-z_]+\}$`).MatchString(s)
}

// TestProviderFieldPaths: the user id, names, e-mail and claims are
// well-formed dotted paths, and the pieces that depend on each other are
// there together.
func TestProviderFieldPaths(t *testing.T) {
	for _, p := range Providers() {
		if !fieldPathOK(p.UserIDField) {
			t.Errorf("preset %s: UserIDField %q is not a dotted path", p.ID, p.UserIDField)
		}
		if len(p.UserNameFields) == 0 {
			t.Errorf("preset %s: no UserNameFields", p.ID)
		}
		for _, f := range p.UserNameFields {
			if !fieldPathOK(f) {
				t.Errorf("preset %s: UserNameFields entry %q is not a dotted path", p.ID, f)
			}
		}
		for name, f := range map[string]string{"EmailField": p.EmailField, "EmailVerifiedField": p.EmailVerifiedField} {
			if f != "" && !pathRE.MatchString(f) {
				t.Errorf("preset %s: %s %q is not a dotted path", p.ID, name, f)
			}
		}
		if p.EmailVerifiedField != "" && p.EmailField == "" {
			t.Errorf("preset %s: EmailVerifiedField without EmailField", p.ID)
		}
		if p.EmailsURL != "" && len(p.EmailScopes) == 0 && !slices.Contains(p.Scopes, "email") {
			t.Errorf("preset %s: EmailsURL but no scope grants it", p.ID)
		}
		if p.Kind == "oidc" && p.UserIDField != "sub" {
			t.Errorf("preset %s: an OpenID preset identifies users by sub, not %q", p.ID, p.UserIDField)
		}
		for _, r := range p.Restrictions {
			if r.Claim != "" && !pathRE.MatchString(r.Claim) {
				t.Errorf("preset %s: restriction %s: Claim %q is not a dotted path", p.ID, r.Name, r.Claim)
			}
			if r.Claim == "" && len(r.Scopes) == 0 {
				t.Errorf("preset %s: restriction %s has neither a claim to compare nor the scope for an API check", p.ID, r.Name)
			}
		}
	}
}

// serverSettings are the environment variables every generated server
// reads, which guides and notes may mention besides the preset's own.
var serverSettings = []string{"UPSTREAM_SCOPES", "UPSTREAM_ISSUER", "UPSTREAM_AUTH_URL", "UPSTREAM_TOKEN_URL",
	"UPSTREAM_USERINFO_URL", "UPSTREAM_CLIENT_ID", "UPSTREAM_CLIENT_SECRET", "ALLOWED_USERS", "ALLOWED_EMAIL_DOMAINS"}

var envNameRE = regexp.MustCompile(`\b(?:UPSTREAM|ALLOWED)_[A-Z_]+\b`)

// TestProviderSettings: settings are named consistently and unique, a
// required one says what it is and where to get it (the server prints both
// when it is missing), and every variable a guide, note or Where mentions
// exists.
func TestProviderSettings(t *testing.T) {
	for _, p := range Providers() {
		names := map[string]bool{}
		all := append(slices.Clone(p.Settings), p.Restrictions...)
		for _, s := range all {
			if names[s.Name] {
				t.Errorf("preset %s: setting %s appears twice", p.ID, s.Name)
			}
			names[s.Name] = true
			if s.Description == "" || strings.HasSuffix(s.Description, ".") {
				t.Errorf("preset %s: %s: description %q should be a phrase without a final period (it fills a table cell)", p.ID, s.Name, s.Description)
			}
			if s.Where == "" {
				t.Errorf("preset %s: %s does not say where to get its value", p.ID, s.Name)
			}
			if s.Required && s.Default != "" {
				t.Errorf("preset %s: %s is required yet has a default", p.ID, s.Name)
			}
		}
		for _, s := range p.Settings {
			if !strings.HasPrefix(s.Name, "UPSTREAM_") {
				t.Errorf("preset %s: setting %s should be named UPSTREAM_*", p.ID, s.Name)
			}
			if len(s.Scopes) > 0 || s.Claim != "" {
				t.Errorf("preset %s: %s has Scopes or Claim, which belong to Restrictions", p.ID, s.Name)
			}
		}
		for _, r := range p.Restrictions {
			if !strings.HasPrefix(r.Name, "ALLOWED_") || r.Required || r.Placeholder != "" {
				t.Errorf("preset %s: restriction %s should be an optional ALLOWED_* setting filling no placeholder", p.ID, r.Name)
			}
		}
		for _, c := range []string{"UPSTREAM_CLIENT_ID", "UPSTREAM_CLIENT_SECRET"} {
			if !names[c] {
				t.Errorf("preset %s: no %s setting", p.ID, c)
			}
		}
		text := strings.Join(p.Guide, "\n") + "\n" + p.Notes
		for _, s := range all {
			text += "\n" + s.Where
		}
		for _, n := range envNameRE.FindAllString(text, -1) {
			if !names[n] && !slices.Contains(serverSettings, n) {
				t.Errorf("preset %s: guide, notes or Where mention %s, which is no setting", p.ID, n)
			}
		}
	}
}

// TestProviderGuides: every preset walks the user through creating the
// app, including the callback URL to register.
func TestProviderGuides(t *testing.T) {
	for _, p := range Providers() {
		if len(p.Guide) < 3 {
			t.Errorf("preset %s: guide has %d steps, want at least 3 (register, callback, scopes, credentials)", p.ID, len(p.Guide))
		}
		if !slices.ContainsFunc(p.Guide, func(s string) bool { return strings.Contains(s, "BASE_URL/callback") }) {
			t.Errorf("preset %s: no guide step gives the callback URL BASE_URL/callback", p.ID)
		}
		for i, s := range p.Guide {
			if s == "" || !strings.HasSuffix(s, ".") || strings.ToUpper(s[:1]) != s[:1] {
				t.Errorf("preset %s: guide step %d %q should be a sentence", p.ID, i+1, s)
			}
		}
	}
}
