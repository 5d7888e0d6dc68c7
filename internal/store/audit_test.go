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

// actions lists the actions of entries, newest first.
func actions(p store.AuditPage) []nps.AuditAction {
	var list []nps.AuditAction
	for _, e := range p.Entries {
		list = append(list, e.Action)
	}
	return list
}

// TestAuditLogWrites: a change the audit log records writes its entry
// with the actor of the context, in its own transaction, so a refused
// change leaves no entry; the log reads newest first, a page at a time,
// by action and by actor.
func TestAuditLogWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		owner := nps.Actor{Kind: nps.ActorUser, UserID: f.owner.ID, Name: f.owner.Email, IP: "192.0.2.7"}
		ctx := store.WithActor(context.Background(), owner)
		tok, _ := must2(db.CreateAPIToken(ctx, f.ws.ID, "CRM", f.owner.ID))(t)
		must(db.RevokeAPIToken(ctx, f.ws.ID, tok.ID))(t)
		if _, err := db.RevokeAPIToken(ctx, f.ws.ID, tok.ID+100); !errors.Is(err, nps.ErrNotFound) {
			t.Fatalf("revoke an unknown token: got %v, want not found", err)
		}
		if err := db.SetFatigueDays(ctx, f.ws.ID, 99999); err == nil {
			t.Fatal("fatigue days 99999: got no error")
		}
		if err := db.SetRetentionMonths(ctx, f.ws.ID, 24); err != nil {
			t.Fatal(err)
		}
		if err := db.SetRetentionMonths(ctx, f.ws.ID, 24); err != nil {
			t.Fatal(err)
		}
		cli := store.WithActor(context.Background(), nps.Actor{Kind: nps.ActorCLI, Name: "cli"})
		if err := db.RecordAudit(cli, f.ws.ID, nps.AuditExport, "responses.csv", "wave 1"); err != nil {
			t.Fatal(err)
		}

		all := must(db.AuditLog(context.Background(), f.ws.ID, store.AuditFilter{}))(t)
		// The fixture's AddMember ran without an actor: the system's.
		want := []nps.AuditAction{nps.AuditExport, nps.AuditSettingsUpdate, nps.AuditTokenRevoke, nps.AuditTokenCreate, nps.AuditMemberAdd}
		if got := actions(all); !slices.Equal(got, want) {
			t.Fatalf("audit log: got %v, want %v", got, want)
		}
		created := all.Entries[3]
		if created.Actor != owner || created.Subject != "token 'CRM'" || created.WorkspaceID != f.ws.ID || created.At.IsZero() {
			t.Errorf("token entry: got %+v, want by %+v about token 'CRM'", created, owner)
		}
		if s := all.Entries[1]; s.Subject != "retention_months" || s.Detail != "0 → 24" {
			t.Errorf("settings entry: got %q %q, want retention_months 0 → 24", s.Subject, s.Detail)
		}
		if a := all.Entries[4].Actor; a.Kind != nps.ActorSystem {
			t.Errorf("entry without an actor: got %+v, want the system", a)
		}

		page := must(db.AuditLog(context.Background(), f.ws.ID, store.AuditFilter{Limit: 2}))(t)
		rest := must(db.AuditLog(context.Background(), f.ws.ID, store.AuditFilter{Limit: 2, Before: page.Next}))(t)
		last := must(db.AuditLog(context.Background(), f.ws.ID, store.AuditFilter{Limit: 2, Before: rest.Next}))(t)
		if got := append(append(actions(page), actions(rest)...), actions(last)...); !slices.Equal(got, want) || last.Next != 0 {
			t.Errorf("pages of 2: got %v (last Next %d), want %v", got, last.Next, want)
		}
		byCLI := must(db.AuditLog(context.Background(), f.ws.ID, store.AuditFilter{Actor: "CLI"}))(t)
		if got := actions(byCLI); !slices.Equal(got, []nps.AuditAction{nps.AuditExport}) {
			t.Errorf("by cli: got %v, want the export", got)
		}
		revoked := must(db.AuditLog(context.Background(), f.ws.ID, store.AuditFilter{Action: nps.AuditTokenRevoke}))(t)
		if len(revoked.Entries) != 1 {
			t.Errorf("token revocations: got %d, want 1", len(revoked.Entries))
		}
	})
}

// TestAuditLogUsers: a sign-in, a sign-out, a failed sign-in and a
// password reset belong to the user; the owners of each workspace the
// user is a member of read them, nobody else, and deleting a workspace
// removes its entries but not the user's.
func TestAuditLogUsers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		a, b := newFixture(t, db, "tenant-a"), newFixture(t, db, "tenant-b")
		ctx := store.WithActor(context.Background(), nps.Actor{Kind: nps.ActorUser, UserID: a.owner.ID, Name: a.owner.Email, IP: "198.51.100.1"})
		secret, _ := must2(db.CreateSession(ctx, a.owner.ID, "password"))(t)
		if err := db.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordSignInFailure(ctx, a.owner.ID, "password"); err != nil {
			t.Fatal(err)
		}
		if err := db.ResetPassword(context.Background(), a.owner.ID, "hash"); err != nil {
			t.Fatal(err)
		}
		want := []nps.AuditAction{nps.AuditPasswordReset, nps.AuditSignInFailed, nps.AuditSignOut, nps.AuditSignIn}
		users := must(db.AuditLog(context.Background(), a.ws.ID, store.AuditFilter{Actor: ""}))(t)
		var got []nps.AuditAction
		for _, e := range users.Entries {
			if e.WorkspaceID == 0 {
				got = append(got, e.Action)
				if e.UserID != a.owner.ID {
					t.Errorf("%s: user %d, want %d", e.Action, e.UserID, a.owner.ID)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("A's user entries: got %v, want %v (the second sign-out ended nothing)", got, want)
		}
		for _, e := range must(db.AuditLog(context.Background(), b.ws.ID, store.AuditFilter{}))(t).Entries {
			if e.UserID == a.owner.ID || e.WorkspaceID != b.ws.ID {
				t.Errorf("B's audit log holds %+v", e)
			}
		}
		// A's owner joins B an hour later: B's owners see their sign-ins
		// from then on, never the earlier ones.
		b.clock.add(time.Hour)
		must(db.AddMember(context.Background(), b.ws.ID, a.owner.ID, nps.RoleViewer))(t)
		for _, e := range must(db.AuditLog(context.Background(), b.ws.ID, store.AuditFilter{}))(t).Entries {
			if e.WorkspaceID == 0 {
				t.Errorf("B's log after A's owner joined holds their earlier %+v", e)
			}
		}
		b.clock.add(time.Minute)
		must2(db.CreateSession(ctx, a.owner.ID, "password"))(t)
		signIns := must(db.AuditLog(context.Background(), b.ws.ID, store.AuditFilter{Action: nps.AuditSignIn}))(t)
		if len(signIns.Entries) != 1 {
			t.Errorf("B's sign-ins after A's owner joined: got %d, want 1", len(signIns.Entries))
		}
		if err := db.DeleteWorkspace(context.Background(), a.ws.ID); err != nil {
			t.Fatal(err)
		}
		left := must(db.AuditLog(context.Background(), b.ws.ID, store.AuditFilter{Action: nps.AuditSignIn}))(t)
		if len(left.Entries) != 1 {
			t.Errorf("sign-ins after A was deleted: got %d, want 1", len(left.Entries))
		}
	})
}
