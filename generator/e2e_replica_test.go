package generator_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest/signin"
)

// replicaRaceRounds is how many codes are sent to both replicas at once.
const replicaRaceRounds = 1000

// sharedStoreDSN returns the address of a real Redis or PostgreSQL server
// for store, isolated for this test where the backend allows it. Outside CI a
// missing server skips the test loudly; in CI it fails.
func sharedStoreDSN(t *testing.T, store string) (envName, dsn string) {
	t.Helper()
	envName = map[string]string{"redis": "REDIS_URL", "postgres": "DATABASE_URL"}[store]
	dsn = os.Getenv(envName)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must start %s (eval \"$(bash .ci/services)\")", envName, store)
		}
		t.Skipf("SKIPPED: %s is not set, so the %s replica tests did not run; start the servers with eval \"$(bash .ci/services)\"", envName, store)
	}
	if store == "redis" {
		// A key prefix of its own keeps this run apart from every other
		// user of the same Redis.
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s: %v", envName, err)
		}
		q := u.Query()
		q.Set("key_prefix", "replica-"+randomHex(t, 6)+":")
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	return envName, dsn
}

// replicaPair builds the project for store and starts two processes on one
// store, as two replicas behind a load balancer would run: the same
// BASE_URL (the public origin), the same ENCRYPTION_KEY, different ports.
// pidB is the process id of replica B.
func replicaPair(ctx context.Context, t *testing.T, store string) (base, urlA, urlB string, pidB int) {
	t.Helper()
	envName, dsn := sharedStoreDSN(t, store)
	bin := buildProject(ctx, t, options.Options{
		Name: "replica", Module: "example.com/replica", Provider: "github", Store: store,
		RedirectHosts: options.DefaultRedirectHosts,
	})
	portA, portB := freePort(t), freePort(t)
	urlA = "http://127.0.0.1:" + strconv.Itoa(portA)
	urlB = "http://127.0.0.1:" + strconv.Itoa(portB)
	base = urlA
	key := randomKey(t)
	for _, port := range []int{portA, portB} {
		pidB = startServer(ctx, t, bin, "http://127.0.0.1:"+strconv.Itoa(port), map[string]string{
			"PORT":           strconv.Itoa(port),
			"BASE_URL":       base,
			"DEV_LOGIN":      "1",
			"ENCRYPTION_KEY": key,
			envName:          dsn,
			"RATE_LIMIT":     "0",
			"LOG_LEVEL":      "warn",
		})
	}
	return base, urlA, urlB, pidB
}

