package web

import (
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// surveyFormSeeds are survey form bodies, real and hostile, shared by the
// fuzz targets of the survey pages.
var surveyFormSeeds = []string{
	"score=9",
	"score=0&comment=Te+duur&lang=nl",
	"score=10&comment=Great%0D%0Asupport&switch_intent=no&permission=granted&driver.support=5&lang=en",
	"score=7&switch_intent=unsure&permission=denied&driver.support=1",
	"score=7&score=8",
	"score=07", "score=%2B7", "score=-0", "score=1e1", "score=7.0", "score=%207", "score=",
	"score=3&comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	"score=3&comment=caf%E9",
	"score=3&comment=bell%07",
	"score=3&comment=" + strings.Repeat("%F0%9F%98%80", 40),
	"score=5&driver.support=6", "score=5&driver.support=05", "score=5&driver.support=3&driver.support=4",
	"score=5&driver.price=3", "score=5&driver.=3",
	"score=5&switch_intent=maybe", "score=5&permission=GRANTED",
	"score=5&lang=xx-%%", "score=5&%zz", "score=5;comment=x", "&&&=&=",
	"score=8&lang=de&comment=" + strings.Repeat("a", 300),
}

// FuzzParseScore checks that a score is read only when it is exactly one
// of "0" to "10", and then as that number.
func FuzzParseScore(f *testing.F) {
	for _, s := range []string{"0", "5", "10", "11", "-1", "+5", "05", "00", "1e1", "7.0", " 7", "7 ", "١", "", "100", "0x5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseScore(s)
		want := -1
		for i := nps.MinScore; i <= nps.MaxScore; i++ {
			if s == strconv.Itoa(i) {
				want = i
			}
		}
		if ok != (want >= 0) || (ok && n != want) {
			t.Fatalf("parseScore(%q) = %d, %v; want %d, %v", s, n, ok, want, want >= 0)
		}
	})
}

// FuzzParseAnswerForm checks the survey form's parsing: what it reads
// back is always shown safely (a score on the scale or none, a comment in
// valid UTF-8), and a form without problems is an answer the domain
// accepts, holding exactly what was sent.
func FuzzParseAnswerForm(f *testing.F) {
	for _, s := range surveyFormSeeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	full, bare := testSurvey("Full", false), nps.Survey{Name: "Bare", DefaultLanguage: "en",
		Texts: map[string]nps.SurveyText{"en": {Question: "How likely?"}}}
	m := catalog.Messages("en")
	f.Fuzz(func(t *testing.T, body string, optional bool) {
		form, _ := url.ParseQuery(body)
		sv := bare
		if optional {
			sv = full
		}
		got, problems := parseAnswerForm(form, sv, m)
		if got.Score != -1 && !nps.ValidScore(got.Score) {
			t.Fatalf("parseAnswerForm(%q): score %d is neither -1 nor on the scale", body, got.Score)
		}
		if !utf8.ValidString(got.Comment) {
			t.Fatalf("parseAnswerForm(%q): comment %q to show again is not valid UTF-8", body, got.Comment)
		}
		for _, p := range problems {
			if p == "" || strings.HasPrefix(p, "error.") {
				t.Fatalf("parseAnswerForm(%q): problem %q is not a message", body, p)
			}
		}
		if len(problems) > 0 {
			return
		}
		want, _ := parseScore(form.Get("score"))
		if got.Score != want || len(form["score"]) != 1 {
			t.Fatalf("parseAnswerForm(%q): accepted score %d from %q", body, got.Score, form["score"])
		}
		if c := strings.ReplaceAll(form.Get("comment"), "\r\n", "\n"); got.Comment != c {
			t.Fatalf("parseAnswerForm(%q): comment %q, want %q", body, got.Comment, c)
		}
		r := nps.Response{WaveID: 1, Score: got.Score, Comment: got.Comment, Answers: got.Answers, Language: "en", Channel: nps.ChannelLink}
		if err := r.Validate(); err != nil {
			t.Fatalf("parseAnswerForm(%q): accepted %+v, which the domain refuses: %v", body, got, err)
		}
		for key, rating := range got.Answers.Drivers {
			if !slices.Contains(sv.Questions.Drivers, key) || form.Get("driver."+key) != strconv.Itoa(rating) {
				t.Fatalf("parseAnswerForm(%q): driver %q = %d was not asked or not sent", body, key, rating)
			}
		}
		if (got.Answers.SwitchIntent != "" && !sv.Questions.Retention) || (got.Answers.Permission != "" && !sv.Questions.Permission) {
			t.Fatalf("parseAnswerForm(%q): answers %+v to questions the survey does not ask", body, got.Answers)
		}
	})
}

