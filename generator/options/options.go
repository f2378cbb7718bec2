// Package options holds the answers that determine a generated project:
// [Options], the option table every flag, prompt and answers-file key is
// built from ([OptionTable]), their defaults, normalization and validation.
package options

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/module"

	"github.com/mcp-oauth/mcp-oauth/generator/catalog"
)

// DefaultRedirectHosts are the redirect targets of the well-known hosted and
// native MCP clients (Claude, ChatGPT, Cursor, VS Code). Loopback redirect
// URIs (http://localhost, 127.0.0.1, [::1] on any port) are always allowed
// and need no entry.
var DefaultRedirectHosts = []string{
	"claude.ai", "claude.com", "chatgpt.com", "www.cursor.com", "vscode.dev", "insiders.vscode.dev", "cursor://", "vscode://",
}

// Options are the answers that determine a generated project.
type Options struct {
	Name          string
	Module        string
	Provider      string
	Store         string
	RedirectHosts []string
	// Branding of the pages people see; every field is optional (see
	// branding.go).
	DisplayName string
	Logo        string
	AccentColor string
	SupportURL  string
}

// Field names, shared by flags, prompts, the answers file and error messages.
const (
	FieldName         = "name"
	FieldModule       = "module"
	FieldProvider     = "provider"
	FieldStore        = "store"
	FieldRedirectHost = "redirect-host"
)

// Option describes one answer: the single table from which the CLI builds its
// flags, its prompts and its help text, so they cannot disagree.
type Option struct {
	// Field is the flag name and the name used in error messages.
	Field string
	// Key is the option's key in the answers file (mcp-oauth.yaml).
	Key string
	// Title is the prompt's question.
	Title string
	// Usage is the flag's help text.
	Usage string
	// Choices are the accepted values of an enumerated option.
	Choices []string
	// ChoiceHelp describes one choice, for prompts and help text.
	ChoiceHelp func(choice string) string
	// Multi marks a list option (repeatable, comma-separated).
	Multi bool
	// Entry names one entry of a list option, for messages ("host").
	Entry string
	// Optional marks an option that may stay unanswered: it is never
	// prompted for and has no default.
	Optional bool
	// Default returns the value used with --yes, given the target directory.
	Default func(dir string, o Options) []string
	// Get and Set read and write the option on Options.
	Get func(o *Options) []string
	Set func(o *Options, v []string)
}

