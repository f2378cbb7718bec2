package doctortest

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// User is the name the test browser types into a sign-in form.
const User = "doctor-test-user"

// Browse plays the user, over HTTP only: it follows redirects, keeps
// cookies, fills in a sign-in form with User, presses the approving
// button of a consent form, and stops at the doctor's page.
func Browse(start string) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	req, err := http.NewRequest(http.MethodGet, start, nil)
	if err != nil {
		return err
	}
	for range 10 {
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		page := string(body)
		if strings.Contains(page, "mcp-oauth doctor received the sign-in") {
			return nil
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s\n%s", resp.Request.URL, resp.Status, page)
		}
		if req, err = submitForm(page, resp.Request.URL); err != nil {
			return err
		}
	}
	return errors.New("the sign-in did not end after 10 pages")
}

var (
	formRE    = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	fieldRE   = regexp.MustCompile(`(?is)<(input|button)\b([^>]*)>`)
	approveRE = regexp.MustCompile(`(?i)approve|allow|accept`)
	attrRE    = regexp.MustCompile(`(?is)([a-z][-a-z0-9_:]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRE.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2] + a[3] + a[4])
	}
	return m
}

// submitForm fills in the page's first form: text fields get testUser,
// hidden fields keep their value, and the button whose value approves is
// pressed.
func submitForm(page string, at *url.URL) (*http.Request, error) {
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("%s: no form to submit:\n%s", at, page)
	}
	fa := attrs(m[1])
	values := url.Values{}
	for _, field := range fieldRE.FindAllStringSubmatch(m[2], -1) {
		a := attrs(field[2])
		name, typ := a["name"], strings.ToLower(a["type"])
		switch {
		case name == "":
		case strings.ToLower(field[1]) == "button" || typ == "submit":
			if approveRE.MatchString(a["value"]) {
				values.Set(name, a["value"])
			}
		case typ == "hidden":
			values.Set(name, a["value"])
		default:
			values.Set(name, User)
		}
	}
	target, err := at.Parse(fa["action"])
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(values.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", at.Scheme+"://"+at.Host)
	return req, nil
}
