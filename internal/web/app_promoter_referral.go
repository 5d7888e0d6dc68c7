package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// Referrals: who referred which new account, thanked yet, and the
// revenue the referrals brought. A member records and changes the
// referrals of the accounts they own (as referrer).

// referralAccountChoices bounds the accounts the form's menus offer.
const referralAccountChoices = 5000

// referralsPage lists the referrals with their totals and the form to
// record one.
type referralsPage struct {
	appLayout
	List      store.ReferralList
	Thanked   nps.Share
	Referrers []nps.Account
	Accounts  []nps.Account
	Form      referralForm
	Error     string
}

// referralForm is the form as typed, to show again with an error.
type referralForm struct{ Referrer, Referred, Contact, Note string }

// ThankedPercent shows the share of referrals thanked: "50%".
func (p referralsPage) ThankedPercent() string { return percent(p.Thanked.Part, p.Thanked.Whole) }

func (s *Server) handleReferrals(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.renderReferrals(w, r, a, http.StatusOK, referralForm{}, "")
}

func (s *Server) renderReferrals(w http.ResponseWriter, r *http.Request, a *appRequest, status int, f referralForm, msg string) error {
	ctx, ws := r.Context(), a.Workspace.ID
	p := referralsPage{appLayout: a.layout(a.M.T("referral.title")), Form: f, Error: msg}
	var err error
	if p.List, err = s.db.Referrals(ctx, ws, store.ReferralFilter{OwnerID: ownerScope(a)}); err != nil {
		return err
	}
	p.Thanked = nps.Share{Part: p.List.Thanked, Whole: p.List.Total}
	if p.Can(nps.RoleMember) {
		if p.Referrers, err = s.db.Accounts(ctx, ws, store.AccountFilter{OwnerID: ownerScope(a), Limit: referralAccountChoices}); err != nil {
			return err
		}
		// The new account may be anyone's; an analyst's referrers are
		// every account already.
		p.Accounts = p.Referrers
		if ownerScope(a) != 0 {
			if p.Accounts, err = s.db.Accounts(ctx, ws, store.AccountFilter{Limit: referralAccountChoices}); err != nil {
				return err
			}
		}
	}
	return s.render(w, status, "app/referrals", p)
}

// referralsBack sends the browser to the referrals after a POST.
func referralsBack(w http.ResponseWriter, r *http.Request, a *appRequest) {
	http.Redirect(w, r, a.layout("").Base()+"/referrals", http.StatusSeeOther)
}

func (s *Server) handleReferralCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	f := referralForm{Referrer: r.PostFormValue("referrer"), Referred: r.PostFormValue("referred"),
		Contact: strings.TrimSpace(r.PostFormValue("contact")), Note: strings.TrimSpace(r.PostFormValue("note"))}
	invalid := func(key string) error {
		return s.renderReferrals(w, r, a, http.StatusUnprocessableEntity, f, a.M.T(key))
	}
	ref := nps.Referral{Note: f.Note, CreatedBy: a.User.ID}
	var err error
	if ref.ReferrerAccountID, err = strconv.ParseInt(f.Referrer, 10, 64); err != nil || ref.ReferrerAccountID <= 0 {
		return invalid("referral.err.referrer")
	}
	if ref.ReferredAccountID, err = strconv.ParseInt(f.Referred, 10, 64); err != nil || ref.ReferredAccountID <= 0 {
		return invalid("referral.err.referred")
	}
	if f.Contact != "" {
		email := nps.NormalizeEmail(f.Contact)
		found, err := s.db.FindRefs(r.Context(), a.Workspace.ID, store.Refs{ContactEmails: []string{email}})
		if err != nil {
			return err
		}
		if ref.ReferrerContactID = found.ContactByEmail[email]; ref.ReferrerContactID == 0 {
			return invalid("referral.err.contact_unknown")
		}
	}
	_, err = s.db.CreateReferral(r.Context(), a.Workspace.ID, ref, ownerScope(a))
	var ve *nps.ValidationError
	switch {
	case errors.As(err, &ve):
		if ve.Field == "referred" && ref.ReferrerAccountID == ref.ReferredAccountID {
			return invalid("referral.err.self")
		}
		return invalid("referral.err." + ve.Field)
	case errors.Is(err, nps.ErrConflict):
		return s.renderReferrals(w, r, a, http.StatusConflict, f, a.M.T("referral.err.twice"))
	case errors.Is(err, nps.ErrNotFound):
		// An account or contact of another workspace, or a member's
		// referrer of another owner: the form's menus offer neither.
		return invalid("referral.err.referrer")
	case err != nil:
		return err
	}
	referralsBack(w, r, a)
	return nil
}

func (s *Server) handleReferralThanked(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "referral")
	if err != nil {
		return err
	}
	if err := s.db.MarkReferralThanked(r.Context(), a.Workspace.ID, id, ownerScope(a)); err != nil {
		return err
	}
	referralsBack(w, r, a)
	return nil
}

func (s *Server) handleReferralThankEmail(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "referral")
	if err != nil {
		return err
	}
	ctx, ws := r.Context(), a.Workspace.ID
	ref, err := s.db.Referral(ctx, ws, id, ownerScope(a))
	if err != nil {
		return err
	}
	if ref.ReferrerContactID == 0 {
		return s.renderReferrals(w, r, a, http.StatusUnprocessableEntity, referralForm{}, a.M.T("referral.err.no_contact"))
	}
	c, err := s.db.Contact(ctx, ws, ref.ReferrerContactID)
	if err != nil {
		return err
	}
	referrer, err := s.db.Account(ctx, ws, ref.ReferrerAccountID)
	if err != nil {
		return err
	}
	n, err := s.thankYouEmail(a.Workspace, c, referrer, store.PromoterAnswer{}, ref.ReferredName)
	if err != nil {
		return err
	}
	act := nps.PromoterAction{CreatedBy: a.User.ID, Note: a.M.T("referral.thank_note", "account", ref.ReferredName)}
	_, err = s.db.ThankReferral(ctx, ws, id, ownerScope(a), act, n)
	switch {
	case errors.Is(err, nps.ErrNoEmail):
		return s.renderReferrals(w, r, a, http.StatusConflict, referralForm{}, a.M.T("promoter.no_email"))
	case errors.Is(err, nps.ErrOptedOut):
		return s.renderReferrals(w, r, a, http.StatusConflict, referralForm{}, a.M.T("promoter.opted_out"))
	case err != nil:
		return err
	}
	referralsBack(w, r, a)
	return nil
}

func (s *Server) handleReferralDelete(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "referral")
	if err != nil {
		return err
	}
	if err := s.db.DeleteReferral(r.Context(), a.Workspace.ID, id, ownerScope(a)); err != nil {
		return err
	}
	referralsBack(w, r, a)
	return nil
}
