package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestSurveyAndWave(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "surveys")
		want := sampleSurvey()
		want.ID, want.WorkspaceID, want.CreatedAt, want.UpdatedAt = f.survey.ID, f.ws.ID, t0, t0
		if !reflect.DeepEqual(f.survey, want) {
			t.Errorf("CreateSurvey: got %+v, want %+v", f.survey, want)
		}
		if got := must(db.Survey(ctx, f.ws.ID, f.survey.ID))(t); !reflect.DeepEqual(got, want) {
			t.Errorf("Survey: got %+v, want %+v", got, want)
		}
		anon := nps.Survey{Name: "Event", DefaultLanguage: "en", Anonymous: true, Texts: map[string]nps.SurveyText{
			"en": {Question: "Recommend?", FollowUp: nps.FollowUp{Promoter: "Great!", Passive: "Hm?", Detractor: "Sorry?"}},
		}}
		anon = must(db.CreateSurvey(ctx, f.ws.ID, anon))(t)
		if got := must(db.Surveys(ctx, f.ws.ID))(t); len(got) != 2 || got[0].ID != f.survey.ID || !got[1].Anonymous {
			t.Errorf("Surveys: got %+v, want the sample and the anonymous survey", got)
		}
		if _, err := db.CreateSurvey(ctx, f.ws.ID+100, anon); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CreateSurvey in a missing workspace: got %v, want ErrNotFound", err)
		}

		wantWave := nps.Wave{ID: f.wave.ID, WorkspaceID: f.ws.ID, SurveyID: f.survey.ID, Name: "2025",
			OpensAt: t0, ClosesAt: t0.Add(30 * 24 * time.Hour), Population: 40, CreatedAt: t0}
		if got := must(db.Wave(ctx, f.ws.ID, f.wave.ID))(t); got != wantWave {
			t.Errorf("Wave: got %+v, want %+v", got, wantWave)
		}
		// Times in other zones and below a microsecond come back as stored.
		ams := time.FixedZone("CET", 3600)
		rolling := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: anon.ID, Name: "Continuous",
			OpensAt: time.Date(2024, 1, 1, 0, 0, 0, 123456789, ams)}))(t)
		wantRolling := nps.Wave{ID: rolling.ID, WorkspaceID: f.ws.ID, SurveyID: anon.ID, Name: "Continuous",
			OpensAt: time.Date(2023, 12, 31, 23, 0, 0, 123456000, time.UTC), CreatedAt: t0}
		if got := must(db.Wave(ctx, f.ws.ID, rolling.ID))(t); got != wantRolling || rolling != wantRolling {
			t.Errorf("Wave without close or population: got %+v (created %+v), want %+v", got, rolling, wantRolling)
		}
		if _, err := db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID + 100, Name: "x", OpensAt: t0}); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CreateWave of a missing survey: got %v, want ErrNotFound", err)
		}
		ids := func(ws []nps.Wave) (ids []int64) {
			for _, w := range ws {
				ids = append(ids, w.ID)
			}
			return ids
		}
		if got := ids(must(db.Waves(ctx, f.ws.ID, 0))(t)); !reflect.DeepEqual(got, []int64{rolling.ID, f.wave.ID}) {
			t.Errorf("Waves(all): got %v, want %v", got, []int64{rolling.ID, f.wave.ID})
		}
		if got := ids(must(db.Waves(ctx, f.ws.ID, f.survey.ID))(t)); !reflect.DeepEqual(got, []int64{f.wave.ID}) {
			t.Errorf("Waves(survey): got %v, want %v", got, []int64{f.wave.ID})
		}
	})
}

func TestInvitation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "invites")
		inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)
		if len(inv.Token) < 22 || inv.Status != nps.InvitationQueued || inv.CreatedAt != t0 {
			t.Errorf("CreateInvitation: got %+v, want a queued invitation with a long token", inv)
		}
		if got := must(db.InvitationByToken(ctx, inv.Token))(t); got != inv {
			t.Errorf("InvitationByToken: got %+v, want %+v", got, inv)
		}
		if got := must(db.Invitation(ctx, f.ws.ID, inv.ID))(t); got != inv {
			t.Errorf("Invitation: got %+v, want %+v", got, inv)
		}
		other := f.addContact(t, "bob@acme.example")
		if tok := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, other.ID))(t).Token; tok == inv.Token {
			t.Errorf("two invitations got the same token %q", tok)
		}
		if _, err := db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("CreateInvitation twice: got %v, want ErrConflict", err)
		}
		for _, token := range []string{"", "short", inv.Token[:len(inv.Token)-1] + "!", "A" + inv.Token[1:]} {
			if token == inv.Token {
				continue
			}
			if _, err := db.InvitationByToken(ctx, token); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("InvitationByToken(%q): got %v, want ErrNotFound", token, err)
			}
		}

		// Events move the status forward only, and keep the first time of each.
		steps := []struct {
			event nps.InvitationStatus
			want  nps.InvitationStatus
		}{
			{nps.InvitationSent, nps.InvitationSent},
			{nps.InvitationOpened, nps.InvitationOpened},
			{nps.InvitationDelivered, nps.InvitationOpened},
			{nps.InvitationSent, nps.InvitationOpened},
		}
		for i, s := range steps {
			f.clock.add(time.Minute)
			got := must(db.UpdateInvitationStatus(ctx, f.ws.ID, inv.ID, s.event))(t)
			if got.Status != s.want {
				t.Errorf("step %d, event %s: got status %s, want %s", i, s.event, got.Status, s.want)
			}
			inv = got
		}
		if inv.SentAt != t0.Add(time.Minute) || inv.OpenedAt != t0.Add(2*time.Minute) || inv.DeliveredAt != t0.Add(3*time.Minute) {
			t.Errorf("event times: got sent %v, opened %v, delivered %v", inv.SentAt, inv.OpenedAt, inv.DeliveredAt)
		}
		rem := must(db.RecordReminder(ctx, f.ws.ID, inv.ID))(t)
		rem = must(db.RecordReminder(ctx, f.ws.ID, inv.ID))(t)
		if rem.ReminderCount != 2 || rem.RemindedAt != f.clock.now() {
			t.Errorf("RecordReminder twice: got count %d at %v, want 2 at %v", rem.ReminderCount, rem.RemindedAt, f.clock.now())
		}

		// Opting out withdraws open invitations and refuses new ones.
		f.clock.add(time.Minute)
		must(db.OptOutContact(ctx, f.ws.ID, f.contact.ID))(t)
		if got := must(db.Invitation(ctx, f.ws.ID, inv.ID))(t); got.Status != nps.InvitationOptedOut || got.OptedOutAt != f.clock.now() {
			t.Errorf("invitation after opt-out: got %s at %v, want opted_out at %v", got.Status, got.OptedOutAt, f.clock.now())
		}
		w2 := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "2026", OpensAt: t0}))(t)
		if _, err := db.CreateInvitation(ctx, f.ws.ID, w2.ID, f.contact.ID); !errors.Is(err, nps.ErrOptedOut) || !errors.Is(err, nps.ErrConflict) {
			t.Errorf("CreateInvitation for an opted-out contact: got %v, want ErrOptedOut, a conflict", err)
		}
	})
}
