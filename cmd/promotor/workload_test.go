package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// workloadFiles writes a small workload as the generator of perf/gen
// does, and returns the directory of accounts.csv and contacts.csv, the
// lines of the responses file (header first), and the number of distinct
// waves and contacts among the responses.
func workloadFiles(t *testing.T, n int) (dims string, lines []string, linked int) {
	t.Helper()
	dims = t.TempDir()
	rng := rand.New(rand.NewPCG(7, 2025))
	const nAccounts, nContacts = 30, 300
	var accounts, contacts strings.Builder
	accounts.WriteString("account_id,segment,segment_name,name\n")
	for a := 1; a <= nAccounts; a++ {
		fmt.Fprintf(&accounts, "%d,%d,Segment %d,Account %04d\n", a, 1+a%10, 1+a%10, a)
	}
	contacts.WriteString("contact_id,account_id,email\n")
	for c := 1; c <= nContacts; c++ {
		fmt.Fprintf(&contacts, "%d,%d,contact%06d@account%04d.example\n", c, 1+c%nAccounts, c, 1+c%nAccounts)
	}
	for name, content := range map[string]string{"accounts.csv": accounts.String(), "contacts.csv": contacts.String()} {
		if err := os.WriteFile(filepath.Join(dims, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Sub(start)
	seen := map[[2]int]bool{}
	lines = []string{"id,wave,contact_id,account_id,segment,score,comment,created_at"}
	for i := 1; i <= n; i++ {
		// In time order, as the generator writes them.
		at := start.Add(time.Duration(i) * (span / time.Duration(n+1))).Truncate(time.Second)
		wave, c := at.Year()-2020, 1+rng.IntN(nContacts)
		seen[[2]int{wave, c}] = true
		comment := ""
		if i%3 == 0 {
			comment = `"Slow support, but great team."`
		}
		lines = append(lines, fmt.Sprintf("%d,%d,%d,%d,%d,%d,%s,%s", i, wave, c, 1+c%nAccounts, 1+(1+c%nAccounts)%10,
			rng.IntN(11), comment, at.Format(time.DateTime)))
	}
	return dims, lines, len(seen)
}

func TestLoadWorkload(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db := storetest.OpenDSN(t, dsn)
			dims, lines, linked := workloadFiles(t, 2000)
			responses := writeFile(t, "responses.csv", strings.Join(lines, "\n")+"\n")
			base := []string{"load-workload", "--database", dsn, "--dims", dims, "--batch", "500"}

			out, errOut, code := runCLI(t, "", append(base, "--workspace", "workload", responses)...)
			if code != 0 || !strings.Contains(out, `into workspace "workload" (new`) ||
				!strings.Contains(out, fmt.Sprintf("responses        2000, %d of them with their contact", linked)) ||
				!strings.Contains(errOut, "responses: 2000 stored") {
				t.Fatalf("load: exit %d\n%s%s", code, out, errOut)
			}
			ws, err := db.WorkspaceBySlug(ctx, "workload")
			if err != nil {
				t.Fatal(err)
			}
			h, err := db.Histogram(ctx, ws.ID, store.HistogramFilter{})
			if err != nil || h.N() != 2000 {
				t.Errorf("histogram of the workspace: %v (%v), want 2000 responses", h, err)
			}

			out, errOut, code = runCLI(t, "", append(base, "--workspace", "workload", responses)...)
			if code != 2 || !strings.Contains(errOut, `workspace "workload" has responses already`) {
				t.Errorf("loading again: exit %d\n%s%s", code, out, errOut)
			}

			out, errOut, code = runCLI(t, "", append(base, "--workspace", "workload", "--replace", responses)...)
			if code != 0 || !strings.Contains(errOut, `deleted workspace "workload"`) || !strings.Contains(out, `into workspace "workload" (new`) {
				t.Errorf("loading again with --replace: exit %d\n%s%s", code, out, errOut)
			}

			for _, c := range []struct {
				name, line, want string
			}{
				{"score", "1500,5,1,2,3,11,,2025-06-01 10:00:00", `responses.csv:1501: score "11" is not a whole number from 0 to 10`},
				{"account", "1500,5,1,99,3,7,,2025-06-01 10:00:00", "responses.csv:1501: account 99 is not in " + filepath.Join(dims, "accounts.csv")},
				{"wave", "1500,6,1,2,3,7,,2025-06-01 10:00:00", "responses.csv:1501: wave 6 is not a wave of the workload (1 to 5)"},
				{"time", "1500,5,1,2,3,7,,2025-06-31 10:00:00", `responses.csv:1501: created_at "2025-06-31 10:00:00" is not a UTC time like 2025-03-01 09:30:00`},
				{"quote", `1500,5,1,2,3,7,"Slow "support",2025-06-01 10:00:00`, `responses.csv:1501: extraneous or missing " in quoted-field`},
				{"columns", "1500,5,1,2,3,7,2025-06-01 10:00:00", "responses.csv:1501: wrong number of fields"},
			} {
				bad := append([]string(nil), lines...)
				bad[1500] = c.line
				file := writeFile(t, "responses.csv", strings.Join(bad, "\n")+"\n")
				out, errOut, code := runCLI(t, "", append(base, "--workspace", "bad", file)...)
				if code != 2 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "the rows loaded so far were deleted") {
					t.Errorf("%s: exit %d, want 2 and %q\n%s%s", c.name, code, c.want, out, errOut)
				}
				if _, err := db.WorkspaceBySlug(ctx, "bad"); !errors.Is(err, nps.ErrNotFound) {
					t.Errorf("%s: the workspace of the failed load: %v, want it deleted", c.name, err)
				}
			}

			_, errOut, code = runCLI(t, "", "load-workload", "--database", dsn, "--dims", t.TempDir(), "--workspace", "x", responses)
			if code != 2 || !strings.Contains(errOut, "accounts.csv: no such file") {
				t.Errorf("missing dims: exit %d\n%s", code, errOut)
			}
		})
	}
}
