package importer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Records are the rows of a file as typed values, each validated on its
// own; whether they fit the stored rows is for the store to check.
type Records struct {
	Kind Kind
	// Mapping is the mapping the records were read with, which the store
	// remembers for the next file of the workspace.
	Mapping Mapping
	// Mapped holds the fields (and AttributePrefix keys) the mapping
	// fills: an update changes these and keeps the others.
	Mapped    map[string]bool
	Accounts  []AccountRecord
	Contacts  []ContactRecord
	Responses []ResponseRecord
	Revenues  []RevenueRecord
}

// Column returns the column the mapping reads field from; "" when none.
func (rs *Records) Column(field string) string { return rs.Mapping[field] }

// Len returns the number of records.
func (rs *Records) Len() int {
	return len(rs.Accounts) + len(rs.Contacts) + len(rs.Responses) + len(rs.Revenues)
}

// AccountRecord is a row of an accounts file.
type AccountRecord struct {
	Line    int
	Account nps.Account
	// OwnerEmail names the owner, a member of the workspace; "" for none.
	OwnerEmail string
	// ClearAttributes are mapped attributes whose cell is empty: an
	// update removes them.
	ClearAttributes []string
	// HasRevenue is set when the row gives a revenue, which the import
	// also stores as the revenue of RevenueYear; 0 there means the year
	// of the import.
	HasRevenue  bool
	RevenueYear int
}

// Key is how the account is matched: its external ID, else its name in
// lower case.
func (a AccountRecord) Key() string { return accountKey(a.Account.ExternalID, a.Account.Name) }

func accountKey(externalID, name string) string {
	if externalID != "" {
		return "id:" + externalID
	}
	return "name:" + strings.ToLower(name)
}

// ContactRecord is a row of a contacts file.
type ContactRecord struct {
	Line    int
	Contact nps.Contact
	// OptedOut is set when the row says the contact opted out;
	// Contact.OptedOutAt holds its date when the row gives one.
	OptedOut bool
	// The contact's account, by external ID and/or name; both "" for
	// none.
	AccountExternalID, AccountName string
	ClearAttributes                []string
}

// ResponseRecord is a row of a responses file: a historical answer.
type ResponseRecord struct {
	Line     int
	Score    int
	Comment  string
	Date     time.Time
	Email    string
	Language string
	// Wave names the wave; "" leaves it to the import's options.
	Wave                           string
	AccountExternalID, AccountName string
}

// RevenueRecord is a row of a revenue file: an account's revenue in a
// calendar year.
type RevenueRecord struct {
	Line int
	// AccountExternalID names the account, which must exist.
	AccountExternalID string
	Year              int
	RevenueCents      int64
}

// Parse turns the table's rows into records of kind k by the mapping,
// which must pass Check. It returns the records of the valid rows and the
// problems of the others, at most MaxErrors; a row with a problem is
// left out.
func Parse(k Kind, t *Table, m Mapping) (*Records, Errors) {
	if err := m.Check(k, t.Header); err != nil {
		return nil, Errors{err.(*Error)}
	}
	p := &parser{t: t, m: m, index: map[string]int{}, seen: map[string]int{}}
	for i, col := range t.Header {
		p.index[col] = i
	}
	rs := &Records{Kind: k, Mapping: m, Mapped: map[string]bool{}}
	for key := range m {
		rs.Mapped[key] = true
	}
	for _, row := range t.Rows {
		var err *Error
		switch k {
		case Accounts:
			err = p.account(row, rs)
		case Contacts:
			err = p.contact(row, rs)
		case Responses:
			err = p.response(row, rs)
		case Revenue:
			err = p.revenue(row, rs)
		}
		if err != nil {
			p.errs = append(p.errs, err)
			if len(p.errs) == MaxErrors {
				break
			}
		}
	}
	return rs, p.errs
}

type parser struct {
	t     *Table
	m     Mapping
	index map[string]int
	// seen holds the line of each key (email, external ID) met so far.
	seen map[string]int
	errs Errors
}

// cell returns the trimmed value of the field's column in row, "" when
// the field is not mapped; a formula is an error.
func (p *parser) cell(row Row, field string) (string, *Error) {
	col, ok := p.m[field]
	if !ok {
		return "", nil
	}
	i := p.index[col]
	v := strings.TrimSpace(row.Cells[i])
	if row.Formulas != nil && row.Formulas[i] {
		return "", &Error{Line: row.Line, Column: col, Msg: "the cell holds a spreadsheet formula; the import takes values only (copy the column and paste it as values)"}
	}
	if isFormula(v) {
		return "", &Error{Line: row.Line, Column: col, Msg: fmt.Sprintf("%q looks like a spreadsheet formula, which is refused so that an export cannot run it; remove the leading %q", v, v[:1])}
	}
	return v, nil
}

// cells reads several fields of a row at once.
func (p *parser) cells(row Row, fields ...string) ([]string, *Error) {
	out := make([]string, len(fields))
	for i, f := range fields {
		v, err := p.cell(row, f)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// attributes reads the mapped attributes of a row: the non-empty ones,
// and the names of the empty ones.
func (p *parser) attributes(row Row) (map[string]string, []string, *Error) {
	var attrs map[string]string
	var clear []string
	for key := range p.m {
		name, ok := strings.CutPrefix(key, AttributePrefix)
		if !ok {
			continue
		}
		v, err := p.cell(row, key)
		if err != nil {
			return nil, nil, err
		}
		if v == "" {
			clear = append(clear, name)
			continue
		}
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs[name] = v
	}
	return attrs, clear, nil
}

// invalid turns a validation error of the nps types into an *Error at the
// column that the field came from.
func (p *parser) invalid(line int, err error, columns map[string]string) *Error {
	var ve *nps.ValidationError
	if !errors.As(err, &ve) {
		return &Error{Line: line, Msg: err.Error()}
	}
	field := ve.Field
	if attr, ok := strings.CutPrefix(field, "attributes."); ok {
		return &Error{Line: line, Column: p.m[AttributePrefix+attr], Msg: ve.Message}
	}
	if col, ok := p.m[columns[field]]; ok {
		return &Error{Line: line, Column: col, Msg: ve.Message}
	}
	return &Error{Line: line, Msg: ve.Error()}
}

// unique records key as met on line, or reports the line that had it.
func (p *parser) unique(line int, field, kind, value string) *Error {
	if value == "" {
		return nil
	}
	k := field + "\x00" + strings.ToLower(value)
	if first, ok := p.seen[k]; ok {
		return &Error{Line: line, Column: p.m[field], Msg: fmt.Sprintf("%q is also on line %d: a file may hold each %s once", value, first, kind)}
	}
	p.seen[k] = line
	return nil
}
