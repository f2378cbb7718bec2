package regen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// RefusedError reports generator-owned files the user edited. Nothing was
// written.
type RefusedError struct{ Paths []string }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("not regenerating: you edited generated file(s) %s; move your changes to a file without the \"DO NOT EDIT\" header (such as tools.go), or run `mcp-oauth generate --force` to overwrite them",
		strings.Join(e.Paths, ", "))
}

// ConflictError reports shared files written with conflict markers. Every
// other change was applied.
type ConflictError struct{ Paths []string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("merge conflicts in %s: edit the blocks between <<<<<<< and >>>>>>>, keeping what you want, then run `mcp-oauth generate` again",
		strings.Join(e.Paths, ", "))
}

// Apply carries the plan out in dir. If any overwrite was refused it
// writes nothing and returns a [*RefusedError]. Otherwise every file is
// written through a temporary file renamed into place, unchanged files are
// not touched (their mtimes survive), stale files are removed, and the
// manifest and base copies are updated last. If shared files were written
// with conflict markers, Apply returns a [*ConflictError] after writing.
func (p *Plan) Apply(dir string) error {
	if refused := p.Refused(); len(refused) > 0 {
		return &RefusedError{Paths: refused}
	}
	for _, c := range p.Pending() {
		switch {
		case c.Action == ActionRemove:
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(c.Path))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing %s: %w", c.Path, err)
			}
			removeEmptyParents(dir, c.Path)
		default:
			if err := writeProjectFile(dir, c.Path, c.New, permFor(dir, c)); err != nil {
				return err
			}
		}
	}
	// Bookkeeping: base copies of merged files, then the manifest.
	for _, c := range p.Changes {
		switch {
		case c.base != nil:
			if err := writeIfChanged(dir, basePath(c.Path), c.base); err != nil {
				return err
			}
		case c.Action == ActionRemove || c.Action == ActionKeepStale:
			if err := RemoveBase(dir, c.Path); err != nil {
				return err
			}
			removeEmptyParents(dir, basePath(c.Path))
		}
	}
	data, err := p.manifest.Marshal()
	if err != nil {
		return err
	}
	if err := writeIfChanged(dir, ManifestFile, data); err != nil {
		return err
	}
	if conflicts := p.Conflicts(); len(conflicts) > 0 {
		return &ConflictError{Paths: conflicts}
	}
	return nil
}

// permFor keeps the mode of a file being replaced (the user may have made
// a script executable) and uses the generator's default for a new one.
func permFor(dir string, c FileChange) fs.FileMode {
	if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c.Path))); err == nil {
		return info.Mode().Perm()
	}
	return filePerm(c.private)
}

// writeIfChanged writes a bookkeeping file unless it already has data.
func writeIfChanged(dir, p string, data []byte) error {
	if cur, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p))); err == nil && bytes.Equal(cur, data) {
		return nil
	}
	return writeProjectFile(dir, p, data, 0o644)
}

// removeEmptyParents removes the directories above p that the removal left
// empty, up to (not including) dir.
func removeEmptyParents(dir, p string) {
	for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
		if os.Remove(filepath.Join(dir, filepath.FromSlash(d))) != nil {
			return // not empty, or not removable: leave it
		}
	}
}

// writeProjectFile writes data to the slash-separated path p in dir through
// a temporary file renamed into place, so that a reader (or a crash) sees
// either the old content or the new, never half of it. Missing parent
// directories are created.
func writeProjectFile(dir, p string, data []byte, perm fs.FileMode) error {
	target := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".mcp-oauth-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}
