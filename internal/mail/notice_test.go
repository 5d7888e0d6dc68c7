package mail

import (
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/i18n"
)

// A notice shows every part, escapes the customer's words in HTML and
// keeps them whole in text.
func TestNotice(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(c)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Notice(Notice{
		Language: "nl", Subject: "Alert: Acme\nBV", Greeting: "Hallo Eva,",
		Paragraphs: []string{"Acme gaf een 3.", ""},
		Quote:      "Te <b>traag</b> & duur\nnog een regel",
		Items:      []string{"Bel binnen 2 werkdagen"},
		ButtonURL:  "https://nps.example.com/w/acme/followups/1", ButtonLabel: "Open",
		Footer: "Promotor",
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Alert: Acme BV" {
		t.Errorf("subject: got %q, want it on one line", m.Subject)
	}
	for _, want := range []string{"Hallo Eva,", "Acme gaf een 3.", "> Te <b>traag</b> & duur\n> nog een regel", "- Bel binnen 2 werkdagen", "Open: https://nps.example.com/w/acme/followups/1", "-- \nPromotor"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	for _, want := range []string{`lang="nl"`, "Te &lt;b&gt;traag&lt;/b&gt; &amp; duur", "<li>Bel binnen 2 werkdagen</li>", `href="https://nps.example.com/w/acme/followups/1"`} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(m.HTML, "<b>traag") {
		t.Error("HTML carries the customer's markup")
	}
	if _, err := r.Notice(Notice{Subject: "x", ButtonURL: "javascript:alert(1)"}); err == nil {
		t.Error("a javascript: button was accepted")
	}
	if _, err := r.Notice(Notice{}); err == nil {
		t.Error("a notice without subject was accepted")
	}
}