// TestReplicas runs two replicas on one Redis or PostgreSQL: every step of a
// sign-in may land on either one, and a code sent to both at once is
// redeemed exactly once.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("replica tests build and start generated servers")
	}
	for _, store := range []string{"redis", "postgres"} {
		t.Run(store, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			base, urlA, urlB, pidB := replicaPair(ctx, t, store)
			c := newDevClient(ctx, t, urlA, base)

			// Register and authorize on A, redeem the code on B.
			code := c.authorize(ctx, t, urlA)
			status, tokens := c.redeem(ctx, t, urlB, code)
			if status != http.StatusOK {
				t.Fatalf("redeeming on B a code issued by A: %d %v", status, tokens)
			}
			// A tool call on A with the token B minted.
			session := connect(ctx, t, urlA, bearerTransport(ctx, urlA, tokens.AccessToken))
			res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"})
			if err != nil || res.IsError {
				t.Fatalf("whoami on A: %v %v", err, toolText(res))
			}
			if !strings.Contains(toolText(res), devUser) {
				t.Fatalf("whoami on A = %s, want the signed-in user %s", toolText(res), devUser)
			}
			session.Close()

			// An MCP session opened on A, at a revision with sessions, whose
			// requests the load balancer sends to either replica: B serves
			// them without the session, A within it.
			client := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "v0.0.1"}, nil)
			session, err = client.Connect(ctx, bearerTransport(ctx, urlA, tokens.AccessToken), &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
			if err != nil {
				t.Fatalf("connect to A at 2025-11-25: %v", err)
			}
			if session.ID() == "" {
				t.Fatal("A opened no session at 2025-11-25")
			}
			for _, target := range []string{urlB, urlA} {
				if status, body := whoamiInSession(ctx, t, target, tokens.AccessToken, session.ID()); status != http.StatusOK || !strings.Contains(body, devUser) {
					t.Errorf("whoami on %s in the session A opened: %d %s", target, status, body)
				}
			}
			if res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"}); err != nil || res.IsError {
				t.Errorf("whoami on A through the SDK's session: %v %v", err, toolText(res))
			}
			session.Close()

			// Refresh on B, then revoke on A: B must reject the token at once.
			status, refreshed := c.refresh(ctx, t, urlB, tokens.RefreshToken)
			if status != http.StatusOK {
				t.Fatalf("refresh on B: %d %v", status, refreshed)
			}
			if got, _ := mcpStatus(ctx, t, urlB, refreshed.AccessToken); got != http.StatusOK {
				t.Fatalf("B rejects the access token it minted by refresh: %d", got)
			}
			// B has verified the token, so it holds it in memory. Past the
			// cache's half second, it goes on using that memory only because
			// its channel vouches for it: the revocation must come that way.
			time.Sleep(time.Second)
			if got, _ := mcpStatus(ctx, t, urlB, refreshed.AccessToken); got != http.StatusOK {
				t.Fatalf("B rejects the access token a second later: %d", got)
			}
			revoke(ctx, t, urlA, c.clientID, refreshed.RefreshToken, "refresh_token")
			t.Logf("revoked on A, refused by B after %v", refusedWithin(ctx, t, urlB, refreshed.AccessToken))
			if status, body := c.refresh(ctx, t, urlB, refreshed.RefreshToken); status != http.StatusBadRequest || body.Error != "invalid_grant" {
				t.Fatalf("refresh on B after revocation on A: %d %v, want 400 invalid_grant", status, body)
			}

			// B deaf to revocations: its notification channel is cut just
			// before A revokes. (A channel that falls silent without
			// breaking is TestCachedTokenBounds's, in the generated project.)
			status, tokens = c.redeem(ctx, t, urlB, c.authorize(ctx, t, urlA))
			if status != http.StatusOK {
				t.Fatalf("redeem: %d %v", status, tokens)
			}
			if got, _ := mcpStatus(ctx, t, urlB, tokens.AccessToken); got != http.StatusOK {
				t.Fatalf("B rejects a fresh access token: %d", got)
			}
			cutRevocationChannel(t, store, pidB)
			revoke(ctx, t, urlA, c.clientID, tokens.RefreshToken, "refresh_token")
			t.Logf("channel of B cut, revoked on A, refused by B after %v", refusedWithin(ctx, t, urlB, tokens.AccessToken))

			// The same code sent to A and B at once: exactly one succeeds.
			wins := map[string]int{}
			for round := range replicaRaceRounds {
				code := c.authorize(ctx, t, urlA)
				var wg sync.WaitGroup
				var statuses [2]int
				var bodies [2]tokenResponse
				for i, target := range []string{urlA, urlB} {
					wg.Go(func() { statuses[i], bodies[i] = c.redeem(ctx, t, target, code) })
				}
				wg.Wait()
				ok := 0
				for i := range statuses {
					switch {
					case statuses[i] == http.StatusOK:
						ok++
					case statuses[i] == http.StatusBadRequest && bodies[i].Error == "invalid_grant":
					default:
						t.Fatalf("round %d: replica %d answered %d %v", round, i, statuses[i], bodies[i])
					}
				}
				if ok != 1 {
					t.Fatalf("round %d: %d replicas redeemed the same code, want exactly 1 (%v)", round, ok, statuses)
				}
				if statuses[0] == http.StatusOK {
					wins["A"]++
				} else {
					wins["B"]++
				}
			}
			t.Logf("%d codes sent to both replicas at once: each redeemed exactly once (winners %v)", replicaRaceRounds, wins)
		})
	}
}

