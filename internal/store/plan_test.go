package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// planFixture is a fixture with a detractor's answer at its account, a
// second account with an answer of its own, and a plan for the first.
type planFixture struct {
	*fixture
	answer, otherAnswer nps.Response
	other               nps.Account
	plan                nps.Plan
}

func newPlanFixture(t *testing.T, db *store.DB, slug string) *planFixture {
	t.Helper()
	ctx := context.Background()
	f := &planFixture{fixture: newFixture(t, db, slug)}
	f.answer = must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 3,
		Comment: "Invoices are always late", Channel: nps.ChannelLink}))(t)
	f.other = must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Other BV " + slug, OwnerID: f.owner.ID}))(t)
	oc := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: f.other.ID, Email: "olga@other." + slug + ".example"}))(t)
	f.otherAnswer = must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: oc.ID, Score: 5,
		Comment: "Other account's words", Channel: nps.ChannelLink}))(t)
	f.plan = must(db.CreatePlan(ctx, f.ws.ID, nps.Plan{AccountID: f.account.ID, Title: "Invoicing on time",
		Problem: "Invoices late", CreatedBy: f.owner.ID}, []int64{f.answer.ID}))(t)
	return f
}

// fillPlans gives the fixture's workspace rows in the tables of plans:
// a plan with a linked response, an action, a note and an update emailed
// to the contact, and the account's customer page.
func fillPlans(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	db := f.db
	page := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{WaveID: f.wave.ID}))(t)
	var ids []int64
	for _, r := range page.Responses {
		if r.AccountID == f.account.ID {
			ids = append(ids, r.ID)
		}
	}
	p := must(db.CreatePlan(ctx, f.ws.ID, nps.Plan{AccountID: f.account.ID, Title: "Plan", CreatedBy: f.owner.ID}, ids))(t)
	must(db.AddPlanItem(ctx, f.ws.ID, nps.PlanItem{PlanID: p.ID, Kind: nps.ItemAction, Body: "Call", OwnerID: f.owner.ID, Shareable: true}, nil))(t)
	must(db.AddPlanItem(ctx, f.ws.ID, nps.PlanItem{PlanID: p.ID, Kind: nps.ItemNote, Body: "Internal"}, nil))(t)
	must(db.AddPlanItem(ctx, f.ws.ID, nps.PlanItem{PlanID: p.ID, Kind: nps.ItemUpdate, Body: "We called", Shareable: true}, mailEach))(t)
	must(db.AccountPage(ctx, f.ws.ID, f.account.ID))(t)
}

// mailEach writes a plain email to every contact of an update.
func mailEach(m store.UpdateMail) ([]nps.Notification, error) {
	var out []nps.Notification
	for _, c := range m.Contacts {
		out = append(out, nps.Notification{ToEmail: c.Email, ToName: c.Name, Subject: "Update: " + m.Account.Name,
			Text: m.Item.Body + " /y/" + m.PageToken, HTML: "<p>" + m.Item.Body + "</p>"})
	}
	return out, nil
}

