// Package tutor holds the domain-wide error codes every Tutor package returns.
// Handlers map these codes to HTTP statuses in one place.
package tutor

import (
	"errors"
	"fmt"
)

// Error codes. An error without a code is internal and shows "Internal error".
const (
	EINVALID      = "invalid"      // bad input: a field, line or value is wrong
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	ECONFLICT     = "conflict"     // the request clashes with the current state
	ETOOLARGE     = "too_large"    // the input is over a size limit
	EUNSUPPORTED  = "unsupported"  // a type or format Tutor does not handle
	EFORBIDDEN    = "forbidden"    // the caller's role may not do this
	EUNAUTHORIZED = "unauthorized" // no or wrong credentials
	EUNAVAILABLE  = "unavailable"  // a dependency is down; try again later
	EBUSY         = "busy"         // too many requests wait already; retry shortly
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// Error is an error with a code and a message safe to show to a user.
type Error struct {
	Code    string
	Message string
	Err     error // optional cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an [Error] with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an [Error] with code and message whose cause is err.
func Wrap(err error, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first [Error] in err's chain, or EINTERNAL.
// A nil error has no code.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors read "Internal error".
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Internal error"
}