// whoamiInSession calls the whoami tool at baseURL with the Mcp-Session-Id
// header session, as a client of that session does, and returns the
// status and the body of the answer.
func whoamiInSession(ctx context.Context, t *testing.T, baseURL, accessToken, session string) (int, string) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
	resp := mcpPost(ctx, t, baseURL, accessToken, body, map[string]string{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}

// TestStoreRestart stops the store under a running server and starts it
// again: while it is down the server answers 503 (never invalid_grant or
// invalid_token, which would make clients throw away good credentials), and
// after it is back every grant issued before works again.
func TestStoreRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("restart tests build and start generated servers")
	}
	usePrivateServices(t)
	for _, store := range []string{"redis", "postgres"} {
		t.Run(store, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			base, urlA, urlB, _ := replicaPair(ctx, t, store)
			c := newDevClient(ctx, t, urlA, base)

			var grants []tokenResponse
			for range 5 {
				status, tokens := c.redeem(ctx, t, urlB, c.authorize(ctx, t, urlA))
				if status != http.StatusOK {
					t.Fatalf("redeem: %d %v", status, tokens)
				}
				grants = append(grants, tokens)
			}

			// Flows keep running against both replicas while the store goes
			// away and comes back; no answer may tell a client its
			// credentials are bad.
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			seen := map[int]int{}
			for _, target := range []string{urlA, urlB} {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						for _, g := range grants {
							status, _ := mcpStatus(ctx, t, target, g.AccessToken)
							mu.Lock()
							seen[status]++
							mu.Unlock()
						}
						time.Sleep(20 * time.Millisecond)
					}
				})
			}

			services(t, "stop", store)
			waitStatus(ctx, t, urlA+"/readyz", http.StatusServiceUnavailable)
			if status, body := c.refresh(ctx, t, urlB, grants[0].RefreshToken); status != http.StatusServiceUnavailable || body.Error != "temporarily_unavailable" {
				t.Errorf("refresh while %s is down: %d %v, want 503 temporarily_unavailable", store, status, body)
			}
			if status, body := c.redeem(ctx, t, urlA, "mcp_code_not-a-real-code"); status != http.StatusServiceUnavailable || body.Error != "temporarily_unavailable" {
				t.Errorf("token request while %s is down: %d %v, want 503 temporarily_unavailable", store, status, body)
			}
			// A token verified in the last half second is still served from
			// the gate's cache (its lifetime bounds how long); after that the
			// gate must answer 503, and never 401, which would make the
			// client drop a valid token.
			for deadline := time.Now().Add(2 * time.Second); ; {
				status, _ := mcpStatus(ctx, t, urlA, grants[1].AccessToken)
				if status == http.StatusServiceUnavailable {
					break
				}
				if status != http.StatusOK || time.Now().After(deadline) {
					t.Errorf("MCP request while %s is down: %d, want 503 once the token cache lifetime has passed", store, status)
					break
				}
				time.Sleep(50 * time.Millisecond)
			}

			services(t, "start", store)
			waitStatus(ctx, t, urlA+"/readyz", http.StatusOK)
			waitStatus(ctx, t, urlB+"/readyz", http.StatusOK)
			close(stop)
			wg.Wait()

			for status, n := range seen {
				if status != http.StatusOK && status != http.StatusServiceUnavailable {
					t.Errorf("during the restart %d MCP requests got %d; only 200 and 503 are acceptable", n, status)
				}
			}
			if seen[http.StatusServiceUnavailable] == 0 {
				t.Errorf("no MCP request saw the outage (%v): the store was not really down", seen)
			}
			t.Logf("MCP answers while %s restarted: %v", store, seen)
			for i, g := range grants {
				if status, _ := mcpStatus(ctx, t, urlB, g.AccessToken); status != http.StatusOK {
					t.Errorf("grant %d: access token rejected after the restart: %d", i, status)
				}
				if status, body := c.refresh(ctx, t, urlA, g.RefreshToken); status != http.StatusOK {
					t.Errorf("grant %d: refresh after the restart: %d %v", i, status, body)
				}
			}
		})
	}
}

