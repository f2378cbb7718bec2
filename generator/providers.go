package generator

import (
	"fmt"
	"slices"
	"strings"
)

// Provider is an upstream login preset: everything the generated server
// needs to know about one identity provider. Presets are data, rendered into
// the generated project's internal/upstream/preset.gen.go; the server code is
// the same for every provider.
type Provider struct {
	// ID is the name used on the command line and in mcp-oauth.yaml.
	ID string
	// DisplayName is shown on the consent page and in help text.
	DisplayName string
	// Kind is "oidc" when the endpoints come from OpenID discovery at Issuer,
	// or "oauth2" when they are fixed below.
	Kind string
	// Issuer is the OpenID issuer for oidc presets with a fixed issuer
	// (Google). Empty for the generic oidc preset, which reads UPSTREAM_ISSUER.
	Issuer string
	// AuthURL, TokenURL and UserInfoURL are the fixed endpoints of oauth2
	// presets; oidc presets may leave them empty and rely on discovery.
	AuthURL     string
	TokenURL    string
	UserInfoURL string
	// Scopes are the default upstream scopes (UPSTREAM_SCOPES overrides).
	Scopes []string
	// ScopeDescriptions say, for the consent page, what each scope lets
	// this server see or do at the provider: a lower-case phrase completing
	// "<server> can ...", e.g. "see your e-mail address".
	// Every default scope needs one (TestProviderScopeDescriptions); the
	// standard OpenID scopes are described in oidcScopeDescriptions and
	// need no entry here. A scope without a description (one set through
	// UPSTREAM_SCOPES) is shown by its name, marked as not described.
	ScopeDescriptions map[string]string
	// NameByHost marks a generic preset (any OpenID provider, any OAuth 2
	// provider), whose DisplayName names only a protocol: pages then name
	// the provider by the host of its issuer or authorization endpoint.
	NameByHost bool
	// PKCE reports whether the provider accepts a PKCE challenge from us.
	PKCE bool
	// AuthParams are extra authorization request parameters the provider
	// needs, such as Google's access_type=offline.
	AuthParams []Param
	// AcceptJSON asks the token endpoint for JSON (GitHub answers form
	// encoding otherwise).
	AcceptJSON bool
	// UserIDField is the user-info field that holds the stable user id.
	UserIDField string
	// UserNameFields are the user-info fields tried in order for a display name.
	UserNameFields []string
	// TokensExpire is false when the provider's access tokens may never
	// expire (GitHub OAuth apps), so there is nothing to refresh.
	TokensExpire bool
	// Settings are the environment variables a user must set for this preset.
	Settings []Setting
	// DocsURL is where the upstream application is registered; empty when
	// that depends on the provider instance.
	DocsURL string
	// Notes are short remarks shown by `mcp-oauth providers`.
	Notes string
}

// Param is one extra query parameter.
type Param struct {
	Key   string
	Value string
}

// Setting is an environment variable a preset needs.
type Setting struct {
	Name        string
	Description string
	Required    bool
}

var clientSettings = []Setting{
	{Name: "UPSTREAM_CLIENT_ID", Description: "client ID of the application registered at the provider", Required: true},
	{Name: "UPSTREAM_CLIENT_SECRET", Description: "client secret of that application", Required: true},
}

