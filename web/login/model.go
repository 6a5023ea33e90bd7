// Package login renders the sign-in page.
package login

// Page is the sign-in form.
type Page struct {
	Token  bool   // ask for the shared token rather than name and password
	Name   string // the name typed, kept after a failed attempt
	Failed bool
	Next   string // where to go after signing in
}
