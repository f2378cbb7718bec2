// Package regen regenerates a project: it plans, file by file, how a new
// render meets the project on disk (plan.go), carries the plan out
// (apply.go) and reports it (summary.go). What the generator wrote last is
// recorded in the project's manifest and base copies (manifest.go), written
// first by [WriteNew] (write.go). Shared files are merged with package merge.
package regen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcp-oauth/mcp-oauth/generator/merge"
	"golang.org/x/mod/semver"
)

// Action is what regeneration does with one file.
type Action int

const (
	// ActionUnchanged: the file already has the content it should have.
	ActionUnchanged Action = iota
	// ActionCreate: a file the project does not have yet is written.
	ActionCreate
	// ActionUpdate: a generator-owned file is rewritten with the new
	// render, or an untracked file with its new content.
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
	// ActionMigrate: a user-owned file written for an older server is
	// rewritten so that it builds with the new one (see migrations); the
	// only change regeneration ever makes to the user's own files.
	ActionMigrate
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
	case ActionCreate, ActionUpdate, ActionMerge, ActionConflict, ActionOverwrite, ActionRemove, ActionRestore, ActionMigrate:
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
	// private: a new file is readable by its owner only (see [Untracked]).
	private bool
}

// PlanOptions tune [NewPlan].
type PlanOptions struct {
	// Force overwrites generator-owned files the user edited, restores
	// files the user deleted, merges shared files that still hold
	// conflict markers, and regenerates a project written by a newer
	// generator.
	Force bool
	// GeneratorVersion is the version of this generator, for the manifest
	// and conflict labels.
	GeneratorVersion string
	// Untracked are files to write with the project that the manifest
	// does not record: created, or replaced when their content differs.
	Untracked []Untracked
}

// Untracked is a file written with the project that regeneration does not
// track: it has no manifest entry and no base copy, is never merged, and is
// never removed. The CLI's answers file and .env are untracked.
type Untracked struct {
	Path    string
	Content []byte
	// Private files are readable by their owner only (.env holds the
	// encryption key).
	Private bool
}

// Plan is what regenerating a project would do, computed in full before
// anything is written.
type Plan struct {
	// Changes holds one entry per file considered, sorted by path.
	Changes []FileChange

	manifest *Manifest // the manifest to write
}

// NewPlan compares the project in dir with a new render and decides,
// file by file, what regeneration does (see [Action]). It reads the project
// and its manifest and writes nothing.
func NewPlan(dir string, rendered map[string][]byte, opts PlanOptions) (*Plan, error) {
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
		if err := checkProjectPath(p); err != nil {
			return nil, fmt.Errorf("rendered file: %w", err)
		}
		c, err := pl.planFile(p)
		if err != nil {
			return nil, err
		}
		pl.changes = append(pl.changes, c)
	}
	untracked := map[string]bool{}
	for _, u := range opts.Untracked {
		if err := checkProjectPath(u.Path); err != nil {
			return nil, fmt.Errorf("untracked file: %w", err)
		}
		if _, ok := rendered[u.Path]; ok || untracked[u.Path] {
			return nil, fmt.Errorf("untracked file %s is also rendered or given twice", u.Path)
		}
		untracked[u.Path] = true
		c, err := pl.planUntracked(u)
		if err != nil {
			return nil, err
		}
		pl.changes = append(pl.changes, c)
	}
	for _, p := range slices.Sorted(maps.Keys(old.Files)) {
		if _, ok := rendered[p]; ok || untracked[p] {
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
		merged, kept, err := merge.GoMod(BaseDir, base, cur, theirs, pl.imports)
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
		merged, err := merge.GoSum(BaseDir, base, cur, theirs, pl.keepDropped)
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
		if merge.HasConflictMarkers(cur) && !pl.opts.Force {
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
		res := merge.Lines(base, cur, theirs, merge.Labels{
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
		if migrate := migrations[p]; migrate != nil {
			migrated, note, err := migrate(cur)
			if err != nil {
				return FileChange{}, fmt.Errorf("%w (mcp-oauth changes your files only to bring them up to date with the server, and cannot do it here)", err)
			}
			if note != "" {
				c.Action, c.New, c.Note = ActionMigrate, migrated, note
			}
		}
		if tracked {
			// Keep the hash of what was written originally, so that an
			// untouched file can still be removed when no longer rendered.
			pl.next.Files[p] = Entry{Owner: owner, SHA256: entry.SHA256}
		}
	}
	return c, nil
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

// planUntracked decides about a file the project holds outside the
// manifest: it is created, or replaced when its content differs.
func (pl *planner) planUntracked(u Untracked) (FileChange, error) {
	cur, exists, err := pl.read(u.Path)
	if err != nil {
		return FileChange{}, err
	}
	c := FileChange{Path: u.Path, Owner: OwnerUser, Old: cur, exists: exists, private: u.Private}
	switch {
	case !exists:
		c.Action, c.New = ActionCreate, u.Content
	case bytes.Equal(cur, u.Content):
		c.Action = ActionUnchanged
	default:
		c.Action, c.New = ActionUpdate, u.Content
	}
	return c, nil
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
