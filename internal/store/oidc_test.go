package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestOIDCIdentity(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setClock(db)
		anna := must(db.CreateUser(ctx, nps.User{Email: "anna@example.com", Name: "Anna"}))(t)
		bert := must(db.CreateUser(ctx, nps.User{Email: "bert@example.com", Name: "Bert"}))(t)
		const issuer, other = "https://id.example.com", "https://login.example.org"

		if _, err := db.UserByOIDC(ctx, issuer, "a-1"); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("UserByOIDC before a link: got %v, want ErrNotFound", err)
		}
		if err := db.LinkOIDC(ctx, anna.ID, issuer, "a-1"); err != nil {
			t.Fatalf("LinkOIDC: %v", err)
		}
		if got := must(db.UserByOIDC(ctx, issuer, "a-1"))(t); got != anna {
			t.Errorf("UserByOIDC: got %+v, want %+v", got, anna)
		}
		// The subject is the issuer's: the same one at another issuer is
		// another person.
		if _, err := db.UserByOIDC(ctx, other, "a-1"); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("UserByOIDC at another issuer: got %v, want ErrNotFound", err)
		}
		if err := db.LinkOIDC(ctx, anna.ID, issuer, "a-1"); err != nil {
			t.Errorf("LinkOIDC again: got %v, want nil", err)
		}
		for _, c := range []struct {
			name    string
			user    int64
			subject string
			want    error
		}{
			{"the subject to another user", bert.ID, "a-1", nps.ErrConflict},
			{"the user to a second subject", anna.ID, "a-2", nps.ErrConflict},
			{"a missing user", bert.ID + 100, "z-1", nps.ErrNotFound},
		} {
			if err := db.LinkOIDC(ctx, c.user, issuer, c.subject); !errors.Is(err, c.want) {
				t.Errorf("LinkOIDC %s: got %v, want %v", c.name, err, c.want)
			}
		}
		if got := must(db.UserByOIDC(ctx, issuer, "a-1"))(t); got != anna {
			t.Errorf("UserByOIDC after refused links: got %+v, want %+v (the first link stands)", got, anna)
		}
		// One identity per issuer, but one at each issuer.
		if err := db.LinkOIDC(ctx, anna.ID, other, "a-1"); err != nil {
			t.Errorf("LinkOIDC at a second issuer: %v", err)
		}
		if err := db.LinkOIDC(ctx, bert.ID, issuer, "b-1"); err != nil {
			t.Errorf("LinkOIDC of a second user: %v", err)
		}
		if got := must(db.UserByOIDC(ctx, issuer, "b-1"))(t); got != bert {
			t.Errorf("UserByOIDC: got %+v, want %+v", got, bert)
		}
	})
}

// TestOIDCAudit: a new link is audited in its transaction, by the actor,
// once; a link that exists or is refused writes nothing. Sign-ins and
// failures say how.
func TestOIDCAudit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a, ctx0 := newFixture(t, db, "tenant-a"), context.Background()
		other := must(db.CreateUser(ctx0, nps.User{Email: "other@example.com", Name: "Other"}))(t)
		ctx := store.WithActor(ctx0, nps.Actor{Kind: nps.ActorUser, UserID: a.owner.ID, Name: a.owner.Email, IP: "198.51.100.1"})
		const issuer = "https://id.example.com/tenant"
		for range 2 {
			if err := db.LinkOIDC(ctx, a.owner.ID, issuer, "a-1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.LinkOIDC(ctx, a.owner.ID, issuer, "a-2"); !errors.Is(err, nps.ErrConflict) {
			t.Fatalf("a second subject: got %v, want ErrConflict", err)
		}
		if err := db.LinkOIDC(ctx, other.ID, issuer, "a-1"); !errors.Is(err, nps.ErrConflict) {
			t.Fatalf("a linked subject: got %v, want ErrConflict", err)
		}
		must2(db.CreateSession(ctx, a.owner.ID, "sso id.example.com"))(t)
		if err := db.RecordSignInFailure(ctx, a.owner.ID, "sso"); err != nil {
			t.Fatal(err)
		}
		type entry struct {
			action                 nps.AuditAction
			subject, detail, actor string
		}
		var got []entry
		for _, e := range must(db.AuditLog(ctx0, a.ws.ID, store.AuditFilter{}))(t).Entries {
			if e.WorkspaceID == 0 {
				got = append(got, entry{e.Action, e.Subject, e.Detail, e.Actor.Name + " " + e.Actor.IP})
			}
		}
		actor := a.owner.Email + " 198.51.100.1"
		want := []entry{
			{nps.AuditSignInFailed, "", "sso", actor},
			{nps.AuditSignIn, "", "sso id.example.com", actor},
			{nps.AuditSSOLink, "subject 'a-1'", issuer, actor},
		}
		if !slices.Equal(got, want) {
			t.Errorf("the owner's entries: got %+v, want %+v", got, want)
		}
	})
}
