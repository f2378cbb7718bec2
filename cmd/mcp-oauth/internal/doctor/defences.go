package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The token endpoint's defences, each checked with real codes and tokens
// from the sign-ins of the flow.

// pkceAndRedeem first presents the code with a wrong verifier, which the
// server must refuse (RFC 7636 §4.6: a stolen code is useless without the
// verifier), then redeems it properly. A server may burn a code after a
// failed attempt; then the doctor signs in once more.
func (f *flowRun) pkceAndRedeem(ctx context.Context, code, verifier string) (*tokens, bool) {
	wrong, _ := pkce()
	t, resp, err := f.redeem(ctx, code, wrong)
	const id = "flow.pkce"
	burned := false
	switch {
	case err != nil:
		f.r.add(id, Fail, err.Error(), "")
	case t != nil:
		f.r.add(id, Fail, "PKCE is not verified: the code was redeemed with a wrong code_verifier, so a stolen code is as good as a token",
			"at the token endpoint, compute BASE64URL(SHA256(code_verifier)) and refuse with invalid_grant unless it equals the stored code_challenge (RFC 7636 §4.6)")
		return t, true
	case resp.status == http.StatusBadRequest:
		code, _ := resp.oauthError()
		f.r.pass(id, "a wrong code_verifier is refused (%s)", resp.describe())
		burned = code == "invalid_grant"
	default:
		f.r.add(id, Warn, fmt.Sprintf("a wrong code_verifier is refused with %s; RFC 7636 §4.6 says 400 invalid_grant", resp.describe()),
			"answer a wrong code_verifier with 400 invalid_grant")
	}

	t, resp, err = f.redeem(ctx, code, verifier)
	if t == nil && err == nil && burned {
		// The wrong attempt burned the code, which is allowed: sign in again.
		if code, verifier, err = f.signIn(ctx); err != nil || code == "" {
			return nil, false
		}
		t, resp, err = f.redeem(ctx, code, verifier)
	}
	const tid = "flow.token"
	switch {
	case err != nil:
		f.r.add(tid, Fail, err.Error(), "")
		return nil, false
	case t == nil:
		f.r.add(tid, Fail, fmt.Sprintf("the code was not redeemed: %s", resp.describe()),
			"the request was a standard authorization_code grant with PKCE and resource; read the server's reason")
		return nil, false
	case !strings.EqualFold(t.TokenType, "bearer"):
		f.r.add(tid, Fail, fmt.Sprintf("token_type is %q, want Bearer", t.TokenType), "issue Bearer tokens (MCP requires them)")
	case !strings.Contains(resp.header.Get("Cache-Control"), "no-store"):
		f.r.add(tid, Warn, "the token answer has no Cache-Control: no-store, so a cache may keep the tokens", "send Cache-Control: no-store with every token response (RFC 6749 §5.1)")
	default:
		refresh := "no refresh token"
		if t.RefreshToken != "" {
			refresh = "a refresh token"
		}
		f.r.pass(tid, "the code is redeemed for a Bearer access token (expires_in %d) and %s", t.ExpiresIn, refresh)
	}
	return t, true
}

// checkTools: tools/list works with the token and is refused without it.
func (f *flowRun) checkTools(ctx context.Context, accessToken string) {
	n, session, err := f.listTools(ctx, accessToken)
	if err != nil {
		f.r.add("flow.tools_list", Fail, fmt.Sprintf("tools/list with the access token: %v", err),
			"accept the access token the server's own token endpoint issued for this resource")
	} else {
		tools := fmt.Sprintf("%d tools", n)
		if n == 1 {
			tools = "1 tool"
		}
		f.r.pass("flow.tools_list", "tools/list with the access token lists %s", tools)
	}
	h := mcpHeaders()
	if session != "" {
		h.Set("Mcp-Session-Id", session)
	}
	h.Set("MCP-Protocol-Version", "2025-06-18")
	resp, err := f.c.do(ctx, http.MethodPost, f.mcpURL, h, `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`)
	switch {
	case err != nil:
		f.r.add("flow.tools_list_without_token", Fail, err.Error(), "")
	case resp.status == http.StatusUnauthorized:
		f.r.pass("flow.tools_list_without_token", "tools/list without the token is refused with 401, even in an open session")
	default:
		f.r.add("flow.tools_list_without_token", Fail, fmt.Sprintf("tools/list without a token answered %d: the session is usable without credentials", resp.status),
			"check the bearer token on every request to the MCP endpoint, not only on initialize")
	}
}

