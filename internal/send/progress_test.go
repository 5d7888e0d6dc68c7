package send_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/send"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// An invitation tells the contact what was done with their account's
// feedback since their last answer: the done shareable actions, else the
// latest shared update, with the customer page's link; never an action
// that is not shared, and nothing that came before the contact's last
// answer.
func TestInvitationsTellProgress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws, _ := waveToSend(t, db, 40) // Bedrijf 0 and Bedrijf 1, 20 contacts each
		accounts := map[string]int64{}
		list, err := db.Accounts(ctx, ws, store.AccountFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			accounts[a.Name] = a.ID
		}
		plan := func(name string) nps.Plan {
			p, err := db.CreatePlan(ctx, ws, nps.Plan{AccountID: accounts[name], Title: "Plan"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		add := func(p nps.Plan, it nps.PlanItem) {
			it.PlanID = p.ID
			if _, err := db.AddPlanItem(ctx, ws, it, nil); err != nil {
				t.Fatal(err)
			}
		}
		p0, p1 := plan("Bedrijf 0"), plan("Bedrijf 1")
		add(p0, nps.PlanItem{Kind: nps.ItemAction, Body: "Facturen wekelijks verstuurd", Status: nps.StatusDone, Shareable: true})
		add(p0, nps.PlanItem{Kind: nps.ItemAction, Body: "Geheime actie", Status: nps.StatusDone})
		add(p1, nps.PlanItem{Kind: nps.ItemUpdate, Body: "We bouwen een nieuw portaal", Shareable: true})
		// c21 answered an earlier survey after the update: nothing is new
		// for them.
		found, err := db.FindRefs(ctx, ws, store.Refs{ContactEmails: []string{"c21@bench.example"}})
		if err != nil {
			t.Fatal(err)
		}
		sv, err := db.Surveys(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		earlier, err := db.CreateWave(ctx, ws, nps.Wave{SurveyID: sv[0].ID, Name: "earlier", OpensAt: time.Now().Add(-2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
		if _, err := db.RecordResponse(ctx, ws, nps.Response{WaveID: earlier.ID, ContactID: found.ContactByEmail["c21@bench.example"], Score: 8, Channel: nps.ChannelLink}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StartDueSends(ctx); err != nil {
			t.Fatal(err)
		}
		rec := &mailtest.Recorder{}
		s := &send.Sender{DB: db, Mail: rec, Render: newRenderer(t), BaseURL: "https://nps.example.com", Batch: 15,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if err := s.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, m := range rec.Sent() {
			got[m.To.Email] = m.Text
		}
		if len(got) != 40 {
			t.Fatalf("%d messages, want 40", len(got))
		}
		for email, text := range got {
			switch {
			case strings.Contains(text, "Geheime actie"):
				t.Errorf("%s is told of an action not shared:\n%s", email, text)
			case email == "c0@bench.example" || email == "c1@bench.example":
				if !strings.Contains(text, "Facturen wekelijks verstuurd") || !strings.Contains(text, "https://nps.example.com/y/") {
					t.Errorf("%s (Bedrijf 0) is not told of the done action:\n%s", email, text)
				}
			case email == "c20@bench.example":
				if !strings.Contains(text, "We bouwen een nieuw portaal") {
					t.Errorf("%s (Bedrijf 1) is not told of the update:\n%s", email, text)
				}
			case email == "c21@bench.example":
				if strings.Contains(text, "portaal") || strings.Contains(text, "/y/") {
					t.Errorf("%s answered after the update, but is told of it:\n%s", email, text)
				}
			}
		}
	})
}
