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

func TestUpdateSurvey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "update-survey")
		other := newFixture(t, db, "other")
		f.clock = setClock(db)
		f.clock.add(time.Hour)

		edit := sampleSurvey()
		edit.Name = "Relationship NPS 2026"
		edit.DefaultLanguage = "en"
		edit.Questions.Drivers = []string{"support"}
		for lang, text := range edit.Texts {
			text.Drivers = map[string]string{"support": text.Drivers["support"]}
			text.Question += " (new)"
			edit.Texts[lang] = text
		}
		got := must(db.UpdateSurvey(ctx, f.ws.ID, f.survey.ID, edit))(t)
		want := edit
		want.ID, want.WorkspaceID, want.CreatedAt, want.UpdatedAt = f.survey.ID, f.ws.ID, t0, t0.Add(time.Hour)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("UpdateSurvey: got %+v, want %+v", got, want)
		}
		if got := must(db.Survey(ctx, f.ws.ID, f.survey.ID))(t); !reflect.DeepEqual(got, want) {
			t.Errorf("Survey after the update: got %+v, want %+v", got, want)
		}

		var ve *nps.ValidationError
		bad := edit
		bad.Name = ""
		if _, err := db.UpdateSurvey(ctx, f.ws.ID, f.survey.ID, bad); !errors.As(err, &ve) || ve.Field != "name" {
			t.Errorf("UpdateSurvey without a name: got %v, want a name error", err)
		}
		if _, err := db.UpdateSurvey(ctx, other.ws.ID, f.survey.ID, edit); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("UpdateSurvey of another workspace's survey: got %v, want ErrNotFound", err)
		}

		// Anonymity may change until the first response, not after.
		anon := edit
		anon.Anonymous = true
		if got := must(db.UpdateSurvey(ctx, f.ws.ID, f.survey.ID, anon))(t); !got.Anonymous {
			t.Errorf("UpdateSurvey to anonymous without responses: got %+v", got)
		}
		must(db.UpdateSurvey(ctx, f.ws.ID, f.survey.ID, edit))(t)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 8, Channel: nps.ChannelAPI}))(t)
		if _, err := db.UpdateSurvey(ctx, f.ws.ID, f.survey.ID, anon); !errors.As(err, &ve) || ve.Field != "anonymous" {
			t.Errorf("UpdateSurvey to anonymous with a response: got %v, want an anonymous error", err)
		}
		if got := must(db.Survey(ctx, f.ws.ID, f.survey.ID))(t); got.Anonymous {
			t.Errorf("a refused update changed the survey: %+v", got)
		}
		// Other changes stay possible.
		edit.Name = "Renamed"
		if got := must(db.UpdateSurvey(ctx, f.ws.ID, f.survey.ID, edit))(t); got.Name != "Renamed" {
			t.Errorf("UpdateSurvey rename with responses: got %+v", got)
		}
	})
}

func TestUpdateWave(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "update-wave")
		other := newFixture(t, db, "other")
		f.clock = setClock(db)
		day := 24 * time.Hour

		upd := nps.Wave{Name: "2025 (extended)", OpensAt: t0.Add(-day), ClosesAt: t0.Add(60 * day), Population: 55,
			SurveyID: other.survey.ID}
		got := must(db.UpdateWave(ctx, f.ws.ID, f.wave.ID, upd))(t)
		want := nps.Wave{ID: f.wave.ID, WorkspaceID: f.ws.ID, SurveyID: f.survey.ID, Name: "2025 (extended)",
			OpensAt: t0.Add(-day), ClosesAt: t0.Add(60 * day), Population: 55, CreatedAt: t0}
		if got != want {
			t.Errorf("UpdateWave: got %+v, want %+v (the survey stays)", got, want)
		}
		if got := must(db.Wave(ctx, f.ws.ID, f.wave.ID))(t); got != want {
			t.Errorf("Wave after the update: got %+v, want %+v", got, want)
		}
		if _, err := db.UpdateWave(ctx, other.ws.ID, f.wave.ID, upd); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("UpdateWave of another workspace's wave: got %v, want ErrNotFound", err)
		}

		for _, c := range extraContacts(t, f, 3) {
			must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: 9, Channel: nps.ChannelAPI}))(t)
		}
		var ve *nps.ValidationError
		for _, tt := range []struct {
			name  string
			edit  func(*nps.Wave)
			field string
		}{
			{"no name", func(w *nps.Wave) { w.Name = "" }, "name"},
			{"closes before it opens", func(w *nps.Wave) { w.ClosesAt = w.OpensAt.Add(-time.Hour) }, "closes_at"},
			{"negative population", func(w *nps.Wave) { w.Population = -1 }, "population"},
			{"population below the responses", func(w *nps.Wave) { w.Population = 2 }, "population"},
		} {
			w := upd
			tt.edit(&w)
			if _, err := db.UpdateWave(ctx, f.ws.ID, f.wave.ID, w); !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("UpdateWave %s: got %v, want a %s error", tt.name, err, tt.field)
			}
		}
		upd.Population = 3
		if got := must(db.UpdateWave(ctx, f.ws.ID, f.wave.ID, upd))(t); got.Population != 3 {
			t.Errorf("UpdateWave to a census: got %+v", got)
		}

		// Close now; closing again keeps the time; reopen clears it.
		f.clock.add(time.Hour)
		closed := must(db.CloseWave(ctx, f.ws.ID, f.wave.ID))(t)
		if !closed.ClosesAt.Equal(t0.Add(time.Hour)) || closed.OpenAt(t0.Add(time.Hour)) {
			t.Errorf("CloseWave: closes %v, want %v", closed.ClosesAt, t0.Add(time.Hour))
		}
		f.clock.add(time.Hour)
		if again := must(db.CloseWave(ctx, f.ws.ID, f.wave.ID))(t); again != closed {
			t.Errorf("CloseWave twice: got %+v, want %+v", again, closed)
		}
		if _, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 9, Channel: nps.ChannelAPI}); !errors.Is(err, nps.ErrWaveClosed) {
			t.Errorf("RecordResponse in the closed wave: got %v, want ErrWaveClosed", err)
		}
		opened := must(db.OpenWave(ctx, f.ws.ID, f.wave.ID))(t)
		if !opened.ClosesAt.IsZero() || !opened.OpensAt.Equal(t0.Add(-day)) {
			t.Errorf("OpenWave: got %+v, want no closing time and the opening time kept", opened)
		}
		if _, err := db.CloseWave(ctx, other.ws.ID, f.wave.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CloseWave of another workspace's wave: got %v, want ErrNotFound", err)
		}

		// A wave that has not opened yet opens now, and cannot be closed.
		future := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "2026", OpensAt: t0.Add(365 * day)}))(t)
		if _, err := db.CloseWave(ctx, f.ws.ID, future.ID); !errors.As(err, &ve) || ve.Field != "closes_at" {
			t.Errorf("CloseWave of a future wave: got %v, want a closes_at error", err)
		}
		now := t0.Add(2 * time.Hour)
		if got := must(db.OpenWave(ctx, f.ws.ID, future.ID))(t); !got.OpensAt.Equal(now) || !got.OpenAt(now) {
			t.Errorf("OpenWave of a future wave: got %+v, want open from %v", got, now)
		}
	})
}

// extraContacts adds n contacts at the fixture's account.
func extraContacts(t *testing.T, f *fixture, n int) []nps.Contact {
	t.Helper()
	var cs []nps.Contact
	for i := range n {
		cs = append(cs, f.addContact(t, "c"+string(rune('a'+i))+"@acme.example"))
	}
	return cs
}
