package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// The columns behind the fields that the nps types' validation errors
// name, per kind.
var (
	accountColumns = map[string]string{"name": "name", "external_id": "external_id", "industry": "industry",
		"region": "region", "size": "size", "annual_revenue": "revenue", "status": "status", "churned_at": "churned_at"}
	contactColumns = map[string]string{"email": "email", "external_id": "external_id", "name": "name", "language": "language"}
	refColumns     = map[string]string{"name": "account_name", "external_id": "account_external_id"}
	waveColumns    = map[string]string{"name": "wave"}
)

func (p *parser) account(row Row, rs *Records) *Error {
	v, err := p.cells(row, "external_id", "name", "owner_email", "industry", "region", "size", "revenue", "status", "churned_at", "revenue_year")
	if err != nil {
		return err
	}
	a := AccountRecord{Line: row.Line, OwnerEmail: nps.NormalizeEmail(v[2]), Account: nps.Account{
		ExternalID: v[0], Name: v[1], Industry: v[3], Region: v[4], Size: v[5],
	}}
	if a.Account.Attributes, a.ClearAttributes, err = p.attributes(row); err != nil {
		return err
	}
	if v[6] != "" {
		cents, perr := parseCents(v[6], p.t.Spreadsheet)
		if perr != nil {
			return &Error{Line: row.Line, Column: p.m["revenue"], Msg: perr.Error()}
		}
		a.Account.AnnualRevenueCents, a.HasRevenue = cents, true
	}
	if v[9] != "" {
		year, perr := parseYear(v[9])
		if perr != nil {
			return &Error{Line: row.Line, Column: p.m["revenue_year"], Msg: perr.Error()}
		}
		if verr := (nps.AccountRevenue{AccountID: 1, Year: year}).Validate(); verr != nil {
			return p.invalid(row.Line, verr, map[string]string{"year": "revenue_year"})
		}
		if a.HasRevenue {
			a.RevenueYear = year
		}
	}
	switch strings.ToLower(v[7]) {
	case "", "active", "actief", "klant", "customer":
		a.Account.Status = nps.AccountActive
	case "churned", "churn", "opgezegd", "vertrokken", "ex-klant", "former customer":
		a.Account.Status = nps.AccountChurned
	default:
		return &Error{Line: row.Line, Column: p.m["status"], Msg: fmt.Sprintf("%q is not a status; use active or churned (actief, opgezegd)", v[7])}
	}
	if v[8] != "" {
		t, perr := parseDate(v[8], p.t.Spreadsheet)
		if perr != nil {
			return &Error{Line: row.Line, Column: p.m["churned_at"], Msg: perr.Error()}
		}
		a.Account.ChurnedAt = t
		if v[7] == "" {
			a.Account.Status = nps.AccountChurned
		}
	}
	if a.Account.Status == nps.AccountChurned && a.Account.ChurnedAt.IsZero() {
		return &Error{Line: row.Line, Column: p.m["status"], Msg: "a churned account needs the date it left: map a churn date column"}
	}
	if a.OwnerEmail != "" {
		if verr := (nps.User{Email: a.OwnerEmail}).Validate(); verr != nil {
			return &Error{Line: row.Line, Column: p.m["owner_email"], Msg: fmt.Sprintf("%q is not a valid email address", v[2])}
		}
	}
	if a.Account.ExternalID == "" && a.Account.Name == "" {
		return &Error{Line: row.Line, Msg: "the row has neither an external id nor a name to find or create the account by"}
	}
	check := a.Account
	if !rs.Mapped["name"] {
		check.Name = "(kept)" // an update by external ID keeps the stored name
	}
	if verr := check.Validate(); verr != nil {
		return p.invalid(row.Line, verr, accountColumns)
	}
	field := "external_id"
	if a.Account.ExternalID == "" {
		field = "name"
	}
	if err := p.unique(row.Line, field, "account", map[string]string{"external_id": a.Account.ExternalID, "name": a.Account.Name}[field]); err != nil {
		return err
	}
	rs.Accounts = append(rs.Accounts, a)
	return nil
}

func (p *parser) contact(row Row, rs *Records) *Error {
	v, err := p.cells(row, "email", "external_id", "name", "language", "account_external_id", "account_name", "opted_out")
	if err != nil {
		return err
	}
	c := ContactRecord{Line: row.Line, AccountExternalID: v[4], AccountName: v[5], Contact: nps.Contact{
		Email: nps.NormalizeEmail(v[0]), ExternalID: v[1], Name: v[2], Language: v[3],
	}}
	if c.Contact.Attributes, c.ClearAttributes, err = p.attributes(row); err != nil {
		return err
	}
	if v[6] != "" {
		var perr error
		if c.OptedOut, c.Contact.OptedOutAt, perr = parseOptOut(v[6], p.t.Spreadsheet); perr != nil {
			return &Error{Line: row.Line, Column: p.m["opted_out"], Msg: perr.Error()}
		}
	}
	if verr := c.Contact.Validate(); verr != nil {
		return p.invalid(row.Line, verr, contactColumns)
	}
	if err := p.accountRef(row.Line, c.AccountExternalID, c.AccountName); err != nil {
		return err
	}
	if err := p.unique(row.Line, "email", "email address", c.Contact.Email); err != nil {
		return err
	}
	if err := p.unique(row.Line, "external_id", "external id", c.Contact.ExternalID); err != nil {
		return err
	}
	rs.Contacts = append(rs.Contacts, c)
	return nil
}

