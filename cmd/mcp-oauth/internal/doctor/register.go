package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// registration is a client the doctor registered, kept to delete it (RFC
// 7592) or to list it at the end.
type registration struct {
	name, clientID string
	manageURI      string // registration_client_uri
	manageToken    string // registration_access_token
}

// registered is the part of a registration response the checks read.
type registered struct {
	ClientID     string   `json:"client_id"`
	RedirectURIs []string `json:"redirect_uris"`
	GrantTypes   []string `json:"grant_types"`
	ManageURI    string   `json:"registration_client_uri"`
	ManageToken  string   `json:"registration_access_token"`
}

// postRegistration registers body and remembers the client for clean-up.
func (ru *run) postRegistration(ctx context.Context, name string, body []byte) (*registered, *response, error) {
	endpoint := stringField(ru.as, "registration_endpoint")
	resp, err := ru.c.do(ctx, http.MethodPost, endpoint, http.Header{
		"Content-Type": {"application/json"},
		"Accept":       {"application/json"},
	}, string(body))
	if err != nil {
		return nil, nil, err
	}
	if resp.status != http.StatusCreated && resp.status != http.StatusOK {
		return nil, resp, nil
	}
	var reg registered
	if err := json.Unmarshal(resp.body, &reg); err != nil || reg.ClientID == "" {
		return nil, resp, fmt.Errorf("the registration answer %d has no client_id", resp.status)
	}
	ru.registered = append(ru.registered, registration{name: name, clientID: reg.ClientID, manageURI: reg.ManageURI, manageToken: reg.ManageToken})
	return &reg, resp, nil
}

// register sends each real client's registration body as it is and
// reports it accepted, partly accepted (RFC 7591 §2 lets the server drop
// or replace values) or refused. Dropping what the client needs — a
// redirect URI it uses, authorization_code, refresh_token — is as bad as a
// refusal.
func (ru *run) register(ctx context.Context) {
	if stringField(ru.as, "registration_endpoint") == "" {
		ru.r.skip("register.clients", "not run: the authorization server offers no registration_endpoint")
		return
	}
	clients, err := registrationClients()
	if err != nil {
		ru.r.add("register.clients", Fail, err.Error(), "")
		return
	}
	for _, rc := range clients {
		ru.registerClient(ctx, rc)
	}
}

func (ru *run) registerClient(ctx context.Context, rc realClient) {
	id := "register." + rc.ID
	var sent struct {
		Name         string   `json:"client_name"`
		RedirectURIs []string `json:"redirect_uris"`
		GrantTypes   []string `json:"grant_types"`
	}
	if err := json.Unmarshal(rc.Registration, &sent); err != nil {
		ru.r.add(id, Fail, fmt.Sprintf("fixture: %v", err), "")
		return
	}
	reg, resp, err := ru.postRegistration(ctx, sent.Name, rc.Registration)
	if err != nil {
		ru.r.add(id, Fail, fmt.Sprintf("%s's registration: %v", sent.Name, err), "")
		return
	}
	if reg == nil {
		ru.r.add(id, Fail, fmt.Sprintf("%s's registration is refused: %s", sent.Name, resp.describe()), refusalFix(resp, sent.RedirectURIs, sent.GrantTypes))
		return
	}
	// A response without redirect_uris or grant_types echoes nothing: RFC
	// 7591 §3.2.1 says it returns the registered values, so take them as
	// sent.
	got := reg.RedirectURIs
	if got == nil {
		got = sent.RedirectURIs
	}
	gotGrants := reg.GrantTypes
	if gotGrants == nil {
		gotGrants = sent.GrantTypes
	}
	droppedURIs := missing(sent.RedirectURIs, got)
	droppedGrants := missing(sent.GrantTypes, gotGrants)
	var needed []string
	for _, u := range droppedURIs {
		if slices.Contains(rc.RequiredRedirectURIs, u) {
			needed = append(needed, u)
		}
	}
	for _, g := range droppedGrants {
		if g == "authorization_code" || g == "refresh_token" {
			needed = append(needed, g)
		}
	}
	switch {
	case len(needed) > 0:
		ru.r.add(id, Fail, fmt.Sprintf("%s is partly accepted (client_id %s): dropped %s, which it needs", sent.Name, reg.ClientID, strings.Join(needed, ", ")),
			registrationFix(needed, nil))
	case len(droppedURIs) > 0:
		// Some of the client's ways back are gone (VS Code Insiders on the
		// web, say): it connects, but not from everywhere.
		ru.r.add(id, Warn, fmt.Sprintf("%s is partly accepted (client_id %s): dropped the redirect URIs %s; it connects, but not through those", sent.Name, reg.ClientID, strings.Join(droppedURIs, ", ")),
			registrationFix(droppedURIs, nil))
	case len(droppedGrants) > 0:
		// RFC 7591 §2 lets the server drop grant types it does not support;
		// the client keeps what it needs.
		ru.r.pass(id, "%s is accepted (client_id %s); the server dropped %s, which it can do without", sent.Name, reg.ClientID, strings.Join(droppedGrants, ", "))
	default:
		ru.r.pass(id, "%s is accepted (client_id %s)", sent.Name, reg.ClientID)
	}
}

