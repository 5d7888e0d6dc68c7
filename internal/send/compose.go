package send

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// Compose writes the email of an outbox message: in the contact's
// language where the survey has texts in it, else in the survey's
// default language, with the links of baseURL (the public address of the
// survey pages, without a trailing slash). The caller sets MessageID.
func Compose(r *mail.Renderer, baseURL string, o store.Outgoing, sv nps.Survey) (*mail.Message, error) {
	return composeWithProgress(r, baseURL, o, sv, mail.Progress{})
}

// composeWithProgress is Compose with the paragraph of what was done
// with the account's feedback since the contact's last answer (see
// progressFor).
func composeWithProgress(r *mail.Renderer, baseURL string, o store.Outgoing, sv nps.Survey, p mail.Progress) (*mail.Message, error) {
	lang := textLanguage(sv, o.Contact.Language)
	link := baseURL + "/s/" + o.Invitation.Token
	m, err := r.Invitation(mail.Invitation{
		Language:       lang,
		ContactName:    o.Contact.Name,
		AccountName:    o.AccountName,
		SenderName:     o.WorkspaceName,
		SurveyName:     sv.Name,
		Question:       sv.Text(lang).Question,
		ScoreURLs:      mail.ScoreURLs(link),
		SurveyURL:      link,
		UnsubscribeURL: baseURL + "/u/" + o.Invitation.Token,
		Reminder:       o.Seq > 0,
		Progress:       p,
	})
	if err != nil {
		return nil, fmt.Errorf("send: compose message %d: %w", o.ID, err)
	}
	m.To = mail.Address{Name: o.Contact.Name, Email: o.Contact.Email}
	m.Invitation = o.Invitation.Token
	return m, nil
}

// textLanguage is the language of sv's texts for a contact who speaks
// lang: that language, else its primary language ("nl" for "nl-BE"), else
// the survey's default, as nps.Survey.Text picks the wording.
func textLanguage(sv nps.Survey, lang string) string {
	if _, ok := sv.Texts[lang]; ok {
		return lang
	}
	if primary, _, ok := strings.Cut(lang, "-"); ok {
		if _, ok := sv.Texts[primary]; ok {
			return primary
		}
	}
	return sv.DefaultLanguage
}

// messageID returns a fresh Message-ID for message seq of an invitation,
// in the domain of baseURL.
func messageID(baseURL string, invitationID int64, seq int) string {
	host := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return mail.NewMessageID("inv-"+strconv.FormatInt(invitationID, 10)+"-"+strconv.Itoa(seq), host)
}
