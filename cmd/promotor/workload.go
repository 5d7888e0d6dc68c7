package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

const loadWorkloadSynopsis = `load-workload --workspace SLUG --dims DIR [flags] RESPONSES.csv

Loads the benchmark workload of perf/WORKLOAD.md, as its generator writes
it, into the workspace, which is created when missing and must not have
responses yet: DIR/accounts.csv (account_id,segment,segment_name,name),
DIR/contacts.csv (contact_id,account_id,email) and RESPONSES.csv
(id,wave,contact_id,account_id,segment,score,comment,created_at, UTC
times). It adds a survey "Benchmark workload" with the waves 2021 to
2025, the accounts (with the custom attribute "segment"), the contacts
and the responses, with made-up revenue per account and year (the
workload has none), rebuilds the workspace's score rollup, analyses the
tables, and then analyses the comments as serve would (themes,
sentiment), which promotor analyse also does. The database is created and migrated when it needs it.

Promotor keeps one response per contact and wave, while the workload has
many: the first response of each contact in each wave is stored with the
contact, the later ones without a contact but with their account, so
that every response counts in every figure.

A line that cannot be loaded stops the load with its file and line
number (exit status 2); then, as on any other error, what the load wrote
is deleted again (the workspace too when the load created it). A load
that was killed leaves a partly loaded workspace, which a new load
refuses: --replace deletes the workspace with all its data first.`

// runLoadWorkload loads the benchmark workload.
func runLoadWorkload(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load-workload", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	fs.StringVar(dsn, "db", *dsn, "the same as --database")
	slug := fs.String("workspace", "", "slug of the workspace to load into (required)")
	dims := fs.String("dims", "", "directory of the workload's accounts.csv and contacts.csv (required)")
	batch := fs.Int("batch", 0, "responses per transaction (default 50000 on SQLite, 100000 on PostgreSQL)")
	replace := fs.Bool("replace", false, "delete the workspace and all its data first, when it exists")
	rest, help, err := parseFlags(fs, loadWorkloadSynopsis, args, stdout)
	if help || err != nil {
		return err
	}
	switch {
	case *slug == "":
		return usageError{errors.New("load-workload: --workspace is required")}
	case *dims == "":
		return usageError{errors.New("load-workload: --dims is required")}
	case len(rest) != 1:
		return usageError{errors.New("load-workload: give one responses file")}
	case *batch < 0:
		return usageError{errors.New("load-workload: --batch must not be negative")}
	}
	accounts, err := openCSV(filepath.Join(*dims, "accounts.csv"), "account_id", "segment_name", "name")
	if err != nil {
		return err
	}
	defer accounts.close()
	contacts, err := openCSV(filepath.Join(*dims, "contacts.csv"), "contact_id", "account_id", "email")
	if err != nil {
		return err
	}
	defer contacts.close()
	responses, err := openCSV(rest[0], "wave", "contact_id", "account_id", "score", "comment", "created_at")
	if err != nil {
		return err
	}
	defer responses.close()

	// Like demo, it fills a database that is usually new: it migrates it.
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if *replace {
		if err := deleteWorkspace(ctx, db, *slug, stderr); err != nil {
			return err
		}
	}
	start := time.Now()
	progress := &loadProgress{w: stderr, start: start, last: start}
	report, err := db.LoadWorkload(ctx, *slug, store.WorkloadSource{
		AccountsName: accounts.name, ContactsName: contacts.name, ResponsesName: responses.name,
		Accounts:  accounts.account,
		Contacts:  contacts.contact,
		Responses: responses.response,
		Batch:     *batch,
		Progress:  progress.report,
	})
	var ve *nps.ValidationError
	if errors.As(err, &ve) || errors.Is(err, nps.ErrConflict) {
		return usageError{fmt.Errorf("load-workload: %w", err)}
	}
	if err != nil {
		return fmt.Errorf("load-workload: %w", err)
	}
	progress.done(report.Responses)
	printWorkload(stdout, *slug, report, time.Since(start))
	start = time.Now()
	analyser := &insight.Analyser{DB: db, Log: slog.New(slog.NewTextHandler(stderr, nil))}
	n, err := analyser.RunCount(ctx)
	if err != nil {
		return fmt.Errorf("load-workload: analyse the comments: %w", err)
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "  comments: %d answers analysed for themes, sentiment and switching intent in %s (%.0f a second)\n",
		n, round(took), perSecond(int64(n), took))
	return nil
}