func countEvents(t *testing.T, db *store.DB, workspaceID int64) int {
	t.Helper()
	var n int
	err := store.RawSQL(db).QueryRow(`SELECT COUNT(*) FROM events WHERE workspace_id = $1 AND kind = 'plan.changed'`, workspaceID).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPlanLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPlanFixture(t, db, "plans")
		ws := f.ws.ID
		if got := countEvents(t, db, ws); got != 1 {
			t.Errorf("events after CreatePlan: got %d, want 1", got)
		}
		if f.plan.State != nps.PlanOpen || f.plan.ID == 0 {
			t.Errorf("created plan: %+v, want open with an ID", f.plan)
		}
		linked := must(db.PlanResponses(ctx, ws, f.plan.ID))(t)
		if len(linked) != 1 || linked[0].ID != f.answer.ID {
			t.Errorf("PlanResponses: got %v, want the answer %d", linked, f.answer.ID)
		}

		// Responses of another account are refused, and nothing is kept.
		_, err := db.CreatePlan(ctx, ws, nps.Plan{AccountID: f.account.ID, Title: "Bad"}, []int64{f.answer.ID, f.otherAnswer.ID})
		var ve *nps.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("CreatePlan with another account's response: got %v, want a validation error", err)
		}
		if err := db.LinkPlanResponse(ctx, ws, f.plan.ID, f.otherAnswer.ID); !errors.As(err, &ve) {
			t.Errorf("LinkPlanResponse of another account's response: got %v, want a validation error", err)
		}
		if _, err := db.CreatePlan(ctx, ws, nps.Plan{AccountID: f.account.ID, Title: ""}, nil); !errors.As(err, &ve) {
			t.Errorf("CreatePlan without title: got %v, want a validation error", err)
		}
		if got := must(db.Plans(ctx, ws, store.PlanFilter{}))(t); len(got) != 1 {
			t.Errorf("plans after refused creations: got %d, want 1", len(got))
		}

		// Unlink and link again.
		if err := db.UnlinkPlanResponse(ctx, ws, f.plan.ID, f.answer.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.UnlinkPlanResponse(ctx, ws, f.plan.ID, f.answer.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("unlink twice: got %v, want ErrNotFound", err)
		}
		if err := db.LinkPlanResponse(ctx, ws, f.plan.ID, f.answer.ID); err != nil {
			t.Fatal(err)
		}

		// Items.
		action := must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemAction, Body: "Send invoices weekly",
			OwnerID: f.owner.ID, DueOn: "2025-03-01", Shareable: true}, nil))(t)
		if action.Status != nps.StatusTodo || !action.DoneAt.IsZero() {
			t.Errorf("new action: status %q, done %v; want todo, not done", action.Status, action.DoneAt)
		}
		stranger := must(db.CreateUser(ctx, nps.User{Email: "stranger@example.com"}))(t)
		if _, err := db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemAction, Body: "x", OwnerID: stranger.ID}, nil); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("action owned by a non-member: got %v, want ErrNotFound", err)
		}
		if _, err := db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemNote, Body: "x", Shareable: true}, nil); !errors.As(err, &ve) {
			t.Errorf("shareable note: got %v, want a validation error", err)
		}
		if _, err := db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemLink, Body: "x", URL: "javascript:alert(1)"}, nil); !errors.As(err, &ve) {
			t.Errorf("script link: got %v, want a validation error", err)
		}
		summaries := must(db.Plans(ctx, ws, store.PlanFilter{}))(t)
		if s := summaries[0]; s.Actions != 1 || s.ActionsDone != 0 || s.Overdue != 1 || s.AccountName != "Acme" {
			t.Errorf("summary: %+v, want 1 action, none done, 1 overdue, of Acme", s)
		}
		f.clock.add(time.Hour)
		done := nps.StatusDone
		action = must(db.UpdatePlanItem(ctx, ws, action.ID, nps.PlanItemUpdate{Status: &done}))(t)
		if !action.DoneAt.Equal(f.clock.now()) {
			t.Errorf("done action: done at %v, want %v", action.DoneAt, f.clock.now())
		}
		if _, err := db.UpdatePlanItem(ctx, ws, action.ID, nps.PlanItemUpdate{OwnerID: &stranger.ID}); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("owner not a member: got %v, want ErrNotFound", err)
		}
		todo := nps.StatusTodo
		reopened := must(db.UpdatePlanItem(ctx, ws, action.ID, nps.PlanItemUpdate{Status: &todo}))(t)
		if !reopened.DoneAt.IsZero() {
			t.Errorf("reopened action keeps done at %v", reopened.DoneAt)
		}
		must(db.UpdatePlanItem(ctx, ws, action.ID, nps.PlanItemUpdate{Status: &done}))(t)
		note := must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemNote, Body: "Tmp"}, nil))(t)
		if err := db.DeletePlanItem(ctx, ws, note.ID); err != nil {
			t.Fatal(err)
		}
		if items := must(db.PlanItems(ctx, ws, f.plan.ID))(t); len(items) != 1 || items[0].ID != action.ID {
			t.Errorf("items: %v, want the action only", items)
		}

		state := nps.PlanDone
		p := must(db.UpdatePlan(ctx, ws, f.plan.ID, nps.PlanUpdate{State: &state}))(t)
		if p.DoneAt.IsZero() {
			t.Error("done plan without done time")
		}
		if open := must(db.Plans(ctx, ws, store.PlanFilter{State: nps.PlanOpen}))(t); len(open) != 0 {
			t.Errorf("open plans after done: %v", open)
		}
		if own := must(db.Plans(ctx, ws, store.PlanFilter{OwnerID: stranger.ID}))(t); len(own) != 0 {
			t.Errorf("plans of a stranger's accounts: %v", own)
		}
		// Create, unlink, link, add, update ×3, add, delete, update plan;
		// the refused changes record none.
		if got := countEvents(t, db, ws); got != 10 {
			t.Errorf("plan.changed events: got %d, want 10", got)
		}
	})
}

func TestAccountPageTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPlanFixture(t, db, "pages")
		tok := must(db.AccountPage(ctx, f.ws.ID, f.account.ID))(t)
		if again := must(db.AccountPage(ctx, f.ws.ID, f.account.ID))(t); again != tok {
			t.Errorf("AccountPage twice: %q then %q, want the same", tok, again)
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw)*8 < 128 {
			t.Errorf("token %q: %d bits (%v), want at least 128", tok, len(raw)*8, err)
		}
		page := must(db.AccountPageByToken(ctx, tok))(t)
		if page.WorkspaceID != f.ws.ID || page.AccountID != f.account.ID {
			t.Errorf("AccountPageByToken: %+v, want workspace %d account %d", page, f.ws.ID, f.account.ID)
		}
		other := must(db.AccountPage(ctx, f.ws.ID, f.other.ID))(t)
		if other == tok {
			t.Error("two accounts share a token")
		}
		rotated := must(db.RotateAccountPage(ctx, f.ws.ID, f.account.ID))(t)
		for _, bad := range []string{tok, "", "short", strings.Repeat("A", len(tok)), tok[:len(tok)-1] + flip(tok[len(tok)-1])} {
			if _, err := db.AccountPageByToken(ctx, bad); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("AccountPageByToken(%q): got %v, want ErrNotFound", bad, err)
			}
		}
		if page := must(db.AccountPageByToken(ctx, rotated))(t); page.AccountID != f.account.ID {
			t.Errorf("rotated token leads to %+v", page)
		}
		if page := must(db.AccountPageByToken(ctx, other))(t); page.AccountID != f.other.ID {
			t.Errorf("the other account's token changed with the rotation: %+v", page)
		}
	})
}

