package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// addContacts adds n contacts at the fixture's account, c0@… to c{n-1}@….
func (f *fixture) addContacts(t *testing.T, n int) []nps.Contact {
	t.Helper()
	var cs []nps.Contact
	for i := range n {
		c, err := f.db.CreateContact(context.Background(), f.ws.ID, nps.Contact{
			AccountID: f.account.ID, Email: fmt.Sprintf("c%d@%s.example", i, f.ws.Slug), Name: fmt.Sprintf("Contact %d", i), Language: "nl",
		})
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

func (f *fixture) createSend(t *testing.T, s nps.Send) nps.Send {
	t.Helper()
	s.WaveID = f.wave.ID
	if s.Audience.Kind == "" {
		s.Audience.Kind = nps.AudienceAll
	}
	if s.PerMinute == 0 {
		s.PerMinute = 60
	}
	if s.ScheduledAt.IsZero() {
		s.ScheduledAt = f.clock.now()
	}
	s, err := f.db.CreateSend(context.Background(), f.ws.ID, s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// claimAll claims every due message and reports them all sent.
func claimAll(t *testing.T, db *store.DB, claim string) []store.Outgoing {
	t.Helper()
	ctx := context.Background()
	out, err := db.ClaimMessages(ctx, claim, time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []store.Outcome
	for _, o := range out {
		outcomes = append(outcomes, store.Outcome{ID: o.ID, Claim: o.Claim, MessageID: fmt.Sprintf("<m%d@test>", o.ID)})
	}
	if err := db.FinishMessages(ctx, outcomes); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSendLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		contacts := f.addContacts(t, 4)
		if _, err := db.OptOutContact(ctx, f.ws.ID, contacts[3].ID); err != nil {
			t.Fatal(err)
		}
		s := f.createSend(t, nps.Send{PerMinute: 2, ReminderDays: 3, MaxReminders: 2})
		n, err := db.StartDueSends(ctx)
		if err != nil || n != 1 {
			t.Fatalf("StartDueSends = %d, %v; want 1", n, err)
		}
		s, err = db.Send(ctx, f.ws.ID, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The fixture's own contact and the first three are invited; the
		// fourth opted out.
		if s.State != nps.SendSending || s.Recipients != 4 || s.SkippedOptedOut != 1 {
			t.Fatalf("send = %+v, want sending to 4 with 1 opted out", s)
		}
		if n, _ := db.StartDueSends(ctx); n != 0 {
			t.Fatalf("a started send started again")
		}

		// Two a minute: the first is due now, the next 30 s later.
		out := claimAll(t, db, "a")
		if len(out) != 1 || out[0].Seq != 0 || out[0].WorkspaceName != f.ws.Name {
			t.Fatalf("claimed %+v, want the first invitation", out)
		}
		f.clock.add(2 * time.Minute)
		out = claimAll(t, db, "b")
		if len(out) != 3 {
			t.Fatalf("claimed %d after two minutes, want the other 3", len(out))
		}
		inv, err := db.Invitation(ctx, f.ws.ID, out[0].Invitation.ID)
		if err != nil || inv.Status != nps.InvitationSent || inv.SentAt.IsZero() {
			t.Fatalf("invitation after sending = %+v, %v", inv, err)
		}

		// One contact answers, one bounces: the other two get reminders.
		answered, bounced := out[0].Invitation, out[1].Invitation
		if _, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{SurveyID: f.survey.ID, WaveID: f.wave.ID,
			InvitationID: answered.ID, Score: 9, Language: "nl", Channel: nps.ChannelEmail}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordBounce(ctx, f.ws.ID, bounced.Token); err != nil {
			t.Fatal(err)
		}
		if n, err := db.QueueReminders(ctx); err != nil || n != 0 {
			t.Fatalf("QueueReminders before 3 days = %d, %v; want 0", n, err)
		}
		f.clock.add(3 * 24 * time.Hour)
		if n, err := db.QueueReminders(ctx); err != nil || n != 2 {
			t.Fatalf("QueueReminders after 3 days = %d, %v; want 2", n, err)
		}
		if n, _ := db.QueueReminders(ctx); n != 0 {
			t.Fatalf("reminders queued twice")
		}
		f.clock.add(time.Hour)
		out = claimAll(t, db, "c")
		if len(out) != 2 || out[0].Seq != 1 {
			t.Fatalf("claimed %+v, want two first reminders", out)
		}
		inv, _ = db.Invitation(ctx, f.ws.ID, out[0].Invitation.ID)
		if inv.ReminderCount != 1 {
			t.Fatalf("reminder count = %d, want 1", inv.ReminderCount)
		}
		// The second reminder, then no third: the send allows two.
		f.clock.add(3 * 24 * time.Hour)
		if n, _ := db.QueueReminders(ctx); n != 2 {
			t.Fatalf("second reminders = %d, want 2", n)
		}
		// An opt-out before its turn cancels a queued reminder.
		if _, err := db.OptOutContact(ctx, f.ws.ID, out[0].Invitation.ContactID); err != nil {
			t.Fatal(err)
		}
		f.clock.add(time.Hour)
		if out = claimAll(t, db, "d"); len(out) != 1 || out[0].Seq != 2 {
			t.Fatalf("claimed %+v, want one second reminder", out)
		}
		f.clock.add(30 * 24 * time.Hour)
		if n, _ := db.QueueReminders(ctx); n != 0 {
			t.Fatalf("a third reminder was queued")
		}

		p, err := db.SendProgress(ctx, f.ws.ID, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[nps.MessageState]int{nps.MessageSent: 7, nps.MessageCancelled: 1}
		if fmt.Sprint(p.Messages) != fmt.Sprint(want) || p.Responded != 1 || p.Bounced != 1 || p.OptedOut != 1 {
			t.Fatalf("progress = %+v, want messages %v, 1 responded, 1 bounced, 1 opted out", p, want)
		}
		// Each invitation with its latest message, a page at a time.
		page1, err := db.Deliveries(ctx, f.ws.ID, s.ID, store.DeliveryFilter{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		page2, err := db.Deliveries(ctx, f.ws.ID, s.ID, store.DeliveryFilter{After: page1[len(page1)-1].InvitationID, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		got := map[nps.InvitationStatus]int{}
		for _, d := range append(page1, page2...) {
			got[d.Status]++
		}
		wantStatus := map[nps.InvitationStatus]int{nps.InvitationResponded: 1, nps.InvitationBounced: 1, nps.InvitationOptedOut: 1, nps.InvitationSent: 1}
		if len(page1) != 3 || len(page2) != 1 || fmt.Sprint(got) != fmt.Sprint(wantStatus) {
			t.Fatalf("deliveries = %+v then %+v, want 3 and 1 with statuses %v", page1, page2, wantStatus)
		}
		cancelled, err := db.Deliveries(ctx, f.ws.ID, s.ID, store.DeliveryFilter{Message: nps.MessageCancelled})
		if err != nil || len(cancelled) != 1 || cancelled[0].Status != nps.InvitationOptedOut || cancelled[0].ReminderCount != 1 {
			t.Fatalf("cancelled deliveries = %+v, %v; want the opted-out contact's second reminder", cancelled, err)
		}
	})
}

func TestSendLeaseAndRetry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		f.addContacts(t, 2)
		s := f.createSend(t, nps.Send{PerMinute: 1000})
		if _, err := db.StartDueSends(ctx); err != nil {
			t.Fatal(err)
		}
		f.clock.add(time.Second)
		// A sender claims all three and dies: nobody else gets them until
		// the lease ends, then another sender does.
		dead, err := db.ClaimMessages(ctx, "dead", time.Minute, 10)
		if err != nil || len(dead) != 3 {
			t.Fatalf("claim = %d, %v; want 3", len(dead), err)
		}
		if again, _ := db.ClaimMessages(ctx, "live", time.Minute, 10); len(again) != 0 {
			t.Fatalf("claimed %d messages under a lease", len(again))
		}
		f.clock.add(61 * time.Second)
		live, err := db.ClaimMessages(ctx, "live", time.Minute, 10)
		if err != nil || len(live) != 3 {
			t.Fatalf("claim after the lease = %d, %v; want 3", len(live), err)
		}
		// The dead sender's late report changes nothing.
		if err := db.FinishMessages(ctx, []store.Outcome{{ID: dead[0].ID, Claim: "dead", MessageID: "<x>"}}); err != nil {
			t.Fatal(err)
		}
		// One is refused for good, one fails for now, one goes out.
		err = db.FinishMessages(ctx, []store.Outcome{
			{ID: live[0].ID, Claim: "live", Err: "550 5.1.1 no such user"},
			{ID: live[1].ID, Claim: "live", Err: "421 try later", RetryAt: f.clock.now().Add(time.Minute)},
			{ID: live[2].ID, Claim: "live", MessageID: "<y>"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := db.ClaimMessages(ctx, "x", time.Minute, 10); len(again) != 0 {
			t.Fatalf("a retry was claimed before its time")
		}
		f.clock.add(time.Minute)
		retry := claimAll(t, db, "retry")
		if len(retry) != 1 || retry[0].ID != live[1].ID {
			t.Fatalf("retried %+v, want message %d", retry, live[1].ID)
		}
		p, err := db.SendProgress(ctx, f.ws.ID, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Messages[nps.MessageSent] != 2 || p.Messages[nps.MessageFailed] != 1 || len(p.LastErrors) != 1 ||
			p.LastErrors[0].Error != "550 5.1.1 no such user" {
			t.Fatalf("progress = %+v", p)
		}
		failed, err := db.Deliveries(ctx, f.ws.ID, s.ID, store.DeliveryFilter{Message: nps.MessageFailed})
		if err != nil || len(failed) != 1 || failed[0].Status != nps.InvitationQueued || failed[0].Error != "550 5.1.1 no such user" {
			t.Fatalf("failed deliveries = %+v, %v; want the refused one, still queued, with its error", failed, err)
		}
	})
}

func TestSendAudienceAndFatigue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		if err := db.SetFatigueDays(ctx, f.ws.ID, 30); err != nil {
			t.Fatal(err)
		}
		other, err := db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Other BV", Industry: "retail", Status: nps.AccountActive,
			Attributes: map[string]string{"tier": "gold"}})
		if err != nil {
			t.Fatal(err)
		}
		gold, err := db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: other.ID, Email: "gold@other.example", Language: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateContact(ctx, f.ws.ID, nps.Contact{ExternalID: "no-address", Name: "No address"}); err != nil {
			t.Fatal(err)
		}
		started := func(s nps.Send) nps.Send {
			t.Helper()
			s = f.createSend(t, s)
			if _, err := db.StartDueSends(ctx); err != nil {
				t.Fatal(err)
			}
			s, err := db.Send(ctx, f.ws.ID, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		s := started(nps.Send{Audience: nps.Audience{Kind: nps.AudienceSegment, Field: "tier", Value: "gold"}})
		if s.Recipients != 1 {
			t.Fatalf("gold segment: %+v, want 1 recipient", s)
		}
		out := claimAll(t, db, "a")
		if len(out) != 1 || out[0].Contact.ID != gold.ID || out[0].AccountName != "Other BV" {
			t.Fatalf("claimed %+v, want the gold contact", out)
		}
		// Everyone else now; the gold contact was invited to this wave.
		s = started(nps.Send{Audience: nps.Audience{Kind: nps.AudienceAll}})
		if s.Recipients != 1 || s.SkippedInvited != 1 || s.SkippedNoEmail != 1 {
			t.Fatalf("all: %+v, want 1 recipient, 1 invited already, 1 without email", s)
		}
		// A second wave within 30 days: the fatigue rule leaves both out.
		f.clock.add(10 * 24 * time.Hour)
		w2, err := db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "Q2", OpensAt: f.clock.now()})
		if err != nil {
			t.Fatal(err)
		}
		f.wave = w2
		s = started(nps.Send{Audience: nps.Audience{Kind: nps.AudienceAll}})
		if s.Recipients != 0 || s.SkippedFatigue != 2 {
			t.Fatalf("within the fatigue period: %+v, want 2 left out", s)
		}
		f.clock.add(21 * 24 * time.Hour)
		s = started(nps.Send{Audience: nps.Audience{Kind: nps.AudienceSilent, Months: 6}})
		if s.Recipients != 2 {
			t.Fatalf("silent accounts after the fatigue period: %+v, want 2", s)
		}
		// A cancelled send sends nothing more.
		if _, err := db.CancelSend(ctx, f.ws.ID, s.ID); err != nil {
			t.Fatal(err)
		}
		if out := claimAll(t, db, "b"); len(out) != 0 {
			t.Fatalf("claimed %d messages of a cancelled send", len(out))
		}
		if _, err := db.CreateSend(ctx, f.ws.ID, nps.Send{WaveID: f.wave.ID, Audience: nps.Audience{Kind: "everyone"},
			PerMinute: 1, ScheduledAt: t0}); !errors.As(err, new(*nps.ValidationError)) {
			t.Fatalf("unknown audience: err = %v, want a validation error", err)
		}
	})
}
