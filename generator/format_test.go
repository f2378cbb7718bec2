package generator

import (
	"strings"
	"testing"
)

func TestFormatGo(t *testing.T) {
	src := `package store

import (
	"strings"
	"fmt"
	"context"

	yaml "go.yaml.in/yaml/v3"

	"github.com/redis/go-redis/v9"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite"
)

func open(ctx context.Context) (*pgxpool.Pool, *redis.Client) {
		return nil, nil
}
`
	got, err := formatGo("store.gen.go.tmpl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `package store

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite"
)

func open(ctx context.Context) (*pgxpool.Pool, *redis.Client) {
	return nil, nil
}
`
	if string(got) != want {
		t.Fatalf("formatGo:\n%s\nwant:\n%s", got, want)
	}
}

func TestFormatGoReportsTemplateAndLine(t *testing.T) {
	_, err := formatGo("internal/x.gen.go.tmpl", []byte("package x\n\nfunc f() {\n\treturn 1 +\n}\n"))
	if err == nil {
		t.Fatal("invalid Go was accepted")
	}
	for _, part := range []string{"internal/x.gen.go.tmpl", "line 5", "}"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not name %q", err, part)
		}
	}
}

func TestAssumedPackageName(t *testing.T) {
	for path, want := range map[string]string{
		"context":                                    "context",
		"github.com/jackc/pgx/v5":                    "pgx",
		"github.com/redis/go-redis/v9":               "redis",
		"go.yaml.in/yaml/v3":                         "yaml",
		"gopkg.in/yaml.v3":                           "yaml",
		"github.com/google/jsonschema-go":            "jsonschema",
		"modernc.org/sqlite":                         "sqlite",
		"github.com/modelcontextprotocol/go-sdk/mcp": "mcp",
	} {
		if got := assumedPackageName(path); got != want {
			t.Errorf("assumedPackageName(%q) = %q, want %q", path, got, want)
		}
	}
}
