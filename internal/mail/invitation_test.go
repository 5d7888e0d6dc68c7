package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
)

// TestInvitationArrives sends rendered invitations in both languages
// through a real SMTP server and reads them back as a mail client would.
func TestInvitationArrives(t *testing.T) {
	mp := mailtest.Start(t)
	s := newSMTP(t, mp.Config())
	r := newRenderer(t)
	for lang, want := range map[string]struct{ subject, greeting, hint string }{
		"en": {"Molenaar & Zn. would like your opinion", "Dear Jeroen van 't Hoff – Bakkerij Ëlst,", "Choose a number from 0 to 10"},
		"nl": {"Molenaar & Zn. wil graag uw mening", "Beste Jeroen van 't Hoff – Bakkerij Ëlst,", "Kies een cijfer van 0 tot 10"},
	} {
		t.Run(lang, func(t *testing.T) {
			inv := invitation(lang)
			inv.ContactName = "Jeroen van 't Hoff – Bakkerij Ëlst"
			inv.UnsubscribeMailto = "mailto:unsubscribe+tok-42@example.com"
			m, err := r.Invitation(inv)
			if err != nil {
				t.Fatal(err)
			}
			m.To = mail.Address{Name: inv.ContactName, Email: mailtest.Address(t)}
			m.MessageID = mail.NewMessageID("inv-42", "nps.example.com")
			m.Invitation = "tok-42"
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			id := mp.API.WaitTo(t, m.To.Email, 1)[0].ID
			got, err := mp.API.Message(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			h, err := mp.API.Headers(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Subject != want.subject {
				t.Errorf("subject: got %q, want %q", got.Subject, want.subject)
			}
			if got.To[0].Name != m.To.Name {
				t.Errorf("To name: got %q, want %q", got.To[0].Name, m.To.Name)
			}
			for part, body := range map[string]string{"text": got.Text, "HTML": got.HTML} {
				for _, s := range []string{want.hint, base + "/10", "https://nps.example.com/u/tok-42"} {
					if !strings.Contains(body, s) {
						t.Errorf("%s part lacks %q", part, s)
					}
				}
			}
			if !strings.Contains(got.Text, want.greeting) {
				t.Errorf("text part lacks the greeting %q", want.greeting)
			}
			if !strings.Contains(got.HTML, `lang="`+lang+`"`) || !strings.Contains(got.HTML, "Molenaar &amp; Zn.") {
				t.Errorf("HTML part lacks lang=%q or the escaped sender name", lang)
			}
			if links := got.ListUnsubscribe.Links; len(links) != 2 || links[0] != "https://nps.example.com/u/tok-42" || got.ListUnsubscribe.Errors != "" {
				t.Errorf("List-Unsubscribe as Mailpit reads it: got %+v", got.ListUnsubscribe)
			}
			if got.ListUnsubscribe.HeaderPost != "List-Unsubscribe=One-Click" {
				t.Errorf("List-Unsubscribe-Post: got %q", got.ListUnsubscribe.HeaderPost)
			}
			if "<"+got.MessageID+">" != m.MessageID || h.Get(mail.HeaderInvitation) != "tok-42" {
				t.Errorf("Message-ID %q, X-Promotor-Invitation %q: want %s and tok-42", got.MessageID, h.Get(mail.HeaderInvitation), m.MessageID)
			}
		})
	}
}