// revocationBound is how soon every replica must refuse a token revoked on
// another one, whether or not its notification channel works.
const revocationBound = time.Second

// refusedWithin checks that the replica at baseURL refuses accessToken
// with 401 invalid_token within revocationBound, and returns how long that
// took.
func refusedWithin(ctx context.Context, t *testing.T, baseURL, accessToken string) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		status, challenge := mcpStatus(ctx, t, baseURL, accessToken)
		elapsed := time.Since(start)
		if status == http.StatusUnauthorized && strings.Contains(challenge, `error="invalid_token"`) {
			return elapsed
		}
		if status != http.StatusOK || elapsed > revocationBound {
			t.Fatalf("%s still answers %d %q %v after the revocation, want 401 invalid_token within %v", baseURL, status, challenge, elapsed, revocationBound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cutRevocationChannel closes, from the store's side, the connection on
// which the server with process id pid listens for revocations (named
// mcp-oauth-revocations-<pid>), as a network failure would. Nothing else
// on the shared server is touched.
func cutRevocationChannel(t *testing.T, store string, pid int) {
	t.Helper()
	name := "mcp-oauth-revocations-" + strconv.Itoa(pid)
	var cmd *exec.Cmd
	switch store {
	case "redis":
		// CLIENT KILL has no filter by name: find the connection's id first.
		out, err := exec.Command("redis-cli", "-u", os.Getenv("REDIS_URL"), "CLIENT", "LIST", "TYPE", "pubsub").Output()
		if err != nil {
			t.Fatalf("redis-cli CLIENT LIST: %v", err)
		}
		id := ""
		for line := range strings.Lines(string(out)) {
			if strings.Contains(line, " name="+name+" ") {
				id, _, _ = strings.Cut(strings.TrimPrefix(line, "id="), " ")
			}
		}
		if id == "" {
			t.Fatalf("no pub/sub connection named %s in CLIENT LIST:\n%s", name, out)
		}
		cmd = exec.Command("redis-cli", "-u", os.Getenv("REDIS_URL"), "CLIENT", "KILL", "ID", id)
	case "postgres":
		cmd = exec.Command("psql", os.Getenv("DATABASE_URL"), "-Atc",
			"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"+name+"'")
	}
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Fatalf("cutting the revocation channel of %s: %v %q, want 1 connection closed", name, err, out)
	}
}

// usePrivateServices starts a Redis and a PostgreSQL of the test's own,
// with .ci/services on free ports in a directory of their own, and points
// REDIS_URL, DATABASE_URL and services at them until the test ends. A test
// that stops its store must not stop the one the other test packages,
// running at the same time, share.
func usePrivateServices(t *testing.T) {
	t.Helper()
	dir, err := os.MkdirTemp("", "mcp-oauth-private-services-")
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL runs as its own user, which must reach its data directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MCP_OAUTH_SERVICES_DIR", dir)
	t.Setenv("MCP_OAUTH_REDIS_PORT", strconv.Itoa(freePort(t)))
	t.Setenv("MCP_OAUTH_PG_PORT", strconv.Itoa(freePort(t)))
	out, err := exec.Command("bash", "../.ci/services").Output()
	if err != nil {
		if os.Getenv("CI") != "true" {
			t.Skipf("SKIPPED: cannot start private Redis and PostgreSQL servers here (%v), so the store restart test did not run", err)
		}
		t.Fatalf("starting private Redis and PostgreSQL servers: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		for _, store := range []string{"redis", "postgres"} {
			if out, err := exec.Command("bash", "../.ci/services", "stop", store).CombinedOutput(); err != nil {
				t.Logf("stopping the private %s: %v\n%s", store, err, out)
			}
		}
		os.RemoveAll(dir)
	})
	for line := range strings.Lines(string(out)) {
		name, value, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		if ok {
			t.Setenv(name, strings.Trim(value, "'"))
		}
	}
}

