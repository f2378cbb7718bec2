package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mcp-oauth/mcp-oauth/generator/catalog"
	"github.com/spf13/cobra"
)

func newProvidersCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "providers",
		Short: "List the upstream login providers and the settings each one needs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			for i, p := range catalog.Providers() {
				if i > 0 {
					fmt.Fprintln(w)
				}
				fmt.Fprintf(w, "%s\t%s\n", p.ID, p.DisplayName)
				fmt.Fprintf(w, "  scopes\t%s\n", strings.Join(p.Scopes, " "))
				for _, s := range p.Settings {
					req := "optional"
					if s.Required {
						req = "required"
					}
					fmt.Fprintf(w, "  %s\t%s (%s)\n", s.Name, s.Description, req)
				}
				if p.DocsURL != "" {
					fmt.Fprintf(w, "  register at\t%s\n", p.DocsURL)
				}
				if p.Notes != "" {
					fmt.Fprintf(w, "  notes\t%s\n", p.Notes)
				}
			}
			return w.Flush()
		},
	}
}
