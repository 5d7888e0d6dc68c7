package web

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// Improvement plans. A plan belongs to an account; a member (an account
// manager) sees and works on the plans of the accounts they own only,
// and any other plan is not found; a viewer reads; analysts and owners
// work on every plan. The customer page of an account is plan_page.go.

// ownerScope is the owner a member's lists are kept to: the member
// themselves; 0 for the other roles, who see everything.
func ownerScope(a *appRequest) int64 {
	if a.Role == nps.RoleMember {
		return a.User.ID
	}
	return 0
}

// accountFor reads an account the user may see: a member's own only,
// any other being not found, as one of another workspace.
func (s *Server) accountFor(r *http.Request, a *appRequest, id int64) (nps.Account, error) {
	acc, err := s.db.Account(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return nps.Account{}, err
	}
	if a.Role == nps.RoleMember && acc.OwnerID != a.User.ID {
		return nps.Account{}, nps.ErrNotFound
	}
	return acc, nil
}

// planFor reads the plan of the URL and its account, for a user who may
// see it.
func (s *Server) planFor(r *http.Request, a *appRequest) (nps.Plan, nps.Account, error) {
	id, err := appPathID(r, "plan")
	if err != nil {
		return nps.Plan{}, nps.Account{}, err
	}
	p, err := s.db.Plan(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return nps.Plan{}, nps.Account{}, err
	}
	acc, err := s.accountFor(r, a, p.AccountID)
	return p, acc, err
}

// plansPage lists the plans.
type plansPage struct {
	appLayout
	State string
	Plans []store.PlanSummary
	// Owners name the accounts' owners by ID.
	Owners map[int64]string
}

// OwnerName returns the name of a user of the workspace.
func (p plansPage) OwnerName(id int64) string { return p.Owners[id] }

func (s *Server) handlePlans(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p := plansPage{appLayout: a.layout(a.M.T("plan.plans")), State: r.URL.Query().Get("state")}
	f := store.PlanFilter{OwnerID: ownerScope(a)}
	switch p.State {
	case "", "all":
		p.State = "all"
	case "open", "done":
		f.State = nps.PlanState(p.State)
	default:
		return badRequest("app.error.bad_filter")
	}
	var err error
	if p.Plans, err = s.db.Plans(r.Context(), a.Workspace.ID, f); err != nil {
		return err
	}
	if p.Owners, err = s.memberNames(r, a); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/plans", p)
}

// memberNames names the workspace's users by ID.
func (s *Server) memberNames(r *http.Request, a *appRequest) (map[int64]string, error) {
	members, err := s.db.Members(r.Context(), a.Workspace.ID)
	names := map[int64]string{}
	for _, m := range members {
		names[m.User.ID] = cmp.Or(m.User.Name, m.User.Email)
	}
	return names, err
}

// planNewPage is the form that starts a plan for an account, with the
// account's latest responses to link.
type planNewPage struct {
	appLayout
	Account   nps.Account
	Responses []store.ListedResponse
	Form      planForm
	Error     string
}

// planForm is a plan's form as typed.
type planForm struct {
	Title, Problem string
	ResponseIDs    []int64
}

// Linked reports whether the form links response id.
func (f planForm) Linked(id int64) bool {
	for _, v := range f.ResponseIDs {
		if v == id {
			return true
		}
	}
	return false
}

func (s *Server) handlePlanNew(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := strconv.ParseInt(r.URL.Query().Get("account"), 10, 64)
	if err != nil {
		return nps.ErrNotFound
	}
	acc, err := s.accountFor(r, a, id)
	if err != nil {
		return err
	}
	return s.renderPlanNew(w, r, a, acc, http.StatusOK, planForm{}, "")
}

func (s *Server) renderPlanNew(w http.ResponseWriter, r *http.Request, a *appRequest, acc nps.Account, status int, f planForm, msg string) error {
	page, err := s.db.LatestResponses(r.Context(), a.Workspace.ID, store.ResponseFilter{AccountID: acc.ID, Limit: 50})
	if err != nil {
		return err
	}
	return s.render(w, status, "app/plan_new", planNewPage{appLayout: a.layout(a.M.T("plan.new")), Account: acc,
		Responses: page.Responses, Form: f, Error: msg})
}

func (s *Server) handlePlanCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("account"), 10, 64)
	if err != nil {
		return nps.ErrNotFound
	}
	acc, err := s.accountFor(r, a, id)
	if err != nil {
		return err
	}
	f := planForm{Title: strings.TrimSpace(r.PostFormValue("title")), Problem: strings.TrimSpace(r.PostFormValue("problem"))}
	for _, v := range r.PostForm["response"] {
		rid, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nps.ErrNotFound
		}
		f.ResponseIDs = append(f.ResponseIDs, rid)
	}
	p, err := s.db.CreatePlan(r.Context(), a.Workspace.ID, nps.Plan{AccountID: acc.ID, Title: f.Title, Problem: f.Problem, CreatedBy: a.User.ID}, f.ResponseIDs)
	var ve *nps.ValidationError
	if errors.As(err, &ve) {
		return s.renderPlanNew(w, r, a, acc, http.StatusUnprocessableEntity, f, s.planError(a, ve))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/plans/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
	return nil
}

