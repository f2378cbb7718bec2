package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// initializeBody is the first request an MCP client sends.
const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcp-oauth-doctor","version":"1"}}}`

// mcpHeaders are the headers of a streamable HTTP request.
func mcpHeaders() http.Header {
	return http.Header{
		"Content-Type": {"application/json"},
		"Accept":       {"application/json, text/event-stream"},
	}
}

// discover walks discovery as an MCP client does (MCP authorization
// 2025-11-25): the unauthenticated request and its challenge, the
// protected resource metadata, the authorization server's metadata. Only
// an MCP endpoint that cannot be reached stops the run.
func (ru *run) discover(ctx context.Context) error {
	resp, err := ru.c.do(ctx, http.MethodPost, ru.mcpURL, mcpHeaders(), initializeBody)
	if err != nil {
		return fmt.Errorf("%w: the MCP endpoint is unreachable: %v", errCannotRun, err)
	}
	ru.mcpResponse = resp
	ru.checkChallenge(resp)
	if !ru.resourceMetadata(ctx) {
		ru.r.skip("discovery.authorization_server", "not checked: no protected resource metadata names an authorization server")
		return nil
	}
	ru.authorizationServer(ctx)
	return nil
}

// checkChallenge: without a token the MCP endpoint answers 401 with a
// Bearer challenge whose resource_metadata tells the client where to look
// (RFC 9728 §5.1).
func (ru *run) checkChallenge(resp *response) {
	const id = "discovery.challenge"
	params, ok := bearerChallenge(resp.header.Values("WWW-Authenticate"))
	switch {
	case resp.status/100 == 2:
		ru.r.add(id, Fail, fmt.Sprintf("the MCP endpoint answered %d to a request without a token: it is not protected", resp.status),
			"answer 401 with WWW-Authenticate: Bearer resource_metadata=\"…\" to requests without a valid token")
		return
	case resp.status != http.StatusUnauthorized:
		ru.r.add(id, Fail, fmt.Sprintf("the MCP endpoint answered %d to a request without a token, want 401 with a Bearer challenge", resp.status),
			"check the URL (it must be the MCP endpoint itself, e.g. …/mcp) and that the endpoint answers 401 without a token")
		return
	case !ok:
		ru.r.add(id, Fail, "401 without a WWW-Authenticate: Bearer challenge: clients cannot tell that OAuth is needed",
			"send WWW-Authenticate: Bearer resource_metadata=\"<URL of the protected resource metadata>\" with the 401")
		return
	}
	ru.challenge = params
	scope := ""
	if s := params["scope"]; s != "" {
		scope = fmt.Sprintf(", scope %q", s)
	}
	if params["resource_metadata"] == "" {
		ru.r.add(id, Warn, "401 with a Bearer challenge but no resource_metadata: clients must guess the metadata's well-known URL",
			"add resource_metadata=\"<URL of the protected resource metadata>\" to the challenge (RFC 9728 §5.1)")
		return
	}
	ru.r.pass(id, "401 with WWW-Authenticate: Bearer resource_metadata=%q%s", params["resource_metadata"], scope)
}

// wellKnown is the RFC 8615 well-known URL of name for u, inserted between
// the origin and u's path (RFC 9728 §3.1, RFC 8414 §3.1); root drops the
// path.
func wellKnown(u, name string, root bool) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	path := strings.TrimRight(p.EscapedPath(), "/")
	if root {
		path = ""
	}
	return origin(u) + "/.well-known/" + name + path
}

