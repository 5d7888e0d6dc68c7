package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestExport(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db := storetest.OpenDSN(t, dsn)
			check := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"})
			check(err)
			other, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "other", Name: "Other"})
			check(err)
			text := map[string]nps.SurveyText{"en": {Question: "Recommend?", FollowUp: nps.FollowUp{Promoter: "Why?", Passive: "Why?", Detractor: "Why?"}}}
			sv, err := db.CreateSurvey(ctx, ws.ID, nps.Survey{Name: "NPS", DefaultLanguage: "en", Texts: text})
			check(err)
			otherSurvey, err := db.CreateSurvey(ctx, other.ID, nps.Survey{Name: "NPS", DefaultLanguage: "en", Texts: text})
			check(err)
			wave, err := db.CreateWave(ctx, ws.ID, nps.Wave{SurveyID: sv.ID, Name: "2025", OpensAt: db.Now().AddDate(0, 0, -1)})
			check(err)
			otherWave, err := db.CreateWave(ctx, other.ID, nps.Wave{SurveyID: otherSurvey.ID, Name: "2025", OpensAt: db.Now().AddDate(0, 0, -1)})
			check(err)
			acc, err := db.CreateAccount(ctx, ws.ID, nps.Account{ExternalID: "K1", Name: "Kade", Industry: "Retail"})
			check(err)
			comments := []string{"=1+1", "-2+3", "fine"}
			for i, score := range []int{2, 3, 10} {
				c, err := db.CreateContact(ctx, ws.ID, nps.Contact{AccountID: acc.ID, Email: fmt.Sprintf("c%d@acme.example", i)})
				check(err)
				_, err = db.RecordResponse(ctx, ws.ID, nps.Response{WaveID: wave.ID, ContactID: c.ID, Score: score, Comment: comments[i], Channel: nps.ChannelAPI})
				check(err)
			}
			dir := t.TempDir()
			base := []string{"export", "--database", dsn, "--workspace", "acme"}

			csvFile := filepath.Join(dir, "responses.csv")
			out, errOut, code := runCLI(t, "", append(base, "--what", "responses", "-o", csvFile)...)
			if code != 0 || !strings.Contains(out, "Wrote 3 responses to "+csvFile+" (CSV,") {
				t.Fatalf("export responses: exit %d\n%s%s", code, out, errOut)
			}
			data, err := os.ReadFile(csvFile)
			check(err)
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
			check(err)
			var got []string
			for _, r := range recs[1:] {
				got = append(got, r[8])
			}
			if recs[0][8] != "comment" || !slices.Equal(got, []string{"'=1+1", "'-2+3", "fine"}) {
				t.Errorf("comments: got %q (header %q), want them neutralised", got, recs[0])
			}
			// promotor calc reads the export's score column: -33 of three.
			if out, errOut, code := runCLI(t, "", "calc", csvFile); code != 0 || !strings.Contains(out, "-33") {
				t.Errorf("calc of the export: exit %d\n%s%s", code, out, errOut)
			}

			xlsxFile := filepath.Join(dir, "aggregates.xlsx")
			if out, errOut, code := runCLI(t, "", append(base, "--what", "aggregates", "--survey", fmt.Sprint(sv.ID), "--by", "account:industry", "-o", xlsxFile)...); code != 0 ||
				!strings.Contains(out, "Wrote 1 figure to") {
				t.Fatalf("export aggregates: exit %d\n%s%s", code, out, errOut)
			}
			wb, err := excelize.OpenFile(xlsxFile)
			check(err)
			rows, err := wb.GetRows("Aggregates", excelize.Options{RawCellValue: true})
			check(err)
			wb.Close()
			// XLSX keeps the 15 significant digits that Excel holds.
			if len(rows) != 2 || rows[0][4] != "industry" || rows[1][4] != "Retail" || rows[1][slices.Index(rows[0], "nps")] != "-33.3333333333333" {
				t.Errorf("aggregates: got %q", rows)
			}

			out, errOut, code = runCLI(t, "", append(base, "--what", "accounts", "--format", "csv", "-o", "-")...)
			if code != 0 || !strings.HasPrefix(out, "\uFEFFaccount_id,external_id,name") || !strings.Contains(out, ",K1,Kade,") {
				t.Errorf("accounts to standard output: exit %d\n%s%s", code, out, errOut)
			}
			out, _, code = runCLI(t, "", append(base, "--what", "responses", "--wave", fmt.Sprint(wave.ID), "-o", "-")...)
			if code != 0 || strings.Count(out, "\r\n") != 4 {
				t.Errorf("the wave's responses to standard output: exit %d\n%s", code, out)
			}

			refused := filepath.Join(dir, "refused.csv")
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"--what", "responses"}, "-o FILE is required"},
				{[]string{"--what", "contacts", "-o", "-"}, `"contacts" is not an export`},
				{[]string{"--what", "responses", "--format", "ods", "-o", "-"}, `"ods" is not a format`},
				{[]string{"--what", "responses", "-o", filepath.Join(dir, "x.json")}, `"json" is not a format`},
				{[]string{"--what", "responses", "--wave", fmt.Sprint(otherWave.ID), "-o", refused}, "has no wave"},
				{[]string{"--what", "responses", "--survey", fmt.Sprint(otherSurvey.ID), "-o", refused}, "has no survey"},
				{[]string{"--what", "accounts", "--wave", fmt.Sprint(wave.ID), "-o", refused}, "--wave does not apply"},
				{[]string{"--what", "responses", "--by", "owner", "-o", refused}, "aggregates only"},
				{[]string{"--what", "aggregates", "--by", "account:salary", "-o", refused}, `no attribute "salary"`},
				{[]string{"--what", "aggregates", "--by", "month", "-o", refused}, "is not a split"},
				{[]string{"--what", "responses", "-o", filepath.Join(dir, "missing", "x.csv")}, "no such file"},
			} {
				_, errOut, code := runCLI(t, "", append(base, c.args...)...)
				if code != 2 || !strings.Contains(errOut, c.want) {
					t.Errorf("export %v: exit %d, %q; want 2 and %q", c.args, code, errOut, c.want)
				}
			}
			if _, errOut, code := runCLI(t, "", "export", "--database", dsn, "--workspace", "nobody", "--what", "responses", "-o", "-"); code != 2 || !strings.Contains(errOut, `no workspace "nobody"`) {
				t.Errorf("an unknown workspace: exit %d, %q", code, errOut)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 2 {
				t.Errorf("files left after the refused exports: %v, want the two written", entries)
			}
		})
	}
}
