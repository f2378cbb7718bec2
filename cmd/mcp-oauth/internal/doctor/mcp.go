package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// rpcMessage is a JSON-RPC answer.
type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// rpc posts one JSON-RPC message to the MCP endpoint with accessToken and
// returns the answer to id, read from JSON or from an event stream.
func (f *flowRun) rpc(ctx context.Context, accessToken, session, body, id string) (*rpcMessage, http.Header, error) {
	h := mcpHeaders()
	h.Set("Authorization", "Bearer "+accessToken)
	if session != "" {
		h.Set("Mcp-Session-Id", session)
		h.Set("MCP-Protocol-Version", "2025-06-18")
	}
	resp, err := f.c.do(ctx, http.MethodPost, f.mcpURL, h, body)
	if err != nil {
		return nil, nil, err
	}
	if id == "" {
		if resp.status/100 != 2 {
			return nil, resp.header, fmt.Errorf("%d %s", resp.status, strings.TrimSpace(string(resp.body)))
		}
		return nil, resp.header, nil
	}
	if resp.status != http.StatusOK {
		return nil, resp.header, fmt.Errorf("%d %s", resp.status, strings.TrimSpace(resp.header.Get("WWW-Authenticate")+" "+string(resp.body)))
	}
	var payloads [][]byte
	if strings.HasPrefix(resp.header.Get("Content-Type"), "text/event-stream") {
		for _, line := range bytes.Split(resp.body, []byte("\n")) {
			if data, ok := bytes.CutPrefix(bytes.TrimRight(line, "\r"), []byte("data:")); ok {
				payloads = append(payloads, bytes.TrimSpace(data))
			}
		}
	} else {
		payloads = [][]byte{resp.body}
	}
	for _, p := range payloads {
		var m rpcMessage
		if json.Unmarshal(p, &m) == nil && string(m.ID) == id {
			if m.Error != nil {
				return nil, resp.header, fmt.Errorf("JSON-RPC error %d: %s", m.Error.Code, m.Error.Message)
			}
			return &m, resp.header, nil
		}
	}
	return nil, resp.header, fmt.Errorf("no answer to request %s in %q", id, resp.body)
}

// listTools opens an MCP session with accessToken and lists its tools; it
// returns their number and the session id.
func (f *flowRun) listTools(ctx context.Context, accessToken string) (int, string, error) {
	_, h, err := f.rpc(ctx, accessToken, "", initializeBody, "1")
	if err != nil {
		return 0, "", fmt.Errorf("initialize: %w", err)
	}
	session := h.Get("Mcp-Session-Id")
	if _, _, err := f.rpc(ctx, accessToken, session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, ""); err != nil {
		return 0, session, fmt.Errorf("notifications/initialized: %w", err)
	}
	m, _, err := f.rpc(ctx, accessToken, session, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, "2")
	if err != nil {
		return 0, session, fmt.Errorf("tools/list: %w", err)
	}
	var result struct {
		Tools []json.RawMessage `json:"tools"`
	}
	if err := json.Unmarshal(m.Result, &result); err != nil {
		return 0, session, fmt.Errorf("tools/list result: %w", err)
	}
	return len(result.Tools), session, nil
}
