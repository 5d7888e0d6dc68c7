package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// promoterFixture adds to a fixture a second owner with an account
// "Beta", and in the fixture's wave: Anna (Acme) 10, Ben (Acme) 9 with a
// comment, Cleo (Beta) 9, Dirk (Beta) 7, and an anonymous 10.
type promoterFixture struct {
	*fixture
	other                 nps.User
	beta                  nps.Account
	anna, ben, cleo, dirk nps.Contact
	annaR, benR, cleoR    nps.Response
}

func newPromoterFixture(t *testing.T, db *store.DB, slug string) *promoterFixture {
	t.Helper()
	ctx := context.Background()
	f := &promoterFixture{fixture: newFixture(t, db, slug)}
	f.other = must(db.CreateUser(ctx, nps.User{Email: "other@" + slug + ".example", Name: "Other"}))(t)
	must(db.AddMember(ctx, f.ws.ID, f.other.ID, nps.RoleMember))(t)
	f.beta = must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Beta", OwnerID: f.other.ID, AnnualRevenueCents: 3_000_000_01}))(t)
	f.anna = f.contact
	f.ben = must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: f.account.ID, Email: "ben@" + slug + ".example", Name: "Ben", Language: "en"}))(t)
	f.cleo = must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: f.beta.ID, Email: "cleo@" + slug + ".example", Name: "Cleo"}))(t)
	f.dirk = must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: f.beta.ID, Email: "dirk@" + slug + ".example", Name: "Dirk"}))(t)
	answer := func(c nps.Contact, score int, comment string) nps.Response {
		f.clock.add(time.Minute)
		return must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: score, Comment: comment, Channel: nps.ChannelLink}))(t)
	}
	f.annaR = answer(f.anna, 10, "")
	f.benR = answer(f.ben, 9, "Altijd snel geholpen")
	f.cleoR = answer(f.cleo, 9, "")
	answer(f.dirk, 7, "")
	f.clock.add(time.Minute)
	must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 10, Channel: nps.ChannelLink}))(t)
	return f
}

func promoterNames(p store.PromoterPage) []string {
	var names []string
	for _, r := range p.Promoters {
		names = append(names, r.ContactName)
	}
	return names
}

func TestPromoters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPromoterFixture(t, db, "promo")
		ws := f.ws.ID
		tests := []struct {
			name   string
			filter store.PromoterFilter
			want   []string
			total  int
		}{
			{"wave, oldest first", store.PromoterFilter{WaveID: f.wave.ID}, []string{"Anna", "Ben", "Cleo"}, 3},
			{"wave, newest first", store.PromoterFilter{WaveID: f.wave.ID, Desc: true}, []string{"Cleo", "Ben", "Anna"}, 3},
			{"by account", store.PromoterFilter{WaveID: f.wave.ID, Sort: "account", Desc: true}, []string{"Cleo", "Ben", "Anna"}, 3},
			{"a page", store.PromoterFilter{WaveID: f.wave.ID, Limit: 1, Offset: 1}, []string{"Ben"}, 3},
			{"past the end", store.PromoterFilter{WaveID: f.wave.ID, Offset: 3}, nil, 3},
			{"a member's own accounts", store.PromoterFilter{WaveID: f.wave.ID, OwnerID: f.other.ID}, []string{"Cleo"}, 1},
			{"the survey", store.PromoterFilter{SurveyID: f.survey.ID}, []string{"Anna", "Ben", "Cleo"}, 3},
		}
		for _, tt := range tests {
			p, err := db.Promoters(ctx, ws, tt.filter)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got := promoterNames(p); !slices.Equal(got, tt.want) || p.Total != tt.total {
				t.Errorf("%s: Promoters(%+v) = %v of %d, want %v of %d", tt.name, tt.filter, got, p.Total, tt.want, tt.total)
			}
		}
		if _, err := db.Promoters(ctx, ws, store.PromoterFilter{WaveID: f.wave.ID, Sort: "secret"}); err == nil {
			t.Errorf("Promoters sorted by an unknown column: got no error")
		}

		// Ben answers 4 in a later wave: no promoter of the survey any more.
		wave2 := must(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.survey.ID, Name: "2026", OpensAt: t0.Add(60 * 24 * time.Hour)}))(t)
		f.clock.add(61 * 24 * time.Hour)
		must(db.RecordResponse(ctx, ws, nps.Response{WaveID: wave2.ID, ContactID: f.ben.ID, Score: 4, Channel: nps.ChannelLink}))(t)
		p := must(db.Promoters(ctx, ws, store.PromoterFilter{SurveyID: f.survey.ID}))(t)
		if got := promoterNames(p); !slices.Equal(got, []string{"Anna", "Cleo"}) {
			t.Errorf("survey after Ben's 4: got %v, want Anna, Cleo", got)
		}

		// Actions on Anna's answer show in her row.
		for _, k := range []nps.PromoterActionKind{nps.PromoterReward, nps.PromoterThank, nps.PromoterReward} {
			must(db.RecordPromoterAction(ctx, ws, nps.PromoterAction{ContactID: f.anna.ID, ResponseID: f.annaR.ID, Kind: k, CreatedBy: f.owner.ID}, 0))(t)
		}
		p = must(db.Promoters(ctx, ws, store.PromoterFilter{WaveID: f.wave.ID}))(t)
		anna := p.Promoters[0]
		if !anna.Thanked || !slices.Equal(anna.Done, []nps.PromoterActionKind{nps.PromoterThank, nps.PromoterReward}) {
			t.Errorf("Anna's row: thanked %v, done %v; want thanked, [thank reward]", anna.Thanked, anna.Done)
		}
		if p.Promoters[1].Thanked || len(p.Promoters[1].Done) != 0 {
			t.Errorf("Ben's row: got %+v, want nothing done", p.Promoters[1])
		}
		if anna.AccountName != "Acme" || anna.Score != 10 || anna.ResponseID != f.annaR.ID {
			t.Errorf("Anna's row: got %+v", anna)
		}
	})
}

