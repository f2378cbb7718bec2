// Command mcp-oauth scaffolds Go MCP servers that are their own OAuth 2.1
// authorization server, delegating the user's login to an upstream provider.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
