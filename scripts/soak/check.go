package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// storedResponses reads every response of the workspace.
func storedResponses(ctx context.Context, db *sql.DB, wsID int64) ([]Stored, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, COALESCE(invitation_id, 0), score, comment FROM responses WHERE workspace_id = $1`, wsID)
	if err != nil {
		return nil, fmt.Errorf("responses: %w", err)
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		var s Stored
		if err := rows.Scan(&s.ID, &s.Invitation, &s.Score, &s.Comment); err != nil {
			return nil, fmt.Errorf("responses: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// histogram is the responses per score, 0 to 10.
type histogram [11]int

// HistogramCheck compares the rollups every answer updates with a recount
// of the response rows.
type HistogramCheck struct {
	// Groups is the number of groups compared per table.
	Groups map[string]int `json:"groups"`
	// Mismatches name each group whose rollup differs from the recount.
	Mismatches []string `json:"mismatches"`
	// API is the wave's histogram as GET /api/v1/surveys/{id}/nps gave it
	// at the end, and Recount the wave's from the rows.
	API     histogram `json:"api_histogram"`
	Recount histogram `json:"recount_histogram"`
}

// rollups are the tables of histograms and the columns that key them.
var rollups = []struct{ table, key string }{
	{"score_rollup", "survey_id, wave_id, account_id, month"},
	{"score_totals", "survey_id, wave_id, month"},
	{"score_accounts", "survey_id, wave_id, account_id"},
}

// checkHistograms recounts the responses per group of each rollup table
// and compares; api is the wave's histogram the API reported.
func checkHistograms(ctx context.Context, db *sql.DB, fx *fixture, api histogram) (HistogramCheck, error) {
	hc := HistogramCheck{Groups: map[string]int{}, API: api}
	for _, r := range rollups {
		recount, err := groups(ctx, db, fmt.Sprintf(`SELECT %s, score, count(*) FROM (
			SELECT survey_id, wave_id, COALESCE(account_id, 0) AS account_id, month, score FROM responses WHERE workspace_id = $1) r
			GROUP BY %[1]s, score`, r.key), fx.wsID, true)
		if err != nil {
			return hc, err
		}
		cols := make([]string, 11)
		for i := range cols {
			cols[i] = fmt.Sprintf("s%d", i)
		}
		stored, err := groups(ctx, db, fmt.Sprintf(`SELECT %s, %s FROM %s WHERE workspace_id = $1`, r.key, strings.Join(cols, ", "), r.table), fx.wsID, false)
		if err != nil {
			return hc, err
		}
		hc.Groups[r.table] = len(recount)
		for k, want := range recount {
			if got := stored[k]; got != want {
				hc.Mismatches = append(hc.Mismatches, fmt.Sprintf("%s (%s) = %s: %v, recount %v", r.table, r.key, k, got, want))
			}
		}
		for k, got := range stored {
			if _, ok := recount[k]; !ok && got != (histogram{}) {
				hc.Mismatches = append(hc.Mismatches, fmt.Sprintf("%s (%s) = %s: %v, no responses", r.table, r.key, k, got))
			}
		}
	}
	wave, err := groups(ctx, db, `SELECT wave_id, score, count(*) FROM responses WHERE workspace_id = $1 AND wave_id = $2 GROUP BY wave_id, score`,
		fx.wsID, true, fx.waveID)
	if err != nil {
		return hc, err
	}
	hc.Recount = wave[fmt.Sprint(fx.waveID)]
	if hc.API != hc.Recount {
		hc.Mismatches = append(hc.Mismatches, fmt.Sprintf("API NPS of wave %d: histogram %v, recount %v", fx.waveID, hc.API, hc.Recount))
	}
	return hc, nil
}

// groups reads histograms keyed by the leading columns of query: rows of
// (key…, score, count) when counted, else (key…, s0 … s10).
func groups(ctx context.Context, db *sql.DB, query string, wsID int64, counted bool, args ...any) (map[string]histogram, error) {
	rows, err := db.QueryContext(ctx, query, append([]any{wsID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("histograms: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	nKey := len(cols) - 11
	if counted {
		nKey = len(cols) - 2
	}
	out := map[string]histogram{}
	for rows.Next() {
		vals := make([]int64, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("histograms: %w", err)
		}
		parts := make([]string, nKey)
		for i := range parts {
			parts[i] = fmt.Sprint(vals[i])
		}
		k := strings.Join(parts, "/")
		h := out[k]
		if counted {
			h[vals[nKey]] += int(vals[nKey+1])
		} else {
			for i := range h {
				h[i] = int(vals[nKey+i])
			}
		}
		out[k] = h
	}
	return out, rows.Err()
}

// apiHistogram reads the wave's histogram from the NPS endpoint.
func apiHistogram(ctx context.Context, b *balancer, fx *fixture) (histogram, error) {
	path := fmt.Sprintf("/api/v1/surveys/%d/nps?wave=%d", fx.surveyID, fx.waveID)
	res := b.do(ctx, request{typ: "setup", method: http.MethodGet, path: path, resend: true, want: http.StatusOK,
		header: http.Header{"Authorization": {"Bearer " + fx.tokens[0]}}})
	var v struct{ Histogram histogram }
	if res.outcome != Acked {
		return v.Histogram, fmt.Errorf("GET %s: %d %s", path, res.status, res.body)
	}
	if err := json.Unmarshal(res.body, &v); err != nil {
		return v.Histogram, fmt.Errorf("GET %s: %w", path, err)
	}
	return v.Histogram, nil
}

// EmailCheck is what became of the invitations' emails.
type EmailCheck struct {
	Invitations int `json:"invitations"`
	// Outbox counts the messages per state.
	Outbox map[string]int `json:"outbox"`
	// SMTP is "mailpit" when the harness counted what arrived, else the
	// outbox is all there is to read.
	SMTP string `json:"smtp"`
	// Delivered is the number of messages Mailpit received for the
	// contacts, Recipients the addresses they went to, SentTwice the
	// messages beyond the first per recipient (each contact has one
	// invitation, without reminders), Missing the messages the outbox
	// calls sent that never arrived.
	Delivered  int `json:"delivered"`
	Recipients int `json:"recipients"`
	SentTwice  int `json:"sent_twice"`
	Missing    int `json:"missing"`
	// InFlightAtKills sums, over the kills, the messages claimed but not
	// yet recorded as sent right after the kill, by either process: the
	// most that at-least-once delivery may send twice.
	InFlightAtKills int `json:"in_flight_at_kills"`
}

// waitDrained waits until every send has started and the outbox has no
// message queued or being sent, for up to wait.
func waitDrained(ctx context.Context, db *sql.DB, wsID int64, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		var pending int
		err := db.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM messages WHERE workspace_id = $1 AND state IN ('queued', 'sending')) +
			(SELECT count(*) FROM sends WHERE workspace_id = $1 AND state = 'scheduled')`, wsID).Scan(&pending)
		if err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("outbox: %d messages or sends still pending after %v", pending, wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// inFlight counts the workspace's messages claimed and not yet recorded.
func inFlight(ctx context.Context, db *sql.DB, wsID int64) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE workspace_id = $1 AND state = 'sending'`, wsID).Scan(&n)
	return n, err
}

// checkEmail reads the outbox and, with the harness's Mailpit, counts the
// messages each contact received.
func checkEmail(ctx context.Context, db *sql.DB, fx *fixture, mp *mailpit, ec *EmailCheck) error {
	ec.Outbox = map[string]int{}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM invitations WHERE workspace_id = $1`, fx.wsID).Scan(&ec.Invitations); err != nil {
		return fmt.Errorf("invitations: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT state, count(*) FROM messages WHERE workspace_id = $1 GROUP BY state`, fx.wsID)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		ec.Outbox[state] = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if mp == nil {
		return nil
	}
	ec.SMTP = "mailpit"
	query := `to:"@` + fx.domain + `"`
	sent := ec.Outbox["sent"]
	// Mailpit stores a message a moment after accepting it.
	var total int
	for deadline := time.Now().Add(30 * time.Second); ; {
		if _, total, err = mp.api.Search(ctx, query, 1); err == nil && total >= sent || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	msgs, _, err := mp.api.Search(ctx, query, total+100)
	if err != nil {
		return fmt.Errorf("mailpit: %w", err)
	}
	per := map[string]int{}
	for _, m := range msgs {
		for _, to := range m.To {
			per[strings.ToLower(to.Address)]++
		}
	}
	ec.Delivered, ec.Recipients = len(msgs), len(per)
	for _, n := range per {
		ec.SentTwice += n - 1
	}
	ec.Missing = max(0, sent-ec.Recipients)
	return nil
}
