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

func TestRecordResponse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "responses")
		inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)

		// The first answer arrives through the invitation.
		f.clock.add(time.Hour)
		first := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{
			WaveID: f.wave.ID, InvitationID: inv.ID, Score: 6, Comment: "Support is slow.\nVery slow.",
			Answers: nps.Answers{SwitchIntent: nps.SwitchYes, Drivers: map[string]int{"support": 2}},
			Channel: nps.ChannelEmail,
		}))(t)
		t1 := t0.Add(time.Hour)
		want := nps.Response{ID: first.ID, WorkspaceID: f.ws.ID, SurveyID: f.survey.ID, WaveID: f.wave.ID,
			InvitationID: inv.ID, ContactID: f.contact.ID, AccountID: f.account.ID, Score: 6,
			Comment: "Support is slow.\nVery slow.", Answers: nps.Answers{SwitchIntent: nps.SwitchYes, Drivers: map[string]int{"support": 2}},
			Language: "nl", Channel: nps.ChannelEmail, Revision: 1, CreatedAt: t1, UpdatedAt: t1}
		if !reflect.DeepEqual(first, want) {
			t.Fatalf("RecordResponse first: got %+v, want %+v", first, want)
		}
		if got := must(db.Response(ctx, f.ws.ID, first.ID))(t); !reflect.DeepEqual(got, want) {
			t.Errorf("Response: got %+v, want %+v", got, want)
		}
		if got := must(db.Invitation(ctx, f.ws.ID, inv.ID))(t); got.Status != nps.InvitationResponded || got.RespondedAt != t1 {
			t.Errorf("invitation after the answer: got %s at %v, want responded at %v", got.Status, got.RespondedAt, t1)
		}

		// The contact changes the answer through the survey link: the
		// latest counts, the first is kept as a revision.
		f.clock.add(time.Hour)
		t2 := t0.Add(2 * time.Hour)
		second := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{
			WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 9, Comment: "Fixed now!", Language: "en", Channel: nps.ChannelLink,
		}))(t)
		want = nps.Response{ID: first.ID, WorkspaceID: f.ws.ID, SurveyID: f.survey.ID, WaveID: f.wave.ID,
			InvitationID: inv.ID, ContactID: f.contact.ID, AccountID: f.account.ID, Score: 9, Comment: "Fixed now!",
			Language: "en", Channel: nps.ChannelLink, Revision: 2, CreatedAt: t1, UpdatedAt: t2}
		if !reflect.DeepEqual(second, want) {
			t.Errorf("RecordResponse change: got %+v, want %+v", second, want)
		}
		wantRevs := []nps.ResponseRevision{{WorkspaceID: f.ws.ID, ResponseID: first.ID, Revision: 1, Score: 6,
			Comment: first.Comment, Answers: first.Answers, Language: "nl", Channel: nps.ChannelEmail, AnsweredAt: t1, ReplacedAt: t2}}
		if got := must(db.ResponseRevisions(ctx, f.ws.ID, first.ID))(t); !reflect.DeepEqual(got, wantRevs) {
			t.Errorf("ResponseRevisions: got %+v, want %+v", got, wantRevs)
		}

		// Sending the same answer again (a double click) records nothing.
		f.clock.add(time.Minute)
		same := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{
			WaveID: f.wave.ID, InvitationID: inv.ID, Score: 9, Comment: "Fixed now!", Language: "en", Channel: nps.ChannelLink,
		}))(t)
		if !reflect.DeepEqual(same, want) {
			t.Errorf("RecordResponse repeated: got %+v, want unchanged %+v", same, want)
		}
		if got := must(db.ResponseRevisions(ctx, f.ws.ID, first.ID))(t); len(got) != 1 {
			t.Errorf("ResponseRevisions after a repeat: got %d, want 1", len(got))
		}
		var wantH nps.Histogram
		wantH[9] = 1
		if got := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{}))(t); got != wantH {
			t.Errorf("Histogram: got %v, want %v", got, wantH)
		}

		// A response without a survey id gets the wave's; a wrong one is refused.
		var ve *nps.ValidationError
		other := must(db.CreateSurvey(ctx, f.ws.ID, sampleSurvey()))(t)
		if _, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, SurveyID: other.ID, Score: 5, Channel: nps.ChannelAPI}); !errors.As(err, &ve) {
			t.Errorf("RecordResponse with another survey's id: got %v, want a validation error", err)
		}
		otherWave := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: other.ID, Name: "Other", OpensAt: t0}))(t)
		if _, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: otherWave.ID, InvitationID: inv.ID, Score: 5, Channel: nps.ChannelEmail}); !errors.As(err, &ve) {
			t.Errorf("RecordResponse with an invitation to another wave: got %v, want a validation error", err)
		}
		if _, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID + 100, Score: 5, Channel: nps.ChannelAPI}); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("RecordResponse of a missing contact: got %v, want ErrNotFound", err)
		}
		if _, err := db.Response(ctx, f.ws.ID, first.ID+100); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("Response(missing): got %v, want ErrNotFound", err)
		}
		if _, err := db.ResponseRevisions(ctx, f.ws.ID, first.ID+100); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("ResponseRevisions(missing): got %v, want ErrNotFound", err)
		}
	})
}

