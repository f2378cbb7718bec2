package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// browserOrigin is the page a browser-based MCP client runs on: VS Code
// for the Web. hostileOrigin is a page no server should let call its MCP
// endpoint (the .invalid TLD never resolves, RFC 2606).
const (
	browserOrigin = "https://vscode.dev"
	hostileOrigin = "https://doctor-rebinding.invalid"
)

// transport checks https, HSTS, and what browser-based clients need:
// CORS on the metadata, registration and token endpoints and on the MCP
// endpoint, and an MCP endpoint that refuses hostile origins.
func (ru *run) transport(ctx context.Context) {
	ru.checkHTTPS()
	ru.checkHSTS(ctx)
	if ru.prmURL != "" {
		ru.corsGet(ctx, "transport.cors_resource_metadata", ru.prmURL)
	}
	if ru.asURL != "" {
		ru.corsGet(ctx, "transport.cors_server_metadata", ru.asURL)
		if reg := stringField(ru.as, "registration_endpoint"); reg != "" {
			ru.corsPost(ctx, "transport.cors_register", reg, "")
		}
		if tok := stringField(ru.as, "token_endpoint"); tok != "" {
			// An invalid grant: the answer is an error either way, and it
			// must be readable by the page.
			ru.corsPost(ctx, "transport.cors_token", tok, url.Values{
				"grant_type": {"authorization_code"}, "code": {"mcp-oauth-doctor-invalid-code"},
				"client_id": {"mcp-oauth-doctor"}, "redirect_uri": {"http://127.0.0.1/"}, "code_verifier": {strings.Repeat("d", 43)},
			}.Encode())
		}
	}
	ru.corsMCP(ctx)
	ru.checkOrigin(ctx)
}

func (ru *run) checkHTTPS() {
	const id = "transport.https"
	urls := []string{ru.mcpURL}
	for _, f := range []string{"authorization_endpoint", "token_endpoint", "registration_endpoint"} {
		if u := stringField(ru.as, f); u != "" {
			urls = append(urls, u)
		}
	}
	var insecure []string
	for _, u := range urls {
		if !secureURL(u) {
			insecure = append(insecure, u)
		}
	}
	switch {
	case len(insecure) > 0:
		ru.r.add(id, Fail, "plain http on a public host: "+strings.Join(insecure, ", ")+"; tokens would cross the network in clear text and clients refuse it",
			generated("serve https (TLS at the proxy) and set BASE_URL=https://…"))
	case strings.HasPrefix(ru.mcpURL, "http://"):
		ru.r.pass(id, "http on loopback (local development); every endpoint is loopback or https")
	default:
		ru.r.pass(id, "https everywhere")
	}
}

// checkHSTS: on https, Strict-Transport-Security keeps browsers from ever
// trying plain http (RFC 6797).
func (ru *run) checkHSTS(ctx context.Context) {
	const id = "transport.hsts"
	if !strings.HasPrefix(ru.mcpURL, "https://") {
		ru.r.skip(id, "HSTS applies to https only")
		return
	}
	if hsts := ru.mcpResponse.header.Get("Strict-Transport-Security"); strings.Contains(strings.ToLower(hsts), "max-age=") && !strings.Contains(hsts, "max-age=0") {
		ru.r.pass(id, "Strict-Transport-Security: %s", hsts)
		return
	}
	ru.r.add(id, Warn, "no Strict-Transport-Security on the MCP endpoint's answers",
		"send Strict-Transport-Security: max-age=63072000 (at the TLS proxy, or let the server send it; "+generated("it does when BASE_URL is https)"))
}

// allowsOrigin reports whether a CORS answer lets origin read it.
func allowsOrigin(h http.Header, origin string) bool {
	acao := h.Get("Access-Control-Allow-Origin")
	return acao == "*" || acao == origin
}

// corsGet checks a metadata document as a browser client fetches it: a
// preflight (clients add MCP-Protocol-Version, which needs one) and the
// GET itself.
func (ru *run) corsGet(ctx context.Context, id, u string) {
	pre, err := ru.c.do(ctx, http.MethodOptions, u, http.Header{
		"Origin":                         {browserOrigin},
		"Access-Control-Request-Method":  {"GET"},
		"Access-Control-Request-Headers": {"mcp-protocol-version"},
	}, "")
	if err != nil {
		ru.r.add(id, Fail, fmt.Sprintf("CORS preflight: %v", err), "answer OPTIONS with the CORS headers")
		return
	}
	get, err := ru.c.get(ctx, u, http.Header{"Origin": {browserOrigin}, "Accept": {"application/json"}})
	if err != nil {
		ru.r.add(id, Fail, fmt.Sprintf("GET with an Origin: %v", err), "")
		return
	}
	switch {
	case !allowsOrigin(get.header, browserOrigin):
		ru.r.add(id, Fail, fmt.Sprintf("%s has no Access-Control-Allow-Origin: browser clients (vscode.dev, the MCP Inspector) cannot read it", u),
			"answer every origin with Access-Control-Allow-Origin: * (the metadata is public and needs no credentials)")
	case pre.status/100 != 2 || !allowsOrigin(pre.header, browserOrigin) || !headerHas(pre.header, "Access-Control-Allow-Headers", "mcp-protocol-version"):
		ru.r.add(id, Warn, fmt.Sprintf("the preflight of %s (with MCP-Protocol-Version) answered %d without allowing it: browser clients must retry without the header", u, pre.status),
			"answer OPTIONS with Access-Control-Allow-Origin: *, Access-Control-Allow-Methods: GET and Access-Control-Allow-Headers including MCP-Protocol-Version")
	default:
		ru.r.pass(id, "%s is readable from %s (preflight and GET)", u, browserOrigin)
	}
}

