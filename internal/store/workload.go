package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The bulk load of the benchmark workload (perf/WORKLOAD.md; promotor
// load-workload): millions of historical responses streamed into one
// workspace in large transactions, then the score rollup rebuilt from them
// in SQL. It writes the responses past RecordResponse and its rollup
// bookkeeping, which is why it refuses a workspace that has responses.
//
// Besides bulk.go, this is the other place where the dialects differ in
// how they take many rows: PostgreSQL copies each batch in (COPY, through
// pgx under database/sql), SQLite runs prepared multi-row INSERTs. Either
// way the responses get their IDs in the order of the input, so the feed's
// order by (created_at, id) is the input's.

// WorkloadWaves is the number of the workload's waves: wave n (1 to 5) of
// its responses is the calendar year 2020 + n.
const WorkloadWaves = 5

const workloadFirstYear = 2021

// The batch sizes of the responses: rows per transaction, and per INSERT
// statement on SQLite (8 parameters a row, well below its limit of 32766).
const (
	workloadBatchSQLite   = 50_000
	workloadBatchPostgres = 100_000
	workloadRowsPerInsert = 500
)

// WorkloadAccount is a line of the workload's accounts file.
type WorkloadAccount struct {
	// Line is where the account stands in its file, for errors.
	Line int
	// ID is the file's key of the account, stored as its external ID.
	ID   int64
	Name string
	// Segment is the account's segment name, stored as its custom
	// attribute "segment".
	Segment string
}

// WorkloadContact is a line of the workload's contacts file.
type WorkloadContact struct {
	Line int
	// ID is the file's key of the contact, stored as its external ID;
	// AccountID is the key of its account in the accounts file.
	ID, AccountID int64
	Email         string
}

// WorkloadResponse is a line of the workload's responses file.
type WorkloadResponse struct {
	Line int
	// Wave is 1 to WorkloadWaves.
	Wave int
	// ContactID and AccountID are keys of the contacts and accounts files.
	ContactID, AccountID int64
	Score                int
	Comment              string
	CreatedAt            time.Time
}

// WorkloadSource is what LoadWorkload reads: the three files of the
// workload, each row by row. Each Next function returns io.EOF after its
// last row; another error stops the load and is returned as it is.
type WorkloadSource struct {
	// The names of the files, for errors ("dims/accounts.csv").
	AccountsName, ContactsName, ResponsesName string

	Accounts  func() (WorkloadAccount, error)
	Contacts  func() (WorkloadContact, error)
	Responses func() (WorkloadResponse, error)
	// Batch is the number of responses per transaction; 0 takes 50,000
	// on SQLite and 100,000 on PostgreSQL.
	Batch int
	// Progress, when set, is told the number of responses stored so far
	// after each committed batch.
	Progress func(responses int64)
}

// WorkloadReport is what LoadWorkload stored, and how long it took.
type WorkloadReport struct {
	WorkspaceID int64
	// CreatedWorkspace reports that the workspace was new.
	CreatedWorkspace bool
	SurveyID         int64
	// WaveIDs are the IDs of waves 1 to 5.
	WaveIDs                       [WorkloadWaves]int64
	Accounts, Contacts, Responses int64
	// Linked counts the responses stored with their contact: the first
	// of each wave and contact.
	Linked int64
	// The durations of the phases.
	People, Insert, Rollup, Analyze time.Duration
}

// workloadSurvey is the survey the responses belong to.
var workloadSurvey = nps.Survey{
	Name:            "Benchmark workload",
	DefaultLanguage: "en",
	Texts: map[string]nps.SurveyText{"en": {
		Question: "How likely are you to recommend us to a friend or colleague?",
		FollowUp: nps.FollowUp{Promoter: "What do you like most?", Passive: "What could we do better?", Detractor: "What disappointed you?"},
	}},
}

// LoadWorkload loads the benchmark workload into the workspace with the
// slug, which it creates when missing; a workspace that has responses
// already is nps.ErrConflict. It adds a survey "Benchmark workload" with
// waves "2021" to "2025", the accounts (custom attribute "segment") and
// contacts, and then the responses, in the language "en" and from the
// channel "import", in batches that each commit.
//
// The workload has many answers per contact and wave, while a response is
// the one answer of its contact in its wave (the unique index
// responses_wave_contact): the first response of each wave and contact is
// stored with its contact, the later ones without, as anonymous answers
// of the account. Every response keeps its account, so that every figure
// of the dashboards counts all of them.
//
// After the last response, the workspace's score rollup is rebuilt from
// its responses in one transaction, and the tables are analysed. An input
// line that cannot be loaded is a *nps.ValidationError naming the file and
// the line; on that or any other error, what the load wrote is deleted
// again (the whole workspace when the load created it), so that it can be
// run again. A process killed half-way leaves the batches it committed,
// and a new load refuses the workspace until DeleteWorkspace removes it.
func (db *DB) LoadWorkload(ctx context.Context, slug string, src WorkloadSource) (WorkloadReport, error) {
	l := &workloadLoad{db: db, src: src}
	err := l.start(ctx, slug)
	if err != nil {
		return l.report, fmt.Errorf("store: load workload: %w", err)
	}
	if err = l.load(ctx); err != nil {
		// Undo what was written even when ctx was cancelled (an interrupt).
		if uerr := l.undo(context.WithoutCancel(ctx)); uerr != nil {
			return l.report, fmt.Errorf("store: load workload: %w; deleting the rows loaded so far failed as well (%v): delete workspace %q before trying again", err, uerr, slug)
		}
		return l.report, fmt.Errorf("store: load workload: %w; the rows loaded so far were deleted", err)
	}
	return l.report, nil
}

// workloadLoad is one run of LoadWorkload.
type workloadLoad struct {
	db     *DB
	src    WorkloadSource
	report WorkloadReport
	waves  [WorkloadWaves]nps.Wave
	// accounts and contacts map the files' keys to the stored rows;
	// firstAccount … lastContact bound the IDs the load created.
	accounts                  map[int64]int64
	contacts                  map[int64]*workloadContact
	firstAccount, lastAccount int64
	firstContact, lastContact int64
}

type workloadContact struct {
	id int64
	// linked records the waves in which a response has the contact.
	linked [WorkloadWaves]bool
}

// start finds or creates the workspace and creates the survey and waves.
func (l *workloadLoad) start(ctx context.Context, slug string) error {
	db := l.db
	ws, err := db.WorkspaceBySlug(ctx, slug)
	if errors.Is(err, nps.ErrNotFound) {
		ws, err = db.CreateWorkspace(ctx, nps.Workspace{Slug: slug, Name: "Benchmark workload"})
		l.report.CreatedWorkspace = err == nil
	}
	if err != nil {
		return err
	}
	l.report.WorkspaceID = ws.ID
	var has bool
	err = db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM responses WHERE workspace_id = $1)`, ws.ID).Scan(&has)
	if err != nil {
		return err
	}
	if has {
		return fmt.Errorf("workspace %q has responses already; load the workload into a new workspace, or delete this one first: %w", slug, nps.ErrConflict)
	}
	s, err := db.CreateSurvey(ctx, ws.ID, workloadSurvey)
	if err != nil {
		return errors.Join(err, l.undo(ctx))
	}
	l.report.SurveyID = s.ID
	for i := range l.waves {
		opens := time.Date(workloadFirstYear+i, 1, 1, 0, 0, 0, 0, time.UTC)
		w, err := db.CreateWave(ctx, ws.ID, nps.Wave{
			SurveyID: s.ID, Name: strconv.Itoa(opens.Year()), OpensAt: opens, ClosesAt: opens.AddDate(1, 0, 0),
		})
		if err != nil {
			return errors.Join(err, l.undo(ctx))
		}
		l.waves[i], l.report.WaveIDs[i] = w, w.ID
	}
	return nil
}

func (l *workloadLoad) load(ctx context.Context) error {
	t := time.Now()
	if err := l.loadAccounts(ctx); err != nil {
		return err
	}
	if err := l.loadContacts(ctx); err != nil {
		return err
	}
	l.report.People = time.Since(t)
	t = time.Now()
	var err error
	if l.db.dialect == Postgres {
		err = l.copyResponses(ctx)
	} else {
		err = l.insertResponses(ctx)
	}
	if err != nil {
		return err
	}
	l.report.Insert = time.Since(t)
	t = time.Now()
	// The loaded responses are analysed by a sweep, as after a change of
	// taxonomy, rather than queued one by one.
	if err := l.db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET insight_sweep_after = 0 WHERE id = $1`, l.report.WorkspaceID); err != nil {
			return err
		}
		return rebuildRollup(ctx, tx, l.report.WorkspaceID)
	}); err != nil {
		return fmt.Errorf("rebuild the score rollup: %w", err)
	}
	l.report.Rollup = time.Since(t)
	t = time.Now()
	if err := l.db.analyze(ctx, "responses", "accounts", "contacts", "score_rollup", "score_totals", "score_accounts"); err != nil {
		return err
	}
	l.report.Analyze = time.Since(t)
	return nil
}

