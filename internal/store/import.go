package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
)

// Import of accounts, contacts, historical responses and revenue per year
// read by the importer. An import is planned against the stored rows —
// which records create a row, which update one, which change nothing and
// which are refused — and then, unless it is a dry run or any line is refused,
// written in one transaction: all of it or, on any error, none. The dry
// run plans on the read pool; the apply plans again inside its
// transaction, so that what it writes follows from the rows as they are
// then.

// ImportOptions choose where imported responses go and how to report.
type ImportOptions struct {
	// SurveyID is the survey of imported responses; with WaveID set it
	// may be 0 (the wave's survey).
	SurveyID int64
	// WaveID puts every response in this wave. When 0, a response goes to
	// the wave its row names, or else to the wave named by the year of
	// its date ("2024"); missing waves are created.
	WaveID int64
	// DryRun plans without writing.
	DryRun bool
	// Progress, when set, is called while the import is written with the
	// rows written so far and the rows to write.
	Progress func(done, total int)
}

// ImportCounts counts what an import does to rows of one kind.
type ImportCounts struct {
	Create, Update, Unchanged int
}

// ImportReport is what an import did or, in a dry run, would do.
type ImportReport struct {
	Kind                          importer.Kind
	Accounts, Contacts, Responses ImportCounts
	// Revenue counts years of accounts' revenue.
	Revenue ImportCounts
	// Waves are the names of the waves created for responses.
	Waves []string
	// Rejected are the refused lines, the file's and the store's, in line
	// order; when there are any, nothing was written.
	Rejected importer.Errors
	// Applied reports that the import was written.
	Applied bool
}

// errRejected rolls back an apply whose plan refused lines.
var errRejected = errors.New("lines refused")

// Import plans the records read from a file against the workspace and,
// unless o.DryRun is set or a line is refused (rejected holds the lines
// the importer refused already), writes them all in one transaction and
// remembers the records' mapping for the next import of their kind (see
// remembered).
// Every account, contact and wave is matched within the workspace only.
func (db *DB) Import(ctx context.Context, workspaceID int64, rs *importer.Records, rejected importer.Errors, o ImportOptions) (ImportReport, error) {
	if len(rejected) > 0 {
		o.DryRun = true
	}
	var report ImportReport
	run := func(q querier) (*importPlan, error) {
		p, err := newImportPlan(ctx, q, db.dialect, workspaceID, rs, o, db.now())
		if err != nil {
			return nil, err
		}
		p.report.Rejected = mergeRejected(rejected, p.report.Rejected)
		report = p.report
		return p, nil
	}
	if o.DryRun {
		// On the pool itself, not db.read: the lookups' IN lists vary in
		// length and would fill the cache of prepared statements.
		if _, err := run(db.sql); err != nil {
			return ImportReport{}, fmt.Errorf("store: import %s: %w", rs.Kind, err)
		}
		return report, nil
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		p, err := run(tx)
		if err != nil {
			return err
		}
		if len(p.report.Rejected) > 0 {
			return errRejected
		}
		if err := p.execute(ctx, db.hot(tx), o.Progress); err != nil {
			return err
		}
		report = p.report
		if !remembered(rs.Kind) {
			return nil
		}
		return saveImportMapping(ctx, tx, workspaceID, rs.Kind, rs.Mapping, p.now)
	})
	var le *lineError
	switch {
	case errors.Is(err, errRejected):
		return report, nil
	case errors.As(err, &le):
		report.Rejected = mergeRejected(rejected, importer.Errors{le.err})
		return report, nil
	case err != nil:
		return ImportReport{}, fmt.Errorf("store: import %s: %w", rs.Kind, err)
	}
	report.Applied = true
	return report, nil
}

// mergeRejected returns both lists in line order, at most
// importer.MaxErrors.
func mergeRejected(a, b importer.Errors) importer.Errors {
	all := append(slices.Clone(a), b...)
	slices.SortStableFunc(all, func(x, y *importer.Error) int { return cmp.Compare(x.Line, y.Line) })
	if len(all) > importer.MaxErrors {
		all = all[:importer.MaxErrors]
	}
	return all
}