// corsPost checks a POST endpoint's preflight and, when body is given, that
// the answer to a real POST is readable too.
func (ru *run) corsPost(ctx context.Context, id, u, body string) {
	pre, err := ru.c.do(ctx, http.MethodOptions, u, http.Header{
		"Origin":                         {browserOrigin},
		"Access-Control-Request-Method":  {"POST"},
		"Access-Control-Request-Headers": {"content-type"},
	}, "")
	if err != nil {
		ru.r.add(id, Fail, fmt.Sprintf("CORS preflight: %v", err), "")
		return
	}
	fix := "answer OPTIONS and POST with Access-Control-Allow-Origin: *, Access-Control-Allow-Methods: POST, Access-Control-Allow-Headers: Content-Type, Authorization (no cookies are involved, so any origin may call)"
	if pre.status/100 != 2 || !allowsOrigin(pre.header, browserOrigin) || !headerHas(pre.header, "Access-Control-Allow-Headers", "content-type") {
		ru.r.add(id, Fail, fmt.Sprintf("the CORS preflight of POST %s answered %d without allowing %s and Content-Type: browser clients cannot call it", u, pre.status, browserOrigin), fix)
		return
	}
	if body != "" {
		resp, err := ru.c.do(ctx, http.MethodPost, u, http.Header{
			"Origin":       {browserOrigin},
			"Content-Type": {"application/x-www-form-urlencoded"},
		}, body)
		if err != nil {
			ru.r.add(id, Fail, fmt.Sprintf("POST with an Origin: %v", err), "")
			return
		}
		if !allowsOrigin(resp.header, browserOrigin) {
			ru.r.add(id, Fail, fmt.Sprintf("the answer to POST %s (%d) has no Access-Control-Allow-Origin: browser clients cannot read tokens or errors", u, resp.status), fix)
			return
		}
	}
	ru.r.pass(id, "POST %s is callable from %s", u, browserOrigin)
}

// corsMCP checks the MCP endpoint as VS Code for the Web calls it: the
// preflight must allow Authorization and the MCP headers, and the 401
// must expose WWW-Authenticate, or the client never learns where to sign
// in.
func (ru *run) corsMCP(ctx context.Context) {
	const id = "transport.cors_mcp"
	fix := generated("browser origins allowed at /mcp follow ALLOWED_REDIRECT_HOSTS: include vscode.dev") +
		"; any server: answer the preflight with Access-Control-Allow-Origin: <origin>, Access-Control-Allow-Headers: Authorization, Content-Type, Mcp-Session-Id, MCP-Protocol-Version, and expose WWW-Authenticate and Mcp-Session-Id"
	pre, err := ru.c.do(ctx, http.MethodOptions, ru.mcpURL, http.Header{
		"Origin":                         {browserOrigin},
		"Access-Control-Request-Method":  {"POST"},
		"Access-Control-Request-Headers": {"authorization, content-type, mcp-protocol-version"},
	}, "")
	if err != nil {
		ru.r.add(id, Fail, fmt.Sprintf("CORS preflight: %v", err), fix)
		return
	}
	if pre.status/100 != 2 || !allowsOrigin(pre.header, browserOrigin) || !headerHas(pre.header, "Access-Control-Allow-Headers", "authorization") {
		ru.r.add(id, Fail, fmt.Sprintf("the preflight of POST %s from %s answered %d without allowing it and the Authorization header: VS Code for the Web cannot connect", ru.mcpURL, browserOrigin, pre.status), fix)
		return
	}
	h := mcpHeaders()
	h.Set("Origin", browserOrigin)
	resp, err := ru.c.do(ctx, http.MethodPost, ru.mcpURL, h, initializeBody)
	if err != nil {
		ru.r.add(id, Fail, fmt.Sprintf("POST with an Origin: %v", err), fix)
		return
	}
	if !allowsOrigin(resp.header, browserOrigin) || !headerHas(resp.header, "Access-Control-Expose-Headers", "www-authenticate") {
		ru.r.add(id, Fail, fmt.Sprintf("the %d answer to %s does not let the page read WWW-Authenticate (Access-Control-Allow-Origin %q, Access-Control-Expose-Headers %q): the client never learns where to sign in",
			resp.status, browserOrigin, resp.header.Get("Access-Control-Allow-Origin"), resp.header.Get("Access-Control-Expose-Headers")), fix)
		return
	}
	ru.r.pass(id, "the MCP endpoint is callable from %s and exposes WWW-Authenticate", browserOrigin)
}

// checkOrigin: the MCP transport specification requires servers to refuse
// an Origin they do not trust (403), the defence against DNS rebinding.
func (ru *run) checkOrigin(ctx context.Context) {
	const id = "transport.origin"
	h := mcpHeaders()
	h.Set("Origin", hostileOrigin)
	resp, err := ru.c.do(ctx, http.MethodPost, ru.mcpURL, h, initializeBody)
	if err != nil {
		ru.r.add(id, Fail, err.Error(), "")
		return
	}
	if resp.status == http.StatusForbidden {
		ru.r.pass(id, "a request from the untrusted origin %s is refused with 403", hostileOrigin)
		return
	}
	ru.r.add(id, Warn, fmt.Sprintf("a request from the untrusted origin %s got %d, not 403: the MCP endpoint does not validate Origin (MCP transport: servers must, against DNS rebinding)", hostileOrigin, resp.status),
		"refuse requests whose Origin is neither the server's own, a trusted client's page nor loopback with 403")
}
