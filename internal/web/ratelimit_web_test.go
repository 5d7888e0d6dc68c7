package web

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// localProxy trusts httptest's peer address as a proxy, so that a test
// plays many clients by X-Forwarded-For, as the soak test does through
// --trusted-proxies 127.0.0.1/32.
var localProxy = []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}

// TestSurveyLimits: a client address may send a burst of answers and is
// then refused with its answer kept in the form and nothing stored; other
// addresses go on; an invitation link is limited across addresses; time
// lets the address in again.
func TestSurveyLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixtureWith(t, db, Options{TrustedProxies: localProxy})
		clock := &appClock{t: time.Now()}
		db.Now = clock.now
		ctx := context.Background()
		token := check(db.SurveyLink(ctx, f.ws.ID, f.survey.ID))(t)
		public := "/p/" + token
		form := surveyAnswer("9", "Great service")

		// The public link: 30 answers at once from one address.
		for i := range surveyPerIP.burst {
			expect(t, fmt.Sprint("public answer ", i+1), f.do("POST", public, form, "X-Forwarded-For", "198.51.100.7"), http.StatusSeeOther)
		}
		rec := f.do("POST", public, surveyAnswer("3", "My typed comment <b>"), "X-Forwarded-For", "198.51.100.7", "Accept-Language", "en")
		checkTooMany(t, "public answer over the limit", rec)
		expect(t, "refused public answer", rec, http.StatusTooManyRequests,
			"Your answer is not saved yet", "My typed comment &lt;b&gt;", `value="3" required checked`)
		if n := f.histogram(t, f.wave).N(); n != int64(surveyPerIP.burst) {
			t.Errorf("after the refusal: %d answers stored, want %d", n, surveyPerIP.burst)
		}
		// A forged X-Forwarded-For on the client's side changes nothing.
		checkTooMany(t, "forged hop", f.do("POST", public, form, "X-Forwarded-For", "6.6.6.6, 198.51.100.7"))
		// Another address is not limited.
		expect(t, "other address", f.do("POST", public, form, "X-Forwarded-For", "198.51.100.8"), http.StatusSeeOther)

		// The limit recovers at one answer a second.
		clock.add(time.Second)
		expect(t, "a second later", f.do("POST", public, form, "X-Forwarded-For", "198.51.100.7"), http.StatusSeeOther)
		checkTooMany(t, "and again at once", f.do("POST", public, form, "X-Forwarded-For", "198.51.100.7"))

		// An invitation link: 10 at once, from any addresses together.
		personal := "/s/" + f.inv.Token
		for i := range surveyPerInvitation.burst {
			expect(t, fmt.Sprint("personal answer ", i+1), f.do("POST", personal, form, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1)), http.StatusSeeOther)
		}
		rec = f.do("POST", personal, surveyAnswer("4", "Kept text"), "X-Forwarded-For", "203.0.113.200")
		checkTooMany(t, "personal answer over the link's limit", rec)
		expect(t, "refused personal answer", rec, http.StatusTooManyRequests, "Uw antwoord is nog niet opgeslagen", "Kept text")
		if a, _ := f.answer(t, f.inv); a.Score != 9 {
			t.Errorf("after the refused answer: score %d stored, want 9", a.Score)
		}
		checkTooMany(t, "one-click over the link's limit", f.do("POST", personal+"/5", nil, "X-Forwarded-For", "203.0.113.201"))
		// Another invitation is not limited by the first one's.
		_, other := f.invite(t, "en", f.wave)
		expect(t, "other invitation", f.do("POST", "/s/"+other.Token, form, "X-Forwarded-For", "203.0.113.202"), http.StatusSeeOther)
		// An unknown link over the limit gets the friendly page.
		for range surveyPerIP.burst {
			f.do("POST", "/s/"+strings.Repeat("x", 32), form, "X-Forwarded-For", "203.0.113.250")
		}
		expect(t, "unknown link over the limit", f.do("POST", "/s/"+strings.Repeat("x", 32), form, "X-Forwarded-For", "203.0.113.250", "Accept-Language", "en"),
			http.StatusTooManyRequests, "Please wait a moment")
	})
}

// TestPublicLinkLimit: one public link takes 300 answers at once from all
// addresses together. Answers without a score, refused with 422, count
// too, and keep the test from storing hundreds of rows.
func TestPublicLinkLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixtureWith(t, db, Options{TrustedProxies: localProxy})
		db.Now = (&appClock{t: time.Now()}).now
		token := check(db.SurveyLink(context.Background(), f.ws.ID, f.survey.ID))(t)
		empty := surveyAnswer("", "")
		for i := range surveyPerPublicLink.burst {
			rec := f.do("POST", "/p/"+token, empty, "X-Forwarded-For", fmt.Sprintf("10.%d.%d.1", i/200, i%200))
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("answer %d: got %d, want 422", i+1, rec.Code)
			}
		}
		checkTooMany(t, "answer 301 through one link", f.do("POST", "/p/"+token, surveyAnswer("8", ""), "X-Forwarded-For", "10.99.0.1"))
		if n := f.histogram(t, f.wave).N(); n != 0 {
			t.Errorf("%d answers stored, want 0", n)
		}
	})
}