// providers is the catalog, in the order `mcp-oauth providers` lists it.
var providers = []Provider{
	{
		ID:             "github",
		DisplayName:    "GitHub",
		Kind:           "oauth2",
		AuthURL:        "https://github.com/login/oauth/authorize",
		TokenURL:       "https://github.com/login/oauth/access_token",
		UserInfoURL:    "https://api.github.com/user",
		Scopes:         []string{"read:user"},
		PKCE:           true,
		AcceptJSON:     true,
		UserIDField:    "id",
		UserNameFields: []string{"login", "name"},
		TokensExpire:   false,
		Settings:       clientSettings,
		DocsURL:        "https://github.com/settings/developers",
		Notes:          "OAuth app or GitHub App; OAuth-app tokens never expire. For GitHub Enterprise set UPSTREAM_AUTH_URL, UPSTREAM_TOKEN_URL and UPSTREAM_USERINFO_URL.",
		ScopeDescriptions: map[string]string{
			"read:user":  "see your GitHub profile: user name, name and public details",
			"user:email": "see the e-mail addresses of your GitHub account",
		},
	},
	{
		ID:             "google",
		DisplayName:    "Google",
		Kind:           "oidc",
		Issuer:         "https://accounts.google.com",
		AuthURL:        "https://accounts.google.com/o/oauth2/v2/auth",
		TokenURL:       "https://oauth2.googleapis.com/token",
		UserInfoURL:    "https://openidconnect.googleapis.com/v1/userinfo",
		Scopes:         []string{"openid", "email", "profile"},
		PKCE:           true,
		AuthParams:     []Param{{Key: "access_type", Value: "offline"}, {Key: "prompt", Value: "consent"}},
		UserIDField:    "sub",
		UserNameFields: []string{"name", "email"},
		TokensExpire:   true,
		Settings:       clientSettings,
		DocsURL:        "https://console.cloud.google.com/apis/credentials",
		Notes:          "Asks for offline access and consent so Google returns a refresh token.",
		ScopeDescriptions: map[string]string{
			"email":   "see the e-mail address of your Google account",
			"profile": "see your name and profile picture",
		},
	},
	{
		ID:             "oidc",
		DisplayName:    "OpenID Connect",
		Kind:           "oidc",
		Scopes:         []string{"openid", "profile", "email", "offline_access"},
		PKCE:           true,
		UserIDField:    "sub",
		UserNameFields: []string{"name", "preferred_username", "email"},
		TokensExpire:   true,
		Settings: append([]Setting{
			{Name: "UPSTREAM_ISSUER", Description: "issuer URL; endpoints come from its /.well-known/openid-configuration", Required: true},
		}, clientSettings...),
		Notes:      "Any OpenID provider found by discovery (Keycloak, Authentik, Zitadel, Dex, ...).",
		NameByHost: true,
	},
}

// oidcScopeDescriptions describe the scopes OpenID Connect Core §5.4 and
// §11 define, for every preset that asks for them.
var oidcScopeDescriptions = map[string]string{
	"openid":         "confirm who you are",
	"profile":        "see your name and basic profile",
	"email":          "see your e-mail address",
	"address":        "see your postal address",
	"phone":          "see your phone number",
	"offline_access": "keep access while you are away, until you revoke it",
}

// AllScopeDescriptions returns the description of every scope the preset
// knows: its own, and for OpenID presets the standard OpenID scopes.
func (p Provider) AllScopeDescriptions() map[string]string {
	all := make(map[string]string, len(oidcScopeDescriptions)+len(p.ScopeDescriptions))
	if p.Kind == "oidc" {
		for k, v := range oidcScopeDescriptions {
			all[k] = v
		}
	}
	for k, v := range p.ScopeDescriptions {
		all[k] = v
	}
	return all
}

// Providers returns the provider catalog.
func Providers() []Provider {
	out := make([]Provider, len(providers))
	copy(out, providers)
	return out
}

// ProviderIDs returns the IDs of all presets.
func ProviderIDs() []string {
	ids := make([]string, len(providers))
	for i, p := range providers {
		ids[i] = p.ID
	}
	return ids
}

// LookupProvider returns the preset with the given ID.
func LookupProvider(id string) (Provider, error) {
	i := slices.IndexFunc(providers, func(p Provider) bool { return p.ID == id })
	if i < 0 {
		return Provider{}, fmt.Errorf("unknown provider %q: accepted values are %s", id, strings.Join(ProviderIDs(), ", "))
	}
	return providers[i], nil
}
