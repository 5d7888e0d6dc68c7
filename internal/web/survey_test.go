package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// surveyFixture is a workspace with a named survey in Dutch and English
// (default Dutch) that asks every optional question, an open wave, and
// an invitation of a Dutch-speaking contact.
type surveyFixture struct {
	db      *store.DB
	srv     *Server
	h       http.Handler
	ws      nps.Workspace
	survey  nps.Survey
	wave    nps.Wave
	contact nps.Contact
	inv     nps.Invitation
	n       int
}

func testSurvey(name string, anonymous bool, langs ...string) nps.Survey {
	texts := map[string]nps.SurveyText{
		"nl": {
			Question:   "Hoe waarschijnlijk is het dat u Acme aanbeveelt?",
			FollowUp:   nps.FollowUp{Promoter: "Wat doen we goed?", Passive: "Wat kunnen we beter doen?", Detractor: "Wat moeten we verbeteren?"},
			Retention:  "Overweegt u binnen 12 maanden zaken te doen met een concurrent?",
			Drivers:    map[string]string{"support": "Ondersteuning"},
			Permission: "Mogen we contact met u opnemen over uw antwoord?",
		},
		"en": {
			Question:   "How likely is it that you would recommend Acme?",
			FollowUp:   nps.FollowUp{Promoter: "What do we do well?", Passive: "What could we do better?", Detractor: "What must we improve?"},
			Retention:  "Are you considering doing business with a competitor within 12 months?",
			Drivers:    map[string]string{"support": "Support"},
			Permission: "May we contact you about your answer?",
		},
	}
	if len(langs) == 0 {
		langs = []string{"nl", "en"}
	}
	s := nps.Survey{
		Name: name, DefaultLanguage: langs[0], Anonymous: anonymous,
		Questions: nps.Questions{Retention: true, Drivers: []string{"support"}, Permission: true},
		Texts:     map[string]nps.SurveyText{},
	}
	for _, l := range langs {
		s.Texts[l] = texts[l]
	}
	return s
}

func newSurveyFixture(t testing.TB, db *store.DB) *surveyFixture {
	t.Helper()
	return newSurveyFixtureWith(t, db, Options{})
}

func newSurveyFixtureWith(t testing.TB, db *store.DB, opts Options) *surveyFixture {
	t.Helper()
	ctx := context.Background()
	// Server errors show in the test's log; the expected 4xx do not.
	s, err := New(db, slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError})), opts)
	if err != nil {
		t.Fatal(err)
	}
	f := &surveyFixture{db: db, srv: s, h: s.Handler()}
	f.ws = check(db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Secret Workspace Name"}))(t)
	f.survey = check(db.CreateSurvey(ctx, f.ws.ID, testSurvey("Secret Survey Name", false)))(t)
	f.wave = f.openWave(t, f.survey)
	f.contact, f.inv = f.invite(t, "nl", f.wave)
	return f
}

// openWave adds a wave of sv that opened an hour ago and stays open.
func (f *surveyFixture) openWave(t testing.TB, sv nps.Survey) nps.Wave {
	t.Helper()
	return check(f.db.CreateWave(context.Background(), f.ws.ID, nps.Wave{SurveyID: sv.ID, Name: "2026", OpensAt: time.Now().Add(-time.Hour)}))(t)
}

// closedWave adds a wave of sv that closed yesterday.
func (f *surveyFixture) closedWave(t *testing.T, sv nps.Survey) nps.Wave {
	t.Helper()
	now := time.Now()
	return check(f.db.CreateWave(context.Background(), f.ws.ID, nps.Wave{
		SurveyID: sv.ID, Name: "2025", OpensAt: now.Add(-48 * time.Hour), ClosesAt: now.Add(-24 * time.Hour),
	}))(t)
}

// invite adds a contact with language lang and invites them to w.
func (f *surveyFixture) invite(t testing.TB, lang string, w nps.Wave) (nps.Contact, nps.Invitation) {
	t.Helper()
	ctx := context.Background()
	f.n++
	c := check(f.db.CreateContact(ctx, f.ws.ID, nps.Contact{Email: "person" + strconv.Itoa(f.n) + "@acme.example", Name: "Person", Language: lang}))(t)
	return c, check(f.db.CreateInvitation(ctx, f.ws.ID, w.ID, c.ID))(t)
}

