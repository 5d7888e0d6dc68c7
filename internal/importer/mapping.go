package importer

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// Field is what an import can fill from a column.
type Field struct {
	// Name is the field's key in a Mapping ("email").
	Name  string
	Label string
	// synonyms are header names, normalised (see normalise), that suggest
	// the field: English, Dutch, and those of common exports.
	synonyms []string
}

// AttributePrefix starts the key of a free attribute in a Mapping:
// "attr:Contract" fills the attribute "Contract" of accounts or contacts.
const AttributePrefix = "attr:"

var (
	fEmail     = Field{"email", "Email", []string{"email", "emailaddress", "emailadres", "mail", "mailadres", "personemail", "contactemail"}}
	fAcctExtID = Field{"account_external_id", "Account external ID", []string{"accountexternalid", "accountid", "companyid", "klantnummer", "bedrijfsnummer", "relatienummer", "organisatienummer"}}
	fAcctName  = Field{"account_name", "Account (company) name", []string{"accountname", "account", "company", "companyname", "bedrijf", "bedrijfsnaam", "organisatie", "organisation", "organization", "klant"}}
	fLanguage  = Field{"language", "Language", []string{"language", "taal", "locale", "lang"}}
	// fRevenueYear is the calendar year of an accounts file's revenue
	// column, which is also stored as that year's revenue.
	fRevenueYear = Field{"revenue_year", "Year of the revenue (default: this year)", []string{"revenueyear", "omzetjaar"}}
)

// fields are the fields of each kind, in the order forms show them.
var fields = map[Kind][]Field{
	Accounts: {
		{"external_id", "External ID", []string{"externalid", "id", "crmid", "klantnummer", "klantid", "relatienummer", "customerid", "accountid"}},
		{"name", "Name", []string{"name", "naam", "accountname", "company", "companyname", "bedrijf", "bedrijfsnaam", "organisatie", "organisation", "organization", "klant", "klantnaam"}},
		{"owner_email", "Owner (email of a member)", []string{"owner", "owneremail", "eigenaar", "accountmanager", "accountowner", "accounteigenaar"}},
		{"industry", "Industry", []string{"industry", "branche", "sector", "industrie"}},
		{"region", "Region", []string{"region", "regio"}},
		{"size", "Size", []string{"size", "grootte", "omvang", "companysize", "bedrijfsgrootte"}},
		{"revenue", "Annual revenue", []string{"revenue", "annualrevenue", "omzet", "jaaromzet", "arr"}},
		{"status", "Status (active or churned)", []string{"status", "accountstatus"}},
		{"churned_at", "Churn date", []string{"churnedat", "churndate", "churnedon", "opzegdatum", "vertrokken", "churned"}},
		fRevenueYear,
	},
	Contacts: {
		fEmail,
		{"external_id", "External ID", []string{"externalid", "id", "contactid", "personid", "crmid", "contactnummer"}},
		{"name", "Name", []string{"name", "naam", "fullname", "volledigenaam", "contactname", "contactpersoon"}},
		fLanguage,
		fAcctExtID,
		fAcctName,
		{"opted_out", "Opted out (yes/no or date)", []string{"optedout", "optout", "unsubscribed", "afgemeld", "uitgeschreven", "optedoutat"}},
	},
	Responses: {
		{"score", "Score (0–10)", []string{"score", "cijfer", "nps", "npsscore", "rating", "waardering"}},
		{"date", "Date", []string{"date", "datum", "responsetimestamp", "timestamp", "createdat", "respondedat", "responsedate", "antwoorddatum", "submittedat"}},
		{"comment", "Comment", []string{"comment", "comments", "opmerking", "opmerkingen", "toelichting", "feedback", "reason", "reden"}},
		fEmail,
		fAcctExtID,
		fAcctName,
		fLanguage,
		{"wave", "Wave (name)", []string{"wave", "ronde", "meting", "surveyround", "golf"}},
	},
	Revenue: {
		{"account_external_id", "Account external ID", []string{"account", "accountexternalid", "externalid", "accountid", "id", "crmid",
			"klantnummer", "klantid", "relatienummer", "customerid", "companyid", "bedrijfsnummer", "organisatienummer"}},
		{"year", "Year", []string{"year", "jaar", "revenueyear", "omzetjaar"}},
		{"revenue", "Revenue", []string{"revenue", "annualrevenue", "omzet", "jaaromzet", "arr", "amount", "bedrag"}},
	},
}

// Fields returns the fields of kind k.
func Fields(k Kind) []Field { return fields[k] }

// Mapping says which column fills each field: its keys are field names,
// or AttributePrefix and an attribute's name; its values are header names
// as the file spells them. A field not in the mapping is not imported.
type Mapping map[string]string

// Suggest maps each field to the first column whose name is one of the
// field's synonyms, ignoring case, spaces and punctuation ("E-mail",
// "e-mailadres", "Response timestamp").
func Suggest(k Kind, header []string) Mapping {
	m := Mapping{}
	used := map[string]bool{}
	for _, f := range fields[k] {
		for _, col := range header {
			if col != "" && !used[col] && slices.Contains(f.synonyms, normalise(col)) {
				m[f.Name], used[col] = col, true
				break
			}
		}
	}
	return m
}

// normalise lower-cases a header name and drops everything but letters
// and digits.
func normalise(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// Check reports the first problem with m for a file of kind k with the
// header: a field that kind has not, a column the file has not, or a
// required field left out.
func (m Mapping) Check(k Kind, header []string) error {
	known := map[string]bool{}
	for _, f := range fields[k] {
		known[f.Name] = true
	}
	for _, key := range slices.Sorted(maps.Keys(m)) {
		col := m[key]
		attr, isAttr := strings.CutPrefix(key, AttributePrefix)
		switch {
		case isAttr && !k.HasAttributes():
			return &Error{Msg: fmt.Sprintf("%s have no attributes; %q cannot be imported as one", k, col)}
		case isAttr && strings.TrimSpace(attr) == "":
			return &Error{Msg: "an attribute needs a name"}
		case !isAttr && !known[key]:
			return &Error{Msg: fmt.Sprintf("%s have no field %q; use %s", k, key, strings.Join(fieldNames(k), ", "))}
		}
		if !slices.Contains(header, col) {
			return &Error{Column: col, Msg: "the file has no such column"}
		}
	}
	need := map[Kind][][]string{
		Accounts:  {{"external_id", "name"}},
		Contacts:  {{"email", "external_id"}},
		Responses: {{"score"}, {"date"}},
		Revenue:   {{"account_external_id"}, {"year"}, {"revenue"}},
	}
	for _, any := range need[k] {
		if !slices.ContainsFunc(any, func(f string) bool { return m[f] != "" }) {
			return &Error{Msg: fmt.Sprintf("no column is mapped to %s, which an import of %s needs", strings.Join(any, " or "), k)}
		}
	}
	if k == Accounts && m["revenue_year"] != "" && m["revenue"] == "" {
		return &Error{Column: m["revenue_year"], Msg: "a year of the revenue needs the revenue: map a revenue column too"}
	}
	return nil
}

func fieldNames(k Kind) []string {
	names := make([]string, 0, len(fields[k])+1)
	for _, f := range fields[k] {
		names = append(names, f.Name)
	}
	if k.HasAttributes() {
		names = append(names, AttributePrefix+"NAME")
	}
	return names
}
