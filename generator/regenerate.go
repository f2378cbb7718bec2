package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"golang.org/x/mod/semver"
)

// Action is what regeneration does with one file.
type Action int

const (
	// ActionUnchanged: the file already has the content it should have.
	ActionUnchanged Action = iota
	// ActionCreate: a file the project does not have yet is written.
	ActionCreate
	// ActionUpdate: a generator-owned file (or the answers file) is
	// rewritten with the new render.
	ActionUpdate
	// ActionMerge: a shared file (or go.sum) is rewritten with the clean
	// merge of the user's edits and the new render.
	ActionMerge
	// ActionConflict: a shared file is rewritten with conflict markers
	// where the user's edits and the new render collide, or still holds
	// the markers of an earlier conflict; regeneration reports failure.
	ActionConflict
	// ActionRefuse: a generator-owned file the user edited would be
	// overwritten; nothing at all is written unless forced.
	ActionRefuse
	// ActionOverwrite: a generator-owned file the user edited is
	// overwritten because of --force.
	ActionOverwrite
	// ActionKeep: a user-owned file exists; it is never touched.
	ActionKeep
	// ActionRemove: a file the generator no longer renders, unmodified
	// since it was written, is deleted.
	ActionRemove
	// ActionKeepStale: a file the generator no longer renders was modified
	// by the user; it is kept, reported, and no longer tracked.
	ActionKeepStale
	// ActionSkipDeleted: the user deleted a file the generator wrote; it is
	// not brought back.
	ActionSkipDeleted
	// ActionRestore: a file the user deleted is written again because of
	// --force.
	ActionRestore
)

// writes reports whether the action changes the project's files.
func (a Action) writes() bool {
	switch a {
	case ActionCreate, ActionUpdate, ActionMerge, ActionConflict, ActionOverwrite, ActionRemove, ActionRestore:
		return true
	}
	return false
}

// FileChange is the plan for one file.
type FileChange struct {
	Path   string
	Action Action
	Owner  Owner
	// Old is the file's current content (nil if absent), New the content
	// it will have (nil when removed or left alone).
	Old, New []byte
	// Conflicts counts conflict blocks in New (ActionConflict).
	Conflicts int
	// Note explains the action in the summary.
	Note string

	exists bool
	// base is the base copy to keep for the next merge, nil for none.
	base []byte
}

// PlanOptions tune [PlanRegeneration].
type PlanOptions struct {
	// Force overwrites generator-owned files the user edited, restores
	// files the user deleted, merges shared files that still hold
	// conflict markers, and regenerates a project written by a newer
	// generator.
	Force bool
	// GeneratorVersion is the version of this generator, for the manifest
	// and conflict labels; empty means [Version].
	GeneratorVersion string
}

// Plan is what regenerating a project would do, computed in full before
// anything is written.
type Plan struct {
	// Changes holds one entry per file considered, sorted by path.
	Changes []FileChange

	manifest *Manifest // the manifest to write
}

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

// untracked files are written by the CLI, not by regeneration: the answers
// file (derived from the options) and the secrets file (written once by
// init and never rendered again). They never enter the manifest, so a
// regeneration never removes them.
func untracked(p string) bool {
	return p == AnswersFile || p == EnvFile
}

