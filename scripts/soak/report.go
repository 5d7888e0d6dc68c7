package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Results is everything a run found, as printed and as written by --out.
type Results struct {
	Config  config    `json:"config"`
	Machine string    `json:"machine"`
	Started time.Time `json:"started"`
	Elapsed string    `json:"elapsed"`

	Requests     map[string]TypeReport `json:"requests"`
	Kills        int                   `json:"kills"`
	Restarts     int                   `json:"restarts_survived"`
	KillFailures []string              `json:"kill_failures"`
	Sends        int                   `json:"sends"`
	SendFailures []string              `json:"send_failures"`

	Responses  int            `json:"responses"`
	Answers    Accounting     `json:"answers"`
	Histograms HistogramCheck `json:"histograms"`
	Email      EmailCheck     `json:"email"`
	// ServerErrors are the ERROR lines of the serve logs.
	ServerErrors []string `json:"server_errors"`
	// Problems are checks that could not be made.
	Problems []string `json:"problems"`
}

// Passed says whether the run met its targets: nothing lost, nothing
// stored twice, rollups equal to the rows, every kill survived, no 5xx
// left unretried, every check made, and every invitation emailed, twice
// at most for the messages in flight at a kill (at-least-once delivery:
// the restarted sender cannot know whether the SMTP server took them).
func (r *Results) Passed() bool {
	return len(r.Answers.Lost) == 0 && len(r.Answers.Duplicated) == 0 && len(r.Answers.RefusedButStored) == 0 &&
		len(r.Histograms.Mismatches) == 0 && len(r.KillFailures) == 0 && r.Restarts == r.Kills &&
		len(r.Problems) == 0 && r.fiveXX() == 0 &&
		r.Email.Missing == 0 && r.Email.Outbox["failed"] == 0 && r.Email.SentTwice <= r.Email.InFlightAtKills
}

// fiveXX counts the requests that ended with a 5xx.
func (r *Results) fiveXX() int {
	n := 0
	for status, c := range r.Requests["all"].Status {
		if status >= 500 {
			n += c
		}
	}
	return n
}

func (r *Results) write(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// print writes the report for a reader.
func (r *Results) print(w io.Writer) {
	fmt.Fprintf(w, "\nSoak: %s at %.0f requests/s, a SIGKILL every %v; %s\n\n", r.Elapsed, r.Config.Rate, r.Config.KillEvery, r.Machine)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "type\trequests\tok\tother status\ttransport err\tof which in kill\tretried 5xx\tretried→ok\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	names := make([]string, 0, len(r.Requests))
	for n := range r.Requests {
		if n != "all" && n != "setup" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range append(names, "all") {
		t := r.Requests[n]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.0f\t\n", n, t.Requests, t.OK, statusText(t.Status),
			t.TransportErrors, t.DuringKill, t.ServerErrorRetry, t.RetriedOK, t.P50ms, t.P95ms, t.P99ms, t.MaxMs)
	}
	tw.Flush()
	a := r.Answers
	fmt.Fprintf(w, "\nkills %d, restarts survived %d; sends %d\n", r.Kills, r.Restarts, r.Sends)
	fmt.Fprintf(w, "answers sent %d: acknowledged %d, outcome unknown %d (%d of them stored), refused %d; responses stored %d\n",
		a.Sent, a.Acknowledged, a.Unknown, a.UnknownStored, a.Refused, r.Responses)
	fmt.Fprintf(w, "lost %d, duplicated %d, refused but stored %d\n", len(a.Lost), len(a.Duplicated), len(a.RefusedButStored))
	fmt.Fprintf(w, "histograms: %d mismatches (groups %v); API NPS histogram %v, recount %v\n",
		len(r.Histograms.Mismatches), r.Histograms.Groups, r.Histograms.API, r.Histograms.Recount)
	e := r.Email
	fmt.Fprintf(w, "email: %d invitations, outbox %v", e.Invitations, e.Outbox)
	if e.SMTP == "mailpit" {
		fmt.Fprintf(w, "; Mailpit received %d for %d recipients, %d a second time (at most %d in flight at the kills), %d missing",
			e.Delivered, e.Recipients, e.SentTwice, e.InFlightAtKills, e.Missing)
	}
	fmt.Fprintln(w)
	for _, list := range []struct {
		name  string
		items []string
	}{{"lost", a.Lost}, {"duplicated", a.Duplicated}, {"refused but stored", a.RefusedButStored},
		{"histogram", r.Histograms.Mismatches}, {"kill", r.KillFailures}, {"send", r.SendFailures},
		{"serve log", r.ServerErrors}, {"problem", r.Problems}} {
		for i, s := range list.items {
			if i == 10 {
				fmt.Fprintf(w, "  %s: … and %d more\n", list.name, len(list.items)-10)
				break
			}
			fmt.Fprintf(w, "  %s: %s\n", list.name, s)
		}
	}
	verdict := "PASSED"
	if !r.Passed() {
		verdict = "FAILED"
	}
	fmt.Fprintln(w, verdict)
}

func statusText(m map[int]int) string {
	if len(m) == 0 {
		return "-"
	}
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d×%d", m[c], c)
	}
	return strings.Join(parts, " ")
}

// machine describes where the run ran: cores, Go, PostgreSQL.
func machine(ctx context.Context, db *sql.DB) string {
	var pg string
	if err := db.QueryRowContext(ctx, `SHOW server_version`).Scan(&pg); err != nil {
		pg = "unknown"
	}
	return fmt.Sprintf("%d cores, %s/%s, %s, PostgreSQL %s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), pg)
}

// logErrors returns the ERROR lines of a serve log, named by who.
func logErrors(path, who string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{who + ": " + err.Error()}
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "level=ERROR") {
			out = append(out, who+": "+sc.Text())
		}
	}
	return out
}
