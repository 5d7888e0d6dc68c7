package web

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	qr "github.com/piglig/go-qr"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// leaks are what a page for a bad link must never show.
var leaks = []string{"!Secret Survey Name", "!Secret Workspace Name", "!Acme", "!person"}

func TestSurveyFriendlyPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSurveyFixture(t, db)
		closed := f.closedWave(t, f.survey)
		_, closedInv := f.invite(t, "en", closed)
		optedOut, optedInv := f.invite(t, "nl", f.wave)
		check(db.OptOutContact(ctx, f.ws.ID, optedOut.ID))(t)
		other := check(db.CreateSurvey(ctx, f.ws.ID, testSurvey("Secret Survey Name", false)))(t)
		f.closedWave(t, other)
		closedLink := check(db.SurveyLink(ctx, f.ws.ID, other.ID))(t)
		unknown := strings.Repeat("x", 32)

		notFound := append([]string{"Survey not found", "whole link"}, leaks...)
		closedPage := append([]string{"This survey is closed"}, leaks...)
		tests := []struct {
			name, method, path string
			status             int
			want               []string
		}{
			{"unknown token", "GET", "/s/" + unknown, http.StatusNotFound, notFound},
			{"malformed token", "GET", "/s/%3Cscript%3E", http.StatusNotFound, notFound},
			{"unknown token post", "POST", "/s/" + unknown, http.StatusNotFound, notFound},
			{"unknown one-click", "GET", "/s/" + unknown + "/5", http.StatusNotFound, notFound},
			{"unknown thanks", "GET", "/s/" + unknown + "/thanks", http.StatusNotFound, notFound},
			{"score 11", "GET", "/s/" + f.inv.Token + "/11", http.StatusNotFound, notFound},
			{"score -1", "GET", "/s/" + f.inv.Token + "/-1", http.StatusNotFound, notFound},
			{"score 07", "GET", "/s/" + f.inv.Token + "/07", http.StatusNotFound, notFound},
			{"score 7.5", "GET", "/s/" + f.inv.Token + "/7.5", http.StatusNotFound, notFound},
			{"score +7", "GET", "/s/" + f.inv.Token + "/+7", http.StatusNotFound, notFound},
			{"unknown public", "GET", "/p/" + unknown, http.StatusNotFound, notFound},
			{"unknown public post", "POST", "/p/" + unknown, http.StatusNotFound, notFound},
			{"unknown QR", "GET", "/p/" + unknown + "/qr.png", http.StatusNotFound, notFound},
			{"invitation token as public link", "GET", "/p/" + f.inv.Token, http.StatusNotFound, notFound},
			{"closed wave", "GET", "/s/" + closedInv.Token, http.StatusGone, closedPage},
			{"closed wave post", "POST", "/s/" + closedInv.Token, http.StatusGone, closedPage},
			{"closed wave one-click", "GET", "/s/" + closedInv.Token + "/9", http.StatusGone, closedPage},
			{"closed wave one-click post", "POST", "/s/" + closedInv.Token + "/9", http.StatusGone, closedPage},
			{"public without open wave", "GET", "/p/" + closedLink, http.StatusGone, append([]string{"Deze enquête is gesloten"}, leaks...)},
			{"public without open wave post", "POST", "/p/" + closedLink, http.StatusGone, []string{"Deze enquête is gesloten"}},
			{"opted out", "GET", "/s/" + optedInv.Token, http.StatusGone, append([]string{"U bent afgemeld", "daar houden we ons aan"}, leaks...)},
			{"opted out post", "POST", "/s/" + optedInv.Token, http.StatusGone, []string{"U bent afgemeld"}},
			{"opted out one-click", "POST", "/s/" + optedInv.Token + "/10", http.StatusGone, []string{"U bent afgemeld"}},
			{"opted out thanks", "GET", "/s/" + optedInv.Token + "/thanks", http.StatusGone, []string{"U bent afgemeld"}},
		}
		form := url.Values{"score": {"9"}}
		for _, tt := range tests {
			var body url.Values
			if tt.method == "POST" {
				body = form
			}
			expect(t, tt.name, f.do(tt.method, tt.path, body), tt.status, tt.want...)
		}
		expect(t, "not found in Dutch", f.do("GET", "/s/"+unknown, nil, "Accept-Language", "nl-NL,nl;q=0.9"),
			http.StatusNotFound, `<html lang="nl">`, "Enquête niet gevonden")
		for _, inv := range []nps.Invitation{closedInv, optedInv} {
			if r, ok := f.answer(t, inv); ok {
				t.Errorf("invitation %d: got answer %+v, want none", inv.ID, r)
			}
		}
		if h := f.histogram(t, closed); h.N() != 0 {
			t.Errorf("closed wave histogram: got %v, want empty", h)
		}
	})
}

