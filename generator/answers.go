package generator

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// AnswersSchema is the version of the answers file's shape. Bump it when
// the shape changes and teach ParseAnswers to migrate the older one.
const AnswersSchema = 1

// Answers is the content of mcp-oauth.yaml.
type Answers struct {
	Schema    int
	Generator string
	Options   Options
}

const answersHeader = "# Answers of `mcp-oauth init`. Edit them (or pass option flags to\n" +
	"# `mcp-oauth generate`) and run `mcp-oauth generate` to re-render the project.\n"

// MarshalAnswers renders the answers file for opts.
func MarshalAnswers(opts Options) ([]byte, error) {
	doc := struct {
		Schema        int      `yaml:"schema"`
		Generator     string   `yaml:"generator"`
		Name          string   `yaml:"name"`
		Module        string   `yaml:"module"`
		Provider      string   `yaml:"provider"`
		Store         string   `yaml:"store"`
		RedirectHosts []string `yaml:"redirect_hosts"`
		DisplayName   string   `yaml:"display_name,omitempty"`
		Logo          string   `yaml:"logo,omitempty"`
		AccentColor   string   `yaml:"accent_color,omitempty"`
		SupportURL    string   `yaml:"support_url,omitempty"`
	}{AnswersSchema, Version(), opts.Name, opts.Module, opts.Provider, opts.Store, opts.RedirectHosts,
		opts.DisplayName, opts.Logo, opts.AccentColor, opts.SupportURL}
	var buf bytes.Buffer
	buf.WriteString(answersHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", AnswersFile, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", AnswersFile, err)
	}
	return buf.Bytes(), nil
}

// ParseAnswers reads an answers file. Errors name the file, the line and the
// field; the options are validated like flags, so a hand edit that breaks
// them is reported before anything is rendered.
func ParseAnswers(src []byte) (*Answers, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", AnswersFile, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: the file is empty; expected the keys schema, name, module, provider, store and redirect_hosts", AnswersFile)
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: expected a mapping of answers (key: value lines)", AnswersFile, doc.Line)
	}
	a := &Answers{}
	lines := map[string]int{}
	var errs []error
	fail := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", AnswersFile, n.Line, fmt.Sprintf(format, args...)))
	}
	scalar := func(key, value *yaml.Node) (string, bool) {
		if value.Kind != yaml.ScalarNode || value.Tag == "!!null" {
			fail(value, "field %s: expected a single value", key.Value)
			return "", false
		}
		return value.Value, true
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		key, value := doc.Content[i], doc.Content[i+1]
		if seen[key.Value] {
			fail(key, "field %s: given twice", key.Value)
			continue
		}
		seen[key.Value] = true
		lines[key.Value] = value.Line
		switch key.Value {
		case "schema":
			if err := value.Decode(&a.Schema); err != nil || value.Kind != yaml.ScalarNode {
				fail(value, "field schema: expected a whole number")
			}
		case "generator":
			a.Generator, _ = scalar(key, value)
		case "name":
			a.Options.Name, _ = scalar(key, value)
		case "module":
			a.Options.Module, _ = scalar(key, value)
		case "provider":
			a.Options.Provider, _ = scalar(key, value)
		case "store":
			a.Options.Store, _ = scalar(key, value)
		case "redirect_hosts":
			if value.Kind != yaml.SequenceNode {
				fail(value, "field redirect_hosts: expected a list of hosts, one \"- host\" line each")
				continue
			}
			for _, item := range value.Content {
				if item.Kind != yaml.ScalarNode {
					fail(item, "field redirect_hosts: each entry is a single host or scheme")
					continue
				}
				a.Options.RedirectHosts = append(a.Options.RedirectHosts, item.Value)
				lines[redirectHostKey(item.Value)] = item.Line
			}
		case "display_name":
			a.Options.DisplayName, _ = scalar(key, value)
		case "logo":
			a.Options.Logo, _ = scalar(key, value)
		case "accent_color":
			if value.Tag == "!!null" {
				// An unquoted #rrggbb is a YAML comment.
				fail(value, "field accent_color: expected a colour in quotes, such as accent_color: \"#6d28d9\" (YAML reads an unquoted # as a comment)")
				continue
			}
			a.Options.AccentColor, _ = scalar(key, value)
		case "support_url":
			a.Options.SupportURL, _ = scalar(key, value)
		default:
			fail(key, "unknown field %q; known fields are schema, generator, name, module, provider, store, redirect_hosts, "+
				"display_name, logo, accent_color, support_url", key.Value)
		}
	}
	switch {
	case !seen["schema"]:
		errs = append(errs, fmt.Errorf("%s: field schema is missing (this project's answers need `schema: %d`)", AnswersFile, AnswersSchema))
	case a.Schema > AnswersSchema:
		errs = append(errs, fmt.Errorf("%s:%d: field schema: version %d is newer than this mcp-oauth understands (%d); upgrade mcp-oauth",
			AnswersFile, lines["schema"], a.Schema, AnswersSchema))
	case a.Schema < 1:
		errs = append(errs, fmt.Errorf("%s:%d: field schema: expected %d", AnswersFile, lines["schema"], AnswersSchema))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	a.Options = a.Options.Normalize()
	if err := a.Options.Validate(); err != nil {
		return nil, locateFieldErrors(err, lines)
	}
	return a, nil
}

// locateFieldErrors rewrites option validation errors to point at the line
// of the answers file that holds the field.
func locateFieldErrors(err error, lines map[string]int) error {
	keyOf := map[string]string{}
	for _, opt := range OptionTable() {
		keyOf[opt.Field] = opt.Key
	}
	var located []error
	for _, e := range unwrapJoined(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			key := keyOf[fe.Field]
			line, ok := lines[key]
			if itemLine, found := lines[redirectHostKey(fe.Value)]; fe.Field == FieldRedirectHost && found {
				line, ok = itemLine, true // the entry's own line, not the list's
			}
			if ok {
				located = append(located, fmt.Errorf("%s:%d: field %s: %q: %s", AnswersFile, line, key, fe.Value, fe.Reason))
			} else {
				located = append(located, fmt.Errorf("%s: field %s is missing: %s", AnswersFile, key, fe.Reason))
			}
			continue
		}
		located = append(located, fmt.Errorf("%s: %w", AnswersFile, e))
	}
	return errors.Join(located...)
}

// redirectHostKey is the key under which ParseAnswers records the line of a
// redirect_hosts entry, normalized as Options.Normalize does.
func redirectHostKey(h string) string {
	return "redirect_hosts[" + strings.ToLower(strings.TrimSpace(h)) + "]"
}

// unwrapJoined flattens errors.Join trees into their leaves.
func unwrapJoined(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var leaves []error
	for _, e := range j.Unwrap() {
		leaves = append(leaves, unwrapJoined(e)...)
	}
	return leaves
}
