package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// renderTo writes one email to each recipient, saying whom and which
// alert, and records what it was given.
func renderTo(got *[]store.AlertMail, mu *sync.Mutex) store.RenderAlertMail {
	return func(m store.AlertMail) ([]nps.Notification, error) {
		mu.Lock()
		*got = append(*got, m)
		mu.Unlock()
		var out []nps.Notification
		for _, u := range m.Recipients {
			out = append(out, nps.Notification{ToEmail: u.Email, ToName: u.Name,
				Subject: fmt.Sprintf("Overdue: %s", m.AccountName), Text: "text", HTML: "<p>html</p>"})
		}
		return out, nil
	}
}

func TestEscalateOverdue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "escalate")
		boss := must(db.CreateUser(ctx, nps.User{Email: "boss@escalate.example", Name: "Boss", Language: "nl"}))(t)
		must(db.AddMember(ctx, f.ws.ID, boss.ID, nps.RoleOwner))(t)
		rule := must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 2, Active: true}))(t)
		inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)
		resp := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 2,
			Comment: "Slecht", Channel: nps.ChannelEmail}))(t)
		now := f.clock.now()
		overdue := insertAlert(t, f, rule.ID, testAlert{responseID: resp.ID, contactID: f.contact.ID, due: now.Add(-time.Minute)})
		insertAlert(t, f, rule.ID, testAlert{due: now.Add(time.Hour)})                             // not yet due
		insertAlert(t, f, rule.ID, testAlert{due: now.Add(-time.Hour), state: nps.AlertContacted}) // done
		insertAlert(t, f, rule.ID, testAlert{})                                                    // no deadline
		insertAlert(t, f, rule.ID, testAlert{due: now.Add(-time.Hour), state: nps.AlertClosed})    // closed
		// The fixture's owner is a member: the workspace's owner (boss)
		// is told; an alert of an account that boss owns goes to boss
		// too, there being no other owner.
		bossAcc := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Boss BV", OwnerID: boss.ID}))(t)
		bossAlert := insertAlert(t, f, rule.ID, testAlert{accountID: bossAcc.ID, ownerID: boss.ID, due: now.Add(-time.Second)})

		var mu sync.Mutex
		var rendered []store.AlertMail
		got := must(db.EscalateOverdue(ctx, now, renderTo(&rendered, &mu)))(t)
		if len(got) != 2 || len(rendered) != 2 {
			t.Fatalf("EscalateOverdue: got %d alerts (%d rendered), want 2", len(got), len(rendered))
		}
		byID := map[int64]store.AlertMail{}
		for _, m := range got {
			byID[m.ID] = m
		}
		m := byID[overdue]
		if m.WorkspaceSlug != "escalate" || m.AccountName != "Acme" || m.OwnerName != "Owner" || m.OwnerEmail != f.owner.Email ||
			m.ContactName != "Anna" || m.Score != 2 || m.Comment != "Slecht" || !m.DueAt.Equal(now.Add(-time.Minute)) || !m.EscalatedAt.Equal(now) {
			t.Errorf("escalated alert: got %+v", m)
		}
		if len(m.Recipients) != 1 || m.Recipients[0].ID != boss.ID || m.Recipients[0].Language != "nl" {
			t.Errorf("recipients of the member's alert: got %+v, want the owner boss", m.Recipients)
		}
		if r := byID[bossAlert].Recipients; len(r) != 1 || r[0].ID != boss.ID {
			t.Errorf("recipients of the owner's own alert: got %+v, want boss, there being no other owner", r)
		}
		ns := must(db.Notifications(ctx, f.ws.ID, nps.NotifyEscalation, overdue))(t)
		if len(ns) != 1 || ns[0].ToEmail != boss.Email || ns[0].AccountID != f.account.ID || ns[0].State != nps.NotificationQueued {
			t.Errorf("escalation emails: got %+v", ns)
		}
		var events int
		if err := store.RawSQL(db).QueryRow(`SELECT count(*) FROM events WHERE workspace_id = $1 AND kind = $2 AND subject_id = $3`,
			f.ws.ID, nps.EventFollowUpOverdue, overdue).Scan(&events); err != nil || events != 1 {
			t.Errorf("followup.overdue events: got %d, %v; want 1", events, err)
		}
		// With a second owner, boss is left out of boss's own alert.
		second := must(db.CreateUser(ctx, nps.User{Email: "second@escalate.example", Name: "Second"}))(t)
		must(db.AddMember(ctx, f.ws.ID, second.ID, nps.RoleOwner))(t)
		late := insertAlert(t, f, rule.ID, testAlert{accountID: bossAcc.ID, ownerID: boss.ID, due: now.Add(-time.Second)})
		rendered = nil
		got = must(db.EscalateOverdue(ctx, now, renderTo(&rendered, &mu)))(t)
		if len(got) != 1 || got[0].ID != late {
			t.Fatalf("second EscalateOverdue: got %d alerts, want only the new one", len(got))
		}
		if r := got[0].Recipients; len(r) != 1 || r[0].ID != second.ID {
			t.Errorf("recipients of an owner's alert with another owner: got %+v, want only the other owner", r)
		}
		if got := must(db.EscalateOverdue(ctx, now.Add(time.Hour), nil))(t); len(got) != 0 {
			t.Errorf("third EscalateOverdue: got %d alerts, want none: each is escalated once", len(got))
		}
	})
}

