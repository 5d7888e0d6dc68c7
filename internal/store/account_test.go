package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "accounts")
		want := nps.Account{
			ID: f.account.ID, WorkspaceID: f.ws.ID, ExternalID: "CRM-1", Name: "Acme", OwnerID: f.owner.ID,
			Industry: "Retail", Region: "NL", Size: "large", Attributes: map[string]string{"Contract type": "enterprise"},
			AnnualRevenueCents: 12_500_000_00, Status: nps.AccountActive, CreatedAt: t0, UpdatedAt: t0,
		}
		if !reflect.DeepEqual(f.account, want) {
			t.Errorf("CreateAccount: got %+v, want %+v", f.account, want)
		}
		if got := must(db.Account(ctx, f.ws.ID, f.account.ID))(t); !reflect.DeepEqual(got, want) {
			t.Errorf("Account: got %+v, want %+v", got, want)
		}
		if _, err := db.CreateAccount(ctx, f.ws.ID, nps.Account{ExternalID: "CRM-1", Name: "Acme again"}); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("CreateAccount with a taken external id: got %v, want ErrConflict", err)
		}
		if _, err := db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Orphan", OwnerID: f.owner.ID + 100}); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CreateAccount with an owner who is no member: got %v, want ErrNotFound", err)
		}

		// An upsert by external id replaces every field but ID and creation time.
		f.clock.add(time.Hour)
		churned := t0.Add(time.Minute)
		up := must(db.UpsertAccount(ctx, f.ws.ID, nps.Account{
			ExternalID: "CRM-1", Name: "Acme Holding", Industry: "Wholesale", Status: nps.AccountChurned, ChurnedAt: churned,
		}))(t)
		want = nps.Account{
			ID: f.account.ID, WorkspaceID: f.ws.ID, ExternalID: "CRM-1", Name: "Acme Holding", Industry: "Wholesale",
			Status: nps.AccountChurned, ChurnedAt: churned, CreatedAt: t0, UpdatedAt: t0.Add(time.Hour),
		}
		if !reflect.DeepEqual(up, want) {
			t.Errorf("UpsertAccount existing: got %+v, want %+v", up, want)
		}
		if got := must(db.Account(ctx, f.ws.ID, f.account.ID))(t); !reflect.DeepEqual(got, want) {
			t.Errorf("Account after upsert: got %+v, want %+v", got, want)
		}
		added := must(db.UpsertAccount(ctx, f.ws.ID, nps.Account{ExternalID: "CRM-2", Name: "Beta", OwnerID: f.owner.ID}))(t)
		if added.ID == f.account.ID || added.CreatedAt != t0.Add(time.Hour) {
			t.Errorf("UpsertAccount new: got %+v, want a new account created now", added)
		}
		plain := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Consumer-like"}))(t)
		_ = must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Another without key"}))(t)

		tests := []struct {
			filter store.AccountFilter
			want   []int64
		}{
			{store.AccountFilter{}, []int64{f.account.ID, plain.ID + 1, added.ID, plain.ID}},
			{store.AccountFilter{OwnerID: f.owner.ID}, []int64{added.ID}},
			{store.AccountFilter{Status: nps.AccountChurned}, []int64{f.account.ID}},
			{store.AccountFilter{Limit: 2, Offset: 1}, []int64{plain.ID + 1, added.ID}},
		}
		for _, tt := range tests {
			var got []int64
			for _, a := range must(db.Accounts(ctx, f.ws.ID, tt.filter))(t) {
				got = append(got, a.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Accounts(%+v): got %v, want %v", tt.filter, got, tt.want)
			}
		}
	})
}

