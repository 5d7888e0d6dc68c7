package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

const importSynopsis = `import --workspace SLUG --kind accounts|contacts|revenue|responses [flags] FILE

Imports a CSV file (UTF-8 or Windows-1252; delimiter , ; or tab) or an
XLSX workbook (its first sheet) into the workspace, all or nothing:
accounts and contacts are created or updated by external id or email,
revenue is stored per account (by external id) and year, historical
responses are added to the survey's waves. FILE - reads
standard input. Without --map, the mapping last used in the workspace
is taken, else one suggested from the header. Refused lines are listed
with their line numbers, and then nothing is written (exit status 2).`

// mapFlag collects --map field=Column.
type mapFlag importer.Mapping

func (m mapFlag) String() string { return "" }

func (m mapFlag) Set(s string) error {
	field, col, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(field) == "" || strings.TrimSpace(col) == "" {
		return fmt.Errorf("%q is not field=Column", s)
	}
	m[strings.TrimSpace(field)] = strings.TrimSpace(col)
	return nil
}

// runImport imports one file.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	slug := fs.String("workspace", "", "slug of the workspace to import into (required)")
	kindName := fs.String("kind", "", "what the file holds: accounts, contacts, revenue or responses (required)")
	surveyID := fs.Int64("survey", 0, "ID of the survey of imported responses (responses; not needed with --wave)")
	waveID := fs.Int64("wave", 0, "ID of the wave for all imported responses (default: the file's wave column, else the year of each answer)")
	mapping := mapFlag{}
	fs.Var(mapping, "map", "field=Column: read field from the column so named; repeat for each field (attributes: attr:Name=Column)")
	dryRun := fs.Bool("dry-run", false, "show what would be created, updated and refused, and write nothing")
	maxMB := fs.Int64("max-size", importer.DefaultMaxBytes>>20, "largest file to read, in MB")
	progress := fs.Bool("progress", false, "show a progress bar on standard error (default: when it is a terminal)")
	rest, help, err := parseFlags(fs, importSynopsis, args, stdout)
	if help || err != nil {
		return err
	}
	kind, err := importer.ParseKind(*kindName)
	switch {
	case *slug == "":
		return usageError{errors.New("import: --workspace is required")}
	case err != nil:
		return usageError{fmt.Errorf("import: --kind: %w", err)}
	case len(rest) != 1:
		return usageError{errors.New("import: give one file to import (or - for standard input)")}
	case kind == importer.Responses && *surveyID == 0 && *waveID == 0:
		return usageError{errors.New("import: responses need --survey (or --wave)")}
	case kind != importer.Responses && (*surveyID != 0 || *waveID != 0):
		return usageError{errors.New("import: --survey and --wave apply to responses only")}
	case *maxMB < 1:
		return usageError{errors.New("import: --max-size must be at least 1 MB")}
	}
	name := rest[0]
	in := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return usageError{fmt.Errorf("import: %w", err)}
		}
		defer f.Close()
		in = f
	}
	tab, err := importer.Read(in, importer.Limits{MaxBytes: *maxMB << 20})
	if err != nil {
		return importInputError(name, err)
	}

	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, err := workspaceBySlug(ctx, db, "import", *slug)
	if err != nil {
		return err
	}
	m, source, err := chooseMapping(ctx, db, ws.ID, kind, tab.Header, importer.Mapping(mapping))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Read %s: %s, %d rows.\n", name, tab.Format, len(tab.Rows))
	fmt.Fprintf(stdout, "Mapping (%s): %s\n", source, formatMapping(m))
	if err := m.Check(kind, tab.Header); err != nil {
		return importInputError(name, err)
	}
	rs, rejected := importer.Parse(kind, tab, m)
	o := store.ImportOptions{SurveyID: *surveyID, WaveID: *waveID, DryRun: *dryRun}
	if *progress || isTerminal(stderr) {
		o.Progress = progressBar(stderr)
	}
	report, err := db.Import(ctx, ws.ID, rs, rejected, o)
	var ve *nps.ValidationError
	if errors.As(err, &ve) || errors.Is(err, nps.ErrNotFound) {
		return usageError{fmt.Errorf("import: %w", err)}
	}
	if err != nil {
		return err
	}
	return printImport(stdout, report, *dryRun)
}

// chooseMapping returns the mapping to use and where it came from: the
// flags, the workspace's remembered one when the file has its columns, or
// the suggestion from the header.
func chooseMapping(ctx context.Context, db *store.DB, workspaceID int64, k importer.Kind, header []string, given importer.Mapping) (importer.Mapping, string, error) {
	if len(given) > 0 {
		return given, "from --map", nil
	}
	m, err := db.ImportMapping(ctx, workspaceID, k)
	switch {
	case err == nil && m.Check(k, header) == nil:
		return m, "remembered from the last import", nil
	case err != nil && !errors.Is(err, nps.ErrNotFound):
		return nil, "", err
	}
	return importer.Suggest(k, header), "suggested from the header", nil
}

func formatMapping(m importer.Mapping) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%q", k, m[k]))
	}
	if len(parts) == 0 {
		return "(no column matched a field; use --map)"
	}
	return strings.Join(parts, " ")
}

// importInputError reports a file that cannot be read as a usage error
// naming the file and the line.
func importInputError(name string, err error) error {
	var ie *importer.Error
	if errors.As(err, &ie) {
		return usageError{fmt.Errorf("import: %s: %w", name, err)}
	}
	return fmt.Errorf("import: %s: %w", name, err)
}

// printImport prints the counts and the refused lines; refused lines are
// a usage error, since the file must be fixed.
func printImport(w io.Writer, r store.ImportReport, dryRun bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tcreate\tupdate\tunchanged\t")
	for _, row := range []struct {
		name string
		c    store.ImportCounts
	}{{"accounts", r.Accounts}, {"contacts", r.Contacts}, {"revenue", r.Revenue}, {"responses", r.Responses}} {
		if row.c != (store.ImportCounts{}) || string(r.Kind) == row.name {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", row.name, row.c.Create, row.c.Update, row.c.Unchanged)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Waves) > 0 {
		fmt.Fprintf(w, "Waves created: %s\n", strings.Join(r.Waves, ", "))
	}
	if len(r.Rejected) > 0 {
		fmt.Fprintf(w, "Refused lines (%d):\n", len(r.Rejected))
		for _, e := range r.Rejected {
			fmt.Fprintf(w, "  %s\n", e)
		}
		if len(r.Rejected) == importer.MaxErrors {
			fmt.Fprintf(w, "  (stopped after %d)\n", importer.MaxErrors)
		}
		lines := "lines"
		if len(r.Rejected) == 1 {
			lines = "line"
		}
		return usageError{fmt.Errorf("import: %d %s refused; nothing was imported", len(r.Rejected), lines)}
	}
	if dryRun {
		fmt.Fprintln(w, "Dry run: nothing was written.")
		return nil
	}
	fmt.Fprintln(w, "Imported, all in one transaction.")
	return nil
}

// isTerminal reports whether w is a terminal, where a progress bar may
// redraw itself.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar returns a progress function that redraws a bar on w.
func progressBar(w io.Writer) func(done, total int) {
	last := -1
	return func(done, total int) {
		pct := 100
		if total > 0 {
			pct = done * 100 / total
		}
		if pct == last {
			return
		}
		last = pct
		const width = 40
		bar := strings.Repeat("#", pct*width/100) + strings.Repeat(".", width-pct*width/100)
		fmt.Fprintf(w, "\rwriting [%s] %3d%% %d/%d", bar, pct, done, total)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}
