package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestSurveyLink(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		other := newFixture(t, db, "other")
		token := must(db.SurveyLink(ctx, f.ws.ID, f.survey.ID))(t)
		if len(token) < 22 || strings.ContainsAny(token, "+/=") {
			t.Errorf("SurveyLink: got %q, want a URL-safe token of at least 128 bits", token)
		}
		if again := must(db.SurveyLink(ctx, f.ws.ID, f.survey.ID))(t); again != token {
			t.Errorf("SurveyLink again: got %q, want the first token %q", again, token)
		}
		if tok2 := must(db.SurveyLink(ctx, other.ws.ID, other.survey.ID))(t); tok2 == token {
			t.Errorf("SurveyLink of another survey: got the same token %q", tok2)
		}
		s := must(db.SurveyByPublicToken(ctx, token))(t)
		if s.ID != f.survey.ID || s.WorkspaceID != f.ws.ID {
			t.Errorf("SurveyByPublicToken: got survey %d of workspace %d, want %d of %d", s.ID, s.WorkspaceID, f.survey.ID, f.ws.ID)
		}
		if _, err := db.SurveyLink(ctx, other.ws.ID, f.survey.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("SurveyLink of another workspace's survey: got %v, want not found", err)
		}
		for _, bad := range []string{"", "short", strings.Repeat("A", 32), token + "x", "../" + token[3:]} {
			if _, err := db.SurveyByPublicToken(ctx, bad); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("SurveyByPublicToken(%q): got %v, want not found", bad, err)
			}
		}
	})
}

func TestOpenWaveOf(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		day := 24 * time.Hour
		// f.wave: open from t0 for 30 days. A later wave overlaps it.
		later := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "Q2", OpensAt: t0.Add(10 * day)}))(t)
		other := newFixture(t, db, "other")
		tests := []struct {
			name   string
			ws, id int64
			at     time.Time
			want   int64
		}{
			{"before any", f.ws.ID, f.survey.ID, t0.Add(-time.Second), 0},
			{"at opening", f.ws.ID, f.survey.ID, t0, f.wave.ID},
			{"latest of two", f.ws.ID, f.survey.ID, t0.Add(10 * day), later.ID},
			{"after first closed", f.ws.ID, f.survey.ID, t0.Add(400 * day), later.ID},
			{"other workspace", other.ws.ID, f.survey.ID, t0, 0},
		}
		for _, tt := range tests {
			w, err := db.OpenWaveOf(ctx, tt.ws, tt.id, tt.at)
			switch {
			case tt.want == 0 && !errors.Is(err, nps.ErrNotFound):
				t.Errorf("%s: got wave %d, %v, want not found", tt.name, w.ID, err)
			case tt.want != 0 && (err != nil || w.ID != tt.want):
				t.Errorf("%s: got wave %d, %v, want %d", tt.name, w.ID, err, tt.want)
			}
		}
		// A wave closed at t closes at t.
		closed := must(db.CreateWave(ctx, other.ws.ID, nps.Wave{SurveyID: other.survey.ID, Name: "x", OpensAt: t0.Add(100 * day), ClosesAt: t0.Add(101 * day)}))(t)
		if w, err := db.OpenWaveOf(ctx, other.ws.ID, other.survey.ID, closed.ClosesAt); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("at the closing time: got wave %d, %v, want not found", w.ID, err)
		}
	})
}

