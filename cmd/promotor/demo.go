package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/promotor/promotor/internal/demo"
	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

const demoSynopsis = `demo [flags]

Creates the demo workspace (slug "demo"), or recreates it when it exists:
a Dutch B2B service provider with 150 customers and three yearly NPS
measurements, from -10 to +18 as in the second seed article. Prints how
to sign in and an API token. Other workspaces are left alone.`

// runDemo installs the demo workspace, prints what it holds and how to
// use it, and with --serve goes on serving it as promotor serve does.
func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	seed := fs.Int64("seed", 0, "seed of the demo data: the same seed gives the same customers, answers and password (default: a random seed, printed)")
	serve := fs.Bool("serve", false, "go on serving the product, as promotor serve does")
	addr := fs.String("addr", envOr(getenv, "PROMOTOR_ADDR", defaultAddr), "address to listen on with --serve, and of the printed links (env PROMOTOR_ADDR)")
	baseURL := fs.String("base-url", getenv("PROMOTOR_BASE_URL"), "public address of the server, for the printed links (env PROMOTOR_BASE_URL; default: http:// and --addr)")
	rest, help, err := parseFlags(fs, demoSynopsis, args, stdout)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Errorf("demo: unexpected argument %q", rest[0])}
	}
	seeded := false
	fs.Visit(func(f *flag.Flag) { seeded = seeded || f.Name == "seed" })
	if !seeded {
		// A seed of its own for every demo, so that its password cannot
		// be read off another installation's.
		*seed = 1 + rand.Int64N(999_999)
	}

	if err := installDemo(ctx, *dsn, *seed, siteURL(*baseURL, *addr), stdout); err != nil {
		return err
	}
	if !*serve {
		return nil
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Serving; stop with Ctrl+C.")
	// Someone trying the demo reads its log at a terminal.
	return runServe(ctx, []string{"--database", *dsn, "--addr", *addr, "--base-url", *baseURL,
		"--log-format", envOr(getenv, "PROMOTOR_LOG_FORMAT", "text")}, getenv, stdout, stderr)
}

// installDemo migrates the database, installs the demo and prints the
// summary; site is the address the printed links start with.
func installDemo(ctx context.Context, dsn string, seed int64, site string, w io.Writer) error {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	start := time.Now()
	res, err := demo.Install(ctx, db, demo.Build(seed))
	if err != nil {
		return err
	}
	// The comments are analysed now, as serve would within seconds, so
	// that the themes are there on the first page.
	analyser := &insight.Analyser{DB: db, Log: slog.New(slog.DiscardHandler)}
	if _, err := analyser.RunCount(ctx); err != nil {
		return err
	}
	elapsed := time.Since(start)
	return printDemo(ctx, w, db, res, seed, elapsed, site)
}

// printDemo prints the demo workspace as the database now holds it: the
// NPS of each wave is computed from the stored rollups, not taken from
// the plan, so the printout shows that the data came out right.
func printDemo(ctx context.Context, w io.Writer, db *store.DB, res demo.Result, seed int64, elapsed time.Duration, site string) error {
	ws := res.Workspace
	all, err := db.Accounts(ctx, ws.ID, store.AccountFilter{})
	if err != nil {
		return err
	}
	churned, err := db.Accounts(ctx, ws.ID, store.AccountFilter{Status: nps.AccountChurned})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Demo workspace %q (slug %s) installed in %.1fs from seed %d (--seed %d gives the same again).\n",
		ws.Name, ws.Slug, elapsed.Seconds(), seed, seed)
	fmt.Fprintf(w, "%d users, %d accounts (%d churned), %d contacts, %d invitations, %d responses (%d changed while the wave is open).\n",
		res.Users, len(all), len(churned), res.Contacts, res.Invitations, res.Responses, res.Revisions)
	fmt.Fprintf(w, "%d improvement plans made with last year's critical customers; an alert rule for detractors.\n", res.Plans)
	fmt.Fprintf(w, "\nSurvey %q, NPS per wave from the database:\n", res.Survey.Name)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  wave\tinvited\tresponses\trate\tNPS\t95% interval\t")
	for i, wave := range res.Waves {
		h, err := db.Histogram(ctx, ws.ID, store.HistogramFilter{WaveID: wave.ID})
		if err != nil {
			return err
		}
		r, err := nps.Estimate(h, nps.Options{Population: wave.Population})
		if err != nil {
			return err
		}
		name := wave.Name
		if wave.ClosesAt.IsZero() {
			name += " (open)"
		}
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d%%\t%s\t%s to %s\t\n", name, res.Invited[i], r.N,
			nps.RoundHalfAway(100*float64(r.N)/float64(res.Invited[i])), r.Format(),
			nps.Signed(nps.RoundHalfAway(r.Low)), nps.Signed(nps.RoundHalfAway(r.High)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nSign in at %s/login\n", site)
	fmt.Fprintf(w, "  Email:    %s\n", res.Owner.Email)
	fmt.Fprintf(w, "  Password: %s\n", res.Password)
	fmt.Fprintf(w, "API token: %s\n", res.APIToken)
	if res.SurveyToken != "" {
		fmt.Fprintf(w, "Answer the open wave as a customer: %s/s/%s\n", site, res.SurveyToken)
	}
	last := res.Waves[len(res.Waves)-1]
	fmt.Fprintf(w, "Ask the API: curl -H 'Authorization: Bearer %s' '%s/api/v1/surveys/%d/nps?wave=%d'\n",
		res.APIToken, site, res.Survey.ID, last.ID)
	return nil
}

// siteURL is where the printed links point: the public address when
// given, else the address served on, with a host a browser can open.
func siteURL(baseURL, addr string) string {
	if baseURL != "" {
		return strings.TrimSuffix(baseURL, "/")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
