package catalog

import (
	"slices"
	"strings"
)

// Store is a store backend of the generated server: everything the
// generator knows about it, in one row. Options, help text, rendering, the
// generated go.mod and the generated project's settings all read this
// table.
type Store struct {
	// Name is the backend's name on the command line and in mcp-oauth.yaml.
	Name string
	// Help describes the backend in one line.
	Help string
	// Variable is the environment variable that locates the store; empty
	// when the store needs none.
	Variable string
	// Default is Variable's value when it is unset, with {name} standing
	// for the server's name; empty when the variable is required.
	Default string
	// Example describes the value Variable takes, for help text and the
	// error that reports it missing.
	Example string
	// Shared reports whether replicas share the store behind a load
	// balancer; the generated /mcp handler then serves the MCP sessions
	// of other replicas statelessly.
	Shared bool
	// Driver is the module of the store's client library, required by the
	// generated go.mod only for this backend; empty for none.
	Driver string
}

// BuildTag is the build tag that selects this backend's files in the
// template tree. SQLite, the default, is what the tree builds without a
// tag; its files carry the negation of the others' tags.
func (s Store) BuildTag() string { return "store_" + s.Name }

// DefaultFor returns Variable's default for a server called name.
func (s Store) DefaultFor(name string) string {
	return strings.ReplaceAll(s.Default, "{name}", name)
}

// ExampleFor returns Example for a server called name.
func (s Store) ExampleFor(name string) string {
	return strings.ReplaceAll(s.Example, "{name}", name)
}

// stores is the table of store backends, in the order help text shows them.
var stores = []Store{
	{
		Name: "memory",
		Help: "in-process maps: for tests and trying things out; state is lost on restart",
	},
	{
		Name:     "sqlite",
		Help:     "one file on disk (pure Go, no cgo): one machine, one process",
		Variable: "SQLITE_PATH",
		Default:  "./data/{name}.db",
		Example:  "the path of the database file, such as ./data/{name}.db",
		Driver:   "modernc.org/sqlite",
	},
	{
		Name:     "redis",
		Help:     "Redis 6.2+: several replicas behind a load balancer",
		Variable: "REDIS_URL",
		Example:  "a Redis URL such as redis://localhost:6379/0 (rediss:// for TLS)",
		Shared:   true,
		Driver:   "github.com/redis/go-redis/v9",
	},
	{
		Name:     "postgres",
		Help:     "PostgreSQL 13+: several replicas behind a load balancer",
		Variable: "DATABASE_URL",
		Example:  "a PostgreSQL URL such as postgres://user:password@host:5432/db?sslmode=require",
		Shared:   true,
		Driver:   "github.com/jackc/pgx/v5",
	},
}

// Stores lists the names of the store backends, in the order help text
// shows them.
var Stores = func() []string {
	names := make([]string, len(stores))
	for i, s := range stores {
		names[i] = s.Name
	}
	return names
}()

// LookupStore returns the backend called name.
func LookupStore(name string) (Store, bool) {
	i := slices.IndexFunc(stores, func(s Store) bool { return s.Name == name })
	if i < 0 {
		return Store{}, false
	}
	return stores[i], true
}

// StoreHelp returns the one-line description of a store backend.
func StoreHelp(name string) string {
	s, _ := LookupStore(name)
	return s.Help
}
