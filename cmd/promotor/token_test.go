package main

import (
	"context"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestToken(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db := storetest.OpenDSN(t, dsn)
			if _, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "other", Name: "Other"}); err != nil {
				t.Fatal(err)
			}
			db.Close()

			out, errOut, code := runCLI(t, "", "token", "create", "--database", dsn, "--workspace", "acme", "--name", "CRM sync")
			secret := strings.TrimSuffix(out, "\n")
			if code != 0 || !nps.PlausibleAPISecret(secret) {
				t.Fatalf("token create: exit %d, stdout %q, stderr %q; want the secret alone on a line", code, out, errOut)
			}
			runCLI(t, "", "token", "create", "--database", dsn, "--workspace", "other", "--name", "Other sync")

			out, _, code = runCLI(t, "", "token", "list", "--database", dsn, "--workspace", "acme")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || len(lines) != 2 || !strings.Contains(lines[1], "CRM sync") ||
				!strings.Contains(lines[1], secret[:12]+"…") || !strings.Contains(lines[1], "never") || !strings.HasSuffix(lines[1], "active") {
				t.Errorf("token list: exit %d, got\n%s\nwant a header and the CRM sync token, active, never used", code, out)
			}
			if strings.Contains(out, secret) || strings.Contains(out, "Other sync") {
				t.Errorf("token list shows a secret or another workspace's token:\n%s", out)
			}
			id := strings.Fields(lines[1])[0]

			if _, errOut, code := runCLI(t, "", "token", "revoke", "--database", dsn, "--workspace", "other", id); code != 2 || !strings.Contains(errOut, "not found") {
				t.Errorf("token revoke in another workspace: exit %d, %q; want 2, not found", code, errOut)
			}
			out, _, code = runCLI(t, "", "token", "revoke", "--database", dsn, "--workspace", "acme", id)
			if code != 0 || !strings.Contains(out, "revoked token "+id+` "CRM sync"`) {
				t.Errorf("token revoke: exit %d, got %q", code, out)
			}
			out, _, _ = runCLI(t, "", "token", "list", "--database", dsn, "--workspace", "acme")
			if !strings.Contains(out, "revoked 20") {
				t.Errorf("token list after revoke: got\n%s\nwant the token revoked", out)
			}
		})
	}
}

func TestTokenUsage(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no action", []string{"token"}, "missing action"},
		{"unknown action", []string{"token", "rotate", "--workspace", "acme"}, `unknown action "rotate"`},
		{"create without name", []string{"token", "create", "--workspace", "acme"}, "--name is required"},
		{"create without workspace", []string{"token", "create", "--name", "x"}, "--workspace is required"},
		{"list with name", []string{"token", "list", "--workspace", "acme", "--name", "x"}, "create only"},
		{"list with argument", []string{"token", "list", "--workspace", "acme", "7"}, `unexpected argument "7"`},
		{"revoke without id", []string{"token", "revoke", "--workspace", "acme"}, "ID of one token"},
		{"revoke bad id", []string{"token", "revoke", "--workspace", "acme", "x1"}, `"x1" is not a token ID`},
		{"unknown flag", []string{"token", "list", "--nope"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		_, errOut, code := runCLI(t, "", append(tt.args, "--database", dsn)...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, %q; want 2 and %q", tt.name, code, errOut, tt.want)
		}
	}
	// A database that was never migrated is refused before any write.
	if _, errOut, code := runCLI(t, "", "token", "list", "--workspace", "acme", "--database", dsn); code != 1 || !strings.Contains(errOut, "out of date") {
		t.Errorf("token list on an unmigrated database: exit %d, %q; want 1, out of date", code, errOut)
	}
	out, _, code := runCLI(t, "", "token", "-h")
	if code != 0 || !strings.Contains(out, "token create --workspace SLUG --name NAME") {
		t.Errorf("token -h: exit %d, got %q", code, out)
	}
}
