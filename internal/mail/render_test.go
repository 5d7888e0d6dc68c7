package mail_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func newRenderer(tb testing.TB) *mail.Renderer {
	tb.Helper()
	c, err := i18n.Load()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := mail.NewRenderer(c)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

const base = "https://nps.example.com/s/tok-42"

func invitation(lang string) mail.Invitation {
	inv := mail.Invitation{
		Language:       lang,
		ContactName:    "Jeroen van 't Hoff",
		AccountName:    "Bakkerij Ëlst",
		SenderName:     "Molenaar & Zn.",
		SurveyName:     "Klantonderzoek 2026",
		Question:       "Hoe waarschijnlijk is het dat u Molenaar & Zn. aanbeveelt aan een vriend of collega?",
		LowLabel:       "Zeer onwaarschijnlijk",
		HighLabel:      "Zeer waarschijnlijk",
		ScoreURLs:      mail.ScoreURLs(base),
		SurveyURL:      base,
		UnsubscribeURL: "https://nps.example.com/u/tok-42",
	}
	if strings.HasPrefix(lang, "en") {
		inv.SurveyName = "Customer survey 2026"
		inv.Question = "How likely are you to recommend Molenaar & Zn. to a friend or colleague?"
		inv.LowLabel, inv.HighLabel = "", "" // the catalog's
	}
	return inv
}

func TestRenderInvitationGolden(t *testing.T) {
	r := newRenderer(t)
	reminderNL := invitation("nl")
	reminderNL.Reminder = true
	reminderNL.Note = "Sinds uw vorige antwoord bezorgen we ook op zaterdag."
	anonymousEN := invitation("en-GB")
	anonymousEN.ContactName, anonymousEN.AccountName = "", ""
	cases := map[string]mail.Invitation{
		"invitation-en":  invitation("en"),
		"invitation-nl":  invitation("nl-BE"),
		"reminder-nl":    reminderNL,
		"anonymous-en":   anonymousEN,
		"fallback-de-en": func() mail.Invitation { i := invitation("en"); i.Language = "de"; return i }(),
	}
	for name, inv := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := r.Invitation(inv)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".txt", "Subject: "+m.Subject+"\n\n"+m.Text)
			golden(t, name+".html", m.HTML)
			if m.Unsubscribe.URL != inv.UnsubscribeURL {
				t.Errorf("Unsubscribe.URL: got %q, want %q", m.Unsubscribe.URL, inv.UnsubscribeURL)
			}
			for i, u := range inv.ScoreURLs {
				if !strings.Contains(m.Text, u+"\n") || !strings.Contains(m.HTML, `href="`+u+`"`) {
					t.Errorf("score %d link %s is missing from the text or HTML", i, u)
				}
			}
		})
	}
}

func TestRenderReminderWording(t *testing.T) {
	r := newRenderer(t)
	for lang, want := range map[string]string{"en": "A reminder: ", "nl": "Herinnering: "} {
		inv := invitation(lang)
		inv.Reminder = true
		m, err := r.Invitation(inv)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(m.Subject, want) || !strings.Contains(m.Text, want) {
			t.Errorf("%s reminder: got subject %q, want it and the text to start with %q", lang, m.Subject, want)
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendering; got:\n%s", path, got)
	}
}

func TestRenderEscapesUserText(t *testing.T) {
	r := newRenderer(t)
	evil := `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
	inv := invitation("en")
	inv.ContactName = evil + "\r\nBcc: victim@example.com"
	inv.AccountName = evil
	inv.SenderName = evil
	inv.SurveyName = evil
	inv.Question = evil
	inv.LowLabel, inv.HighLabel = evil, evil
	inv.Note = evil
	m, err := r.Invitation(inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<img"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML contains %q from user text", bad)
		}
	}
	if !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Errorf("HTML lacks the escaped name &lt;script&gt;")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("subject %q has a line break", m.Subject)
	}
	if strings.Contains(m.Text, "\nBcc:") {
		t.Errorf("text lets a name start a line of its own:\n%s", m.Text)
	}
	// The rendered message is still sendable.
	m.To = mail.Address{Name: inv.ContactName, Email: "jeroen@example.com"}
	if err := m.Validate(); err == nil {
		t.Errorf("Validate accepts a recipient name with a line break")
	}
	m.To.Name = "Jeroen"
	if err := m.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestRenderRejects(t *testing.T) {
	r := newRenderer(t)
	cases := map[string]func(*mail.Invitation){
		"no sender":          func(i *mail.Invitation) { i.SenderName = " \n" },
		"no question":        func(i *mail.Invitation) { i.Question = "" },
		"javascript link":    func(i *mail.Invitation) { i.ScoreURLs[3] = "javascript:alert(1)" },
		"relative link":      func(i *mail.Invitation) { i.SurveyURL = "/s/tok" },
		"no unsubscribe":     func(i *mail.Invitation) { i.UnsubscribeURL = "" },
		"link with a space":  func(i *mail.Invitation) { i.ScoreURLs[0] = base + "/0 x" },
		"mailto not mailto:": func(i *mail.Invitation) { i.UnsubscribeMailto = "u@example.com" },
	}
	for name, change := range cases {
		inv := invitation("en")
		change(&inv)
		if _, err := r.Invitation(inv); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}

func BenchmarkRenderInvitation(b *testing.B) {
	r := newRenderer(b)
	inv := invitation("nl")
	for b.Loop() {
		if _, err := r.Invitation(inv); err != nil {
			b.Fatal(err)
		}
	}
}