// resourceMetadata fetches RFC 9728 metadata where the challenge says, and
// at the path-aware and root well-known URLs clients fall back to, and
// checks resource and authorization_servers. It reports whether an
// authorization server was named.
func (ru *run) resourceMetadata(ctx context.Context) bool {
	pathAware := wellKnown(ru.mcpURL, "oauth-protected-resource", false)
	root := wellKnown(ru.mcpURL, "oauth-protected-resource", true)
	type fetched struct {
		doc map[string]any
		err error
	}
	got := map[string]fetched{}
	fetch := func(u string) fetched {
		if f, ok := got[u]; ok {
			return f
		}
		doc, _, err := ru.c.getJSON(ctx, u)
		got[u] = fetched{doc, err}
		return got[u]
	}

	advertised := ru.challenge["resource_metadata"]
	const id = "discovery.resource_metadata"
	switch {
	case advertised != "":
		if f := fetch(advertised); f.err != nil {
			ru.r.add(id, Fail, fmt.Sprintf("the challenge points at metadata that cannot be fetched: %v", f.err),
				fmt.Sprintf("serve RFC 9728 metadata at %s, or point resource_metadata at where it is", advertised))
		} else {
			ru.prmURL, ru.prm = advertised, f.doc
		}
	default:
		for _, u := range []string{pathAware, root} {
			if f := fetch(u); f.err == nil {
				ru.prmURL, ru.prm = u, f.doc
				break
			}
		}
		if ru.prm == nil {
			ru.r.add(id, Fail, fmt.Sprintf("no protected resource metadata at %s or %s", pathAware, root),
				fmt.Sprintf("serve RFC 9728 metadata at %s and name it in the 401's resource_metadata", pathAware))
		}
	}
	if ru.prm != nil {
		ru.r.pass(id, "protected resource metadata at %s", ru.prmURL)
	}

	// The well-known URLs clients try when the challenge names none.
	pa, rt := fetch(pathAware), fetch(root)
	const wk = "discovery.well_known"
	switch {
	case pa.err == nil && rt.err == nil:
		ru.r.pass(wk, "metadata at the path-aware %s and at the root %s", pathAware, root)
	case pa.err == nil:
		ru.r.pass(wk, "metadata at the path-aware %s (none at the root; clients that know the path look there first)", pathAware)
	case rt.err == nil && pathAware != root:
		ru.r.add(wk, Warn, fmt.Sprintf("metadata only at the root %s, not at the path-aware %s", root, pathAware),
			fmt.Sprintf("also serve it at %s: clients try the path-aware URL first (RFC 9728 §3.1)", pathAware))
	case rt.err == nil:
		ru.r.pass(wk, "metadata at %s", root)
	default:
		status, fix := Warn, fmt.Sprintf("also serve the metadata at %s: clients that get no resource_metadata look there", pathAware)
		if ru.prm == nil {
			status = Fail
		}
		ru.r.add(wk, status, fmt.Sprintf("no metadata at the well-known %s (%v)", pathAware, pa.err), fix)
	}
	if ru.prm == nil {
		return false
	}

	ru.checkResource()
	servers, _ := stringList(ru.prm, "authorization_servers")
	const as = "discovery.authorization_servers"
	if len(servers) == 0 || servers[0] == "" {
		ru.r.add(as, Fail, "the protected resource metadata names no authorization_servers",
			"list the authorization server's issuer in authorization_servers (RFC 9728 §2)")
		return false
	}
	ru.issuer = servers[0]
	ru.r.pass(as, "authorization_servers: %s", strings.Join(servers, ", "))
	return true
}

// checkResource: resource must be the URL the client was given, byte for
// byte (RFC 9728 §3.3); clients compare and refuse a mismatch, some after
// normalising a trailing slash and most without.
func (ru *run) checkResource() {
	const id = "discovery.resource"
	res := stringField(ru.prm, "resource")
	ru.resource = res
	trim := func(s string) string { return strings.TrimRight(s, "/") }
	switch {
	case res == ru.mcpURL:
		ru.r.pass(id, "resource is %s, exactly the URL clients are given", res)
	case res == "":
		ru.r.add(id, Fail, "the protected resource metadata has no resource",
			generated("set BASE_URL=%s (resource is BASE_URL + \"/mcp\")", ru.baseURL()))
	case trim(res) == trim(ru.mcpURL):
		ru.r.add(id, Fail, fmt.Sprintf("resource %s differs from the URL %s by a trailing slash: clients that compare byte for byte refuse it; only those that normalise slashes connect", res, ru.mcpURL),
			fmt.Sprintf("give clients exactly %s, or make resource %s; ", res, ru.mcpURL)+
				generated("BASE_URL has no trailing slash (BASE_URL=%s) and clients connect to BASE_URL/mcp", ru.baseURL()))
	default:
		ru.r.add(id, Fail, fmt.Sprintf("resource is %s, but the URL clients are given is %s: clients refuse the mismatch", res, ru.mcpURL),
			generated("set BASE_URL=%s (the public origin; resource is BASE_URL + \"/mcp\"), or give clients %s", ru.baseURL(), res))
	}
}