// importPlan is what an import will write, with references between new
// rows kept as pointers until their IDs are known.
type importPlan struct {
	q           querier
	dialect     Dialect
	workspaceID int64
	rs          *importer.Records
	now         time.Time
	report      ImportReport
	// apply is set when the plan is made in the apply's transaction.
	apply bool

	refs *accountRefs
	// accounts to insert and to update.
	newAccounts, changedAccounts []*nps.Account
	// contacts to insert and to update, each with its account when the
	// import sets it.
	newContacts, changedContacts []plannedContact
	// optedOut are existing contacts the import opts out.
	optedOut []int64
	// waves to create, and responses to record.
	newWaves  []*nps.Wave
	responses []plannedResponse
	// storedYears are the stored years of revenue of the accounts named,
	// by account ID; plannedYears those the import gives, by account; and
	// revenues the years to write.
	storedYears  map[int64]map[int]int64
	plannedYears map[*nps.Account]map[int]int64
	revenues     []plannedRevenue
}

type plannedContact struct {
	c       *nps.Contact
	account *nps.Account
}

func newImportPlan(ctx context.Context, q querier, d Dialect, workspaceID int64, rs *importer.Records, o ImportOptions, now time.Time) (*importPlan, error) {
	if _, err := workspace(ctx, q, workspaceID); err != nil {
		return nil, err
	}
	p := &importPlan{q: q, dialect: d, workspaceID: workspaceID, rs: rs, now: now, report: ImportReport{Kind: rs.Kind}, apply: !o.DryRun}
	var err error
	switch rs.Kind {
	case importer.Accounts:
		err = p.planAccounts(ctx)
	case importer.Contacts:
		err = p.planContacts(ctx)
	case importer.Responses:
		err = p.planResponses(ctx, o)
	case importer.Revenue:
		err = p.planRevenue(ctx)
	default:
		err = &nps.ValidationError{Field: "kind", Message: fmt.Sprintf("%q is not a kind of import", rs.Kind)}
	}
	if err != nil {
		return nil, err
	}
	p.report.Accounts.Create, p.report.Accounts.Update = len(p.newAccounts), len(p.changedAccounts)
	for _, w := range p.newWaves {
		p.report.Waves = append(p.report.Waves, w.Name)
	}
	return p, nil
}

// reject refuses a record's line.
func (p *importPlan) reject(line int, field, format string, args ...any) {
	p.report.Rejected = append(p.report.Rejected, &importer.Error{Line: line, Column: p.rs.Column(field), Msg: fmt.Sprintf(format, args...)})
}

// rejectInvalid refuses a line whose merged row does not validate,
// naming the column of the field when the mapping reads one.
func (p *importPlan) rejectInvalid(line int, err error, fields map[string]string) {
	var ve *nps.ValidationError
	if !errors.As(err, &ve) {
		p.reject(line, "", "%v", err)
		return
	}
	if col := p.rs.Column(fields[ve.Field]); col != "" {
		p.reject(line, fields[ve.Field], "%s", ve.Message)
		return
	}
	p.reject(line, "", "%s", ve.Error())
}

// execute writes the plan: accounts, revenue, contacts, waves, then
// responses, so that each finds the IDs of what it refers to.
func (p *importPlan) execute(ctx context.Context, q querier, progress func(done, total int)) error {
	total := len(p.newAccounts) + len(p.changedAccounts) + len(p.revenues) + len(p.newContacts) + len(p.changedContacts) + len(p.responses)
	done := 0
	step := func(n int) {
		done += n
		if progress != nil {
			progress(done, total)
		}
	}
	step(0)
	if err := p.writeAccounts(ctx, q, step); err != nil {
		return err
	}
	if err := p.writeRevenues(ctx, q, step); err != nil {
		return err
	}
	if err := p.writeContacts(ctx, q, step); err != nil {
		return err
	}
	return p.writeResponses(ctx, q, step)
}
