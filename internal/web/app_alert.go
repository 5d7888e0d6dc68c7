package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
)

// recommendedRule is the rule a new workspace is offered: every
// detractor, to be contacted within two working days.
func recommendedRule(m i18n.Messages) nps.AlertRule {
	return nps.AlertRule{Name: m.T("alert.rule.recommended_name"), Kind: nps.RuleScore, MaxScore: 6,
		FollowUpDays: nps.DefaultFollowUpDays, Active: true}
}

// alertRuleForm is the rule form's input as typed.
type alertRuleForm struct {
	Name, Kind, MaxScore, MinDrop, Keywords, SilentMonths, MinRevenue, FollowUpDays string
	Active                                                                          bool
}

// alertRuleFormOf is the form of a stored rule.
func alertRuleFormOf(r nps.AlertRule) alertRuleForm {
	f := alertRuleForm{Name: r.Name, Kind: string(r.Kind), FollowUpDays: strconv.Itoa(r.FollowUpDays), Active: r.Active,
		MaxScore: "6", MinDrop: "3", SilentMonths: "6", MinRevenue: "0"}
	switch r.Kind {
	case nps.RuleScore:
		f.MaxScore = strconv.Itoa(r.MaxScore)
	case nps.RuleDrop:
		f.MinDrop = strconv.Itoa(r.MinDrop)
	case nps.RuleKeyword:
		f.Keywords = strings.Join(r.Keywords, "\n")
	case nps.RuleSilent:
		f.SilentMonths = strconv.Itoa(r.SilentMonths)
		f.MinRevenue = strconv.FormatInt(r.MinRevenueCents/100, 10)
		if r.MinRevenueCents%100 != 0 {
			// Cents shown, or saving the form unchanged would drop them.
			f.MinRevenue = formatCents(r.MinRevenueCents)
		}
	}
	return f
}

// newAlertRuleForm is the empty form: a score rule with the default
// deadline, active.
func newAlertRuleForm() alertRuleForm {
	return alertRuleFormOf(nps.AlertRule{Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: nps.DefaultFollowUpDays, Active: true})
}

func readAlertRuleForm(r *http.Request) alertRuleForm {
	v := r.PostForm.Get
	return alertRuleForm{Name: v("name"), Kind: v("kind"), MaxScore: v("max_score"), MinDrop: v("min_drop"),
		Keywords: v("keywords"), SilentMonths: v("silent_months"), MinRevenue: v("min_revenue"),
		FollowUpDays: v("followup_days"), Active: v("active") != ""}
}

// rule reads the form; numbers that are not numbers are a validation
// error in the language of m. Only the chosen kind's fields are read.
func (f alertRuleForm) rule(m i18n.Messages) (nps.AlertRule, error) {
	r := nps.AlertRule{Name: f.Name, Kind: nps.RuleKind(f.Kind), Active: f.Active, FollowUpDays: nps.DefaultFollowUpDays}
	num := func(field, s string) (int64, error) {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return 0, &nps.ValidationError{Field: field, Message: m.T("alert.rule.error.number")}
		}
		return n, nil
	}
	if strings.TrimSpace(f.FollowUpDays) != "" {
		n, err := num("followup_days", f.FollowUpDays)
		if err != nil {
			return r, err
		}
		r.FollowUpDays = int(n)
	}
	var err error
	var n int64
	switch r.Kind {
	case nps.RuleScore:
		n, err = num("max_score", f.MaxScore)
		r.MaxScore = int(n)
	case nps.RuleDrop:
		n, err = num("min_drop", f.MinDrop)
		r.MinDrop = int(n)
	case nps.RuleKeyword:
		r.Keywords, err = nps.ParseKeywords(f.Keywords)
		err = localValidation(m, "alert", err)
	case nps.RuleSilent:
		if n, err = num("silent_months", f.SilentMonths); err == nil {
			r.SilentMonths = int(n)
			if strings.TrimSpace(f.MinRevenue) != "" {
				if r.MinRevenueCents, err = importer.ParseAmount(f.MinRevenue); err != nil {
					err = &nps.ValidationError{Field: "min_revenue", Message: m.T("alert.rule.error.number")}
				}
			}
		}
	}
	return r, err
}

// alertRulesPage lists the rules and, for owners, the form to add one.
type alertRulesPage struct {
	appLayout
	appFormErrors
	Rules []nps.AlertRule
	Form  alertRuleForm
	// Notice is a message about what was just done.
	Notice string
}

// alertRulePage is one rule: its form for owners, read-only otherwise.
type alertRulePage struct {
	appLayout
	appFormErrors
	Rule nps.AlertRule
	Form alertRuleForm
}

// RuleKinds are the kinds the form offers.
func (l appLayout) RuleKinds() []nps.RuleKind { return nps.RuleKinds }

