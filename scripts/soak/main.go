// Command soak runs two `promotor serve` processes on one PostgreSQL
// database under mixed traffic for a while, SIGKILLs one of them now and
// then and starts it again, and then checks in the database that no
// acknowledged answer was lost or stored twice, that the rollups equal
// the responses, and what became of the invitation emails.
//
//	go run ./scripts/soak [--duration 10m] [--rate 50] [--kill-every 2m] [--out soak.json]
//
// docs/RELIABILITY.md ("Soak") says what it does and what it found.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// config is the run's flags.
type config struct {
	Database  string
	Postgres  string
	Duration  time.Duration
	Rate      float64
	KillEvery time.Duration
	KillPause time.Duration
	SendEvery time.Duration
	SendLease time.Duration
	PerMinute int
	Accounts  int
	Contacts  int
	SendBatch int
	Tokens    int
	SMTP      string
	Out       string
	Keep      bool
	DrainWait time.Duration
	StopGrace time.Duration
	progress  io.Writer
}

// MarshalJSON writes what shaped the load, durations as text ("2m0s");
// the database and SMTP URLs are left out.
func (c config) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{
		"duration": c.Duration.String(), "rate": c.Rate, "kill_every": c.KillEvery.String(),
		"kill_pause": c.KillPause.String(), "send_every": c.SendEvery.String(), "send_lease": c.SendLease.String(),
		"send_per_minute": c.PerMinute, "accounts": c.Accounts, "contacts": c.Contacts,
		"contacts_per_later_send": c.SendBatch, "tokens": c.Tokens,
	})
}

const defaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

