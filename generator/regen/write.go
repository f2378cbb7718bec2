package regen

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

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
// or empty, with the bookkeeping regeneration needs (the manifest of
// generatorVersion and the base copies of merged files, see bookkeeping)
// and the untracked files given. Either every file is written or, on error,
// everything WriteNew created is removed again.
func WriteNew(dir string, files map[string][]byte, generatorVersion string, untracked ...Untracked) (err error) {
	if err := CheckEmpty(dir); err != nil {
		return err
	}
	bookkeeping, err := bookkeeping(files, generatorVersion)
	if err != nil {
		return err
	}
	files = maps.Clone(files)
	maps.Copy(files, bookkeeping)
	private := map[string]bool{}
	for _, u := range untracked {
		if _, ok := files[u.Path]; ok {
			return fmt.Errorf("untracked file %s is also rendered or given twice", u.Path)
		}
		files[u.Path] = u.Content
		private[u.Path] = u.Private
	}
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
		if err := os.WriteFile(target, files[p], filePerm(private[p])); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		created = append(created, target)
	}
	return nil
}

// bookkeeping returns the files that record a freshly rendered project for
// later regeneration: the manifest and the base copies of merged files, by
// slash-separated path. [WriteNew] writes them with the project.
func bookkeeping(files map[string][]byte, generatorVersion string) (map[string][]byte, error) {
	m := NewManifest(generatorVersion)
	out := map[string][]byte{}
	for p, content := range files {
		if p == MetaDir || strings.HasPrefix(p, MetaDir+"/") {
			// Bookkeeping given back in (a copied project tree) is
			// replaced, not recorded.
			continue
		}
		if err := checkProjectPath(p); err != nil {
			return nil, fmt.Errorf("rendered file: %w", err)
		}
		owner := OwnerOf(p, content)
		m.Files[p] = Entry{Owner: owner, SHA256: Hash(content)}
		if hasBase(p, owner) {
			out[basePath(p)] = content
		}
	}
	data, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	out[ManifestFile] = data
	return out, nil
}

// filePerm is the mode of a new file: private files are their owner's
// alone.
func filePerm(private bool) fs.FileMode {
	if private {
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
