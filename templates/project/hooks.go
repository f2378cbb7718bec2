package main

// This file is yours: mcp-oauth writes it once and never touches it again.
// It is where the server calls your code besides the tools: who may sign
// in, and HTTP routes of your own.

import (
	"context"
	"net/http"

	"github.com/mcp-oauth/mcp-oauth/templates/project/internal/upstream"
)

// allowSignIn decides whether a user who has just signed in at the upstream
// provider may use this server. It runs before anything is issued for
// them; return an error to refuse, and its text is shown to the user, with
// a way back to their application. Return nil to let everyone in.
//
// For example, to admit a fixed list of users (their ids at the provider):
//
//	allowed, _ := deps.Setting("MY_ALLOWED_USERS")
//	if !slices.Contains(strings.Split(allowed, ","), user.ID) {
//		return errors.New("this server is open to the Acme team only")
//	}
func allowSignIn(ctx context.Context, user upstream.Identity, deps Deps) error {
	return nil
}

// addRoutes adds HTTP routes of your own next to /mcp and the OAuth
// endpoints, such as a landing page or a webhook:
//
//	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
//		w.Write([]byte("This is an MCP server: connect to /mcp."))
//	})
//
// They are public: a route that needs a signed-in user must check for one
// itself.
func addRoutes(mux *http.ServeMux, deps Deps) {}
