package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/spf13/cobra"
)

// answerFlags are the option flags shared by init and generate, built from
// options.OptionTable so flags, prompts and help cannot disagree.
type answerFlags struct {
	opts       options.Options
	yes        bool
	accessible bool
}

// optionValue adapts one options.Option to pflag.Value.
type optionValue struct {
	opt  options.Option
	opts *options.Options
}

func (v *optionValue) String() string { return strings.Join(v.opt.Get(v.opts), ",") }

func (v *optionValue) Set(s string) error {
	if v.opt.Multi {
		v.opt.Set(v.opts, append(v.opt.Get(v.opts), splitList(s)...))
		return nil
	}
	v.opt.Set(v.opts, []string{s})
	return nil
}

func (v *optionValue) Type() string {
	if v.opt.Multi {
		return "strings"
	}
	if len(v.opt.Choices) > 0 {
		return strings.Join(v.opt.Choices, "|")
	}
	return "string"
}

// splitList splits a list answer on commas and newlines.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func addAnswerFlags(cmd *cobra.Command, withYes bool) *answerFlags {
	f := &answerFlags{}
	for _, opt := range options.OptionTable() {
		cmd.Flags().Var(&optionValue{opt: opt, opts: &f.opts}, opt.Field, opt.Usage)
		choices := opt.Choices
		if opt.Multi {
			choices = options.DefaultRedirectHosts
		}
		if len(choices) > 0 {
			completions := make([]string, len(choices))
			for i, c := range choices {
				completions[i] = c
				if opt.ChoiceHelp != nil {
					completions[i] += "\t" + opt.ChoiceHelp(c)
				}
			}
			cmd.RegisterFlagCompletionFunc(opt.Field, cobra.FixedCompletions(completions, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	if withYes {
		cmd.Flags().BoolVarP(&f.yes, "yes", "y", false, "never prompt; take the defaults for anything not given")
		cmd.Flags().BoolVar(&f.accessible, "accessible", os.Getenv("ACCESSIBLE") != "",
			"plain-text prompts for screen readers and simple terminals (also ACCESSIBLE=1)")
	}
	return f
}

// isTerminal reports whether r is an interactive terminal. It asks the
// terminal driver rather than checking for a character device: /dev/null,
// which CI systems pass as stdin, is a character device but no terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// equivalentCommand prints the non-interactive command that gives the same
// answers, so a prompted run can be repeated in a script.
func equivalentCommand(verb, dir string, o options.Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "mcp-oauth %s", verb)
	if dir != "." {
		fmt.Fprintf(&b, " %s", shellQuote(dir))
	}
	for _, opt := range options.OptionTable() {
		if v := opt.Get(&o); len(v) > 0 {
			fmt.Fprintf(&b, " --%s %s", opt.Field, shellQuote(strings.Join(v, ",")))
		}
	}
	b.WriteString(" --yes")
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./,:@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