// authorizationServer fetches the authorization server's metadata by RFC
// 8414 path insertion, then OpenID Discovery (path insertion, then
// appended), and checks what MCP clients rely on.
func (ru *run) authorizationServer(ctx context.Context) {
	candidates := []string{
		wellKnown(ru.issuer, "oauth-authorization-server", false),
		wellKnown(ru.issuer, "openid-configuration", false),
	}
	if p, err := url.Parse(ru.issuer); err == nil && strings.Trim(p.Path, "/") != "" {
		candidates = append(candidates, strings.TrimRight(ru.issuer, "/")+"/.well-known/openid-configuration")
	}
	var errs []string
	for _, u := range candidates {
		doc, _, err := ru.c.getJSON(ctx, u)
		if err == nil {
			ru.asURL, ru.as = u, doc
			break
		}
		errs = append(errs, err.Error())
	}
	const id = "discovery.authorization_server"
	if ru.as == nil {
		ru.r.add(id, Fail, "no authorization server metadata: "+strings.Join(errs, "; "),
			fmt.Sprintf("serve RFC 8414 metadata at %s", candidates[0]))
		return
	}
	ru.r.pass(id, "authorization server metadata at %s", ru.asURL)

	if got := stringField(ru.as, "issuer"); got == ru.issuer {
		ru.r.pass("discovery.issuer", "issuer is %s, exactly the authorization server's URL", got)
	} else {
		msg := fmt.Sprintf("issuer is %q, but the metadata was fetched for %q: clients refuse it (RFC 8414 §3.3)", got, ru.issuer)
		fix := generated("issuer and authorization_servers both come from BASE_URL: set BASE_URL=%s exactly (no trailing slash)", ru.baseURL())
		if strings.HasPrefix(got, "http://") && strings.HasPrefix(ru.issuer, "https://") {
			msg += "; the server believes it is served over http, as behind a TLS-terminating proxy"
			fix = generated("set BASE_URL to the public https origin (BASE_URL=%s), not the proxy's upstream address", ru.baseURL())
		}
		ru.r.add("discovery.issuer", Fail, msg, fix)
	}

	methods, _ := stringList(ru.as, "code_challenge_methods_supported")
	switch {
	case slices.Contains(methods, "S256"):
		ru.r.pass("discovery.pkce", "code_challenge_methods_supported includes S256")
	case methods == nil:
		ru.r.add("discovery.pkce", Fail, "no code_challenge_methods_supported: MCP clients refuse an authorization server that does not advertise PKCE",
			`advertise "code_challenge_methods_supported": ["S256"] and verify code_verifier at the token endpoint (RFC 7636)`)
	default:
		ru.r.add("discovery.pkce", Fail, fmt.Sprintf("code_challenge_methods_supported is %v, without S256: MCP clients require S256", methods),
			`support and advertise S256: "code_challenge_methods_supported": ["S256"]`)
	}

	if rts, _ := stringList(ru.as, "response_types_supported"); slices.Contains(rts, "code") {
		ru.r.pass("discovery.response_types", "response_types_supported includes code")
	} else {
		ru.r.add("discovery.response_types", Fail, fmt.Sprintf("response_types_supported is %v, without code", rts),
			`advertise "response_types_supported": ["code"] (RFC 8414 §2: required)`)
	}

	grants, listed := stringList(ru.as, "grant_types_supported")
	switch {
	case !listed:
		ru.r.add("discovery.grant_types", Warn, "no grant_types_supported: clients assume authorization_code and implicit, and may not try refresh_token",
			`advertise "grant_types_supported": ["authorization_code", "refresh_token"]`)
	case !slices.Contains(grants, "authorization_code"):
		ru.r.add("discovery.grant_types", Fail, fmt.Sprintf("grant_types_supported is %v, without authorization_code", grants),
			`support and advertise the authorization_code grant: MCP clients use nothing else to sign in`)
	case !slices.Contains(grants, "refresh_token"):
		ru.r.add("discovery.grant_types", Warn, fmt.Sprintf("grant_types_supported is %v, without refresh_token: users sign in again whenever an access token expires", grants),
			"issue refresh tokens (rotated for public clients) and advertise refresh_token")
	default:
		ru.r.pass("discovery.grant_types", "grant_types_supported includes authorization_code and refresh_token")
	}

	reg := stringField(ru.as, "registration_endpoint")
	cimd, _ := ru.as["client_id_metadata_document_supported"].(bool)
	switch {
	case reg != "" && cimd:
		ru.r.pass("discovery.registration", "dynamic registration at %s and client ID metadata documents", reg)
	case reg != "":
		ru.r.pass("discovery.registration", "dynamic registration at %s", reg)
	case cimd:
		ru.r.pass("discovery.registration", "client ID metadata documents (no dynamic registration)")
	default:
		ru.r.add("discovery.registration", Fail, "neither registration_endpoint nor client_id_metadata_document_supported: clients can only connect with credentials configured by hand",
			"offer RFC 7591 dynamic registration and/or client ID metadata documents")
	}

	if iss, _ := ru.as["authorization_response_iss_parameter_supported"].(bool); iss {
		ru.r.pass("discovery.iss_parameter", "authorization responses carry iss (RFC 9207, the mix-up defence)")
	} else {
		ru.r.add("discovery.iss_parameter", Warn, "authorization_response_iss_parameter_supported is not true: clients cannot detect a mix-up attack",
			"add iss to every authorization response and advertise authorization_response_iss_parameter_supported (RFC 9207)")
	}

	var bad []string
	for _, field := range []string{"authorization_endpoint", "token_endpoint"} {
		u := stringField(ru.as, field)
		if u == "" || !secureURL(u) {
			bad = append(bad, fmt.Sprintf("%s %q", field, u))
		}
	}
	if len(bad) == 0 {
		ru.r.pass("discovery.endpoints", "authorization_endpoint %s, token_endpoint %s", stringField(ru.as, "authorization_endpoint"), stringField(ru.as, "token_endpoint"))
	} else {
		ru.r.add("discovery.endpoints", Fail, "missing or not https: "+strings.Join(bad, ", "),
			generated("endpoints are BASE_URL + path: set BASE_URL to the public https origin"))
	}
}
