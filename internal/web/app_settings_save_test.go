package web

import (
	"context"
	"net/http"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestSettingsSaveTogether: the settings page saves both settings or
// neither, and a shorter retention period is saved only once confirmed,
// since the hourly task erases what is older at once.
func TestSettingsSaveTogether(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		w := "/w/acme"
		settings := func() (int, int) {
			t.Helper()
			ws := appMust(db.Workspace(context.Background(), f.acme.ID))(t)
			return ws.FatigueDays, ws.RetentionMonths
		}
		days0, _ := settings()
		f.run(t, []appScenario{
			{name: "bad retention", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "45", "retention_months", "3"),
				actor: "owner", status: http.StatusUnprocessableEntity, want: []string{"from 6 to 120"}},
		})
		if days, months := settings(); days != days0 || months != 0 {
			t.Errorf("after a refused retention period: fatigue %d, retention %d; want %d, 0 (nothing saved)", days, months, days0)
		}
		f.run(t, []appScenario{
			{name: "a first period asks", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "45", "retention_months", "24"),
				actor: "owner", status: http.StatusOK, want: []string{"older than 24 months will be erased", `name="confirm_retention" value="24"`}},
		})
		if days, months := settings(); days != days0 || months != 0 {
			t.Errorf("before the confirmation: fatigue %d, retention %d; want %d, 0", days, months, days0)
		}
		f.run(t, []appScenario{
			{name: "another period is asked again", method: "POST", path: w + "/settings",
				form: appForm("fatigue_days", "45", "retention_months", "12", "confirm_retention", "24"), actor: "owner", status: http.StatusOK,
				want: []string{`value="12"`, "older than 12 months"}},
			{name: "confirmed", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "45", "retention_months", "24", "confirm_retention", "24"),
				actor: "owner", status: http.StatusSeeOther},
		})
		if days, months := settings(); days != 45 || months != 24 {
			t.Errorf("after the confirmation: fatigue %d, retention %d; want 45, 24", days, months)
		}
		f.run(t, []appScenario{
			{name: "a longer period needs no confirmation", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "45", "retention_months", "36"),
				actor: "owner", status: http.StatusSeeOther},
			{name: "a shorter one does", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "45", "retention_months", "12"),
				actor: "owner", status: http.StatusOK, want: []string{"older than 12 months"}},
			{name: "keeping everything needs none", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "45", "retention_months", ""),
				actor: "owner", status: http.StatusSeeOther},
		})
		if _, months := settings(); months != 0 {
			t.Errorf("after emptying the period: retention %d, want 0", months)
		}
	})
}
