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

// handleAppSettingsUpdate saves the settings one at a time, each in its
// own transaction with its audit entry; a refused one shows the form
// again with what was typed.
func (s *Server) handleAppSettingsUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	p := s.settingsPage(a)
	p.FatigueDays = strings.TrimSpace(r.PostForm.Get("fatigue_days"))
	p.RetentionMonths = strings.TrimSpace(r.PostForm.Get("retention_months"))
	days, err := strconv.Atoi(p.FatigueDays)
	if err != nil {
		err = &nps.ValidationError{Field: "fatigue_days", Message: a.M.T("app.settings.bad_days")}
	} else {
		err = s.db.SetFatigueDays(r.Context(), a.Workspace.ID, days)
	}
	if err == nil {
		months := 0
		if p.RetentionMonths != "" {
			months, err = strconv.Atoi(p.RetentionMonths)
		}
		if err != nil || (months != 0 && (months < nps.MinRetentionMonths || months > nps.MaxRetentionMonths)) {
			err = &nps.ValidationError{Field: "retention_months", Message: a.M.T("privacy.retention.bad",
				"min", nps.MinRetentionMonths, "max", nps.MaxRetentionMonths)}
		} else {
			err = s.db.SetRetentionMonths(r.Context(), a.Workspace.ID, months)
		}
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
