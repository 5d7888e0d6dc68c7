package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The customer page, /y/{token}: "you said, we did" for one account,
// without signing in. The token (192 random bits) is the only key; an
// unknown or replaced one gets the same not-found page whatever it is
// near. Like the survey pages it sets no cookie, is never cached or
// indexed, and sends no referrer.

// customerPage is the data of survey/plan_page.
type customerPage struct {
	surveyChrome
	Progress store.SharedProgress
}

// StatusLabel names an action's status in the page's language.
func (p customerPage) StatusLabel(st nps.ActionStatus) string {
	return p.M.T("plan.status." + string(st))
}

func (s *Server) handleCustomerPage(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Referrer-Policy", "no-referrer")
	notFound := func(err error) error {
		return &pageError{status: http.StatusNotFound, kind: "plan.page.notfound", cause: err}
	}
	page, err := s.db.AccountPageByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return notFound(err)
	}
	sp, err := s.db.SharedProgress(r.Context(), page.WorkspaceID, page.AccountID)
	if err != nil {
		return notFound(err)
	}
	langs := catalog.Languages()
	lang, ok := i18n.Choose(langs, []string{r.URL.Query().Get("lang")}, sp.Languages, i18n.AcceptLanguage(r.Header.Get("Accept-Language")))
	if !ok {
		lang = i18n.Fallback
	}
	pl := pageLang{Text: lang, M: catalog.Messages(lang), choices: langs}
	p := customerPage{surveyChrome: s.chrome(pl, pl.M.T("plan.page.title", "account", sp.AccountName), url.Values{}), Progress: sp}
	return s.render(w, http.StatusOK, "survey/plan_page", p)
}

// updateMailer writes a progress update's emails, one per contact in the
// contact's language, with the done actions and a button to the
// customer page; the store queues them with the update.
func (s *Server) updateMailer(r *http.Request, a *appRequest) store.UpdateMailer {
	sender := a.Workspace.Name
	return func(u store.UpdateMail) ([]nps.Notification, error) {
		pageURL := s.absoluteURL(r, "/y/"+u.PageToken)
		var out []nps.Notification
		for _, c := range u.Contacts {
			lang, ok := i18n.Choose(catalog.Languages(), []string{c.Language})
			if !ok {
				lang = i18n.Fallback
			}
			t := catalog.Messages(lang).T
			n := mail.Notice{
				Language:    lang,
				Subject:     t("plan.email.subject", "sender", sender),
				Greeting:    t("plan.email.greeting_anonymous"),
				Paragraphs:  []string{t("plan.email.intro", "sender", sender, "account", u.Account.Name), u.Item.Body},
				ButtonURL:   pageURL,
				ButtonLabel: t("plan.email.button"),
				Footer:      t("plan.email.footer", "sender", sender, "account", u.Account.Name),
			}
			if c.Name != "" {
				n.Greeting = t("plan.email.greeting", "name", c.Name)
			}
			if len(u.Done) > 0 {
				n.Paragraphs = append(n.Paragraphs, t("plan.email.done"))
				for _, d := range u.Done {
					n.Items = append(n.Items, d.Body)
				}
			}
			m, err := s.emails.Notice(n)
			if err != nil {
				return nil, fmt.Errorf("update email: %w", err)
			}
			out = append(out, nps.Notification{ToEmail: c.Email, ToName: c.Name, Subject: m.Subject, Text: m.Text, HTML: m.HTML})
		}
		return out, nil
	}
}
