package web

import (
	"cmp"
	"context"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The follow-ups' periodic tasks, which the serve command runs: they
// claim their work in the store and write its emails here, in each
// recipient's language, in the store's transaction.

// EscalateOverdue escalates the open follow-ups past their deadline to
// the workspace's owners, each once, with an email in each owner's
// language. The serve command runs it every minute.
func (s *Server) EscalateOverdue(ctx context.Context) error {
	_, err := s.db.EscalateOverdue(ctx, s.db.Now(), s.escalationMails)
	return err
}

// RaiseSilentKeyAccounts raises the alerts of key accounts that went
// silent, with an email to each account's owner. The serve command runs
// it every hour.
func (s *Server) RaiseSilentKeyAccounts(ctx context.Context) error {
	_, err := s.db.SilentKeyAccounts(ctx, s.db.Now(), s.silentMails)
	return err
}

// recipientMessages are the messages in a user's language: the one they
// chose for their pages, else English.
func recipientMessages(u nps.User) i18n.Messages {
	lang, ok := i18n.Choose(catalog.Languages(), []string{u.Language})
	if !ok {
		lang = i18n.Fallback
	}
	return catalog.Messages(lang)
}

// mailBase is the address that links in emails written without a request
// start with, without a trailing slash; "" when the server does not know
// its public address.
func (s *Server) mailBase() string {
	return strings.TrimSuffix(cmp.Or(s.opts.MailBaseURL, s.opts.BaseURL), "/")
}

// followUpURL is the absolute address of a follow-up's page, empty when
// the server does not know its public address.
func (s *Server) followUpURL(m store.AlertMail) string {
	base := s.mailBase()
	if base == "" {
		return ""
	}
	return base + "/w/" + m.WorkspaceSlug + "/followups/" + strconv.FormatInt(m.ID, 10)
}

// alertFacts are the lines of an alert email that say what happened.
func alertFacts(msg i18n.Messages, m store.AlertMail) []string {
	l := appLayout{M: msg}
	items := []string{msg.T("alert.mail.account", "account", cmp.Or(m.AccountName, "—"))}
	if who := m.ResponderName(); who != "" {
		items = append(items, msg.T("alert.mail.contact", "contact", who))
	}
	if m.Score >= 0 {
		items = append(items, msg.T("alert.mail.score", "score", m.Score))
	}
	items = append(items, msg.T("alert.mail.reason", "reason", m.Reason))
	if !m.DueAt.IsZero() {
		items = append(items, msg.T("alert.mail.due", "time", l.FormatTime(m.DueAt)))
	}
	if m.OwnerName != "" || m.OwnerEmail != "" {
		items = append(items, msg.T("alert.mail.owner", "owner", cmp.Or(m.OwnerName, m.OwnerEmail)))
	}
	return items
}

// escalationMails writes the email of an overdue follow-up to each of
// its recipients.
func (s *Server) escalationMails(m store.AlertMail) ([]nps.Notification, error) {
	return s.alertMails(m, "alert.mail.escalation")
}

// silentMails writes the email of a silent key account's alert.
func (s *Server) silentMails(m store.AlertMail) ([]nps.Notification, error) {
	return s.alertMails(m, "alert.mail.silent")
}

// alertMails writes one email per recipient from the messages under
// prefix (.subject, .intro).
func (s *Server) alertMails(m store.AlertMail, prefix string) ([]nps.Notification, error) {
	var out []nps.Notification
	for _, u := range m.Recipients {
		msg := recipientMessages(u)
		n := mail.Notice{
			Language:   msg.Lang,
			Subject:    msg.T(prefix+".subject", "account", cmp.Or(m.AccountName, "—"), "workspace", m.WorkspaceName),
			Greeting:   msg.T("alert.mail.greeting", "name", cmp.Or(u.Name, u.Email)),
			Paragraphs: []string{msg.T(prefix+".intro", "workspace", m.WorkspaceName, "owner", cmp.Or(m.OwnerName, m.OwnerEmail, "—"))},
			Quote:      m.Comment,
			Items:      alertFacts(msg, m),
			Footer:     msg.T("alert.mail.footer", "workspace", m.WorkspaceName),
		}
		if link := s.followUpURL(m); link != "" {
			n.ButtonURL, n.ButtonLabel = link, msg.T("alert.mail.button")
		}
		rendered, err := s.emails.Notice(n)
		if err != nil {
			return nil, err
		}
		out = append(out, nps.Notification{ToEmail: u.Email, ToName: u.Name, Subject: rendered.Subject,
			Text: rendered.Text, HTML: rendered.HTML})
	}
	return out, nil
}
