package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The follow-ups: the alerts with a deadline, their list by state and
// each one's page with what was done. A member sees and works the
// follow-ups of the accounts they own (or that are assigned to them);
// analysts and owners all of them.

// followUpTabs are the list's tabs, in order.
var followUpTabs = []string{"open", "overdue", "contacted", "closed", "all"}

// followUpsPage lists follow-ups of one tab.
type followUpsPage struct {
	appLayout
	Tab   string
	Tabs  []string
	Items []store.AlertItem
	// Next is the URL of the next page, empty on the last.
	Next string
	Now  time.Time
	// Member is set when the list holds the reader's own accounts only.
	Member bool
}

// followUpPage is one follow-up with its actions.
type followUpPage struct {
	appLayout
	appFormErrors
	Item store.AlertItem
	Now  time.Time
	// ContactAt and Note are the contact form as typed; CloseNote the
	// closing form's.
	ContactAt, Note, CloseNote string
}

// followUpPageSize is how many follow-ups a page lists.
const followUpPageSize = 50

func (s *Server) handleFollowUps(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	q := r.URL.Query()
	tab := q.Get("tab")
	if tab == "" {
		tab = "open"
	}
	f := store.AlertFilter{Limit: followUpPageSize + 1}
	switch tab {
	case "open", "contacted", "closed":
		f.State = nps.AlertState(tab)
	case "overdue":
		f.Overdue = true
	case "all":
	default:
		return badRequest("alert.followups.bad_tab")
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return badRequest("alert.followups.bad_page")
		}
		f.Before = n
	}
	if v := q.Get("account"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nps.ErrNotFound
		}
		f.AccountID = n
	}
	f.OwnerID = ownerScope(a)
	member := f.OwnerID != 0
	items, err := s.db.Alerts(r.Context(), a.Workspace.ID, f)
	if err != nil {
		return err
	}
	p := followUpsPage{appLayout: a.layout(a.M.T("alert.followups.title")), Tab: tab, Tabs: followUpTabs, Now: s.db.Now(), Member: member}
	if len(items) > followUpPageSize {
		items = items[:followUpPageSize]
		next := url.Values{"tab": {tab}, "before": {strconv.FormatInt(items[len(items)-1].ID, 10)}}
		if f.AccountID != 0 {
			next.Set("account", strconv.FormatInt(f.AccountID, 10))
		}
		p.Next = p.Base() + "/followups?" + next.Encode()
	}
	p.Items = items
	return s.render(w, http.StatusOK, "app/followups", p)
}

// followUpOf returns the follow-up of the URL if the reader may see and
// work it: a member only those of their own; another member's is not
// found, like one of another workspace.
func (s *Server) followUpOf(r *http.Request, a *appRequest) (store.AlertItem, error) {
	id, err := appPathID(r, "alert")
	if err != nil {
		return store.AlertItem{}, err
	}
	it, err := s.db.Alert(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return it, err
	}
	if a.Role == nps.RoleMember && !followUpOwnedBy(it, a.User.ID) {
		return store.AlertItem{}, nps.ErrNotFound
	}
	return it, nil
}

func (s *Server) handleFollowUp(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	it, err := s.followUpOf(r, a)
	if err != nil {
		return err
	}
	return s.renderFollowUp(w, a, http.StatusOK, followUpPage{Item: it})
}

func (s *Server) renderFollowUp(w http.ResponseWriter, a *appRequest, status int, p followUpPage) error {
	p.appLayout, p.Now = a.layout(a.M.T("alert.followup.title", "account", p.Item.AccountName)), s.db.Now()
	return s.render(w, status, "app/followup", p)
}

