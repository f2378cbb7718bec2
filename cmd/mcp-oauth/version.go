package main

import (
	"fmt"
	"runtime"

	"github.com/mcp-oauth/mcp-oauth/generator"
	"github.com/spf13/cobra"
)

// commit and date are set by the release build (see .goreleaser.yaml).
var (
	commit = "none"
	date   = "unknown"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "mcp-oauth %s (commit %s, built %s, %s)\n",
				generator.Version(), commit, date, runtime.Version())
			return err
		},
	}
}