// do sends a request through the handler; headers are name, value pairs.
func (f *surveyFixture) do(method, target string, form url.Values, headers ...string) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// answer returns the stored answer of inv, or ok false when it has none.
func (f *surveyFixture) answer(t testing.TB, inv nps.Invitation) (nps.Response, bool) {
	t.Helper()
	r, err := f.db.ResponseOfInvitation(context.Background(), f.ws.ID, inv.ID)
	if errors.Is(err, nps.ErrNotFound) {
		return r, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return r, true
}

func (f *surveyFixture) histogram(t testing.TB, w nps.Wave) nps.Histogram {
	t.Helper()
	return check(f.db.Histogram(context.Background(), f.ws.ID, store.HistogramFilter{WaveID: w.ID}))(t)
}

// expect checks a response's status and that its body holds each of want
// and none of the fragments after "!".
func expect(t *testing.T, name string, rec *httptest.ResponseRecorder, status int, want ...string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("%s: got status %d, want %d; body %.300q", name, rec.Code, status, rec.Body.String())
		return
	}
	body := rec.Body.String()
	for _, w := range want {
		if not, ok := strings.CutPrefix(w, "!"); ok {
			if strings.Contains(body, not) {
				t.Errorf("%s: body holds %q, want it not to", name, not)
			}
		} else if !strings.Contains(body, w) {
			t.Errorf("%s: body lacks %q; body %.600q", name, w, body)
		}
	}
}

// testLog writes log lines to the test's log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Helper()
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// check fails the test when err is set and returns v otherwise.
func check[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatalf("got error %v, want none", err)
		}
		return v
	}
}

func TestSurveyPersonalLink(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixture(t, db)
		path := "/s/" + f.inv.Token
		rec := f.do("GET", path, nil)
		expect(t, "GET form", rec, http.StatusOK,
			`<html lang="nl">`, "Hoe waarschijnlijk is het dat u Acme aanbeveelt?", "Zeer onwaarschijnlijk", "Zeer waarschijnlijk",
			`aria-describedby="scale-low"`, `aria-describedby="scale-high"`, "Wat is de belangrijkste reden voor uw score?",
			`data-promoter="Wat doen we goed?"`, "Overweegt u binnen 12 maanden", "Weet ik niet", "Ondersteuning",
			"Mogen we contact", "Versturen", `hreflang="en"`, "!checked", "!data-autopost")
		if got := rec.Header().Get("Set-Cookie"); got != "" {
			t.Errorf("GET form: sets cookie %q, want none", got)
		}
		if got := rec.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET form: Cache-Control %q, want no-store", got)
		}

		rec = f.do("POST", path, url.Values{"lang": {"nl"}, "score": {"9"}, "comment": {"Snelle hulp"},
			"switch_intent": {"no"}, "driver.support": {"5"}, "permission": {"yes"}})
		expect(t, "POST answer", rec, http.StatusSeeOther)
		if loc := rec.Header().Get("Location"); loc != path+"/thanks?lang=nl" {
			t.Errorf("POST answer: Location %q, want %s/thanks?lang=nl", loc, path)
		}
		got, ok := f.answer(t, f.inv)
		want := nps.Answers{SwitchIntent: nps.SwitchNo, Permission: nps.PermissionGranted, Drivers: map[string]int{"support": 5}}
		if !ok || got.Score != 9 || got.Comment != "Snelle hulp" || !got.Answers.Equal(want) || got.Revision != 1 ||
			got.Channel != nps.ChannelEmail || got.Language != "nl" || got.ContactID != f.contact.ID {
			t.Fatalf("stored answer: got %+v, want 9 with comment and answers, revision 1", got)
		}
		expect(t, "GET thanks", f.do("GET", path+"/thanks?lang=nl", nil), http.StatusOK,
			"Hartelijk dank!", "Mijn antwoord wijzigen", `href="/s/`+f.inv.Token+`?lang=nl"`)
		expect(t, "GET form again", f.do("GET", path, nil), http.StatusOK,
			`value="9" required checked`, "Snelle hulp", "U hebt al geantwoord", "Wat doen we goed?",
			`value="no" checked`, `value="5" checked`, `value="yes" checked`, "Opslaan")

		rec = f.do("POST", path, url.Values{"lang": {"nl"}, "score": {"4"}, "comment": {"Toch trager dan gedacht"}})
		expect(t, "POST change", rec, http.StatusSeeOther)
		got, _ = f.answer(t, f.inv)
		if got.Score != 4 || got.Revision != 2 || got.Comment != "Toch trager dan gedacht" || !got.Answers.Equal(nps.Answers{}) {
			t.Errorf("changed answer: got %+v, want 4 at revision 2 without the extra answers", got)
		}
		if h := f.histogram(t, f.wave); h.N() != 1 || h[4] != 1 || h[9] != 0 {
			t.Errorf("histogram after the change: got %v, want one 4", h)
		}
		revs := check(db.ResponseRevisions(context.Background(), f.ws.ID, got.ID))(t)
		if len(revs) != 1 || revs[0].Score != 9 {
			t.Errorf("revisions: got %+v, want the first answer (9)", revs)
		}
	})
}