// flip returns another URL-safe base64 character than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestSharedProgress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPlanFixture(t, db, "shared")
		ws := f.ws.ID
		add := func(it nps.PlanItem) nps.PlanItem {
			it.PlanID = f.plan.ID
			return must(db.AddPlanItem(ctx, ws, it, nil))(t)
		}
		add(nps.PlanItem{Kind: nps.ItemAction, Body: "Shared done action", Status: nps.StatusDone, OwnerID: f.owner.ID, Shareable: true})
		add(nps.PlanItem{Kind: nps.ItemAction, Body: "Shared open action", DueOn: "2025-04-01", Shareable: true})
		add(nps.PlanItem{Kind: nps.ItemAction, Body: "Secret action", Status: nps.StatusDone})
		add(nps.PlanItem{Kind: nps.ItemNote, Body: "Secret note"})
		add(nps.PlanItem{Kind: nps.ItemUpdate, Body: "Secret draft update"})
		add(nps.PlanItem{Kind: nps.ItemUpdate, Body: "Shared update", Shareable: true})
		add(nps.PlanItem{Kind: nps.ItemLink, Body: "Shared report", URL: "https://example.com/r", Shareable: true})
		otherPlan := must(db.CreatePlan(ctx, ws, nps.Plan{AccountID: f.other.ID, Title: "Other"}, []int64{f.otherAnswer.ID}))(t)
		must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: otherPlan.ID, Kind: nps.ItemUpdate, Body: "Other account's update", Shareable: true}, nil))(t)

		sp := must(db.SharedProgress(ctx, ws, f.account.ID))(t)
		var all []string
		for _, a := range sp.Said {
			all = append(all, a.Comment)
		}
		for _, a := range append(sp.Done, sp.Doing...) {
			all = append(all, a.Body)
		}
		for _, u := range sp.Updates {
			all = append(all, u.Body)
		}
		for _, l := range sp.Links {
			all = append(all, l.Body)
		}
		text := strings.Join(all, "|")
		for _, want := range []string{"Invoices are always late", "Shared done action", "Shared open action", "Shared update", "Shared report"} {
			if !strings.Contains(text, want) {
				t.Errorf("shared progress %q lacks %q", text, want)
			}
		}
		for _, never := range []string{"Secret", "Other account", "Owner"} {
			if strings.Contains(text, never) {
				t.Errorf("shared progress %q shows %q", text, never)
			}
		}
		if len(sp.Done) != 1 || len(sp.Doing) != 1 || sp.Doing[0].DueOn != "2025-04-01" || sp.AccountName != "Acme" {
			t.Errorf("shared progress: %+v", sp)
		}
		if len(sp.Languages) != 1 || sp.Languages[0] != "nl" {
			t.Errorf("languages: %v, want [nl]", sp.Languages)
		}

		// Recent progress for the invitations: since before the plan,
		// both accounts; since after, none.
		rp := must(db.RecentProgress(ctx, ws, []int64{f.account.ID, f.other.ID}, t0.Add(-time.Hour)))(t)
		if got := rp[f.account.ID]; len(got.Done) != 1 || got.Done[0].Body != "Shared done action" || len(got.Updates) != 1 || got.PageToken == "" {
			t.Errorf("recent progress of the account: %+v", got)
		}
		if got := rp[f.other.ID]; len(got.Done) != 0 || len(got.Updates) != 1 {
			t.Errorf("recent progress of the other account: %+v", got)
		}
		if later := must(db.RecentProgress(ctx, ws, []int64{f.account.ID}, t0.Add(time.Hour)))(t); len(later) != 0 {
			t.Errorf("recent progress since later: %+v, want none", later)
		}
		last := must(db.ContactsLastAnswered(ctx, ws, []int64{f.contact.ID}, t0.Add(time.Hour)))(t)
		if !last[f.contact.ID].Equal(f.answer.CreatedAt) {
			t.Errorf("last answered: %v, want %v", last, f.answer.CreatedAt)
		}
	})
}

func TestUpdateEmails(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPlanFixture(t, db, "mails")
		ws := f.ws.ID
		f.addContact(t, "no-name@mails.example")
		quiet := f.addContact(t, "quiet@mails.example")
		must(db.OptOutContact(ctx, ws, quiet.ID))(t)
		must(db.CreateContact(ctx, ws, nps.Contact{AccountID: f.account.ID, Name: "No email", ExternalID: "X-1"}))(t)
		must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemAction, Body: "Done thing", Status: nps.StatusDone, Shareable: true}, nil))(t)
		must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemAction, Body: "Hidden done thing", Status: nps.StatusDone}, nil))(t)
		var seen store.UpdateMail
		up := must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemUpdate, Body: "Progress!", Shareable: true},
			func(m store.UpdateMail) ([]nps.Notification, error) { seen = m; return mailEach(m) }))(t)
		if len(seen.Done) != 1 || seen.Done[0].Body != "Done thing" || seen.PageToken == "" {
			t.Errorf("mail input: %+v, want the shared done action and a token", seen)
		}
		ns := must(db.Notifications(ctx, ws, nps.NotifyUpdate, up.ID))(t)
		var to []string
		for _, n := range ns {
			to = append(to, n.ToEmail)
			if n.AccountID != f.account.ID || n.State != nps.NotificationQueued {
				t.Errorf("notification %+v: want queued, of the account", n)
			}
		}
		if strings.Join(to, ",") != "anna@acme.example,no-name@mails.example" {
			t.Errorf("update emailed to %v, want anna and no-name only", to)
		}
		// A mailer that fails leaves neither the update nor emails.
		_, err := db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemUpdate, Body: "Doomed", Shareable: true},
			func(store.UpdateMail) ([]nps.Notification, error) { return nil, errors.New("no template") })
		if err == nil {
			t.Fatal("failing mailer: got no error")
		}
		for _, it := range must(db.PlanItems(ctx, ws, f.plan.ID))(t) {
			if it.Body == "Doomed" {
				t.Error("the update of a failed mailer was kept")
			}
		}
		// An unshared update is mailed to nobody.
		draft := must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemUpdate, Body: "Draft"}, mailEach))(t)
		if ns := must(db.Notifications(ctx, ws, nps.NotifyUpdate, draft.ID))(t); len(ns) != 0 {
			t.Errorf("draft update emailed: %v", ns)
		}
	})
}

