package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/jobs"
	"github.com/promotor/promotor/internal/loop"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/send"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/web"
)

const (
	defaultDatabase = "promotor.db"
	defaultAddr     = "localhost:8080"
)

// databaseFlag registers --database, defaulting to $PROMOTOR_DATABASE and
// then to the embedded SQLite file.
func databaseFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("database", envOr(getenv, "PROMOTOR_DATABASE", defaultDatabase),
		"SQLite file path, or postgres:// URL (env PROMOTOR_DATABASE)")
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// runServe opens and migrates the database, then serves HTTP until ctx
// ends, letting in-flight requests finish.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f := registerServeFlags(fs, getenv) // serve_flags.go
	rest, help, err := parseFlags(fs, "serve [flags]\n\nRuns the web server; applies pending database migrations first.", args, stdout)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Errorf("serve: unexpected argument %q", rest[0])}
	}
	if err := f.check(fs); err != nil {
		return err
	}
	trusted, err := web.ParseNetworks(*f.trustedProxies)
	if err != nil {
		return usageError{fmt.Errorf("serve: --trusted-proxies: %w (want networks like 10.0.0.0/8, separated by commas)", err)}
	}
	metricsNetworks, err := web.ParseNetworks(*f.metricsNetworks)
	if err != nil {
		return usageError{fmt.Errorf("serve: --metrics-allowed-networks: %w", err)}
	}
	m := metrics.New()
	log, err := newLogger(stderr, *f.logFormat, *f.logLevel)
	if err != nil {
		return err
	}

	signOn, err := f.ssoProvider(ctx, getenv) // serve_oidc.go
	if err != nil {
		return err
	}
	if signOn != nil {
		log.Info("single sign-on", "issuer", signOn.Issuer(), "name", signOn.Name())
	}

	db, err := store.Open(ctx, *f.database)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		log.Info("migration applied", "name", m)
	}
	// A database migrated by a newer promotor has tables this one does not
	// know how to keep consistent: refuse it rather than serve from it.
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}

	if err := jobs.Migrate(ctx, db); err != nil {
		return err
	}
	if err := watchDB(m, db); err != nil {
		return err
	}
	var mailer mail.Sender
	if *f.smtp == "" {
		log.Warn("no SMTP server configured (--smtp): invitations wait in the outbox until one is")
	} else {
		cfg, err := mail.ParseURL(*f.smtp)
		if err != nil {
			return usageError{fmt.Errorf("serve: --smtp: %w", err)}
		}
		smtp, err := mail.NewSMTP(cfg)
		if err != nil {
			return usageError{fmt.Errorf("serve: --smtp: %w", err)}
		}
		defer smtp.Close()
		mailer = smtp
	}
	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	renderer, err := mail.NewRenderer(catalog)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *f.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// Links in emails need an address without a request to take it from:
	// the public one, else the one listened on.
	links := *f.baseURL
	if links == "" {
		links = "http://" + ln.Addr().String()
	}
	app, err := web.New(db, log, web.Options{BaseURL: *f.baseURL, MailBaseURL: links, Mail: mailer, SSO: signOn,
		TrustedProxies: trusted, Metrics: m, MetricsNetworks: metricsNetworks, MetricsToken: *f.metricsToken})
	if err != nil {
		return err
	}
	srv := newHTTPServer(app.Handler(), log, serveLimits)
	sender := &send.Sender{DB: db, Mail: mailer, Render: renderer, BaseURL: strings.TrimSuffix(links, "/"), Log: log, Lease: *f.sendLease, Budget: 45 * time.Second, Metrics: m}
	closed := &loop.Loop{DB: db, Catalog: catalog, Render: renderer, Mail: mailer, BaseURL: sender.BaseURL, Log: log, Metrics: m}
	analyser := &insight.Analyser{DB: db, Log: log, Budget: 20 * time.Second}
	queue, err := jobs.Start(ctx, db, log, tasks(db, sender, closed, analyser, app), kinds(closed), jobs.Options{Metrics: m})
	if err != nil {
		return err
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "database", db.Dialect().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	return shutdown(log, app, srv, errc, queue, *f.shutdownDelay, *f.shutdownGrace) // serveops.go
}

