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

// The answers file's own keys, besides the options'.
const (
	keySchema    = "schema"
	keyGenerator = "generator"
)

// Answers is the content of mcp-oauth.yaml.
type Answers struct {
	Schema    int
	Generator string
	Options   options.Options
}

const header = "# Answers of `mcp-oauth init`. Edit them (or pass option flags to\n" +
	"# `mcp-oauth generate`) and run `mcp-oauth generate` to re-render the project.\n"

// Marshal renders the answers file for opts, written by the given generator
// version: every option of the table in its order, optional ones only when
// answered.
func Marshal(opts options.Options, generator string) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, value any) error {
		var v yaml.Node
		if err := v.Encode(value); err != nil {
			return fmt.Errorf("encoding %s: field %s: %w", File, key, err)
		}
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &v)
		return nil
	}
	if err := add(keySchema, Schema); err != nil {
		return nil, err
	}
	if err := add(keyGenerator, generator); err != nil {
		return nil, err
	}
	for _, opt := range options.OptionTable() {
		v := opt.Get(&opts)
		var err error
		switch {
		case opt.Optional && len(v) == 0:
			continue
		case opt.Multi:
			err = add(opt.Key, v)
		default:
			err = add(opt.Key, strings.Join(v, ""))
		}
		if err != nil {
			return nil, err
		}
	}
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

// keys returns the keys an answers file may hold, in the order Marshal
// writes them; with requiredOnly, those it always writes.
func keys(requiredOnly bool) []string {
	out := []string{keySchema}
	if !requiredOnly {
		out = append(out, keyGenerator)
	}
	for _, opt := range options.OptionTable() {
		if !requiredOnly || !opt.Optional {
			out = append(out, opt.Key)
		}
	}
	return out
}

// list writes keys as "a, b and c".
func list(keys []string) string {
	if len(keys) < 2 {
		return strings.Join(keys, "")
	}
	return strings.Join(keys[:len(keys)-1], ", ") + " and " + keys[len(keys)-1]
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
		return nil, fmt.Errorf("%s: the file is empty; expected the keys %s", File, list(keys(true)))
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: expected a mapping of answers (key: value lines)", File, doc.Line)
	}
	byKey := map[string]options.Option{}
	for _, opt := range options.OptionTable() {
		byKey[opt.Key] = opt
	}
	a := &Answers{}
	lines := map[string]int{}
	var errs []error
	fail := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", File, n.Line, fmt.Sprintf(format, args...)))
	}
	scalar := func(key, value *yaml.Node) (string, bool) {
		switch {
		case value.Tag == "!!null" && (value.LineComment != "" || key.LineComment != ""):
			// An unquoted value starting with # (a colour) is a comment.
			comment := value.LineComment + key.LineComment
			fail(value, "field %s: expected a value in quotes, such as %s: %q (YAML reads an unquoted # as a comment)",
				key.Value, key.Value, comment)
			return "", false
		case value.Kind != yaml.ScalarNode || value.Tag == "!!null":
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
		opt, isOption := byKey[key.Value]
		switch {
		case key.Value == keySchema:
			if err := value.Decode(&a.Schema); err != nil || value.Kind != yaml.ScalarNode {
				fail(value, "field schema: expected a whole number")
			}
		case key.Value == keyGenerator:
			a.Generator, _ = scalar(key, value)
		case !isOption:
			fail(key, "unknown field %q; known fields are %s", key.Value, strings.Join(keys(false), ", "))
		case opt.Multi:
			if value.Kind != yaml.SequenceNode {
				fail(value, "field %s: expected a list of %ss, one \"- %s\" line each", key.Value, opt.Entry, opt.Entry)
				continue
			}
			var entries []string
			for _, item := range value.Content {
				if item.Kind != yaml.ScalarNode {
					fail(item, "field %s: each entry is a single %s", key.Value, opt.Entry)
					continue
				}
				entries = append(entries, item.Value)
				lines[entryKey(opt.Key, item.Value)] = item.Line
			}
			opt.Set(&a.Options, entries)
		default:
			if v, ok := scalar(key, value); ok {
				opt.Set(&a.Options, []string{v})
			}
		}
	}
	switch {
	case !seen[keySchema]:
		errs = append(errs, fmt.Errorf("%s: field schema is missing (this project's answers need `schema: %d`)", File, Schema))
	case a.Schema > Schema:
		errs = append(errs, fmt.Errorf("%s:%d: field schema: version %d is newer than this mcp-oauth understands (%d); upgrade mcp-oauth",
			File, lines[keySchema], a.Schema, Schema))
	case a.Schema < 1:
		errs = append(errs, fmt.Errorf("%s:%d: field schema: expected %d", File, lines[keySchema], Schema))
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
	byField := map[string]options.Option{}
	for _, opt := range options.OptionTable() {
		byField[opt.Field] = opt
	}
	var located []error
	for _, e := range unwrapJoined(err) {
		var fe *options.FieldError
		if errors.As(e, &fe) {
			opt := byField[fe.Field]
			line, ok := lines[opt.Key]
			if itemLine, found := lines[entryKey(opt.Key, fe.Value)]; opt.Multi && found {
				line, ok = itemLine, true // the entry's own line, not the list's
			}
			if ok {
				located = append(located, fmt.Errorf("%s:%d: field %s: %q: %s", File, line, opt.Key, fe.Value, fe.Reason))
			} else {
				located = append(located, fmt.Errorf("%s: field %s is missing: %s", File, opt.Key, fe.Reason))
			}
			continue
		}
		located = append(located, fmt.Errorf("%s: %w", File, e))
	}
	return errors.Join(located...)
}

// entryKey is the key under which Parse records the line of an entry of a
// list option, normalized as Options.Normalize normalizes list entries.
func entryKey(key, entry string) string {
	return key + "[" + strings.ToLower(strings.TrimSpace(entry)) + "]"
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
