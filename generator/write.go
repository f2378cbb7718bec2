package generator

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// EnvFile is the name of the local settings file written by init. It holds
// the encryption key and is never rendered again.
const EnvFile = ".env"

// NewEnv returns the content of a fresh .env: a random 32-byte
// ENCRYPTION_KEY (upstream tokens are sealed with it) and local development
// defaults.
func NewEnv() ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generating ENCRYPTION_KEY: %w", err)
	}
	return []byte("# Local settings; never commit this file (it is in .gitignore).\n" +
		"# ENCRYPTION_KEY seals upstream tokens at rest: keep it secret and stable.\n" +
		"ENCRYPTION_KEY=" + base64.StdEncoding.EncodeToString(key) + "\n" +
		"# Sign in with a local form instead of the upstream provider (loopback BASE_URL only).\n" +
		"DEV_LOGIN=1\n"), nil
}

// CheckEmpty returns an error unless dir is absent or an empty directory
// (a .git directory alone counts as empty).
func CheckEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	// A repository created with `git init` first is still an empty project:
	// nothing init writes can touch .git.
	entries = slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return e.Name() == ".git" })
	if len(entries) == 0 {
		return nil
	}
	names := make([]string, 0, 3)
	for _, e := range entries[:min(3, len(entries))] {
		names = append(names, e.Name())
	}
	more := ""
	if len(entries) > 3 {
		more = fmt.Sprintf(" and %d more", len(entries)-3)
	}
	return fmt.Errorf("%s is not empty (it holds %s%s): init writes only into an empty or new directory; use `mcp-oauth generate` to re-render an existing project",
		dir, strings.Join(names, ", "), more)
}

// WriteNew writes a freshly rendered project into dir, which must be absent
// or empty, with the bookkeeping regeneration needs (the manifest and the
// base copies of merged files, see [Bookkeeping]). Either every file is
// written or, on error, everything WriteNew created is removed again.
func WriteNew(dir string, files map[string][]byte) (err error) {
	if err := CheckEmpty(dir); err != nil {
		return err
	}
	bookkeeping, err := Bookkeeping(files, "")
	if err != nil {
		return err
	}
	files = maps.Clone(files)
	maps.Copy(files, bookkeeping)
	var created []string // files and directories, in creation order
	defer func() {
		if err == nil {
			return
		}
		for _, p := range slices.Backward(created) {
			os.Remove(p)
		}
	}()
	if _, statErr := os.Stat(dir); errors.Is(statErr, fs.ErrNotExist) {
		if err := mkdirAll(dir, &created); err != nil {
			return err
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := mkdirAll(filepath.Dir(target), &created); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[p], filePerm(p)); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		created = append(created, target)
	}
	return nil
}

// filePerm keeps the secrets file private to its owner.
func filePerm(p string) fs.FileMode {
	if p == EnvFile {
		return 0o600
	}
	return 0o644
}

// mkdirAll creates dir and its missing parents, recording each one created.
func mkdirAll(dir string, created *[]string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := mkdirAll(filepath.Dir(dir), created); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	*created = append(*created, dir)
	return nil
}