// services runs .ci/services to stop or start a store server in place.
func services(t *testing.T, verb, store string) {
	t.Helper()
	args := []string{"../.ci/services"}
	if verb == "stop" {
		args = append(args, "stop", store)
	}
	cmd := exec.Command("bash", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("CI") != "true" && verb == "stop" {
			t.Skipf("SKIPPED: cannot stop %s here (%v): %s", store, err, out)
		}
		t.Fatalf("services %s %s: %v\n%s", verb, store, err, out)
	}
}

func waitStatus(ctx context.Context, t *testing.T, u string, want int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	last := 0
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if last = resp.StatusCode; last == want {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: still %d after 60s, want %d", u, last, want)
}

// devUser is the name the browser types into the DEV_LOGIN form.
const devUser = opUser

// devClient is a public MCP client driven by hand, so that each request can
// be sent to the replica of the test's choosing.
type devClient struct {
	base        string
	clientID    string
	redirectURI string
	browser     *signin.Browser
	verifiers   sync.Map // code → PKCE verifier
}

func newDevClient(ctx context.Context, t *testing.T, registerAt, base string) *devClient {
	t.Helper()
	redirectURI := "http://127.0.0.1:" + strconv.Itoa(freePort(t)) + "/callback"
	body, _ := json.Marshal(map[string]any{
		"client_name":                "replica test",
		"redirect_uris":              []string{redirectURI},
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"token_endpoint_auth_method": "none",
	})
	resp, err := http.Post(registerAt+"/register", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reg struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reg); err != nil || resp.StatusCode != http.StatusCreated || reg.ClientID == "" {
		t.Fatalf("register: %s %v", resp.Status, err)
	}
	return &devClient{base: base, clientID: reg.ClientID, redirectURI: redirectURI, browser: signin.New(signin.Options{User: devUser, RedirectURI: redirectURI})}
}

// authorize runs a sign-in with PKCE at the replica at target and returns
// the code.
func (c *devClient) authorize(ctx context.Context, t *testing.T, target string) string {
	t.Helper()
	verifier := randomHex(t, 32)
	sum := sha256.Sum256([]byte(verifier))
	state := randomHex(t, 8)
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.clientID},
		"redirect_uri":          {c.redirectURI},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
		"state":                 {state},
		"resource":              {c.base + "/mcp"},
		"scope":                 {"mcp"},
	}
	res, err := c.browser.SignIn(ctx, target+"/authorize?"+q.Encode())
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if err := res.Check(state, c.base); err != nil {
		t.Fatalf("authorization response: %v", err)
	}
	c.verifiers.Store(res.Code, verifier)
	return res.Code
}

// tokenResponse is a token endpoint answer, success or error.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

func (c *devClient) redeem(ctx context.Context, t *testing.T, target, code string) (int, tokenResponse) {
	verifier, _ := c.verifiers.Load(code)
	v, _ := verifier.(string)
	if v == "" {
		v = randomHex(t, 32)
	}
	return c.token(ctx, t, target, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {c.redirectURI},
		"code_verifier": {v},
		"resource":      {c.base + "/mcp"},
	})
}

func (c *devClient) refresh(ctx context.Context, t *testing.T, target, refreshToken string) (int, tokenResponse) {
	return c.token(ctx, t, target, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}})
}

func (c *devClient) token(ctx context.Context, t *testing.T, target string, form url.Values) (int, tokenResponse) {
	form.Set("client_id", c.clientID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Error(err)
		return 0, tokenResponse{}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("POST %s/token: %v", target, err)
		return 0, tokenResponse{}
	}
	defer resp.Body.Close()
	var out tokenResponse
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		out.Description = fmt.Sprintf("not JSON: %q", raw)
	}
	return resp.StatusCode, out
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
