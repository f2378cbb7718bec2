// Package answers reads and writes the answers file, mcp-oauth.yaml: the
// options a project was generated with, kept at its root so that
// `mcp-oauth generate` can render it again. Its keys are the option table's
// (options.OptionTable), plus the file's own schema and generator version.
package answers

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-oauth/mcp-oauth/generator/options"
)

// File is the name of the answers file at the project root.
const File = "mcp-oauth.yaml"

// Schema is the version of the answers file's shape. Bump it when the shape
// changes and teach Parse to migrate the older one.
const Schema = 1

// Answers is the content of mcp-oauth.yaml.
type Answers struct {
	Schema    int
	Generator string
	Options   options.Options
}

const header = "# Answers of `mcp-oauth init`. Edit them (or pass option flags to\n" +
	"# `mcp-oauth generate`) and run `mcp-oauth generate` to re-render the project.\n"

// Marshal renders the answers file for opts, written by the given generator
// version.
func Marshal(opts options.Options, generator string) ([]byte, error) {
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
	}{Schema, generator, opts.Name, opts.Module, opts.Provider, opts.Store, opts.RedirectHosts,
		opts.DisplayName, opts.Logo, opts.AccentColor, opts.SupportURL}
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", File, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", File, err)
	}
	return buf.Bytes(), nil
}

// Parse reads an answers file. Errors name the file, the line and the
// field; the options are validated like flags, so a hand edit that breaks
// them is reported before anything is rendered.
func Parse(src []byte) (*Answers, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", File, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: the file is empty; expected the keys schema, name, module, provider, store and redirect_hosts", File)
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: expected a mapping of answers (key: value lines)", File, doc.Line)
	}
	a := &Answers{}
	lines := map[string]int{}
	var errs []error
	fail := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", File, n.Line, fmt.Sprintf(format, args...)))
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
		errs = append(errs, fmt.Errorf("%s: field schema is missing (this project's answers need `schema: %d`)", File, Schema))
	case a.Schema > Schema:
		errs = append(errs, fmt.Errorf("%s:%d: field schema: version %d is newer than this mcp-oauth understands (%d); upgrade mcp-oauth",
			File, lines["schema"], a.Schema, Schema))
	case a.Schema < 1:
		errs = append(errs, fmt.Errorf("%s:%d: field schema: expected %d", File, lines["schema"], Schema))
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

// Same reports whether two answers files hold the same answers, schema and
// generator version: comments and layout aside. A file that does not parse
// is the same only as itself.
func Same(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	x, err := Parse(a)
	if err != nil {
		return false
	}
	y, err := Parse(b)
	if err != nil {
		return false
	}
	// Every option counts, including ones added after this was written.
	return x.Schema == y.Schema && x.Generator == y.Generator && reflect.DeepEqual(x.Options, y.Options)
}

// locateFieldErrors rewrites option validation errors to point at the line
// of the answers file that holds the field.
func locateFieldErrors(err error, lines map[string]int) error {
	keyOf := map[string]string{}
	for _, opt := range options.OptionTable() {
		keyOf[opt.Field] = opt.Key
	}
	var located []error
	for _, e := range unwrapJoined(err) {
		var fe *options.FieldError
		if errors.As(e, &fe) {
			key := keyOf[fe.Field]
			line, ok := lines[key]
			if itemLine, found := lines[redirectHostKey(fe.Value)]; fe.Field == options.FieldRedirectHost && found {
				line, ok = itemLine, true // the entry's own line, not the list's
			}
			if ok {
				located = append(located, fmt.Errorf("%s:%d: field %s: %q: %s", File, line, key, fe.Value, fe.Reason))
			} else {
				located = append(located, fmt.Errorf("%s: field %s is missing: %s", File, key, fe.Reason))
			}
			continue
		}
		located = append(located, fmt.Errorf("%s: %w", File, e))
	}
	return errors.Join(located...)
}

// redirectHostKey is the key under which Parse records the line of a
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
