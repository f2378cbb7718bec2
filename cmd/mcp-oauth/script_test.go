package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as the mcp-oauth command inside the
// scripts, so they exercise exactly the code under test.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mcp-oauth": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
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
			return nil
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
