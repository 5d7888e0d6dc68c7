package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/promotor/promotor/internal/insight"
)

// runAnalyse analyses every comment that is due now, in the foreground.
func runAnalyse(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analyse", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	rest, help, err := parseFlags(fs, `analyse [flags]

Analyses now every response that is due: new and changed answers, and all
answers of a workspace whose theme taxonomy changed. serve does the same
in the background, a batch at a time; this command is for after a bulk
load, or to have the figures complete before a report.`, args, stdout)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Errorf("analyse: unexpected argument %q", rest[0])}
	}
	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	a := &insight.Analyser{DB: db, Log: slog.New(slog.NewTextHandler(stderr, nil))}
	n, err := a.RunCount(ctx)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "analysed %d responses in %s (%.0f a second)\n", n, round(took), perSecond(int64(n), took))
	return nil
}
