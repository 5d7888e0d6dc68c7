package web

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestAPIResponseBadInput sends POST /api/v1/responses what a careless or
// hostile client sends: each answer is a clear 4xx naming the problem, and
// nothing is recorded.
func TestAPIResponseBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAPIFixture(t, db)
		item := func(fields string) string { return fmt.Sprintf(`{"wave_id": %d, %s}`, f.wave.ID, fields) }
		batch := func(n int) string {
			return `{"responses": [` + strings.TrimSuffix(strings.Repeat(item(`"score": 8`)+",", n), ",") + `]}`
		}
		// A key used once, to replay with another body.
		if rec := f.do("POST", "/api/v1/responses", f.token, item(`"score": 9`), "Idempotency-Key", "order-1"); rec.Code != 201 {
			t.Fatalf("first keyed request: got %d %s", rec.Code, rec.Body)
		}
		before := f.count(t)
		tests := []struct {
			name    string
			body    string
			token   string
			headers []string
			status  int
			want    []string
		}{
			{"score 11", item(`"score": 11`), "", nil, 422, []string{`"field": "score"`, "from 0 to 10, got 11"}},
			{"score -1", item(`"score": -1`), "", nil, 422, []string{`"field": "score"`, "got -1"}},
			{"score 7.5", item(`"score": 7.5`), "", nil, 422, []string{`"field": "score"`, "without fraction or exponent, got 7.5"}},
			{"score 7.0", item(`"score": 7.0`), "", nil, 422, []string{"got 7.0"}},
			{"score 1e3", item(`"score": 1e3`), "", nil, 422, []string{`"field": "score"`, "got 1e3"}},
			{"score as string", item(`"score": "7"`), "", nil, 422, []string{`"field": "score"`, `not the string \"7\"`}},
			{"score empty string", item(`"score": ""`), "", nil, 422, []string{`"field": "score"`, `not the string \"\"`}},
			{"score null", item(`"score": null`), "", nil, 422, []string{`"field": "score"`, "is required"}},
			{"score true", item(`"score": true`), "", nil, 422, []string{`"field": "score"`, "got true"}},
			{"score huge", item(`"score": 99999999999999999999`), "", nil, 422, []string{"out of range"}},
			{"no score", fmt.Sprintf(`{"wave_id": %d}`, f.wave.ID), "", nil, 422, []string{`"field": "score"`, "is required"}},
			{"no wave", `{"score": 8}`, "", nil, 422, []string{`"field": "wave_id"`, "is required"}},
			{"1 MB comment", item(`"score": 8, "comment": "` + strings.Repeat("a", 1<<20) + `"`), "", nil, 422,
				[]string{`"field": "comment"`, "at most 10000 characters long, got 1048576"}},
			{"invalid UTF-8", item(`"score": 8, "comment": "caf` + "\xe9" + `"`), "", nil, 422, []string{"not valid UTF-8"}},
			{"NUL in comment", item(`"score": 8, "comment": "a\u0000b"`), "", nil, 422, []string{`"field": "comment"`, "control characters"}},
			{"wrong token", item(`"score": 8`), "pmt_" + strings.Repeat("A", 43), nil, 401, []string{"valid API token"}},
			{"replayed key, other body", item(`"score": 8`), "", []string{"Idempotency-Key", "order-1"}, 422, []string{`"field": "Idempotency-Key"`, "another body"}},
			{"key too long", item(`"score": 8`), "", []string{"Idempotency-Key", strings.Repeat("k", 256)}, 422, []string{`"field": "Idempotency-Key"`}},
			{"key not ASCII", item(`"score": 8`), "", []string{"Idempotency-Key", "sleutel-é"}, 422, []string{"printable ASCII"}},
			{"unknown field", item(`"score": 8, "nps": 100`), "", nil, 422, []string{`"field": "nps"`, "not a field"}},
			{"unknown answer", item(`"score": 8, "answers": {"mood": "good"}`), "", nil, 422, []string{`"field": "answers.mood"`}},
			{"driver rating 6", item(`"score": 8, "answers": {"drivers": {"support": 6}}`), "", nil, 422, []string{`"field": "answers.drivers.support"`, "from 1 to 5"}},
			{"driver rating 2.5", item(`"score": 8, "answers": {"drivers": {"support": 2.5}}`), "", nil, 422, []string{`"field": "answers.drivers.support"`}},
			{"unknown driver", item(`"score": 8, "answers": {"drivers": {"price": 3}}`), "", nil, 422, []string{`"field": "answers.drivers.price"`}},
			{"bad switch intent", item(`"score": 8, "answers": {"switch_intent": "maybe"}`), "", nil, 422, []string{`"field": "answers.switch_intent"`}},
			{"language without texts", item(`"score": 8, "language": "de"`), "", nil, 422, []string{`"field": "language"`}},
			{"channel email", item(`"score": 8, "channel": "email"`), "", nil, 422, []string{`"field": "channel"`}},
			{"created_at without import", item(`"score": 8, "created_at": "2024-01-01T00:00:00Z"`), "", nil, 422, []string{`"field": "created_at"`, "channel import"}},
			{"created_at in the future", item(`"score": 8, "channel": "import", "created_at": "2030-01-01T00:00:00Z"`), "", nil, 422, []string{`"field": "created_at"`, "future"}},
			{"created_at not a time", item(`"score": 8, "channel": "import", "created_at": "yesterday"`), "", nil, 422, []string{`"field": "created_at"`}},
			{"unknown contact email", item(`"score": 8, "contact_email": "nobody@client.example"`), "", nil, 422, []string{`"field": "contact_email"`}},
			{"unknown contact id", item(`"score": 8, "contact_id": 987654`), "", nil, 422, []string{`"field": "contact_id"`}},
			{"contact twice", item(fmt.Sprintf(`"score": 8, "contact_id": %d, "contact_email": "anna@client.example"`, f.contact.ID)), "", nil, 422, []string{"not both"}},
			{"unknown account", item(`"score": 8, "account_external_id": "CRM-404"`), "", nil, 422, []string{`"field": "account_external_id"`}},
			{"other workspace's wave", fmt.Sprintf(`{"wave_id": %d, "score": 8}`, f.otherWave.ID), "", nil, 422, []string{`"field": "wave_id"`}},
			{"not JSON", `score: 8`, "", nil, 422, []string{"not valid JSON"}},
			{"empty body", ``, "", []string{"Content-Type", "application/json"}, 422, []string{"is empty"}},
			{"array", `[{"score": 8}]`, "", nil, 422, []string{"response object"}},
			{"two objects", item(`"score": 8`) + item(`"score": 8`), "", nil, 422, []string{"trailing data"}},
			{"empty batch", `{"responses": []}`, "", nil, 422, []string{`"field": "responses"`, "1 to 1000 responses, got 0"}},
			{"batch of 1001", batch(1001), "", nil, 422, []string{`"field": "responses"`, "got 1001"}},
			{"batch not an array", `{"responses": {"score": 8}}`, "", nil, 422, []string{"array of response objects"}},
			{"batch with extra field", `{"responses": [], "dry_run": true}`, "", nil, 422, []string{`"field": "dry_run"`}},
			{"body over the limit", `{"responses": [` + strings.Repeat(" ", maxBatchBody) + `]}`, "", nil, 413, []string{"exceeds"}},
		}
		for _, tt := range tests {
			token := f.token
			if tt.token != "" {
				token = tt.token
			}
			rec := f.do("POST", "/api/v1/responses", token, tt.body, tt.headers...)
			body := rec.Body.String()
			if rec.Code != tt.status || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: got %d %s, want a %d problem", tt.name, rec.Code, truncate(body, 500), tt.status)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: body lacks %q\n%s", tt.name, w, truncate(body, 500))
				}
			}
			if n := f.count(t); n != before {
				t.Errorf("%s: %d responses after a refused request, want %d", tt.name, n, before)
			}
		}
	})
}