// OptionTable returns every option in prompt order.
func OptionTable() []Option {
	one := func(v string) []string { return []string{v} }
	first := func(v []string) string {
		if len(v) == 0 {
			return ""
		}
		return v[0]
	}
	return append([]Option{
		{
			Field: FieldName, Key: "name",
			Title:   "Server name",
			Usage:   "server name: the MCP implementation name and the binary name (default: the directory's base name)",
			Default: func(dir string, _ Options) []string { return one(DefaultName(dir)) },
			Get:     func(o *Options) []string { return nonEmpty(o.Name) },
			Set:     func(o *Options, v []string) { o.Name = first(v) },
		},
		{
			Field: FieldModule, Key: "module",
			Title:   "Go module path",
			Usage:   "Go module path of the generated project (default: example.com/<name>)",
			Default: func(dir string, o Options) []string { return one("example.com/" + o.Name) },
			Get:     func(o *Options) []string { return nonEmpty(o.Module) },
			Set:     func(o *Options, v []string) { o.Module = first(v) },
		},
		{
			Field: FieldProvider, Key: "provider",
			Title:   "Upstream login provider",
			Usage:   "upstream login provider: " + strings.Join(catalog.ProviderIDs(), ", ") + " (default: github)",
			Choices: catalog.ProviderIDs(),
			ChoiceHelp: func(id string) string {
				p, err := catalog.LookupProvider(id)
				if err != nil {
					return ""
				}
				return p.DisplayName
			},
			Default: func(string, Options) []string { return one("github") },
			Get:     func(o *Options) []string { return nonEmpty(o.Provider) },
			Set:     func(o *Options, v []string) { o.Provider = first(v) },
		},
		{
			Field: FieldStore, Key: "store",
			Title:      "Store backend",
			Usage:      "store backend: " + strings.Join(catalog.Stores, ", ") + " (default: sqlite)",
			Choices:    catalog.Stores,
			ChoiceHelp: catalog.StoreHelp,
			Default:    func(string, Options) []string { return one("sqlite") },
			Get:        func(o *Options) []string { return nonEmpty(o.Store) },
			Set:        func(o *Options, v []string) { o.Store = first(v) },
		},
		{
			Field: FieldRedirectHost, Key: "redirect_hosts",
			Title: "Allowed redirect hosts",
			Usage: "allowed redirect target, repeatable or comma-separated: a host (claude.ai), a wildcard subdomain (*.example.com) " +
				"or a native app scheme (cursor://); loopback is always allowed (default: " + strings.Join(DefaultRedirectHosts, ",") + ")",
			Multi:   true,
			Entry:   "host",
			Default: func(string, Options) []string { return slices.Clone(DefaultRedirectHosts) },
			Get:     func(o *Options) []string { return slices.Clone(o.RedirectHosts) },
			Set:     func(o *Options, v []string) { o.RedirectHosts = slices.Clone(v) },
		},
	}, brandingOptions()...)
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Missing returns the fields that have no answer yet.
func (o Options) Missing() []string {
	var missing []string
	for _, opt := range OptionTable() {
		if len(opt.Get(&o)) == 0 && !opt.Optional {
			missing = append(missing, opt.Field)
		}
	}
	return missing
}

// WithDefaults fills every unanswered field with its default for dir.
func (o Options) WithDefaults(dir string) Options {
	for _, opt := range OptionTable() {
		if len(opt.Get(&o)) == 0 && !opt.Optional {
			opt.Set(&o, opt.Default(dir, o))
		}
	}
	return o
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// DefaultName derives a server name from a directory: its base name, lower
// case, with anything but letters, digits, '-' and '_' replaced by '-'.
func DefaultName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	base := strings.ToLower(filepath.Base(abs))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-_")
	if name == "" || !nameRE.MatchString(name) {
		name = "mcp-" + name
		name = strings.TrimRight(name, "-")
	}
	if !nameRE.MatchString(name) {
		return "mcp-server"
	}
	return name
}

// FieldError is an invalid answer: it names the field, the value and the
// accepted form.
type FieldError struct {
	Field  string
	Value  string
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("--%s %q: %s", e.Field, e.Value, e.Reason)
}

// Normalize trims and splits list answers (comma-separated entries), lower
// cases hosts and drops duplicates, keeping the order given.
func (o Options) Normalize() Options {
	o.Name = strings.TrimSpace(o.Name)
	o.Module = strings.TrimSpace(o.Module)
	o.Provider = strings.ToLower(strings.TrimSpace(o.Provider))
	o.Store = strings.ToLower(strings.TrimSpace(o.Store))
	var hosts []string
	for _, entry := range o.RedirectHosts {
		for _, h := range strings.Split(entry, ",") {
			h = strings.ToLower(strings.TrimSpace(h))
			if h != "" && !slices.Contains(hosts, h) {
				hosts = append(hosts, h)
			}
		}
	}
	o.RedirectHosts = hosts
	return o.normalizeBranding()
}

// Validate checks every answer and returns all problems at once.
func (o Options) Validate() error {
	var errs []error
	for _, opt := range OptionTable() {
		if err := o.ValidateField(opt.Field); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ValidateField checks the answer of one field (see the Field constants).
func (o Options) ValidateField(field string) error {
	switch field {
	case FieldName:
		if !nameRE.MatchString(o.Name) {
			return &FieldError{FieldName, o.Name,
				"a server name is 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter (for example my-server)"}
		}
	case FieldModule:
		if err := validateModule(o.Module); err != nil {
			return &FieldError{FieldModule, o.Module, err.Error()}
		}
	case FieldProvider:
		if _, err := catalog.LookupProvider(o.Provider); err != nil {
			return &FieldError{FieldProvider, o.Provider,
				"unknown provider; accepted values: " + strings.Join(catalog.ProviderIDs(), ", ") + " (see `mcp-oauth providers`)"}
		}
	case FieldStore:
		if !slices.Contains(catalog.Stores, o.Store) {
			return &FieldError{FieldStore, o.Store, "unknown store; accepted values: " + strings.Join(catalog.Stores, ", ")}
		}
	case FieldRedirectHost:
		if len(o.RedirectHosts) == 0 {
			return &FieldError{FieldRedirectHost, "",
				"at least one redirect host is needed (loopback is always allowed in addition)"}
		}
		var errs []error
		for _, h := range o.RedirectHosts {
			if err := ValidateRedirectHost(h); err != nil {
				errs = append(errs, &FieldError{FieldRedirectHost, h, err.Error()})
			}
		}
		return errors.Join(errs...)
	case FieldDisplayName, FieldLogo, FieldAccentColor, FieldSupportURL:
		return o.validateBranding(field)
	default:
		return fmt.Errorf("unknown field %q", field)
	}
	return nil
}

func validateModule(path string) error {
	if path == "" {
		return errors.New("a module path is required, like example.com/my-server or github.com/you/my-server")
	}
	if err := module.CheckImportPath(path); err != nil {
		return fmt.Errorf("not a valid Go module path (%v); write it like example.com/my-server or github.com/you/my-server", unwrapModuleErr(err))
	}
	if strings.HasSuffix(path, "/") || strings.Contains(path, "//") {
		return errors.New("not a valid Go module path; write it like example.com/my-server")
	}
	return nil
}

func unwrapModuleErr(err error) error {
	var ie *module.InvalidPathError
	if errors.As(err, &ie) && ie.Err != nil {
		return ie.Err
	}
	return err
}

var (
	schemeRE = regexp.MustCompile(`^[a-z][a-z0-9+.-]*://$`)
	labelRE  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// forbiddenSchemes can never be a native app's redirect scheme: web schemes
// are covered by host entries, and the others execute or read content.
var forbiddenSchemes = []string{"http", "https", "javascript", "data", "file", "vbscript", "blob", "about", "ftp", "ws", "wss"}

const redirectHostForm = "write a host (claude.ai), a wildcard subdomain (*.example.com) or a native app scheme (cursor://)"

// ValidateRedirectHost checks one redirect-host entry: a host name, a host
// name whose first label is '*', or a private-use URI scheme written
// "scheme://".
func ValidateRedirectHost(h string) error {
	if strings.Contains(h, "://") {
		if !schemeRE.MatchString(h) {
			if scheme, _, _ := strings.Cut(h, "://"); scheme == "http" || scheme == "https" {
				return fmt.Errorf("a host is written without a scheme or path; %s", redirectHostForm)
			}
			return fmt.Errorf("a native app scheme is written as the scheme name followed by ://, nothing after it; %s", redirectHostForm)
		}
		scheme := strings.TrimSuffix(h, "://")
		if slices.Contains(forbiddenSchemes, scheme) {
			return fmt.Errorf("the %s scheme is not allowed as a native app scheme; %s", scheme, redirectHostForm)
		}
		return nil
	}
	switch {
	case strings.ContainsAny(h, "/?#"):
		return fmt.Errorf("a host has no path, query or fragment; %s", redirectHostForm)
	case strings.Contains(h, ":"):
		if strings.HasPrefix(h, "javascript:") || strings.HasPrefix(h, "data:") || strings.HasPrefix(h, "file:") {
			return fmt.Errorf("dangerous schemes are never allowed; %s", redirectHostForm)
		}
		return fmt.Errorf("a host has no port (loopback redirects are allowed on any port without an entry); %s", redirectHostForm)
	}
	labels := strings.Split(h, ".")
	for i, l := range labels {
		if l == "*" {
			if i != 0 {
				return fmt.Errorf("a wildcard may only be the first label; %s", redirectHostForm)
			}
			if len(labels) < 3 {
				return fmt.Errorf("a wildcard must be followed by a registrable domain of at least two labels; %s", redirectHostForm)
			}
			continue
		}
		if strings.Contains(l, "*") {
			return fmt.Errorf("a wildcard may only be the whole first label; %s", redirectHostForm)
		}
		if !labelRE.MatchString(l) {
			return fmt.Errorf("not a valid host name; %s", redirectHostForm)
		}
	}
	if len(h) > 253 {
		return fmt.Errorf("a host name is at most 253 characters; %s", redirectHostForm)
	}
	return nil
}
