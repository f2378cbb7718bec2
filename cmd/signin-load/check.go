package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A fault run checks three things after the server or its store was killed
// and came back:
//
//   - answers: every request of the run got success, 503 or a connection
//     error, never an answer that tells a client its credentials are bad or
//     that the server broke (400, 401, 500...);
//   - grants: every grant a client received, before or after the kill, still
//     works: its access token calls a tool as its user and its refresh token
//     rotates;
//   - the store: nothing half-written: every grant has its access token and
//     exactly one live refresh token (a rotation is all or nothing), every
//     redeemed code has its grant.

// answerCheck counts the answers of a run that were neither success, 503
// nor a connection error, by step, request and status. A 404 for an MCP
// session the restarted server no longer knows is the protocol's own
// answer (see sessionLost) and passes too; the interruptions list counts it.
func answerCheck(ex []exchange) map[string]int {
	bad := map[string]int{}
	for _, e := range ex {
		if e.Err != nil || e.Status == http.StatusServiceUnavailable || (e.Status >= 200 && e.Status < 400) || sessionLost(e) {
			continue
		}
		bad[fmt.Sprintf("%s: %s %s: HTTP %d", e.Step, e.Method, e.Path, e.Status)]++
	}
	return bad
}

// grantReport is how the grants fared after the fault.
type grantReport struct {
	checked, beforeKill int
	failures            map[string]int // kind → count
	// inFlight counts grants whose refresh was on its way when the server
	// or store died: the client never heard whether it rotated.
	inFlight, inFlightRevoked int
}

// checkGrants uses every grant: a tool call with its latest access token,
// then a refresh with its latest refresh token.
func checkGrants(ctx context.Context, t *target, grants []*grant, killedAt time.Time) *grantReport {
	rep := &grantReport{failures: map[string]int{}}
	var mu sync.Mutex
	work := make(chan *grant)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for g := range work {
				failure, revoked := checkGrant(ctx, t, g)
				mu.Lock()
				rep.checked++
				if g.Issued.Before(killedAt) {
					rep.beforeKill++
				}
				if g.RefreshSent {
					rep.inFlight++
				}
				switch {
				case revoked && g.RefreshSent:
					// The refresh reached the server and rotated the
					// token, its answer was lost, and the old token came
					// back after the grace window: RFC 9700 §4.14.2 reuse
					// detection revokes the grant. Correct, and counted.
					rep.inFlightRevoked++
				case failure != "":
					rep.failures[failure]++
				}
				mu.Unlock()
			}
		})
	}
	for _, g := range grants {
		work <- g
	}
	close(work)
	wg.Wait()
	return rep
}