// workloadLineError is the *nps.ValidationError of a line of an input file.
func workloadLineError(file string, line int, format string, args ...any) error {
	return &nps.ValidationError{Message: fmt.Sprintf("%s:%d: ", file, line) + fmt.Sprintf(format, args...)}
}

// loadAccounts reads the accounts and stores them in one transaction.
func (l *workloadLoad) loadAccounts(ctx context.Context) error {
	var rows [][]any
	var keys []int64
	l.accounts = map[int64]int64{}
	for {
		a, err := l.src.Accounts()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if _, dup := l.accounts[a.ID]; dup {
			return workloadLineError(l.src.AccountsName, a.Line, "account %d is listed twice", a.ID)
		}
		l.accounts[a.ID] = 0
		rev := workloadRevenueOf(a.ID)
		acc, err := l.db.prepareAccount(l.report.WorkspaceID, nps.Account{
			ExternalID: strconv.FormatInt(a.ID, 10), Name: a.Name, Attributes: map[string]string{"segment": a.Segment},
			AnnualRevenueCents: rev.latest(), Status: rev.status(), ChurnedAt: rev.churnedAt(),
		})
		if err != nil {
			return workloadLineError(l.src.AccountsName, a.Line, "%v", err)
		}
		rows = append(rows, append([]any{acc.WorkspaceID, acc.CreatedAt}, accountValues(&acc)...))
		keys = append(keys, a.ID)
	}
	ids, err := l.insertPeople(ctx, accountsInsert, rows)
	if err != nil {
		return err
	}
	for i, id := range ids {
		l.accounts[keys[i]] = id
	}
	if len(ids) > 0 {
		l.firstAccount, l.lastAccount = ids[0], ids[len(ids)-1]
	}
	l.report.Accounts = int64(len(ids))
	return l.loadRevenue(ctx, keys, ids)
}

