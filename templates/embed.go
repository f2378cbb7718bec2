// Package templates holds the template tree of the generated project. See
// CONVENTIONS.md for how files are named and rendered.
package templates

import "embed"

// Project is the tree that mcp-oauth renders into a new project, rooted at
// "project".
//
//go:embed all:project
var Project embed.FS
