package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Status is the outcome of one check.
type Status string

// The outcomes of a check: it held, it did not (a client will fail), it
// held with a caveat worth knowing, or it was not run.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Warn Status = "warn"
	Skip Status = "skip"
)

// Check is one line of the checklist. Fix says what to change, concretely,
// when the check failed or warned.
type Check struct {
	ID      string `json:"id"`
	Status  Status `json:"status"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// Result summarises a report: "fail" when any check failed, "warn" when
// some warned, "pass" otherwise, and "error" when the doctor could not run
// to the end (the server was unreachable, the sign-in never arrived).
type Result string

// The results of a report.
const (
	ResultPass  Result = "pass"
	ResultWarn  Result = "warn"
	ResultFail  Result = "fail"
	ResultError Result = "error"
)

// Report is everything one run found.
type Report struct {
	URL    string  `json:"url"`
	Result Result  `json:"result"`
	Error  string  `json:"error,omitempty"`
	Checks []Check `json:"checks"`
}

// add appends a check.
func (r *Report) add(id string, status Status, message, fix string) {
	r.Checks = append(r.Checks, Check{ID: id, Status: status, Message: message, Fix: fix})
}

func (r *Report) pass(id, format string, args ...any) {
	r.add(id, Pass, fmt.Sprintf(format, args...), "")
}

func (r *Report) skip(id, format string, args ...any) {
	r.add(id, Skip, fmt.Sprintf(format, args...), "")
}

// Check returns the check with id, if the run made it.
func (r *Report) Check(id string) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// finish sets the result from the checks and err, the reason the run
// stopped early, if it did.
func (r *Report) finish(err error) {
	if r.Checks == nil {
		r.Checks = []Check{}
	}
	if err != nil {
		r.Result, r.Error = ResultError, err.Error()
		return
	}
	r.Result = ResultPass
	for _, c := range r.Checks {
		switch c.Status {
		case Fail:
			r.Result = ResultFail
			return
		case Warn:
			r.Result = ResultWarn
		}
	}
}

// ExitCode is the process status for the report: 0 when nothing failed,
// 1 when a check failed, 2 when the doctor could not run.
func (r *Report) ExitCode() int {
	switch r.Result {
	case ResultError:
		return 2
	case ResultFail:
		return 1
	}
	return 0
}

// WriteJSON writes the report as one JSON object, for CI.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// sections are the checklist's headings, by the first part of a check id,
// in the order a client meets them.
var sections = []struct{ prefix, title string }{
	{"discovery", "Discovery"},
	{"transport", "Transport and browser clients"},
	{"register", "Registration as real clients do it"},
	{"flow", "Sign-in flow"},
	{"cleanup", "Clean-up"},
}

// ANSI colours, used only on a terminal.
const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	dim    = "\x1b[2m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// marks are the symbols of the statuses and their colours.
var marks = map[Status]struct{ symbol, colour string }{
	Pass: {"✓", green},
	Fail: {"✗", red},
	Warn: {"!", yellow},
	Skip: {"-", dim},
}

// WriteText writes the checklist for people: one line per check with its
// mark and why, the fix under every ✗ and !, and a summary. Why a run
// could not finish is left to the caller, for standard error. colour adds
// ANSI colours (only on a terminal, never with NO_COLOR).
func (r *Report) WriteText(w io.Writer, colour bool) error {
	paint := func(c, s string) string {
		if !colour {
			return s
		}
		return c + s + reset
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", paint(bold, "mcp-oauth doctor"), r.URL)
	counts := map[Status]int{}
	for _, sec := range sections {
		first := true
		for _, c := range r.Checks {
			if section, _, _ := strings.Cut(c.ID, "."); section != sec.prefix {
				continue
			}
			if first {
				fmt.Fprintf(&b, "\n%s\n", paint(bold, sec.title))
				first = false
			}
			counts[c.Status]++
			m := marks[c.Status]
			fmt.Fprintf(&b, "  %s %s %s\n", paint(m.colour, m.symbol), c.ID, c.Message)
			if c.Fix != "" {
				fmt.Fprintf(&b, "      %s %s\n", paint(bold, "fix:"), c.Fix)
			}
		}
	}
	if len(r.Checks) > 0 {
		fmt.Fprintf(&b, "\n%d passed, %d failed, %d warnings, %d skipped\n", counts[Pass], counts[Fail], counts[Warn], counts[Skip])
	}
	_, err := io.WriteString(w, b.String())
	return err
}