// httpLimits bound what one connection may hold of the server: how long
// a client may take to send its headers and its whole request, how long
// writing the answer may take, how long an idle keep-alive connection
// stays open, and how large the headers may be.
type httpLimits struct {
	readHeader, read, write, idle time.Duration
	maxHeaderBytes                int
}

// serveLimits are serve's connection limits. Ten seconds for the headers
// and thirty for the whole request cut off a client that trickles bytes to
// hold connections open (slowloris), while a form or an API batch of 4 MB
// arrives in time over any working line; sixty seconds to write covers
// the largest export and PDF report. Headers of 64 KiB hold any cookie and
// token a browser or client sends; Go's default is a megabyte.
var serveLimits = httpLimits{
	readHeader:     10 * time.Second,
	read:           30 * time.Second,
	write:          60 * time.Second,
	idle:           120 * time.Second,
	maxHeaderBytes: 64 << 10,
}

// newHTTPServer is the HTTP server of serve, with its connection limits:
// serve uses it with serveLimits, the tests with short ones.
func newHTTPServer(h http.Handler, log *slog.Logger, l httpLimits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.readHeader,
		ReadTimeout:       l.read,
		WriteTimeout:      l.write,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    l.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// tasks is the table of periodic background work that every serve
// process offers and one of them runs at a time (see internal/jobs).
// Without an SMTP server sends still start, and their messages wait.
// The follow-ups' tasks queue their emails for the loop's email jobs.
func tasks(db *store.DB, sender *send.Sender, closed *loop.Loop, analyser *insight.Analyser, app *web.Server) []jobs.Task {
	t := []jobs.Task{
		{Name: "start-sends", Every: 5 * time.Second, Timeout: time.Minute, Run: sender.StartDue},
		{Name: "queue-reminders", Every: time.Minute, Timeout: time.Minute, Run: sender.QueueReminders},
		{Name: "process-events", Every: time.Second, Timeout: time.Minute, Run: closed.ProcessEvents},
		{Name: "analyse-comments", Every: time.Second, Timeout: time.Minute, Run: analyser.Run},
		{Name: "escalate-followups", Every: time.Minute, Timeout: time.Minute, Run: app.EscalateOverdue},
		{Name: "silent-key-accounts", Every: time.Hour, Timeout: 5 * time.Minute, Run: app.RaiseSilentKeyAccounts},
		// Each run erases a bounded batch per workspace; a backlog takes
		// a few hours to clear (see docs/PRIVACY.md).
		{Name: "apply-retention", Every: time.Hour, Timeout: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := db.ApplyRetention(ctx)
			return err
		}},
	}
	if sender.Mail != nil {
		// Digests are written when they can be sent: one written while no
		// SMTP server is set would report a week that is long past.
		t = append(t, jobs.Task{Name: "send-messages", Every: time.Second, Timeout: time.Minute, Run: sender.Drain},
			jobs.Task{Name: "send-digests", Every: time.Minute, Timeout: 5 * time.Minute, Run: app.SendDigests})
	}
	return t
}

// kinds is the table of one-off jobs: the attempts of webhook deliveries
// and, with an SMTP server, the loop's emails, retried with back-off.
func kinds(closed *loop.Loop) []jobs.Kind {
	k := []jobs.Kind{{Name: "webhook", MaxAttempts: loop.HookAttempts, Timeout: 30 * time.Second,
		Backoff: loop.HookRetryAfter,
		Pending: closed.PendingDeliveries, Queued: closed.DB.DeliveriesQueued, Work: closed.Deliver}}
	if closed.Mail != nil {
		k = append(k, jobs.Kind{Name: "email", MaxAttempts: mail.MaxAttempts, Timeout: time.Minute,
			Backoff: mail.RetryAfter,
			Pending: closed.PendingEmails, Queued: closed.DB.NotificationsQueued, Work: closed.SendEmail})
	}
	return k
}
