// Package importer reads the files that customers bring from their CRM or
// from another NPS tool — CSV in any of the encodings and delimiters that
// spreadsheets write, or XLSX — and turns their rows into typed, validated
// records of accounts, contacts, historical responses or accounts' revenue
// per year.
//
// It is pure: bytes and a column mapping in, records and line-numbered
// errors out. It knows nothing of the database; whether a record creates
// or updates a row, and writing it, is the store's business. Every
// problem names the line of the file (the row of a sheet) and the column,
// so that the person who made the file can fix it.
package importer

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is what a file holds.
type Kind string

// The kinds of import.
const (
	Accounts  Kind = "accounts"
	Contacts  Kind = "contacts"
	Responses Kind = "responses"
	// Revenue is accounts' revenue per calendar year, a row per account
	// and year.
	Revenue Kind = "revenue"
)

// Kinds are the kinds of import, in the order the UI offers them.
var Kinds = []Kind{Accounts, Contacts, Responses, Revenue}

// ParseKind accepts a kind's name.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case Accounts, Contacts, Responses, Revenue:
		return k, nil
	}
	return "", fmt.Errorf("%q is not a kind of import; use accounts, contacts, responses or revenue", s)
}

// HasAttributes reports whether records of kind k take free attributes
// (AttributePrefix): accounts and contacts do.
func (k Kind) HasAttributes() bool { return k == Accounts || k == Contacts }

// Limits bound what Read accepts, so that a wrong or hostile file fails
// early with a clear error instead of filling memory.
type Limits struct {
	// MaxBytes is the largest file; 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxLine is the longest line of a CSV file in bytes; 0 means
	// DefaultMaxLine.
	MaxLine int
}

// The default limits: a file of 100,000 contacts is about 10 MB.
const (
	DefaultMaxBytes = 100 << 20
	DefaultMaxLine  = 64 << 10
	// MaxColumns bounds the columns of a file; a wider one is not a list
	// of customers.
	MaxColumns = 500
)

func (l Limits) maxBytes() int64 {
	if l.MaxBytes > 0 {
		return l.MaxBytes
	}
	return DefaultMaxBytes
}

func (l Limits) maxLine() int {
	if l.MaxLine > 0 {
		return l.MaxLine
	}
	return DefaultMaxLine
}

// Error is a problem with the file: at a line (0 when it concerns the file
// as a whole) and, where it is one cell's, in a column named as the header
// names it.
type Error struct {
	Line   int
	Column string
	Msg    string
}

// Error returns `line 7: column "E-mail": "x@" is not a valid email address`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Column != "" {
		b.WriteString("column " + strconv.Quote(e.Column) + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors lists the problems of a file, in line order.
type Errors []*Error

// MaxErrors is how many problems are collected before reading stops: a
// file with more is wrong as a whole, and the first ones say how.
const MaxErrors = 100

// Error returns the first few problems.
func (es Errors) Error() string {
	msgs := make([]string, 0, 3)
	for _, e := range es[:min(len(es), 3)] {
		msgs = append(msgs, e.Error())
	}
	s := strings.Join(msgs, "; ")
	if len(es) > 3 {
		s += fmt.Sprintf(" (and %d more)", len(es)-3)
	}
	return s
}