// planError says what is wrong with a form's field in the reader's
// language.
func (s *Server) planError(a *appRequest, ve *nps.ValidationError) string {
	return a.M.T("plan.error.field", "field", a.M.T("plan.field."+ve.Field), "problem", ve.Message)
}

// planPage is one plan: its problem, the customer's linked answers and
// its items by kind, with the forms to change them.
type planPage struct {
	appLayout
	Plan    nps.Plan
	Account nps.Account
	Linked  []nps.Response
	// Linkable are the account's latest responses not linked yet.
	Linkable                      []store.ListedResponse
	Actions, Notes, Links, Update []nps.PlanItem
	// Emails counts each update's emails: queued and sent.
	Emails  map[int64]emailCount
	Members []store.Member
	Owners  map[int64]string
	// PageURL is the customer page's address.
	PageURL string
	Today   string
	Form    itemForm
	Edit    planForm
	Error   string
}

type emailCount struct{ Queued, Sent, Failed int }

// OwnerName returns the name of a user of the workspace.
func (p planPage) OwnerName(id int64) string { return p.Owners[id] }

// Overdue reports whether an action's due date has passed.
func (p planPage) Overdue(it nps.PlanItem) bool {
	return it.Kind == nps.ItemAction && it.Status != nps.StatusDone && it.DueOn != "" && it.DueOn < p.Today
}

// shareForm is the button that shows an item to the customer or hides
// it.
type shareForm struct{ Action, Value, Label string }

// Share returns the share button of an item.
func (p planPage) Share(it nps.PlanItem) shareForm {
	f := shareForm{Action: p.Base() + "/plans/" + strconv.FormatInt(p.Plan.ID, 10) + "/items/" + strconv.FormatInt(it.ID, 10),
		Value: "true", Label: p.T("plan.share")}
	if it.Shareable {
		f.Value, f.Label = "false", p.T("plan.unshare")
	}
	return f
}

// itemForm is the form that adds an item, as typed.
type itemForm struct {
	Kind, Body, URL, Owner, DueOn, Status string
	Shareable, Email                      bool
}

func (s *Server) handlePlan(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, acc, err := s.planFor(r, a)
	if err != nil {
		return err
	}
	return s.renderPlan(w, r, a, p, acc, http.StatusOK, itemForm{Kind: "action"}, planForm{Title: p.Title, Problem: p.Problem}, "")
}

func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, a *appRequest, p nps.Plan, acc nps.Account, status int, f itemForm, edit planForm, msg string) error {
	ctx, ws := r.Context(), a.Workspace.ID
	pg := planPage{appLayout: a.layout(p.Title), Plan: p, Account: acc, Form: f, Edit: edit, Error: msg,
		Emails: map[int64]emailCount{}, Today: s.db.Now().UTC().Format("2006-01-02")}
	var err error
	if pg.Linked, err = s.db.PlanResponses(ctx, ws, p.ID); err != nil {
		return err
	}
	latest, err := s.db.LatestResponses(ctx, ws, store.ResponseFilter{AccountID: acc.ID, Limit: 50})
	if err != nil {
		return err
	}
	linked := map[int64]bool{}
	for _, resp := range pg.Linked {
		linked[resp.ID] = true
	}
	for _, resp := range latest.Responses {
		if !linked[resp.ID] {
			pg.Linkable = append(pg.Linkable, resp)
		}
	}
	items, err := s.db.PlanItems(ctx, ws, p.ID)
	if err != nil {
		return err
	}
	var updates []int64
	for _, it := range items {
		if it.Kind == nps.ItemUpdate {
			updates = append(updates, it.ID)
		}
	}
	emails, err := s.db.NotificationsOf(ctx, ws, nps.NotifyUpdate, updates)
	if err != nil {
		return err
	}
	for _, it := range items {
		switch it.Kind {
		case nps.ItemAction:
			pg.Actions = append(pg.Actions, it)
		case nps.ItemNote:
			pg.Notes = append(pg.Notes, it)
		case nps.ItemLink:
			pg.Links = append(pg.Links, it)
		case nps.ItemUpdate:
			pg.Update = append(pg.Update, it)
			var c emailCount
			for _, n := range emails[it.ID] {
				switch n.State {
				case nps.NotificationSent:
					c.Sent++
				case nps.NotificationFailed:
					c.Failed++
				default:
					c.Queued++
				}
			}
			pg.Emails[it.ID] = c
		}
	}
	if pg.Members, err = s.db.Members(ctx, ws); err != nil {
		return err
	}
	pg.Owners = map[int64]string{}
	for _, m := range pg.Members {
		pg.Owners[m.User.ID] = cmp.Or(m.User.Name, m.User.Email)
	}
	token, err := s.db.AccountPage(ctx, ws, acc.ID)
	if err != nil {
		return err
	}
	pg.PageURL = s.absoluteURL(r, "/y/"+token)
	return s.render(w, status, "app/plan", pg)
}