// status of an initialize request with accessToken at the MCP endpoint.
func (f *flowRun) mcpStatus(ctx context.Context, accessToken string) (int, error) {
	h := mcpHeaders()
	h.Set("Authorization", "Bearer "+accessToken)
	resp, err := f.c.do(ctx, http.MethodPost, f.mcpURL, h, initializeBody)
	if err != nil {
		return 0, err
	}
	return resp.status, nil
}

// checkResourceAuthorize: an authorization request for a resource this
// server does not serve is refused (RFC 8707 §2, invalid_target) before
// anything is shown to the user.
func (f *flowRun) checkResourceAuthorize(ctx context.Context) {
	const id = "flow.resource_authorize"
	_, challenge := pkce()
	resp, err := f.c.get(ctx, f.authorizeURL(challenge, randomState(), foreignResource), nil)
	if err != nil {
		f.r.add(id, Fail, err.Error(), "")
		return
	}
	fix := "refuse an authorization request whose resource is not this server's MCP URL with error=invalid_target (RFC 8707 §2); " +
		generated("it does, with resource = BASE_URL/mcp")
	loc, _ := url.Parse(resp.header.Get("Location"))
	switch {
	case resp.status/100 == 3 && loc != nil && strings.HasPrefix(loc.String(), f.cb.redirectURI) && loc.Query().Get("error") != "":
		if e := loc.Query().Get("error"); e == "invalid_target" {
			f.r.pass(id, "a request for the resource %s is refused with invalid_target", foreignResource)
		} else {
			f.r.add(id, Warn, fmt.Sprintf("a request for the resource %s is refused with %s, RFC 8707 says invalid_target", foreignResource, e), fix)
		}
	case resp.status == http.StatusBadRequest:
		f.r.pass(id, "a request for the resource %s is refused (400)", foreignResource)
	default:
		f.r.add(id, Fail, fmt.Sprintf("a request for the resource %s is not refused (%d): the user would be asked to sign in for a token meant elsewhere", foreignResource, resp.status), fix)
	}
}

// checkRotation: a refresh returns a new refresh token (OAuth 2.1 §4.3.1:
// refresh tokens of public clients rotate), so a stolen one is detected
// when both parties use it.
func (f *flowRun) checkRotation(ctx context.Context, t1 *tokens) (current *tokens, rotatedOut string) {
	const id = "flow.rotation"
	if t1.RefreshToken == "" {
		f.r.skip(id, "no refresh token was issued")
		return nil, ""
	}
	t2, resp, err := f.refresh(ctx, t1.RefreshToken, f.mcpURL)
	f.rotatedAt = time.Now()
	switch {
	case err != nil:
		f.r.add(id, Fail, err.Error(), "")
		return nil, ""
	case t2 == nil:
		f.r.add(id, Fail, fmt.Sprintf("the refresh token is refused: %s", resp.describe()), "accept the refresh token the server just issued")
		return nil, ""
	case t2.RefreshToken == "" || t2.RefreshToken == t1.RefreshToken:
		f.r.add(id, Fail, "no rotation: the refresh answer carries the same refresh token (or none), so a stolen refresh token works for as long as it lives",
			"issue a new refresh token on every refresh and retire the old one after a short grace (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2)")
		return t2, ""
	}
	if status, err := f.mcpStatus(ctx, t2.AccessToken); err != nil || status != http.StatusOK {
		f.r.add(id, Fail, fmt.Sprintf("the access token from the refresh is refused at the MCP endpoint (%d %v)", status, err), "")
		return t2, t1.RefreshToken
	}
	f.r.pass(id, "a refresh returns a new refresh token and a working access token")
	return t2, t1.RefreshToken
}

// checkResourceToken: a refresh for a resource the grant was not issued
// for is refused (RFC 8707 §2.2), so tokens stay bound to this server.
func (f *flowRun) checkResourceToken(ctx context.Context, current *tokens) *tokens {
	const id = "flow.resource_token"
	t, resp, err := f.refresh(ctx, current.RefreshToken, foreignResource)
	switch {
	case err != nil:
		f.r.add(id, Fail, err.Error(), "")
	case t != nil:
		f.r.add(id, Fail, fmt.Sprintf("a refresh for the resource %s was answered with a token: tokens are not bound to the resource they were granted for", foreignResource),
			"refuse a token request whose resource the grant does not cover with invalid_target (RFC 8707 §2.2), and bind every token to its resource")
		return t
	case resp.status/100 == 4:
		f.r.pass(id, "a refresh for the resource %s is refused (%s)", foreignResource, resp.describe())
	default:
		f.r.add(id, Warn, fmt.Sprintf("a refresh for another resource answered %s", resp.describe()), "answer it with 400 invalid_target")
	}
	return current
}

