package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// The dashboards' aggregates, summed from the score rollup (rollup.go): a
// query that does not look at accounts reads the few rows of
// score_totals, one that looks at accounts but not at months reads
// score_accounts, and only one that needs both reads score_rollup, each
// within its key's prefix.

// HistogramFilter selects the responses a histogram counts; its zero value
// counts all of a workspace's responses.
type HistogramFilter struct {
	SurveyID  int64
	WaveID    int64
	AccountID int64
	// FromMonth and ToMonth bound the months of the responses' first
	// answers, inclusive; 0 leaves the range open on that side.
	FromMonth, ToMonth nps.Month
	// OwnerID keeps the accounts this user owns: what a member (an
	// account manager) sees, or the employee view of one owner.
	OwnerID int64
	// Segment keeps the accounts whose attribute has a value.
	Segment Segment
}

// Segment names the accounts whose Attribute ("industry", "region",
// "size" or a custom attribute) is Value; its zero value is all accounts.
type Segment struct {
	Attribute, Value string
}

// IsZero reports whether s selects all accounts.
func (s Segment) IsZero() bool { return s.Attribute == "" }

// check reports a segment that cannot name an attribute.
func (s Segment) check() error {
	if !s.IsZero() && !validAttribute(s.Attribute) {
		return &nps.ValidationError{Field: "segment", Message: fmt.Sprintf("%q is not an account attribute", s.Attribute)}
	}
	return nil
}

// condition returns the condition of s on the accounts aliased a, adding
// its arguments to w.
func (s Segment) condition(w *where) string {
	return accountAttribute(w, s.Attribute) + " = " + w.arg(s.Value)
}

// accountAttribute returns the SQL expression of an account attribute of
// the accounts aliased a, adding the name of a custom one to w.
func accountAttribute(w *where, attribute string) string {
	if nps.IsSegmentField(attribute) {
		return "a." + attribute
	}
	return "a.attributes ->> CAST(" + w.arg(attribute) + " AS text)"
}

// accounts reports whether f selects by account.
func (f HistogramFilter) accounts() bool {
	return f.AccountID != 0 || f.OwnerID != 0 || !f.Segment.IsZero()
}

func (f HistogramFilter) validate() error {
	for _, m := range []struct {
		field string
		month nps.Month
	}{{"from_month", f.FromMonth}, {"to_month", f.ToMonth}} {
		if m.month != 0 && !m.month.Valid() {
			return &nps.ValidationError{Field: m.field, Message: fmt.Sprintf("%d is not a month written as yyyymm", int(m.month))}
		}
	}
	if f.FromMonth != 0 && f.ToMonth != 0 && f.FromMonth > f.ToMonth {
		return &nps.ValidationError{Field: "to_month", Message: "must not be before from_month"}
	}
	return f.Segment.check()
}

// validAttribute reports whether name can name an account attribute.
func validAttribute(name string) bool { return name != "" && len(name) <= 100 }

// table returns the smallest rollup table that answers f grouped by d.
func (f HistogramFilter) table(d Dimension) string {
	months := f.FromMonth != 0 || f.ToMonth != 0 || d == GroupMonth
	switch {
	case !f.accounts() && !d.accounts():
		return "score_totals"
	case !months:
		return "score_accounts"
	}
	return "score_rollup"
}

// where returns the conditions on the rollup r for the workspace.
func (f HistogramFilter) where(workspaceID int64) *where {
	w := &where{}
	ws := w.arg(workspaceID)
	w.and("r.workspace_id = " + ws)
	switch {
	case f.SurveyID != 0:
		w.and("r.survey_id = " + w.arg(f.SurveyID))
	case f.WaveID != 0:
		// The wave's survey narrows the search to the key's prefix.
		w.and("r.survey_id = (SELECT survey_id FROM waves WHERE workspace_id = " + ws + " AND id = " + w.arg(f.WaveID) + ")")
	}
	if f.WaveID != 0 {
		w.and("r.wave_id = " + w.arg(f.WaveID))
	}
	if f.AccountID != 0 {
		w.and("r.account_id = " + w.arg(f.AccountID))
	}
	if f.FromMonth != 0 {
		w.and("r.month >= " + w.arg(int(f.FromMonth)))
	}
	if f.ToMonth != 0 {
		w.and("r.month <= " + w.arg(int(f.ToMonth)))
	}
	f.andAccounts(w, ws)
	return w
}

// andAccounts adds the condition on r.account_id of OwnerID and Segment:
// the few accounts that match, each then found by the key.
func (f HistogramFilter) andAccounts(w *where, ws string) {
	var sub []string
	if f.OwnerID != 0 {
		sub = append(sub, "a.owner_id = "+w.arg(f.OwnerID))
	}
	if !f.Segment.IsZero() {
		sub = append(sub, f.Segment.condition(w))
	}
	if len(sub) > 0 {
		w.and("r.account_id IN (SELECT a.id FROM accounts a WHERE a.workspace_id = " + ws + " AND " + strings.Join(sub, " AND ") + ")")
	}
}