// workloadRevenue is an account's made-up revenue per year of the
// workload (which has none), so that the money figures have imports to
// read: from EUR 10,000 to EUR 5 million a year, growing or shrinking a
// few percent a year, and for one account in 25 a churn in the middle of
// one of the years 2022 to 2025, after which it has no revenue.
type workloadRevenue struct {
	cents     [workloadRevenueYears]int64
	churnYear int // 0: still a customer
}

const workloadRevenueYears = WorkloadWaves + 1

func workloadRevenueOf(key int64) workloadRevenue {
	h := uint64(key)*0x9E3779B97F4A7C15 ^ uint64(key)>>7
	var r workloadRevenue
	if h%25 == 0 {
		r.churnYear = workloadFirstYear + 1 + int(h>>8%4)
	}
	base := int64(10_000_00) * int64(1+h>>16%500) // EUR 10,000 … 5,000,000
	growth := int64(h>>32%11) - 4                 // −4 … +6 % a year
	for i := range r.cents {
		if r.churnYear != 0 && workloadFirstYear+i > r.churnYear {
			break
		}
		r.cents[i] = base
		base += base * growth / 100
	}
	return r
}

func (r workloadRevenue) latest() int64 {
	for i := len(r.cents) - 1; i >= 0; i-- {
		if r.cents[i] > 0 {
			return r.cents[i]
		}
	}
	return 0
}