func TestSurveyThanksWithoutAnswer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixture(t, db)
		rec := f.do("GET", "/s/"+f.inv.Token+"/thanks", nil)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/s/"+f.inv.Token {
			t.Errorf("GET thanks before answering: got %d to %q, want 303 to the form", rec.Code, rec.Header().Get("Location"))
		}
	})
}

// TestSurveyScanner fetches every one-click link as a mail scanner does:
// nothing may be recorded.
func TestSurveyScanner(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixture(t, db)
		for score := 0; score <= 10; score++ {
			path := "/s/" + f.inv.Token + "/" + strconv.Itoa(score)
			expect(t, "GET "+path, f.do("GET", path, nil), http.StatusOK,
				`value="`+strconv.Itoa(score)+`" required checked`, `data-autopost="`+path+`"`, "U koos "+strconv.Itoa(score), "Opslaan")
			expect(t, "HEAD "+path, f.do("HEAD", path, nil), http.StatusOK)
		}
		expect(t, "GET form", f.do("GET", "/s/"+f.inv.Token, nil), http.StatusOK)
		if r, ok := f.answer(t, f.inv); ok {
			t.Errorf("after GET and HEAD of all one-click links: got answer %+v, want none", r)
		}
		if h := f.histogram(t, f.wave); h.N() != 0 {
			t.Errorf("histogram after the scanner: got %v, want empty", h)
		}
		inv := check(db.Invitation(context.Background(), f.ws.ID, f.inv.ID))(t)
		if inv.Status != nps.InvitationQueued {
			t.Errorf("invitation after the scanner: got status %s, want queued", inv.Status)
		}
	})
}

func TestSurveyOneClickPost(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixture(t, db)
		base := "/s/" + f.inv.Token
		steps := []struct {
			name         string
			method, path string
			form         url.Values
			status       int
			score, rev   int
			comment      string
		}{
			{"one-click creates", "POST", base + "/8", url.Values{"lang": {"en"}}, http.StatusNoContent, 8, 1, ""},
			{"same score changes nothing", "POST", base + "/8", url.Values{}, http.StatusNoContent, 8, 1, ""},
			{"later click wins over a click", "POST", base + "/6", url.Values{}, http.StatusNoContent, 6, 2, ""},
			{"form adds a comment", "POST", base, url.Values{"score": {"6"}, "comment": {"Prima, maar duur"}}, http.StatusSeeOther, 6, 3, "Prima, maar duur"},
			{"scanner cannot overwrite it", "POST", base + "/10", url.Values{}, http.StatusConflict, 6, 3, "Prima, maar duur"},
			{"scanner repeating it is fine", "POST", base + "/6", url.Values{}, http.StatusNoContent, 6, 3, "Prima, maar duur"},
			{"form may change everything", "POST", base, url.Values{"score": {"2"}}, http.StatusSeeOther, 2, 4, ""},
			{"one-click not over a form score", "POST", base + "/9", url.Values{}, http.StatusConflict, 2, 4, ""},
			{"score out of range", "POST", base + "/11", url.Values{}, http.StatusNotFound, 2, 4, ""},
		}
		for _, s := range steps {
			rec := f.do(s.method, s.path, s.form)
			expect(t, s.name, rec, s.status)
			got, ok := f.answer(t, f.inv)
			if !ok || got.Score != s.score || got.Revision != s.rev || got.Comment != s.comment {
				t.Fatalf("%s: stored %+v, want score %d revision %d comment %q", s.name, got, s.score, s.rev, s.comment)
			}
		}
		if h := f.histogram(t, f.wave); h.N() != 1 || h[2] != 1 {
			t.Errorf("histogram: got %v, want one 2", h)
		}
		if got, _ := f.answer(t, f.inv); got.Language != "nl" {
			t.Errorf("language of the form answer: got %q, want the contact's nl", got.Language)
		}
	})
}