// surveyAnswer is a survey form with a score and a comment.
func surveyAnswer(score, comment string) url.Values {
	v := url.Values{"comment": {comment}}
	if score != "" {
		v["score"] = []string{score}
	}
	return v
}

// TestAPILimits: failed authentications are limited per client address,
// a valid token per token; both answer a problem document with
// Retry-After and recover with time. A valid token is never refused for
// the failures of others at its address.
func TestAPILimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAPIFixture(t, db)
		clock := &appClock{t: apiT0}
		db.Now = clock.now
		f.srv.opts.TrustedProxies = localProxy

		for i := range apiFailedAuthPerIP.burst {
			if rec := f.do("GET", "/api/v1/surveys", "pmt_guess", "", "X-Forwarded-For", "198.51.100.7"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("bad token %d: got %d, want 401", i+1, rec.Code)
			}
		}
		rec := f.do("GET", "/api/v1/surveys", "pmt_guess", "", "X-Forwarded-For", "198.51.100.7")
		checkTooMany(t, "bad token after 20 failures from its address", rec)
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" || !strings.Contains(rec.Body.String(), `"status": 429`) {
			t.Errorf("refusal: Content-Type %q, body %s; want a problem document", ct, rec.Body.String())
		}
		// Without a token at all is refused as a failure too.
		checkTooMany(t, "no token after 20 failures from its address", f.do("GET", "/api/v1/surveys", "", "", "X-Forwarded-For", "198.51.100.7"))
		// A stranger sharing the address locks no valid token out.
		if rec := f.do("GET", "/api/v1/surveys", f.token, "", "X-Forwarded-For", "198.51.100.7"); rec.Code != http.StatusOK {
			t.Errorf("valid token after 20 failures from its address: got %d, want 200", rec.Code)
		}
		// Another address is free, and so is this one after 3 seconds.
		if rec := f.do("GET", "/api/v1/surveys", "pmt_guess", "", "X-Forwarded-For", "198.51.100.8"); rec.Code != http.StatusUnauthorized {
			t.Errorf("another address: got %d, want 401", rec.Code)
		}
		clock.add(apiFailedAuthPerIP.per)
		if rec := f.do("GET", "/api/v1/surveys", "pmt_guess", "", "X-Forwarded-For", "198.51.100.7"); rec.Code != http.StatusUnauthorized {
			t.Errorf("3 s later: got %d, want 401", rec.Code)
		}
		// Successes spend nothing of the failure limit: the failure above
		// took the one request that refilled.
		for range 5 {
			f.do("GET", "/api/v1/surveys", f.token, "", "X-Forwarded-For", "198.51.100.7")
		}
		checkTooMany(t, "a request without a token after successes", f.do("GET", "/api/v1/surveys", "", "", "X-Forwarded-For", "198.51.100.7"))

		// One token: 200 at once, from any addresses.
		f.srv.limits.apiToken = newLimiter(apiPerToken)
		before := f.count(t)
		for i := range apiPerToken.burst {
			if rec := f.do("GET", "/api/v1/surveys", f.token, "", "X-Forwarded-For", fmt.Sprintf("10.0.%d.%d", i/200, i%200)); rec.Code != http.StatusOK {
				t.Fatalf("request %d: got %d, want 200", i+1, rec.Code)
			}
		}
		body := fmt.Sprintf(`{"wave_id": %d, "score": 9}`, f.wave.ID)
		checkTooMany(t, "request 201 of a token", f.do("POST", "/api/v1/responses", f.token, body, "X-Forwarded-For", "10.1.0.1"))
		if n := f.count(t); n != before {
			t.Errorf("the refused response was stored: %d responses, want %d", n, before)
		}
		if rec := f.do("GET", "/api/v1/surveys", f.other, "", "X-Forwarded-For", "10.1.0.1"); rec.Code != http.StatusOK {
			t.Errorf("another token: got %d, want 200", rec.Code)
		}
		clock.add(apiPerToken.per)
		if rec := f.do("POST", "/api/v1/responses", f.token, body, "X-Forwarded-For", "10.1.0.1"); rec.Code != http.StatusCreated {
			t.Errorf("20 ms later: got %d, want 201", rec.Code)
		}
	})
}
