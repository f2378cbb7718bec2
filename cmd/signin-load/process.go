package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a server the tool runs and may kill: the generated server, or
// the Redis or PostgreSQL it stores into. It runs in a process group of its
// own, so that kill takes every process it forked (PostgreSQL's backends)
// at once, as a crash would.
type process struct {
	name  string
	argv  []string
	env   []string
	dir   string
	log   string // file collecting its output
	cred  *syscall.Credential
	ready func(context.Context) error

	cmd    *exec.Cmd
	exited chan struct{}
}

// start runs the process and waits until ready says it serves.
func (p *process) start(ctx context.Context) error {
	out, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(p.argv[0], p.argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = p.dir, p.env, out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: p.cred}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.cmd, p.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(p.exited) }()

	deadline := time.Now().Add(60 * time.Second)
	for {
		err := p.ready(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited at start (%v); its output is in %s:\n%s", p.name, cmd.ProcessState, p.log, tail(p.log))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.kill()
			return fmt.Errorf("%s not ready after 60s: %v; its output is in %s", p.name, err, p.log)
		}
	}
}

// kill sends SIGKILL to the process group and waits for the leader.
func (p *process) kill() {
	if p.cmd == nil {
		return
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
	p.cmd = nil
}

// stop asks the process to end (SIGTERM) and kills it after 15 s.
func (p *process) stop() {
	if p.cmd == nil {
		return
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
	p.cmd = nil
}

// tail is the end of a log file, for error messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// serverProcess runs the generated server binary bin on a free loopback
// port, with env on top of a clean environment (no .env is read: the
// working directory is dir).
func serverProcess(bin, dir string, env map[string]string) (*process, string, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	vars := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "PORT=" + strconv.Itoa(port), "BASE_URL=" + base}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return nil, "", err
	}
	return &process{
		name: "server", argv: []string{abs}, env: vars, dir: dir, log: filepath.Join(dir, "server.log"),
		ready: func(ctx context.Context) error { return httpOK(ctx, base+"/healthz") },
	}, base, nil
}

// httpOK reports whether GET u answers 200.
func httpOK(ctx context.Context, u string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", u, resp.Status)
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// redisProcess runs a Redis of the tool's own on a free port, with the
// append-only file on, as the generated README asks of production, and the
// appendfsync policy fsync. With everysec, Redis's default, Redis may
// acknowledge writes it has not yet written to the file while a background
// fsync is slow, and a kill -9 then loses them (up to about two seconds of
// writes, as the Redis documentation says); with always, a write Redis
// acknowledged survives kill -9.
func redisProcess(dir, fsync string) (*process, string, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, "", errors.New("redis-server is not installed (apt-get install redis-server)")
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	data := filepath.Join(dir, "redis")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, "", err
	}
	p := strconv.Itoa(port)
	return &process{
		name: "redis", dir: data, log: filepath.Join(data, "redis.log"), env: os.Environ(),
		argv: []string{bin, "--bind", "127.0.0.1", "--port", p, "--dir", data, "--appendonly", "yes", "--appendfsync", fsync, "--save", "", "--daemonize", "no"},
		ready: func(ctx context.Context) error {
			out, err := exec.CommandContext(ctx, "redis-cli", "-h", "127.0.0.1", "-p", p, "ping").Output()
			if err != nil || strings.TrimSpace(string(out)) != "PONG" {
				return fmt.Errorf("redis ping: %v %q", err, out)
			}
			return nil
		},
	}, "redis://127.0.0.1:" + p + "/0?key_prefix=" + redisPrefix, nil
}

// redisPrefix is the key prefix of the server under test in the tool's
// Redis.
const redisPrefix = "load:"

// postgresProcess initialises and runs a PostgreSQL cluster of the tool's
// own in dir, on a free port. PostgreSQL refuses to run as root, so as root
// the cluster belongs to the postgres user. fsync is off: it guards against
// the machine losing power, not against a killed process, whose committed
// writes are in the kernel's page cache either way.
func postgresProcess(ctx context.Context, dir string) (*process, string, error) {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(bins) == 0 {
		return nil, "", errors.New("PostgreSQL is not installed (apt-get install postgresql): no /usr/lib/postgresql/*/bin/postgres")
	}
	bindir := filepath.Dir(bins[len(bins)-1])
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	data := filepath.Join(dir, "pg")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, "", err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, "", fmt.Errorf("running as root, PostgreSQL needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(data, uid, gid); err != nil {
			return nil, "", err
		}
		// The postgres user must reach the directory.
		for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
			if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
				os.Chmod(d, fi.Mode().Perm()|0o011)
			}
		}
	}
	initdb := exec.CommandContext(ctx, filepath.Join(bindir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("initdb: %v\n%s", err, out)
	}
	p := strconv.Itoa(port)
	dsn := "postgres://postgres@127.0.0.1:" + p + "/postgres?sslmode=disable"
	return &process{
		name: "postgres", dir: data, log: filepath.Join(dir, "postgres.log"), cred: cred, env: os.Environ(),
		argv: []string{bins[len(bins)-1], "-D", data, "-p", p, "-k", data, "-c", "listen_addresses=127.0.0.1",
			"-c", "fsync=off", "-c", "max_connections=200"},
		ready: func(ctx context.Context) error {
			out, err := exec.CommandContext(ctx, filepath.Join(bindir, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", p).CombinedOutput()
			if err != nil {
				return fmt.Errorf("pg_isready: %v %s", err, out)
			}
			return nil
		},
	}, dsn, nil
}