// Histogram returns the score histogram of the workspace's responses that
// f selects, summed from the rollup.
func (db *DB) Histogram(ctx context.Context, workspaceID int64, f HistogramFilter) (nps.Histogram, error) {
	var h nps.Histogram
	if err := f.validate(); err != nil {
		return h, fmt.Errorf("store: histogram: %w", err)
	}
	w := f.where(workspaceID)
	err := db.read.QueryRowContext(ctx,
		`SELECT `+scoreList("COALESCE(SUM(r.%[1]s), 0)", 0)+` FROM `+f.table("")+` r`+w.String(),
		w.args...).Scan(histogramDest(&h)...)
	if err != nil {
		return h, fmt.Errorf("store: histogram: %w", err)
	}
	return h, nil
}

// Dimension is what Histograms groups by.
type Dimension string

// The dimensions.
const (
	// GroupWave groups by wave; a Group's Key is the wave ID.
	GroupWave Dimension = "wave"
	// GroupMonth groups by the month of the first answer; Key is
	// "2025-03".
	GroupMonth Dimension = "month"
	// GroupAccount groups by account; Key is the account ID, "0" for
	// responses without one.
	GroupAccount Dimension = "account"
	// GroupSegment groups by an attribute of the accounts, as they are
	// now; Key is its value, "" for responses without an account or
	// accounts without the attribute.
	GroupSegment Dimension = "segment"
	// GroupOwner groups by the accounts' owners, as they are now; Key is
	// the owner's user ID, "0" for responses without an account or
	// accounts without an owner.
	GroupOwner Dimension = "owner"
)

// accounts reports whether grouping by d looks at accounts.
func (d Dimension) accounts() bool { return d == GroupAccount || d == GroupSegment || d == GroupOwner }

// GroupBy chooses the groups of Histograms.
type GroupBy struct {
	Dimension Dimension
	// Attribute names the account attribute of GroupSegment: "industry",
	// "region", "size" or a custom attribute's name.
	Attribute string
}

// Group is the histogram of one group.
type Group struct {
	Key       string
	Histogram nps.Histogram
}

// Histograms returns the histograms of the workspace's responses that f
// selects, one per group of g, ordered by key; groups without responses
// are left out.
func (db *DB) Histograms(ctx context.Context, workspaceID int64, f HistogramFilter, g GroupBy) ([]Group, error) {
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("store: histograms: %w", err)
	}
	w := f.where(workspaceID)
	var query string
	keyText := groupKey
	switch g.Dimension {
	case GroupWave, GroupMonth, GroupAccount:
		col := "r." + string(g.Dimension) + "_id"
		if g.Dimension == GroupMonth {
			col, keyText = "r.month", monthKey
		}
		query = `SELECT ` + col + `, ` + scoreList("SUM(r.%[1]s)", 0) + ` FROM ` + f.table(g.Dimension) + ` r` + w.String() +
			` GROUP BY ` + col + ` ORDER BY ` + col
	case GroupSegment, GroupOwner:
		if g.Dimension == GroupSegment && !validAttribute(g.Attribute) {
			return nil, fmt.Errorf("store: histograms: %w", &nps.ValidationError{Field: "attribute", Message: "must name the account attribute to group by"})
		}
		key := "COALESCE(a.owner_id, 0)"
		if g.Dimension == GroupSegment {
			key = "COALESCE(" + accountAttribute(w, g.Attribute) + ", '')"
		}
		// Sum per account first, then look each account up once.
		query = `SELECT ` + key + ` AS group_key, ` + scoreList("CAST(SUM(t.%[1]s) AS bigint)", 0) + `
			FROM (SELECT r.account_id, ` + scoreList("SUM(r.%[1]s) AS %[1]s", 0) + ` FROM ` + f.table(g.Dimension) + ` r` + w.String() + `
				GROUP BY r.account_id) t
			LEFT JOIN accounts a ON a.workspace_id = $1 AND a.id = t.account_id
			GROUP BY group_key ORDER BY group_key`
	default:
		return nil, fmt.Errorf("store: histograms: %w", &nps.ValidationError{Field: "group_by", Message: fmt.Sprintf("%q is not a dimension; use wave, month, account, segment or owner", string(g.Dimension))})
	}
	rows, err := db.read.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: histograms: %w", err)
	}
	groups, err := collect(rows, func(row rowScanner) (Group, error) {
		var g Group
		var key any
		err := row.Scan(append([]any{&key}, histogramDest(&g.Histogram)...)...)
		g.Key = keyText(key)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: histograms: %w", err)
	}
	// Cells emptied by changed answers stay in the rollup at zero.
	return slices.DeleteFunc(groups, func(g Group) bool { return g.Histogram.N() == 0 }), nil
}

// groupKey renders a scanned group key, a number or a text.
func groupKey(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case []byte:
		return string(v)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// monthKey renders a scanned month as "2025-03".
func monthKey(v any) string {
	n, _ := v.(int64)
	return nps.Month(n).String()
}

// histogramDest returns scan destinations for the eleven counts of h.
func histogramDest(h *nps.Histogram) []any {
	dest := make([]any, len(h))
	for i := range h {
		dest[i] = &h[i]
	}
	return dest
}
