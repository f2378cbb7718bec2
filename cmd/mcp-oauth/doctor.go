package main

import (
	"fmt"
	"os"
	"os/signal"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mcp-oauth/mcp-oauth/cmd/mcp-oauth/internal/doctor"
)

func newDoctorCmd() *cobra.Command {
	opts := doctor.Options{}
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor URL",
		Short: "Check a live MCP server's authorization against the specification and the real clients",
		Long: `doctor walks the way an MCP client does, against the MCP endpoint URL
exactly as clients are given it (e.g. https://example.com/mcp), and prints a
checklist: discovery (the 401 challenge, protected resource and authorization
server metadata), transport and CORS for browser clients, and optionally:

  --register  register the bodies Claude.ai, ChatGPT, Cursor, VS Code, Claude
              Code and the MCP Inspector send (this creates clients on the
              server; they are deleted where the server supports RFC 7592,
              else listed)
  --flow      sign in through your browser (BROWSER, else xdg-open/open/start)
              and check PKCE, code replay, refresh rotation, resource binding
              and tools/list

Exit status: 0 when no check failed, 1 when one did, 2 when the doctor could
not run (unreachable server, no sign-in).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.URL = args[0]
			if err := doctor.ValidateURL(opts.URL); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "mcp-oauth doctor:", err)
				return &exitError{code: 2}
			}
			opts.Progress = cmd.ErrOrStderr()
			// Ctrl-C stops the checks; the report so far is still printed
			// and what the doctor created is still cleaned up.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			report := doctor.Run(ctx, opts)
			out := cmd.OutOrStdout()
			var err error
			if asJSON {
				err = report.WriteJSON(out)
			} else {
				err = report.WriteText(out, colourful(out))
			}
			if err != nil {
				return err
			}
			if report.Error != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "mcp-oauth doctor:", report.Error)
			}
			if code := report.ExitCode(); code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print one JSON object {url, result, checks: [{id, status, message, fix}]}")
	f.BoolVar(&opts.Register, "register", false, "register the real clients' bodies (creates clients on the server)")
	f.BoolVar(&opts.Flow, "flow", false, "sign in through your browser and check the token endpoint's defences")
	f.DurationVar(&opts.RefreshGrace, "refresh-grace", doctor.DefaultRefreshGrace, "how long after a rotation to present the rotated-out refresh token again (longer than the server's grace window)")
	f.DurationVar(&opts.Timeout, "timeout", doctor.DefaultTimeout, "timeout of every network request")
	f.DurationVar(&opts.SignInTimeout, "signin-timeout", doctor.DefaultSignInTimeout, "how long to wait for each sign-in in the browser")
	return cmd
}

// colourful reports whether w is a terminal that may get colours: not
// with NO_COLOR set (https://no-color.org), not in a pipe or a file.
func colourful(w any) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
