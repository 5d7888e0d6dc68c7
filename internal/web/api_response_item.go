package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/nps"
)

// itemParser parses one response object of a request, adding a problem
// for each field it cannot accept; index is the item's position in a
// batch, nil for a single response.
type itemParser struct {
	index    *int
	problems *[]fieldProblem
}

func (p itemParser) bad(field, format string, args ...any) {
	*p.problems = append(*p.problems, fieldProblem{Index: p.index, Field: field, Detail: fmt.Sprintf(format, args...)})
}

// responseFields are the fields a response object may have.
var responseFields = []string{"wave_id", "score", "comment", "answers", "language", "contact_id", "contact_email",
	"account_id", "account_external_id", "channel", "created_at"}

// parse reads a response object, nil when the item was not an object.
// Fields that are null count as absent.
func (p itemParser) parse(obj map[string]json.RawMessage) responseItem {
	var it responseItem
	start := len(*p.problems)
	if obj == nil {
		p.bad("", "must be a response object")
		return it
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(responseFields, k) {
			p.bad(k, "is not a field of a response")
		}
	}
	present := func(k string) bool { v, ok := obj[k]; return ok && string(v) != "null" }
	r := &it.r
	r.Channel = nps.ChannelAPI
	if !present("wave_id") {
		p.bad("wave_id", "is required")
	} else {
		r.WaveID = p.id("wave_id", obj["wave_id"])
	}
	if !present("score") {
		p.bad("score", "is required: a whole number from %d to %d", nps.MinScore, nps.MaxScore)
	} else if n, ok := p.integer("score", obj["score"]); ok {
		if n < nps.MinScore || n > nps.MaxScore {
			p.bad("score", "must be a whole number from %d to %d, got %d", nps.MinScore, nps.MaxScore, n)
		}
		r.Score = int(n)
	}
	r.Comment = p.text("comment", obj["comment"])
	r.Language = p.text("language", obj["language"])
	if present("answers") {
		r.Answers = p.answers(obj["answers"])
	}
	if present("contact_id") {
		r.ContactID = p.id("contact_id", obj["contact_id"])
	}
	it.contactEmail = p.text("contact_email", obj["contact_email"])
	if present("contact_id") && present("contact_email") {
		p.bad("contact_email", "give contact_id or contact_email, not both")
	}
	if present("account_id") {
		r.AccountID = p.id("account_id", obj["account_id"])
	}
	it.accountExternalID = p.text("account_external_id", obj["account_external_id"])
	if present("account_id") && present("account_external_id") {
		p.bad("account_external_id", "give account_id or account_external_id, not both")
	}
	if present("channel") {
		switch c := nps.Channel(p.text("channel", obj["channel"])); c {
		case nps.ChannelAPI, nps.ChannelImport:
			r.Channel = c
		default:
			p.bad("channel", "%q is not a channel of the API; use api, or import for historical answers", string(c))
		}
	}
	if present("created_at") {
		if r.Channel != nps.ChannelImport {
			p.bad("created_at", "is set by the server; give it only with channel import, for historical answers")
		}
		s := p.text("created_at", obj["created_at"])
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			p.bad("created_at", "%q is not a time like 2025-03-14T09:30:00Z", s)
		}
		r.CreatedAt = t
	}
	if len(*p.problems) == start {
		// The domain's checks: lengths, control characters, language
		// codes, driver keys and ratings.
		if err := r.Validate(); err != nil {
			var ve *nps.ValidationError
			if errors.As(err, &ve) {
				p.bad(ve.Field, "%s", ve.Message)
			} else {
				p.bad("", "%s", err.Error())
			}
		}
	}
	return it
}

// jsonInteger reports whether s is a JSON number without fraction or
// exponent.
func jsonInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// integer reads a whole JSON number. A string, a fraction or an exponent
// is refused, even where its value is whole (7.0, 1e1), so that a client's
// bug is reported instead of guessed at.
func (p itemParser) integer(field string, raw json.RawMessage) (int64, bool) {
	s := string(bytes.TrimSpace(raw))
	switch {
	case len(s) > 0 && s[0] == '"':
		p.bad(field, "must be a JSON number, not the string %s", s)
		return 0, false
	case !jsonInteger(s):
		var f float64
		if json.Unmarshal(raw, &f) == nil {
			p.bad(field, "must be a whole number without fraction or exponent, got %s", s)
		} else {
			p.bad(field, "must be a whole number, got %s", truncate(s, 40))
		}
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.bad(field, "%s is out of range", truncate(s, 40))
		return 0, false
	}
	return n, true
}

// id reads a positive whole number.
func (p itemParser) id(field string, raw json.RawMessage) int64 {
	n, ok := p.integer(field, raw)
	if ok && n <= 0 {
		p.bad(field, "must be a positive ID, got %d", n)
		return 0
	}
	return n
}

// text reads an optional JSON string; absent and null are "".
func (p itemParser) text(field string, raw json.RawMessage) string {
	if raw == nil || string(raw) == "null" {
		return ""
	}
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		// Without escapes the quoted bytes are the text: the body was
		// checked to be valid JSON in valid UTF-8, so they hold no raw
		// control character.
		return string(raw[1 : n-1])
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		p.bad(field, "must be a string, got %s", truncate(string(raw), 40))
	}
	return s
}

// answers reads the answers object.
func (p itemParser) answers(raw json.RawMessage) nps.Answers {
	var a nps.Answers
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		p.bad("answers", "must be an object with switch_intent, permission and drivers")
		return a
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		switch k {
		case "switch_intent":
			a.SwitchIntent = nps.SwitchIntent(p.text("answers.switch_intent", obj[k]))
		case "permission":
			a.Permission = nps.Permission(p.text("answers.permission", obj[k]))
		case "drivers":
			if string(obj[k]) == "null" {
				continue
			}
			var drivers map[string]json.RawMessage
			if err := json.Unmarshal(obj[k], &drivers); err != nil {
				p.bad("answers.drivers", "must be an object of ratings by driver key")
				continue
			}
			for _, d := range slices.Sorted(maps.Keys(drivers)) {
				if n, ok := p.integer("answers.drivers."+d, drivers[d]); ok {
					if n < nps.MinDriverRating || n > nps.MaxDriverRating {
						p.bad("answers.drivers."+d, "must be a rating from %d to %d, got %d", nps.MinDriverRating, nps.MaxDriverRating, n)
						continue
					}
					if a.Drivers == nil {
						a.Drivers = map[string]int{}
					}
					a.Drivers[d] = int(n)
				}
			}
		default:
			p.bad("answers."+k, "is not a question; use switch_intent, permission or drivers")
		}
	}
	return a
}

// truncate shortens what a client sent for an error message, on one
// line: JSON may break lines between its tokens.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
