package doctor

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
)

// clientFiles are the real clients' requests, a byte-identical copy of the
// repository's testdata/clients (a test keeps them equal): go:embed cannot
// reach outside this package's directory.
//
//go:embed clients/*.json
var clientFiles embed.FS

// realClient is one fixture: what a real MCP client sends.
type realClient struct {
	// ID names the client in check ids: the file name's first part
	// (vscode in vscode.registration.json).
	ID string `json:"-"`

	Client               string          `json:"client"`
	Source               string          `json:"source"`
	Kind                 string          `json:"kind"`
	Registration         json.RawMessage `json:"registration"`
	DocumentURL          string          `json:"document_url"`
	Document             json.RawMessage `json:"document"`
	RequiredRedirectURIs []string        `json:"required_redirect_uris"`
}

// registrationClients returns the fixtures whose kind is registration,
// sorted by id.
func registrationClients() ([]realClient, error) {
	names, err := clientFiles.ReadDir("clients")
	if err != nil {
		return nil, err
	}
	var out []realClient
	for _, n := range names {
		raw, err := clientFiles.ReadFile(path.Join("clients", n.Name()))
		if err != nil {
			return nil, err
		}
		var c realClient
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("client fixture %s: %w", n.Name(), err)
		}
		c.ID, _, _ = strings.Cut(n.Name(), ".")
		if c.Kind == "registration" && len(c.Registration) > 0 {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