func TestSurveyPublicLink(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSurveyFixtureWith(t, db, Options{BaseURL: "https://nps.example.com/"})
		token := check(db.SurveyLink(ctx, f.ws.ID, f.survey.ID))(t)
		// A newer wave opened: the public link answers it.
		newer := f.openWave(t, f.survey)
		path := "/p/" + token
		expect(t, "GET public", f.do("GET", path, nil, "Accept-Language", "en-GB,en;q=0.8"), http.StatusOK,
			`<html lang="en">`, "How likely is it that you would recommend Acme?", "Not at all likely", "Extremely likely",
			`action="`+path+`"`, "!data-autopost", "!Secret Survey Name")
		for i, score := range []string{"10", "0"} {
			rec := f.do("POST", path, url.Values{"lang": {"en"}, "score": {score}, "comment": {"from the event"}})
			expect(t, "POST public", rec, http.StatusSeeOther)
			if loc := rec.Header().Get("Location"); loc != path+"/thanks?lang=en" {
				t.Errorf("POST public: Location %q", loc)
			}
			if h := f.histogram(t, newer); h.N() != int64(i+1) {
				t.Errorf("after public answer %d: histogram %v", i+1, h)
			}
		}
		if h := f.histogram(t, newer); h[10] != 1 || h[0] != 1 {
			t.Errorf("public answers: histogram %v, want one 10 and one 0", h)
		}
		if h := f.histogram(t, f.wave); h.N() != 0 {
			t.Errorf("older wave: histogram %v, want empty", h)
		}
		expect(t, "GET public thanks", f.do("GET", path+"/thanks?lang=en", nil), http.StatusOK, "Thank you!", "!Change my answer")

		rec := f.do("GET", path+"/qr.png", nil)
		if ct := rec.Header().Get("Content-Type"); rec.Code != http.StatusOK || ct != "image/png" {
			t.Fatalf("GET qr.png: got %d %q, want 200 image/png", rec.Code, ct)
		}
		img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("qr.png does not decode as PNG: %v", err)
		}
		if text, err := qr.Decode(img); err != nil || text != "https://nps.example.com"+path {
			t.Errorf("qr.png encodes %q (%v), want https://nps.example.com%s", text, err, path)
		}
		rec = f.do("GET", path+"/qr.svg", nil)
		if ct := rec.Header().Get("Content-Type"); rec.Code != http.StatusOK || ct != "image/svg+xml" || !strings.HasPrefix(rec.Body.String(), "<svg") {
			t.Errorf("GET qr.svg: got %d %q %.40q, want 200 image/svg+xml <svg", rec.Code, ct, rec.Body.String())
		}
	})
}

func TestSurveyQRWithoutBaseURL(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixture(t, db)
		token := check(db.SurveyLink(context.Background(), f.ws.ID, f.survey.ID))(t)
		rec := f.do("GET", "/p/"+token+"/qr.png", nil)
		img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("qr.png: %v", err)
		}
		// httptest requests come to example.com.
		if text, err := qr.Decode(img); err != nil || text != "http://example.com/p/"+token {
			t.Errorf("qr.png encodes %q (%v), want http://example.com/p/%s", text, err, token)
		}
	})
}

