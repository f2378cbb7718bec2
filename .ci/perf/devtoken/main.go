// Command devtoken signs in to a generated server running with DEV_LOGIN=1
// the way an MCP client would (registration, authorization with PKCE, the
// consent page, the development sign-in form, the code exchange) and prints
// the access token. It is for measurements: see ../run.
package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: devtoken BASE_URL")
		os.Exit(2)
	}
	token, err := signIn(strings.TrimSuffix(os.Args[1], "/"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "devtoken:", err)
		os.Exit(1)
	}
	fmt.Println(token)
}

var hidden = regexp.MustCompile(`name="(request|state)" value="([^"]*)"`)

func signIn(base string) (string, error) {
	const redirectURI = "http://127.0.0.1:1/callback"
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirectURI) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	reg, _ := json.Marshal(map[string]any{
		"client_name": "devtoken", "redirect_uris": []string{redirectURI},
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
		"token_endpoint_auth_method": "none",
	})
	var client struct {
		ClientID string `json:"client_id"`
	}
	if err := call(c.Post(base+"/register", "application/json", strings.NewReader(string(reg))))(&client); err != nil {
		return "", fmt.Errorf("register: %w", err)
	}
	verifier := rand.Text() + rand.Text()
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"response_type": {"code"}, "client_id": {client.ClientID}, "redirect_uri": {redirectURI},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"state": {"s"}, "resource": {base + "/mcp"}, "scope": {"mcp"},
	}
	page, err := text(c.Get(base + "/authorize?" + q.Encode()))
	if err != nil {
		return "", fmt.Errorf("authorize: %w", err)
	}
	form, err := field(page, "request")
	if err != nil {
		return "", fmt.Errorf("consent page: %w", err)
	}
	page, err = text(c.PostForm(base+"/authorize/consent", url.Values{"request": {form}, "decision": {"approve"}}))
	if err != nil {
		return "", fmt.Errorf("consent: %w", err)
	}
	state, err := field(page, "state")
	if err != nil {
		return "", fmt.Errorf("sign-in page: %w", err)
	}
	resp, err := c.PostForm(base+"/dev/login", url.Values{"name": {"perf"}, "state": {state}})
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		return "", fmt.Errorf("sign in: %s, redirected to %q", resp.Status, resp.Header.Get("Location"))
	}
	var tokens struct {
		AccessToken string `json:"access_token"`
	}
	err = call(c.PostForm(base+"/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {redirectURI},
		"code_verifier": {verifier}, "client_id": {client.ClientID}, "resource": {base + "/mcp"},
	}))(&tokens)
	if err != nil || tokens.AccessToken == "" {
		return "", fmt.Errorf("token: %v", err)
	}
	return tokens.AccessToken, nil
}

func text(resp *http.Response, err error) (string, error) {
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("%s: %.200s", resp.Status, b)
	}
	return string(b), err
}

func call(resp *http.Response, err error) func(any) error {
	return func(v any) error {
		s, err := text(resp, err)
		if err != nil {
			return err
		}
		return json.Unmarshal([]byte(s), v)
	}
}

func field(page, name string) (string, error) {
	for _, m := range hidden.FindAllStringSubmatch(page, -1) {
		if m[1] == name {
			return html.UnescapeString(m[2]), nil
		}
	}
	return "", errors.New("no " + name + " field")
}
