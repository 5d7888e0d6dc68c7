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
	FatigueDays string
	Saved       bool
}

func (s *Server) handleAppSettings(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.render(w, http.StatusOK, "app/settings", appSettingsPage{appLayout: a.layout(a.M.T("app.settings.title")),
		FatigueDays: strconv.Itoa(a.Workspace.FatigueDays), Saved: r.URL.Query().Get("saved") == "1"})
}

func (s *Server) handleAppSettingsUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	p := appSettingsPage{appLayout: a.layout(a.M.T("app.settings.title")), FatigueDays: strings.TrimSpace(r.PostForm.Get("fatigue_days"))}
	days, err := strconv.Atoi(p.FatigueDays)
	if err != nil {
		err = &nps.ValidationError{Field: "fatigue_days", Message: a.M.T("app.settings.bad_days")}
	} else {
		err = s.db.SetFatigueDays(r.Context(), a.Workspace.ID, days)
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