func TestSurveyLanguage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSurveyFixture(t, db)
		_, en := f.invite(t, "en", f.wave)
		_, none := f.invite(t, "", f.wave)
		_, german := f.invite(t, "de", f.wave)
		_, flemish := f.invite(t, "nl-BE", f.wave)
		dutchOnly := check(db.CreateSurvey(ctx, f.ws.ID, testSurvey("Dutch only", false, "nl")))(t)
		_, onlyNL := f.invite(t, "en", f.openWave(t, dutchOnly))
		dutch := []string{`<html lang="nl">`, "Hoe waarschijnlijk", "Zeer onwaarschijnlijk"}
		english := []string{`<html lang="en">`, "How likely", "Not at all likely"}
		tests := []struct {
			name, path, accept string
			want               []string
		}{
			{"contact language", "/s/" + f.inv.Token, "en", dutch},
			{"contact language en", "/s/" + en.Token, "nl", english},
			{"browser without contact language", "/s/" + none.Token, "en-US,en;q=0.9", english},
			{"default without either", "/s/" + none.Token, "", dutch},
			{"browser when the contact's is missing", "/s/" + german.Token, "fr, en;q=0.5", english},
			{"region of the contact", "/s/" + flemish.Token, "en", dutch},
			{"switch beats contact", "/s/" + f.inv.Token + "?lang=en", "", english},
			{"unknown switch ignored", "/s/" + f.inv.Token + "?lang=xx", "", dutch},
			{"survey without the language", "/s/" + onlyNL.Token, "en", append(dutch, "!hreflang")},
		}
		for _, tt := range tests {
			expect(t, tt.name, f.do("GET", tt.path, nil, "Accept-Language", tt.accept), http.StatusOK, tt.want...)
		}
		expect(t, "switch links", f.do("GET", "/s/"+f.inv.Token, nil), http.StatusOK,
			`href="?lang=en" lang="en" hreflang="en">English</a>`, `href="?lang=nl" lang="nl" hreflang="nl" aria-current="true">Nederlands</a>`)
		expect(t, "answer in English", f.do("POST", "/s/"+en.Token, url.Values{"lang": {"en"}, "score": {"7"}}), http.StatusSeeOther)
		if got, _ := f.answer(t, en); got.Language != "en" {
			t.Errorf("answer language: got %q, want en", got.Language)
		}
		expect(t, "thanks in English", f.do("GET", "/s/"+en.Token+"/thanks?lang=en", nil), http.StatusOK, "Thank you!", "Change my answer")
	})
}

func TestSurveyAnonymousInvitation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSurveyFixture(t, db)
		anon := check(db.CreateSurvey(ctx, f.ws.ID, testSurvey("Anonymous", true)))(t)
		w := f.openWave(t, anon)
		_, inv := f.invite(t, "nl", w)
		path := "/s/" + inv.Token
		expect(t, "one-click page", f.do("GET", path+"/7", nil), http.StatusOK, `value="7" required checked`, "!data-autopost")
		expect(t, "one-click post", f.do("POST", path+"/7", url.Values{}), http.StatusConflict)
		expect(t, "answer", f.do("POST", path, url.Values{"score": {"7"}, "comment": {"anoniem"}}), http.StatusSeeOther)
		expect(t, "thanks", f.do("GET", path+"/thanks", nil), http.StatusOK, "Uw antwoord is anoniem", "!Mijn antwoord wijzigen")
		expect(t, "form again", f.do("GET", path, nil), http.StatusOK, "U hebt al geantwoord", "!<form")
		expect(t, "second answer", f.do("POST", path, url.Values{"score": {"1"}}), http.StatusConflict, "U hebt al geantwoord")
		if h := f.histogram(t, w); h.N() != 1 || h[7] != 1 {
			t.Errorf("histogram: got %v, want one 7", h)
		}
		if _, ok := f.answer(t, inv); ok {
			t.Error("an anonymous answer is linked to its invitation")
		}
	})
}

func TestCommentLimitMatchesDomain(t *testing.T) {
	r := nps.Response{WaveID: 1, Score: 5, Channel: nps.ChannelLink, Comment: strings.Repeat("é", maxCommentChars)}
	if err := r.Validate(); err != nil {
		t.Errorf("a comment of maxCommentChars: %v, want valid", err)
	}
	r.Comment += "é"
	if err := r.Validate(); err == nil {
		t.Error("a comment of maxCommentChars+1: valid, want the domain to refuse it")
	}
}

// TestSurveyPageWeight keeps the heaviest survey page (a one-click page
// of a survey with every question) and the assets it loads under 30 KB.
func TestSurveyPageWeight(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	f := newSurveyFixture(t, db)
	rec := f.do("GET", "/s/"+f.inv.Token+"/9", nil)
	expect(t, "one-click page", rec, http.StatusOK)
	total := rec.Body.Len()
	refs := regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`).FindAllStringSubmatch(rec.Body.String(), -1)
	if len(refs) < 2 {
		t.Fatalf("page references %d assets, want the style sheet and the script", len(refs))
	}
	for _, ref := range refs {
		a := f.do("GET", ref[1], nil)
		if a.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", ref[1], a.Code)
		}
		total += a.Body.Len()
	}
	const budget = 30 << 10
	t.Logf("page and assets: %d bytes", total)
	if total > budget {
		t.Errorf("page and assets: %d bytes, want at most %d", total, budget)
	}
	if strings.Contains(rec.Body.String(), "http://") || strings.Contains(rec.Body.String(), "https://") {
		t.Error("the page refers to another origin")
	}
}
