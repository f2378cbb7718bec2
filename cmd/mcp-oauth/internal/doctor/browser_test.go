package doctor

import (
	"fmt"
	"os"
	"testing"

	"github.com/mcp-oauth/mcp-oauth/cmd/mcp-oauth/internal/doctor/doctortest"
)

// testBrowserEnv makes the test binary act as the user's browser: the
// doctor opens it through BROWSER with the authorization URL.
const testBrowserEnv = "DOCTOR_TEST_BROWSER"

func TestMain(m *testing.M) {
	if os.Getenv(testBrowserEnv) == "1" {
		if err := doctortest.Browse(os.Args[len(os.Args)-1]); err != nil {
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
