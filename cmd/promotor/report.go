package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/promotor/promotor/internal/annual"
	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/report"
	"github.com/promotor/promotor/internal/store"
)

// runReport writes a wave's annual report as PDF or HTML.
func runReport(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	slug := fs.String("workspace", "", "slug of the workspace (required)")
	surveyID := fs.Int64("survey", 0, "ID of the survey; the workspace's first by default")
	waveArg := fs.String("wave", "", "ID or name of the wave; the survey's latest opened wave by default")
	format := fs.String("format", "pdf", "pdf or html")
	lang := fs.String("lang", "nl", "language of the report: nl or en")
	anon := fs.Bool("anonymise", false, "leave out who wrote the quotes and the names of accounts")
	out := fs.String("o", "", `file to write, "-" for standard output (required)`)
	rest, help, err := parseFlags(fs, `report --workspace SLUG [--wave ID|NAME] [--format pdf|html] -o FILE

Writes the annual NPS report of a wave, as in the signed-in area: the
summary for management, the NPS with its interval, the change versus the
wave before, the distribution, segments and owners, themes, the chosen
quotes, accounts at risk, plans, the promoter programme, the financial
impact and an appendix with the calculation. The file is written whole
or not at all. Run "promotor analyse" first after a bulk load, so that
the themes are complete.`, args, stdout)
	if help || err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return usageError{fmt.Errorf("report: unexpected argument %q", rest[0])}
	case *slug == "":
		return usageError{errors.New("report: --workspace is required")}
	case *out == "":
		return usageError{errors.New("report: -o is required")}
	case *format != "pdf" && *format != "html":
		return usageError{fmt.Errorf("report: --format %q: want pdf or html", *format)}
	case *lang != "nl" && *lang != "en":
		return usageError{fmt.Errorf("report: --lang %q: want nl or en", *lang)}
	}
	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, err := workspaceBySlug(ctx, db, "report", *slug)
	if err != nil {
		return err
	}
	wave, err := reportWave(ctx, db, ws.ID, *surveyID, *waveArg)
	if err != nil {
		return err
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	rep, err := annual.Gather(ctx, db, cat, ws, annual.Options{WaveID: wave.ID, Lang: *lang, Anonymise: *anon})
	if err != nil {
		return err
	}
	write := report.PDF
	if *format == "html" {
		write = report.HTML
	}
	if err := db.RecordAudit(ctx, ws.ID, nps.AuditExport, "report."+*format,
		fmt.Sprintf("wave %d, %s, anonymised %t, to %s", wave.ID, *lang, *anon, *out)); err != nil {
		return err
	}
	return writeOutput(*out, stdout, func(w io.Writer) error { return write(w, rep) })
}

// reportWave finds the wave a report is asked for: by name in the survey
// (the workspace's first survey by default; wave names are often years),
// else by ID, or without either the survey's latest wave that has opened.
func reportWave(ctx context.Context, db *store.DB, workspaceID, surveyID int64, arg string) (nps.Wave, error) {
	if surveyID == 0 {
		surveys, err := db.Surveys(ctx, workspaceID)
		if err != nil {
			return nps.Wave{}, err
		}
		if len(surveys) == 0 {
			return nps.Wave{}, usageError{errors.New("report: the workspace has no survey")}
		}
		surveyID = surveys[0].ID
	}
	waves, err := db.Waves(ctx, workspaceID, surveyID)
	if errors.Is(err, nps.ErrNotFound) {
		return nps.Wave{}, usageError{fmt.Errorf("report: no survey %d in the workspace", surveyID)}
	}
	if err != nil {
		return nps.Wave{}, err
	}
	if arg == "" {
		if i := nps.LatestOpened(waves, db.Now()); i >= 0 {
			return waves[i], nil
		}
		return nps.Wave{}, usageError{errors.New("report: the survey has no wave that has opened; name one with --wave")}
	}
	for _, w := range slices.Backward(waves) {
		if w.Name == arg {
			return w, nil
		}
	}
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil {
		w, err := db.Wave(ctx, workspaceID, id)
		if !errors.Is(err, nps.ErrNotFound) {
			return w, err
		}
	}
	return nps.Wave{}, usageError{fmt.Errorf("report: no wave %q in survey %d, by name or ID", arg, surveyID)}
}
