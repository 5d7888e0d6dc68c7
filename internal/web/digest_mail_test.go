package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/loop"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// digestRun is the app fixture with what a week's digest reports: a
// survey with last year's wave (43 answers, NPS −44) and this year's (38
// answers, NPS +63, five of them new detractors: three on the analyst's
// account, one on the member's own, besides the fixture's), two overdue
// follow-ups (one on each of those accounts), the workspace's colour and
// logo, and three subscribers with
// Mailpit addresses: an owner in English, a member in Dutch and a viewer
// without a name or language.
type digestRun struct {
	*appFixture
	mp                     *mailtest.Mailpit
	server                 *Server
	loop                   *loop.Loop
	owner, member, viewer  nps.User
	analystAccount, mine   nps.Account
	lastYear               nps.Wave
	memberAlert, otherLate int64
}

func newDigestRun(t *testing.T, db *store.DB, mp *mailtest.Mailpit) *digestRun {
	t.Helper()
	ctx := context.Background()
	smtp, err := mail.NewSMTP(mp.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtp.Close() })
	opts := Options{BaseURL: "https://nps.example.com", MailBaseURL: "https://nps.example.com", Mail: smtp}
	r := &digestRun{appFixture: newAppFixtureWith(t, db, opts), mp: mp}
	r.server = appMust(New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts))(t)
	c := appMust(i18n.Load())(t)
	r.loop = &loop.Loop{DB: db, Catalog: c, Render: appMust(mail.NewRenderer(c))(t), Mail: smtp, BaseURL: opts.MailBaseURL,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}

	for _, u := range []struct {
		to   *nps.User
		name string
		lang string
		role nps.Role
	}{{&r.owner, "Olivia Owner", "en", nps.RoleOwner}, {&r.member, "Maarten Member", "nl", nps.RoleMember}, {&r.viewer, "", "", nps.RoleViewer}} {
		*u.to = appMust(db.CreateUser(ctx, nps.User{Email: mailtest.Address(t), Name: u.name, Language: u.lang}))(t)
		appMust(db.AddMember(ctx, r.acme.ID, u.to.ID, u.role))(t)
		appMust(db.SetDigest(ctx, r.acme.ID, u.to.ID, nps.DigestWeekly))(t)
	}
	accounts := appMust(db.Accounts(ctx, r.acme.ID, store.AccountFilter{}))(t)
	for _, a := range accounts {
		if a.Name == "Analyst Account BV" {
			r.analystAccount = a
		}
	}
	r.mine = appMust(db.CreateAccount(ctx, r.acme.ID, nps.Account{Name: "Mijn Klant BV", OwnerID: r.member.ID}))(t)

	// Last year, recorded then: 25 detractors, 10 passives and 5
	// promoters on the analyst's account, 2 promoters and a detractor on
	// the member's.
	r.lastYear = appMust(db.CreateWave(ctx, r.acme.ID, nps.Wave{SurveyID: r.survey.ID, Name: "2025",
		OpensAt: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}))(t)
	now := r.clock.now()
	r.clock.add(time.Date(2025, 5, 10, 9, 0, 0, 0, time.UTC).Sub(now))
	r.recordScores(t, r.lastYear, r.analystAccount, "Old", slices.Concat(repeat(3, 25), repeat(7, 10), repeat(9, 5))...)
	r.recordScores(t, r.lastYear, r.mine, "Oud", 9, 9, 3)
	r.clock.add(now.Sub(r.clock.now()) + time.Hour)

	// This year, besides the fixture's 9 and 3: 28 promoters, 4 passives
	// and 3 detractors on the analyst's account; one detractor on the
	// member's own.
	r.recordScores(t, r.wave, r.analystAccount, "New", slices.Concat(repeat(10, 28), repeat(8, 4), repeat(4, 3))...)
	mine := appMust(db.CreateContact(ctx, r.acme.ID, nps.Contact{AccountID: r.mine.ID, Name: "Karin Klant", Email: "karin@mijnklant.example"}))(t)
	appMust(db.RecordResponse(ctx, r.acme.ID, nps.Response{WaveID: r.wave.ID, ContactID: mine.ID, Score: 2,
		Comment: "Levering <b>te laat</b>", Channel: nps.ChannelLink}))(t)

	// The workspace's brand: a colour and a logo.
	var logo bytes.Buffer
	if err := png.Encode(&logo, image.NewRGBA(image.Rect(0, 0, 120, 40))); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateBrand(ctx, r.acme.ID, store.BrandUpdate{Colour: "#0f766e", Logo: logo.Bytes()}); err != nil {
		t.Fatal(err)
	}

	rule := appMust(db.CreateAlertRule(ctx, r.acme.ID, nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 2, Active: true}))(t)
	r.otherLate = r.insertAlert(t, r.acme.ID, rule.ID, 0, r.analystAccount.ID, 0, r.users["analyst"].ID, nps.AlertOpen, r.clock.now().Add(time.Hour))
	r.memberAlert = r.insertAlert(t, r.acme.ID, rule.ID, 0, r.mine.ID, mine.ID, r.member.ID, nps.AlertOpen, r.clock.now().Add(2*time.Hour))
	return r
}

