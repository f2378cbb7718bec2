package generator_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/projecttest"
)

// TestBehindReverseProxy runs a generated server behind a real nginx, as
// every https deployment runs, with TRUSTED_PROXIES naming the proxy. The
// clients are told apart by their own loopback addresses (127.0.0.2,
// 127.0.0.3, ...), which nginx reports in X-Forwarded-For: one client's
// junk must not rate-limit another client behind the same proxy, and a
// forged X-Forwarded-For gets a client nothing, whether it comes through
// the proxy or straight to the server. The server runs with DEV_LOGIN,
// which keeps it on loopback: it refuses other Host names and cannot be
// reached through this machine's own address.
func TestBehindReverseProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("the reverse proxy test builds and starts a generated server")
	}
	nginx := findNginx(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	bin := buildProject(ctx, t, options.Options{
		Name: "proxied", Module: "example.com/proxied", Provider: "github", Store: "memory",
		RedirectHosts: options.DefaultRedirectHosts,
	})
	serverPort, proxyPort := freePort(t), freePort(t)
	direct := "http://127.0.0.1:" + strconv.Itoa(serverPort)
	public := "http://127.0.0.1:" + strconv.Itoa(proxyPort)
	startServer(ctx, t, bin, direct, map[string]string{
		"PORT":     strconv.Itoa(serverPort),
		"BASE_URL": public,
		// DEV_LOGIN keeps the server on loopback, where it belongs in a
		// test; nginx passes the loopback Host on.
		"DEV_LOGIN":       "1",
		"ENCRYPTION_KEY":  randomKey(t),
		"RATE_LIMIT":      "60", // bursts of 6
		"TRUSTED_PROXIES": "127.0.0.1",
		"LOG_LEVEL":       "warn",
	})
	startNginx(ctx, t, nginx, proxyPort, serverPort)

	alice, bob, mallory := clientFrom(t, "127.0.0.2"), clientFrom(t, "127.0.0.3"), clientFrom(t, "127.0.0.4")
	junk := func(c *http.Client, target, forged string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target+"/token",
			strings.NewReader("grant_type=refresh_token&refresh_token=junk&client_id=nobody"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if forged != "" {
			req.Header.Set("X-Forwarded-For", forged)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("POST %s/token: %v", target, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	floodUntilLimited := func(c *http.Client, target string, forged func(i int) string) {
		t.Helper()
		for i := range 30 {
			if junk(c, target, forged(i)) == http.StatusTooManyRequests {
				return
			}
		}
		t.Fatalf("30 junk requests to %s were never rate-limited", target)
	}
	none := func(int) string { return "" }

	// Alice floods /token through the proxy until she is limited.
	floodUntilLimited(alice, public, none)
	// Bob, behind the same proxy, is not.
	if status := junk(bob, public, ""); status == http.StatusTooManyRequests {
		t.Fatal("one client's junk rate-limited another client behind the same proxy")
	}
	// Alice cannot forge her way out: nginx appends her real address, and
	// the right-most untrusted hop is what counts.
	if status := junk(alice, public, "198.51.100.7"); status != http.StatusTooManyRequests {
		t.Fatalf("a forged X-Forwarded-For through the proxy got %d, want 429", status)
	}

	// Mallory talks to the server directly and forges a new address on
	// every request: she is no trusted proxy, so the header is ignored and
	// her requests share one limit.
	floodUntilLimited(mallory, direct, func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) })
	// Forging Bob's address gets Mallory's junk counted as hers, not his.
	if status := junk(bob, public, ""); status == http.StatusTooManyRequests {
		t.Fatal("a client talking to the server directly rate-limited a client behind the proxy")
	}

	// With DEV_LOGIN the server is on loopback only, and answers only to
	// loopback names.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, direct+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "mcp.example.com"
	resp, err := bob.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Fatalf("DEV_LOGIN server, Host mcp.example.com: %d, want 421", resp.StatusCode)
	}
	if addr := ownAddress(); addr != "" {
		conn, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(serverPort)), 5*time.Second)
		if err == nil {
			conn.Close()
			t.Fatalf("DEV_LOGIN server reachable through this machine's address %s", addr)
		}
	}
}

// ownAddress returns one of this machine's addresses that is not loopback,
// or "" if it has none.
func ownAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok && !ipnet.IP.IsLoopback() && !ipnet.IP.IsLinkLocalUnicast() {
			return ipnet.IP.String()
		}
	}
	return ""
}

// findNginx returns the nginx binary. Outside CI a missing nginx skips the
// test loudly; in CI it fails (.ci/run installs it).
func findNginx(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("nginx is not installed: .ci/run must install it (apt-get install nginx)")
	}
	t.Skip("SKIPPED: nginx is not installed, so the reverse proxy test did not run (apt-get install nginx)")
	return ""
}

// startNginx runs nginx in the foreground with a configuration of its own in
// a temporary directory: a reverse proxy on 127.0.0.1:proxyPort to the
// server on upstreamPort, set up the way deployment guides set it up.
func startNginx(ctx context.Context, t *testing.T, nginx string, proxyPort, upstreamPort int) {
	t.Helper()
	dir := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	server {
		listen 127.0.0.1:%[2]d;
		location / {
			proxy_pass http://127.0.0.1:%[3]d;
			proxy_http_version 1.1;
			proxy_set_header Host $http_host;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto $scheme;
			proxy_buffering off;
		}
	}
}
`, dir, proxyPort, upstreamPort)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, nginx, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	var logs projecttest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	// exited is closed once nginx has been waited for, its error in
	// waitErr (cmd.ProcessState is Wait's to write).
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Signal(syscall.SIGQUIT)
			<-exited
		}
		if t.Failed() {
			errorLog, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\n%s", logs.String(), errorLog)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			errorLog, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx exited: %v\n%s\n%s", waitErr, logs.String(), errorLog)
		default:
		}
		resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(proxyPort) + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx not proxying after 30s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// clientFrom returns an HTTP client whose connections come from the
// loopback address ip: on Linux all of 127.0.0.0/8 is this machine.
func clientFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	transport := &http.Transport{DialContext: dialer.DialContext}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport, Timeout: 30 * time.Second}
}