// FuzzSurveySubmit drives the real survey handlers, on SQLite, with a
// real invitation and public link and arbitrary form bodies, scores and
// tokens. No request may fail with a 5xx; a submission is recorded
// (303, or 204 for a one-click score) exactly when the form is valid, and
// then as sent; every other answer leaves the stored answers as they
// were.
func FuzzSurveySubmit(f *testing.F) {
	for _, s := range surveyFormSeeds {
		for route := range uint8(4) {
			f.Add(route, s, "8", "")
		}
	}
	f.Add(uint8(2), "lang=en", "10", "")
	f.Add(uint8(2), "", "07", "")
	f.Add(uint8(2), "", "../thanks", "")
	f.Add(uint8(3), "score=9", "", "not-a-token")
	f.Add(uint8(3), "score=9", "", "")
	f.Add(uint8(3), "score=9", "", "../p/x")
	f.Add(uint8(3), "score=9", "", "%00\xff")

	db := storetest.Open(f, store.SQLite)
	fx := newSurveyFixture(f, db)
	// The fixture's server logs to the test, which a fuzz target must not
	// do from its function: log what a failing request logged instead.
	var logged strings.Builder
	s, err := New(db, slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelError})), Options{})
	if err != nil {
		f.Fatal(err)
	}
	// Every input comes from one address, many more than the survey
	// limits let through: those are TestSurveyLimits' to try.
	s.limits = noLimits()
	fx.h = s.Handler()
	public := check(db.SurveyLink(f.Context(), fx.ws.ID, fx.survey.ID))(f)

	f.Fuzz(func(t *testing.T, route uint8, body, score, token string) {
		logged.Reset()
		before, had := fx.answer(t, fx.inv)
		hist := fx.histogram(t, fx.wave)
		var target string
		switch route % 4 {
		case 0:
			target = "/s/" + fx.inv.Token
		case 1:
			target = "/p/" + public
		case 2:
			target = "/s/" + fx.inv.Token + "/" + url.PathEscape(score)
		case 3:
			target = "/s/" + url.PathEscape(token)
		}
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		fx.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q: got %d; logged %s", target, body, rec.Code, logged.String())
		}
		after, has := fx.answer(t, fx.inv)
		histAfter := fx.histogram(t, fx.wave)
		unchanged := func() {
			t.Helper()
			if had != has || (has && !sameAnswer(before, after)) || histAfter != hist {
				t.Fatalf("POST %s %q: got %d and the answers changed: %+v to %+v, %v to %v", target, body, rec.Code, before, after, hist, histAfter)
			}
		}

		form, perr := url.ParseQuery(body)
		want, problems := parseAnswerForm(form, fx.survey, catalog.Messages("en"))
		wantStatus := http.StatusSeeOther
		switch {
		case perr != nil:
			wantStatus = http.StatusBadRequest
		case len(problems) > 0:
			wantStatus = http.StatusUnprocessableEntity
		}
		switch route % 4 {
		case 0:
			if rec.Code != wantStatus {
				t.Fatalf("POST %s %q: got %d, want %d (problems %q)", target, body, rec.Code, wantStatus, problems)
			}
			if rec.Code != http.StatusSeeOther {
				unchanged()
				return
			}
			if !has || after.Score != want.Score || after.Comment != want.Comment || !sameAnswers(after.Answers, want.Answers) {
				t.Fatalf("POST %s %q: stored %+v (%v), want %+v", target, body, after, has, want)
			}
			if err := after.Validate(); err != nil {
				t.Fatalf("POST %s %q: stored %+v, which the domain refuses: %v", target, body, after, err)
			}
		case 1:
			if rec.Code != wantStatus {
				t.Fatalf("POST %s %q: got %d, want %d (problems %q)", target, body, rec.Code, wantStatus, problems)
			}
			if rec.Code != http.StatusSeeOther {
				unchanged()
				return
			}
			hist[want.Score]++
			if histAfter != hist || had != has || (has && !sameAnswer(before, after)) {
				t.Fatalf("POST %s %q: histogram %v, want %v with the invitation's answer kept", target, body, histAfter, hist)
			}
		case 2:
			n, ok := parseScore(score)
			switch {
			case rec.Code == http.StatusNoContent:
				if !ok || !has || after.Score != n {
					t.Fatalf("POST %s %q: got 204 with stored %+v (%v), want score %q", target, body, after, has, score)
				}
			case rec.Code/100 == 2:
				t.Fatalf("POST %s %q: got %d, want 204 or an error", target, body, rec.Code)
			default:
				if !ok && rec.Code == http.StatusConflict {
					t.Fatalf("POST %s: score %q is not one, got 409", target, score)
				}
				unchanged()
			}
		case 3:
			if token == fx.inv.Token {
				return
			}
			if rec.Code/100 == 2 || rec.Code == http.StatusSeeOther {
				t.Fatalf("POST %s: got %d for a token of no invitation", target, rec.Code)
			}
			unchanged()
		}
	})
}

// sameAnswer reports whether two stored answers hold the same content.
func sameAnswer(a, b nps.Response) bool {
	return a.ID == b.ID && a.Score == b.Score && a.Comment == b.Comment && a.Revision == b.Revision &&
		a.Language == b.Language && sameAnswers(a.Answers, b.Answers)
}

// sameAnswers compares answers, a nil map of drivers equal to an empty one.
func sameAnswers(a, b nps.Answers) bool {
	return a.SwitchIntent == b.SwitchIntent && a.Permission == b.Permission && maps.Equal(a.Drivers, b.Drivers)
}