// planBack redirects to the plan's page, at anchor.
func planBack(w http.ResponseWriter, r *http.Request, a *appRequest, p nps.Plan, anchor string) {
	http.Redirect(w, r, a.layout("").Base()+"/plans/"+strconv.FormatInt(p.ID, 10)+anchor, http.StatusSeeOther)
}

func (s *Server) handlePlanUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, acc, err := s.planFor(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	var u nps.PlanUpdate
	edit := planForm{Title: p.Title, Problem: p.Problem}
	if _, ok := r.PostForm["title"]; ok {
		edit.Title = strings.TrimSpace(r.PostFormValue("title"))
		u.Title = &edit.Title
	}
	if _, ok := r.PostForm["problem"]; ok {
		edit.Problem = strings.TrimSpace(r.PostFormValue("problem"))
		u.Problem = &edit.Problem
	}
	if v := r.PostFormValue("state"); v != "" {
		st := nps.PlanState(v)
		u.State = &st
	}
	_, err = s.db.UpdatePlan(r.Context(), a.Workspace.ID, p.ID, u)
	var ve *nps.ValidationError
	if errors.As(err, &ve) {
		return s.renderPlan(w, r, a, p, acc, http.StatusUnprocessableEntity, itemForm{Kind: "action"}, edit, s.planError(a, ve))
	}
	if err != nil {
		return err
	}
	planBack(w, r, a, p, "")
	return nil
}

func (s *Server) handlePlanLink(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, acc, err := s.planFor(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("response"), 10, 64)
	if err != nil {
		return nps.ErrNotFound
	}
	err = s.db.LinkPlanResponse(r.Context(), a.Workspace.ID, p.ID, id)
	var ve *nps.ValidationError
	if errors.As(err, &ve) {
		return s.renderPlan(w, r, a, p, acc, http.StatusUnprocessableEntity, itemForm{Kind: "action"}, planForm{Title: p.Title, Problem: p.Problem}, s.planError(a, ve))
	}
	if err != nil {
		return err
	}
	planBack(w, r, a, p, "#said")
	return nil
}

func (s *Server) handlePlanUnlink(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, _, err := s.planFor(r, a)
	if err != nil {
		return err
	}
	id, err := appPathID(r, "response")
	if err != nil {
		return err
	}
	if err := s.db.UnlinkPlanResponse(r.Context(), a.Workspace.ID, p.ID, id); err != nil {
		return err
	}
	planBack(w, r, a, p, "#said")
	return nil
}

func (s *Server) handleAccountPageRotate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "account")
	if err != nil {
		return err
	}
	acc, err := s.accountFor(r, a, id)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	if _, err := s.db.RotateAccountPage(r.Context(), a.Workspace.ID, acc.ID); err != nil {
		return err
	}
	back := a.layout("").Base() + "/accounts/" + strconv.FormatInt(acc.ID, 10) + "#plans"
	if v := r.PostFormValue("plan"); v != "" {
		if pid, err := strconv.ParseInt(v, 10, 64); err == nil && pid > 0 {
			back = a.layout("").Base() + "/plans/" + strconv.FormatInt(pid, 10) + "#customer-page"
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// accountLoop is what the account page shows of the closed loop: the
// account's plans, the form that starts one and its timeline.
type accountLoop struct {
	Plans    []store.PlanSummary
	Timeline []store.TimelineEntry
	// CanPlan says whether the reader may start a plan.
	CanPlan bool
}

// timelineLimit is how many entries the account page shows.
const timelineLimit = 100

// accountLoopOf reads the account page's loop sections.
func (s *Server) accountLoopOf(r *http.Request, a *appRequest, acc nps.Account) (accountLoop, error) {
	l := accountLoop{CanPlan: roleAllows(a.Role, nps.RoleMember)}
	var err error
	if l.Plans, err = s.db.Plans(r.Context(), a.Workspace.ID, store.PlanFilter{AccountID: acc.ID}); err != nil {
		return l, err
	}
	l.Timeline, err = s.db.Timeline(r.Context(), a.Workspace.ID, acc.ID, timelineLimit)
	return l, err
}
