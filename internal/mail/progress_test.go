package mail_test

import (
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/mail"
)

// The "since your last answer" paragraph: at most three done actions, or
// the latest update, escaped, with the customer page's link; nothing when
// empty.
func TestInvitationProgress(t *testing.T) {
	r := newRenderer(t)
	plain, err := r.Invitation(invitation("nl"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.Text, "Sinds uw laatste antwoord") {
		t.Errorf("invitation without progress mentions it:\n%s", plain.Text)
	}
	inv := invitation("nl")
	inv.Progress = mail.Progress{Done: []string{"Facturen wekelijks", "Vaste contactpersoon <b>", "Nieuwe planning", "Vierde actie"},
		URL: "https://nps.example.com/y/abc"}
	m, err := r.Invitation(inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sinds uw laatste antwoord hebben we:", "- Facturen wekelijks", "- Nieuwe planning", "https://nps.example.com/y/abc"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "Vierde actie") {
		t.Errorf("text lists a fourth action:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, "Vaste contactpersoon &lt;b&gt;") || strings.Contains(m.HTML, "<b>") {
		t.Errorf("HTML does not escape an action")
	}
	if !strings.Contains(m.HTML, `<a href="https://nps.example.com/y/abc"`) {
		t.Errorf("HTML lacks the customer page link")
	}
	inv.Progress = mail.Progress{Update: "We hebben de facturatie omgebouwd."}
	inv.Language = "en"
	m, err = r.Invitation(inv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "Since your last answer we shared this update:\n\nWe hebben de facturatie omgebouwd.") {
		t.Errorf("update paragraph missing:\n%s", m.Text)
	}
	inv.Progress.URL = "javascript:alert(1)"
	if _, err := r.Invitation(inv); err == nil {
		t.Error("a script progress link was accepted")
	}
}
