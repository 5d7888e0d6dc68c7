package demo

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// runBoth runs body on a fresh migrated database of each dialect, as
// storetest.Run does, and hands it a plain handle on the same database
// too, to count rows the store has no method for.
func runBoth(t *testing.T, body func(t *testing.T, db *store.DB, raw *sql.DB)) {
	t.Helper()
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			driver := map[store.Dialect]string{store.SQLite: "sqlite", store.Postgres: "pgx"}[d]
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close() })
			body(t, db, raw)
		})
	}
}

// countRows counts the rows of each table, all workspaces together.
func countRows(t *testing.T, raw *sql.DB) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range []string{"workspaces", "users", "memberships", "accounts", "contacts", "surveys",
		"waves", "invitations", "responses", "response_revisions", "api_tokens"} {
		var n int
		if err := raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}

// count runs a counting query.
func count(t *testing.T, raw *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestInstall(t *testing.T) {
	runBoth(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		plan := Build(3)
		res, err := Install(ctx, db, plan)
		if err != nil {
			t.Fatalf("Install: %v", err)
		}
		checkInstalled(t, db, raw, plan, res)
		checkMoney(t, db, plan, res)
		first := countRows(t, raw)

		again, err := Install(ctx, db, plan)
		if err != nil {
			t.Fatalf("Install again: %v", err)
		}
		checkInstalled(t, db, raw, plan, again)
		if got := countRows(t, raw); !maps.Equal(got, first) {
			t.Errorf("rows after installing twice: got %v, want %v as after once", got, first)
		}
		if _, err := db.Workspace(ctx, res.Workspace.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("the first demo workspace after reinstalling: got %v, want ErrNotFound", err)
		}
		if again.Owner.ID != res.Owner.ID {
			t.Errorf("owner after reinstalling: got user %d, want the same user %d", again.Owner.ID, res.Owner.ID)
		}
		if _, err := db.APITokenBySecret(ctx, res.APIToken); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("the first demo's API token after reinstalling: got %v, want ErrNotFound", err)
		}
	})
}

