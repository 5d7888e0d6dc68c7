package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// handlePlanItemAdd adds an action, note, link or update to a plan; a
// shared update may go to the account's contacts by email.
func (s *Server) handlePlanItemAdd(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, acc, err := s.planFor(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	f := itemForm{Kind: r.PostFormValue("kind"), Body: strings.TrimSpace(r.PostFormValue("body")), URL: strings.TrimSpace(r.PostFormValue("url")),
		Owner: r.PostFormValue("owner"), DueOn: strings.TrimSpace(r.PostFormValue("due_on")), Status: r.PostFormValue("status"),
		Shareable: r.PostFormValue("shareable") != "", Email: r.PostFormValue("email") != ""}
	it := nps.PlanItem{PlanID: p.ID, Kind: nps.ItemKind(f.Kind), Body: f.Body, URL: f.URL, DueOn: f.DueOn,
		Status: nps.ActionStatus(f.Status), Shareable: f.Shareable, CreatedBy: a.User.ID}
	if f.Owner != "" {
		if it.OwnerID, err = strconv.ParseInt(f.Owner, 10, 64); err != nil {
			return nps.ErrNotFound
		}
	}
	var mailer store.UpdateMailer
	if f.Email && it.Kind == nps.ItemUpdate && it.Shareable {
		mailer = s.updateMailer(r, a)
	}
	it, err = s.db.AddPlanItem(r.Context(), a.Workspace.ID, it, mailer)
	var ve *nps.ValidationError
	if errors.As(err, &ve) {
		return s.renderPlan(w, r, a, p, acc, http.StatusUnprocessableEntity, f, planForm{Title: p.Title, Problem: p.Problem}, s.planError(a, ve))
	}
	if err != nil {
		return err
	}
	planBack(w, r, a, p, "#item-"+strconv.FormatInt(it.ID, 10))
	return nil
}

func (s *Server) handlePlanItemUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, acc, err := s.planFor(r, a)
	if err != nil {
		return err
	}
	it, err := s.planItemOf(r, a, p)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	var u nps.PlanItemUpdate
	form := r.PostForm
	if _, ok := form["body"]; ok {
		v := strings.TrimSpace(form.Get("body"))
		u.Body = &v
	}
	if _, ok := form["status"]; ok {
		v := nps.ActionStatus(form.Get("status"))
		u.Status = &v
	}
	if _, ok := form["due_on"]; ok {
		v := strings.TrimSpace(form.Get("due_on"))
		u.DueOn = &v
	}
	if _, ok := form["owner"]; ok {
		var v int64
		if o := form.Get("owner"); o != "" {
			if v, err = strconv.ParseInt(o, 10, 64); err != nil {
				return nps.ErrNotFound
			}
		}
		u.OwnerID = &v
	}
	if _, ok := form["shareable"]; ok {
		v := form.Get("shareable") == "true"
		u.Shareable = &v
	}
	_, err = s.db.UpdatePlanItem(r.Context(), a.Workspace.ID, it.ID, u)
	var ve *nps.ValidationError
	if errors.As(err, &ve) {
		return s.renderPlan(w, r, a, p, acc, http.StatusUnprocessableEntity, itemForm{Kind: "action"}, planForm{Title: p.Title, Problem: p.Problem}, s.planError(a, ve))
	}
	if err != nil {
		return err
	}
	planBack(w, r, a, p, "#item-"+strconv.FormatInt(it.ID, 10))
	return nil
}

// planItemOf reads the item of the URL, which must be of plan p.
func (s *Server) planItemOf(r *http.Request, a *appRequest, p nps.Plan) (nps.PlanItem, error) {
	id, err := appPathID(r, "item")
	if err != nil {
		return nps.PlanItem{}, err
	}
	it, err := s.db.PlanItem(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return nps.PlanItem{}, err
	}
	if it.PlanID != p.ID {
		return nps.PlanItem{}, nps.ErrNotFound
	}
	return it, nil
}

func (s *Server) handlePlanItemDelete(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, _, err := s.planFor(r, a)
	if err != nil {
		return err
	}
	it, err := s.planItemOf(r, a, p)
	if err != nil {
		return err
	}
	if err := s.db.DeletePlanItem(r.Context(), a.Workspace.ID, it.ID); err != nil {
		return err
	}
	planBack(w, r, a, p, "")
	return nil
}
