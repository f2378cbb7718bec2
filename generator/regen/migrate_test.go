package regen

import (
	"strings"
	"testing"
)

func TestMigrateTools(t *testing.T) {
	old := `package main

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	as "example.com/srv/internal/authserver"
)

func registerTools(server *mcp.Server, up *as.Upstream) {
	mcp.AddTool(server, &mcp.Tool{Name: "where"}, func(ctx context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, struct{ URL string }, error) {
		return nil, struct{ URL string }{up.UserInfoURL()}, nil
	})
}
`
	want := `package main

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func registerTools(server *mcp.Server, deps Deps) {
	up := deps.Upstream
	mcp.AddTool(server, &mcp.Tool{Name: "where"}, func(ctx context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, struct{ URL string }, error) {
		return nil, struct{ URL string }{up.UserInfoURL()}, nil
	})
}
`
	got, note, err := migrateTools([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("migrated:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(note, "up is deps.Upstream") {
		t.Errorf("note %q does not say where the old parameter went", note)
	}

	// Current files, and files without registerTools, are left alone.
	for name, src := range map[string]string{
		"current":  want,
		"no func":  "package main\n\nfunc helper() {}\n",
		"other fn": "package main\n\nfunc registerTools(server any, n int) {}\n",
	} {
		got, note, err := migrateTools([]byte(src))
		if err != nil || note != "" || string(got) != src {
			t.Errorf("%s: migrated to %q, note %q, err %v; want it unchanged", name, got, note, err)
		}
	}

	// A parameter already called deps cannot be renamed safely.
	_, _, err = migrateTools([]byte(strings.Replace(old, "up *as.Upstream", "deps *as.Upstream", 1)))
	if err == nil || !strings.Contains(err.Error(), "deps.Upstream") {
		t.Errorf("err = %v, want one that says what to change by hand", err)
	}
}