func TestTimeline(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPlanFixture(t, db, "timeline")
		ws := f.ws.ID
		f.clock.add(time.Hour)
		a := must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemAction, Body: "Fix invoices", Shareable: true}, nil))(t)
		f.clock.add(time.Hour)
		done := nps.StatusDone
		must(db.UpdatePlanItem(ctx, ws, a.ID, nps.PlanItemUpdate{Status: &done}))(t)
		f.clock.add(time.Hour)
		must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemNote, Body: "Called Anna", CreatedBy: f.owner.ID}, nil))(t)
		f.clock.add(time.Hour)
		must(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.plan.ID, Kind: nps.ItemUpdate, Body: "Fixed", Shareable: true}, mailEach))(t)

		tl := must(db.Timeline(ctx, ws, f.account.ID, 50))(t)
		var kinds []string
		for _, e := range tl {
			kinds = append(kinds, string(e.Kind))
		}
		// Entries of the same time keep the order of their sources.
		want := "update email note action_done action_added response plan_created"
		if got := strings.Join(kinds, " "); got != want {
			t.Errorf("timeline kinds: got %q, want %q", got, want)
		}
		for _, e := range tl {
			if e.Kind == store.TimelineNote && e.Who != "Owner" {
				t.Errorf("note by %q, want Owner", e.Who)
			}
			if e.Kind == store.TimelineResponse && (e.Score != 3 || e.Text != "Invoices are always late") {
				t.Errorf("response entry %+v", e)
			}
			if e.Kind == store.TimelineEmail && (e.Count != 1 || e.Detail != "update") {
				t.Errorf("email entry %+v", e)
			}
		}
		if tl := must(db.Timeline(ctx, ws, f.account.ID, 2))(t); len(tl) != 2 {
			t.Errorf("timeline limit 2: got %d entries", len(tl))
		}
		other := must(db.Timeline(ctx, ws, f.other.ID, 50))(t)
		if len(other) != 1 || other[0].Text != "Other account's words" {
			t.Errorf("other account's timeline: %+v", other)
		}
	})
}