// repeat is n times score.
func repeat(score, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = score
	}
	return s
}

// send runs the digest task at the clock's time and sends what it
// queued as the email job does.
func (r *digestRun) send(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	if err := r.server.SendDigests(ctx); err != nil {
		t.Fatalf("SendDigests: %v", err)
	}
	ids := appMust(r.db.PendingNotifications(ctx, 100))(t)
	for _, id := range ids {
		if err := r.loop.SendEmail(ctx, id, false); err != nil {
			t.Fatalf("SendEmail(%d): %v", id, err)
		}
	}
	return len(ids)
}

// received is a digest as Mailpit holds it.
type received struct {
	msg     *mailtest.Message
	headers http.Header
}

func (r *digestRun) received(t *testing.T, to string) received {
	t.Helper()
	ctx := context.Background()
	got := r.mp.API.WaitTo(t, to, 1)
	if len(got) != 1 {
		t.Fatalf("digests to %s: got %d, want 1", to, len(got))
	}
	msg := appMust(r.mp.API.Message(ctx, got[0].ID))(t)
	msg.Text = strings.ReplaceAll(msg.Text, "\r\n", "\n") // as sent on the wire
	return received{msg: msg, headers: appMust(r.mp.API.Headers(ctx, got[0].ID))(t)}
}

