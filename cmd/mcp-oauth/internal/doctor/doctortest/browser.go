package doctortest

import (
	"context"
	"errors"

	"github.com/mcp-oauth/mcp-oauth/generator/projecttest/signin"
)

// User is the name the test browser types into a sign-in form.
const User = "doctor-test-user"

// Browse plays the user, over HTTP only: from the authorization URL the
// doctor opened it signs in as User (signin.Browser: the DEV_LOGIN form,
// the consent page) and loads the redirect to the doctor's loopback
// listener, as a browser does. An authorization error is the doctor's to
// report: the browser has done its part once it delivered the redirect.
func Browse(start string) error {
	_, err := signin.New(signin.Options{User: User, Deliver: true}).SignIn(context.Background(), start)
	if ae := (*signin.AuthError)(nil); errors.As(err, &ae) {
		return nil
	}
	return err
}
