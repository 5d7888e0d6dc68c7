package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestReferrals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPromoterFixture(t, db, "refer")
		ws := f.ws.ID
		newco := must(db.CreateAccount(ctx, ws, nps.Account{Name: "Nieuw BV", AnnualRevenueCents: 1_000_000_07}))(t)
		third := must(db.CreateAccount(ctx, ws, nps.Account{Name: "Derde BV", AnnualRevenueCents: 5}))(t)

		// Acme (through Anna) brought in Nieuw BV; Beta brought in Derde BV.
		r1 := must(db.CreateReferral(ctx, ws, nps.Referral{ReferrerAccountID: f.account.ID, ReferrerContactID: f.anna.ID,
			ReferredAccountID: newco.ID, Note: "Via de beurs", CreatedBy: f.owner.ID}, f.owner.ID))(t)
		f.clock.add(1)
		r2 := must(db.CreateReferral(ctx, ws, nps.Referral{ReferrerAccountID: f.beta.ID, ReferredAccountID: third.ID}, 0))(t)

		var ve *nps.ValidationError
		for _, c := range []struct {
			name  string
			r     nps.Referral
			owner int64
			check func(error) bool
		}{
			{"a second referral of an account", nps.Referral{ReferrerAccountID: f.beta.ID, ReferredAccountID: newco.ID}, 0,
				func(err error) bool { return errors.Is(err, nps.ErrConflict) }},
			{"a self-referral", nps.Referral{ReferrerAccountID: newco.ID, ReferredAccountID: newco.ID}, 0,
				func(err error) bool { return errors.As(err, &ve) }},
			{"a contact of another account", nps.Referral{ReferrerAccountID: f.beta.ID, ReferrerContactID: f.anna.ID, ReferredAccountID: f.account.ID}, 0,
				func(err error) bool { return errors.As(err, &ve) }},
			{"a member for another owner's account", nps.Referral{ReferrerAccountID: f.beta.ID, ReferredAccountID: f.account.ID}, f.owner.ID,
				func(err error) bool { return errors.Is(err, nps.ErrNotFound) }},
		} {
			if _, err := db.CreateReferral(ctx, ws, c.r, c.owner); !c.check(err) {
				t.Errorf("%s: CreateReferral got %v", c.name, err)
			}
		}

		l := must(db.Referrals(ctx, ws, store.ReferralFilter{}))(t)
		if l.Total != 2 || l.Thanked != 0 || l.RevenueCents != 1_000_000_12 || len(l.Referrals) != 2 || l.Referrals[0].ID != r2.ID {
			t.Errorf("Referrals: got %d (thanked %d, revenue %d), first %d; want 2, 0, 100000012, %d", l.Total, l.Thanked, l.RevenueCents,
				l.Referrals[0].ID, r2.ID)
		}
		got := l.Referrals[1]
		if got.ReferrerName != "Acme" || got.ReferrerContactName != "Anna" || got.ReferredName != "Nieuw BV" || got.Note != "Via de beurs" ||
			got.ReferredRevenueCents != 1_000_000_07 {
			t.Errorf("Referral of Nieuw BV: got %+v", got)
		}
		mine := must(db.Referrals(ctx, ws, store.ReferralFilter{OwnerID: f.owner.ID}))(t)
		if mine.Total != 1 || len(mine.Referrals) != 1 || mine.Referrals[0].ID != r1.ID || mine.RevenueCents != 1_000_000_07 {
			t.Errorf("a member's referrals: got %+v, want Acme's only", mine)
		}

		// Marking thanked keeps the first time; a member cannot mark or
		// delete another owner's referral.
		if err := db.MarkReferralThanked(ctx, ws, r2.ID, f.owner.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("MarkReferralThanked of another owner's referral: got %v, want ErrNotFound", err)
		}
		if err := db.DeleteReferral(ctx, ws, r2.ID, f.owner.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("DeleteReferral of another owner's referral: got %v, want ErrNotFound", err)
		}
		if err := db.MarkReferralThanked(ctx, ws, r2.ID, 0); err != nil {
			t.Fatal(err)
		}
		first := must(db.Referral(ctx, ws, r2.ID, 0))(t).ThankedAt
		f.clock.add(3600e9)
		if err := db.MarkReferralThanked(ctx, ws, r2.ID, f.other.ID); err != nil {
			t.Fatal(err)
		}
		if again := must(db.Referral(ctx, ws, r2.ID, 0))(t).ThankedAt; first.IsZero() || !again.Equal(first) {
			t.Errorf("thanked at: first %v, after marking again %v; want the first kept", first, again)
		}

		// Thanking by email: a thank action for Anna, the email, and the
		// referral thanked, together.
		th := must(db.ThankReferral(ctx, ws, r1.ID, f.owner.ID, nps.PromoterAction{CreatedBy: f.owner.ID, Note: "Verwijzing: Nieuw BV"}, thanksNote))(t)
		if th.Action.ContactID != f.anna.ID || th.Action.Kind != nps.PromoterThank || th.Action.Note != "Verwijzing: Nieuw BV" {
			t.Errorf("ThankReferral: got action %+v", th.Action)
		}
		if ns := must(db.Notifications(ctx, ws, nps.NotifyThanks, th.Action.ID))(t); len(ns) != 1 || ns[0].ToEmail != "anna@acme.example" {
			t.Errorf("ThankReferral: notifications %+v", ns)
		}
		if l := must(db.Referrals(ctx, ws, store.ReferralFilter{}))(t); l.Thanked != 2 {
			t.Errorf("after thanking both: %d thanked, want 2", l.Thanked)
		}
		// Without a contact there is nobody to email.
		if _, err := db.ThankReferral(ctx, ws, r2.ID, 0, nps.PromoterAction{}, thanksNote); !errors.As(err, &ve) {
			t.Errorf("ThankReferral without a contact: got %v, want a validation error", err)
		}

		if err := db.DeleteReferral(ctx, ws, r2.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Referral(ctx, ws, r2.ID, 0); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("a deleted referral: got %v, want ErrNotFound", err)
		}
		// Once deleted, the account may be referred again.
		must(db.CreateReferral(ctx, ws, nps.Referral{ReferrerAccountID: f.account.ID, ReferredAccountID: third.ID}, 0))(t)
	})
}
