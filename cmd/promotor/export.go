package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/promotor/promotor/internal/dataset"
	"github.com/promotor/promotor/internal/export"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

const exportSynopsis = `export --workspace SLUG --what responses|accounts|aggregates -o FILE [flags]

Writes the workspace's responses (one row per response, with its contact,
account, owner, themes and sentiment), accounts (attributes, owner, revenue
per year, latest answer) or aggregates (per wave: the counts, the 11
scores, NPS and its 95 % interval) as CSV or XLSX, streamed as they are
read, so that memory stays flat however many rows there are. Text that a
spreadsheet would run as a formula (starting with = + - @, tab or CR) is
written with a leading apostrophe. -o - writes to standard output; a file
is written under a temporary name and renamed when complete, so that a
failed export leaves no partial file. See docs/EXPORT.md for the columns.`

// runExport writes one export.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	slug := fs.String("workspace", "", "slug of the workspace to export (required)")
	what := fs.String("what", "", "what to export: responses, accounts or aggregates (required)")
	formatName := fs.String("format", "", "csv or xlsx (default: the extension of -o, csv for standard output)")
	out := fs.String("o", "", "file to write, - for standard output (required)")
	surveyID := fs.Int64("survey", 0, "ID of the survey to export (default: all surveys)")
	waveID := fs.Int64("wave", 0, "ID of the wave to export (responses and aggregates; default: all waves)")
	by := fs.String("by", "", "aggregates only: split each wave by owner or by account:ATTRIBUTE")
	rest, help, err := parseFlags(fs, exportSynopsis, args, stdout)
	if help || err != nil {
		return err
	}
	kind, kindErr := dataset.ParseKind(*what)
	switch {
	case *slug == "":
		return usageError{errors.New("export: --workspace is required")}
	case kindErr != nil:
		return usageError{fmt.Errorf("export: --what: %q is not an export; use responses, accounts or aggregates", *what)}
	case *out == "":
		return usageError{errors.New("export: -o FILE is required (- for standard output)")}
	case len(rest) > 0:
		return usageError{fmt.Errorf("export: unexpected argument %q", rest[0])}
	case *by != "" && kind != dataset.Aggregates:
		return usageError{errors.New("export: --by applies to aggregates only")}
	case *waveID != 0 && kind == dataset.Accounts:
		return usageError{errors.New("export: --wave does not apply to accounts")}
	case *surveyID < 0 || *waveID < 0:
		return usageError{errors.New("export: --survey and --wave must be IDs")}
	}
	format, err := exportFormat(*formatName, *out)
	if err != nil {
		return err
	}

	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, err := workspaceBySlug(ctx, db, "export", *slug)
	if err != nil {
		return err
	}
	scope, err := exportScope(ctx, db, ws.ID, *surveyID, *waveID, *by)
	if err != nil {
		return err
	}
	if err := db.RecordAudit(ctx, ws.ID, nps.AuditExport, string(kind)+"."+string(format),
		fmt.Sprintf("survey %d, wave %d, to %s", scope.SurveyID, scope.WaveID, *out)); err != nil {
		return err
	}
	var rows int64
	err = writeOutput(*out, stdout, func(w io.Writer) error {
		rows, err = writeExport(ctx, db, ws.ID, kind, scope, format, w)
		return err
	})
	if err != nil || *out == "-" {
		return err
	}
	info, err := os.Stat(*out)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote %d %s to %s (%s, %d bytes).\n", rows, exportNoun(kind, rows), *out, strings.ToUpper(string(format)), info.Size())
	return nil
}

// exportFormat is the format of --format, else of the file's extension.
func exportFormat(name, out string) (export.Format, error) {
	if name == "" {
		name = strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
		if out == "-" || name == "" {
			name = string(export.CSV)
		}
	}
	f, err := export.ParseFormat(name)
	if err != nil {
		return "", usageError{fmt.Errorf("export: --format: %q is not a format; use csv or xlsx", name)}
	}
	return f, nil
}

// exportScope checks the survey and wave against the workspace and reads
// --by; what is not the workspace's is a usage error.
func exportScope(ctx context.Context, db *store.DB, workspaceID, surveyID, waveID int64, by string) (dataset.Scope, error) {
	s := dataset.Scope{ResponseFilter: store.ResponseFilter{SurveyID: surveyID, WaveID: waveID}}
	if surveyID != 0 {
		if _, err := db.Survey(ctx, workspaceID, surveyID); errors.Is(err, nps.ErrNotFound) {
			return s, usageError{fmt.Errorf("export: the workspace has no survey %d", surveyID)}
		} else if err != nil {
			return s, err
		}
	}
	if waveID != 0 {
		wv, err := db.Wave(ctx, workspaceID, waveID)
		switch {
		case errors.Is(err, nps.ErrNotFound):
			return s, usageError{fmt.Errorf("export: the workspace has no wave %d", waveID)}
		case err != nil:
			return s, err
		case surveyID != 0 && wv.SurveyID != surveyID:
			return s, usageError{fmt.Errorf("export: wave %d is not of survey %d", waveID, surveyID)}
		}
	}
	if by != "" {
		custom, err := db.AttributeNames(ctx, workspaceID, "accounts")
		if err != nil {
			return s, err
		}
		if s.By, err = dataset.ParseSplit(by, append(nps.SegmentFields(), custom...)); err != nil {
			return s, usageError{fmt.Errorf("export: --by: %w", err)}
		}
	}
	return s, nil
}

// writeExport writes the export to w and returns its number of rows.
func writeExport(ctx context.Context, db *store.DB, workspaceID int64, kind dataset.Kind, s dataset.Scope, f export.Format, w io.Writer) (int64, error) {
	rows, err := dataset.Export(ctx, db, workspaceID, kind, s, f, w)
	var ve *nps.ValidationError
	if errors.As(err, &ve) || errors.Is(err, export.ErrTooManyRows) {
		return rows, usageError{fmt.Errorf("export: %w", err)}
	}
	if err != nil {
		return rows, fmt.Errorf("export: %w", err)
	}
	return rows, nil
}

// exportNoun names what a number of rows of an export are.
func exportNoun(k dataset.Kind, n int64) string {
	noun := map[dataset.Kind]string{dataset.Responses: "response", dataset.Accounts: "account", dataset.Aggregates: "figure"}[k]
	if n != 1 {
		noun += "s"
	}
	return noun
}