// TestEscalateOverdueConcurrently: two processes escalating at once claim
// each overdue follow-up exactly once.
func TestEscalateOverdueConcurrently(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "race")
		boss := must(db.CreateUser(ctx, nps.User{Email: "boss@race.example", Name: "Boss"}))(t)
		must(db.AddMember(ctx, f.ws.ID, boss.ID, nps.RoleOwner))(t)
		rule := must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 2, Active: true}))(t)
		now := f.clock.now()
		const n = 250
		for range n {
			insertAlert(t, f, rule.ID, testAlert{due: now.Add(-time.Minute)})
		}
		var mu sync.Mutex
		var rendered []store.AlertMail
		var wg sync.WaitGroup
		counts := make([]int, 4)
		errs := make([]error, 4)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := db.EscalateOverdue(ctx, now, renderTo(&rendered, &mu))
				counts[i], errs[i] = len(got), err
			}()
		}
		wg.Wait()
		total := 0
		for i := range counts {
			if errs[i] != nil {
				t.Fatalf("EscalateOverdue %d: %v", i, errs[i])
			}
			total += counts[i]
		}
		seen := map[int64]int{}
		for _, m := range rendered {
			seen[m.ID]++
		}
		if total != n || len(seen) != n {
			t.Errorf("concurrent escalations: got %d claimed, %d distinct alerts, want %d each", total, len(seen), n)
		}
		var mails int
		if err := store.RawSQL(db).QueryRow(`SELECT count(*) FROM notifications WHERE workspace_id = $1 AND kind = 'escalation'`,
			f.ws.ID).Scan(&mails); err != nil || mails != n {
			t.Errorf("escalation emails: got %d, %v; want %d", mails, err, n)
		}
	})
}