// checkReplay: a code redeemed twice is refused, and the tokens of the
// first redemption are revoked (RFC 6749 §4.1.2): a replay means the code
// leaked, and the first redeemer may have been the attacker.
func (f *flowRun) checkReplay(ctx context.Context, code, verifier string) {
	first, resp, err := f.redeem(ctx, code, verifier)
	if err != nil || first == nil {
		detail := fmt.Sprint(err)
		if resp != nil {
			detail = resp.describe()
		}
		f.r.add("flow.code_replay", Fail, "the second sign-in's code was not redeemed: "+detail, "")
		return
	}
	again, resp, err := f.redeem(ctx, code, verifier)
	switch {
	case err != nil:
		f.r.add("flow.code_replay", Fail, err.Error(), "")
		return
	case again != nil:
		f.r.add("flow.code_replay", Fail, "code replay accepted: the same code was redeemed twice",
			"make codes single-use with an atomic redemption, and on a second use refuse with invalid_grant and revoke the tokens of the first (RFC 6749 §4.1.2)")
		f.r.skip("flow.replay_revokes", "not checked: the replay was accepted")
		return
	}
	f.r.pass("flow.code_replay", "a code redeemed a second time is refused (%s)", resp.describe())

	status, err := f.mcpStatus(ctx, first.AccessToken)
	var refreshOK bool
	if first.RefreshToken != "" {
		t, _, _ := f.refresh(ctx, first.RefreshToken, f.mcpURL)
		refreshOK = t != nil
	}
	switch {
	case err != nil:
		f.r.add("flow.replay_revokes", Fail, err.Error(), "")
	case status == http.StatusOK || refreshOK:
		f.r.add("flow.replay_revokes", Fail, fmt.Sprintf("after the replay the first redemption's tokens still work (access token: %d, refresh: %v)", status, refreshOK),
			"on a replayed code, revoke every token issued from it (RFC 6749 §4.1.2; OAuth 2.1 §4.1.3)")
	default:
		f.r.pass("flow.replay_revokes", "the replay revoked the first redemption's tokens (the access token now gets %d)", status)
	}
}

// checkReuse: past the grace window, the rotated-out refresh token is
// refused, and the grant it belongs to is revoked (RFC 9700 §4.14.2).
func (f *flowRun) checkReuse(ctx context.Context, rotatedOut string, current *tokens) {
	if wait := f.opts.RefreshGrace - time.Since(f.rotatedAt); wait > 0 {
		fmt.Fprintf(f.opts.Progress, "Waiting %s, past the server's refresh grace window (--refresh-grace %s)…\n", wait.Round(time.Second), f.opts.RefreshGrace)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
	}
	const id = "flow.refresh_reuse"
	t, resp, err := f.refresh(ctx, rotatedOut, f.mcpURL)
	switch {
	case err != nil:
		f.r.add(id, Fail, err.Error(), "")
		return
	case t != nil:
		f.r.add(id, Fail, fmt.Sprintf("a rotated-out refresh token still works %s after its rotation", f.opts.RefreshGrace),
			"refuse a rotated-out refresh token with invalid_grant once a short grace window has passed, and revoke the grant (RFC 9700 §4.14.2); if the server's window is longer, raise --refresh-grace")
		return
	}
	f.r.pass(id, "the rotated-out refresh token is refused %s after its rotation (%s)", f.opts.RefreshGrace, resp.describe())

	const rid = "flow.reuse_revokes"
	if current == nil {
		return
	}
	status, err := f.mcpStatus(ctx, current.AccessToken)
	next, _, _ := f.refresh(ctx, current.RefreshToken, f.mcpURL)
	switch {
	case err != nil:
		f.r.add(rid, Fail, err.Error(), "")
	case status == http.StatusOK || next != nil:
		f.r.add(rid, Warn, "the reuse of a rotated-out refresh token did not revoke the grant: the newest tokens still work",
			"on reuse of a rotated-out refresh token, revoke the whole grant, since either party may be the thief (RFC 9700 §4.14.2)")
	default:
		f.r.pass(rid, "the reuse revoked the whole grant: the newest tokens are refused too")
	}
}
