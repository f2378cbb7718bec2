// Package catalog holds the generator's data tables: the upstream login
// providers (providers_catalog.go) and the store backends (stores.go).
// Options, rendering, versions and help text read them; nothing here knows
// how a project is rendered.
package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Provider is an upstream login preset: everything the generated server
// needs to know about one identity provider. Presets are data, rendered into
// the generated project's internal/upstream/preset.gen.go; the server code is
// the same for every provider. The catalog itself is in providers_catalog.go.
//
// The generated server receives a struct literal whose fields are copied by
// name from Provider, so fields use plain types only: string, bool,
// []string, map[string]string, []Param and []Setting.
//
// # URL templates
//
// Issuer, AuthURL, TokenURL, UserInfoURL, EmailsURL, IDTokenIssuer, the
// values of AuthParams, UserIDField and UserNameFields may hold placeholders
// written {name}. A placeholder is filled from the Setting whose Placeholder
// is that name (its environment value, else its Default), verbatim except
// that a trailing "/" is trimmed from base URLs. An AuthParams entry whose
// placeholder comes out empty is left out of the request (Auth0's optional
// audience). IDTokenIssuer is the exception: its placeholders name claims of
// the ID token it checks, not settings.
//
// # Field paths
//
// UserIDField, UserNameFields, LoginField, EmailField, EmailVerifiedField and
// Setting.Claim are dotted paths into the user-info answer, such as
// "data.id" for a JSON:API document or "sub" for OpenID user info. Each
// segment is a member name; there are no array indexes. A numeric id is
// read exactly (GitHub's "id" is a JSON number and must not go through
// float64).
type Provider struct {
	// ID is the name used on the command line and in mcp-oauth.yaml.
	ID string
	// DisplayName is shown on the consent page and in help text.
	DisplayName string
	// Kind is "oidc" when the endpoints come from OpenID discovery at Issuer,
	// or "oauth2" when they are fixed below.
	Kind string
	// Issuer is the OpenID issuer (a URL template) for oidc presets:
	// discovery reads Issuer + "/.well-known/openid-configuration". Empty for
	// the generic oidc preset, which reads UPSTREAM_ISSUER, and for oauth2
	// presets.
	Issuer string
	// SharedTenants are the values of the tenant setting that admit users
	// of many tenants (Microsoft's common, organizations and consumers).
	// With one of them the discovery document's issuer is itself a
	// template, and each ID token carries the issuer of its user's own
	// tenant: IDTokenIssuer.
	SharedTenants []string
	// IDTokenIssuer is the iss an ID token must carry when the tenant
	// setting holds one of SharedTenants, its placeholders filled from that
	// token's own claims: "https://login.microsoftonline.com/{tid}/v2.0"
	// accepts a token whose iss names the tenant in its tid claim, and no
	// other. Empty when Issuer is exact.
	IDTokenIssuer string
	// AuthURL, TokenURL and UserInfoURL are the endpoints (URL templates).
	// oauth2 presets need all three, literal or filled from settings; oidc
	// presets may leave them empty and rely on discovery.
	AuthURL     string
	TokenURL    string
	UserInfoURL string
	// UserInfoAccept is the Accept header of the user-info request when
	// plain application/json is not what the API serves (Tidal answers
	// JSON:API, application/vnd.api+json). Empty means application/json.
	UserInfoAccept string
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
	// PKCE reports whether the provider accepts a PKCE challenge (S256)
	// from us.
	PKCE bool
	// PKCERequired reports that the provider refuses an authorization
	// request without a PKCE challenge (Tidal). It implies PKCE.
	PKCERequired bool
	// AuthParams are extra authorization request parameters the provider
	// needs, such as Google's access_type=offline. Values are templates.
	AuthParams []Param
	// AcceptJSON asks the token endpoint for JSON (GitHub answers form
	// encoding otherwise).
	AcceptJSON bool
	// TokenAuth is how the client authenticates at the token endpoint:
	// "client_secret_basic" (HTTP Basic) or "client_secret_post" (form
	// fields). For oidc presets the discovery document's
	// token_endpoint_auth_methods_supported wins when it is present. Empty
	// only for generic presets: try Basic, then post.
	TokenAuth string
	// Refresh is what the provider does with refresh tokens:
	// "none" (it issues none, by default), "reused" (a refresh answer
	// usually carries no new refresh token: keep the old one) or
	// "rotating" (every refresh answer carries a new refresh token, which
	// replaces the old one). Empty only for generic presets: keep the old
	// refresh token unless a new one comes.
	Refresh string
	// TokensExpire is false when the provider's access tokens may never
	// expire (GitHub OAuth apps), so there is nothing to refresh.
	TokensExpire bool
	// UserIDField is the path of the stable user id in the user-info
	// answer (a template, so the generic oauth2 preset can take it from a
	// setting).
	UserIDField string
	// UserNameFields are the paths tried in order for a display name.
	UserNameFields []string
	// LoginField is the path of the user's unique, user-chosen handle
	// (GitHub's login), which ALLOWED_USERS may name besides ids and
	// e-mail addresses. Empty when the provider has no handle that is
	// guaranteed unique: a display name is never good enough to admit
	// someone by.
	LoginField string
	// EmailField is the path of the user's e-mail address in the user-info
	// answer; empty when the provider gives none there.
	EmailField string
	// EmailVerifiedField is the path of the boolean that says EmailField
	// is verified (OpenID's email_verified). Empty when the answer does not
	// say, and then the address is never trusted for ALLOWED_EMAIL_DOMAINS
	// unless EmailsURL vouches for one.
	EmailVerifiedField string
	// EmailsURL lists the user's addresses with their state, GitHub style:
	// an array of {email, primary, verified}; the verified primary address
	// is the user's verified e-mail. Empty for other providers.
	EmailsURL string
	// EmailScopes are the upstream scopes added to the request when the
	// server needs a verified e-mail address (ALLOWED_EMAIL_DOMAINS is set)
	// and the defaults do not already grant it.
	EmailScopes []string
	// Restrictions are the provider-native sign-in rules this preset
	// supports, each an optional environment setting checked after the
	// upstream sign-in and before any code is issued: its Claim is
	// compared with the setting's comma-separated values, or, without a
	// Claim, membership is asked of the provider's API (GitHub orgs and
	// teams). Its Scopes are added to the request when it is set.
	Restrictions []Setting
	// Settings are the environment variables this preset reads, besides
	// the ones every server has.
	Settings []Setting
	// DocsURL is the console page where the upstream application is
	// registered; empty when that depends on the provider instance.
	DocsURL string
	// Guide is the short "create the app" walk-through, one step per
	// element: where to register, the callback URL BASE_URL/callback to
	// paste, the scopes or permissions to tick, what to copy back.
	Guide []string
	// Notes are short remarks shown by `mcp-oauth providers`.
	Notes string
}