func TestPromoterDetail(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPromoterFixture(t, db, "detail")
		ws := f.ws.ID
		must(db.RecordPromoterAction(ctx, ws, nps.PromoterAction{ContactID: f.ben.ID, ResponseID: f.benR.ID, Kind: nps.PromoterCommunity,
			Note: "Uitgenodigd voor de gebruikersgroep", CreatedBy: f.owner.ID}, f.owner.ID))(t)
		d := must(db.Promoter(ctx, ws, f.ben.ID, f.owner.ID))(t)
		if d.Contact.Name != "Ben" || d.Account.Name != "Acme" || d.Current.ID != f.benR.ID || d.Current.WaveName != "2025" {
			t.Errorf("Promoter(Ben): got contact %q, account %q, current %+v", d.Contact.Name, d.Account.Name, d.Current)
		}
		if len(d.Answers) != 1 || d.Answers[0].Comment != "Altijd snel geholpen" || d.Answers[0].SurveyName != "Relationship NPS" {
			t.Errorf("Promoter(Ben) answers: got %+v", d.Answers)
		}
		if len(d.Actions) != 1 || d.Actions[0].ByName != "Owner" || d.Actions[0].Kind != nps.PromoterCommunity || d.Actions[0].AccountID != f.account.ID {
			t.Errorf("Promoter(Ben) actions: got %+v", d.Actions)
		}
		// Dirk gave a 7: his page has no current promoter answer.
		if d := must(db.Promoter(ctx, ws, f.dirk.ID, 0))(t); d.Current.ID != 0 || len(d.Answers) != 1 {
			t.Errorf("Promoter(Dirk): current %+v, %d answers; want none, 1", d.Current, len(d.Answers))
		}
		// A member sees and acts on their own accounts' contacts only.
		if _, err := db.Promoter(ctx, ws, f.cleo.ID, f.owner.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("Promoter of another owner's contact: got %v, want ErrNotFound", err)
		}
		_, err := db.RecordPromoterAction(ctx, ws, nps.PromoterAction{ContactID: f.cleo.ID, Kind: nps.PromoterReward}, f.owner.ID)
		if !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("RecordPromoterAction on another owner's contact: got %v, want ErrNotFound", err)
		}
		// An answer of another contact is not found; a bad kind is invalid.
		_, err = db.RecordPromoterAction(ctx, ws, nps.PromoterAction{ContactID: f.ben.ID, ResponseID: f.cleoR.ID, Kind: nps.PromoterReward}, 0)
		if !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("RecordPromoterAction with Cleo's answer for Ben: got %v, want ErrNotFound", err)
		}
		var ve *nps.ValidationError
		if _, err := db.RecordPromoterAction(ctx, ws, nps.PromoterAction{ContactID: f.ben.ID, Kind: "bribe"}, 0); !errors.As(err, &ve) {
			t.Errorf("RecordPromoterAction of kind bribe: got %v, want a validation error", err)
		}
		if n := len(must(db.Promoter(ctx, ws, f.ben.ID, 0))(t).Actions); n != 1 {
			t.Errorf("after the refused actions: Ben has %d actions, want 1", n)
		}
	})
}