// TestDigestThroughMailpit: a week after subscribing, each subscriber
// gets one digest, in their language, with the score, its change and
// significance, the trend chart as an inline PNG that the HTML shows by
// Content-ID, the new detractors and the overdue follow-ups of what
// they may see, and a one-click unsubscribe that works; running the task
// again sends nothing more.
func TestDigestThroughMailpit(t *testing.T) {
	mp := mailtest.Start(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newDigestRun(t, db, mp)
		if n := r.send(t); n != 0 {
			t.Fatalf("digests before their time: got %d, want none", n)
		}
		r.clock.add(nextMonday.Add(30 * time.Second).Sub(r.clock.now()))
		if n := r.send(t); n != 3 {
			t.Fatalf("digests on Monday: got %d, want 3", n)
		}

		owner := r.received(t, r.owner.Email)
		text, html := owner.msg.Text, owner.msg.HTML
		for _, want := range []string{
			"Hello Olivia Owner,",
			"This is how Acme stands, with what happened since 2026-05-04 07:00 UTC.",
			"Relationship NPS · 2026: +63\n95% interval",
			"n = 38",
			"+107 points since 2025: significant (p < 0.001)",
			"Event feedback · Fair: 0\n",
			"The first wave of this survey",
			"New detractors (5)",
			"Abe Analyst-Contact of Analyst Account BV gave a 3 in Relationship NPS\n  > analyst account comment <b>bold</b>\n  https://nps.example.com/w/acme/responses/",
			"Karin Klant of Mijn Klant BV gave a 2 in Relationship NPS",
			"New 33 of Analyst Account BV gave a 4",
			"Overdue follow-ups (2)",
			"Analyst Account BV: due 2026-05-04 11:02 UTC, owner Analyst\n  https://nps.example.com/w/acme/followups/" + fmt.Sprint(r.otherLate),
			"Mijn Klant BV: due",
			"Open the dashboard: https://nps.example.com/w/acme/dashboard",
			"Change how often: https://nps.example.com/w/acme/digest",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("owner's digest lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "New 0 of") || strings.Contains(text, "Old ") {
			t.Errorf("owner's digest lists promoters or last year's answers as new detractors:\n%s", text)
		}
		if owner.msg.Subject != "Your weekly NPS digest of Acme" {
			t.Errorf("subject: got %q", owner.msg.Subject)
		}
		if strings.Contains(html, "<b>bold</b>") || !strings.Contains(html, "analyst account comment &lt;b&gt;bold&lt;/b&gt;") {
			t.Error("the owner's digest does not escape a comment's markup")
		}
		// The charts: one PNG per survey with answers, and the logo, each
		// shown by its Content-ID, none an attachment.
		if len(owner.msg.Inline) != 3 || len(owner.msg.Attachments) != 0 {
			t.Fatalf("owner's digest parts: got %d inline, %d attachments, want the 2 charts and the logo inline", len(owner.msg.Inline), len(owner.msg.Attachments))
		}
		for _, part := range owner.msg.Inline {
			if part.ContentType != "image/png" || !strings.Contains(html, `src="cid:`+part.ContentID+`"`) {
				t.Errorf("inline part %+v: want a PNG the HTML shows by its Content-ID", part)
			}
			data := appMust(r.mp.API.Part(ctx, owner.msg.ID, part.PartID))(t)
			img, err := png.Decode(bytes.NewReader(data))
			want := 2 * digestChartPx
			if part.ContentID == "logo@promotor" {
				want = 120
			}
			if err != nil || img.Bounds().Dx() != want {
				t.Errorf("inline part %s: %v, want a PNG %d pixels wide", part.ContentID, err, want)
			}
		}
		if !strings.Contains(html, "border-top:4px solid #0f766e") || !strings.Contains(html, `alt="Acme"`) {
			t.Error("the owner's digest lacks the workspace's colour or logo")
		}
		if !strings.Contains(html, `alt="NPS per wave of Relationship NPS: 2025 -44, 2026 &#43;63"`) {
			t.Errorf("the chart's text alternative is missing from:\n%s", html)
		}
		unsubscribe := owner.headers.Get("List-Unsubscribe")
		if !strings.HasPrefix(unsubscribe, "<https://nps.example.com/d/") || owner.headers.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("unsubscribe headers: got %q, %q", unsubscribe, owner.headers.Get("List-Unsubscribe-Post"))
		}

		// The member's, in Dutch: their own account only.
		member := r.received(t, r.member.Email)
		text = member.msg.Text
		for _, want := range []string{
			"Beste Maarten Member,", "U ziet de cijfers, criticasten en opvolgingen van de klanten die u beheert.",
			"Relationship NPS · 2026: -100", "te weinig antwoorden om te toetsen",
			"Nieuwe criticasten (1)", "Karin Klant van Mijn Klant BV gaf een 2 in Relationship NPS", "> Levering <b>te laat</b>",
			"Verlopen opvolgingen (1)", "Mijn Klant BV: termijn", "Open het dashboard", "Afmelden voor deze samenvatting",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("member's digest lacks %q:\n%s", want, text)
			}
		}
		for _, notWant := range []string{"Analyst Account BV", "Member Account BV", "Event feedback", "analyst account comment"} {
			if strings.Contains(member.msg.Text+member.msg.HTML, notWant) {
				t.Errorf("member's digest shows %q, which is not the member's", notWant)
			}
		}
		if member.msg.Subject != "Uw wekelijkse NPS-samenvatting van Acme" {
			t.Errorf("member's subject: got %q", member.msg.Subject)
		}

		// The viewer works no follow-ups.
		viewer := r.received(t, r.viewer.Email)
		if !strings.Contains(viewer.msg.Text, "Hello "+r.viewer.Email+",") || !strings.Contains(viewer.msg.Text, "New detractors (5)") ||
			strings.Contains(viewer.msg.Text, "follow-up") {
			t.Errorf("viewer's digest: want the detractors and no follow-ups:\n%s", viewer.msg.Text)
		}

		// Once only: another run, later the same day, sends nothing.
		r.clock.add(time.Hour)
		if n := r.send(t); n != 0 {
			t.Errorf("a second run: got %d digests, want none", n)
		}
		sub := appMust(db.DigestSubscription(ctx, r.acme.ID, r.owner.ID))(t)
		if want := nextMonday.AddDate(0, 0, 7); !sub.NextAt.Equal(want) {
			t.Errorf("owner's next digest: got %v, want %v", sub.NextAt, want)
		}

		// The mail client's one-click unsubscribe, as RFC 8058 has it.
		link := strings.Trim(unsubscribe, "<>")
		req := httptest.NewRequest("POST", digestPath(t, link), strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		r.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("one-click unsubscribe: got %d", rec.Code)
		}
		if sub := appMust(db.DigestSubscription(ctx, r.acme.ID, r.owner.ID))(t); sub.Frequency != nps.DigestNone {
			t.Errorf("after one-click unsubscribe: got %s, want none", sub.Frequency)
		}
	})
}
