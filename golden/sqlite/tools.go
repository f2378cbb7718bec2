package main

// This file is yours: mcp-oauth writes it once and never touches it again.
// Add your tools to registerTools; `mcp-oauth generate` leaves them alone.
//
// Every tool call arrives with the MCP access token already checked, so a
// handler only runs for a signed-in user. To act as that user at the
// upstream provider, ask deps.Upstream.Client for an HTTP client: it
// carries the user's own upstream token (never the MCP token) and renews it
// first if it has expired. deps also has the server's logger, and Setting,
// which reads a setting from the environment or .env.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"example.com/example/internal/authserver"
)

// registerTools adds this server's MCP tools.
func registerTools(server *mcp.Server, deps Deps) {
	// mcp.AddTool derives the tool's input and output JSON schemas from the
	// Go types of the handler, validates the arguments against the input
	// schema before the handler runs, and sends the output back as
	// structured content. An error returned by the handler reaches the
	// model as a tool error it can read, not as a protocol failure.
	mcp.AddTool(server, &mcp.Tool{
		Name:        "whoami",
		Description: "Show who is signed in: the user's profile as the upstream provider reports it.",
		// It changes nothing anywhere; clients use the hint to decide
		// whether to ask the user before each call.
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
	}, whoami(deps.Upstream))
}

// whoamiInput is the tool's arguments. The jsonschema tag is the
// description the model sees; omitempty makes the field optional.
type whoamiInput struct {
	Fields []string `json:"fields,omitempty" jsonschema:"profile fields to return, such as name or email; all fields when empty"`
}

// whoamiOutput is the tool's structured result.
type whoamiOutput struct {
	UserID  string         `json:"user_id" jsonschema:"the user's stable id at the upstream provider"`
	Profile map[string]any `json:"profile" jsonschema:"the provider's user-info answer"`
}

// whoami returns the handler of the whoami tool: it calls the provider's
// user-info endpoint with the signed-in user's upstream token.
func whoami(upstream *authserver.Upstream) mcp.ToolHandlerFor[whoamiInput, whoamiOutput] {
	return func(ctx context.Context, req *mcp.CallToolRequest, in whoamiInput) (*mcp.CallToolResult, whoamiOutput, error) {
		// TokenInfo describes the MCP access token of this request; the
		// authorization server put the user's id in it.
		info := req.Extra.TokenInfo
		client, err := upstream.Client(ctx, info)
		if errors.Is(err, authserver.ErrSignInAgain) {
			// The upstream sign-in has expired for good and the grant has
			// been revoked: the client signs the user in again on its next
			// request. Say so plainly.
			return nil, whoamiOutput{}, errors.New("your sign-in has expired: reconnect this server to sign in again")
		}
		if err != nil {
			return nil, whoamiOutput{}, err
		}

		httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, upstream.UserInfoURL(), nil)
		if err != nil {
			return nil, whoamiOutput{}, err
		}
		httpReq.Header.Set("Accept", "application/json")
		resp, err := client.Do(httpReq)
		if err != nil {
			return nil, whoamiOutput{}, fmt.Errorf("asking the provider: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			// Report the status only: an error body is the provider's text,
			// not meant for the model.
			return nil, whoamiOutput{}, fmt.Errorf("the provider answered %s", resp.Status)
		}
		var profile map[string]any
		// Bound what is read: the answer goes into the model's context.
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&profile); err != nil {
			return nil, whoamiOutput{}, fmt.Errorf("reading the provider's answer: %w", err)
		}

		if len(in.Fields) > 0 {
			selected := make(map[string]any, len(in.Fields))
			for _, f := range in.Fields {
				if v, ok := profile[f]; ok {
					selected[f] = v
				}
			}
			profile = selected
		}
		return nil, whoamiOutput{UserID: info.UserID, Profile: profile}, nil
	}
}
