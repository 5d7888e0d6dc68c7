package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// t0 is a Friday: the first weekly digest after it is on Monday the 17th,
// the first monthly one on 1 April.
var (
	firstWeekly  = time.Date(2025, 3, 17, 7, 0, 0, 0, time.UTC)
	secondWeekly = time.Date(2025, 3, 24, 7, 0, 0, 0, time.UTC)
	firstMonthly = time.Date(2025, 4, 1, 7, 0, 0, 0, time.UTC)
)

// testDigest is a digest email with a chart.
func testDigest(to string) nps.Notification {
	return nps.Notification{ToEmail: to, ToName: "Owner", Subject: "Your weekly NPS digest", Text: "text", HTML: `<img src="cid:trend-1">`,
		UnsubscribeURL: "https://nps.example/d/token",
		Inline:         []nps.InlineImage{{CID: "trend-1", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\nchart")}}}
}

// fillDigest gives the fixture's owner a weekly digest that has been
// queued once, with its chart.
func fillDigest(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	must(f.db.SetDigest(ctx, f.ws.ID, f.owner.ID, nps.DigestWeekly))(t)
	due := must(f.db.DueDigests(ctx, firstWeekly, 10))(t)
	for _, r := range due {
		if r.WorkspaceID == f.ws.ID {
			if ok := must(f.db.QueueDigest(ctx, r, firstWeekly, testDigest(r.User.Email)))(t); !ok {
				t.Fatal("QueueDigest of the fixture's digest: not queued")
			}
		}
	}
}

func TestSetDigest(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "digest")
		ws, u := f.ws.ID, f.owner.ID
		if _, err := db.DigestSubscription(ctx, ws, u); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("DigestSubscription before any choice: got %v, want ErrNotFound", err)
		}
		weekly := must(db.SetDigest(ctx, ws, u, nps.DigestWeekly))(t)
		if !weekly.NextAt.Equal(firstWeekly) || weekly.Token == "" || !weekly.LastSentAt.IsZero() {
			t.Errorf("SetDigest weekly: got next %v, token %q, last %v; want next %v, a token, never sent", weekly.NextAt, weekly.Token, weekly.LastSentAt, firstWeekly)
		}
		if got := must(db.DigestSubscription(ctx, ws, u))(t); got != weekly {
			t.Errorf("DigestSubscription: got %+v, want %+v", got, weekly)
		}
		// The same choice a day later keeps the time; another moves it.
		f.clock.add(3 * 24 * time.Hour) // Monday the 17th, 09:30
		if again := must(db.SetDigest(ctx, ws, u, nps.DigestWeekly))(t); !again.NextAt.Equal(firstWeekly) {
			t.Errorf("SetDigest weekly again: got next %v, want it kept at %v", again.NextAt, firstWeekly)
		}
		monthly := must(db.SetDigest(ctx, ws, u, nps.DigestMonthly))(t)
		if !monthly.NextAt.Equal(firstMonthly) || monthly.Token != weekly.Token {
			t.Errorf("SetDigest monthly: got next %v, token %q; want %v and the token kept", monthly.NextAt, monthly.Token, firstMonthly)
		}
		none := must(db.SetDigest(ctx, ws, u, nps.DigestNone))(t)
		if !none.NextAt.IsZero() || none.Frequency != nps.DigestNone || none.Token != weekly.Token {
			t.Errorf("SetDigest none: got %+v, want no next time and the token kept", none)
		}
		if due := must(db.DueDigests(ctx, firstMonthly.AddDate(1, 0, 0), 10))(t); len(due) != 0 {
			t.Errorf("DueDigests after none: got %d, want none", len(due))
		}

		stranger := must(db.CreateUser(ctx, nps.User{Email: "stranger@digest.example"}))(t)
		if _, err := db.SetDigest(ctx, ws, stranger.ID, nps.DigestWeekly); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("SetDigest of a user who is no member: got %v, want ErrNotFound", err)
		}
		var ve *nps.ValidationError
		if _, err := db.SetDigest(ctx, ws, u, "daily"); !errors.As(err, &ve) {
			t.Errorf("SetDigest daily: got %v, want a validation error", err)
		}
		if got := must(db.DigestSubscription(ctx, ws, u))(t); got.Frequency != nps.DigestNone {
			t.Errorf("after a refused SetDigest: got %s, want none kept", got.Frequency)
		}
	})
}