// TestAPIResponseEscaping records markup in a comment: it is stored as
// sent and answered JSON-escaped.
func TestAPIResponseEscaping(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAPIFixture(t, db)
		comment := `<script>alert("x")</script> & <b>bold</b>`
		body, _ := json.Marshal(map[string]any{"wave_id": f.wave.ID, "score": 2, "comment": comment})
		rec := f.do("POST", "/api/v1/responses", f.token, string(body))
		if rec.Code != 201 || strings.Contains(rec.Body.String(), "<script>") || !strings.Contains(rec.Body.String(), `\u003cscript\u003e`) {
			t.Fatalf("POST a comment with markup: got %d %s, want 201 with the markup escaped", rec.Code, rec.Body)
		}
		var got apiResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		stored, err := db.Response(context.Background(), f.ws.ID, got.ID)
		if err != nil || stored.Comment != comment || got.Comment != comment {
			t.Errorf("stored comment %q, answered %q (%v), want both %q", stored.Comment, got.Comment, err, comment)
		}
	})
}

// TestAPIResponseBatch checks that a batch is recorded all or nothing,
// listing every failing item, and resolves contacts and accounts.
func TestAPIResponseBatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAPIFixture(t, db)
		closed, err := db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "2024", OpensAt: apiT0.AddDate(-1, 0, 0), ClosesAt: apiT0.AddDate(0, -1, 0)})
		if err != nil {
			t.Fatal(err)
		}
		ok := fmt.Sprintf(`{"wave_id": %d, "score": 10}`, f.wave.ID)
		tests := []struct {
			name  string
			items []string
			want  []string // index:field of every problem
		}{
			{"parse errors", []string{ok, fmt.Sprintf(`{"wave_id": %d, "score": 11}`, f.wave.ID), ok, `{"score": "x", "colour": 1}`},
				[]string{"1:score", "3:colour", "3:wave_id", "3:score"}},
			{"unknown references", []string{ok, fmt.Sprintf(`{"wave_id": %d, "score": 1}`, f.otherWave.ID), fmt.Sprintf(`{"wave_id": %d, "score": 1, "account_id": 424242}`, f.wave.ID)},
				[]string{"1:wave_id", "2:account_id"}},
			{"store refusals", []string{ok, fmt.Sprintf(`{"wave_id": %d, "score": 5}`, closed.ID), ok},
				[]string{"1:wave_id"}},
		}
		for _, tt := range tests {
			rec := f.do("POST", "/api/v1/responses", f.token, `{"responses": [`+strings.Join(tt.items, ",")+`]}`)
			var p problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 422 {
				t.Errorf("%s: got %d %s, want 422", tt.name, rec.Code, rec.Body)
				continue
			}
			var got []string
			for _, e := range p.Errors {
				if e.Index == nil || e.Detail == "" {
					t.Errorf("%s: problem %+v without index or detail", tt.name, e)
					continue
				}
				got = append(got, fmt.Sprintf("%d:%s", *e.Index, e.Field))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: problems at %v, want %v\n%s", tt.name, got, tt.want, rec.Body)
			}
			if n := f.count(t); n != 0 {
				t.Errorf("%s: %d responses recorded of a refused batch, want 0", tt.name, n)
			}
		}

		// A valid batch, naming contacts and accounts either way, and an
		// import into the closed wave with its original time.
		body := fmt.Sprintf(`{"responses": [
			{"wave_id": %[1]d, "score": 10, "contact_id": %[2]d, "comment": "Top", "language": "en",
			 "answers": {"switch_intent": "no", "permission": "yes", "drivers": {"support": 5}}},
			{"wave_id": %[1]d, "score": 6, "account_external_id": "CRM-1"},
			{"wave_id": %[3]d, "score": 8, "channel": "import", "created_at": "2024-06-01T12:00:00Z", "account_id": %[4]d}
		]}`, f.wave.ID, f.contact.ID, closed.ID, f.account.ID)
		rec := f.do("POST", "/api/v1/responses", f.token, body)
		var out struct{ Responses []apiResponse }
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 201 || len(out.Responses) != 3 {
			t.Fatalf("valid batch: got %d %s", rec.Code, rec.Body)
		}
		r0, r1, r2 := out.Responses[0], out.Responses[1], out.Responses[2]
		if r0.ContactID != f.contact.ID || r0.AccountID != f.account.ID || r0.Answers.Drivers["support"] != 5 || r0.Language != "en" ||
			r1.AccountID != f.account.ID || r1.Category != "detractor" || r1.Language != "nl" ||
			r2.Channel != nps.ChannelImport || r2.CreatedAt.Format("2006-01-02") != "2024-06-01" || r2.WaveID != closed.ID {
			t.Errorf("valid batch: got %+v", out.Responses)
		}
		for _, r := range out.Responses {
			if stored, err := db.Response(ctx, f.ws.ID, r.ID); err != nil || stored.Score != r.Score {
				t.Errorf("response %d: stored %+v (%v), answered %+v", r.ID, stored, err, r)
			}
		}
		if n := f.count(t); n != 3 {
			t.Errorf("responses after the valid batch: %d, want 3", n)
		}
	})
}

