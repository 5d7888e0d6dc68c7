package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestSession(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := setClock(db)
		u := must(db.CreateUser(ctx, nps.User{Email: "s@example.com", Name: "S", PasswordHash: "h1"}))(t)
		secret, s, err := db.CreateSession(ctx, u.ID, "password")
		if err != nil {
			t.Fatal(err)
		}
		want := store.Session{UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(auth.SessionLifetime)}
		if s != want || !auth.PlausibleSessionSecret(secret) {
			t.Errorf("CreateSession: got %q %+v, want a secret and %+v", secret, s, want)
		}
		if got := must(db.SessionUser(ctx, secret))(t); got != u {
			t.Errorf("SessionUser: got %+v, want %+v", got, u)
		}
		notFound := func(what, secret string) {
			t.Helper()
			if _, err := db.SessionUser(ctx, secret); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("SessionUser(%s): got %v, want ErrNotFound", what, err)
			}
		}
		notFound("garbage", "x")
		notFound("unknown", auth.NewSessionSecret())
		notFound("the stored hash", auth.HashSessionSecret(secret))
		if _, _, err := db.CreateSession(ctx, u.ID+100, "password"); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CreateSession(missing user): got %v, want ErrNotFound", err)
		}

		// Used every six days, the session outlives the idle timeout but
		// not its absolute lifetime.
		for clock.now().Add(6 * 24 * time.Hour).Before(t0.Add(auth.SessionLifetime)) {
			clock.add(6 * 24 * time.Hour)
			if _, err := db.SessionUser(ctx, secret); err != nil {
				t.Fatalf("SessionUser at %v, used 6 days ago: %v", clock.now(), err)
			}
		}
		clock.add(6 * 24 * time.Hour)
		notFound("past the lifetime", secret)

		// Idle for longer than the timeout, a session ends.
		idle, _ := must2(db.CreateSession(ctx, u.ID, "password"))(t)
		clock.add(auth.SessionIdleTimeout - time.Second)
		if _, err := db.SessionUser(ctx, idle); err != nil {
			t.Fatalf("SessionUser just before the idle timeout: %v", err)
		}
		clock.add(auth.SessionIdleTimeout)
		notFound("idle", idle)
	})
}

// The last-seen time is written at most once per auth.SessionTouchInterval.
func TestSessionTouch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := setClock(db)
		u := must(db.CreateUser(ctx, nps.User{Email: "t@example.com"}))(t)
		secret, _ := must2(db.CreateSession(ctx, u.ID, "password"))(t)
		// Seen 30 s after its creation: not written. The session would be
		// idle at t0+idle unless a later touch moved it.
		clock.add(30 * time.Second)
		must(db.SessionUser(ctx, secret))(t)
		clock.add(auth.SessionIdleTimeout - 30*time.Second)
		if _, err := db.SessionUser(ctx, secret); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("a use within the touch interval moved last_seen: got %v, want ErrNotFound at t0+idle", err)
		}

		other, _ := must2(db.CreateSession(ctx, u.ID, "password"))(t)
		start := clock.now()
		clock.add(auth.SessionTouchInterval)
		must(db.SessionUser(ctx, other))(t)
		clock.t = start.Add(auth.SessionIdleTimeout + time.Second)
		if _, err := db.SessionUser(ctx, other); err != nil {
			t.Errorf("a use after the touch interval did not move last_seen: %v", err)
		}
	})
}

func TestDeleteSessions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setClock(db)
		a := must(db.CreateUser(ctx, nps.User{Email: "a@example.com", PasswordHash: "old"}))(t)
		b := must(db.CreateUser(ctx, nps.User{Email: "b@example.com"}))(t)
		a1, _ := must2(db.CreateSession(ctx, a.ID, "password"))(t)
		a2, _ := must2(db.CreateSession(ctx, a.ID, "password"))(t)
		a3, _ := must2(db.CreateSession(ctx, a.ID, "password"))(t)
		b1, _ := must2(db.CreateSession(ctx, b.ID, "password"))(t)

		if err := db.DeleteSession(ctx, a1); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, a1); err != nil {
			t.Errorf("DeleteSession twice: %v, want nil", err)
		}
		live := func(name, secret string, want bool) {
			t.Helper()
			_, err := db.SessionUser(ctx, secret)
			if got := err == nil; got != want {
				t.Errorf("session %s live: got %v (%v), want %v", name, got, err, want)
			}
		}
		live("a1 after DeleteSession", a1, false)
		live("a2", a2, true)

		if err := db.DeleteUserSessions(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		live("a2 after DeleteUserSessions", a2, false)
		live("a3 after DeleteUserSessions", a3, false)
		live("b1 of another user", b1, true)

		b2, _ := must2(db.CreateSession(ctx, b.ID, "password"))(t)
		if err := db.ResetPassword(ctx, b.ID, "new"); err != nil {
			t.Fatal(err)
		}
		live("b2 after ResetPassword", b2, false)
		if got := must(db.User(ctx, b.ID))(t).PasswordHash; got != "new" {
			t.Errorf("ResetPassword: hash %q, want new", got)
		}
		if err := db.ResetPassword(ctx, b.ID+100, "x"); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("ResetPassword(missing user): got %v, want ErrNotFound", err)
		}

		a4, _ := must2(db.CreateSession(ctx, a.ID, "password"))(t)
		must(struct{}{}, db.RehashPassword(ctx, a.ID, "stale", "lost"))(t)
		must(struct{}{}, db.RehashPassword(ctx, a.ID, "old", "rehashed"))(t)
		if got := must(db.User(ctx, a.ID))(t).PasswordHash; got != "rehashed" {
			t.Errorf("RehashPassword: hash %q, want rehashed (and a stale old hash ignored)", got)
		}
		live("a4 after RehashPassword", a4, true)
	})
}

