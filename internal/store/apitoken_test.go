package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "tokens")
		other := newFixture(t, db, "other")
		f.clock = setClock(db) // the second fixture replaced the clock

		tok, secret := createAPIToken(t, db, f.ws.ID, "CRM sync", f.owner.ID)
		if !nps.PlausibleAPISecret(secret) || !strings.HasPrefix(secret, tok.Prefix) || len(tok.Prefix) != 12 {
			t.Errorf("CreateAPIToken: secret %q with prefix %q, want a pmt_ secret starting with a 12-character prefix", secret, tok.Prefix)
		}
		want := nps.APIToken{ID: tok.ID, WorkspaceID: f.ws.ID, Name: "CRM sync", Prefix: tok.Prefix, CreatedBy: f.owner.ID, CreatedAt: t0}
		if tok != want {
			t.Errorf("CreateAPIToken: got %+v, want %+v", tok, want)
		}
		var hashed, plain int
		if err := store.RawSQL(db).QueryRowContext(ctx, `
			SELECT COUNT(CASE WHEN secret_hash = $1 THEN 1 END), COUNT(CASE WHEN secret_hash = $2 OR prefix = $2 THEN 1 END)
			FROM api_tokens`, nps.HashAPISecret(secret), secret).Scan(&hashed, &plain); err != nil || hashed != 1 || plain != 0 {
			t.Errorf("stored rows: %d with the secret's hash, %d with the secret (err %v), want 1 and 0", hashed, plain, err)
		}

		// The first use records the time; later uses within a minute do not
		// write, a use a minute on does.
		got := must(db.APITokenBySecret(ctx, secret))(t)
		want.LastUsedAt = t0
		if got != want {
			t.Errorf("APITokenBySecret: got %+v, want %+v", got, want)
		}
		f.clock.add(59 * time.Second)
		if got := must(db.APITokenBySecret(ctx, secret))(t); !got.LastUsedAt.Equal(t0) {
			t.Errorf("APITokenBySecret 59 s later: last used %v, want %v (at most one write a minute)", got.LastUsedAt, t0)
		}
		f.clock.add(time.Second)
		if got := must(db.APITokenBySecret(ctx, secret))(t); !got.LastUsedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("APITokenBySecret a minute later: last used %v, want %v", got.LastUsedAt, t0.Add(time.Minute))
		}

		cli, cliSecret := createAPIToken(t, db, f.ws.ID, "Nightly import", 0)
		if cli.CreatedBy != 0 || cliSecret == secret {
			t.Errorf("CreateAPIToken by the CLI: got %+v, secret reused %v", cli, cliSecret == secret)
		}
		otherTok, otherSecret := createAPIToken(t, db, other.ws.ID, "Other", 0)
		if got := must(db.APITokenBySecret(ctx, otherSecret))(t); got.WorkspaceID != other.ws.ID {
			t.Errorf("APITokenBySecret of the other workspace: got workspace %d, want %d", got.WorkspaceID, other.ws.ID)
		}
		if got := must(db.APITokens(ctx, f.ws.ID))(t); len(got) != 2 || got[0].ID != tok.ID || got[1].ID != cli.ID {
			t.Errorf("APITokens: got %+v, want the two tokens of the workspace", got)
		}

		// Revoking works once per token and only in its workspace.
		if _, err := db.RevokeAPIToken(ctx, f.ws.ID, otherTok.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("RevokeAPIToken of another workspace's token: got %v, want ErrNotFound", err)
		}
		revoked := must(db.RevokeAPIToken(ctx, f.ws.ID, tok.ID))(t)
		f.clock.add(time.Hour)
		again := must(db.RevokeAPIToken(ctx, f.ws.ID, tok.ID))(t)
		if !revoked.Revoked() || !again.RevokedAt.Equal(revoked.RevokedAt) {
			t.Errorf("RevokeAPIToken twice: got %v then %v, want the first time kept", revoked.RevokedAt, again.RevokedAt)
		}
		if got := must(db.APITokens(ctx, f.ws.ID))(t); !got[0].Revoked() || got[1].Revoked() {
			t.Errorf("APITokens after revoking the first: got %+v", got)
		}

		for name, s := range map[string]string{
			"revoked":   secret,
			"unknown":   "pmt_" + strings.Repeat("A", 43),
			"malformed": "pmt_short",
			"empty":     "",
			"other":     strings.Replace(secret, "pmt_", "xyz_", 1),
		} {
			if _, err := db.APITokenBySecret(ctx, s); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("APITokenBySecret(%s %q): got %v, want ErrNotFound", name, s, err)
			}
		}
		if got := must(db.APITokenBySecret(ctx, otherSecret))(t); got.ID != otherTok.ID {
			t.Errorf("APITokenBySecret after revoking another token: got %+v", got)
		}

		var ve *nps.ValidationError
		if _, _, err := db.CreateAPIToken(ctx, f.ws.ID, " ", 0); !errors.As(err, &ve) || ve.Field != "name" {
			t.Errorf("CreateAPIToken without a name: got %v, want a name error", err)
		}
		if _, _, err := db.CreateAPIToken(ctx, f.ws.ID, "x", other.owner.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CreateAPIToken by a non-member: got %v, want ErrNotFound", err)
		}
		if _, _, err := db.CreateAPIToken(ctx, other.ws.ID+100, "x", 0); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CreateAPIToken in a missing workspace: got %v, want ErrNotFound", err)
		}
	})
}

// createAPIToken creates an API token and returns it with its secret.
func createAPIToken(t *testing.T, db *store.DB, workspaceID int64, name string, by int64) (nps.APIToken, string) {
	t.Helper()
	tok, secret, err := db.CreateAPIToken(context.Background(), workspaceID, name, by)
	if err != nil {
		t.Fatalf("CreateAPIToken(%q): %v", name, err)
	}
	return tok, secret
}