// TestAPIIdempotency retries requests with an Idempotency-Key: the answer
// is replayed and the responses are recorded once.
func TestAPIIdempotency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAPIFixture(t, db)
		single := fmt.Sprintf(`{"wave_id": %d, "score": 9}`, f.wave.ID)
		batch := fmt.Sprintf(`{"responses": [{"wave_id": %d, "score": 1}, {"wave_id": %[1]d, "score": 2}]}`, f.wave.ID)
		tests := []struct {
			name, key, body string
			added           int64
		}{
			{"single", "ticket-4711", single, 1},
			{"batch", "import-2025-03-14", batch, 2},
		}
		for _, tt := range tests {
			before := f.count(t)
			first := f.do("POST", "/api/v1/responses", f.token, tt.body, "Idempotency-Key", tt.key)
			if first.Code != 201 || first.Header().Get("Idempotent-Replayed") != "" {
				t.Fatalf("%s: first request got %d %s", tt.name, first.Code, first.Body)
			}
			for range 2 {
				again := f.do("POST", "/api/v1/responses", f.token, tt.body, "Idempotency-Key", tt.key)
				if again.Code != 201 || again.Body.String() != first.Body.String() || again.Header().Get("Idempotent-Replayed") != "true" {
					t.Errorf("%s: retry got %d %q %s, want the first answer replayed", tt.name, again.Code, again.Header().Get("Idempotent-Replayed"), again.Body)
				}
			}
			if n := f.count(t); n != before+tt.added {
				t.Errorf("%s: %d responses after three requests with one key, want %d", tt.name, n, before+tt.added)
			}
			// The key belongs to the workspace: another one may use it.
			other := f.do("POST", "/api/v1/responses", f.other, strings.Replace(tt.body, fmt.Sprint(f.wave.ID), fmt.Sprint(f.otherWave.ID), -1), "Idempotency-Key", tt.key)
			if other.Code != 201 || other.Header().Get("Idempotent-Replayed") != "" {
				t.Errorf("%s: another workspace's request with the same key got %d %s, want recorded", tt.name, other.Code, other.Body)
			}
		}
	})
}