// Bookkeeping returns the files that record a freshly rendered project for
// later regeneration: the manifest and the base copies of merged files, by
// slash-separated path. [WriteNew] writes them with the project.
func Bookkeeping(files map[string][]byte, generatorVersion string) (map[string][]byte, error) {
	if generatorVersion == "" {
		generatorVersion = Version()
	}
	m := NewManifest(generatorVersion)
	out := map[string][]byte{}
	for p, content := range files {
		if untracked(p) || p == MetaDir || strings.HasPrefix(p, MetaDir+"/") {
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

// PlanRegeneration compares the project in dir with a new render and
// decides, file by file, what regeneration does (see [Action]). It reads
// the project and its manifest and writes nothing.
func PlanRegeneration(dir string, rendered map[string][]byte, opts PlanOptions) (*Plan, error) {
	if opts.GeneratorVersion == "" {
		opts.GeneratorVersion = Version()
	}
	old, err := ReadManifest(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A project written before manifests existed: nothing is known to
		// be unmodified, so edits are assumed everywhere.
		old = NewManifest("")
	case err != nil:
		return nil, err
	}
	if newer(old.GeneratorVersion, opts.GeneratorVersion) && !opts.Force {
		return nil, fmt.Errorf("%s: the project was generated by mcp-oauth %s, newer than this %s; upgrade mcp-oauth, or use --force to regenerate with this version",
			ManifestFile, old.GeneratorVersion, opts.GeneratorVersion)
	}

	pl := &planner{dir: dir, rendered: rendered, opts: opts, old: old, next: NewManifest(opts.GeneratorVersion)}
	if pl.imports, err = userImports(dir, rendered, old); err != nil {
		return nil, err
	}
	paths := slices.Sorted(maps.Keys(rendered))
	// go.mod first: go.sum is merged against the merged go.mod.
	if i := slices.Index(paths, "go.mod"); i > 0 {
		paths = append(append([]string{"go.mod"}, paths[:i]...), paths[i+1:]...)
	}
	for _, p := range paths {
		if p == EnvFile {
			continue
		}
		if err := checkProjectPath(p); err != nil {
			return nil, fmt.Errorf("rendered file: %w", err)
		}
		c, err := pl.planFile(p)
		if err != nil {
			return nil, err
		}
		pl.changes = append(pl.changes, c)
	}
	for _, p := range slices.Sorted(maps.Keys(old.Files)) {
		if _, ok := rendered[p]; ok || untracked(p) {
			continue
		}
		c, ok, err := pl.planStale(p, old.Files[p])
		if err != nil {
			return nil, err
		}
		if ok {
			pl.changes = append(pl.changes, c)
		}
	}
	slices.SortFunc(pl.changes, func(a, b FileChange) int { return strings.Compare(a.Path, b.Path) })
	return &Plan{Changes: pl.changes, manifest: pl.next}, nil
}

// newer reports whether version a is a newer release than b. Versions that
// are not semantic versions (development builds) are never newer.
func newer(a, b string) bool {
	return semver.IsValid(a) && semver.IsValid(b) && semver.Compare(a, b) > 0
}

type planner struct {
	dir      string
	rendered map[string][]byte
	opts     PlanOptions
	old      *Manifest
	next     *Manifest
	changes  []FileChange
	// imports are the import paths of the user's Go files, so that go.mod
	// keeps the modules they need.
	imports []string
	// keepDropped: the merged go.mod still requires modules the generator
	// dropped, so go.sum keeps their checksums.
	keepDropped bool
}

// read returns the current content of p, and whether it exists.
func (pl *planner) read(p string) ([]byte, bool, error) {
	data, err := os.ReadFile(filepath.Join(pl.dir, filepath.FromSlash(p)))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("reading %s: %w", p, err)
	}
	return data, true, nil
}

func (pl *planner) planFile(p string) (FileChange, error) {
	theirs := pl.rendered[p]
	cur, exists, err := pl.read(p)
	if err != nil {
		return FileChange{}, err
	}
	owner := OwnerOf(p, theirs)
	entry, tracked := pl.old.Files[p]
	c := FileChange{Path: p, Owner: owner, Old: cur, exists: exists}

	if p == AnswersFile {
		return pl.planAnswers(c, theirs), nil
	}
	// record notes the file in the next manifest with the content it will
	// have, and the base copy for the next merge.
	record := func(content []byte) {
		pl.next.Files[p] = Entry{Owner: owner, SHA256: Hash(content)}
		if hasBase(p, owner) {
			c.base = theirs
		}
	}

	if !exists {
		switch {
		case !tracked:
			c.Action, c.New = ActionCreate, theirs
		case pl.opts.Force:
			c.Action, c.New = ActionRestore, theirs
			c.Note = "deleted by you; restored (--force)"
		default:
			// Keep the old entry, so that the next run still knows the
			// user deleted it, and the old base copy with it.
			c.Action = ActionSkipDeleted
			c.Note = "deleted by you; not brought back (run `mcp-oauth generate --force` to restore it)"
			pl.next.Files[p] = entry
			if hasBase(p, entry.Owner) {
				if c.base, err = ReadBase(pl.dir, p); err != nil {
					return FileChange{}, err
				}
			}
			return c, nil
		}
		record(theirs)
		return c, nil
	}

	switch {
	case p == "go.mod":
		base, err := ReadBase(pl.dir, p)
		if err != nil {
			return FileChange{}, err
		}
		merged, kept, err := MergeGoMod(base, cur, theirs, pl.imports)
		if err != nil {
			return FileChange{}, err
		}
		pl.keepDropped = len(kept) > 0
		c.setMerged(merged)
		if len(kept) > 0 {
			c.Note = fmt.Sprintf("kept %s, no longer required by the generator but by your code (with the generator's former indirect requirements; `go mod tidy` trims what is unused)",
				strings.Join(kept, ", "))
		}
		record(merged)

	case p == "go.sum":
		base, err := ReadBase(pl.dir, p)
		if err != nil {
			return FileChange{}, err
		}
		merged, err := MergeGoSum(base, cur, theirs, pl.keepDropped)
		if err != nil {
			return FileChange{}, err
		}
		c.setMerged(merged)
		record(merged)

	case owner == OwnerGenerator:
		switch {
		case bytes.Equal(cur, theirs):
			c.Action = ActionUnchanged
		case tracked && Hash(cur) == entry.SHA256:
			c.Action, c.New = ActionUpdate, theirs
		case pl.opts.Force:
			c.Action, c.New = ActionOverwrite, theirs
			c.Note = "edited by you; overwritten (--force)"
		default:
			c.Action = ActionRefuse
			c.Note = "edited since it was generated; not overwritten (use --force to overwrite)"
			if !tracked {
				c.Note = "exists but was not written by mcp-oauth; not overwritten (use --force to overwrite)"
			}
		}
		record(theirs)

	case owner == OwnerShared:
		if HasConflictMarkers(cur) && !pl.opts.Force {
			// An earlier conflict is not resolved yet: leave the file and
			// its bookkeeping as they are.
			c.Action = ActionConflict
			c.Note = "still has conflict markers from an earlier run; resolve them first"
			if tracked {
				pl.next.Files[p] = entry
			}
			if c.base, err = ReadBase(pl.dir, p); err != nil {
				return FileChange{}, err
			}
			return c, nil
		}
		base, err := ReadBase(pl.dir, p)
		if err != nil {
			return FileChange{}, err
		}
		res := Merge3(base, cur, theirs, MergeLabels{
			Ours:   "yours (" + p + ")",
			Base:   "last generated" + by(pl.old.GeneratorVersion),
			Theirs: "generated" + by(pl.opts.GeneratorVersion),
		})
		c.setMerged(res.Content)
		if res.Conflicts > 0 {
			c.Action, c.Conflicts = ActionConflict, res.Conflicts
			c.Note = fmt.Sprintf("%d conflicting change(s) between your edits and the new render; markers written", res.Conflicts)
		}
		record(res.Content)

	default: // user-owned
		c.Action = ActionKeep
		if tracked {
			// Keep the hash of what was written originally, so that an
			// untouched file can still be removed when no longer rendered.
			pl.next.Files[p] = Entry{Owner: owner, SHA256: entry.SHA256}
		}
	}
	return c, nil
}

// userImports returns the import paths of the Go files regeneration leaves
// to the user: every .go file of the project (nested modules, vendor,
// testdata and hidden directories aside) except those the new render owns
// and the unmodified stale ones that are about to be removed.
func userImports(dir string, rendered map[string][]byte, old *Manifest) ([]string, error) {
	seen := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading the project: %w", err)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // a module of its own
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || !d.Type().IsRegular() {
			return nil
		}
		content, isRendered := rendered[rel]
		if isRendered && OwnerOf(rel, content) == OwnerGenerator {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("reading %s: %w", rel, err)
		}
		if e, tracked := old.Files[rel]; tracked && !isRendered && Hash(src) == e.SHA256 {
			return nil // stale and unmodified: removed by this regeneration
		}
		// A file that does not parse contributes the imports read before
		// the error, if any; the compiler will have its say about the rest.
		f, _ := parser.ParseFile(fset, rel, src, parser.ImportsOnly)
		if f == nil {
			return nil
		}
		for _, spec := range f.Imports {
			if path, err := strconv.Unquote(spec.Path.Value); err == nil {
				seen[path] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

func by(version string) string {
	if version == "" {
		return ""
	}
	return " by mcp-oauth " + version
}

// setMerged sets the outcome of a merge that had no conflict.
func (c *FileChange) setMerged(merged []byte) {
	if bytes.Equal(merged, c.Old) {
		c.Action = ActionUnchanged
		return
	}
	c.Action, c.New = ActionMerge, merged
}

// planAnswers rewrites the answers file only when the answers changed (or
// the generator version or schema did), so that a hand-edited file keeps
// its comments and layout.
func (pl *planner) planAnswers(c FileChange, theirs []byte) FileChange {
	c.Owner = OwnerUser
	switch {
	case c.exists && sameAnswers(c.Old, theirs):
		c.Action = ActionUnchanged
	case c.exists:
		c.Action, c.New = ActionUpdate, theirs
	default:
		c.Action, c.New = ActionCreate, theirs
	}
	return c
}

func sameAnswers(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	x, err := ParseAnswers(a)
	if err != nil {
		return false
	}
	y, err := ParseAnswers(b)
	if err != nil {
		return false
	}
	// Every option counts, including ones added after this was written.
	return x.Schema == y.Schema && x.Generator == y.Generator && reflect.DeepEqual(x.Options, y.Options)
}

// planStale decides about a file the generator wrote before and no longer
// renders. ok is false when there is nothing to do or report.
func (pl *planner) planStale(p string, entry Entry) (FileChange, bool, error) {
	cur, exists, err := pl.read(p)
	if err != nil || !exists {
		return FileChange{}, false, err
	}
	c := FileChange{Path: p, Owner: entry.Owner, Old: cur, exists: true}
	if Hash(cur) == entry.SHA256 {
		c.Action = ActionRemove
		c.Note = "no longer generated"
	} else {
		c.Action = ActionKeepStale
		c.Note = "no longer generated, but you changed it: kept, and it is yours now"
	}
	return c, true, nil
}

// Refused returns the files whose planned overwrite was refused.
func (p *Plan) Refused() []string { return p.paths(ActionRefuse) }

// Conflicts returns the files that hold conflict markers after the plan.
func (p *Plan) Conflicts() []string { return p.paths(ActionConflict) }

func (p *Plan) paths(a Action) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Action == a {
			out = append(out, c.Path)
		}
	}
	return out
}

// Pending returns the changes that would alter the project's files,
// ignoring refused ones. An empty result means the project is up to date.
func (p *Plan) Pending() []FileChange {
	var out []FileChange
	for _, c := range p.Changes {
		if c.Action.writes() && c.New != nil || c.Action == ActionRemove {
			out = append(out, c)
		}
	}
	return out
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
	return filePerm(c.Path)
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

// Diff returns the unified diff of every pending change, file by file in
// path order, as `git diff` would show it: a/ and b/ prefixes, /dev/null
// for created and removed files.
func (p *Plan) Diff() string {
	var out strings.Builder
	for _, c := range p.Pending() {
		from, to := "a/"+c.Path, "b/"+c.Path
		if !c.exists {
			from = "/dev/null"
		}
		if c.Action == ActionRemove {
			to = "/dev/null"
		}
		text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A:        diffLines(c.Old),
			B:        diffLines(c.New),
			FromFile: from,
			ToFile:   to,
			Context:  3,
		})
		if err != nil {
			// Only a failing writer can make difflib fail, and a
			// strings.Builder never does; say so rather than hide it.
			fmt.Fprintf(&out, "diff of %s unavailable: %v\n", c.Path, err)
			continue
		}
		out.WriteString(text)
	}
	return out.String()
}

// diffLines splits content for difflib, marking a last line without a
// newline the way diff does.
func diffLines(content []byte) []string {
	lines := splitKeepNewline(string(content))
	if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
		lines[n-1] += "\n\\ No newline at end of file\n"
	}
	return lines
}

// verbs name each reported action, as done and as planned.
var verbs = map[Action][2]string{
	ActionCreate:      {"created", "would create"},
	ActionUpdate:      {"updated", "would update"},
	ActionMerge:       {"merged", "would merge"},
	ActionConflict:    {"CONFLICT", "would CONFLICT"},
	ActionRefuse:      {"refused", "refuses"},
	ActionOverwrite:   {"overwrote", "would overwrite"},
	ActionRemove:      {"removed", "would remove"},
	ActionKeepStale:   {"kept", "would keep"},
	ActionSkipDeleted: {"skipped", "would skip"},
	ActionRestore:     {"restored", "would restore"},
}

// Summary lists what the plan does (applied) or would do (!applied), one
// line per file that is not simply unchanged or left alone, or "up to
// date" when nothing changes.
func (p *Plan) Summary(applied bool) string {
	tense := 1
	if applied {
		tense = 0
	}
	var out strings.Builder
	for _, c := range p.Changes {
		v, ok := verbs[c.Action]
		if !ok {
			continue
		}
		fmt.Fprintf(&out, "%s %s", v[tense], c.Path)
		if c.Note != "" {
			fmt.Fprintf(&out, ": %s", c.Note)
		}
		out.WriteByte('\n')
	}
	if len(p.Pending()) == 0 && len(p.Refused()) == 0 && len(p.Conflicts()) == 0 {
		out.WriteString("up to date\n")
	}
	return out.String()
}
