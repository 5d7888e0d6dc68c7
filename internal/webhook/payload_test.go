package webhook_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/promotor/promotor/internal/webhook"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// hostileText is a customer's comment that tries HTML, Slack's control
// sequences and links, and Markdown.
const hostileText = "Score 2 from Jan \"JJ\" de Vries & Zn.:\n" +
	"<script>alert(1)</script> & \"quoted\" <!channel> <!here> <@U024BE7LH> <#C024BE7LR>\n" +
	"<https://evil.example/|click here> [click](https://evil.example/) **bold** _it_ # heading `code` \\ ~ | !"

func sampleEvent() webhook.Event {
	return webhook.Event{
		ID:        "dlv_01JNQ5R4M7X8Y9Z",
		Kind:      "alert.created",
		Workspace: "acme",
		At:        time.Date(2026, 3, 4, 10, 15, 30, 500, time.FixedZone("CET", 3600)),
		Title:     "Detractor alert: Bakkerij <Ëlst> & Co",
		Text:      hostileText,
		URL:       "https://nps.example.com/w/acme/responses/42?tab=comment&from=alert",
		Data:      json.RawMessage(`{"response_id": 42, "score": 2, "account": {"name": "Bakkerij <Ëlst> & Co"}}`),
	}
}

func TestPayloadGolden(t *testing.T) {
	for _, f := range []webhook.Format{webhook.FormatPromotor, webhook.FormatSlack, webhook.FormatTeams} {
		t.Run(string(f), func(t *testing.T) {
			body, err := webhook.Payload(f, sampleEvent())
			if err != nil {
				t.Fatal(err)
			}
			if bytes.ContainsAny(body, "\n") {
				t.Errorf("Payload(%s): got a body with newlines, want compact JSON", f)
			}
			// The golden file is indented for reading; the bytes on the
			// wire are the compact form of the same text.
			var indented bytes.Buffer
			if err := json.Indent(&indented, body, "", "  "); err != nil {
				t.Fatalf("Payload(%s): got invalid JSON: %v\n%s", f, err, body)
			}
			indented.WriteByte('\n')
			golden(t, string(f)+".json", indented.Bytes())
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
	}
}

func TestPayloadPromotor(t *testing.T) {
	e := sampleEvent()
	body, err := webhook.Payload(webhook.FormatPromotor, e)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": e.ID, "type": e.Kind, "workspace": e.Workspace, "created_at": "2026-03-04T09:15:30Z",
		"title": e.Title, "text": e.Text, "url": e.URL,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want)+1 {
		t.Errorf("fields: got %d, want %d", len(got), len(want)+1)
	}

	e.Data, e.URL = nil, ""
	body, err = webhook.Payload(webhook.FormatPromotor, e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(body, []byte(`,"url":"","data":null}`)) {
		t.Errorf("without data and URL: got %s, want it to end in \"url\":\"\",\"data\":null", body)
	}
}

// chatStrings are all strings of a decoded chat payload, keyed by their
// JSON path.
func chatStrings(t *testing.T, body []byte) map[string]string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, body)
	}
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case string:
			out[path] = v
		case []any:
			for i, x := range v {
				walk(path+"["+string(rune('0'+i))+"]", x)
			}
		case map[string]any:
			for k, x := range v {
				walk(path+"."+k, x)
			}
		}
	}
	walk("", v)
	return out
}

func TestPayloadEscapes(t *testing.T) {
	tests := []struct {
		format webhook.Format
		// forbidden must appear in no string of the payload.
		forbidden []string
		// wanted must each appear in some string.
		wanted []string
	}{
		{webhook.FormatSlack,
			[]string{"<script", "<!channel", "<!here", "<@U", "<#C", "<https://evil", "Co<", "<Ëlst>"},
			[]string{"&lt;script&gt;", "&lt;!channel&gt;", "&amp; Zn.", "&lt;https://evil.example/|click here&gt;",
				"<https://nps.example.com/w/acme/responses/42?tab=comment&amp;from=alert|Open in Promotor>",
				"<!date^1772615730^{date_short_pretty} {time}|2026-03-04 09:15 UTC>"}},
		{webhook.FormatTeams,
			[]string{"<script", "[click]", "](", "**bold**", "_it_", "`code`", "# heading", "<Ëlst>", "\"JJ\""},
			[]string{"&lt;script&gt;", "&#91;click&#93;&#40;https:", "&#42;&#42;bold&#42;&#42;", "&quot;JJ&quot;",
				"Bakkerij &lt;Ëlst&gt; &amp; Co", "https://nps.example.com/w/acme/responses/42?tab=comment&from=alert"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			body, err := webhook.Payload(tt.format, sampleEvent())
			if err != nil {
				t.Fatal(err)
			}
			strs := chatStrings(t, body)
			for path, s := range strs {
				for _, bad := range tt.forbidden {
					if strings.Contains(s, bad) {
						t.Errorf("%s: got %q, which holds %q unescaped", path, s, bad)
					}
				}
			}
			for _, w := range tt.wanted {
				found := false
				for _, s := range strs {
					found = found || strings.Contains(s, w)
				}
				if !found {
					t.Errorf("got no string holding %q in %s", w, body)
				}
			}
		})
	}
}

