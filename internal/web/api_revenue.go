package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// GET and PUT /api/v1/accounts/{external_id}/revenue read and write an
// account's revenue per calendar year, the account named by its CRM key
// as the CRM knows it. A PUT stores the years it gives (others stay), all
// or nothing; every invalid year is listed, by index, before anything is
// written.

// maxRevenueYears bounds the years of one PUT: every year there can be,
// each once.
const maxRevenueYears = nps.MaxRevenueYear - nps.MinRevenueYear + 1

// apiRevenue is an account's revenue per year in the API. Amounts are
// decimal strings with two decimals in the workspace's currency, exact
// where a JSON number might not be.
type apiRevenue struct {
	AccountExternalID string `json:"account_external_id"`
	// AnnualRevenue is the account's revenue of its latest year.
	AnnualRevenue string           `json:"annual_revenue"`
	Revenue       []apiRevenueYear `json:"revenue"`
}

type apiRevenueYear struct {
	Year    int    `json:"year"`
	Revenue string `json:"revenue"`
}

// formatCents writes cents as a decimal string: 123456 is "1234.56".
func formatCents(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

func (s *Server) handleAPIRevenueGet(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	id, ext, err := s.apiAccountID(r, token.WorkspaceID)
	if err != nil {
		return err
	}
	return s.writeRevenue(w, r, http.StatusOK, token.WorkspaceID, id, ext)
}

func (s *Server) handleAPIRevenuePut(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	// The account first, so that an unknown one is 404 whatever the body.
	id, ext, err := s.apiAccountID(r, token.WorkspaceID)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, maxDocumentBody)
	if err != nil {
		return err
	}
	rs, err := parseRevenue(body, id)
	if err != nil {
		return err
	}
	if err := s.db.UpsertAccountRevenue(r.Context(), token.WorkspaceID, rs); err != nil {
		return accountNotFound(err, ext)
	}
	return s.writeRevenue(w, r, http.StatusOK, token.WorkspaceID, id, ext)
}

// apiAccountID returns the ID of the workspace's account whose external
// ID the path names.
func (s *Server) apiAccountID(r *http.Request, workspaceID int64) (int64, string, error) {
	ext := r.PathValue("external_id")
	found, err := s.db.FindRefs(r.Context(), workspaceID, store.Refs{AccountExternalIDs: []string{ext}})
	if err != nil {
		return 0, ext, err
	}
	if id := found.AccountByExternalID[ext]; id != 0 {
		return id, ext, nil
	}
	return 0, ext, accountNotFound(nps.ErrNotFound, ext)
}

// accountNotFound turns nps.ErrNotFound about the path's account into a
// 404 naming it; other errors pass.
func accountNotFound(err error, ext string) error {
	if errors.Is(err, nps.ErrNotFound) {
		return &httpError{status: http.StatusNotFound, message: fmt.Sprintf("no account of this workspace has the external ID %q", ext), cause: err}
	}
	return err
}

// writeRevenue answers the account's stored years, newest first.
func (s *Server) writeRevenue(w http.ResponseWriter, r *http.Request, status int, workspaceID, id int64, ext string) error {
	years, err := s.db.AccountRevenue(r.Context(), workspaceID, id)
	if err != nil {
		return accountNotFound(err, ext)
	}
	acc, err := s.db.Account(r.Context(), workspaceID, id)
	if err != nil {
		return accountNotFound(err, ext)
	}
	out := apiRevenue{AccountExternalID: ext, AnnualRevenue: formatCents(acc.AnnualRevenueCents), Revenue: make([]apiRevenueYear, len(years))}
	for i, y := range years {
		out.Revenue[i] = apiRevenueYear{Year: y.Year, Revenue: formatCents(y.RevenueCents)}
	}
	return writeJSON(w, "application/json", status, out)
}

// parseRevenue parses the body of a PUT into the years of the account
// with the given ID, or an *invalidInput listing every problem.
func parseRevenue(body []byte, accountID int64) ([]nps.AccountRevenue, error) {
	var top struct {
		Revenue []json.RawMessage `json:"revenue"`
	}
	if err := decodeJSON(body, &top); err != nil {
		return nil, err
	}
	if n := len(top.Revenue); n == 0 || n > maxRevenueYears {
		return nil, &invalidInput{detail: "the request body is not acceptable", problems: []fieldProblem{{Field: "revenue",
			Detail: fmt.Sprintf("must hold 1 to %d years, got %d", maxRevenueYears, n)}}}
	}
	var problems []fieldProblem
	rs := make([]nps.AccountRevenue, 0, len(top.Revenue))
	first := map[int]int{}
	for i, raw := range top.Revenue {
		bad := func(field, detail string) {
			problems = append(problems, fieldProblem{Index: &i, Field: field, Detail: detail})
		}
		var item struct {
			Year    *int            `json:"year"`
			Revenue json.RawMessage `json:"revenue"`
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&item); err != nil {
			p := jsonProblem(err)
			bad(p.Field, p.Detail)
			continue
		}
		before := len(problems)
		rev := nps.AccountRevenue{AccountID: accountID}
		var ve *nps.ValidationError
		switch {
		case item.Year == nil:
			bad("year", "is required")
		case errors.As(nps.AccountRevenue{AccountID: accountID, Year: *item.Year}.Validate(), &ve):
			bad(ve.Field, ve.Message)
		default:
			if j, twice := first[*item.Year]; twice {
				bad("year", fmt.Sprintf("%d is given twice, also at index %d", *item.Year, j))
			} else {
				first[*item.Year] = i
			}
			rev.Year = *item.Year
		}
		if len(item.Revenue) == 0 || string(item.Revenue) == "null" {
			bad("revenue", `is required: a decimal string such as "1250000.00", or a number`)
		} else if cents, err := parseAPIAmount(item.Revenue); err != nil {
			bad("revenue", err.Error())
		} else {
			rev.RevenueCents = cents
		}
		if len(problems) > before {
			continue
		}
		if errors.As(rev.Validate(), &ve) { // the bound of amounts
			bad(ve.Field, ve.Message)
			continue
		}
		rs = append(rs, rev)
	}
	if problems != nil {
		items := map[int]bool{}
		for _, p := range problems {
			items[*p.Index] = true
		}
		return nil, &invalidInput{detail: fmt.Sprintf("%d of the years are not acceptable; none was stored", len(items)), problems: problems}
	}
	return rs, nil
}

// parseAPIAmount reads an amount as cents: a decimal string or a JSON
// number, both with a point as the decimal sign, no grouping and at most
// two decimals ("1250000.00", 1250000.5). Unlike a file's column, an API
// call states its number plainly, so nothing is guessed.
func parseAPIAmount(raw json.RawMessage) (int64, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return 0, fmt.Errorf(`must be a decimal string such as "1250000.00", or a number, got %s`, truncate(string(raw), 40))
		}
		// A number's fraction may carry trailing zeros (1250.500).
		text = n.String()
		if whole, frac, ok := strings.Cut(text, "."); ok {
			text = strings.TrimSuffix(whole+"."+strings.TrimRight(frac, "0"), ".")
		}
	}
	text = strings.TrimSpace(text)
	if !apiAmount.MatchString(text) {
		return 0, fmt.Errorf("%q is not an amount like 1250000.00: digits, and a point with at most two decimals", truncate(text, 40))
	}
	return importer.ParseAmount(text)
}

// apiAmount is the form of an amount in the API.
var apiAmount = regexp.MustCompile(`^[0-9]{1,16}(\.[0-9]{1,2})?$`)
