package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/mcp-oauth/mcp-oauth/generator"
	"github.com/mcp-oauth/mcp-oauth/generator/regen"
	"github.com/spf13/cobra"
)

func newInitCmd() *cobra.Command {
	var flags *answerFlags
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Scaffold a new MCP server into DIR (default \".\"), which must be empty or absent",
		Long: `init asks for whatever the option flags did not give (or, with --yes, takes
the defaults), renders the project in memory and writes it into DIR only when
every file rendered. DIR must be empty or absent.`,
		Example: `  mcp-oauth init my-server --yes
  mcp-oauth init my-server --provider google --store postgres --redirect-host claude.ai,chatgpt.com`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runInit(dir, flags, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	flags = addAnswerFlags(cmd, true)
	return cmd
}

func runInit(dir string, flags *answerFlags, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := regen.CheckEmpty(dir); err != nil {
		return err
	}
	opts := flags.opts.Normalize()
	// Report bad flags before asking anything else.
	if err := opts.WithDefaults(dir).Validate(); err != nil {
		return err
	}
	prompted := false
	if missing := opts.Missing(); len(missing) > 0 && !flags.yes {
		if !flags.accessible && !isTerminal(stdin) {
			return fmt.Errorf("stdin is not a terminal and these answers are missing: --%s; pass them as flags, or --yes to take the defaults",
				strings.Join(missing, ", --"))
		}
		var err error
		if opts, err = prompt(dir, opts, missing, flags.accessible, stdin, stderr); err != nil {
			return err
		}
		prompted = true
	}
	opts = opts.WithDefaults(dir).Normalize()
	written, err := generator.Init(dir, opts)
	if err != nil {
		return err
	}

	if prompted {
		fmt.Fprintf(stderr, "\nThe same project without prompts:\n  %s\n\n", equivalentCommand("init", dir, opts))
	}
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(stdout, "Created %s (%d files): MCP server %q, %s login, %s store.\n",
		abs, written, opts.Name, opts.Provider, opts.Store)
	fmt.Fprintf(stdout, "\nNext:\n")
	if dir != "." {
		fmt.Fprintf(stdout, "  cd %s\n", shellQuote(dir))
	}
	fmt.Fprintf(stdout, "  go run .            # DEV_LOGIN=1 in .env: sign in with a local form\n")
	fmt.Fprintf(stdout, "  go test ./...\n")
	fmt.Fprintf(stdout, "Then connect an MCP client to http://localhost:8080/mcp; see README.md for the %s app setup.\n", opts.Provider)
	return nil
}