// accountRef checks the account a row refers to.
func (p *parser) accountRef(line int, externalID, name string) *Error {
	if externalID == "" && name == "" {
		return nil
	}
	check := nps.Account{ExternalID: externalID, Name: name, Status: nps.AccountActive}
	if name == "" {
		check.Name = "(by external id)"
	}
	if err := check.Validate(); err != nil {
		return p.invalid(line, err, refColumns)
	}
	return nil
}

func (p *parser) response(row Row, rs *Records) *Error {
	v, err := p.cells(row, "score", "date", "comment", "email", "language", "wave", "account_external_id", "account_name")
	if err != nil {
		return err
	}
	r := ResponseRecord{Line: row.Line, Comment: v[2], Email: nps.NormalizeEmail(v[3]), Language: v[4], Wave: v[5],
		AccountExternalID: v[6], AccountName: v[7]}
	if v[0] == "" {
		return &Error{Line: row.Line, Column: p.m["score"], Msg: "the score is missing"}
	}
	score, perr := parseScore(v[0])
	if perr != nil {
		return &Error{Line: row.Line, Column: p.m["score"], Msg: perr.Error()}
	}
	r.Score = score
	if v[1] == "" {
		return &Error{Line: row.Line, Column: p.m["date"], Msg: "the date is missing: a historical answer needs the date it was given"}
	}
	if r.Date, perr = parseDate(v[1], p.t.Spreadsheet); perr != nil {
		return &Error{Line: row.Line, Column: p.m["date"], Msg: perr.Error()}
	}
	answer := nps.Response{WaveID: 1, Score: r.Score, Comment: r.Comment, Language: r.Language, Channel: nps.ChannelImport}
	if verr := answer.Validate(); verr != nil {
		return p.invalid(row.Line, verr, map[string]string{"comment": "comment", "language": "language"})
	}
	if r.Email != "" {
		if verr := (nps.Contact{Email: r.Email}).Validate(); verr != nil {
			return p.invalid(row.Line, verr, contactColumns)
		}
	}
	if r.Wave != "" {
		if verr := (nps.Wave{SurveyID: 1, Name: r.Wave, OpensAt: r.Date}).Validate(); verr != nil {
			return p.invalid(row.Line, verr, waveColumns)
		}
	}
	if err := p.accountRef(row.Line, r.AccountExternalID, r.AccountName); err != nil {
		return err
	}
	rs.Responses = append(rs.Responses, r)
	return nil
}

// revenueColumns are the columns behind the fields of nps.AccountRevenue.
var revenueColumns = map[string]string{"year": "year", "revenue": "revenue"}

func (p *parser) revenue(row Row, rs *Records) *Error {
	v, err := p.cells(row, "account_external_id", "year", "revenue")
	if err != nil {
		return err
	}
	r := RevenueRecord{Line: row.Line, AccountExternalID: v[0]}
	switch {
	case v[0] == "":
		return &Error{Line: row.Line, Column: p.m["account_external_id"], Msg: "the account's external id is missing"}
	case v[1] == "":
		return &Error{Line: row.Line, Column: p.m["year"], Msg: "the year is missing"}
	case v[2] == "":
		return &Error{Line: row.Line, Column: p.m["revenue"], Msg: "the revenue is missing"}
	}
	var perr error
	if r.Year, perr = parseYear(v[1]); perr != nil {
		return &Error{Line: row.Line, Column: p.m["year"], Msg: perr.Error()}
	}
	if r.RevenueCents, perr = parseCents(v[2], p.t.Spreadsheet); perr != nil {
		return &Error{Line: row.Line, Column: p.m["revenue"], Msg: perr.Error()}
	}
	if verr := (nps.AccountRevenue{AccountID: 1, Year: r.Year, RevenueCents: r.RevenueCents}).Validate(); verr != nil {
		return p.invalid(row.Line, verr, revenueColumns)
	}
	if verr := (nps.Account{ExternalID: r.AccountExternalID, Name: "(by external id)", Status: nps.AccountActive}).Validate(); verr != nil {
		return p.invalid(row.Line, verr, map[string]string{"external_id": "account_external_id"})
	}
	// External IDs match exactly, as the store matches them.
	key := "revenue\x00" + r.AccountExternalID + "\x00" + strconv.Itoa(r.Year)
	if first, ok := p.seen[key]; ok {
		return &Error{Line: row.Line, Column: p.m["year"], Msg: fmt.Sprintf("account %q has revenue for %d on line %d too: a file may hold each account's year once",
			r.AccountExternalID, r.Year, first)}
	}
	p.seen[key] = row.Line
	rs.Revenues = append(rs.Revenues, r)
	return nil
}
