// Package mergetest holds the go.mod and go.sum fixtures that the tests of
// package merge and of regeneration (package regen) share: a small
// project's files as the generator renders them for the SQLite and the
// Redis store.
package mergetest

import (
	"slices"
	"strings"
)

// SQLiteGoMod and RedisGoMod are the go.mod of one project rendered for
// the SQLite store and for the Redis store.
const (
	SQLiteGoMod = `module example.com/srv

go 1.25.0

require (
	github.com/modelcontextprotocol/go-sdk v1.8.0
	golang.org/x/oauth2 v0.38.0
	modernc.org/sqlite v1.62.0
)

require (
	github.com/google/jsonschema-go v0.3.0 // indirect
	modernc.org/libc v1.66.0 // indirect
)
`
	RedisGoMod = `module example.com/srv

go 1.25.0

require (
	github.com/modelcontextprotocol/go-sdk v1.8.0
	github.com/redis/go-redis/v9 v9.23.0
	golang.org/x/oauth2 v0.38.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/google/jsonschema-go v0.3.0 // indirect
)
`
)

// go.sum lines of single modules, with made-up hashes.
const (
	SumSDK    = "github.com/modelcontextprotocol/go-sdk v1.8.0 h1:sdk=\ngithub.com/modelcontextprotocol/go-sdk v1.8.0/go.mod h1:sdkmod=\n"
	SumSQLite = "modernc.org/sqlite v1.62.0 h1:sq=\nmodernc.org/sqlite v1.62.0/go.mod h1:sqmod=\n"
	SumRedis  = "github.com/redis/go-redis/v9 v9.23.0 h1:rd=\ngithub.com/redis/go-redis/v9 v9.23.0/go.mod h1:rdmod=\n"
	SumUUID   = "github.com/google/uuid v1.6.0 h1:uu=\ngithub.com/google/uuid v1.6.0/go.mod h1:uumod=\n"
)

// SortedSum puts go.sum lines in order; the fixtures are chosen so that
// plain string order is the go command's order.
func SortedSum(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}
