package options

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckProjectFiles(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "branding", "dir.png"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "branding", "logo.svg"), []byte("<svg/>"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "branding", "huge.png"), make([]byte, maxLogoBytes+1), 0o644))
	for logo, want := range map[string]string{
		"":                  "",
		"branding/logo.svg": "",
		"branding/none.svg": "no such file in the project",
		"branding/dir.png":  "not a regular file",
		"branding/huge.png": "too large",
	} {
		err := CheckProjectFiles(dir, Options{Logo: logo})
		switch {
		case want == "" && err != nil:
			t.Errorf("logo %q: %v", logo, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--logo")):
			t.Errorf("logo %q: error %v, want one naming --logo and saying %q", logo, err, want)
		}
	}
}
