package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mcp-oauth/mcp-oauth/generator/catalog"
	"github.com/spf13/cobra"
)

func newProvidersCmd() *cobra.Command {
	var baseURL string
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "List the upstream login providers, the settings each one needs and the callback URL to register",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			callback := strings.TrimRight(baseURL, "/") + "/callback"
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			for i, p := range catalog.Providers() {
				if i > 0 {
					fmt.Fprintln(w)
				}
				fmt.Fprintf(w, "%s\t%s\n", p.ID, p.DisplayName)
				fmt.Fprintf(w, "  callback\t%s (register BASE_URL/callback)\n", callback)
				fmt.Fprintf(w, "  scopes\t%s\n", strings.Join(p.Scopes, " "))
				for _, s := range p.Settings {
					fmt.Fprintf(w, "  %s\t%s (%s)\n", s.Name, s.Description, requirement(s))
				}
				fmt.Fprintf(w, "  sign-in rules\t%s\n", strings.Join(signInRules(p), ", "))
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
	cmd.Flags().StringVar(&baseURL, "base-url", "http://localhost:8080", "the server's BASE_URL, to show the callback URL to register")
	return cmd
}

// requirement says whether a setting must be set, or what it defaults to.
func requirement(s catalog.Setting) string {
	switch {
	case s.Required:
		return "required"
	case s.Default != "":
		return "default " + s.Default
	}
	return "optional"
}

// signInRules names the ALLOWED_* settings that work with p: every preset
// takes ALLOWED_USERS; ALLOWED_EMAIL_DOMAINS needs a provider that says
// whether an address is verified; the rest are the provider's own.
func signInRules(p catalog.Provider) []string {
	rules := []string{"ALLOWED_USERS"}
	if p.EmailVerifiedField != "" || p.EmailsURL != "" {
		rules = append(rules, "ALLOWED_EMAIL_DOMAINS")
	}
	for _, r := range p.Restrictions {
		rules = append(rules, r.Name)
	}
	return rules
}
