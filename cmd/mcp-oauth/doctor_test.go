package main

import (
	"os"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/mcp-oauth/mcp-oauth/cmd/mcp-oauth/internal/doctor"
)

// TestDoctorColour: colour on a terminal only, and never with NO_COLOR.
func TestDoctorColour(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("SKIPPED: no pseudo-terminal here: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()

	t.Setenv("NO_COLOR", "")
	if !colourful(tty) {
		t.Error("a terminal gets no colour")
	}
	if colourful(w) {
		t.Error("a pipe gets colour")
	}
	if colourful(&strings.Builder{}) {
		t.Error("a buffer gets colour")
	}
	t.Setenv("NO_COLOR", "1")
	if colourful(tty) {
		t.Error("a terminal gets colour despite NO_COLOR")
	}

	// What colour means: the marks are painted, the text is the same.
	report := &doctor.Report{URL: "https://example.com/mcp", Checks: []doctor.Check{{ID: "discovery.issuer", Status: doctor.Fail, Message: "m", Fix: "f"}}}
	var plain, painted strings.Builder
	report.WriteText(&plain, false)
	report.WriteText(&painted, true)
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(painted.String(), "\x1b[31m✗\x1b[0m") {
		t.Errorf("plain:\n%s\npainted:\n%q", plain.String(), painted.String())
	}
}