func TestClosedWave(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "closed")
		answered := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 3, Channel: nps.ChannelLink}))(t)
		bob := f.addContact(t, "bob@acme.example")

		f.clock.add(31 * 24 * time.Hour) // past closes_at
		before := tableCounts(t, db)
		for name, r := range map[string]nps.Response{
			"change":         {WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 10, Channel: nps.ChannelLink},
			"new answer":     {WaveID: f.wave.ID, ContactID: bob.ID, Score: 10, Channel: nps.ChannelLink},
			"anonymous":      {WaveID: f.wave.ID, Score: 10, Channel: nps.ChannelAPI},
			"import changes": {WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 10, Channel: nps.ChannelImport},
		} {
			if _, err := db.RecordResponse(ctx, f.ws.ID, r); !errors.Is(err, nps.ErrWaveClosed) || !errors.Is(err, nps.ErrConflict) {
				t.Errorf("%s after closing: got %v, want ErrWaveClosed", name, err)
			}
		}
		if after := tableCounts(t, db); !reflect.DeepEqual(after, before) {
			t.Errorf("rows after refused answers: got %v, want %v", after, before)
		}
		if got := must(db.Response(ctx, f.ws.ID, answered.ID))(t); got.Score != 3 || got.Revision != 1 {
			t.Errorf("response after a refused change: got score %d revision %d, want 3 and 1", got.Score, got.Revision)
		}

		// An import adds history to the closed wave, with its own time.
		given := t0.Add(48 * time.Hour)
		imported := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: bob.ID, Score: 8,
			Channel: nps.ChannelImport, CreatedAt: given}))(t)
		if imported.CreatedAt != given || imported.UpdatedAt != f.clock.now() {
			t.Errorf("imported response: got created %v updated %v, want %v and %v", imported.CreatedAt, imported.UpdatedAt, given, f.clock.now())
		}
		var ve *nps.ValidationError
		if _, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 8, Channel: nps.ChannelImport,
			CreatedAt: f.clock.now().Add(time.Hour)}); !errors.As(err, &ve) {
			t.Errorf("import from the future: got %v, want a validation error", err)
		}

		// Before a wave opens it is closed too.
		later := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "Next", OpensAt: f.clock.now().Add(time.Hour)}))(t)
		if _, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: later.ID, Score: 8, Channel: nps.ChannelLink}); !errors.Is(err, nps.ErrWaveClosed) {
			t.Errorf("answer before the wave opens: got %v, want ErrWaveClosed", err)
		}
	})
}

func TestAnonymousSurvey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "anon")
		s := sampleSurvey()
		s.Anonymous = true
		s = must(db.CreateSurvey(ctx, f.ws.ID, s))(t)
		w := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: s.ID, Name: "Event", OpensAt: t0}))(t)
		inv := must(db.CreateInvitation(ctx, f.ws.ID, w.ID, f.contact.ID))(t)
		for _, score := range []int{4, 10} {
			r := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: w.ID, InvitationID: inv.ID, ContactID: f.contact.ID,
				AccountID: f.account.ID, Score: score, Channel: nps.ChannelEmail}))(t)
			if r.InvitationID != 0 || r.ContactID != 0 || r.AccountID != 0 || r.Revision != 1 {
				t.Errorf("anonymous response: got %+v, want no identity and a new response", r)
			}
		}
		if got := must(db.Invitation(ctx, f.ws.ID, inv.ID))(t); got.Status != nps.InvitationQueued {
			t.Errorf("invitation of an anonymous answer: got %s, want it untouched", got.Status)
		}
		var want nps.Histogram
		want[4], want[10] = 1, 1
		if got := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{WaveID: w.ID}))(t); got != want {
			t.Errorf("Histogram of the anonymous wave: got %v, want %v", got, want)
		}
	})
}