// TestQueueDigestOnce: a due digest is queued once, with its images and
// unsubscribe link, and the subscription moves to its next time; a
// failed write leaves it due.
func TestQueueDigestOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "digest")
		must(db.SetDigest(ctx, f.ws.ID, f.owner.ID, nps.DigestWeekly))(t)
		if due := must(db.DueDigests(ctx, firstWeekly.Add(-time.Second), 10))(t); len(due) != 0 {
			t.Fatalf("DueDigests before its time: got %d, want none", len(due))
		}
		due := must(db.DueDigests(ctx, firstWeekly, 10))(t)
		if len(due) != 1 || due[0].User.Email != f.owner.Email || due[0].User.PasswordHash != "" ||
			due[0].Workspace.Slug != f.ws.Slug || due[0].Role != nps.RoleMember {
			t.Fatalf("DueDigests at its time: got %+v, want the owner's, without password hash", due)
		}
		r := due[0]

		// A digest that cannot be stored writes nothing and stays due.
		bad := testDigest(f.owner.Email)
		bad.Inline = append(bad.Inline, bad.Inline[0])
		if _, err := db.QueueDigest(ctx, r, firstWeekly, bad); err == nil {
			t.Fatal("QueueDigest with an image twice: got no error")
		}
		if due := must(db.DueDigests(ctx, firstWeekly, 10))(t); len(due) != 1 {
			t.Fatalf("DueDigests after a failed QueueDigest: got %d, want it still due", len(due))
		}

		sentAt := firstWeekly.Add(90 * time.Second)
		if ok := must(db.QueueDigest(ctx, r, sentAt, testDigest(f.owner.Email)))(t); !ok {
			t.Fatal("QueueDigest: not queued")
		}
		if ok := must(db.QueueDigest(ctx, r, sentAt, testDigest(f.owner.Email)))(t); ok {
			t.Error("QueueDigest a second time: queued again, want once")
		}
		if due := must(db.DueDigests(ctx, sentAt, 10))(t); len(due) != 0 {
			t.Errorf("DueDigests after QueueDigest: got %d, want none", len(due))
		}
		sub := must(db.DigestSubscription(ctx, f.ws.ID, f.owner.ID))(t)
		if !sub.NextAt.Equal(secondWeekly) || !sub.LastSentAt.Equal(sentAt) {
			t.Errorf("subscription after QueueDigest: next %v, last %v; want %v, %v", sub.NextAt, sub.LastSentAt, secondWeekly, sentAt)
		}
		// Another frequency keeps the last digest's time; coming back from
		// none starts afresh, so the first digest covers one period.
		if got := must(db.SetDigest(ctx, f.ws.ID, f.owner.ID, nps.DigestMonthly))(t); !got.LastSentAt.Equal(sentAt) {
			t.Errorf("weekly to monthly: last sent %v, want %v kept", got.LastSentAt, sentAt)
		}
		must(db.SetDigest(ctx, f.ws.ID, f.owner.ID, nps.DigestNone))(t)
		if got := must(db.SetDigest(ctx, f.ws.ID, f.owner.ID, nps.DigestWeekly))(t); !got.LastSentAt.IsZero() {
			t.Errorf("none to weekly: last sent %v, want none", got.LastSentAt)
		}
		if got := must(db.DigestSubscription(ctx, f.ws.ID, f.owner.ID))(t); !got.LastSentAt.IsZero() {
			t.Errorf("stored after none to weekly: last sent %v, want none", got.LastSentAt)
		}
		ids := must(db.PendingNotifications(ctx, 10))(t)
		if len(ids) != 1 {
			t.Fatalf("PendingNotifications: got %d, want the digest", len(ids))
		}
		n := must(db.NotificationToSend(ctx, ids[0]))(t)
		want := testDigest(f.owner.Email)
		if n.Kind != nps.NotifyDigest || n.SubjectID != f.owner.ID || n.WorkspaceID != f.ws.ID || n.UnsubscribeURL != want.UnsubscribeURL ||
			len(n.Inline) != 1 || n.Inline[0].CID != "trend-1" || n.Inline[0].ContentType != "image/png" || !bytes.Equal(n.Inline[0].Data, want.Inline[0].Data) {
			t.Errorf("queued digest: got %+v, want kind digest about the user with its link and chart", n)
		}
		// The digest's own readers need no images.
		if by := must(db.Notifications(ctx, f.ws.ID, nps.NotifyDigest, f.owner.ID))(t); len(by) != 1 || by[0].Inline != nil {
			t.Errorf("Notifications of the user's digests: got %+v, want one, without images", by)
		}

		// A subscription changed meanwhile is not queued from the old
		// reading.
		due = must(db.DueDigests(ctx, secondWeekly, 10))(t)
		must(db.SetDigest(ctx, f.ws.ID, f.owner.ID, nps.DigestMonthly))(t)
		if ok := must(db.QueueDigest(ctx, due[0], secondWeekly, testDigest(f.owner.Email)))(t); ok {
			t.Error("QueueDigest of a subscription changed to monthly meanwhile: queued, want not")
		}
	})
}

