package options

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// Branding options: how the pages people see (consent, sign-in, errors)
// present the generated server. All are optional; they are rendered into
// the project's internal/project/project.gen.go and logo.gen.go, so they
// survive every `generate`.
const (
	FieldDisplayName = "display-name"
	FieldLogo        = "logo"
	FieldAccentColor = "accent-color"
	FieldSupportURL  = "support-url"
)

// maxLogoBytes bounds the logo: it is built into the binary and sent with
// every page view.
const maxLogoBytes = 512 << 10

// logoTypes maps the logo file extensions browsers display to media types.
var logoTypes = map[string]string{
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".svg":  "image/svg+xml",
	".ico":  "image/x-icon",
}

// Branding is the branding as templates see it (.Branding).
type Branding struct {
	DisplayName string
	// Logo is the logo's path in the project, embedded by logo.gen.go;
	// LogoType is its media type.
	Logo        string
	LogoType    string
	AccentColor string
	SupportURL  string
}

func (o Options) Branding() Branding {
	return Branding{
		DisplayName: o.DisplayName,
		Logo:        o.Logo,
		LogoType:    logoTypes[strings.ToLower(path.Ext(o.Logo))],
		AccentColor: o.AccentColor,
		SupportURL:  o.SupportURL,
	}
}

func brandingOptions() []Option {
	text := func(field, key, usage string, get func(*Options) *string) Option {
		return Option{
			Field: field, Key: key, Title: usage, Usage: usage, Optional: true,
			Get: func(o *Options) []string { return nonEmpty(*get(o)) },
			Set: func(o *Options, v []string) {
				*get(o) = ""
				if len(v) > 0 {
					*get(o) = v[0]
				}
			},
		}
	}
	return []Option{
		text(FieldDisplayName, "display_name", "name shown on the consent, sign-in and error pages (default: the server name)",
			func(o *Options) *string { return &o.DisplayName }),
		text(FieldLogo, "logo", "logo on every page: an image file in the project ("+logoExtensions()+"), e.g. branding/logo.svg",
			func(o *Options) *string { return &o.Logo }),
		text(FieldAccentColor, "accent_color", "colour of the approving button, #rrggbb (its text is black or white, whichever reads better)",
			func(o *Options) *string { return &o.AccentColor }),
		text(FieldSupportURL, "support_url", "help link at the bottom of every page: an https:// or mailto: URL",
			func(o *Options) *string { return &o.SupportURL }),
	}
}

func logoExtensions() string {
	return ".png, .jpg, .gif, .webp, .svg or .ico"
}

// normalizeBranding trims the branding answers and writes colours in lower
// case #rrggbb.
func (o Options) normalizeBranding() Options {
	o.DisplayName = strings.TrimSpace(o.DisplayName)
	o.Logo = strings.TrimSpace(o.Logo)
	o.SupportURL = strings.TrimSpace(o.SupportURL)
	o.AccentColor = strings.ToLower(strings.TrimSpace(o.AccentColor))
	if m := shortColorRE.FindStringSubmatch(o.AccentColor); m != nil {
		o.AccentColor = "#" + m[1] + m[1] + m[2] + m[2] + m[3] + m[3]
	}
	return o
}

var (
	colorRE      = regexp.MustCompile(`^#[0-9a-f]{6}$`)
	shortColorRE = regexp.MustCompile(`^#([0-9a-f])([0-9a-f])([0-9a-f])$`)
	// logoPathRE is what go:embed accepts as a file name, and a little
	// less: no quotes, spaces or other characters needing care.
	logoPathRE = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$`)
)

// validateBranding checks one branding answer; empty means unset.
func (o Options) validateBranding(field string) error {
	switch field {
	case FieldDisplayName:
		if o.DisplayName == "" {
			return nil
		}
		if len([]rune(o.DisplayName)) > 60 || strings.IndexFunc(o.DisplayName, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			return &FieldError{FieldDisplayName, o.DisplayName, "a display name is at most 60 printable characters, such as Acme Tools"}
		}
	case FieldLogo:
		if o.Logo == "" {
			return nil
		}
		if !logoPathRE.MatchString(o.Logo) || strings.Contains(o.Logo, "..") {
			return &FieldError{FieldLogo, o.Logo,
				"the logo is a file inside the project, given by a relative path of letters, digits, '.', '-', '_' and '/' (such as branding/logo.svg)"}
		}
		if logoTypes[strings.ToLower(path.Ext(o.Logo))] == "" {
			return &FieldError{FieldLogo, o.Logo, "the logo must be an image browsers show: " + logoExtensions()}
		}
	case FieldAccentColor:
		if o.AccentColor != "" && !colorRE.MatchString(o.AccentColor) {
			return &FieldError{FieldAccentColor, o.AccentColor, "write a colour as #rrggbb or #rgb, such as #6d28d9"}
		}
	case FieldSupportURL:
		if o.SupportURL == "" {
			return nil
		}
		u, err := url.Parse(o.SupportURL)
		if err != nil || !(u.Scheme == "https" && u.Host != "" || u.Scheme == "mailto" && u.Opaque != "") {
			return &FieldError{FieldSupportURL, o.SupportURL, "write an https:// URL (https://example.com/help) or a mailto: address (mailto:help@example.com)"}
		}
	}
	return nil
}

// CheckProjectFiles checks the files in dir that the answers refer to:
// the logo must exist there, be a regular file and be small enough.
func CheckProjectFiles(dir string, o Options) error {
	if o.Logo == "" {
		return nil
	}
	info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(o.Logo)))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &FieldError{FieldLogo, o.Logo, fmt.Sprintf("no such file in the project; put the image at %s and run `mcp-oauth generate`",
			filepath.Join(dir, filepath.FromSlash(o.Logo)))}
	case err != nil:
		return &FieldError{FieldLogo, o.Logo, err.Error()}
	case !info.Mode().IsRegular():
		return &FieldError{FieldLogo, o.Logo, "not a regular file"}
	case info.Size() > maxLogoBytes:
		return &FieldError{FieldLogo, o.Logo, fmt.Sprintf("%d KiB is too large for a logo sent with every page; at most %d KiB", info.Size()>>10, maxLogoBytes>>10)}
	}
	return nil
}