// TestAPINPS checks the NPS endpoint against nps.Estimate on the same
// counts, and its fields against calc's JSON contract.
func TestAPINPS(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAPIFixture(t, db)
		scores := []int{10, 10, 9, 9, 9, 8, 7, 6, 3, 0, 10, 2}
		var items []string
		for i, s := range scores {
			acct := ""
			if i%3 == 0 {
				acct = fmt.Sprintf(`, "account_id": %d`, f.account.ID)
			}
			items = append(items, fmt.Sprintf(`{"wave_id": %d, "score": %d%s}`, f.wave.ID, s, acct))
		}
		if rec := f.do("POST", "/api/v1/responses", f.token, `{"responses": [`+strings.Join(items, ",")+`]}`); rec.Code != 201 {
			t.Fatalf("recording: got %d %s", rec.Code, rec.Body)
		}
		tests := []struct {
			name   string
			query  string
			filter store.HistogramFilter
			opts   nps.Options
		}{
			{"wave with population", fmt.Sprintf("wave=%d", f.wave.ID), store.HistogramFilter{WaveID: f.wave.ID}, nps.Options{Population: f.wave.Population}},
			{"wald at 90%", fmt.Sprintf("wave=%d&method=wald&confidence=0.9", f.wave.ID), store.HistogramFilter{WaveID: f.wave.ID},
				nps.Options{Method: nps.Wald, Confidence: 0.9, Population: f.wave.Population}},
			{"one account, no population", fmt.Sprintf("wave=%d&account=%d", f.wave.ID, f.account.ID), store.HistogramFilter{WaveID: f.wave.ID, AccountID: f.account.ID}, nps.Options{}},
			{"months, no population", fmt.Sprintf("wave=%d&from=2025-03&to=2025-03", f.wave.ID), store.HistogramFilter{WaveID: f.wave.ID, FromMonth: 202503, ToMonth: 202503}, nps.Options{}},
			{"other months", "from=2024-01&to=2024-12", store.HistogramFilter{FromMonth: 202401, ToMonth: 202412}, nps.Options{}},
			{"all waves", "", store.HistogramFilter{}, nps.Options{}},
		}
		for _, tt := range tests {
			rec := f.do("GET", fmt.Sprintf("/api/v1/surveys/%d/nps?%s", f.survey.ID, tt.query), f.token, "")
			if rec.Code != 200 {
				t.Errorf("%s: got %d %s", tt.name, rec.Code, rec.Body)
				continue
			}
			h, err := db.Histogram(ctx, f.ws.ID, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			res, err := nps.Estimate(h, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(apiNPS{ResultJSON: res.JSON(), Histogram: h})
			var got, wantV any
			json.Unmarshal(rec.Body.Bytes(), &got)
			json.Unmarshal(want, &wantV)
			if !reflect.DeepEqual(got, wantV) {
				t.Errorf("%s: got %s, want %s", tt.name, rec.Body, want)
			}
		}

		// The fields are calc's, plus the histogram.
		rec := f.do("GET", fmt.Sprintf("/api/v1/surveys/%d/nps?wave=%d", f.survey.ID, f.wave.ID), f.token, "")
		var fields map[string]json.RawMessage
		json.Unmarshal(rec.Body.Bytes(), &fields)
		calc := map[string]bool{"histogram": true}
		for _, k := range []string{"n", "promoters", "passives", "detractors", "nps", "se", "method", "confidence", "low", "high", "margin", "population"} {
			calc[k] = true
		}
		for k := range fields {
			if !calc[k] {
				t.Errorf("NPS field %q is not in calc's JSON contract", k)
			}
			delete(calc, k)
		}
		if len(calc) != 0 {
			t.Errorf("NPS answer lacks %v\n%s", calc, rec.Body)
		}
		if got := string(fields["histogram"]); !strings.Contains(got, "[") || strings.Count(got, ",") != 10 {
			t.Errorf("histogram: got %s, want 11 counts", got)
		}

		// A population below the responses is a clear conflict.
		if _, err := db.UpdateWave(ctx, f.ws.ID, f.wave.ID, nps.Wave{Name: "2025", OpensAt: f.wave.OpensAt, Population: 12}); err != nil {
			t.Fatal(err)
		}
		f.do("POST", "/api/v1/responses", f.token, fmt.Sprintf(`{"wave_id": %d, "score": 9}`, f.wave.ID))
		if rec := f.do("GET", fmt.Sprintf("/api/v1/surveys/%d/nps?wave=%d", f.survey.ID, f.wave.ID), f.token, ""); rec.Code != 409 || !strings.Contains(rec.Body.String(), "population of 12 is smaller than its 13 responses") {
			t.Errorf("population below the responses: got %d %s, want 409", rec.Code, rec.Body)
		}
	})
}

// TestParseResponsesKeepsBody checks that parsing leaves the body as sent:
// its hash identifies the request of an Idempotency-Key.
func TestParseResponsesKeepsBody(t *testing.T) {
	for _, body := range []string{
		`{"responses": [{"wave_id": 1, "score": 9, "comment": "a\u00e9"}, {"wave_id": 1, "score": 3}]}`,
		`{"wave_id": 1, "score": 9}`,
		`{"responses": [7, {"wave_id": 1, "score": 3}]}`,
	} {
		b := []byte(body)
		parseResponses(b)
		if string(b) != body {
			t.Errorf("parseResponses changed the body %s to %s", body, b)
		}
	}
	_, _, err := parseResponses([]byte(`{"responses": [7, {"wave_id": 1, "score": 3}, null]}`))
	inv, ok := err.(*invalidInput)
	if !ok || len(inv.problems) != 2 || *inv.problems[0].Index != 0 || *inv.problems[1].Index != 2 {
		t.Errorf("a batch with a number and a null: got %v, want items 0 and 2 refused", err)
	}
}