// TestQueueDigestConcurrently: processes that send digests at once, each
// with its own connections to one database, queue each due digest
// exactly once.
func TestQueueDigestConcurrently(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			procs := []*store.DB{storetest.OpenDSN(t, dsn), storetest.OpenDSN(t, dsn)}
			db := procs[0]
			f := newFixture(t, db, "digest-race")
			const users = 40
			for i := range users {
				u := must(db.CreateUser(ctx, nps.User{Email: fmt.Sprintf("user%d@race.example", i)}))(t)
				must(db.AddMember(ctx, f.ws.ID, u.ID, nps.RoleViewer))(t)
				must(db.SetDigest(ctx, f.ws.ID, u.ID, nps.DigestWeekly))(t)
			}
			const workers = 4
			queued := make([]int, workers)
			errs := make([]error, workers)
			var wg sync.WaitGroup
			for i := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					p := procs[i%len(procs)]
					due, err := p.DueDigests(ctx, firstWeekly, 100)
					if err != nil {
						errs[i] = err
						return
					}
					for _, r := range due {
						ok, err := p.QueueDigest(ctx, r, firstWeekly, testDigest(r.User.Email))
						if err != nil {
							errs[i] = err
							return
						}
						if ok {
							queued[i]++
						}
					}
				}()
			}
			wg.Wait()
			total := 0
			for i := range workers {
				if errs[i] != nil {
					t.Fatalf("worker %d: %v", i, errs[i])
				}
				total += queued[i]
			}
			var mails, distinct int
			err := store.RawSQL(db).QueryRow(`SELECT count(*), count(DISTINCT subject_id) FROM notifications
				WHERE workspace_id = $1 AND kind = 'digest'`, f.ws.ID).Scan(&mails, &distinct)
			if err != nil || total != users || mails != users || distinct != users {
				t.Errorf("concurrent digests: %d queued, %d emails to %d users (%v); want %d of each", total, mails, distinct, err, users)
			}
		})
	}
}

// TestMigrateDigest: migration 00011 keeps the loop's emails that were
// there, and their IDs go on from where they were, also past a deleted
// one (SQLite makes the table anew to widen its kinds).
func TestMigrateDigest(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, storetest.DSN(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := store.MigrateTo(ctx, db, 10); err != nil {
				t.Fatal(err)
			}
			raw := store.RawSQL(db)
			var ws int64
			if err := raw.QueryRow(`INSERT INTO workspaces (slug, name, retention_days, fatigue_days, created_at)
				VALUES ('old', 'Old', 0, 0, $1) RETURNING id`, t0).Scan(&ws); err != nil {
				t.Fatal(err)
			}
			insert := func(kind string) (int64, error) {
				var id int64
				err := raw.QueryRow(`INSERT INTO notifications (workspace_id, kind, subject_id, to_email, subject, text_body, html_body, state, created_at)
					VALUES ($1, $2, 7, 'a@old.example', 'Subject', 'text', 'html', 'sent', $3) RETURNING id`, ws, kind, t0).Scan(&id)
				return id, err
			}
			kept := must(insert("alert"))(t)
			gone := must(insert("thanks"))(t)
			if _, err := raw.Exec(`DELETE FROM notifications WHERE id = $1`, gone); err != nil {
				t.Fatal(err)
			}
			if _, err := insert("digest"); err == nil {
				t.Fatal("a digest email before migration 00011: got no error, want the kind refused")
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			n := must(db.NotificationToSend(ctx, kept))(t)
			if n.Kind != nps.NotifyAlert || n.Subject != "Subject" || n.UnsubscribeURL != "" || n.State != nps.NotificationSent {
				t.Errorf("an email of before the migration: got %+v, want it as it was", n)
			}
			next := must(insert("digest"))(t)
			if next <= gone {
				t.Errorf("ID after the migration: got %d, want more than %d, the last one handed out", next, gone)
			}
			if _, err := insert("newsletter"); err == nil {
				t.Error("an unknown kind after the migration: got no error, want it refused")
			}
		})
	}
}

