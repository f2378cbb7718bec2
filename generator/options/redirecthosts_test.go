package options

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestRedirectHostGrammar holds the validator to the table the generated
// server's redirect policy is tested against too
// (templates/project/internal/authserver/testdata/redirect_hosts.txt), so
// that init never writes a host the server refuses, nor refuses one it
// accepts.
func TestRedirectHostGrammar(t *testing.T) {
	f, err := os.Open("../../templates/project/internal/authserver/testdata/redirect_hosts.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verdict, entry, ok := strings.Cut(line, " ")
		if !ok || (verdict != "accept" && verdict != "refuse") {
			t.Fatalf("bad line %q: want accept or refuse, a space, and the entry", line)
		}
		n++
		opts := Options{RedirectHosts: []string{entry}}.Normalize()
		var err error
		for _, h := range opts.RedirectHosts {
			if e := ValidateRedirectHost(h); e != nil {
				err = e
			}
		}
		switch {
		case verdict == "accept" && err != nil:
			t.Errorf("%q is refused, want it accepted: %v", entry, err)
		case verdict == "refuse" && err == nil:
			t.Errorf("%q is accepted, want it refused", entry)
		}
	}
	if n == 0 {
		t.Fatal("the table has no entries")
	}
}