func (r workloadRevenue) status() nps.AccountStatus {
	if r.churnYear != 0 {
		return nps.AccountChurned
	}
	return nps.AccountActive
}

func (r workloadRevenue) churnedAt() time.Time {
	if r.churnYear == 0 {
		return time.Time{}
	}
	return time.Date(r.churnYear, 6, 30, 0, 0, 0, 0, time.UTC)
}

// loadRevenue stores the made-up revenue of the accounts, keys[i] being
// the file's key of the stored account ids[i].
func (l *workloadLoad) loadRevenue(ctx context.Context, keys, ids []int64) error {
	var rs []nps.AccountRevenue
	for i, key := range keys {
		for y, cents := range workloadRevenueOf(key).cents {
			if cents > 0 {
				rs = append(rs, nps.AccountRevenue{AccountID: ids[i], Year: workloadFirstYear + y, RevenueCents: cents})
			}
		}
	}
	return l.db.write(ctx, func(tx *sql.Tx) error {
		return writeRevenue(ctx, tx, l.db.dialect, l.report.WorkspaceID, l.db.now(), rs)
	})
}

// loadContacts reads the contacts and stores them in one transaction.
func (l *workloadLoad) loadContacts(ctx context.Context) error {
	var rows [][]any
	var keys []int64
	l.contacts = map[int64]*workloadContact{}
	emails := map[string]int{}
	for {
		c, err := l.src.Contacts()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if _, dup := l.contacts[c.ID]; dup {
			return workloadLineError(l.src.ContactsName, c.Line, "contact %d is listed twice", c.ID)
		}
		account, ok := l.accounts[c.AccountID]
		if !ok {
			return workloadLineError(l.src.ContactsName, c.Line, "account %d is not in %s", c.AccountID, l.src.AccountsName)
		}
		con, err := l.db.prepareContact(l.report.WorkspaceID, nps.Contact{
			AccountID: account, ExternalID: strconv.FormatInt(c.ID, 10), Email: c.Email,
		})
		if err != nil {
			return workloadLineError(l.src.ContactsName, c.Line, "%v", err)
		}
		if first, dup := emails[con.Email]; dup && con.Email != "" {
			return workloadLineError(l.src.ContactsName, c.Line, "email %s is also on line %d", con.Email, first)
		}
		emails[con.Email] = c.Line
		l.contacts[c.ID] = &workloadContact{}
		rows = append(rows, append([]any{con.WorkspaceID, con.CreatedAt}, contactValues(&con)...))
		keys = append(keys, c.ID)
	}
	ids, err := l.insertPeople(ctx, contactsInsert, rows)
	if err != nil {
		return err
	}
	for i, id := range ids {
		l.contacts[keys[i]].id = id
	}
	if len(ids) > 0 {
		l.firstContact, l.lastContact = ids[0], ids[len(ids)-1]
	}
	l.report.Contacts = int64(len(ids))
	return nil
}

// insertPeople inserts accounts or contacts in one transaction and returns
// their IDs in order.
func (l *workloadLoad) insertPeople(ctx context.Context, t bulkTable, rows [][]any) ([]int64, error) {
	var ids []int64
	err := l.db.write(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		for start := 0; start < len(rows); start += 10_000 {
			got, err := t.insert(ctx, tx, l.db.dialect, rows[start:min(start+10_000, len(rows))])
			if err != nil {
				return err
			}
			ids = append(ids, got...)
		}
		return nil
	})
	return ids, conflict(err, "an account or contact of the workload")
}