func TestUnsubscribeDigest(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "digest")
		sub := must(db.SetDigest(ctx, f.ws.ID, f.owner.ID, nps.DigestMonthly))(t)
		r := must(db.DigestByToken(ctx, sub.Token))(t)
		if r.User.ID != f.owner.ID || r.Workspace.ID != f.ws.ID || r.Frequency != nps.DigestMonthly || r.User.PasswordHash != "" {
			t.Errorf("DigestByToken: got %+v, want the owner's monthly digest", r)
		}
		for i := range 2 {
			got := must(db.UnsubscribeDigest(ctx, sub.Token))(t)
			if got.Frequency != nps.DigestNone || !got.NextAt.IsZero() || got.Workspace.Name != f.ws.Name {
				t.Errorf("UnsubscribeDigest %d: got %+v, want none", i+1, got)
			}
		}
		if due := must(db.DueDigests(ctx, firstMonthly, 10))(t); len(due) != 0 {
			t.Errorf("DueDigests after unsubscribing: got %d, want none", len(due))
		}
		// The token with its last character changed to one it is not.
		last := "x"
		if sub.Token[len(sub.Token)-1] == 'x' {
			last = "y"
		}
		wrong := sub.Token[:len(sub.Token)-1] + last
		for _, token := range []string{"", "short", wrong, "../../etc/passwd"} {
			if _, err := db.UnsubscribeDigest(ctx, token); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("UnsubscribeDigest(%q): got %v, want ErrNotFound", token, err)
			}
			if _, err := db.DigestByToken(ctx, token); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("DigestByToken(%q): got %v, want ErrNotFound", token, err)
			}
		}
		// Subscribing again keeps the link.
		if again := must(db.SetDigest(ctx, f.ws.ID, f.owner.ID, nps.DigestWeekly))(t); again.Token != sub.Token {
			t.Errorf("SetDigest after unsubscribing: token %q, want %q kept", again.Token, sub.Token)
		}
	})
}

func TestNewDetractors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "digest")
		other := must(db.CreateUser(ctx, nps.User{Email: "other@digest.example"}))(t)
		must(db.AddMember(ctx, f.ws.ID, other.ID, nps.RoleMember))(t)
		theirs := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Theirs", OwnerID: other.ID}))(t)
		answer := func(account nps.Account, email string, score int) nps.Response {
			c := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: account.ID, Email: email}))(t)
			r := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: score, Comment: email, Channel: nps.ChannelLink}))(t)
			f.clock.add(time.Hour)
			return r
		}
		answer(f.account, "before@digest.example", 2) // before the period
		after := f.clock.now().Add(-time.Minute)
		mine := answer(f.account, "mine@digest.example", 6)
		answer(f.account, "promoter@digest.example", 9)
		answer(theirs, "theirs@digest.example", 0)
		last := answer(f.account, "last@digest.example", 3)
		until := f.clock.now().Add(-time.Minute)
		answer(f.account, "later@digest.example", 1) // after it

		cases := []struct {
			name  string
			f     store.DetractorFilter
			want  []string
			total int64
		}{
			{"all", store.DetractorFilter{After: after, Until: until, Limit: 10}, []string{"last@", "theirs@", "mine@"}, 3},
			{"limited", store.DetractorFilter{After: after, Until: until, Limit: 1}, []string{"last@"}, 3},
			{"a member's", store.DetractorFilter{After: after, Until: until, OwnerID: f.owner.ID, Limit: 10}, []string{"last@", "mine@"}, 2},
			{"until inclusive", store.DetractorFilter{After: mine.CreatedAt, Until: last.CreatedAt, Limit: 10}, []string{"last@", "theirs@"}, 2},
			{"none", store.DetractorFilter{After: until, Until: until, Limit: 10}, nil, 0},
		}
		for _, c := range cases {
			list, total, err := db.NewDetractors(ctx, f.ws.ID, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, r := range list {
				got = append(got, r.Comment[:len(r.Comment)-len("digest.example")])
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) || total != c.total {
				t.Errorf("%s: got %v of %d, want %v of %d", c.name, got, total, c.want, c.total)
			}
		}
		if _, _, err := db.NewDetractors(ctx, f.ws.ID, store.DetractorFilter{Until: until}); err == nil {
			t.Error("NewDetractors without a limit: got no error")
		}
	})
}