// deleteWorkspace deletes the workspace with the slug, when there is one.
func deleteWorkspace(ctx context.Context, db *store.DB, slug string, stderr io.Writer) error {
	ws, err := db.WorkspaceBySlug(ctx, slug)
	if errors.Is(err, nps.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	start := time.Now()
	if err := db.DeleteWorkspace(ctx, ws.ID); err != nil {
		return fmt.Errorf("load-workload: --replace: %w", err)
	}
	fmt.Fprintf(stderr, "deleted workspace %q and all its data in %s\n", slug, round(time.Since(start)))
	return nil
}

// printWorkload prints the summary of a load.
func printWorkload(w io.Writer, slug string, r store.WorkloadReport, total time.Duration) {
	ws := "existing"
	if r.CreatedWorkspace {
		ws = "new"
	}
	fmt.Fprintf(w, "Loaded the workload into workspace %q (%s, ID %d): survey %d \"Benchmark workload\", waves 2021 to 2025 (IDs %d to %d).\n",
		slug, ws, r.WorkspaceID, r.SurveyID, r.WaveIDs[0], r.WaveIDs[len(r.WaveIDs)-1])
	fmt.Fprintf(w, "  accounts   %10d\n  contacts   %10d\n  responses  %10d, %d of them with their contact (the first of each contact and wave)\n",
		r.Accounts, r.Contacts, r.Responses, r.Linked)
	fmt.Fprintf(w, "  accounts and contacts %s, responses %s (%.0f rows/s), rollup rebuilt in %s, analysed in %s; %s in all\n",
		round(r.People), round(r.Insert), perSecond(r.Responses, r.Insert), round(r.Rollup), round(r.Analyze), round(total))
}

func round(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// loadProgress prints the responses stored so far, every few seconds.
type loadProgress struct {
	w           io.Writer
	start, last time.Time
	lastN       int64
}

func (p *loadProgress) report(n int64) {
	now := time.Now()
	if now.Sub(p.last) < 2*time.Second {
		return
	}
	fmt.Fprintf(p.w, "responses: %d stored, %.0f rows/s now, %.0f rows/s since the start\n",
		n, perSecond(n-p.lastN, now.Sub(p.last)), perSecond(n, now.Sub(p.start)))
	p.last, p.lastN = now, n
}

func (p *loadProgress) done(n int64) {
	fmt.Fprintf(p.w, "responses: %d stored in %s\n", n, round(time.Since(p.start)))
}

// csvFile reads one of the workload's files, with a header line, by the
// columns it needs.
type csvFile struct {
	name string
	f    *os.File
	r    *csv.Reader
	// index holds the position of each needed column in a record.
	index []int
	rec   []string
	line  int
}

// openCSV opens the file and reads its header, which must name the
// columns.
func openCSV(name string, columns ...string) (*csvFile, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usageError{fmt.Errorf("load-workload: %w", err)}
	}
	c := &csvFile{name: name, f: f, r: csv.NewReader(f)}
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err != nil {
		f.Close()
		return nil, usageError{fmt.Errorf("load-workload: %s: reading the header: %w", name, err)}
	}
	c.r.FieldsPerRecord = len(header)
	for _, col := range columns {
		i := indexOf(header, col)
		if i < 0 {
			f.Close()
			return nil, usageError{fmt.Errorf("load-workload: %s:1: no column %q in the header %q", name, col, strings.Join(header, ","))}
		}
		c.index = append(c.index, i)
	}
	return c, nil
}

func indexOf(header []string, col string) int {
	for i, h := range header {
		if strings.TrimSpace(h) == col {
			return i
		}
	}
	return -1
}

func (c *csvFile) close() { c.f.Close() }

// read reads the next record; io.EOF after the last.
func (c *csvFile) read() error {
	rec, err := c.r.Read()
	if err == io.EOF {
		return err
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return &nps.ValidationError{Message: fmt.Sprintf("%s:%d: %v", c.name, pe.StartLine, pe.Err)}
		}
		return fmt.Errorf("%s: %w", c.name, err)
	}
	c.rec = rec
	c.line, _ = c.r.FieldPos(0)
	return nil
}

// field returns the i-th needed column of the record.
func (c *csvFile) field(i int) string { return c.rec[c.index[i]] }

func (c *csvFile) fail(format string, args ...any) error {
	return &nps.ValidationError{Message: fmt.Sprintf("%s:%d: ", c.name, c.line) + fmt.Sprintf(format, args...)}
}

// id parses the i-th needed column as a positive key.
func (c *csvFile) id(i int, what string) (int64, error) {
	s := c.field(i)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, c.fail("%s %q is not a positive whole number", what, s)
	}
	return n, nil
}

func (c *csvFile) account() (store.WorkloadAccount, error) {
	if err := c.read(); err != nil {
		return store.WorkloadAccount{}, err
	}
	id, err := c.id(0, "account_id")
	return store.WorkloadAccount{Line: c.line, ID: id, Segment: c.field(1), Name: c.field(2)}, err
}

func (c *csvFile) contact() (store.WorkloadContact, error) {
	if err := c.read(); err != nil {
		return store.WorkloadContact{}, err
	}
	id, err := c.id(0, "contact_id")
	if err != nil {
		return store.WorkloadContact{}, err
	}
	account, err := c.id(1, "account_id")
	return store.WorkloadContact{Line: c.line, ID: id, AccountID: account, Email: c.field(2)}, err
}

func (c *csvFile) response() (store.WorkloadResponse, error) {
	var r store.WorkloadResponse
	if err := c.read(); err != nil {
		return r, err
	}
	r.Line = c.line
	wave, err := strconv.Atoi(c.field(0))
	if err != nil {
		return r, c.fail("wave %q is not a number", c.field(0))
	}
	r.Wave = wave
	if r.ContactID, err = c.id(1, "contact_id"); err != nil {
		return r, err
	}
	if r.AccountID, err = c.id(2, "account_id"); err != nil {
		return r, err
	}
	score, err := strconv.Atoi(c.field(3))
	if err != nil || !nps.ValidScore(score) {
		return r, c.fail("score %q is not a whole number from 0 to 10", c.field(3))
	}
	r.Score, r.Comment = score, c.field(4)
	if r.CreatedAt, err = time.Parse(time.DateTime, c.field(5)); err != nil {
		return r, c.fail("created_at %q is not a UTC time like 2025-03-01 09:30:00", c.field(5))
	}
	return r, nil
}
