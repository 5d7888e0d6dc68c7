package webhook_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/webhook"
)

// slackMarkup is what a Slack message may hold unescaped: the link into
// Promotor and the date, both written by the package.
var slackMarkup = regexp.MustCompile(`<(!date\^-?[0-9]+\^\{date_short_pretty\} \{time\}\|[^<>|]*|[^<>|\s]+\|Open in Promotor)>`)

// entity is a character reference of the escaping.
var entity = regexp.MustCompile(`&(amp|lt|gt|quot|#[0-9]+);`)

// FuzzPayload renders arbitrary events in every format: a payload is
// valid JSON, signed so that Verify accepts it; the promotor format
// carries the event as given; the chat formats keep within their
// receivers' limits and escape every character of the event's texts that
// could become markup, a mention or a link.
func FuzzPayload(f *testing.F) {
	e := sampleEvent()
	for format := range uint8(3) {
		f.Add(format, e.ID, e.Kind, e.Workspace, e.Title, e.Text, e.URL, e.At.Unix(), []byte(e.Data))
	}
	f.Add(uint8(1), "x", "alert.created", "", "", "<!channel> &amp; <https://evil.example|Open in Promotor>", "https://a.example/<|>&", int64(0), []byte(nil))
	f.Add(uint8(2), "x", "plan.due", "a\nb", "\r\n\t", "*_[x](y)_*\n# h\r\n`c` ~ | ! \\ '", "javascript:alert(1)", int64(-1), []byte("null"))
	f.Add(uint8(0), "x y", "k", "", "", "", "", int64(1), []byte("{"))
	f.Add(uint8(0), "x", "k", "\xff", "\xc3", strings.Repeat("😀<", 3000), "", int64(253402300800), []byte(`{"a":"\u0000"}`))
	f.Fuzz(func(t *testing.T, format uint8, id, kind, workspace, title, text, link string, unix int64, data []byte) {
		fm := []webhook.Format{webhook.FormatPromotor, webhook.FormatSlack, webhook.FormatTeams}[format%3]
		ev := webhook.Event{ID: id, Kind: kind, Workspace: workspace, At: time.Unix(unix, 0), Title: title, Text: text, URL: link}
		if data != nil {
			ev.Data = json.RawMessage(data)
		}
		body, err := webhook.Payload(fm, ev)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "webhook: ") {
				t.Fatalf("Payload(%s, %+v): error %q does not name the package", fm, ev, err)
			}
			return
		}
		if !json.Valid(body) || !utf8.Valid(body) {
			t.Fatalf("Payload(%s, %+v) is not valid JSON: %s", fm, ev, body)
		}
		if ev.ID == "" || ev.Kind == "" || ev.At.IsZero() || strings.ContainsAny(ev.ID+ev.Kind, " \r\n") {
			t.Fatalf("Payload(%s, %+v): rendered an event without ID, kind or time, or with spaces in them", fm, ev)
		}
		at := time.Unix(1767225600, 0)
		if err := webhook.Verify("whsec_x", webhook.Sign("whsec_x", at, body), body, at, time.Minute); err != nil {
			t.Fatalf("Payload(%s, %+v): Verify(Sign(body)): %v", fm, ev, err)
		}
		strs := chatStrings(t, body)
		switch fm {
		case webhook.FormatPromotor:
			if ev.Data != nil && !json.Valid(ev.Data) {
				t.Fatalf("Payload(%+v): accepted data that is not JSON", ev)
			}
			if utf8.ValidString(text) && strs[".text"] != text || strs[".id"] != id || strs[".type"] != kind {
				t.Fatalf("Payload(%+v): got %s, want the event as given", ev, body)
			}
		case webhook.FormatSlack:
			for path, s := range strs {
				if path == ".blocks[0].type" || path == ".blocks[1].type" || strings.HasSuffix(path, ".type") {
					continue
				}
				checkEscaped(t, path, s, slackMarkup.ReplaceAllString(s, ""), "<>")
			}
			checkLimit(t, strs, ".blocks[0].text.text", 3000)
			checkLimit(t, strs, ".text", 250+1+1000)
		case webhook.FormatTeams:
			var card struct {
				Type     string `json:"@type"`
				Sections []struct {
					Facts []struct{ Name, Value string }
				}
			}
			if err := json.Unmarshal(body, &card); err != nil || card.Type != "MessageCard" || len(card.Sections) != 1 || len(card.Sections[0].Facts) < 2 {
				t.Fatalf("Payload(teams, %+v): not a MessageCard with facts: %s", ev, body)
			}
			for path, s := range strs {
				if path == ".title" || path == ".text" || path == ".summary" || strings.HasSuffix(path, ".value") {
					checkEscaped(t, path, s, s, "<>\"'\\`*_[]()#~|!\r")
				}
			}
			checkLimit(t, strs, ".text", 5000)
			checkLimit(t, strs, ".title", 250)
			checkLimit(t, strs, ".summary", 250)
		}
	})
}

// checkEscaped fails when rest, the string s without the markup the
// package writes, holds any of the characters of forbidden, or an & that
// starts no character reference.
func checkEscaped(t *testing.T, path, s, rest, forbidden string) {
	t.Helper()
	rest = entity.ReplaceAllString(rest, "")
	if i := strings.IndexAny(rest, forbidden+"&"); i >= 0 {
		t.Fatalf("%s: %q holds %q unescaped", path, s, rest[i])
	}
}

// checkLimit fails when the string at path is longer than max UTF-16
// code units.
func checkLimit(t *testing.T, strs map[string]string, path string, max int) {
	t.Helper()
	if n := len(utf16.Encode([]rune(strs[path]))); n > max {
		t.Fatalf("%s: %d UTF-16 units, over the limit of %d", path, n, max)
	}
}
