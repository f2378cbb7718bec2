package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/mcp-oauth/mcp-oauth/generator/options"
)

// prompt asks for every field in missing, with the defaults for dir
// pre-filled, and returns the completed options. In accessible mode the
// questions are plain lines on out, answered by lines on in.
func prompt(dir string, o options.Options, missing []string, accessible bool, in io.Reader, out io.Writer) (options.Options, error) {
	ask := map[string]bool{}
	for _, f := range missing {
		ask[f] = true
	}
	var fields []huh.Field
	values := map[string]*string{}
	for _, opt := range options.OptionTable() {
		if !ask[opt.Field] {
			continue
		}
		opt := opt
		value := new(string)
		values[opt.Field] = value
		validate := func(s string) error {
			if strings.TrimSpace(s) == "" {
				return nil // the default applies
			}
			candidate := o.WithDefaults(dir)
			opt.Set(&candidate, splitList(s))
			return candidate.Normalize().ValidateField(opt.Field)
		}
		switch {
		case len(opt.Choices) > 0:
			*value = opt.Default(dir, o)[0]
			options := make([]huh.Option[string], len(opt.Choices))
			for i, c := range opt.Choices {
				label := c
				if opt.ChoiceHelp != nil {
					label = fmt.Sprintf("%s: %s", c, opt.ChoiceHelp(c))
				}
				options[i] = huh.NewOption(label, c)
			}
			title := opt.Title
			if accessible {
				title += ":" // the numbered choices follow on the next lines
			}
			fields = append(fields, huh.NewSelect[string]().Title(title).Options(options...).Value(value))
		case opt.Multi:
			sep, title := "\n", opt.Title
			desc := "One per line; empty keeps the defaults. Loopback (localhost, 127.0.0.1, [::1]) is always allowed."
			if accessible {
				// Plain-text mode shows only the title: say what Enter keeps.
				sep = ","
				title = fmt.Sprintf("%s, comma-separated; loopback is always allowed (Enter keeps %s):",
					opt.Title, strings.Join(opt.Default(dir, o), ","))
			}
			*value = strings.Join(opt.Default(dir, o), sep)
			fields = append(fields, huh.NewText().Title(title).Description(desc).Value(value).Validate(validate))
		default:
			title := opt.Title
			if accessible {
				def := opt.Default(dir, o)[0]
				if opt.Field == options.FieldModule && ask[options.FieldName] {
					def = "example.com/<name>"
				}
				title = fmt.Sprintf("%s (Enter for %s):", opt.Title, def)
			}
			fields = append(fields, huh.NewInput().Title(title).
				PlaceholderFunc(func() string { return opt.Default(dir, currentAnswers(o, values))[0] }, values[options.FieldName]).
				Value(value).Validate(validate))
		}
	}
	form := huh.NewForm(huh.NewGroup(fields...)).WithAccessible(accessible).WithOutput(out)
	if accessible {
		form = form.WithInput(lineReader{in})
	} else {
		form = form.WithInput(in) // the terminal itself: bubbletea needs the *os.File
	}
	if err := form.Run(); err != nil {
		return o, fmt.Errorf("prompt: %w", err)
	}
	o = currentAnswers(o, values)
	return o.WithDefaults(dir), nil
}

// currentAnswers applies the answers typed so far to o.
func currentAnswers(o options.Options, values map[string]*string) options.Options {
	for _, opt := range options.OptionTable() {
		if v, ok := values[opt.Field]; ok {
			if list := splitList(*v); len(list) > 0 {
				opt.Set(&o, list)
			}
		}
	}
	return o
}

// lineReader hands out one byte per Read. huh's accessible prompts wrap the
// input in a new bufio.Scanner for every question; reading byte by byte keeps
// a scanner from swallowing the answers to later questions when the input is
// a pipe.
type lineReader struct{ r io.Reader }

func (l lineReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return l.r.Read(p[:1])
}
