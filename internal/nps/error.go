package nps

import (
	"errors"
	"fmt"
)

// The error kinds every layer agrees on. Callers test them with errors.Is;
// the HTTP layer maps them to statuses (404, 409) in one place.
var (
	// ErrNotFound reports that what was looked up does not exist in the
	// workspace asked about. A row of another workspace is not found either,
	// so an error never reveals that another workspace holds it.
	ErrNotFound = errors.New("not found")

	// ErrConflict reports a write that clashes with the stored state: a
	// duplicate key, or a change the current state no longer allows.
	ErrConflict = errors.New("conflict")

	// ErrWaveClosed is the conflict of answering, or changing an answer,
	// outside the open period of the wave.
	ErrWaveClosed error = &kindError{kind: ErrConflict, msg: "the survey round is closed"}

	// ErrOptedOut is the conflict of inviting a contact who opted out of
	// surveys; an opt-out is honoured forever.
	ErrOptedOut error = &kindError{kind: ErrConflict, msg: "the contact has opted out of surveys"}
)

// kindError is a specific error that also counts as a broader kind, so that
// errors.Is(ErrWaveClosed, ErrConflict) holds while the message stays
// readable for the person who caused it.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// ValidationError reports input that cannot be accepted: which field, and
// what is wrong with it in words a user understands. Validate methods
// return it as their error; find it with errors.As.
type ValidationError struct {
	// Field names the offending input, with a path for nested values
	// ("texts.nl.question"); empty when the problem is not one field's.
	Field string
	// Message says what is wrong and, where it helps, what is accepted.
	Message string
}

// Error returns "field: message".
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// fieldError returns a *ValidationError as an error.
func fieldError(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}
