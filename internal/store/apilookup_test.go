package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestFindRefs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "refs")
		other := newFixture(t, db, "other")
		got := must(db.FindRefs(ctx, f.ws.ID, store.Refs{
			WaveIDs:            []int64{f.wave.ID, f.wave.ID, other.wave.ID, 0},
			ContactIDs:         []int64{f.contact.ID, other.contact.ID},
			AccountIDs:         []int64{other.account.ID, f.account.ID},
			ContactEmails:      []string{" Anna@ACME.example", "anna@other.example", "nobody@acme.example", ""},
			AccountExternalIDs: []string{"CRM-1", "CRM-2"},
		}))(t)
		want := store.Found{
			Waves:               map[int64]bool{f.wave.ID: true},
			Contacts:            map[int64]bool{f.contact.ID: true},
			Accounts:            map[int64]bool{f.account.ID: true},
			ContactByEmail:      map[string]int64{"anna@acme.example": f.contact.ID},
			AccountByExternalID: map[string]int64{"CRM-1": f.account.ID},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("FindRefs: got %+v, want %+v (nothing of the other workspace)", got, want)
		}
		if got := must(db.FindRefs(ctx, f.ws.ID, store.Refs{}))(t); len(got.Waves)+len(got.ContactByEmail) != 0 {
			t.Errorf("FindRefs of nothing: got %+v", got)
		}
	})
}
