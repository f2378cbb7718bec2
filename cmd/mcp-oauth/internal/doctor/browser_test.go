package doctor

import (
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
	"testing"
	"time"
)

// testBrowserEnv makes the test binary act as the user's browser: the
// doctor opens it through BROWSER with the authorization URL.
const testBrowserEnv = "DOCTOR_TEST_BROWSER"

// testUser is the name the test browser types into a sign-in form.
const testUser = "doctor-test-user"

func TestMain(m *testing.M) {
	if os.Getenv(testBrowserEnv) == "1" {
		if err := testBrowser(os.Args[len(os.Args)-1]); err != nil {
			fmt.Fprintln(os.Stderr, "test browser:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// useTestBrowser points BROWSER at this test binary for the test.
func useTestBrowser(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", self)
	t.Setenv(testBrowserEnv, "1")
}

// testBrowser plays the user, over HTTP only: it follows redirects, keeps
// cookies, fills in a sign-in form with testUser, presses the approving
// button of a consent form, and stops at the doctor's page.
func testBrowser(start string) error {
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
	formRE  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	fieldRE = regexp.MustCompile(`(?is)<(input|button)\b([^>]*)>`)
	attrRE  = regexp.MustCompile(`(?is)([a-z][-a-z0-9_:]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
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
			if regexp.MustCompile(`(?i)approve|allow|accept`).MatchString(a["value"]) {
				values.Set(name, a["value"])
			}
		case typ == "hidden":
			values.Set(name, a["value"])
		default:
			values.Set(name, testUser)
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