func TestSilentKeyAccounts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "silent")
		boss := must(db.CreateUser(ctx, nps.User{Email: "boss@silent.example", Name: "Boss"}))(t)
		must(db.AddMember(ctx, f.ws.ID, boss.ID, nps.RoleOwner))(t)
		rule := must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Key accounts", Kind: nps.RuleSilent, SilentMonths: 6,
			MinRevenueCents: 1_000_000_00, FollowUpDays: 3, Active: true}))(t)
		// A second rule, inactive, raises nothing.
		must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Off", Kind: nps.RuleSilent, SilentMonths: 1}))(t)
		// The fixture's account (12.5 M, owned by Owner) never answered.
		small := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Small BV", AnnualRevenueCents: 50_000_00}))(t)
		nobody := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Nobody's BV", AnnualRevenueCents: 2_000_000_00}))(t)
		answering := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Answering BV", AnnualRevenueCents: 2_000_000_00}))(t)
		c := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: answering.ID, Email: "a@answering.example"}))(t)
		f.clock.add(10 * 24 * time.Hour)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: 8, Channel: nps.ChannelLink}))(t)
		churned := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Gone BV", AnnualRevenueCents: 9_000_000_00,
			Status: nps.AccountChurned, ChurnedAt: f.clock.now()}))(t)
		other := newFixture(t, db, "silent-other") // no rules: nothing raised there
		db.Now = f.clock.now

		var mu sync.Mutex
		var rendered []store.AlertMail
		// Five months on, nobody is silent for six.
		if got := must(db.SilentKeyAccounts(ctx, t0.AddDate(0, 5, 0), renderTo(&rendered, &mu)))(t); len(got) != 0 {
			t.Fatalf("after five months: got %d alerts, want none", len(got))
		}
		// Six months and a day after the accounts were added, those never
		// answering are; the one that answered 10 days later is not yet.
		at := t0.AddDate(0, 6, 1)
		got := must(db.SilentKeyAccounts(ctx, at, renderTo(&rendered, &mu)))(t)
		accounts := map[int64]store.AlertMail{}
		for _, m := range got {
			accounts[m.AccountID] = m
		}
		if len(got) != 2 || accounts[f.account.ID].ID == 0 || accounts[nobody.ID].ID == 0 {
			t.Fatalf("after six months: got alerts for %v, want the fixture's account and Nobody's BV", accounts)
		}
		m := accounts[f.account.ID]
		if m.Kind != nps.RuleSilent || m.RuleID != rule.ID || m.OwnerID != f.owner.ID || m.State != nps.AlertOpen ||
			!m.DueAt.Equal(nps.AddWorkingDays(at, 3)) || m.Reason == "" {
			t.Errorf("silent alert: got %+v", m.Alert)
		}
		if r := m.Recipients; len(r) != 1 || r[0].ID != f.owner.ID {
			t.Errorf("recipients: got %+v, want the account's owner", r)
		}
		if r := accounts[nobody.ID].Recipients; len(r) != 1 || r[0].ID != boss.ID {
			t.Errorf("recipients of an account without owner: got %+v, want the workspace's owner", r)
		}
		if ns := must(db.Notifications(ctx, f.ws.ID, nps.NotifyAlert, m.ID))(t); len(ns) != 1 || ns[0].ToEmail != f.owner.Email {
			t.Errorf("alert emails: got %+v", ns)
		}
		var events int
		if err := store.RawSQL(db).QueryRow(`SELECT count(*) FROM events WHERE workspace_id = $1 AND kind = $2`,
			f.ws.ID, nps.EventAlertCreated).Scan(&events); err != nil || events != 2 {
			t.Errorf("alert.created events: got %d, %v; want 2", events, err)
		}
		// Not again while open; the answering account's turn comes.
		got = must(db.SilentKeyAccounts(ctx, at.AddDate(0, 0, 10), renderTo(&rendered, &mu)))(t)
		if len(got) != 1 || got[0].AccountID != answering.ID || got[0].Reason != "no answer since "+t0.AddDate(0, 0, 10).Format("2006-01-02") {
			t.Fatalf("ten days later: got %+v, want one alert for Answering BV", got)
		}
		if got := must(db.SilentKeyAccounts(ctx, at.AddDate(0, 1, 0), nil))(t); len(got) != 0 {
			t.Errorf("a month later: got %d alerts, want none while the alerts are open", len(got))
		}
		// Contacted, the account is not raised again until six more silent
		// months have passed.
		f.clock.add(at.Add(2 * time.Hour).Sub(f.clock.now()))
		if _, err := db.RecordContact(ctx, f.ws.ID, m.ID, f.owner.ID, at.Add(time.Hour), "Visited"); err != nil {
			t.Fatal(err)
		}
		if got := must(db.SilentKeyAccounts(ctx, at.AddDate(0, 2, 0), nil))(t); len(got) != 0 {
			t.Errorf("after the contact: got %d alerts, want none", len(got))
		}
		if got := must(db.SilentKeyAccounts(ctx, at.AddDate(0, 6, 1), nil))(t); len(got) != 1 || got[0].AccountID != f.account.ID {
			t.Errorf("six months after the contact: got %+v, want the fixture's account again", got)
		}
		for _, id := range []int64{small.ID, churned.ID} {
			if l := must(db.Alerts(ctx, f.ws.ID, store.AlertFilter{AccountID: id}))(t); len(l) != 0 {
				t.Errorf("account %d (small or churned): got %d alerts, want none", id, len(l))
			}
		}
		if l := must(db.Alerts(ctx, other.ws.ID, store.AlertFilter{}))(t); len(l) != 0 {
			t.Errorf("workspace without rules: got %d alerts, want none", len(l))
		}
	})
}