// missing returns the values of sent that are not in got.
func missing(sent, got []string) []string {
	var out []string
	for _, v := range sent {
		if !slices.Contains(got, v) {
			out = append(out, v)
		}
	}
	return out
}

// refusalFix reads the server's error: a refused redirect URI needs its
// host allowed, a refused grant type needs the server to drop it instead;
// when the error says neither, both are named.
func refusalFix(resp *response, uris, grants []string) string {
	code, desc := resp.oauthError()
	switch {
	case code == "invalid_redirect_uri":
		var named []string
		for _, u := range uris {
			if p, err := url.Parse(u); err == nil && (strings.Contains(desc, u) || p.Host != "" && strings.Contains(desc, p.Host)) {
				named = append(named, u)
			}
		}
		if len(named) == 0 {
			named = uris
		}
		return registrationFix(named, nil)
	case code == "invalid_client_metadata" && strings.Contains(desc, "grant"):
		return registrationFix(nil, grants)
	}
	return registrationFix(uris, grants)
}

// registrationFix names the redirect hosts and schemes the server must
// allow (loopback is always allowed by RFC 8252 servers), and what to do
// with grant types it does not support.
func registrationFix(uris, grants []string) string {
	var allow []string
	for _, u := range uris {
		p, err := url.Parse(u)
		if err != nil {
			continue
		}
		var entry string
		switch {
		case p.Scheme == "https":
			entry = p.Hostname()
		case p.Scheme == "http" && isLoopback(p.Hostname()):
			continue
		case p.Scheme != "http":
			entry = p.Scheme + "://"
		}
		if entry != "" && !slices.Contains(allow, entry) {
			allow = append(allow, entry)
		}
	}
	var fixes []string
	if len(allow) > 0 {
		fixes = append(fixes, fmt.Sprintf("allow the redirect targets %s; %s", strings.Join(allow, ", "),
			generated("add them to ALLOWED_REDIRECT_HOSTS (or --redirect-host, then mcp-oauth generate); loopback http is always allowed")))
	}
	var odd []string
	for _, g := range grants {
		if g != "authorization_code" && g != "refresh_token" {
			odd = append(odd, g)
		}
	}
	if len(odd) > 0 {
		fixes = append(fixes, fmt.Sprintf("drop grant types the server does not support (%s) instead of refusing the registration (RFC 7591 §2 lets the server replace values)", strings.Join(odd, ", ")))
	}
	if len(fixes) == 0 {
		return "read the server's reason above; the body is what the client really sends"
	}
	return strings.Join(fixes, "; ")
}

// cleanup deletes the clients the doctor registered where the server
// supports RFC 7592 management, and lists the others so the operator knows
// they exist.
func (ru *run) cleanup(ctx context.Context) {
	if len(ru.registered) == 0 {
		return
	}
	regOrigin := origin(stringField(ru.as, "registration_endpoint"))
	var deleted int
	var left []string
	for _, reg := range ru.registered {
		// The registration access token goes back only to the registration
		// endpoint's origin, which issued it.
		if reg.manageURI != "" && reg.manageToken != "" && origin(reg.manageURI) == regOrigin {
			ru.c.trust(reg.manageURI)
			resp, err := ru.c.do(ctx, http.MethodDelete, reg.manageURI, http.Header{"Authorization": {"Bearer " + reg.manageToken}}, "")
			if err == nil && resp.status/100 == 2 {
				deleted++
				continue
			}
		}
		left = append(left, fmt.Sprintf("%s (%s)", reg.clientID, reg.name))
	}
	const id = "cleanup.registrations"
	switch {
	case len(left) == 0:
		ru.r.pass(id, "deleted the %d registrations the doctor made (RFC 7592)", deleted)
	default:
		msg := fmt.Sprintf("the server offers no RFC 7592 management, so these registrations stay until it expires them: %s", strings.Join(left, ", "))
		if deleted > 0 {
			msg = fmt.Sprintf("deleted %d registrations (RFC 7592); these could not be deleted and stay until the server expires them: %s", deleted, strings.Join(left, ", "))
		}
		ru.r.skip(id, "%s", msg)
	}
}
