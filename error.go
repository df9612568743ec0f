package parley

import (
	"errors"
	"fmt"
)

// Kind classifies an error; it decides the HTTP status in one table in
// httpapi. Codes are finer and go to the client.
type Kind int

// The kinds of error.
const (
	KindInternal     Kind = iota // a bug or an outage; details are logged, not sent
	KindInvalid                  // the request is malformed or breaks a rule of input
	KindUnauthorized             // no or bad credentials
	KindForbidden                // credentials fine, the action is not allowed
	KindNotFound                 // the thing does not exist, or the caller may not see it
	KindConflict                 // the thing exists already, or the state forbids the change
	KindTooLarge                 // the request body or a part of it is over a limit
	KindTooMany                  // rate limited
	KindUnavailable              // the server can't serve now (shutting down, store unreachable); retry later
)

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindUnauthorized:
		return "unauthorized"
	case KindForbidden:
		return "forbidden"
	case KindNotFound:
		return "not_found"
	case KindConflict:
		return "conflict"
	case KindTooLarge:
		return "too_large"
	case KindTooMany:
		return "too_many"
	case KindUnavailable:
		return "unavailable"
	}
	return "internal"
}

// Error is the one error type of Parley. Kind decides the status, Code is the
// documented ERR_… string sent to the client, Message is for a person, and Err
// is the wrapped cause, which is logged and never sent.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Code
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind and code with a formatted message.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected cause as a KindInternal error with a generic
// message; the cause reaches the log only.
func Internal(err error) *Error {
	return &Error{Kind: KindInternal, Code: CodeInternal, Message: "internal error", Err: err}
}

// AsError returns err as an *Error when it is or wraps one.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// KindOf returns the kind of err; errors that are not *Error are internal.
func KindOf(err error) Kind {
	if e, ok := AsError(err); ok {
		return e.Kind
	}
	return KindInternal
}

// CodeOf returns the wire code of err, or "" for a nil error.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return CodeInternal
}