// checkInstalled compares what the database holds for the demo workspace
// with the plan.
func checkInstalled(t *testing.T, db *store.DB, raw *sql.DB, plan Plan, res Result) {
	t.Helper()
	ctx := context.Background()
	ws := res.Workspace.ID
	if res.Workspace.Slug != Slug || res.Accounts != len(plan.Accounts) || res.Contacts != len(plan.Contacts) || res.Users != len(plan.Users) {
		t.Errorf("Install: got %+v, want the plan's %d users, %d accounts, %d contacts in workspace %q",
			res, len(plan.Users), len(plan.Accounts), len(plan.Contacts), Slug)
	}
	accounts, err := db.Accounts(ctx, ws, store.AccountFilter{Status: nps.AccountChurned})
	if err != nil {
		t.Fatal(err)
	}
	wantChurned := 0
	for _, a := range plan.Accounts {
		if a.Status == nps.AccountChurned {
			wantChurned++
		}
	}
	if len(accounts) != wantChurned {
		t.Errorf("churned accounts: got %d, want %d", len(accounts), wantChurned)
	}
	if n := count(t, raw, `SELECT count(*) FROM contacts WHERE workspace_id = $1`, ws); n != len(plan.Contacts) {
		t.Errorf("contacts: got %d, want %d", n, len(plan.Contacts))
	}

	for i, w := range plan.Waves {
		stored := res.Waves[i]
		h, err := db.Histogram(ctx, ws, store.HistogramFilter{WaveID: stored.ID})
		if err != nil {
			t.Fatal(err)
		}
		if h != w.Histogram() {
			t.Errorf("wave %s: got histogram %v, want the plan's %v", stored.Name, h, w.Histogram())
		}
		r, err := nps.Estimate(h, nps.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.NPS != wantNPS[i] {
			t.Errorf("wave %s: got NPS %v from the rollup, want %v", stored.Name, r.NPS, wantNPS[i])
		}
		if n := count(t, raw, `SELECT count(*) FROM invitations WHERE workspace_id = $1 AND wave_id = $2`, ws, stored.ID); n != len(w.Invitations) || res.Invited[i] != n {
			t.Errorf("wave %s: got %d invitations (result says %d), want %d", stored.Name, n, res.Invited[i], len(w.Invitations))
		}
		statuses := map[nps.InvitationStatus]int{}
		for _, inv := range w.Invitations {
			statuses[inv.Status]++
		}
		for status, want := range statuses {
			n := count(t, raw, `SELECT count(*) FROM invitations WHERE workspace_id = $1 AND wave_id = $2 AND status = $3`, ws, stored.ID, status)
			if n != want {
				t.Errorf("wave %s: got %d invitations %s, want %d", stored.Name, n, status, want)
			}
		}
		if w.Open() != stored.ClosesAt.IsZero() || stored.OpenAt(time.Now()) != w.Open() {
			t.Errorf("wave %s: stored open %v, closes %s; want only the last wave open", stored.Name, stored.OpenAt(time.Now()), stored.ClosesAt)
		}
	}

	// The changed answers of the open wave kept their history.
	last := res.Waves[len(res.Waves)-1].ID
	if n := count(t, raw, `SELECT count(*) FROM responses WHERE workspace_id = $1 AND wave_id = $2 AND revision > 1`, ws, last); n != revisions || res.Revisions != revisions {
		t.Errorf("changed answers: got %d (result says %d), want %d", n, res.Revisions, revisions)
	}
	if n := count(t, raw, `SELECT count(*) FROM response_revisions WHERE workspace_id = $1`, ws); n != revisions+twoTimes {
		t.Errorf("earlier versions kept: got %d, want %d", n, revisions+twoTimes)
	}
	if n := count(t, raw, `SELECT count(*) FROM responses WHERE workspace_id = $1 AND channel <> 'import' AND wave_id <> $2`, ws, last); n != 0 {
		t.Errorf("answers of past waves that are not imports: got %d, want none", n)
	}

	// The plans, as they were made, with their actions and shared updates.
	if n := count(t, raw, `SELECT count(*) FROM plans WHERE workspace_id = $1`, ws); n != len(plan.Plans) || res.Plans != n || n == 0 {
		t.Errorf("plans: got %d (result says %d), want %d", n, res.Plans, len(plan.Plans))
	}
	if n := count(t, raw, `SELECT count(*) FROM plans WHERE workspace_id = $1 AND created_at >= $2`, ws, res.Waves[len(res.Waves)-1].OpensAt); n != 0 {
		t.Errorf("%d plans made after the last wave opened, want all before", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM plan_items WHERE workspace_id = $1 AND kind = 'update' AND shareable`, ws); n != len(plan.Plans) {
		t.Errorf("shared updates: got %d, want one per plan", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM plan_responses WHERE workspace_id = $1`, ws); n < len(plan.Plans) {
		t.Errorf("linked answers: got %d, want at least one per plan", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM alert_rules WHERE workspace_id = $1 AND active`, ws); n != 1 {
		t.Errorf("alert rules: got %d, want the recommended one", n)
	}

	// The survey link printed for trying the open wave works.
	inv, err := db.InvitationByToken(ctx, res.SurveyToken)
	if err != nil || inv.WorkspaceID != ws || inv.WaveID != last || inv.Status == nps.InvitationResponded || inv.Status == nps.InvitationOptedOut {
		t.Errorf("the invitation of the survey link: got %+v, %v; want an unanswered one of the open wave", inv, err)
	}

	// Miranda signs in with the printed password; the token works.
	owner, err := db.UserByEmail(ctx, plan.Users[0].Email)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.CheckPassword(owner.PasswordHash, res.Password); !ok || err != nil || res.Password != plan.Password {
		t.Errorf("the owner's password %q does not check: %v, %v", res.Password, ok, err)
	}
	if m, err := db.Membership(ctx, ws, owner.ID); err != nil || m.Role != nps.RoleOwner {
		t.Errorf("the owner's membership: got %+v, %v, want owner", m, err)
	}
	token, err := db.APITokenBySecret(ctx, res.APIToken)
	if err != nil || token.WorkspaceID != ws {
		t.Errorf("the API token: got workspace %d, %v, want %d", token.WorkspaceID, err, ws)
	}
}

// TestInstallLeavesOthers installs the demo beside a workspace of a real
// customer whose user is also a demo user: the other workspace and the
// user's membership in it survive, and the user's password becomes the
// demo's.
func TestInstallLeavesOthers(t *testing.T) {
	runBoth(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		other := must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"}))(t)
		miranda := must(db.CreateUser(ctx, nps.User{Email: staff[0].Email, Name: "Miranda", PasswordHash: "$argon2id$old"}))(t)
		must(db.AddMember(ctx, other.ID, miranda.ID, nps.RoleAnalyst))(t)
		account := must(db.CreateAccount(ctx, other.ID, nps.Account{Name: "Klant", OwnerID: miranda.ID}))(t)
		contact := must(db.CreateContact(ctx, other.ID, nps.Contact{AccountID: account.ID, Email: "klant@acme.example"}))(t)
		survey := must(db.CreateSurvey(ctx, other.ID, Build(1).Survey))(t)
		wave := must(db.CreateWave(ctx, other.ID, nps.Wave{SurveyID: survey.ID, Name: "Q1", OpensAt: time.Now().Add(-time.Hour)}))(t)
		must(db.RecordResponse(ctx, other.ID, nps.Response{WaveID: wave.ID, ContactID: contact.ID, Score: 3, Comment: "Te duur", Channel: nps.ChannelLink}))(t)
		before := must(db.Histogram(ctx, other.ID, store.HistogramFilter{}))(t)
		otherRows := count(t, raw, `SELECT count(*) FROM responses WHERE workspace_id = $1`, other.ID)

		for range 2 {
			res, err := Install(ctx, db, Build(5))
			if err != nil {
				t.Fatalf("Install: %v", err)
			}
			if res.Owner.ID != miranda.ID {
				t.Errorf("Install: got owner %d, want the existing user %d", res.Owner.ID, miranda.ID)
			}
		}
		if after := must(db.Histogram(ctx, other.ID, store.HistogramFilter{}))(t); after != before {
			t.Errorf("the other workspace's histogram: got %v, want %v", after, before)
		}
		if n := count(t, raw, `SELECT count(*) FROM responses WHERE workspace_id = $1`, other.ID); n != otherRows {
			t.Errorf("the other workspace's responses: got %d, want %d", n, otherRows)
		}
		if m, err := db.Membership(ctx, other.ID, miranda.ID); err != nil || m.Role != nps.RoleAnalyst {
			t.Errorf("Miranda's membership of the other workspace: got %+v, %v, want analyst", m, err)
		}
		u := must(db.User(ctx, miranda.ID))(t)
		if ok, _ := auth.CheckPassword(u.PasswordHash, Build(5).Password); !ok {
			t.Errorf("Miranda's password after Install: not the demo's")
		}
		if n := count(t, raw, `SELECT count(*) FROM workspaces WHERE slug = $1`, Slug); n != 1 {
			t.Errorf("demo workspaces: got %d, want 1", n)
		}
	})
}

// must fails the test when err is set and returns v otherwise.
func must[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatalf("got error %v, want none", err)
		}
		return v
	}
}

// BenchmarkDemoInstall measures `promotor demo` without its printout: one
// install (a reinstall after the first) per iteration, on SQLite and, when
// PROMOTOR_TEST_POSTGRES_URL is set, on PostgreSQL.
func BenchmarkDemoInstall(b *testing.B) {
	plan := Build(1)
	for _, d := range storetest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			db := storetest.Open(b, d)
			for b.Loop() {
				if _, err := Install(context.Background(), db, plan); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
