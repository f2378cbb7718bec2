package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// exitError carries a specific exit code out of a command, after the
// command has already printed what went wrong.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run executes the CLI with the given arguments and streams and returns the
// process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var exit *exitError
	if errors.As(err, &exit) {
		return exit.code
	}
	fmt.Fprintln(stderr, "mcp-oauth:", err)
	return 1
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "mcp-oauth",
		Short: "Scaffold a Go MCP server that is its own OAuth 2.1 authorization server",
		Long: `mcp-oauth scaffolds a complete Go MCP server with per-user login: discovery
metadata, dynamic client registration, PKCE, consent, token rotation and
revocation, with the user's login delegated to GitHub, Google or any OpenID
provider. Run "mcp-oauth init" in an empty directory to start.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newInitCmd(),
		newGenerateCmd(),
		newProvidersCmd(),
		newDoctorCmd(),
		newVersionCmd(),
	)
	return root
}