// rebuildRollup replaces the workspace's cells of the three rollup tables
// by the counts of its responses: score_rollup from the responses,
// grouped in SQL, and the two others from score_rollup, as RecordResponse
// keeps them.
func rebuildRollup(ctx context.Context, tx *sql.Tx, workspaceID int64) error {
	counts := make([]string, 0, nps.MaxScore+1)
	for s := nps.MinScore; s <= nps.MaxScore; s++ {
		counts = append(counts, fmt.Sprintf("SUM(CASE WHEN score = %d THEN 1 ELSE 0 END)", s))
	}
	sums := scoreList("SUM(%[1]s)", 0)
	for _, q := range []string{
		`DELETE FROM score_rollup WHERE workspace_id = $1`,
		`DELETE FROM score_totals WHERE workspace_id = $1`,
		`DELETE FROM score_accounts WHERE workspace_id = $1`,
		`INSERT INTO score_rollup (workspace_id, survey_id, wave_id, account_id, month, ` + scoreList("%[1]s", 0) + `)
			SELECT workspace_id, survey_id, wave_id, COALESCE(account_id, 0), month, ` + strings.Join(counts, ", ") + `
			FROM responses WHERE workspace_id = $1
			GROUP BY workspace_id, survey_id, wave_id, COALESCE(account_id, 0), month`,
		`INSERT INTO score_totals (workspace_id, survey_id, wave_id, month, ` + scoreList("%[1]s", 0) + `)
			SELECT workspace_id, survey_id, wave_id, month, ` + sums + `
			FROM score_rollup WHERE workspace_id = $1 GROUP BY workspace_id, survey_id, wave_id, month`,
		`INSERT INTO score_accounts (workspace_id, survey_id, wave_id, account_id, ` + scoreList("%[1]s", 0) + `)
			SELECT workspace_id, survey_id, wave_id, account_id, ` + sums + `
			FROM score_rollup WHERE workspace_id = $1 GROUP BY workspace_id, survey_id, wave_id, account_id`,
	} {
		if _, err := tx.ExecContext(ctx, q, workspaceID); err != nil {
			return err
		}
	}
	return nil
}

// analyze updates the planner's statistics of the tables.
func (db *DB) analyze(ctx context.Context, tables ...string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if db.dialect == Postgres {
			_, err := tx.ExecContext(ctx, `ANALYZE `+strings.Join(tables, ", "))
			return err
		}
		for _, t := range tables {
			if _, err := tx.ExecContext(ctx, `ANALYZE `+t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// undo deletes what the load wrote: the workspace when the load created
// it, else the survey with its waves, responses and rollup cells, and the
// accounts and contacts the load created.
func (l *workloadLoad) undo(ctx context.Context) error {
	ws, survey := l.report.WorkspaceID, l.report.SurveyID
	if l.report.CreatedWorkspace {
		return l.db.DeleteWorkspace(ctx, ws)
	}
	if survey == 0 {
		return nil
	}
	return l.db.write(ctx, func(tx *sql.Tx) error {
		for _, d := range []struct {
			query string
			args  []any
		}{
			{`DELETE FROM score_rollup WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM score_totals WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM score_accounts WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM response_themes WHERE workspace_id = $1 AND response_id IN (SELECT id FROM responses WHERE workspace_id = $1 AND survey_id = $2)`, []any{ws, survey}},
			{`DELETE FROM response_insight WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM insight_queue WHERE workspace_id = $1 AND response_id IN (SELECT id FROM responses WHERE workspace_id = $1 AND survey_id = $2)`, []any{ws, survey}},
			{`DELETE FROM theme_rollup WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM insight_rollup WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM theme_totals WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM insight_totals WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM account_revenue WHERE workspace_id = $1 AND account_id BETWEEN $2 AND $3`, []any{ws, l.firstAccount, l.lastAccount}},
			{`DELETE FROM responses WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM contacts WHERE workspace_id = $1 AND id BETWEEN $2 AND $3`, []any{ws, l.firstContact, l.lastContact}},
			{`DELETE FROM accounts WHERE workspace_id = $1 AND id BETWEEN $2 AND $3`, []any{ws, l.firstAccount, l.lastAccount}},
			{`DELETE FROM waves WHERE workspace_id = $1 AND survey_id = $2`, []any{ws, survey}},
			{`DELETE FROM surveys WHERE workspace_id = $1 AND id = $2`, []any{ws, survey}},
		} {
			if _, err := tx.ExecContext(ctx, d.query, d.args...); err != nil {
				return err
			}
		}
		return nil
	})
}