func parseConfig(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Database, "database", "", "postgres:// URL of the database to use (default: a fresh database on --postgres, dropped at the end)")
	fs.StringVar(&c.Postgres, "postgres", defaultPostgres, "the PostgreSQL server on which the fresh database is made")
	fs.DurationVar(&c.Duration, "duration", 10*time.Minute, "how long the traffic runs")
	fs.Float64Var(&c.Rate, "rate", 50, "HTTP requests a second, over both processes")
	fs.DurationVar(&c.KillEvery, "kill-every", 2*time.Minute, "how often a process is SIGKILLed (the two in turn)")
	fs.DurationVar(&c.KillPause, "kill-pause", 3*time.Second, "how long a killed process stays down")
	fs.DurationVar(&c.SendEvery, "send-every", 150*time.Second, "how often more contacts are imported and a new send is made")
	fs.DurationVar(&c.SendLease, "send-lease", 30*time.Second, "serve --send-lease: how soon a killed process's claimed messages go to another")
	fs.IntVar(&c.PerMinute, "per-minute", 600, "the sends' pace, messages a minute")
	fs.IntVar(&c.Accounts, "accounts", 300, "accounts imported at the start")
	fs.IntVar(&c.Contacts, "contacts", 3000, "contacts imported and sent to at the start")
	fs.IntVar(&c.SendBatch, "send-batch", 200, "contacts imported before each later send")
	fs.IntVar(&c.Tokens, "tokens", 4, "API tokens, each an API client")
	fs.StringVar(&c.SMTP, "smtp", "", "serve --smtp URL (default: a Mailpit of the harness's own when a mailpit binary is on PATH or in GOPATH/bin; \"none\": no SMTP)")
	fs.StringVar(&c.Out, "out", "", "write the results as JSON to this file")
	fs.BoolVar(&c.Keep, "keep", false, "keep the database, the logs and the files of the run")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.Rate <= 0 || c.Duration <= 0 || c.KillEvery <= 0 || c.Accounts < 1 || c.Contacts < 1 || c.Tokens < 1 {
		return c, errors.New("--rate, --duration, --kill-every, --accounts, --contacts and --tokens must be positive")
	}
	c.DrainWait, c.StopGrace = 3*time.Minute, 30*time.Second
	return c, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := parseConfig(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	c.progress = os.Stderr
	res, err := soak(ctx, c)
	if res != nil {
		res.print(os.Stdout)
		if c.Out != "" {
			if werr := res.write(c.Out); werr != nil && err == nil {
				err = werr
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	if !res.Passed() {
		os.Exit(1)
	}
}

// logf reports progress on standard error.
func (c config) logf(format string, args ...any) {
	if c.progress != nil {
		fmt.Fprintf(c.progress, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}

// soak runs the whole test: set-up, traffic with kills, final checks.
func soak(ctx context.Context, c config) (res *Results, err error) {
	dir, err := os.MkdirTemp("", "promotor-soak-")
	if err != nil {
		return nil, err
	}
	keep := c.Keep
	defer func() {
		if keep || (res != nil && !res.Passed()) {
			c.logf("the run's files and serve logs are in %s", dir)
			return
		}
		os.RemoveAll(dir)
	}()
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	c.logf("building promotor")
	bin, err := buildPromotor(ctx, root, dir)
	if err != nil {
		return nil, err
	}
	dsn := c.Database
	if dsn == "" {
		var drop func() error
		if dsn, drop, err = createDatabase(ctx, c.Postgres); err != nil {
			return nil, err
		}
		defer func() {
			if keep || (res != nil && !res.Passed()) {
				c.logf("kept the database %s", dsn)
				return
			}
			if derr := drop(); derr != nil && err == nil {
				err = derr
			}
		}()
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, errors.New("--database must be a postgres:// URL: two processes on one database is what is tested")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	var mp *mailpit
	smtpURL := c.SMTP
	if smtpURL == "" {
		if mb := mailpitBinary(ctx); mb != "" {
			if mp, err = startMailpit(ctx, mb, filepath.Join(dir, "mailpit.log")); err != nil {
				return nil, err
			}
			defer mp.stop()
			smtpURL = mp.smtpURL()
		}
	}
	if smtpURL == "none" {
		smtpURL = ""
	}

	stamp := time.Now().UTC().Format("20060102-150405")
	fx := &fixture{slug: "soak-" + stamp, owner: "owner@soak-" + stamp + ".example", domain: "contacts.soak-" + stamp + ".example"}
	c.logf("setting up the workspace with promotor user, token and import")
	if err := setupCLI(ctx, bin, dsn, fx, c.Tokens); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM workspaces WHERE slug = $1`, fx.slug).Scan(&fx.wsID); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	if err := importAccounts(ctx, bin, dsn, dir, fx, c.Accounts); err != nil {
		return nil, err
	}
	if err := importContacts(ctx, bin, dsn, dir, fx, c.Contacts); err != nil {
		return nil, err
	}

	// Every request reaches serve from the harness on 127.0.0.1, which sets
	// X-Forwarded-For per simulated client so that the per-address limits
	// see many clients rather than one.
	args := []string{"--database", dsn, "--send-lease", c.SendLease.String(), "--trusted-proxies", "127.0.0.1/32"}
	if smtpURL != "" {
		args = append(args, "--smtp", smtpURL)
	}
	var servers []*server
	var bases []string
	for i := range 2 {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		s := &server{addr: addr, bin: bin, args: args, log: filepath.Join(dir, fmt.Sprintf("serve-%d.log", i+1))}
		if err := s.start(ctx); err != nil {
			return nil, err
		}
		defer s.stop(c.StopGrace) // on an early return; a no-op after the final stop
		servers = append(servers, s)
		bases = append(bases, "http://"+addr)
	}
	c.logf("serving on %s (SMTP: %v)", strings.Join(bases, " and "), smtpURL != "")

	stats, kills := newStats(), newKillLog()
	b, err := newBalancer(bases, stats, kills)
	if err != nil {
		return nil, err
	}
	if err := setupAPI(ctx, b, fx); err != nil {
		return nil, err
	}
	if err := signIn(ctx, b, fx); err != nil {
		return nil, err
	}
	if err := publicLink(ctx, b, fx); err != nil {
		return nil, err
	}
	if r := sendForm(ctx, b, fx, "setup", c.PerMinute); r.outcome != Acked {
		return nil, fmt.Errorf("first send: %d %.300s", r.status, r.body)
	}

	res = &Results{Config: c, Started: time.Now().UTC()}
	res.Machine = machine(ctx, db)
	t := &traffic{b: b, fx: fx, ledger: &Ledger{}, pool: newPool(), run: stamp}
	k := &killer{servers: servers, kills: kills, db: db, wsID: fx.wsID, interval: c.KillEvery, pause: c.KillPause}
	sd := &sender{t: t, bin: bin, dsn: dsn, dir: dir, interval: c.SendEvery, batch: c.SendBatch, perMin: c.PerMinute}
	c.logf("traffic for %v at %.0f requests a second, a kill every %v", c.Duration, c.Rate, c.KillEvery)
	end := time.Now().Add(c.Duration)
	tctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	done := make(chan struct{}, 3)
	go func() { loadInvitations(tctx, t.pool, db, fx, smtpURL != ""); done <- struct{}{} }()
	go func() { k.run(tctx, end); done <- struct{}{} }()
	go func() { sd.run(tctx); done <- struct{}{} }()
	go progress(tctx, c, stats)
	t.drive(tctx, ctx, c.Rate)
	for range 3 {
		<-done
	}
	res.Elapsed = time.Since(res.Started).Round(time.Second).String()
	if ctx.Err() != nil {
		return res, errors.New("interrupted")
	}
	res.Kills, res.Restarts, res.KillFailures = k.Kills, k.Restarts, k.Failures
	res.Sends, res.SendFailures = sd.Sends+1, sd.Failures
	res.Email.InFlightAtKills = k.InFlight

	// Without an SMTP server messages wait in the outbox, as they should.
	if smtpURL != "" {
		c.logf("traffic done; waiting for the outbox to drain")
		if err := waitDrained(ctx, db, fx.wsID, c.DrainWait); err != nil {
			res.Problems = append(res.Problems, err.Error())
		}
	}
	api, err := apiHistogram(ctx, b, fx)
	if err != nil {
		res.Problems = append(res.Problems, err.Error())
	}
	c.logf("stopping both processes with SIGTERM")
	for _, s := range servers {
		if err := s.stop(c.StopGrace); err != nil {
			res.Problems = append(res.Problems, err.Error())
		}
	}
	res.Requests = stats.Report()
	for i, s := range servers {
		res.ServerErrors = append(res.ServerErrors, logErrors(s.log, fmt.Sprintf("serve %d", i+1))...)
	}
	rows, err := storedResponses(ctx, db, fx.wsID)
	if err != nil {
		return res, err
	}
	res.Responses = len(rows)
	res.Answers = Account(t.ledger.Attempts(), rows)
	if res.Histograms, err = checkHistograms(ctx, db, fx, api); err != nil {
		return res, err
	}
	if err := checkEmail(ctx, db, fx, mp, &res.Email); err != nil {
		return res, err
	}
	return res, nil
}

// progress prints the requests so far every 30 seconds.
func progress(ctx context.Context, c config, s *Stats) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(30 * time.Second):
		}
		all := s.Report()["all"]
		c.logf("%d requests, %d as expected, %d transport errors, p99 %.0f ms", all.Requests, all.OK, all.TransportErrors, all.P99ms)
	}
}