// Param is one extra query parameter.
type Param struct {
	Key   string
	Value string
}

// Setting is an environment variable a preset reads.
type Setting struct {
	// Name is the environment variable.
	Name string
	// Description says what the value is, as a phrase ("client ID of the
	// application registered at the provider").
	Description string
	// Required settings stop the server at start, with Name and Where,
	// when they are missing. `init` asks for none of them: the project
	// builds without.
	Required bool
	// Default is the value used when the variable is unset; required
	// settings have none.
	Default string
	// Where says where to get the value: the console page and the field
	// on it.
	Where string
	// Placeholder is the {name} this setting fills in the preset's URL
	// templates; empty when it fills none.
	Placeholder string
	// Scopes are upstream scopes added to the request when the setting is
	// set (GitHub's read:org for an organisation rule).
	Scopes []string
	// Claim is, for a sign-in restriction, the path of the user-info member
	// or ID token claim compared with the setting's values; empty when the
	// check is an API call.
	Claim string
}

// clientSettings are the client credentials every preset needs; where
// names the console page that shows them.
func clientSettings(where string) []Setting {
	return []Setting{
		{Name: "UPSTREAM_CLIENT_ID", Description: "client ID of the application registered at the provider", Required: true, Where: where},
		{Name: "UPSTREAM_CLIENT_SECRET", Description: "client secret of that application", Required: true, Where: where},
	}
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
