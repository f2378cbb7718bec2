package merge

import (
	"bufio"
	"bytes"
	"fmt"
	"go/version"
	"maps"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// GoMod merges go.mod as a module file rather than as text, so that
// the generator's dependency changes and the user's own dependencies combine
// without line conflicts:
//
//   - A requirement the generator owns (in theirs, or in base and dropped
//     from theirs) follows theirs: added, bumped or dropped. A version the
//     user changed while the generator kept its own is the user's choice and
//     stays; when both changed it, the higher version wins, as minimal
//     version selection would pick it anyway.
//   - A requirement the generator dropped stays if the user made it theirs:
//     changed its version or its indirect mark, or imports one of its
//     packages (imports lists the import paths of the user's Go files).
//     Then the generator's former indirect requirements stay too, since the
//     kept module may need them; `go mod tidy` trims what is unused.
//   - A requirement only ours has (not in base) is the user's and stays.
//   - The module path, go and toolchain directives follow theirs unless the
//     user changed them since base. If both changed the module path, theirs
//     wins (the answers file is where the module path is chosen, and the
//     generated imports use it); for go and toolchain the newer one wins.
//   - replace directives the generator wrote follow theirs; the user's
//     replace, exclude, retract, tool, ignore and godebug lines stay.
//
// base is the go.mod the generator wrote last time, kept in baseDir (which
// errors name); nil means unknown, and
// then every requirement of ours that theirs lacks is kept. The user's
// comments and block layout are kept. The result is formatted by
// [modfile.Format]; keptDropped lists the module paths the generator dropped
// that the result keeps for the user (not the indirect ones kept with them).
func GoMod(baseDir string, base, ours, theirs []byte, imports []string) (merged []byte, keptDropped []string, err error) {
	tf, err := modfile.Parse("go.mod (new render)", theirs, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing rendered go.mod: %w", err)
	}
	of, err := modfile.Parse("go.mod", ours, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing go.mod: %w", err)
	}
	var bf *modfile.File
	if base != nil {
		if bf, err = modfile.Parse(baseDir+"/go.mod", base, nil); err != nil {
			return nil, nil, fmt.Errorf("parsing %s/go.mod: %w", baseDir, err)
		}
	}

	// Module path.
	if path := pick3(modulePath(bf), modulePath(of), modulePath(tf), bf != nil, takeTheirs); path != modulePath(of) {
		if err := of.AddModuleStmt(path); err != nil {
			return nil, nil, fmt.Errorf("go.mod: setting module path: %w", err)
		}
	}

	// go and toolchain directives.
	if v := pick3(goDirective(bf), goDirective(of), goDirective(tf), bf != nil, newerGo); v != goDirective(of) {
		if v == "" {
			of.DropGoStmt()
		} else if err := of.AddGoStmt(v); err != nil {
			return nil, nil, fmt.Errorf("go.mod: setting go %s: %w", v, err)
		}
	}
	if v := pick3(toolchain(bf), toolchain(of), toolchain(tf), bf != nil, newerToolchain); v != toolchain(of) {
		if v == "" {
			of.DropToolchainStmt()
		} else if err := of.AddToolchainStmt(v); err != nil {
			return nil, nil, fmt.Errorf("go.mod: setting toolchain %s: %w", v, err)
		}
	}

	// Requirements.
	baseReq, theirReq := requireMap(bf), requireMap(tf)
	var req, droppedIndirect []*modfile.Require
	seen := map[string]bool{}
	for _, r := range of.Require {
		if seen[r.Mod.Path] {
			continue // a duplicate line; SetRequire keeps the first
		}
		seen[r.Mod.Path] = true
		b, inBase := baseReq[r.Mod.Path]
		t, inTheirs := theirReq[r.Mod.Path]
		switch {
		case inTheirs:
			req = append(req, mergeRequire(b, r, t, inBase))
		case !inBase:
			req = append(req, r) // the user's own
		case imported(imports, r.Mod.Path):
			// Dropped by the generator, but the user's code imports it.
			req = append(req, &modfile.Require{Mod: r.Mod})
			keptDropped = append(keptDropped, r.Mod.Path)
		case r.Mod.Version != b.Mod.Version || r.Indirect != b.Indirect:
			// Dropped by the generator, but the user changed it: theirs now.
			req = append(req, r)
			keptDropped = append(keptDropped, r.Mod.Path)
		case r.Indirect:
			droppedIndirect = append(droppedIndirect, r)
		}
	}
	if len(keptDropped) > 0 {
		req = append(req, droppedIndirect...)
	}
	for _, t := range tf.Require {
		if !seen[t.Mod.Path] {
			seen[t.Mod.Path] = true
			req = append(req, t)
		}
	}
	of.SetRequireSeparateIndirect(req)

	// Replace directives the generator owns.
	baseRepl, theirRepl := replaceMap(bf), replaceMap(tf)
	for key, r := range replaceMap(of) {
		if b, ok := baseRepl[key]; ok && b.New == r.New {
			if _, keep := theirRepl[key]; !keep {
				if err := of.DropReplace(r.Old.Path, r.Old.Version); err != nil {
					return nil, nil, fmt.Errorf("go.mod: dropping replace %s: %w", r.Old.Path, err)
				}
			}
		}
	}
	for _, t := range tf.Replace {
		key := t.Old
		if b, ok := baseRepl[key]; ok && b.New == t.New {
			continue // unchanged by the generator: the user's line, if any, stands
		}
		if err := of.AddReplace(t.Old.Path, t.Old.Version, t.New.Path, t.New.Version); err != nil {
			return nil, nil, fmt.Errorf("go.mod: setting replace %s: %w", t.Old.Path, err)
		}
	}

	of.Cleanup()
	slices.Sort(keptDropped)
	return modfile.Format(of.Syntax), keptDropped, nil
}

// mergeRequire merges one requirement present in theirs and ours.
func mergeRequire(base, ours, theirs *modfile.Require, inBase bool) *modfile.Require {
	out := &modfile.Require{Mod: ours.Mod, Indirect: ours.Indirect}
	switch {
	case !inBase:
		// Unknown base, or the user added it on their own before the
		// generator started requiring it: keep the newer version and let
		// the generator decide whether it is direct.
		out.Mod.Version = newerSemver(ours.Mod.Version, theirs.Mod.Version)
		out.Indirect = theirs.Indirect
	default:
		out.Mod.Version = pick3(base.Mod.Version, ours.Mod.Version, theirs.Mod.Version, true, newerSemver)
		if ours.Indirect == base.Indirect {
			out.Indirect = theirs.Indirect
		}
	}
	return out
}

// pick3 merges one value three ways: the side that changed it since base
// wins; if both changed it differently, resolve decides. Without a known
// base (hasBase false) the two sides are resolved directly unless equal.
func pick3(base, ours, theirs string, hasBase bool, resolve func(ours, theirs string) string) string {
	switch {
	case ours == theirs:
		return ours
	case hasBase && ours == base:
		return theirs
	case hasBase && theirs == base:
		return ours
	default:
		return resolve(ours, theirs)
	}
}

// imported reports whether any import path is a package of module mod.
func imported(imports []string, mod string) bool {
	for _, p := range imports {
		if p == mod || strings.HasPrefix(p, mod+"/") {
			return true
		}
	}
	return false
}

func takeTheirs(_, theirs string) string { return theirs }

// newerSemver returns the higher of two module versions.
func newerSemver(a, b string) string {
	if semver.Compare(a, b) >= 0 {
		return a
	}
	return b
}

// newerGo returns the newer of two go directive versions; an absent
// directive loses.
func newerGo(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case version.Compare("go"+a, "go"+b) >= 0:
		return a
	}
	return b
}

