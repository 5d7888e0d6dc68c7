package web

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// checkInvalidInput fails unless err is the API's *invalidInput with at
// least one problem, each saying on one line what is wrong, indexed (when at all)
// within n items.
func checkInvalidInput(t *testing.T, what string, err error, n int) *invalidInput {
	t.Helper()
	var in *invalidInput
	if !errors.As(err, &in) {
		t.Fatalf("%s: error %v (%T) is not an *invalidInput", what, err, err)
	}
	if in.detail == "" || len(in.problems) == 0 {
		t.Fatalf("%s: error %q names no problem", what, in.Error())
	}
	for _, p := range in.problems {
		if p.Detail == "" || strings.ContainsAny(p.Detail, "\r\n") || (p.Index != nil && (*p.Index < 0 || *p.Index >= n)) {
			t.Fatalf("%s: problem %+v has no detail or an index outside %d items", what, p, n)
		}
	}
	return in
}

// FuzzParseResponses checks POST /api/v1/responses' parsing: a refusal is
// an *invalidInput listing problems by item; what is accepted is a batch
// of the allowed size of responses the domain accepts, that parse again
// to the same items when written back as JSON.
func FuzzParseResponses(f *testing.F) {
	for _, s := range []string{
		`{"wave_id": 1, "score": 9}`,
		`{"wave_id": 1, "score": 0, "comment": "Te duur \u003cb\u003e & \"slow\"", "language": "nl-BE", "contact_email": "Anna@Acme.nl",
		  "answers": {"switch_intent": "yes", "permission": "granted", "drivers": {"support": 5, "price": 1}}}`,
		`{"wave_id": 2, "score": 10, "contact_id": 3, "account_external_id": "K-1", "channel": "import", "created_at": "2024-04-18T05:34:20.123-07:00"}`,
		`{"responses": [{"wave_id": 1, "score": 7}, {"wave_id": 1, "score": 8, "account_id": 4}]}`,
		`{"responses": [1, "x", null, {"wave_id": 1, "score": 7.5}]}`,
		`{"responses": []}`, `{"responses": {}}`, `{"responses": [{}], "x": 1}`,
		`{"wave_id": 1, "score": "7"}`, `{"wave_id": 1, "score": 1e1}`, `{"wave_id": 1, "score": 7.0}`, `{"wave_id": 1, "score": -0}`,
		`{"wave_id": 99999999999999999999, "score": 9}`, `{"wave_id": 0, "score": 9}`, `{"wave_id": -1, "score": 11}`,
		`{"wave_id": 1, "score": 9, "contact_id": 1, "contact_email": "a@b.nl"}`,
		`{"wave_id": 1, "score": 9, "channel": "email"}`, `{"wave_id": 1, "score": 9, "created_at": "yesterday"}`,
		`{"wave_id": 1, "score": 9, "comment": "bell\u0007", "language": "NL"}`,
		`{"wave_id": 1, "score": 9, "answers": {"drivers": {"support": 6}, "mood": 1}}`,
		`{"wave_id": 1, "score": 9, "answers": null, "comment": null}`,
		`{"wave_id": 1, "score": 9, "unknown": true}`, `{"wave_id": 1, "score": 9} {}`, `[{"wave_id": 1}]`,
		`"x"`, `7`, `null`, ``, `{`, "{\"wave_id\": {\n}, \"score\": [\r\n1]}", "{\"comment\": \"\xff\"}", `{"comment": "\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, batch, err := parseResponses(body)
		if err != nil {
			in := checkInvalidInput(t, "parseResponses("+string(body)+")", err, store.MaxBatch)
			for _, p := range in.problems {
				if p.Index != nil && !batch {
					t.Fatalf("parseResponses(%q): problem %+v: an index outside a batch", body, p)
				}
			}
			return
		}
		if len(items) == 0 || len(items) > store.MaxBatch || (!batch && len(items) != 1) {
			t.Fatalf("parseResponses(%q): %d items, batch %v", body, len(items), batch)
		}
		for i, it := range items {
			r := it.r
			if err := r.Validate(); err != nil {
				t.Fatalf("parseResponses(%q): item %d %+v, which the domain refuses: %v", body, i, r, err)
			}
			if r.WaveID <= 0 || (it.contactEmail != "" && r.ContactID != 0) || (it.accountExternalID != "" && r.AccountID != 0) {
				t.Fatalf("parseResponses(%q): item %d has wave %d or a contact or account named twice: %+v", body, i, r.WaveID, it)
			}
			if !r.CreatedAt.IsZero() && r.Channel != nps.ChannelImport {
				t.Fatalf("parseResponses(%q): item %d has a time but channel %s", body, i, r.Channel)
			}
			again, _, err := parseResponses(responseItemJSON(t, it))
			if err != nil {
				t.Fatalf("parseResponses(%q): item %d written back as %s is refused: %v", body, i, responseItemJSON(t, it), err)
			}
			got := again[0]
			if !got.r.CreatedAt.Equal(r.CreatedAt) {
				t.Fatalf("parseResponses(%q): item %d time %v, again %v", body, i, r.CreatedAt, got.r.CreatedAt)
			}
			got.r.CreatedAt = r.CreatedAt
			if !reflect.DeepEqual(got, it) {
				t.Fatalf("parseResponses(%q): item %d %+v, written back and parsed again %+v", body, i, it, got)
			}
		}
	})
}

// responseItemJSON writes a parsed item back as the response object that
// names the same things.
func responseItemJSON(t *testing.T, it responseItem) []byte {
	t.Helper()
	obj := map[string]any{"wave_id": it.r.WaveID, "score": it.r.Score, "comment": it.r.Comment,
		"language": it.r.Language, "answers": it.r.Answers, "channel": it.r.Channel}
	for k, v := range map[string]int64{"contact_id": it.r.ContactID, "account_id": it.r.AccountID} {
		if v != 0 {
			obj[k] = v
		}
	}
	for k, v := range map[string]string{"contact_email": it.contactEmail, "account_external_id": it.accountExternalID} {
		if v != "" {
			obj[k] = v
		}
	}
	if !it.r.CreatedAt.IsZero() {
		obj["created_at"] = it.r.CreatedAt.Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzDecodeJSON checks the strict decoding of the API's document bodies:
// a survey to create or replace, a wave to create, a wave's merge patch.
// A refusal is one *invalidInput problem; an accepted survey or wave
// encodes, decodes and encodes again to the same JSON, and the domain's checks of it
// answer with a *nps.ValidationError, never a panic.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"name": "Klanten 2026", "default_language": "nl", "anonymous": false,
		  "questions": {"retention": true, "drivers": ["support", "price"], "permission": true},
		  "texts": {"nl": {"question": "Hoe waarschijnlijk…?", "followup": {"promoter": "Wat doen we goed?"}, "drivers": {"support": "Ondersteuning"}}}}`,
		`{"name": "x", "texts": {"en": null}}`, `{"name": "x", "texts": {}}`, `{"name": 7}`, `{"name": "x", "nam": "y"}`,
		`{"name": "Wave", "opens_at": "2026-05-01T09:00:00+02:00", "closes_at": "2026-06-01T00:00:00Z", "population": 120}`,
		`{"opens_at": "2026-05-01"}`, `{"opens_at": "2026-05-01T09:00:00+00:00"}`, `{"opens_at": 1714550400}`, `{"closes_at": null, "population": null}`,
		`{"state": "closed"}`, `{"state": "open", "opens_at": "2026-05-01T09:00:00.999999999Z"}`, `{"population": -1}`,
		`{"population": 1e3}`, `{"population": 9223372036854775808}`, `{} {}`, `{}x`, `[]`, `null`, ``, `{"name": "\ud800\u0000"}`,
	} {
		for kind := range uint8(3) {
			f.Add(kind, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		var err error
		var v any
		switch kind % 3 {
		case 0:
			var in surveyInput
			if err = decodeJSON(body, &in); err == nil {
				v = in
				checkValidation(t, string(body), in.survey().Validate())
			}
		case 1:
			var in waveInput
			if err = decodeJSON(body, &in); err == nil {
				v = in
				w := nps.Wave{SurveyID: 1, Name: in.Name, Population: in.Population}
				if in.OpensAt != nil {
					w.OpensAt = in.OpensAt.Time
				}
				checkValidation(t, string(body), w.Validate())
			}
		case 2:
			var p wavePatch
			err = decodeJSON(body, &p)
		}
		if err != nil {
			if in := checkInvalidInput(t, "decodeJSON("+string(body)+")", err, 0); len(in.problems) != 1 {
				t.Fatalf("decodeJSON(%q): %d problems, want the decoder's one", body, len(in.problems))
			}
			return
		}
		if v == nil {
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("decodeJSON(%q): %+v does not encode: %v", body, v, err)
		}
		// Compared as encoded, since a time keeps the offset it was
		// written with ("+00:00" is not "Z" to reflect.DeepEqual).
		again := reflect.New(reflect.TypeOf(v))
		if err := decodeJSON(b, again.Interface()); err != nil {
			t.Fatalf("decodeJSON(%q): %+v encoded as %s is refused: %v", body, v, b, err)
		}
		if b2, err := json.Marshal(again.Elem().Interface()); err != nil || string(b2) != string(b) {
			t.Fatalf("decodeJSON(%q): encoded as %s, decoded and encoded again %s", body, b, b2)
		}
	})
}

// checkValidation fails unless err is nil or a *nps.ValidationError with a
// message.
func checkValidation(t *testing.T, input string, err error) {
	t.Helper()
	var ve *nps.ValidationError
	if err != nil && (!errors.As(err, &ve) || ve.Message == "") {
		t.Fatalf("%q: error %v (%T) is not a *nps.ValidationError with a message", input, err, err)
	}
}

// FuzzParseRevenue checks the body of PUT /api/v1/accounts/{id}/revenue:
// a refusal lists problems by index; accepted years are distinct, valid,
// of amounts that are not negative, and parse again to themselves when
// written back as the API writes them.
func FuzzParseRevenue(f *testing.F) {
	for _, s := range []string{
		`{"revenue": [{"year": 2025, "revenue": "1250000.00"}, {"year": 2024, "revenue": 980000.5}]}`,
		`{"revenue": [{"year": 2025, "revenue": 1250.500}]}`, `{"revenue": [{"year": 2025, "revenue": "1.250.000,00"}]}`,
		`{"revenue": [{"year": 2025, "revenue": "-1"}, {"year": 2025, "revenue": "1"}]}`,
		`{"revenue": [{"year": 1899, "revenue": "0"}, {"year": 2201}, {"revenue": "5"}, 7, null]}`,
		`{"revenue": [{"year": 2025, "revenue": 1e3}]}`, `{"revenue": [{"year": 2025, "revenue": "99999999999999999.99"}]}`,
		`{"revenue": [{"year": 2025.5, "revenue": "1"}]}`, `{"revenue": [{"year": "2025", "revenue": "1", "x": 1}]}`,
		`{"revenue": [{"year": 2025, "revenue": " 12.5 "}]}`, `{"revenue": [{"year": 2025, "revenue": "12."}]}`,
		`{"revenue": []}`, `{"revenue": null}`, `{}`, `{"revenue": [{}]} []`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		years, err := parseRevenue(body, 7)
		if err != nil {
			checkInvalidInput(t, "parseRevenue("+string(body)+")", err, maxRevenueYears)
			return
		}
		if len(years) == 0 || len(years) > maxRevenueYears {
			t.Fatalf("parseRevenue(%q): %d years", body, len(years))
		}
		seen := map[int]bool{}
		var back []apiRevenueYear
		for _, y := range years {
			if y.AccountID != 7 || y.Validate() != nil || y.RevenueCents < 0 || seen[y.Year] {
				t.Fatalf("parseRevenue(%q): year %+v is invalid or given twice", body, y)
			}
			seen[y.Year] = true
			back = append(back, apiRevenueYear{Year: y.Year, Revenue: formatCents(y.RevenueCents)})
		}
		b, err := json.Marshal(map[string]any{"revenue": back})
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseRevenue(b, 7)
		if err != nil || !reflect.DeepEqual(again, years) {
			t.Fatalf("parseRevenue(%q): %+v, written back as %s and parsed again %+v, %v", body, years, b, again, err)
		}
	})
}

// FuzzParseAPIAmount checks an amount of the API: in cents, never
// negative, and what formatCents writes of it reads back the same.
func FuzzParseAPIAmount(f *testing.F) {
	for _, s := range []string{`"1250000.00"`, `"0.5"`, `1250.500`, `0`, `-0`, `1e2`, `"1,5"`, `" 7 "`, `"9999999999999999.99"`,
		`99999999999999999`, `"12."`, `".5"`, `null`, `true`, `"€ 5"`, `0.001`, `"١٢"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		cents, err := parseAPIAmount(raw)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("parseAPIAmount(%q): error %q is not one line", raw, msg)
			}
			return
		}
		if cents < 0 {
			t.Fatalf("parseAPIAmount(%q) = %d, a negative amount", raw, cents)
		}
		s := formatCents(cents)
		if again, err := parseAPIAmount(json.RawMessage(`"` + s + `"`)); err != nil || again != cents {
			t.Fatalf("parseAPIAmount(%q) = %d, written %q, read again %d, %v", raw, cents, s, again, err)
		}
	})
}
