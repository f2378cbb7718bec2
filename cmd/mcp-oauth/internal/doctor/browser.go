package doctor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// browserSettle is how long OpenBrowser waits to see whether a BROWSER
// command fails at once (and the next one should be tried). A command
// still running by then is taken to be the browser itself, in the
// foreground, and left running.
const browserSettle = 2 * time.Second

// OpenBrowser opens u in the user's browser: through BROWSER when it is
// set (a list of commands separated by colons, each tried in turn; "%s"
// in a command stands for the URL, else the URL is its last argument),
// else the platform's opener: xdg-open, open, or start on Windows.
func OpenBrowser(ctx context.Context, u string) error {
	if env := os.Getenv("BROWSER"); env != "" {
		var errs []error
		for _, command := range strings.Split(env, ":") {
			fields := strings.Fields(command)
			if len(fields) == 0 {
				continue
			}
			args, substituted := fields[1:], false
			for i, a := range args {
				if strings.Contains(a, "%s") {
					args[i], substituted = strings.ReplaceAll(a, "%s", u), true
				}
			}
			if !substituted {
				args = append(args, u)
			}
			if err := startBrowser(ctx, exec.Command(fields[0], args...)); err != nil {
				errs = append(errs, fmt.Errorf("BROWSER command %q: %w", fields[0], err))
				continue
			}
			return nil
		}
		return errors.Join(errs...)
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("cmd", "/c", "start", "", strings.ReplaceAll(u, "&", "^&"))
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := startBrowser(ctx, cmd); err != nil {
		return fmt.Errorf("opening a browser with %s: %w", cmd.Path, err)
	}
	return nil
}

// startBrowser starts cmd and returns its failure if it fails within
// browserSettle. The browser is the user's: it is not stopped with ctx.
func startBrowser(ctx context.Context, cmd *exec.Cmd) error {
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t := time.NewTimer(browserSettle)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return nil
	case <-ctx.Done():
		return nil
	}
}

// callback is the loopback redirect listener (RFC 8252 §7.3): it takes
// the authorization response and tells the user they can close the tab.
type callback struct {
	redirectURI string
	srv         *http.Server
	ln          net.Listener
	results     chan url.Values
}

func listenCallback() (*callback, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on loopback for the redirect: %w", err)
	}
	cb := &callback{
		redirectURI: fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port),
		ln:          ln,
		results:     make(chan url.Values, 4),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		select {
		case cb.results <- r.URL.Query():
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><title>mcp-oauth doctor</title><p>mcp-oauth doctor received the sign-in. You can close this tab.</p>`)
	})
	cb.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go cb.srv.Serve(ln)
	return cb, nil
}

// wait returns the next authorization response, or an error after timeout.
func (cb *callback) wait(ctx context.Context, timeout time.Duration) (url.Values, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case q := <-cb.results:
		return q, nil
	case <-t.C:
		return nil, fmt.Errorf("no sign-in arrived at %s within %s", cb.redirectURI, timeout)
	case <-ctx.Done():
		return nil, errors.New("interrupted while waiting for the sign-in")
	}
}

func (cb *callback) close() { cb.srv.Close() }