// followUpDone sends the browser back to the follow-up after an action.
func followUpDone(w http.ResponseWriter, r *http.Request, a *appRequest, id int64) error {
	http.Redirect(w, r, a.layout("").Base()+"/followups/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) handleFollowUpContact(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	it, err := s.followUpOf(r, a)
	if err != nil {
		return err
	}
	p := followUpPage{Item: it, ContactAt: r.PostForm.Get("contacted_at"), Note: r.PostForm.Get("note")}
	at, err := appParseTime(a.M, "contacted_at", strings.TrimSpace(p.ContactAt))
	if err != nil {
		p.Invalid = &nps.ValidationError{Field: "contacted_at", Message: a.M.T("alert.error.contacted_at_format")}
		return s.renderFollowUp(w, a, http.StatusUnprocessableEntity, p)
	}
	_, err = s.db.RecordContact(r.Context(), a.Workspace.ID, it.ID, a.User.ID, at, p.Note)
	if ve := asValidation(localValidation(a.M, "alert", err)); ve != nil {
		p.Invalid = ve
		return s.renderFollowUp(w, a, http.StatusUnprocessableEntity, p)
	} else if err != nil {
		return err
	}
	return followUpDone(w, r, a, it.ID)
}

func (s *Server) handleFollowUpClose(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	it, err := s.followUpOf(r, a)
	if err != nil {
		return err
	}
	p := followUpPage{Item: it, CloseNote: r.PostForm.Get("note")}
	_, err = s.db.CloseAlert(r.Context(), a.Workspace.ID, it.ID, a.User.ID, p.CloseNote)
	if ve := asValidation(localValidation(a.M, "alert", err)); ve != nil {
		// The closing form's note is its own field on the page.
		p.Invalid = &nps.ValidationError{Field: "close_" + ve.Field, Message: ve.Message}
		return s.renderFollowUp(w, a, http.StatusUnprocessableEntity, p)
	} else if err != nil {
		return err
	}
	return followUpDone(w, r, a, it.ID)
}

func (s *Server) handleFollowUpReopen(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	it, err := s.followUpOf(r, a)
	if err != nil {
		return err
	}
	if _, err := s.db.ReopenAlert(r.Context(), a.Workspace.ID, it.ID, a.User.ID); err != nil {
		return err
	}
	return followUpDone(w, r, a, it.ID)
}

// FollowUpDeadline says where a follow-up stands against its deadline at now:
// "due in 2 working days", "overdue by 3 hours", or its outcome.
func (l appLayout) FollowUpDeadline(it store.AlertItem, now time.Time) string {
	switch {
	case it.DueAt.IsZero():
		return l.T("alert.due.none")
	case it.State == nps.AlertContacted && it.InTime():
		return l.T("alert.due.in_time")
	case it.State == nps.AlertContacted:
		return l.T("alert.due.late", "time", l.alertSpan(it.DueAt, it.ContactedAt))
	case it.State == nps.AlertClosed:
		return l.T("alert.due.closed")
	case now.After(it.DueAt):
		return l.T("alert.due.overdue", "time", l.alertSpan(it.DueAt, now))
	}
	return l.T("alert.due.in", "time", l.alertSpan(now, it.DueAt))
}

// alertSpan says how long from a to b is: in working days when a working day
// or more, else in hours (at least one).
func (l appLayout) alertSpan(a, b time.Time) string {
	days := 0
	for next := nps.AddWorkingDays(a, 1); !next.After(b); next = nps.AddWorkingDays(next, 1) {
		days++
	}
	if days > 0 {
		if days == 1 {
			return l.T("alert.span.day")
		}
		return l.T("alert.span.days", "n", days)
	}
	hours := int(math.Ceil(b.Sub(a).Hours()))
	if hours <= 1 {
		return l.T("alert.span.hour")
	}
	return l.T("alert.span.hours", "n", hours)
}

// AlertExcerpt shortens a comment for a list, at a word where it can.
func (l appLayout) AlertExcerpt(s string) string {
	const n = 120
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// CanWorkFollowUp reports whether the reader may act on the follow-up: a member
// on their own (the only ones they see), analysts and owners on all.
func (l appLayout) CanWorkFollowUp(it store.AlertItem) bool {
	return l.Can(nps.RoleAnalyst) || (l.Role == nps.RoleMember && followUpOwnedBy(it, l.User.ID))
}

// followUpOwnedBy reports whether the follow-up is the user's: raised
// for them, or of an account they own.
func followUpOwnedBy(it store.AlertItem, userID int64) bool {
	return it.OwnerID == userID || it.AccountOwnerID == userID
}

// AlertLocalTime is a time as an <input type="datetime-local"> shows it.
func (l appLayout) AlertLocalTime(t time.Time) string { return t.UTC().Format(appLocalTime) }