func TestContact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "contacts")
		want := nps.Contact{ID: f.contact.ID, WorkspaceID: f.ws.ID, AccountID: f.account.ID, Email: "anna@acme.example",
			Name: "Anna", Language: "nl", CreatedAt: t0, UpdatedAt: t0}
		if got := must(db.Contact(ctx, f.ws.ID, f.contact.ID))(t); !reflect.DeepEqual(got, want) {
			t.Errorf("Contact: got %+v, want %+v", got, want)
		}
		if _, err := db.CreateContact(ctx, f.ws.ID, nps.Contact{Email: "ANNA@acme.example"}); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("CreateContact with the same email in other case: got %v, want ErrConflict", err)
		}
		if _, err := db.CreateContact(ctx, f.ws.ID, nps.Contact{Email: "x@y.example", AccountID: f.account.ID + 100}); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CreateContact at a missing account: got %v, want ErrNotFound", err)
		}
		consumer := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{ExternalID: "P-7", Name: "No email"}))(t)
		if consumer.AccountID != 0 || consumer.Email != "" {
			t.Errorf("CreateContact without account and email: got %+v", consumer)
		}

		// Opting out is kept; an upsert neither clears it nor a consent.
		f.clock.add(time.Hour)
		opted := must(db.OptOutContact(ctx, f.ws.ID, f.contact.ID))(t)
		if opted.OptedOutAt != t0.Add(time.Hour) || !opted.OptedOut() {
			t.Errorf("OptOutContact: got opted out at %v, want %v", opted.OptedOutAt, t0.Add(time.Hour))
		}
		f.clock.add(time.Hour)
		again := must(db.OptOutContact(ctx, f.ws.ID, f.contact.ID))(t)
		if again.OptedOutAt != opted.OptedOutAt {
			t.Errorf("OptOutContact twice: got %v, want the first time %v", again.OptedOutAt, opted.OptedOutAt)
		}
		consent := t0.Add(-24 * time.Hour)
		up := must(db.UpsertContact(ctx, f.ws.ID, nps.Contact{Email: "Anna@Acme.example", Name: "Anna B.", Language: "en",
			Attributes: map[string]string{"role": "CFO"}, ConsentAt: consent}))(t)
		want = nps.Contact{ID: f.contact.ID, WorkspaceID: f.ws.ID, Email: "anna@acme.example", Name: "Anna B.", Language: "en",
			Attributes: map[string]string{"role": "CFO"}, ConsentAt: consent, OptedOutAt: opted.OptedOutAt,
			CreatedAt: t0, UpdatedAt: t0.Add(2 * time.Hour)}
		if !reflect.DeepEqual(up, want) {
			t.Errorf("UpsertContact existing: got %+v, want %+v", up, want)
		}
		up = must(db.UpsertContact(ctx, f.ws.ID, nps.Contact{Email: "anna@acme.example", Name: "Anna"}))(t)
		if up.ConsentAt != consent || up.OptedOutAt != opted.OptedOutAt {
			t.Errorf("UpsertContact without consent and opt-out: got consent %v, opt-out %v, want %v, %v",
				up.ConsentAt, up.OptedOutAt, consent, opted.OptedOutAt)
		}
		if got := must(db.Contact(ctx, f.ws.ID, f.contact.ID))(t); !reflect.DeepEqual(got, up) {
			t.Errorf("Contact after upsert: got %+v, want %+v", got, up)
		}
		added := must(db.UpsertContact(ctx, f.ws.ID, nps.Contact{Email: "bob@acme.example", AccountID: f.account.ID}))(t)
		if added.ID == f.contact.ID || added.AccountID != f.account.ID {
			t.Errorf("UpsertContact new: got %+v, want a new contact at the account", added)
		}
		if _, err := db.OptOutContact(ctx, f.ws.ID, added.ID+100); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("OptOutContact(missing): got %v, want ErrNotFound", err)
		}
	})
}

// TestAttributeKeys stores attribute names with the punctuation people
// put in CSV headers and groups by them, on both databases.
func TestAttributeKeys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "attrs")
		keys := []string{"Klanttype (B2B)", "a.b", "Tier: 1/2", "Één & twee", "x#y+z"}
		attrs := map[string]string{}
		for i, k := range keys {
			attrs[k] = string(rune('A' + i))
		}
		a := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Punctuated", Attributes: attrs}))(t)
		c := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: a.ID, Email: "p@punct.example"}))(t)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: 9, Channel: nps.ChannelLink}))(t)
		for i, k := range keys {
			var h nps.Histogram
			h[9] = 1
			want := []store.Group{{Key: string(rune('A' + i)), Histogram: h}}
			got := must(db.Histograms(ctx, f.ws.ID, store.HistogramFilter{}, store.GroupBy{Dimension: store.GroupSegment, Attribute: k}))(t)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Histograms by %q: got %v, want %v", k, got, want)
			}
		}
	})
}
