package regen

import (
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

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
	lines := strings.SplitAfter(string(content), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
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
	ActionMigrate:     {"migrated", "would migrate"},
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