func TestPayloadLimits(t *testing.T) {
	e := sampleEvent()
	e.Text = strings.Repeat("<&> 😀 ", 5000) // escapes and characters of two UTF-16 units
	e.Title = strings.Repeat("Very long\ntitle ", 100)
	tests := []struct {
		format webhook.Format
		path   string
		max    int
	}{
		{webhook.FormatSlack, ".blocks[0].text.text", 3000},
		{webhook.FormatSlack, ".text", 1300},
		{webhook.FormatTeams, ".text", 5000},
		{webhook.FormatTeams, ".title", 250},
	}
	for _, tt := range tests {
		body, err := webhook.Payload(tt.format, e)
		if err != nil {
			t.Fatal(err)
		}
		s := chatStrings(t, body)[tt.path]
		if tt.format == webhook.FormatSlack {
			s, _, _ = strings.Cut(s, "\n<https://nps.example.com/")
		}
		if n := len(utf16.Encode([]rune(s))); n > tt.max || n < tt.max*2/3 {
			t.Errorf("%s %s: got %d UTF-16 units, want at most %d and not much less", tt.format, tt.path, n, tt.max)
		}
		if strings.Contains(s, "\n") && tt.path == ".title" {
			t.Errorf("%s %s: got a newline in %q", tt.format, tt.path, s)
		}
		if strings.HasSuffix(s, "&") || strings.HasSuffix(s, "&lt") || !strings.HasSuffix(s, "…") {
			t.Errorf("%s %s: got ...%q, want a cut between escapes ending in …", tt.format, tt.path, s[len(s)-12:])
		}
	}
	// The promotor format carries everything.
	body, err := webhook.Payload(webhook.FormatPromotor, e)
	if err != nil {
		t.Fatal(err)
	}
	if s := chatStrings(t, body)[".text"]; s != e.Text {
		t.Errorf("promotor text: got %d bytes, want all %d", len(s), len(e.Text))
	}
}

func TestPayloadErrors(t *testing.T) {
	tests := []struct {
		name   string
		format webhook.Format
		edit   func(*webhook.Event)
	}{
		{"unknown format", "xml", func(*webhook.Event) {}},
		{"empty format", "", func(*webhook.Event) {}},
		{"no ID", webhook.FormatPromotor, func(e *webhook.Event) { e.ID = "" }},
		{"ID with newline", webhook.FormatSlack, func(e *webhook.Event) { e.ID = "a\r\nX-Evil: 1" }},
		{"ID with space", webhook.FormatSlack, func(e *webhook.Event) { e.ID = "a b" }},
		{"no kind", webhook.FormatPromotor, func(e *webhook.Event) { e.Kind = "" }},
		{"no time", webhook.FormatTeams, func(e *webhook.Event) { e.At = time.Time{} }},
		{"data not JSON", webhook.FormatPromotor, func(e *webhook.Event) { e.Data = json.RawMessage("{") }},
		{"data not UTF-8", webhook.FormatPromotor, func(e *webhook.Event) { e.Data = json.RawMessage("{\"a\": \"\x8b\"}") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sampleEvent()
			tt.edit(&e)
			if body, err := webhook.Payload(tt.format, e); err == nil {
				t.Errorf("Payload(%q, %+v): got %s, want an error", tt.format, e, body)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    webhook.Format
		wantErr bool
	}{
		{"", webhook.FormatPromotor, false},
		{"promotor", webhook.FormatPromotor, false},
		{"slack", webhook.FormatSlack, false},
		{" Teams ", webhook.FormatTeams, false},
		{"discord", "", true},
		{"json", "", true},
	}
	for _, tt := range tests {
		got, err := webhook.ParseFormat(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseFormat(%q): got %q, %v, want %q, error %t", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "promotor, slack or teams") {
			t.Errorf("ParseFormat(%q): got %q, want an error naming the allowed formats", tt.in, err)
		}
		if err == nil && !got.Valid() {
			t.Errorf("ParseFormat(%q) = %q: got Valid false, want true", tt.in, got)
		}
	}
	if webhook.Format("").Valid() || webhook.Format("Slack").Valid() {
		t.Errorf(`Valid of "" or "Slack": got true, want false`)
	}
}

func BenchmarkPayload(b *testing.B) {
	e := sampleEvent()
	for _, f := range []webhook.Format{webhook.FormatPromotor, webhook.FormatSlack, webhook.FormatTeams} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if _, err := webhook.Payload(f, e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