// checkGrant returns what failed, and whether the refresh was refused as a
// reused token.
func checkGrant(ctx context.Context, t *target, g *grant) (failure string, revoked bool) {
	accessErr := callWhoami(ctx, t.base, bearer{token: g.Access, next: t.transport}, g.User)
	if accessErr != nil && !g.RefreshSent {
		return "access token: " + shorten(accessErr.Error()), false
	}
	// With a refresh in flight at the kill, the access token may have been
	// rotated out with it; the refresh below says what the grant is now.
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {g.ClientID}, "refresh_token": {g.Refresh}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		return err.Error(), false
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := (&http.Client{Transport: t.transport, Timeout: time.Minute}).Do(req)
	if err != nil {
		return "refresh: " + connError(err), false
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		reason := oauthError(raw)
		return fmt.Sprintf("refresh: HTTP %d %s", resp.StatusCode, shorten(reason)), resp.StatusCode == http.StatusBadRequest && strings.HasPrefix(reason, "invalid_grant")
	}
	var pair tokenPair
	if err := json.Unmarshal(raw, &pair); err != nil || pair.AccessToken == "" {
		return "refresh: the answer has no access token", false
	}
	if accessErr != nil {
		// The grant lives: its new access token must work.
		if err := callWhoami(ctx, t.base, bearer{token: pair.AccessToken, next: t.transport}, g.User); err != nil {
			return "access token after refresh: " + shorten(err.Error()), false
		}
	}
	return "", false
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// storeReport is what the store holds after the run.
type storeReport struct {
	grants            int
	liveRefreshNotOne int // grants without exactly one live refresh token
	noAccessToken     int // grants without an access token
	usedCodeNoGrant   int // redeemed codes whose grant does not exist
	revoked           int // grants the run saw revoked: their codes stay redeemed
	halfWritten       int
	how               string
}

// account sets halfWritten, knowing that revoked grants were revoked during
// the run: revocation deletes a grant with its tokens, and leaves its code
// redeemed without a grant.
func (r *storeReport) account(revoked int) {
	r.revoked = revoked
	r.halfWritten = r.liveRefreshNotOne + r.noAccessToken + max(0, r.usedCodeNoGrant-revoked)
}

func (r *storeReport) String() string {
	codes := fmt.Sprint(r.usedCodeNoGrant)
	if r.revoked > 0 {
		codes = fmt.Sprintf("%d (%d explained by the grants revoked above)", r.usedCodeNoGrant, min(r.revoked, r.usedCodeNoGrant))
	}
	return fmt.Sprintf("%d grants; half-written: %d grants without exactly one live refresh token, %d grants without an access token, %s redeemed codes without their grant (checked with %s)",
		r.grants, r.liveRefreshNotOne, r.noAccessToken, codes, r.how)
}

// storeQuery asks the SQL stores for the counts. Revocation deletes a grant
// with its tokens, so none of these can be explained by a revoked grant
// except a redeemed code (see storeReport.account); the tool itself revokes
// nothing.
const storeQuery = `SELECT
 (SELECT count(*) FROM grants),
 (SELECT count(*) FROM grants g WHERE (SELECT count(*) FROM refresh_tokens r WHERE r.grant_id = g.id AND r.rotated_at IS NULL) <> 1),
 (SELECT count(*) FROM grants g WHERE NOT EXISTS (SELECT 1 FROM access_tokens a WHERE a.grant_id = g.id)),
 (SELECT count(*) FROM codes c WHERE c.used_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.id = c.grant_id))`

// redisCheck is storeQuery for the Redis key layout (see the generated
// store's redis.gen.go). KEYS is fine on the tool's own Redis.
const redisCheck = `
local p = ARGV[1]
local grants, notOne, noAccess, codeNoGrant = 0, 0, 0, 0
for _, gk in ipairs(redis.call('KEYS', p .. 'grant:*')) do
  grants = grants + 1
  local id = string.sub(gk, #p + 7)
  local live, access = 0, 0
  for _, tk in ipairs(redis.call('ZRANGE', p .. 'grant-tokens:' .. id, 0, -1)) do
    if string.sub(tk, 1, #p + 8) == p .. 'refresh:' then
      if redis.call('EXISTS', tk) == 1 and redis.call('HEXISTS', tk, 'rot') == 0 then live = live + 1 end
    elseif string.sub(tk, 1, #p + 7) == p .. 'access:' then
      access = access + redis.call('EXISTS', tk)
    end
  end
  if live ~= 1 then notOne = notOne + 1 end
  if access == 0 then noAccess = noAccess + 1 end
end
for _, ck in ipairs(redis.call('KEYS', p .. 'code:*')) do
  if redis.call('HEXISTS', ck, 'used') == 1 then
    local c = cjson.decode(redis.call('HGET', ck, 'v'))
    if redis.call('EXISTS', p .. 'grant:' .. c.GrantID) == 0 then codeNoGrant = codeNoGrant + 1 end
  end
end
return {grants, notOne, noAccess, codeNoGrant}
`

// checkStore runs the counts with the store's own client: sqlite3, psql or
// redis-cli. dsn is SQLITE_PATH, DATABASE_URL or REDIS_URL.
func checkStore(ctx context.Context, storeName, dsn string) (*storeReport, error) {
	var cmd *exec.Cmd
	switch storeName {
	case "sqlite":
		cmd = exec.CommandContext(ctx, "sqlite3", "-batch", "-separator", " ", dsn, storeQuery)
	case "postgres":
		cmd = exec.CommandContext(ctx, "psql", dsn, "-X", "-q", "-A", "-t", "-F", " ", "-c", storeQuery)
	case "redis":
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, err
		}
		cmd = exec.CommandContext(ctx, "redis-cli", "-h", u.Hostname(), "-p", u.Port(), "EVAL", redisCheck, "0", u.Query().Get("key_prefix"))
	default:
		return nil, fmt.Errorf("no store check for %q", storeName)
	}
	if _, err := exec.LookPath(cmd.Path); err != nil && !strings.Contains(cmd.Path, "/") {
		return nil, fmt.Errorf("the %s check needs %s on PATH", storeName, cmd.Args[0])
	}
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%s: %v: %s", cmd.Args[0], err, ee.Stderr)
		}
		return nil, fmt.Errorf("%s: %w", cmd.Args[0], err)
	}
	fields := strings.Fields(string(out))
	var n [4]int
	if len(fields) != len(n) {
		return nil, fmt.Errorf("%s answered %q, want four counts", cmd.Args[0], out)
	}
	for i, f := range fields {
		if n[i], err = strconv.Atoi(f); err != nil {
			return nil, fmt.Errorf("%s answered %q, want four counts", cmd.Args[0], out)
		}
	}
	r := &storeReport{grants: n[0], liveRefreshNotOne: n[1], noAccessToken: n[2], usedCodeNoGrant: n[3], how: cmd.Args[0]}
	r.account(0)
	return r, nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