// newerToolchain is newerGo for toolchain names ("go1.26.1").
func newerToolchain(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case version.Compare(a, b) >= 0:
		return a
	}
	return b
}

func modulePath(f *modfile.File) string {
	if f == nil || f.Module == nil {
		return ""
	}
	return f.Module.Mod.Path
}

func goDirective(f *modfile.File) string {
	if f == nil || f.Go == nil {
		return ""
	}
	return f.Go.Version
}

func toolchain(f *modfile.File) string {
	if f == nil || f.Toolchain == nil {
		return ""
	}
	return f.Toolchain.Name
}

func requireMap(f *modfile.File) map[string]*modfile.Require {
	m := map[string]*modfile.Require{}
	if f == nil {
		return m
	}
	for _, r := range f.Require {
		if _, dup := m[r.Mod.Path]; !dup {
			m[r.Mod.Path] = r
		}
	}
	return m
}

func replaceMap(f *modfile.File) map[module.Version]*modfile.Replace {
	m := map[module.Version]*modfile.Replace{}
	if f == nil {
		return m
	}
	for _, r := range f.Replace {
		m[r.Old] = r
	}
	return m
}

// goSumLine is one "path version hash" line of go.sum.
type goSumLine struct {
	mod  module.Version // Version may end in "/go.mod"
	hash string
}