// RuleSummary says in words what a rule looks for.
func (l appLayout) RuleSummary(r nps.AlertRule) string {
	var s string
	switch r.Kind {
	case nps.RuleScore:
		s = l.T("alert.rule.summary.score", "score", r.MaxScore)
	case nps.RuleDrop:
		s = l.T("alert.rule.summary.drop", "points", r.MinDrop)
	case nps.RuleKeyword:
		s = l.T("alert.rule.summary.keyword", "keywords", strings.Join(r.Keywords, ", "))
	case nps.RuleSilent:
		s = l.T("alert.rule.summary.silent", "months", r.SilentMonths, "revenue", l.Money(r.MinRevenueCents))
	}
	if r.FollowUpDays == 1 {
		return s + "; " + l.T("alert.rule.summary.followup_one")
	}
	if r.FollowUpDays > 1 {
		return s + "; " + l.T("alert.rule.summary.followup", "days", r.FollowUpDays)
	}
	return s + "; " + l.T("alert.rule.summary.no_followup")
}

// localValidation puts a validation error of the store in the page's
// language: the catalog's message for the field ("<area>.error.<field>")
// where it has one, else the domain's own words. Other errors pass.
func localValidation(m i18n.Messages, area string, err error) error {
	ve := asValidation(err)
	if ve == nil {
		return err
	}
	msg := ve.Message
	if key := area + ".error." + ve.Field; m.T(key) != key {
		msg = m.T(key)
	}
	return &nps.ValidationError{Field: ve.Field, Message: msg}
}

// asValidation returns err's validation error, nil when it has none.
func asValidation(err error) *nps.ValidationError {
	var ve *nps.ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	return nil
}

func (s *Server) handleAlertRules(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p := alertRulesPage{Form: newAlertRuleForm()}
	switch r.URL.Query().Get("done") {
	case "deleted":
		p.Notice = a.M.T("alert.rule.deleted")
	case "deactivated":
		p.Notice = a.M.T("alert.rule.deactivated")
	}
	return s.renderAlertRules(w, r, a, http.StatusOK, p)
}

func (s *Server) renderAlertRules(w http.ResponseWriter, r *http.Request, a *appRequest, status int, p alertRulesPage) error {
	rules, err := s.db.AlertRules(r.Context(), a.Workspace.ID)
	if err != nil {
		return err
	}
	p.appLayout, p.Rules = a.layout(a.M.T("alert.rules.title")), rules
	return s.render(w, status, "app/alert_rules", p)
}

func (s *Server) handleAlertRuleCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	f := readAlertRuleForm(r)
	rule, err := f.rule(a.M)
	if err == nil {
		_, err = s.db.CreateAlertRule(r.Context(), a.Workspace.ID, rule)
		err = localValidation(a.M, "alert", err)
	}
	if ve := asValidation(err); ve != nil {
		return s.renderAlertRules(w, r, a, http.StatusUnprocessableEntity, alertRulesPage{appFormErrors: appFormErrors{ve}, Form: f})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/alert-rules", http.StatusSeeOther)
	return nil
}

func (s *Server) handleAlertRuleRecommended(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	if _, err := s.db.CreateAlertRule(r.Context(), a.Workspace.ID, recommendedRule(a.M)); err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/alert-rules", http.StatusSeeOther)
	return nil
}

func (s *Server) handleAlertRule(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "rule")
	if err != nil {
		return err
	}
	rule, err := s.db.AlertRule(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/alert_rule", alertRulePage{appLayout: a.layout(rule.Name), Rule: rule, Form: alertRuleFormOf(rule)})
}

func (s *Server) handleAlertRuleUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "rule")
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	old, err := s.db.AlertRule(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return err
	}
	f := readAlertRuleForm(r)
	rule, err := f.rule(a.M)
	if err == nil {
		_, err = s.db.UpdateAlertRule(r.Context(), a.Workspace.ID, id, rule)
		err = localValidation(a.M, "alert", err)
	}
	if ve := asValidation(err); ve != nil {
		return s.render(w, http.StatusUnprocessableEntity, "app/alert_rule",
			alertRulePage{appLayout: a.layout(old.Name), appFormErrors: appFormErrors{ve}, Rule: old, Form: f})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/alert-rules", http.StatusSeeOther)
	return nil
}

func (s *Server) handleAlertRuleDelete(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "rule")
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	deleted, err := s.db.DeleteAlertRule(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return err
	}
	done := "deactivated"
	if deleted {
		done = "deleted"
	}
	http.Redirect(w, r, a.layout("").Base()+"/alert-rules?"+url.Values{"done": {done}}.Encode(), http.StatusSeeOther)
	return nil
}
