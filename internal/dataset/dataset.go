// Package dataset lays out the workspace's exports as tables: the columns
// of the responses, accounts and aggregates exports, filled row by row
// from the store's streaming reads and written to an export.Writer. The
// signed-in area's downloads and `promotor export` both write through it,
// so a file has the same columns however it was made.
//
// The column names are stable, lower-case English, whatever the reader's
// language, so that scripts and `promotor calc` can rely on them.
package dataset

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/export"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// Kind names an export.
type Kind string

// The exports.
const (
	Responses  Kind = "responses"
	Accounts   Kind = "accounts"
	Aggregates Kind = "aggregates"
)

// Kinds lists the exports.
var Kinds = []Kind{Responses, Accounts, Aggregates}

// ParseKind reads an export's name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("dataset: %q is not an export; use responses, accounts or aggregates", s)
}

// Sheet names the worksheet of an export: "Responses".
func (k Kind) Sheet() string {
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

// Filename is the name a downloaded export is saved under:
// promotor-acme-responses-2026-12-01.xlsx, of the day in UTC.
func Filename(slug string, k Kind, f export.Format, day time.Time) string {
	return "promotor-" + slug + "-" + string(k) + "-" + day.UTC().Format("2006-01-02") + "." + string(f)
}

// Scope is what an export covers. The responses export reads every field
// of the filter; the accounts export its owner and segment (and its survey
// for each account's last answer), the aggregates export its survey, wave,
// owner and segment, split by By.
type Scope struct {
	store.ResponseFilter
	By store.GroupBy
}

// ParseSplit reads how an aggregates export splits each wave: "" not at
// all, "owner" by account owner, "account:ATTRIBUTE" by one of attributes,
// the account attributes the workspace has (built-in and custom).
func ParseSplit(by string, attributes []string) (store.GroupBy, error) {
	attr, isAttr := strings.CutPrefix(by, "account:")
	switch {
	case by == "":
		return store.GroupBy{}, nil
	case by == "owner":
		return store.GroupBy{Dimension: store.GroupOwner}, nil
	case isAttr && slices.Contains(attributes, attr):
		return store.GroupBy{Dimension: store.GroupSegment, Attribute: attr}, nil
	case isAttr:
		return store.GroupBy{}, &nps.ValidationError{Field: "by", Message: fmt.Sprintf("the accounts have no attribute %q", attr)}
	}
	return store.GroupBy{}, &nps.ValidationError{Field: "by", Message: fmt.Sprintf("%q is not a split; use owner or account:ATTRIBUTE", by)}
}

// Export writes the export k of the workspace's rows in s to w as a file
// of format f, whole: a failure discards what the format held back, and
// only the rows already flushed to w may have left.
func Export(ctx context.Context, db *store.DB, workspaceID int64, k Kind, s Scope, f export.Format, w io.Writer) (rows int64, err error) {
	ew, err := export.New(w, f, k.Sheet())
	if err != nil {
		return 0, err
	}
	if rows, err = Write(ctx, db, workspaceID, k, s, ew); err != nil {
		ew.Discard()
		return rows, err
	}
	return rows, ew.Close()
}

// Write writes the export k of the workspace's rows in s to w, a header
// and then one row per response, account or figure as the store reads
// them, and returns the number of rows. It does not close w. An error of
// the store before the first row (an invalid filter) is returned before
// anything but the header is written.
func Write(ctx context.Context, db *store.DB, workspaceID int64, k Kind, s Scope, w export.Writer) (rows int64, err error) {
	c := &counter{Writer: w}
	w = c
	switch k {
	case Responses:
		err = writeResponses(ctx, db, workspaceID, s.ResponseFilter, w)
	case Accounts:
		err = writeAccounts(ctx, db, workspaceID, store.AccountExportFilter{OwnerID: s.OwnerID, Segment: s.Segment, SurveyID: s.SurveyID}, w)
	case Aggregates:
		err = writeAggregates(ctx, db, workspaceID, store.AggregateFilter{SurveyID: s.SurveyID, WaveID: s.WaveID,
			OwnerID: s.OwnerID, Segment: s.Segment, By: s.By}, w)
	default:
		err = fmt.Errorf("%q is not an export", string(k))
	}
	if err != nil {
		return c.rows, fmt.Errorf("dataset: %s: %w", k, err)
	}
	return c.rows, nil
}

// counter counts the rows written.
type counter struct {
	export.Writer
	rows int64
}

func (c *counter) Row(cells ...export.Cell) error {
	c.rows++
	return c.Writer.Row(cells...)
}

// ResponseColumns are the columns of the responses export.
var ResponseColumns = []string{"response_id", "survey_id", "survey", "wave_id", "wave", "answered_at", "score", "category",
	"comment", "contact_email", "contact_name", "account_external_id", "account", "owner", "switch_intent", "themes",
	"sentiment", "language"}

func writeResponses(ctx context.Context, db *store.DB, workspaceID int64, f store.ResponseFilter, w export.Writer) error {
	if err := w.Header(ResponseColumns...); err != nil {
		return err
	}
	return db.ExportResponses(ctx, workspaceID, f, func(r store.ExportedResponse) error {
		return w.Row(export.Int(r.ID), export.Int(r.SurveyID), export.Text(r.Survey), export.Int(r.WaveID), export.Text(r.Wave),
			export.Time(r.AnsweredAt), export.Int(int64(r.Score)), export.Text(r.Category().String()), export.Text(r.Comment),
			export.Text(r.ContactEmail), export.Text(r.ContactName), export.Text(r.AccountExternalID), export.Text(r.AccountName),
			export.Text(r.Owner), export.Text(string(r.SwitchIntent)), export.Text(strings.Join(r.Themes, " ")),
			export.Text(string(r.Sentiment)), export.Text(r.Language))
	})
}

// accountColumns are the fixed columns of the accounts export; the custom
// attributes follow the segment attributes, and the years of revenue the
// annual revenue.
var accountColumns = struct{ head, segments, status, answer []string }{
	head:     []string{"account_id", "external_id", "name", "owner"},
	segments: []string{"industry", "region", "size"},
	status:   []string{"status", "churned_at", "annual_revenue"},
	answer:   []string{"last_answer_at", "latest_score", "latest_category"},
}

func writeAccounts(ctx context.Context, db *store.DB, workspaceID int64, f store.AccountExportFilter, w export.Writer) error {
	cols, err := db.AccountExportColumns(ctx, workspaceID, f)
	if err != nil {
		return err
	}
	header := append(append([]string{}, accountColumns.head...), accountColumns.segments...)
	for _, a := range cols.Attributes {
		header = append(header, attributeColumn(a))
	}
	header = append(header, accountColumns.status...)
	for _, y := range cols.Years {
		header = append(header, "revenue_"+strconv.Itoa(y))
	}
	header = append(header, accountColumns.answer...)
	if err := w.Header(header...); err != nil {
		return err
	}
	row := make([]export.Cell, 0, len(header))
	return db.ExportAccounts(ctx, workspaceID, f, func(a store.ExportedAccount) error {
		row = append(row[:0], export.Int(a.ID), export.Text(a.ExternalID), export.Text(a.Name), export.Text(a.Owner),
			export.Text(a.Industry), export.Text(a.Region), export.Text(a.Size))
		for _, name := range cols.Attributes {
			row = append(row, export.Text(a.Attributes[name]))
		}
		row = append(row, export.Text(string(a.Status)), export.Time(a.ChurnedAt), money(a.AnnualRevenueCents))
		for _, y := range cols.Years {
			cents, ok := a.Revenue[y]
			if !ok {
				row = append(row, export.Cell{})
				continue
			}
			row = append(row, money(cents))
		}
		if a.Answered() {
			row = append(row, export.Time(a.LastAnswer), export.Int(int64(a.LatestScore)), export.Text(nps.CategoryOf(a.LatestScore).String()))
		}
		return w.Row(row...)
	})
}

// attributeColumn names the column of a custom attribute as an import
// mapping names its field ("attr:Contract"), so that no attribute's name
// can clash with a fixed column.
func attributeColumn(name string) string { return "attr:" + name }

// money is an amount in cents as a number of whole units with the cents
// as decimals: 1250000.5 for 125,000,050 cents.
func money(cents int64) export.Cell {
	return export.Float(float64(cents) / 100)
}

func writeAggregates(ctx context.Context, db *store.DB, workspaceID int64, f store.AggregateFilter, w export.Writer) error {
	header := []string{"survey_id", "survey", "wave_id", "wave"}
	switch f.By.Dimension {
	case store.GroupOwner:
		header = append(header, "owner")
	case store.GroupSegment:
		name := f.By.Attribute
		if !nps.IsSegmentField(name) {
			name = attributeColumn(name)
		}
		header = append(header, name)
	}
	header = append(header, "n", "detractors", "passives", "promoters")
	for s := nps.MinScore; s <= nps.MaxScore; s++ {
		header = append(header, "score_"+strconv.Itoa(s))
	}
	header = append(header, "nps", "nps_low", "nps_high", "confidence", "population")
	if err := w.Header(header...); err != nil {
		return err
	}
	row := make([]export.Cell, 0, len(header))
	return db.ExportAggregates(ctx, workspaceID, f, func(a store.ExportedAggregate) error {
		row = append(row[:0], export.Int(a.SurveyID), export.Text(a.Survey), export.Int(a.WaveID), export.Text(a.Wave))
		if f.By.Dimension != "" {
			row = append(row, export.Text(a.Group))
		}
		h := a.Histogram
		row = append(row, export.Int(h.N()), export.Int(h.Detractors()), export.Int(h.Passives()), export.Int(h.Promoters()))
		for _, c := range h {
			row = append(row, export.Int(c))
		}
		if r := a.Result; !r.Empty() {
			// The raw NPS and the interval as computed; the pages round
			// them for display only.
			row = append(row, export.Float(r.NPS), export.Float(r.Low), export.Float(r.High), export.Float(r.Confidence))
			if r.Population > 0 {
				row = append(row, export.Int(r.Population))
			}
		}
		return w.Row(row...)
	})
}