// GoSum brings go.sum in line after a regeneration as a three-way merge
// of line sets: every line of the new render, plus the lines the user's
// go.sum gained since base (checksums of modules the user added, or of
// versions they upgraded to). Lines the generator had written and no longer
// renders go (the old store's dependencies), unless keepDropped says the
// merged go.mod still requires modules the generator dropped (see
// [GoMod]): then every line of ours stays, as those modules' own
// dependency graph needs them. base nil keeps every line of ours too;
// baseDir, where base is kept, names it in errors. The
// result is sorted as the go command sorts it.
//
// Extra lines are harmless to the go command and missing ones break the
// build, so when in doubt a line is kept.
func GoSum(baseDir string, base, ours, theirs []byte, keepDropped bool) ([]byte, error) {
	tl, err := parseGoSum("go.sum (new render)", theirs)
	if err != nil {
		return nil, err
	}
	ol, err := parseGoSum("go.sum", ours)
	if err != nil {
		return nil, err
	}
	var bl []goSumLine
	if base != nil {
		if bl, err = parseGoSum(baseDir+"/go.sum", base); err != nil {
			return nil, err
		}
	}

	inBase := map[goSumLine]bool{}
	for _, l := range bl {
		inBase[l] = true
	}
	set := map[goSumLine]bool{}
	for _, l := range tl {
		set[l] = true
	}
	for _, l := range ol {
		if base == nil || keepDropped || !inBase[l] {
			set[l] = true
		}
	}

	lines := slices.Collect(maps.Keys(set))
	slices.SortFunc(lines, func(a, b goSumLine) int {
		if c := strings.Compare(a.mod.Path, b.mod.Path); c != 0 {
			return c
		}
		if a.mod.Version != b.mod.Version {
			// module.Sort's order: semver, with "/go.mod" after the
			// module's own line.
			vs := []module.Version{a.mod, b.mod}
			module.Sort(vs)
			if vs[0] == a.mod {
				return -1
			}
			return 1
		}
		return strings.Compare(a.hash, b.hash)
	})
	var out bytes.Buffer
	for _, l := range lines {
		fmt.Fprintf(&out, "%s %s %s\n", l.mod.Path, l.mod.Version, l.hash)
	}
	return out.Bytes(), nil
}

// parseGoSum reads go.sum lines, naming file and line on a malformed one.
func parseGoSum(file string, data []byte) ([]goSumLine, error) {
	var lines []goSumLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 0:
			continue
		case len(f) != 3:
			return nil, fmt.Errorf("%s:%d: malformed line %q: want \"module version hash\"", file, n, sc.Text())
		}
		lines = append(lines, goSumLine{mod: module.Version{Path: f[0], Version: f[1]}, hash: f[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return lines, nil
}
