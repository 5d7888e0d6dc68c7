package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// appSettingsPage is the data of the workspace's settings.
type appSettingsPage struct {
	appLayout
	appFormErrors
	FatigueDays     string
	RetentionMonths string
	Saved           bool
	// ConfirmRetention, when set, is the shorter retention period the
	// owner is asked to confirm before it is saved.
	ConfirmRetention int
	// MinRetention and MaxRetention bound the retention period in months.
	MinRetention, MaxRetention int
}

func (s *Server) settingsPage(a *appRequest) appSettingsPage {
	return appSettingsPage{appLayout: a.layout(a.M.T("app.settings.title")),
		MinRetention: nps.MinRetentionMonths, MaxRetention: nps.MaxRetentionMonths}
}

func (s *Server) handleAppSettings(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p := s.settingsPage(a)
	p.FatigueDays, p.Saved = strconv.Itoa(a.Workspace.FatigueDays), r.URL.Query().Get("saved") == "1"
	if a.Workspace.RetentionMonths > 0 {
		p.RetentionMonths = strconv.Itoa(a.Workspace.RetentionMonths)
	}
	return s.render(w, http.StatusOK, "app/settings", p)
}

// handleAppSettingsUpdate validates both settings, then saves them in one
// transaction with their audit entries; a refused one shows the form
// again with what was typed, and nothing is saved. A shorter retention
// period (or a first one) erases years of data within the hour, so it is
// saved only when the form confirms that very period.
func (s *Server) handleAppSettingsUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	p := s.settingsPage(a)
	p.FatigueDays = strings.TrimSpace(r.PostForm.Get("fatigue_days"))
	p.RetentionMonths = strings.TrimSpace(r.PostForm.Get("retention_months"))
	days, months, err := parseSettings(a, p.FatigueDays, p.RetentionMonths)
	if err == nil && shrinks(a.Workspace.RetentionMonths, months) && r.PostForm.Get("confirm_retention") != strconv.Itoa(months) {
		p.ConfirmRetention = months
		return s.render(w, http.StatusOK, "app/settings", p)
	}
	if err == nil {
		err = s.db.SetSettings(r.Context(), a.Workspace.ID, days, months)
	}
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) {
		p.appFormErrors = appFormErrors{ve}
		return s.render(w, http.StatusUnprocessableEntity, "app/settings", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, p.Base()+"/settings?saved=1", http.StatusSeeOther)
	return nil
}

// parseSettings reads the fatigue days and the retention period (empty:
// 0, kept for ever) of the form, each checked before either is saved.
func parseSettings(a *appRequest, fatigue, retention string) (days, months int, err error) {
	if days, err = strconv.Atoi(fatigue); err != nil {
		return 0, 0, &nps.ValidationError{Field: "fatigue_days", Message: a.M.T("app.settings.bad_days")}
	}
	if retention != "" {
		months, err = strconv.Atoi(retention)
	}
	if err != nil || (months != 0 && (months < nps.MinRetentionMonths || months > nps.MaxRetentionMonths)) {
		return 0, 0, &nps.ValidationError{Field: "retention_months", Message: a.M.T("privacy.retention.bad",
			"min", nps.MinRetentionMonths, "max", nps.MaxRetentionMonths)}
	}
	return days, months, nil
}

// shrinks reports whether the retention period to goes back less far
// than from (0 is for ever).
func shrinks(from, to int) bool {
	return to != 0 && (from == 0 || to < from)
}
