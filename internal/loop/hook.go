package loop

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/webhook"
)

// The machine-readable objects of the events, as webhooks receive them.
type (
	hookAccount struct {
		ID         int64  `json:"id"`
		ExternalID string `json:"external_id,omitempty"`
		Name       string `json:"name"`
	}
	hookContact struct {
		ID    int64  `json:"id"`
		Name  string `json:"name,omitempty"`
		Email string `json:"email,omitempty"`
	}
	hookResponse struct {
		ID        int64        `json:"id"`
		SurveyID  int64        `json:"survey_id"`
		Survey    string       `json:"survey"`
		WaveID    int64        `json:"wave_id"`
		Wave      string       `json:"wave"`
		Score     int          `json:"score"`
		Category  string       `json:"category"`
		Comment   string       `json:"comment"`
		Language  string       `json:"language"`
		Channel   string       `json:"channel"`
		Revision  int          `json:"revision"`
		Account   *hookAccount `json:"account,omitempty"`
		Contact   *hookContact `json:"contact,omitempty"`
		CreatedAt time.Time    `json:"created_at"`
		UpdatedAt time.Time    `json:"updated_at"`
	}
	hookAlert struct {
		ID         int64          `json:"id"`
		Kind       nps.RuleKind   `json:"kind"`
		Reason     string         `json:"reason"`
		State      nps.AlertState `json:"state"`
		DueAt      *time.Time     `json:"due_at,omitempty"`
		ResponseID int64          `json:"response_id,omitempty"`
		Account    *hookAccount   `json:"account,omitempty"`
		Contact    *hookContact   `json:"contact,omitempty"`
		Owner      string         `json:"owner,omitempty"`
		CreatedAt  time.Time      `json:"created_at"`
	}
	hookPlan struct {
		ID          int64         `json:"id"`
		Title       string        `json:"title"`
		State       nps.PlanState `json:"state"`
		Actions     int           `json:"actions"`
		ActionsDone int           `json:"actions_done"`
		Account     *hookAccount  `json:"account,omitempty"`
		UpdatedAt   time.Time     `json:"updated_at"`
	}
)

// hookEvent builds the event as every attempt of its delivery to the
// endpoint sends it. Its texts are in English: a channel has no single
// reader whose language is known.
func (l *Loop) hookEvent(ev nps.Event, f store.EventFacts, endpointID int64) webhook.Event {
	t := l.Catalog.Messages("en").T
	e := webhook.Event{ID: store.DeliveryKey(ev, endpointID), Kind: string(ev.Kind), Workspace: f.Workspace.Slug, At: ev.CreatedAt}
	var acc *hookAccount
	if f.Account.ID != 0 {
		acc = &hookAccount{ID: f.Account.ID, ExternalID: f.Account.ExternalID, Name: f.Account.Name}
	}
	var con *hookContact
	if f.Contact.ID != 0 {
		con = &hookContact{ID: f.Contact.ID, Name: f.Contact.Name, Email: f.Contact.Email}
	}
	var data any
	switch ev.Kind {
	case nps.EventResponseCreated, nps.EventResponseUpdated:
		r := f.Response
		data = map[string]any{"response": hookResponse{ID: r.ID, SurveyID: r.SurveyID, Survey: f.SurveyName, WaveID: r.WaveID,
			Wave: f.WaveName, Score: r.Score, Category: nps.CategoryOf(r.Score).String(), Comment: r.Comment, Language: r.Language,
			Channel: string(r.Channel), Revision: r.Revision, Account: acc, Contact: con, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}}
		key := "loop.hook.response_created"
		if ev.Kind == nps.EventResponseUpdated {
			key = "loop.hook.response_updated"
		}
		e.Title = t(key, "score", r.Score, "who", who(f, t))
		e.Text = r.Comment
		e.URL = l.link(f, fmt.Sprintf("/responses/%d", r.ID))
	case nps.EventAlertCreated, nps.EventFollowUpOverdue:
		a := f.Alert
		h := hookAlert{ID: a.ID, Kind: a.Kind, Reason: a.Reason, State: a.State, ResponseID: a.ResponseID, Account: acc,
			Contact: con, Owner: f.Owner.Name, CreatedAt: a.CreatedAt}
		if !a.DueAt.IsZero() {
			h.DueAt = &a.DueAt
		}
		data = map[string]any{"alert": h}
		key := "loop.hook.alert"
		if ev.Kind == nps.EventFollowUpOverdue {
			key = "loop.hook.overdue"
		}
		e.Title = t(key, "who", who(f, t))
		e.Text = a.Reason
		if f.Response.Comment != "" {
			e.Text += "\n“" + f.Response.Comment + "”"
		}
		e.URL = l.link(f, fmt.Sprintf("/followups/%d", a.ID))
	case nps.EventPlanChanged:
		p := f.Plan
		data = map[string]any{"plan": hookPlan{ID: p.ID, Title: p.Title, State: p.State, Actions: f.PlanActions,
			ActionsDone: f.PlanDone, Account: acc, UpdatedAt: p.UpdatedAt}}
		e.Title = t("loop.hook.plan", "who", who(f, t), "title", p.Title)
		e.Text = t("loop.hook.plan_text", "done", f.PlanDone, "actions", f.PlanActions)
		e.URL = l.link(f, fmt.Sprintf("/plans/%d", p.ID))
	}
	// The data are our own types: they always encode.
	e.Data, _ = json.Marshal(data)
	return e
}
