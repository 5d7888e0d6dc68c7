package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestWorkspace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setClock(db)
		w := must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme-cx", Name: "Acme CX", RetentionMonths: 24, FatigueDays: 90}))(t)
		want := nps.Workspace{ID: w.ID, Slug: "acme-cx", Name: "Acme CX", RetentionMonths: 24, FatigueDays: 90, CreatedAt: t0}
		if w != want || w.ID == 0 {
			t.Errorf("CreateWorkspace: got %+v, want %+v", w, want)
		}
		if got := must(db.Workspace(ctx, w.ID))(t); got != want {
			t.Errorf("Workspace(%d): got %+v, want %+v", w.ID, got, want)
		}
		if got := must(db.WorkspaceBySlug(ctx, "acme-cx"))(t); got != want {
			t.Errorf("WorkspaceBySlug: got %+v, want %+v", got, want)
		}
		if _, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme-cx", Name: "Again"}); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("CreateWorkspace with a taken slug: got %v, want ErrConflict", err)
		}
		if _, err := db.Workspace(ctx, w.ID+1); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("Workspace(missing): got %v, want ErrNotFound", err)
		}
		if _, err := db.WorkspaceBySlug(ctx, "nope"); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("WorkspaceBySlug(missing): got %v, want ErrNotFound", err)
		}
	})
}

func TestUserAndMembership(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setClock(db)
		w := must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "agency", Name: "Agency"}))(t)
		u := must(db.CreateUser(ctx, nps.User{Email: " Miranda@Example.COM ", Name: "Miranda", PasswordHash: "$argon2id$x"}))(t)
		want := nps.User{ID: u.ID, Email: "miranda@example.com", Name: "Miranda", PasswordHash: "$argon2id$x", CreatedAt: t0}
		if u != want {
			t.Errorf("CreateUser: got %+v, want %+v", u, want)
		}
		if got := must(db.User(ctx, u.ID))(t); got != want {
			t.Errorf("User: got %+v, want %+v", got, want)
		}
		if got := must(db.UserByEmail(ctx, "MIRANDA@example.com"))(t); got != want {
			t.Errorf("UserByEmail: got %+v, want %+v", got, want)
		}
		if _, err := db.CreateUser(ctx, nps.User{Email: "miranda@EXAMPLE.com"}); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("CreateUser with the same email in other case: got %v, want ErrConflict", err)
		}

		m := must(db.AddMember(ctx, w.ID, u.ID, nps.RoleAnalyst))(t)
		wantM := nps.Membership{WorkspaceID: w.ID, UserID: u.ID, Role: nps.RoleAnalyst, CreatedAt: t0}
		if m != wantM {
			t.Errorf("AddMember: got %+v, want %+v", m, wantM)
		}
		if got := must(db.Membership(ctx, w.ID, u.ID))(t); got != wantM {
			t.Errorf("Membership: got %+v, want %+v", got, wantM)
		}
		if _, err := db.AddMember(ctx, w.ID, u.ID, nps.RoleOwner); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("AddMember twice: got %v, want ErrConflict", err)
		}
		for name, call := range map[string]func() error{
			"missing user":      func() error { _, err := db.AddMember(ctx, w.ID, u.ID+100, nps.RoleMember); return err },
			"missing workspace": func() error { _, err := db.AddMember(ctx, w.ID+100, u.ID, nps.RoleMember); return err },
			"not a member":      func() error { _, err := db.Membership(ctx, w.ID, u.ID+100); return err },
		} {
			if err := call(); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("%s: got %v, want ErrNotFound", name, err)
			}
		}
	})
}

// TestInvalidInputChangesNothing feeds every create method bad input and
// checks that it reports a *nps.ValidationError and leaves every table
// as it was.
func TestInvalidInputChangesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "valid")
		before := tableCounts(t, db)
		badSurvey := sampleSurvey()
		badSurvey.DefaultLanguage = "de"
		cases := map[string]func() error{
			"workspace slug": func() error {
				_, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "Not A Slug", Name: "x"})
				return err
			},
			"user email":   func() error { _, err := db.CreateUser(ctx, nps.User{Email: "not-an-email"}); return err },
			"member role":  func() error { _, err := db.AddMember(ctx, f.ws.ID, f.owner.ID, "boss"); return err },
			"account name": func() error { _, err := db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: " "}); return err },
			"account upsert without external id": func() error {
				_, err := db.UpsertAccount(ctx, f.ws.ID, nps.Account{Name: "No key"})
				return err
			},
			"contact email": func() error {
				_, err := db.CreateContact(ctx, f.ws.ID, nps.Contact{Email: "anna@@acme"})
				return err
			},
			"contact upsert without email": func() error {
				_, err := db.UpsertContact(ctx, f.ws.ID, nps.Contact{ExternalID: "P-1"})
				return err
			},
			"survey default language": func() error { _, err := db.CreateSurvey(ctx, f.ws.ID, badSurvey); return err },
			"wave closes before opening": func() error {
				_, err := db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "x", OpensAt: t0, ClosesAt: t0})
				return err
			},
			"invitation status": func() error {
				_, err := db.UpdateInvitationStatus(ctx, f.ws.ID, 1, "lost")
				return err
			},
			"response score 11": func() error {
				_, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 11, Channel: nps.ChannelLink})
				return err
			},
			"response comment with NUL": func() error {
				_, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 7, Comment: "a\x00b", Channel: nps.ChannelLink})
				return err
			},
			"response driver not asked": func() error {
				_, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 7, Channel: nps.ChannelLink,
					Answers: nps.Answers{Drivers: map[string]int{"speed": 3}}})
				return err
			},
			"response contact of another account": func() error {
				other := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Other"}))(t)
				before["accounts"]++
				_, err := db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 7, Channel: nps.ChannelLink,
					ContactID: f.contact.ID, AccountID: other.ID})
				return err
			},
			"histogram months": func() error {
				_, err := db.Histogram(ctx, f.ws.ID, store.HistogramFilter{FromMonth: 202513})
				return err
			},
		}
		for name, call := range cases {
			var ve *nps.ValidationError
			if err := call(); !errors.As(err, &ve) {
				t.Errorf("%s: got %v, want a *nps.ValidationError", name, err)
			}
		}
		if after := tableCounts(t, db); !reflect.DeepEqual(after, before) {
			t.Errorf("rows after invalid input: got %v, want %v", after, before)
		}
	})
}

// tableCounts counts the rows of every table.
func tableCounts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range []string{"workspaces", "users", "memberships", "accounts", "contacts", "surveys",
		"waves", "invitations", "responses", "response_revisions", "score_rollup", "score_totals"} {
		var n int
		if err := store.RawSQL(db).QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}
