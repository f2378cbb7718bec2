package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mcp-oauth/mcp-oauth/cmd/mcp-oauth/internal/doctor/doctortest"
)

// TestMain lets the test binary act as the mcp-oauth command inside the
// scripts, so they exercise exactly the code under test.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mcp-oauth": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		// testbrowser is the user's browser for doctor --flow: it signs in
		// over HTTP (BROWSER=testbrowser).
		"testbrowser": func() {
			if err := doctortest.Browse(os.Args[len(os.Args)-1]); err != nil {
				fmt.Fprintln(os.Stderr, "testbrowser:", err)
				os.Exit(1)
			}
		},
	})
}

// TestScripts runs the txtar scripts in testdata/script: each one's comment
// is the command lines, its files the inputs and the expected output.
func TestScripts(t *testing.T) {
	goEnv := goEnv(t, "GOMODCACHE", "GOCACHE", "GOPROXY", "GOFLAGS", "GONOSUMDB", "GOPRIVATE")
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			// Scripts that build a generated project skip without a go command.
			env.Setenv("PATH", os.Getenv("PATH"))
			// Servers for the doctor's scripts: a sound one, a broken one, and
			// one that accepts connections and never answers.
			sound, broken, replay := doctortest.New(doctortest.Sound), doctortest.New(doctortest.IssuerMismatch), doctortest.New(doctortest.CodeReplay)
			env.Defer(sound.Close)
			env.Defer(broken.Close)
			env.Defer(replay.Close)
			env.Setenv("SOUND", sound.MCPURL())
			env.Setenv("BROKEN", broken.MCPURL())
			env.Setenv("REPLAY", replay.MCPURL())
			hang, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			env.Defer(func() { hang.Close() })
			env.Setenv("SILENT", "http://"+hang.Addr().String()+"/mcp")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exits N PROG ARGS... runs PROG and checks that its exit status
			// is N; its output is then checked like exec's.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits N PROG [ARGS...]")
				}
				code := 0
				var exit *exec.ExitError
				if err := ts.Exec(args[1], args[2:]...); errors.As(err, &exit) {
					code = exit.ExitCode()
				} else if err != nil {
					ts.Fatalf("%s: %v", args[1], err)
				}
				if strconv.Itoa(code) != args[0] {
					ts.Fatalf("%s exited with status %d, want %s", args[1], code, args[0])
				}
			},
			// httpwait URL STATUS polls URL until it answers, for a minute at
			// most, and checks the status of the answer: a server started in
			// the background is up.
			"httpwait": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: httpwait URL STATUS")
				}
				deadline := time.Now().Add(time.Minute)
				for {
					resp, err := http.Get(args[0])
					if err == nil {
						resp.Body.Close()
						if strconv.Itoa(resp.StatusCode) != args[1] {
							ts.Fatalf("GET %s: %s, want %s", args[0], resp.Status, args[1])
						}
						return
					}
					if time.Now().After(deadline) {
						ts.Fatalf("GET %s: %v", args[0], err)
					}
					time.Sleep(200 * time.Millisecond)
				}
			},
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "short":
				return testing.Short(), nil
			}
			return false, nil
		},
	})
}

// goEnv reads the go command's settings, so generated projects built inside
// scripts share this process's module and build caches.
func goEnv(t *testing.T, names ...string) map[string]string {
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	values := map[string]string{}
	for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i < len(names) && line != "" {
			values[names[i]] = line
		}
	}
	return values
}
