package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestDigestTwoServes runs two `promotor serve` processes with an SMTP
// server on one database where four users' weekly digests are due (one
// of each role; the member owns the account that answered): each user
// gets their digest once, with its chart, and their subscriptions move to
// next Monday.
func TestDigestTwoServes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the promotor binary")
	}
	bin := promotorBinary(t)
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			mp := mailtest.StartWith(t)
			dsn := storetest.DSN(t, d)
			wsID, waveID, _ := crashFixture(t, dsn)
			db := storetest.OpenDSN(t, dsn)
			// Subscribed a week ago: the first digest is due.
			db.Now = func() time.Time { return time.Now().UTC().AddDate(0, 0, -7) }
			var users []nps.User
			for i, role := range []nps.Role{nps.RoleOwner, nps.RoleAnalyst, nps.RoleMember, nps.RoleViewer} {
				u, err := db.CreateUser(ctx, nps.User{Email: mailtest.Address(t), Name: fmt.Sprintf("User %d", i), Language: "en"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.AddMember(ctx, wsID, u.ID, role); err != nil {
					t.Fatal(err)
				}
				if _, err := db.SetDigest(ctx, wsID, u.ID, nps.DigestWeekly); err != nil {
					t.Fatal(err)
				}
				users = append(users, u)
			}
			db.Now = func() time.Time { return time.Now().UTC() }
			// The member's account, with this week's answers.
			acct, err := db.CreateAccount(ctx, wsID, nps.Account{Name: "Jansen BV", OwnerID: users[2].ID})
			if err != nil {
				t.Fatal(err)
			}
			for i, score := range []int{2, 9, 10} {
				c, err := db.CreateContact(ctx, wsID, nps.Contact{AccountID: acct.ID, Email: fmt.Sprintf("c%d@jansen.example", i), Name: fmt.Sprintf("Contact %d", i)})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.RecordResponse(ctx, wsID, nps.Response{WaveID: waveID, ContactID: c.ID, Score: score, Comment: "answer", Channel: nps.ChannelAPI}); err != nil {
					t.Fatal(err)
				}
			}

			for range 2 {
				addr := freeAddr(t)
				srv := startServe(t, bin, dsn, addr, "--smtp", "smtp://"+mp.SMTPAddr+"?tls=none&from=nps@promotor.example",
					"--base-url", "http://"+addr)
				t.Cleanup(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
			}
			for _, u := range users {
				mp.API.WaitTo(t, u.Email, 1)
			}
			// Both processes have run the task by now, and again.
			time.Sleep(2 * time.Second)
			nextMonday := nps.NextDigest(nps.DigestWeekly, time.Now())
			for _, u := range users {
				msgs, total, err := mp.API.Search(ctx, mailtest.ToQuery(u.Email), 10)
				if err != nil || total != 1 {
					t.Fatalf("digests to %s: got %d, %v; want one", u.Email, total, err)
				}
				msg, err := mp.API.Message(ctx, msgs[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				if msg.Subject != "Your weekly NPS digest of Crash" || !strings.Contains(msg.Text, "NPS · Now: +33") ||
					len(msg.Inline) != 1 || msg.Inline[0].ContentType != "image/png" {
					t.Errorf("digest to %s: subject %q, %d inline parts, text:\n%s", u.Email, msg.Subject, len(msg.Inline), msg.Text)
				}
				sub, err := db.DigestSubscription(ctx, wsID, u.ID)
				if err != nil || !sub.NextAt.Equal(nextMonday) || sub.LastSentAt.IsZero() {
					t.Errorf("subscription of %s after its digest: %+v, %v; want next %v", u.Email, sub, err, nextMonday)
				}
			}
		})
	}
}
