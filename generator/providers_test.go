package generator

import (
	"strings"
	"testing"
)

// TestProviderScopeDescriptions makes every preset describe each of its
// default scopes, so the consent page can say in words what the user
// allows. A new preset fails here until its ScopeDescriptions are filled.
func TestProviderScopeDescriptions(t *testing.T) {
	for _, p := range Providers() {
		all := p.AllScopeDescriptions()
		for _, sc := range p.Scopes {
			d, ok := all[sc]
			switch {
			case !ok:
				t.Errorf("preset %s: default scope %q has no entry in ScopeDescriptions", p.ID, sc)
			case d == "" || strings.ToLower(d[:1]) != d[:1] || strings.HasSuffix(d, "."):
				t.Errorf("preset %s: scope %q: description %q should be a lower-case phrase without a final period (it completes a sentence)", p.ID, sc, d)
			}
		}
	}
}