// CreateSession removes sessions that have ended.
func TestSessionCleanup(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := setClock(db)
		u := must(db.CreateUser(ctx, nps.User{Email: "c@example.com"}))(t)
		old, _ := must2(db.CreateSession(ctx, u.ID, "password"))(t)
		clock.add(auth.SessionIdleTimeout + time.Hour)
		must2(db.CreateSession(ctx, u.ID, "password"))(t)
		// Turning the clock back would revive the idle session if its row
		// were still there.
		clock.t = t0
		if _, err := db.SessionUser(ctx, old); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("an ended session survived CreateSession: got %v, want ErrNotFound", err)
		}
	})
}

func TestMemberships(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setClock(db)
		u := must(db.CreateUser(ctx, nps.User{Email: "m@example.com"}))(t)
		if got := must(db.Memberships(ctx, u.ID))(t); len(got) != 0 {
			t.Errorf("Memberships of a new user: got %+v, want none", got)
		}
		zeta := must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "zeta", Name: "Zeta"}))(t)
		alpha := must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "alpha", Name: "Alpha"}))(t)
		must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "other", Name: "Other"}))(t)
		must(db.AddMember(ctx, zeta.ID, u.ID, nps.RoleViewer))(t)
		must(db.AddMember(ctx, alpha.ID, u.ID, nps.RoleOwner))(t)
		got := must(db.Memberships(ctx, u.ID))(t)
		want := []store.WorkspaceRole{{Workspace: alpha, Role: nps.RoleOwner}, {Workspace: zeta, Role: nps.RoleViewer}}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("Memberships: got %+v, want %+v", got, want)
		}
	})
}

// must2 is must for functions that return two values and an error.
func must2[T, U any](v T, w U, err error) func(testing.TB) (T, U) {
	return func(tb testing.TB) (T, U) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("got error %v, want none", err)
		}
		return v, w
	}
}

// TestChangePassword: the new hash counts, every session of the user
// ends, the one returned lives, other users keep theirs, and a hash
// changed meanwhile is a conflict that changes nothing.
func TestChangePassword(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setClock(db)
		u := must(db.CreateUser(ctx, nps.User{Email: "c@example.com", Name: "C", PasswordHash: "old"}))(t)
		other := must(db.CreateUser(ctx, nps.User{Email: "o@example.com", Name: "O", PasswordHash: "h"}))(t)
		here, _ := must2(db.CreateSession(ctx, u.ID, "password"))(t)
		elsewhere, _ := must2(db.CreateSession(ctx, u.ID, "password"))(t)
		theirs, _ := must2(db.CreateSession(ctx, other.ID, "password"))(t)

		secret, s, err := db.ChangePassword(ctx, u.ID, "old", "new")
		if err != nil {
			t.Fatal(err)
		}
		if s.UserID != u.ID || secret == here || !auth.PlausibleSessionSecret(secret) {
			t.Errorf("ChangePassword: got %q %+v, want a new session of user %d", secret, s, u.ID)
		}
		got := must(db.SessionUser(ctx, secret))(t)
		if got.ID != u.ID || got.PasswordHash != "new" {
			t.Errorf("the new session: got user %d with hash %q, want %d with \"new\"", got.ID, got.PasswordHash, u.ID)
		}
		for what, old := range map[string]string{"the asking browser's old session": here, "another browser's": elsewhere} {
			if _, err := db.SessionUser(ctx, old); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("%s after the change: got %v, want ErrNotFound", what, err)
			}
		}
		if _, err := db.SessionUser(ctx, theirs); err != nil {
			t.Errorf("another user's session after the change: %v", err)
		}

		// The hash is "new" now: a change from "old" is a conflict.
		if _, _, err := db.ChangePassword(ctx, u.ID, "old", "newer"); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("ChangePassword from a stale hash: got %v, want ErrConflict", err)
		}
		if _, err := db.SessionUser(ctx, secret); err != nil {
			t.Errorf("the session after a refused change: %v", err)
		}
		if got := must(db.UserByEmail(ctx, u.Email))(t); got.PasswordHash != "new" {
			t.Errorf("after the refused change: hash %q, want \"new\"", got.PasswordHash)
		}
	})
}