// planIsolation is TestWorkspaceIsolation's part for plans: B gets a
// plan with an item and a customer page, and the calls from A (with A's
// ID and B's rows) must find nothing. unchanged checks B's plan after.
func planIsolation(t *testing.T, db *store.DB, a, b *fixture, bResp nps.Response) (notFound map[string]func() error, empty map[string]func() (int, error), unchanged func(*testing.T)) {
	t.Helper()
	ctx := context.Background()
	B, A := b.ws.ID, a.ws.ID
	bPlan := must(db.CreatePlan(ctx, B, nps.Plan{AccountID: bResp.AccountID, Title: "B's plan", CreatedBy: b.owner.ID}, []int64{bResp.ID}))(t)
	bItem := must(db.AddPlanItem(ctx, B, nps.PlanItem{PlanID: bPlan.ID, Kind: nps.ItemUpdate, Body: "B's update", Shareable: true}, nil))(t)
	bToken := must(db.AccountPage(ctx, B, bResp.AccountID))(t)
	aPlan := must(db.CreatePlan(ctx, A, nps.Plan{AccountID: a.account.ID, Title: "A's plan"}, nil))(t)
	title, done, shared := "Stolen", nps.StatusDone, false
	notFound = map[string]func() error{
		"CreatePlan": func() error {
			_, err := db.CreatePlan(ctx, A, nps.Plan{AccountID: bResp.AccountID, Title: "x"}, nil)
			return err
		},
		"CreatePlan (response)": func() error {
			_, err := db.CreatePlan(ctx, A, nps.Plan{AccountID: a.account.ID, Title: "x"}, []int64{bResp.ID})
			return err
		},
		"CreatePlan (creator)": func() error {
			_, err := db.CreatePlan(ctx, A, nps.Plan{AccountID: a.account.ID, Title: "x", CreatedBy: b.owner.ID}, nil)
			return err
		},
		"Plan":                     func() error { _, err := db.Plan(ctx, A, bPlan.ID); return err },
		"UpdatePlan":               func() error { _, err := db.UpdatePlan(ctx, A, bPlan.ID, nps.PlanUpdate{Title: &title}); return err },
		"LinkPlanResponse":         func() error { return db.LinkPlanResponse(ctx, A, bPlan.ID, bResp.ID) },
		"LinkPlanResponse (resp.)": func() error { return db.LinkPlanResponse(ctx, A, aPlan.ID, bResp.ID) },
		"UnlinkPlanResponse":       func() error { return db.UnlinkPlanResponse(ctx, A, bPlan.ID, bResp.ID) },
		"PlanResponses":            func() error { _, err := db.PlanResponses(ctx, A, bPlan.ID); return err },
		"AddPlanItem": func() error {
			_, err := db.AddPlanItem(ctx, A, nps.PlanItem{PlanID: bPlan.ID, Kind: nps.ItemNote, Body: "x"}, mailEach)
			return err
		},
		"AddPlanItem (owner)": func() error {
			_, err := db.AddPlanItem(ctx, A, nps.PlanItem{PlanID: aPlan.ID, Kind: nps.ItemAction, Body: "x", OwnerID: b.owner.ID}, nil)
			return err
		},
		"PlanItem": func() error { _, err := db.PlanItem(ctx, A, bItem.ID); return err },
		"UpdatePlanItem": func() error {
			_, err := db.UpdatePlanItem(ctx, A, bItem.ID, nps.PlanItemUpdate{Shareable: &shared})
			return err
		},
		"UpdatePlanItem st": func() error {
			_, err := db.UpdatePlanItem(ctx, A, bItem.ID, nps.PlanItemUpdate{Status: &done})
			return err
		},
		"DeletePlanItem":    func() error { return db.DeletePlanItem(ctx, A, bItem.ID) },
		"PlanItems":         func() error { _, err := db.PlanItems(ctx, A, bPlan.ID); return err },
		"AccountPage":       func() error { _, err := db.AccountPage(ctx, A, bResp.AccountID); return err },
		"RotateAccountPage": func() error { _, err := db.RotateAccountPage(ctx, A, bResp.AccountID); return err },
		"SharedProgress":    func() error { _, err := db.SharedProgress(ctx, A, bResp.AccountID); return err },
		"Timeline":          func() error { _, err := db.Timeline(ctx, A, bResp.AccountID, 10); return err },
	}
	empty = map[string]func() (int, error){
		"Plans": func() (int, error) {
			l, err := db.Plans(ctx, A, store.PlanFilter{AccountID: bResp.AccountID})
			n := len(l)
			l, err2 := db.Plans(ctx, A, store.PlanFilter{OwnerID: b.owner.ID})
			return n + len(l), errors.Join(err, err2)
		},
		"RecentProgress": func() (int, error) {
			m, err := db.RecentProgress(ctx, A, []int64{bResp.AccountID}, time.Time{})
			return len(m), err
		},
		"ContactsLastAnswered": func() (int, error) {
			m, err := db.ContactsLastAnswered(ctx, A, []int64{bResp.ContactID}, t0.Add(365*24*time.Hour))
			return len(m), err
		},
	}
	unchanged = func(t *testing.T) {
		t.Helper()
		if p := must(db.Plan(ctx, B, bPlan.ID))(t); p.Title != bPlan.Title {
			t.Errorf("B's plan after A's calls: %+v", p)
		}
		if items := must(db.PlanItems(ctx, B, bPlan.ID))(t); len(items) != 1 || items[0] != bItem {
			t.Errorf("B's items after A's calls: %+v, want %+v", items, bItem)
		}
		if linked := must(db.PlanResponses(ctx, B, bPlan.ID))(t); len(linked) != 1 {
			t.Errorf("B's linked responses after A's calls: %v", linked)
		}
		if tok := must(db.AccountPage(ctx, B, bResp.AccountID))(t); tok != bToken {
			t.Errorf("B's customer page token changed")
		}
	}
	return notFound, empty, unchanged
}
