package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestImport(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db := storetest.OpenDSN(t, dsn)
			ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"})
			if err != nil {
				t.Fatal(err)
			}
			sv, err := db.CreateSurvey(ctx, ws.ID, nps.Survey{Name: "NPS", DefaultLanguage: "nl", Texts: map[string]nps.SurveyText{
				"nl": {Question: "Aanbevelen?", FollowUp: nps.FollowUp{Promoter: "Waarom?", Passive: "Waarom?", Detractor: "Waarom?"}}}})
			if err != nil {
				t.Fatal(err)
			}
			contacts := writeFile(t, "klanten.csv", "Mail;Naam;Bedrijf\r\nanna@acme.example;Anna;Acme\r\nbob@acme.example;Bob;Acme\r\n")
			base := []string{"import", "--database", dsn, "--workspace", "acme", "--kind", "contacts"}

			out, errOut, code := runCLI(t, "", append(base, "--dry-run", "--map", "email=Mail", "--map", "name=Naam", "--map", "account_name=Bedrijf", contacts)...)
			if code != 0 || !strings.Contains(out, "CSV, UTF-8, delimiter ;, 2 rows") || !tableRow(out, "contacts", "2", "0", "0") ||
				!tableRow(out, "accounts", "1", "0", "0") || !strings.Contains(out, "Dry run: nothing was written.") {
				t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
			}
			out, errOut, code = runCLI(t, "", append(base, "--progress", "--map", "email=Mail", "--map", "name=Naam", "--map", "account_name=Bedrijf", contacts)...)
			if code != 0 || !strings.Contains(out, "Imported, all in one transaction.") || !strings.Contains(errOut, "100% 3/3") {
				t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
			}
			// The mapping is remembered: the next file of the export needs
			// no --map.
			out, errOut, code = runCLI(t, "", append(base, contacts)...)
			if code != 0 || !strings.Contains(out, "Mapping (remembered from the last import)") || !tableRow(out, "contacts", "0", "0", "2") {
				t.Fatalf("import again: exit %d\n%s%s", code, out, errOut)
			}

			history := writeFile(t, "delighted.csv", "Email,Score,Comment,Response timestamp\n"+
				"anna@acme.example,9,Top,2024-04-18 05:34:20 -0700\ncarol@acme.example,4,,2025-02-01 10:00:00 +0000\n")
			out, errOut, code = runCLI(t, "", "import", "--database", dsn, "--workspace", "acme", "--kind", "responses",
				"--survey", fmt.Sprint(sv.ID), history)
			if code != 0 || !tableRow(out, "responses", "2", "0", "0") || !strings.Contains(out, "Waves created: 2024, 2025") {
				t.Fatalf("import responses: exit %d\n%s%s", code, out, errOut)
			}
			waves, err := db.Waves(ctx, ws.ID, sv.ID)
			if err != nil || len(waves) != 2 {
				t.Fatalf("waves: %v, %v", waves, err)
			}
			if h, err := db.Histogram(ctx, ws.ID, store.HistogramFilter{SurveyID: sv.ID}); err != nil || h.N() != 2 || h[9] != 1 || h[4] != 1 {
				t.Errorf("histogram after import: %v, %v", h, err)
			}

			accounts := writeFile(t, "accounts.csv", "id,name\nK1,Kade\n")
			if out, errOut, code = runCLI(t, "", "import", "--database", dsn, "--workspace", "acme", "--kind", "accounts", accounts); code != 0 {
				t.Fatalf("import accounts: exit %d\n%s%s", code, out, errOut)
			}
			revenue := writeFile(t, "omzet.csv", "klantnummer;jaar;omzet\nK1;2024;1.250.000,00\nK1;2025;1.300.000,00\n")
			out, errOut, code = runCLI(t, "", "import", "--database", dsn, "--workspace", "acme", "--kind", "revenue", revenue)
			if code != 0 || !tableRow(out, "revenue", "2", "0", "0") {
				t.Fatalf("import revenue: exit %d\n%s%s", code, out, errOut)
			}

			bad := writeFile(t, "bad.csv", "Mail;Naam\r\nzoe@acme.example;Zoë\r\nx@;X\r\nzoe@acme.example;Z\r\n")
			out, errOut, code = runCLI(t, "", append(base, bad)...)
			if code != 2 || !strings.Contains(out, `line 3: column "Mail": "x@" is not a valid email address`) ||
				!strings.Contains(out, `line 4: column "Mail": "zoe@acme.example" is also on line 2`) || !strings.Contains(errOut, "nothing was imported") {
				t.Errorf("bad file: exit %d\n%s%s", code, out, errOut)
			}
			found, err := db.FindRefs(ctx, ws.ID, store.Refs{ContactEmails: []string{"zoe@acme.example"}})
			if err != nil || len(found.ContactByEmail) != 0 {
				t.Errorf("a refused file imported its good lines")
			}
		})
	}
}

func TestImportUsage(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	garbage := writeFile(t, "garbage.bin", "\x00\x01\x02\x03"+strings.Repeat("\xff", 100))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no workspace", []string{"import", "--kind", "contacts", "f.csv"}, "--workspace is required"},
		{"bad kind", []string{"import", "--workspace", "acme", "--kind", "people", "f.csv"}, `"people" is not a kind`},
		{"no file", []string{"import", "--workspace", "acme", "--kind", "contacts"}, "give one file"},
		{"responses without survey", []string{"import", "--workspace", "acme", "--kind", "responses", "f.csv"}, "need --survey"},
		{"survey for contacts", []string{"import", "--workspace", "acme", "--kind", "contacts", "--survey", "1", "f.csv"}, "responses only"},
		{"bad map", []string{"import", "--workspace", "acme", "--kind", "contacts", "--map", "email", "f.csv"}, "is not field=Column"},
		{"missing file", []string{"import", "--workspace", "acme", "--kind", "contacts", "nope.csv"}, "no such file"},
		{"garbage", []string{"import", "--database", dsn, "--workspace", "acme", "--kind", "contacts", garbage}, "line 1: the byte 0x00 is not text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "", tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("got exit %d, %q; want 2 and %q", code, errOut, tt.want)
			}
		})
	}
}

// tableRow reports whether out has a table row of name and the counts.
func tableRow(out, name string, counts ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == len(counts)+1 && f[0] == name && strings.Join(f[1:], " ") == strings.Join(counts, " ") {
			return true
		}
	}
	return false
}
