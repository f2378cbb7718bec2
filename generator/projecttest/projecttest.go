// Package projecttest builds and runs generated projects for end-to-end
// tests: the generator's own, and those of tools that check a running
// server (mcp-oauth doctor).
package projecttest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"image"
	"image/png"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/render"
)

// Build renders opts into a temporary directory and builds it. The build
// shares the test's module and build caches (the environment is
// inherited), so only the first run compiles the dependencies.
func Build(ctx context.Context, t testing.TB, opts options.Options) string {
	t.Helper()
	return BuildWith(ctx, t, opts, nil)
}

// BuildWith is Build for a project holding files of the user's own besides
// the rendered ones (a branding logo), checked as init and generate check
// them.
func BuildWith(ctx context.Context, t testing.TB, opts options.Options, own map[string][]byte) string {
	t.Helper()
	files, err := render.Render(opts)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	maps.Copy(files, own)
	dir := t.TempDir()
	WriteTree(t, dir, files)
	if err := options.CheckProjectFiles(dir, opts); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), opts.Name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in the generated project: %v\n%s", err, out)
	}
	return bin
}

// WriteTree writes files under dir as they are: Render's output, without
// the bookkeeping init adds.
func WriteTree(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for p, content := range files {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Start runs the built server with env, waits until it answers /healthz
// and returns its process id. Nothing of this process's DEV_LOGIN, UPSTREAM_* or BROWSER
// settings reaches it, and it has no .env to read. Its output is logged
// when the test fails; it is stopped when the test ends.
func Start(ctx context.Context, t testing.TB, bin, baseURL string, env map[string]string) int {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, ours := env[name]; !ours && !strings.HasPrefix(name, "UPSTREAM_") && name != "DEV_LOGIN" && name != "BROWSER" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for name, value := range env {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	var logs SyncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// exited is closed once the process has been waited for, with its
	// error in waitErr: the one way the test learns the server is gone
	// (cmd.ProcessState is Wait's to write).
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Signal(syscall.SIGTERM)
			<-exited
		}
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("server exited: %v\n%s", waitErr, logs.String())
		default:
		}
		resp, err := http.Get(baseURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd.Process.Pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy after 30s: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// FreePort is a loopback TCP port free at the time of the call.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// RandomKey is a fresh ENCRYPTION_KEY.
func RandomKey(t testing.TB) string {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(key)
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers, such as a
// process's stdout and stderr.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// PNG is a one-pixel PNG image: a stand-in for the logo of a project whose
// answers name one.
var PNG = func() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		panic(err)
	}
	return b.Bytes()
}()