// thanksNote is a rendered thank-you, as the web layer hands it over.
var thanksNote = nps.Notification{Subject: "Dank je wel", Text: "Dank voor je 10.", HTML: "<p>Dank voor je 10.</p>"}

// countTable counts a workspace's rows in a table.
func countTable(t *testing.T, db *store.DB, table string, workspaceID int64) int {
	t.Helper()
	var n int
	if err := store.RawSQL(db).QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE workspace_id = $1`, workspaceID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestThankPromoter(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPromoterFixture(t, db, "thanks")
		ws := f.ws.ID
		a := nps.PromoterAction{ContactID: f.anna.ID, ResponseID: f.annaR.ID, CreatedBy: f.owner.ID}
		th := must(db.ThankPromoter(ctx, ws, a, f.owner.ID, thanksNote, false))(t)
		if th.Action.Kind != nps.PromoterThank || th.Action.ID == 0 || th.Action.AccountID != f.account.ID {
			t.Errorf("ThankPromoter: got action %+v", th.Action)
		}
		ns := must(db.Notifications(ctx, ws, nps.NotifyThanks, th.Action.ID))(t)
		if len(ns) != 1 || ns[0].ID != th.NotificationID || ns[0].ToEmail != "anna@acme.example" || ns[0].ToName != "Anna" ||
			ns[0].AccountID != f.account.ID || ns[0].State != nps.NotificationQueued || ns[0].Subject != "Dank je wel" {
			t.Errorf("thank-you notification: got %+v", ns)
		}
		// A second one for the same answer asks first, and writes nothing.
		if _, err := db.ThankPromoter(ctx, ws, a, 0, thanksNote, false); !errors.Is(err, nps.ErrThankedBefore) {
			t.Errorf("second thank-you: got %v, want ErrThankedBefore", err)
		}
		if n := countTable(t, db, "notifications", ws); n != 1 {
			t.Errorf("after the unconfirmed second thank-you: %d notifications, want 1", n)
		}
		must(db.ThankPromoter(ctx, ws, a, 0, thanksNote, true))(t)
		if n := countTable(t, db, "notifications", ws); n != 2 {
			t.Errorf("after the confirmed second thank-you: %d notifications, want 2", n)
		}

		// An opted-out contact, one without email and another owner's
		// contact get neither action nor email.
		must(db.OptOutContact(ctx, ws, f.ben.ID))(t)
		noMail := must(db.CreateContact(ctx, ws, nps.Contact{AccountID: f.account.ID, ExternalID: "CRM-NOMAIL", Name: "Zonder mail"}))(t)
		before := [2]int{countTable(t, db, "promoter_actions", ws), countTable(t, db, "notifications", ws)}
		for _, c := range []struct {
			name    string
			contact int64
			owner   int64
			want    error
		}{
			{"opted out", f.ben.ID, 0, nps.ErrOptedOut},
			{"no email", noMail.ID, 0, nps.ErrNoEmail},
			{"another owner's", f.cleo.ID, f.owner.ID, nps.ErrNotFound},
		} {
			_, err := db.ThankPromoter(ctx, ws, nps.PromoterAction{ContactID: c.contact}, c.owner, thanksNote, true)
			if !errors.Is(err, c.want) {
				t.Errorf("%s: ThankPromoter got %v, want %v", c.name, err, c.want)
			}
		}
		after := [2]int{countTable(t, db, "promoter_actions", ws), countTable(t, db, "notifications", ws)}
		if after != before {
			t.Errorf("refused thank-yous wrote rows: actions, notifications %v → %v", before, after)
		}
		// A notification that cannot be written (no text) takes its action
		// with it: one transaction.
		if _, err := db.ThankPromoter(ctx, ws, nps.PromoterAction{ContactID: f.cleo.ID}, 0, nps.Notification{Subject: "x"}, true); err == nil {
			t.Errorf("thank-you without text: got no error")
		}
		if n := countTable(t, db, "promoter_actions", ws); n != before[0] {
			t.Errorf("after a failed notification: %d actions, want %d", n, before[0])
		}
	})
}

// fillPromoters gives a workspace of the delete fixture a promoter action,
// a thank-you notification and a referral.
func fillPromoters(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	db := f.db
	must(db.RecordPromoterAction(ctx, f.ws.ID, nps.PromoterAction{ContactID: f.contact.ID, Kind: nps.PromoterReward, Note: "Korting"}, 0))(t)
	must(db.ThankPromoter(ctx, f.ws.ID, nps.PromoterAction{ContactID: f.contact.ID}, 0, thanksNote, true))(t)
	referred := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Referred " + f.ws.Slug}))(t)
	must(db.CreateReferral(ctx, f.ws.ID, nps.Referral{ReferrerAccountID: f.account.ID, ReferrerContactID: f.contact.ID, ReferredAccountID: referred.ID}, 0))(t)
}

// promoterIsolation gives workspace B of TestWorkspaceIsolation a promoter
// action, a thank-you and a referral, and returns the calls of the
// promoter programme and loop figures with workspace A's ID and B's rows:
// those that must be not found, and those that must find nothing.
func promoterIsolation(t *testing.T, db *store.DB, b *fixture) func(a *fixture) (map[string]func() error, map[string]func() (int, error)) {
	t.Helper()
	ctx := context.Background()
	bResp := must(db.LatestResponses(ctx, b.ws.ID, store.ResponseFilter{WaveID: b.wave.ID}))(t).Responses[0]
	must(db.RecordPromoterAction(ctx, b.ws.ID, nps.PromoterAction{ContactID: bResp.ContactID, ResponseID: bResp.ID, Kind: nps.PromoterReward}, 0))(t)
	must(db.ThankPromoter(ctx, b.ws.ID, nps.PromoterAction{ContactID: bResp.ContactID, ResponseID: bResp.ID}, 0, thanksNote, true))(t)
	bReferred := must(db.CreateAccount(ctx, b.ws.ID, nps.Account{Name: "Referred in B"}))(t)
	bRef := must(db.CreateReferral(ctx, b.ws.ID, nps.Referral{ReferrerAccountID: b.account.ID, ReferrerContactID: b.contact.ID,
		ReferredAccountID: bReferred.ID}, 0))(t)
	return func(a *fixture) (map[string]func() error, map[string]func() (int, error)) {
		A := a.ws.ID
		return map[string]func() error{
				"Promoter": func() error { _, err := db.Promoter(ctx, A, b.contact.ID, 0); return err },
				"RecordPromoterAction": func() error {
					_, err := db.RecordPromoterAction(ctx, A, nps.PromoterAction{ContactID: b.contact.ID, Kind: nps.PromoterReward}, 0)
					return err
				},
				"RecordPromoterAction (response)": func() error {
					_, err := db.RecordPromoterAction(ctx, A, nps.PromoterAction{ContactID: a.contact.ID, ResponseID: bResp.ID, Kind: nps.PromoterReward}, 0)
					return err
				},
				"ThankPromoter": func() error {
					_, err := db.ThankPromoter(ctx, A, nps.PromoterAction{ContactID: b.contact.ID}, 0, thanksNote, true)
					return err
				},
				"CreateReferral": func() error {
					_, err := db.CreateReferral(ctx, A, nps.Referral{ReferrerAccountID: b.account.ID, ReferredAccountID: a.account.ID}, 0)
					return err
				},
				"CreateReferral (referred)": func() error {
					_, err := db.CreateReferral(ctx, A, nps.Referral{ReferrerAccountID: a.account.ID, ReferredAccountID: bReferred.ID}, 0)
					return err
				},
				"Referral":            func() error { _, err := db.Referral(ctx, A, bRef.ID, 0); return err },
				"MarkReferralThanked": func() error { return db.MarkReferralThanked(ctx, A, bRef.ID, 0) },
				"DeleteReferral":      func() error { return db.DeleteReferral(ctx, A, bRef.ID, 0) },
				"ThankReferral": func() error {
					_, err := db.ThankReferral(ctx, A, bRef.ID, 0, nps.PromoterAction{}, thanksNote)
					return err
				},
			}, map[string]func() (int, error){
				"Promoters": func() (int, error) {
					p, err := db.Promoters(ctx, A, store.PromoterFilter{WaveID: b.wave.ID})
					q, err2 := db.Promoters(ctx, A, store.PromoterFilter{SurveyID: b.survey.ID})
					return p.Total + len(p.Promoters) + q.Total, errors.Join(err, err2)
				},
				"Referrals": func() (int, error) {
					l, err := db.Referrals(ctx, A, store.ReferralFilter{})
					return int(l.Total) + len(l.Referrals), err
				},
				"LoopFigures": func() (int, error) {
					l, err := db.LoopFigures(ctx, A, b.survey.ID, 0)
					return len(l), err
				},
			}
	}
}