func TestRecordOneClick(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)
		if _, err := db.ResponseOfInvitation(ctx, f.ws.ID, inv.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Fatalf("ResponseOfInvitation before any answer: got %v, want not found", err)
		}
		step := func(name string, score int, wantScore int, wantWrote bool, wantRev int) nps.Response {
			t.Helper()
			f.clock.add(time.Minute)
			r, wrote, err := db.RecordOneClick(ctx, f.ws.ID, inv.ID, score, "nl")
			if err != nil || r.Score != wantScore || wrote != wantWrote || r.Revision != wantRev {
				t.Fatalf("%s: RecordOneClick(%d): got score %d wrote %v revision %d, %v; want %d %v %d",
					name, score, r.Score, wrote, r.Revision, err, wantScore, wantWrote, wantRev)
			}
			return r
		}
		first := step("first click", 3, 3, true, 1)
		if first.ContactID != f.contact.ID || first.InvitationID != inv.ID || first.Channel != nps.ChannelEmail {
			t.Errorf("first click: got %+v, want the contact's email answer", first)
		}
		step("same score", 3, 3, false, 1)
		step("later click", 8, 8, true, 2)
		if got := must(db.ResponseOfInvitation(ctx, f.ws.ID, inv.ID))(t); got.Score != 8 || got.Revision != 2 {
			t.Errorf("ResponseOfInvitation: got score %d revision %d, want 8 2", got.Score, got.Revision)
		}
		// A considered answer: one-click leaves it alone.
		f.clock.add(time.Minute)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 9, Comment: "Great", Channel: nps.ChannelEmail}))(t)
		step("over a comment", 0, 9, false, 3)
		// A form answer with only a score is not one-click's either.
		f.clock.add(time.Minute)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 6, Channel: nps.ChannelEmail}))(t)
		step("over a form score", 2, 6, false, 4)
		if h := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{WaveID: f.wave.ID}))(t); h.N() != 1 || h[6] != 1 {
			t.Errorf("Histogram: got %v, want one 6", h)
		}

		if _, _, err := db.RecordOneClick(ctx, f.ws.ID, inv.ID, 11, "nl"); err == nil {
			t.Error("RecordOneClick(11): got no error")
		}
		other := newFixture(t, db, "other")
		if _, _, err := db.RecordOneClick(ctx, other.ws.ID, inv.ID, 5, "nl"); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("RecordOneClick from another workspace: got %v, want not found", err)
		}
		if _, err := db.ResponseOfInvitation(ctx, other.ws.ID, inv.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("ResponseOfInvitation from another workspace: got %v, want not found", err)
		}

		c2 := f.addContact(t, "bob@acme.example")
		inv2 := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, c2.ID))(t)
		must(db.OptOutContact(ctx, f.ws.ID, c2.ID))(t)
		if _, _, err := db.RecordOneClick(ctx, f.ws.ID, inv2.ID, 5, "nl"); !errors.Is(err, nps.ErrOptedOut) {
			t.Errorf("RecordOneClick of an opted-out contact: got %v, want opted out", err)
		}
		other.clock.add(40 * 24 * time.Hour) // newFixture gave db other's clock
		if _, _, err := db.RecordOneClick(ctx, f.ws.ID, inv.ID, 5, "nl"); !errors.Is(err, nps.ErrWaveClosed) {
			t.Errorf("RecordOneClick after the wave closed: got %v, want wave closed", err)
		}
	})
}

func TestRecordAnonymousAnswer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		s := sampleSurvey()
		s.Name, s.Anonymous = "Anonymous", true
		anon := must(db.CreateSurvey(ctx, f.ws.ID, s))(t)
		wave := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: anon.ID, Name: "2025", OpensAt: t0}))(t)
		inv := must(db.CreateInvitation(ctx, f.ws.ID, wave.ID, f.contact.ID))(t)
		f.clock.add(5*time.Hour + 17*time.Minute)
		r := must(db.RecordAnonymousAnswer(ctx, f.ws.ID, inv.ID, nps.Response{Score: 4, Comment: "meh", Channel: nps.ChannelEmail}))(t)
		if r.ContactID != 0 || r.InvitationID != 0 || r.AccountID != 0 || r.Score != 4 {
			t.Errorf("RecordAnonymousAnswer: got %+v, want score 4 without identity", r)
		}
		got := must(db.Invitation(ctx, f.ws.ID, inv.ID))(t)
		if got.Status != nps.InvitationResponded || !got.RespondedAt.Equal(t0.Truncate(24*time.Hour)) {
			t.Errorf("invitation: got %s at %v, want responded at the start of the day", got.Status, got.RespondedAt)
		}
		if _, err := db.RecordAnonymousAnswer(ctx, f.ws.ID, inv.ID, nps.Response{Score: 9, Channel: nps.ChannelEmail}); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("second anonymous answer: got %v, want conflict", err)
		}
		if _, _, err := db.RecordOneClick(ctx, f.ws.ID, inv.ID, 9, "nl"); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("one-click on an anonymous survey: got %v, want conflict", err)
		}
		named := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)
		var ve *nps.ValidationError
		if _, err := db.RecordAnonymousAnswer(ctx, f.ws.ID, named.ID, nps.Response{Score: 9, Channel: nps.ChannelEmail}); !errors.As(err, &ve) {
			t.Errorf("anonymous answer to a named survey: got %v, want a validation error", err)
		}
		if h := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{WaveID: wave.ID}))(t); h.N() != 1 || h[4] != 1 {
			t.Errorf("Histogram: got %v, want one 4", h)
		}
		other := newFixture(t, db, "other")
		inv2 := must(db.CreateInvitation(ctx, f.ws.ID, wave.ID, f.addContact(t, "carl@acme.example").ID))(t)
		if _, err := db.RecordAnonymousAnswer(ctx, other.ws.ID, inv2.ID, nps.Response{Score: 9, Channel: nps.ChannelEmail}); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("RecordAnonymousAnswer from another workspace: got %v, want not found", err)
		}
	})
}
