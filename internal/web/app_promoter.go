package web

import (
	"cmp"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The promoter programme: the list of promoters of a wave, each
// promoter's page with the eight tips as suggested actions, the record
// of what was done and the one-click thank-you email; the referrals
// (app_promoter_referral.go) and the loop's own figures
// (app_promoter_loop.go). A viewer reads everything; a member reads and
// acts on the contacts of the accounts they own only, whose others are
// not found; analysts and owners act on all.

// promoterPageSize is the number of promoters a page of the list shows.
const promoterPageSize = 100

// promoterScope is the dashboard's scope, with the survey's waves
// together allowed, and, when the query names no wave, the latest wave
// that has answers rather than the latest opened.
func (s *Server) promoterScope(r *http.Request, a *appRequest) (dashScope, error) {
	sc, err := s.dashScopeOf(r, a, true)
	if err != nil || sc.Survey.ID == 0 || sc.AllWaves || r.URL.Query().Get("wave") != "" {
		return sc, err
	}
	groups, err := s.db.Histograms(r.Context(), a.Workspace.ID, store.HistogramFilter{SurveyID: sc.Survey.ID}, store.GroupBy{Dimension: store.GroupWave})
	if err != nil {
		return sc, err
	}
	answered := map[string]bool{}
	for _, g := range groups {
		answered[g.Key] = g.Histogram.N() > 0
	}
	for i := len(sc.Waves) - 1; i >= 0; i-- {
		if answered[strconv.FormatInt(sc.Waves[i].ID, 10)] {
			sc.Wave, sc.Previous = sc.Waves[i], nps.Wave{}
			if i > 0 {
				sc.Previous = sc.Waves[i-1]
			}
			break
		}
	}
	return sc, nil
}

// promotersPage is the list of promoters of a wave or survey.
type promotersPage struct {
	appLayout
	Scope              dashScope
	Rows               []store.Promoter
	Sort, Dir          string
	Page, Pages, Total int
}

// WaveName names a wave of the scope's survey.
func (p promotersPage) WaveName(id int64) string {
	for _, w := range p.Scope.Waves {
		if w.ID == id {
			return w.Name
		}
	}
	return ""
}

// SortQuery is the query of a column header's link: sorting by col, or
// reversed when the list is sorted by it already.
func (p promotersPage) SortQuery(col string) template.URL {
	dir := "asc"
	if col == "date" {
		dir = "desc" // newest first is what one wants first
	}
	if p.Sort == col {
		dir = map[string]string{"asc": "desc", "desc": "asc"}[p.Dir]
	}
	return p.Scope.Query("sort", col, "dir", dir)
}

// AriaSort is the aria-sort value of a column header.
func (p promotersPage) AriaSort(col string) string {
	switch {
	case p.Sort != col:
		return "none"
	case p.Dir == "asc":
		return "ascending"
	}
	return "descending"
}

// PageQuery is the query of page n in the current order.
func (p promotersPage) PageQuery(n int) template.URL {
	return p.Scope.Query("sort", p.Sort, "dir", p.Dir, "page", strconv.Itoa(n))
}

// KindLabel names a kind of promoter action in the page's language.
func (l appLayout) PromoterActionLabel(k nps.PromoterActionKind) string {
	return l.T("promoter.kind." + string(k))
}

func (s *Server) handlePromoters(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sc, err := s.promoterScope(r, a)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := promotersPage{appLayout: a.layout(a.M.T("promoter.title")), Scope: sc, Sort: cmp.Or(q.Get("sort"), "date"), Dir: cmp.Or(q.Get("dir"), "desc"), Page: 1}
	if (p.Sort != "date" && p.Sort != "account") || (p.Dir != "asc" && p.Dir != "desc") {
		return badRequest("dash.err.sort")
	}
	if v := q.Get("page"); v != "" {
		if p.Page, err = strconv.Atoi(v); err != nil || p.Page < 1 || p.Page > 1_000_000 {
			return badRequest("dash.err.page")
		}
	}
	if sc.Survey.ID == 0 || (sc.Wave.ID == 0 && !sc.AllWaves) {
		return s.render(w, http.StatusOK, "app/promoters", p)
	}
	page, err := s.db.Promoters(r.Context(), a.Workspace.ID, store.PromoterFilter{SurveyID: sc.Survey.ID, WaveID: sc.Wave.ID,
		OwnerID: sc.OwnerID, Sort: p.Sort, Desc: p.Dir == "desc", Limit: promoterPageSize, Offset: (p.Page - 1) * promoterPageSize})
	if err != nil {
		return err
	}
	p.Rows, p.Total = page.Promoters, page.Total
	p.Pages = max(1, (p.Total+promoterPageSize-1)/promoterPageSize)
	if p.Page > p.Pages {
		return nps.ErrNotFound
	}
	return s.render(w, http.StatusOK, "app/promoters", p)
}

// promoterPage is one promoter: their answers, the tips as suggested
// actions, the record of actions and the thank-you email.
type promoterPage struct {
	appLayout
	Detail store.PromoterDetail
	// Tips are the eight tips, Requests the referral and review requests,
	// each marked done when recorded for the current answer.
	Tips, Requests []suggestion
	Actions        []recordedAction
	// Thanked is set when the current answer was thanked for; NoEmail says
	// why no thank-you email can go ("" when one can).
	Thanked bool
	NoEmail string
	// Confirm asks whether to send a second thank-you; Error is what went
	// wrong with a form.
	Confirm bool
	Error   string
}

// suggestion is a kind of action with whether it was done, and the texts
// and form of its "done" button (Action empty when the reader may not
// act).
type suggestion struct {
	Kind                            nps.PromoterActionKind
	Done                            bool
	Label, Hint, DoneLabel          string
	Action, NoteLabel, Note, Button string
}

// recordedAction is an action of the record, with its thank-you emails.
type recordedAction struct {
	store.RecordedAction
	Emails []nps.Notification
}

// CanAct reports whether the reader may record actions: a member (for
// the own accounts' contacts, the only ones they reach) or above.
func (p promoterPage) CanAct() bool { return p.Can(nps.RoleMember) }

func (s *Server) handlePromoter(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, err := s.promoterPageOf(r, a)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/promoter", p)
}

// promoterPageOf reads the promoter of the URL as their page shows them.
func (s *Server) promoterPageOf(r *http.Request, a *appRequest) (promoterPage, error) {
	id, err := appPathID(r, "contact")
	if err != nil {
		return promoterPage{}, err
	}
	ctx := r.Context()
	d, err := s.db.Promoter(ctx, a.Workspace.ID, id, ownerScope(a))
	if err != nil {
		return promoterPage{}, err
	}
	title := cmp.Or(d.Contact.Name, d.Contact.Email, d.Contact.ExternalID)
	p := promoterPage{appLayout: a.layout(title), Detail: d}
	var thanks []int64
	for _, act := range d.Actions {
		if act.Kind == nps.PromoterThank {
			thanks = append(thanks, act.ID)
		}
	}
	emails, err := s.db.NotificationsOf(ctx, a.Workspace.ID, nps.NotifyThanks, thanks)
	if err != nil {
		return p, err
	}
	done := map[nps.PromoterActionKind]bool{}
	for _, act := range d.Actions {
		if d.Current.ID != 0 && act.ResponseID == d.Current.ID {
			done[act.Kind] = true
		}
		ra := recordedAction{RecordedAction: act, Emails: emails[act.ID]}
		p.Actions = append(p.Actions, ra)
	}
	for _, k := range nps.PromoterActionKinds {
		sg := suggestion{Kind: k, Done: done[k], Label: p.PromoterActionLabel(k), Hint: a.M.T("promoter.tip." + string(k)),
			DoneLabel: a.M.T("promoter.done_mark"), NoteLabel: a.M.T("promoter.note"), Button: a.M.T("promoter.mark_done")}
		if p.CanAct() {
			sg.Action = p.Base() + "/promoters/" + strconv.FormatInt(d.Contact.ID, 10) + "/actions"
		}
		if k.IsTip() {
			p.Tips = append(p.Tips, sg)
		} else {
			p.Requests = append(p.Requests, sg)
		}
	}
	p.Thanked = done[nps.PromoterThank]
	switch {
	case d.Contact.Email == "":
		p.NoEmail = a.M.T("promoter.no_email")
	case !d.Contact.OptedOutAt.IsZero():
		p.NoEmail = a.M.T("promoter.opted_out")
	}
	return p, nil
}

// backToPromoter sends the browser to the promoter's page after a POST.
func backToPromoter(w http.ResponseWriter, r *http.Request, a *appRequest, contactID int64) {
	http.Redirect(w, r, a.layout("").Base()+"/promoters/"+strconv.FormatInt(contactID, 10), http.StatusSeeOther)
}

func (s *Server) handlePromoterAction(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, err := s.promoterPageOf(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	kind, note := nps.PromoterActionKind(r.PostFormValue("kind")), strings.TrimSpace(r.PostFormValue("note"))
	act := nps.PromoterAction{ContactID: p.Detail.Contact.ID, ResponseID: p.Detail.Current.ID, Kind: kind, Note: note, CreatedBy: a.User.ID}
	if _, err := s.db.RecordPromoterAction(r.Context(), a.Workspace.ID, act, ownerScope(a)); err != nil {
		var ve *nps.ValidationError
		if errors.As(err, &ve) {
			p.Error = a.M.T("promoter.err." + ve.Field)
			for _, list := range [][]suggestion{p.Tips, p.Requests} {
				for i := range list {
					if list[i].Kind == kind {
						list[i].Note = note
					}
				}
			}
			return s.render(w, http.StatusUnprocessableEntity, "app/promoter", p)
		}
		return err
	}
	backToPromoter(w, r, a, p.Detail.Contact.ID)
	return nil
}

func (s *Server) handlePromoterThank(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, err := s.promoterPageOf(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	d := p.Detail
	if p.NoEmail != "" {
		p.Error = p.NoEmail
		return s.render(w, http.StatusConflict, "app/promoter", p)
	}
	n, err := s.thankYouEmail(a.Workspace, d.Contact, d.Account, d.Current, "")
	if err != nil {
		return err
	}
	act := nps.PromoterAction{ContactID: d.Contact.ID, ResponseID: d.Current.ID, CreatedBy: a.User.ID, Note: a.M.T("promoter.thank_note")}
	_, err = s.db.ThankPromoter(r.Context(), a.Workspace.ID, act, ownerScope(a), n, r.PostFormValue("confirm") == "1")
	switch {
	case errors.Is(err, nps.ErrThankedBefore):
		p.Confirm = true
		return s.render(w, http.StatusConflict, "app/promoter", p)
	case errors.Is(err, nps.ErrNoEmail):
		p.Error = a.M.T("promoter.no_email")
		return s.render(w, http.StatusConflict, "app/promoter", p)
	case errors.Is(err, nps.ErrOptedOut):
		p.Error = a.M.T("promoter.opted_out")
		return s.render(w, http.StatusConflict, "app/promoter", p)
	case err != nil:
		return err
	}
	backToPromoter(w, r, a, d.Contact.ID)
	return nil
}

// thankLanguage is the language of a contact's thank-you: theirs, else
// that of their answer, else Dutch, the product's first language.
func thankLanguage(c nps.Contact, answer nps.Response) string {
	for _, l := range []string{c.Language, answer.Language} {
		l = strings.ToLower(l)
		if i := strings.IndexAny(l, "-_"); i >= 0 {
			l = l[:i]
		}
		if l == "nl" || l == "en" {
			return l
		}
	}
	return "nl"
}

// thankYouEmail writes the thank-you to a promoter in their language: it
// names the account, quotes their comment when they left one, and, for a
// referral, names the account they referred.
func (s *Server) thankYouEmail(ws nps.Workspace, c nps.Contact, acc nps.Account, answer store.PromoterAnswer, referred string) (nps.Notification, error) {
	lang := thankLanguage(c, answer.Response)
	m := catalog.Messages(lang)
	account := cmp.Or(acc.Name, m.T("promoter.mail.your_company"))
	greeting := m.T("promoter.mail.greeting_anonymous")
	if c.Name != "" {
		greeting = m.T("promoter.mail.greeting", "name", c.Name)
	}
	// The layout shows the quote after the paragraphs: the words that
	// introduce it come last, and the signature is the footer.
	var paragraphs []string
	quote := ""
	switch {
	case referred != "":
		paragraphs = append(paragraphs, m.T("promoter.mail.referral", "referred", referred, "account", account))
	case answer.ID != 0:
		paragraphs = append(paragraphs, m.T("promoter.mail.score", "score", answer.Score, "account", account))
	default:
		paragraphs = append(paragraphs, m.T("promoter.mail.general", "account", account))
	}
	paragraphs = append(paragraphs, m.T("promoter.mail.closing"))
	if referred == "" && answer.ID != 0 && strings.TrimSpace(answer.Comment) != "" {
		paragraphs = append(paragraphs, m.T("promoter.mail.quote_intro"))
		quote = answer.Comment
	}
	msg, err := s.emails.Notice(mail.Notice{Language: lang, Subject: m.T("promoter.mail.subject", "workspace", ws.Name),
		Greeting: greeting, Paragraphs: paragraphs, Quote: quote, Footer: m.T("promoter.mail.signature", "workspace", ws.Name)})
	if err != nil {
		return nps.Notification{}, err
	}
	return nps.Notification{Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML}, nil
}

// LatestIsPromoter reports whether the contact's latest answer is their
// current promoter answer; when not, the page says so.
func (p promoterPage) LatestIsPromoter() bool {
	return len(p.Detail.Answers) > 0 && p.Detail.Answers[0].ID == p.Detail.Current.ID
}

// EmailState names where a thank-you email stands.
func (p promoterPage) EmailState(n nps.Notification) string {
	return p.T("promoter.email." + string(n.State))
}

// TotalCount shows the number of promoters of all pages.
func (p promotersPage) TotalCount() string { return p.Count(int64(p.Total)) }
