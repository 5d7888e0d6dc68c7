package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// nextMonday is the first weekly digest after appT0, a Monday 09:00:
// Monday a week later, 07:00 UTC.
var nextMonday = time.Date(2026, 5, 11, 7, 0, 0, 0, time.UTC)

// TestDigestRoutes tries the digest's pages as a visitor, a user of
// another workspace and each role, and fails when a route of
// digestRoutes is not tried.
func TestDigestRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		s, _ := New(db, nil, Options{})
		f.checkRouteMatrix(t, s.digestRoutes(), []routeTry{
			{"GET /w/{slug}/digest", http.StatusOK, func() (string, url.Values) { return "/w/acme/digest", nil }},
			{"POST /w/{slug}/digest", http.StatusSeeOther, func() (string, url.Values) {
				return "/w/acme/digest", appForm("frequency", "monthly")
			}},
		})
	})
}

// TestDigestScenarios: each user chooses their own digest, a refused
// choice changes nothing, and the unsubscribe link asks on GET and stops
// the digest on POST, also as a mail client's one-click request, without
// signing in and in the user's language.
func TestDigestScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		w := "/w/acme"
		f.run(t, []appScenario{
			{name: "no digest yet", method: "GET", path: w + "/digest", actor: "viewer", status: http.StatusOK,
				want: []string{"Digest email of Acme", `<input type="radio" name="frequency" value="none" checked> Never`,
					`value="weekly"> Every week, on Monday at 07:00 UTC`, "You get no digest of this workspace.",
					"no mail server set up yet", `<a href="/w/acme/digest">Digest email</a>`},
				notWant: []string{"accounts you own"}},
			{name: "a member's own accounts", method: "GET", path: w + "/digest", actor: "member", status: http.StatusOK,
				want: []string{"the accounts you own"}},
			{name: "weekly", method: "POST", path: w + "/digest", form: appForm("frequency", "weekly"), actor: "viewer",
				status: http.StatusSeeOther, want: []string{"/w/acme/digest?saved=1"}},
			{name: "saved", method: "GET", path: w + "/digest?saved=1", actor: "viewer", status: http.StatusOK,
				want: []string{"Saved.", `value="weekly" checked>`, "Your next digest is due on 2026-05-11 07:00 UTC."}},
			{name: "not a frequency", method: "POST", path: w + "/digest", form: appForm("frequency", "hourly"), actor: "viewer",
				status: http.StatusUnprocessableEntity,
				want:   []string{"Not saved: choose never, every week or every month.", `aria-invalid="true"`, `value="weekly" checked>`}},
			{name: "others' digests are their own", method: "GET", path: w + "/digest", actor: "analyst", status: http.StatusOK,
				want: []string{`value="none" checked>`}},
		})
		if sub := appMust(db.DigestSubscription(ctx, f.acme.ID, f.users["viewer"].ID))(t); sub.Frequency != nps.DigestWeekly {
			t.Errorf("after a refused choice: got %s, want weekly kept", sub.Frequency)
		}

		if err := db.SetUserLanguage(ctx, f.users["viewer"].ID, "nl"); err != nil {
			t.Fatal(err)
		}
		token := appMust(db.DigestSubscription(ctx, f.acme.ID, f.users["viewer"].ID))(t).Token
		f.run(t, []appScenario{
			{name: "the link asks", method: "GET", path: "/d/" + token, status: http.StatusOK,
				want: []string{`lang="nl"`, "Geen samenvatting van Acme meer sturen naar viewer@example.com?", `action="/d/` + token + `"`}},
			{name: "unknown link", method: "GET", path: "/d/" + strings.Repeat("x", len(token)), status: http.StatusNotFound},
			{name: "garbage link", method: "POST", path: "/d/<script>", form: appForm(), status: http.StatusNotFound},
		})
		if sub := appMust(db.DigestSubscription(ctx, f.acme.ID, f.users["viewer"].ID))(t); sub.Frequency != nps.DigestWeekly {
			t.Fatalf("after GET of the link: got %s, want weekly: GET must not unsubscribe", sub.Frequency)
		}
		// A mail client's one-click POST: no cookie, no fetch metadata.
		req := httptest.NewRequest("POST", "/d/"+token, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "viewer@example.com krijgt geen samenvattingen van Acme meer.") {
			t.Errorf("one-click unsubscribe: got %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
		if sub := appMust(db.DigestSubscription(ctx, f.acme.ID, f.users["viewer"].ID))(t); sub.Frequency != nps.DigestNone || !sub.NextAt.IsZero() {
			t.Errorf("after one-click: got %s due %v, want none", sub.Frequency, sub.NextAt)
		}
		f.run(t, []appScenario{
			{name: "the link after unsubscribing", method: "GET", path: "/d/" + token, status: http.StatusOK,
				want: []string{"krijgt geen samenvattingen van Acme meer", `href="/w/acme/digest"`}, notWant: []string{"<form"}},
			{name: "the page after unsubscribing", method: "GET", path: w + "/digest", actor: "viewer", status: http.StatusOK,
				want: []string{`value="none" checked>`, "U krijgt geen samenvatting van deze werkruimte."}},
		})
		// A browser's cross-site POST is refused, as every form's.
		if rec := f.do("POST", "/d/"+token, appForm(), "", "Sec-Fetch-Site: cross-site"); rec.Code != http.StatusForbidden {
			t.Errorf("cross-site POST of the link: got %d, want 403", rec.Code)
		}
	})
}

// TestDigestNeedsAddress: without a public address the digest cannot
// link anywhere; it stays due and the task says why.
func TestDigestNeedsAddress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		appMust(db.SetDigest(ctx, f.acme.ID, f.users["owner"].ID, nps.DigestWeekly))(t)
		s := appMust(New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{}))(t)
		f.clock.add(nextMonday.Sub(f.clock.now()))
		if err := s.SendDigests(ctx); err == nil || !strings.Contains(err.Error(), "no public address") {
			t.Errorf("SendDigests without an address: got %v, want the reason", err)
		}
		if due := appMust(db.DueDigests(ctx, f.clock.now(), 10))(t); len(due) != 1 {
			t.Errorf("after a failed digest: %d due, want it still due", len(due))
		}
		if ids := appMust(db.PendingNotifications(ctx, 10))(t); len(ids) != 0 {
			t.Errorf("after a failed digest: %d emails queued, want none", len(ids))
		}
	})
}

// digestPath is the path of a URL in an email.
func digestPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// recordScores records one answer per score from new contacts of the
// account, at the clock's time.
func (f *appFixture) recordScores(t *testing.T, wave nps.Wave, account nps.Account, prefix string, scores ...int) {
	t.Helper()
	ctx := context.Background()
	for i, score := range scores {
		c := appMust(f.db.CreateContact(ctx, f.acme.ID, nps.Contact{AccountID: account.ID, Name: fmt.Sprintf("%s %d", prefix, i),
			Email: fmt.Sprintf("%s-%d-%d@example.com", strings.ToLower(strings.ReplaceAll(prefix, " ", "-")), wave.ID, i)}))(t)
		appMust(f.db.RecordResponse(ctx, f.acme.ID, nps.Response{WaveID: wave.ID, ContactID: c.ID, Score: score,
			Comment: fmt.Sprintf("%s comment %d", prefix, i), Channel: nps.ChannelLink}))(t)
	}
}
