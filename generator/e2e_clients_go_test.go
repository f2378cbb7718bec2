package generator_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	mcpgoclient "github.com/mark3labs/mcp-go/client"
	mcpgotransport "github.com/mark3labs/mcp-go/client/transport"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// runGoSDK is the Go SDK's own OAuth client, auth.AuthorizationCodeHandler,
// on its streamable transport: it registers, runs PKCE with the scripted
// browser (which signs in as opUser), and refreshes through its
// oauth2.TokenSource once the token has expired.
func runGoSDK(ctx context.Context, t *testing.T, c *clientRun) (string, string) {
	c.user = opUser
	redirectURI := fmt.Sprintf("http://127.0.0.1:%d/callback", c.port)
	handler := newOAuthHandler(t, newBrowser(t, redirectURI), redirectURI)
	client := mcp.NewClient(&mcp.Implementation{Name: "interop-go-sdk", Version: "0"}, nil)
	session, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: c.base + "/mcp", OAuthHandler: handler}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer session.Close()
	return sessionSteps(ctx, t, session)
}

// runMCPGo is mcp-go's OAuth client with its default options. Its flow is
// the application's to drive: Initialize fails with an authorization-
// required error carrying the OAuth handler, which registers, builds the
// authorization URL, and redeems the code the browser brought back; then
// Initialize again. The handler refreshes by itself when the stored token
// has expired.
func runMCPGo(ctx context.Context, t *testing.T, c *clientRun) (string, string) {
	c.user = opUser
	redirectURI := fmt.Sprintf("http://127.0.0.1:%d/callback", c.port)
	client, err := mcpgoclient.NewOAuthStreamableHttpClient(c.base+"/mcp", mcpgoclient.OAuthConfig{
		RedirectURI: redirectURI,
		PKCEEnabled: true,
		TokenStore:  mcpgotransport.NewMemoryTokenStore(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	initialize := func() error {
		req := mcpgo.InitializeRequest{}
		req.Params.ClientInfo = mcpgo.Implementation{Name: "interop-mcp-go", Version: "0"}
		_, err := client.Initialize(ctx, req)
		return err
	}
	err = initialize()
	if !mcpgoclient.IsOAuthAuthorizationRequiredError(err) {
		t.Fatalf("first initialize: %v, want an authorization-required error", err)
	}
	handler := mcpgoclient.GetOAuthHandler(err)
	if err := handler.RegisterClient(ctx, "mcp-oauth interop (mcp-go)"); err != nil {
		t.Fatalf("register: %v", err)
	}
	verifier, err := mcpgotransport.GenerateCodeVerifier()
	if err != nil {
		t.Fatal(err)
	}
	state, err := mcpgotransport.GenerateState()
	if err != nil {
		t.Fatal(err)
	}
	authURL, err := handler.GetAuthorizationURL(ctx, state, mcpgotransport.GenerateCodeChallenge(verifier))
	if err != nil {
		t.Fatalf("authorization URL: %v", err)
	}
	back, err := newBrowser(t, redirectURI).authorize(ctx, &auth.AuthorizationArgs{URL: authURL})
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if err := handler.ProcessAuthorizationResponse(ctx, back.Code, back.State, verifier); err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	if err := initialize(); err != nil {
		t.Fatalf("initialize with the token: %v", err)
	}
	t.Logf("mcp-go negotiated protocol %s", client.ProtocolVersion())

	tools, err := client.ListTools(ctx, mcpgo.ListToolsRequest{})
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	found := false
	for _, tool := range tools.Tools {
		found = found || tool.Name == "whoami"
	}
	if !found {
		t.Fatalf("tools/list has no whoami: %v", tools.Tools)
	}
	call := func() string {
		req := mcpgo.CallToolRequest{}
		req.Params.Name = "whoami"
		res, err := client.CallTool(ctx, req)
		if err != nil {
			t.Fatalf("whoami: %v", err)
		}
		out, ok := res.StructuredContent.(map[string]any)
		if res.IsError || !ok {
			t.Fatalf("whoami = %+v", res)
		}
		id, _ := out["user_id"].(string)
		return id
	}
	before := call()
	time.Sleep(clientTokenTTL + time.Second)
	return before, call()
}
