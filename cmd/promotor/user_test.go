package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestUser(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			if _, _, code := runCLI(t, "", "migrate", "--database", dsn); code != 0 {
				t.Fatalf("migrate: exit %d", code)
			}
			db := func() *store.DB {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				return db
			}()
			checkPassword := func(email, password string, want bool) {
				t.Helper()
				u, err := db.UserByEmail(ctx, email)
				if err != nil {
					t.Fatalf("UserByEmail(%s): %v", email, err)
				}
				if ok, err := auth.CheckPassword(u.PasswordHash, password); ok != want || err != nil {
					t.Errorf("password %q of %s: got %v, %v; want %v", password, email, ok, err, want)
				}
			}

			// A new user in a new workspace, with the password from stdin.
			out, errOut, code := runCLI(t, "correct horse battery staple\n", "user", "create", "--database", dsn,
				"--email", "Miranda@Example.com", "--name", "Miranda", "--workspace", "acme", "--workspace-name", "Acme BV", "--role", "owner")
			if code != 0 || !strings.Contains(out, "created workspace acme (Acme BV)") ||
				!strings.Contains(out, "created user miranda@example.com (Miranda)") ||
				!strings.Contains(out, "added miranda@example.com to acme as owner") || strings.Contains(out, "password") {
				t.Fatalf("user create: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			checkPassword("miranda@example.com", "correct horse battery staple", true)
			ws, err := db.WorkspaceBySlug(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			u, _ := db.UserByEmail(ctx, "miranda@example.com")
			if m, err := db.Membership(ctx, ws.ID, u.ID); err != nil || m.Role != nps.RoleOwner {
				t.Errorf("membership: got %+v, %v; want owner", m, err)
			}

			// An existing user joins a second workspace; the password stays.
			out, errOut, code = runCLI(t, "another password entirely\n", "user", "create", "--database", dsn,
				"--email", "miranda@example.com", "--workspace", "globex", "--workspace-name", "Globex", "--role", "viewer")
			if code != 0 || !strings.Contains(out, "password is unchanged") || !strings.Contains(out, "added miranda@example.com to globex as viewer") {
				t.Fatalf("user create of an existing user: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			checkPassword("miranda@example.com", "correct horse battery staple", true)
			if ms, _ := db.Memberships(ctx, u.ID); len(ms) != 2 {
				t.Errorf("memberships after joining globex: got %d, want 2", len(ms))
			}

			// Empty stdin: a generated password, printed once.
			out, errOut, code = runCLI(t, "", "user", "create", "--database", dsn,
				"--email", "ann@example.com", "--name", "Ann", "--workspace", "acme", "--role", "member")
			generated := regexp.MustCompile(`(?m)^password \(shown once\): (\S+)$`).FindStringSubmatch(out)
			if code != 0 || generated == nil {
				t.Fatalf("user create without a password: exit %d, stdout %q, stderr %q; want a generated password", code, out, errOut)
			}
			checkPassword("ann@example.com", generated[1], true)

			// A reset signs the user out everywhere.
			ann, _ := db.UserByEmail(ctx, "ann@example.com")
			secret, _, err := db.CreateSession(ctx, ann.ID, "password")
			if err != nil {
				t.Fatal(err)
			}
			out, errOut, code = runCLI(t, "a brand new password\r\n", "user", "password", "--database", dsn, "--email", "ANN@example.com")
			if code != 0 || !strings.Contains(out, "signed them out everywhere") || strings.Contains(out, "shown once") {
				t.Fatalf("user password: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			checkPassword("ann@example.com", "a brand new password", true)
			checkPassword("ann@example.com", generated[1], false)
			if _, err := db.SessionUser(ctx, secret); err == nil {
				t.Error("user password left a session alive")
			}
			out, _, code = runCLI(t, "", "user", "password", "--database", dsn, "--email", "ann@example.com")
			if code != 0 || !strings.Contains(out, "password (shown once): ") {
				t.Errorf("user password without stdin: exit %d, stdout %q; want a generated password", code, out)
			}

			// Refusals change nothing.
			for _, tc := range []struct {
				name, stdin string
				args        []string
				want        string
			}{
				{"new workspace without a name", "", []string{"create", "--email", "x@example.com", "--name", "X", "--workspace", "new", "--role", "owner"}, "--workspace-name"},
				{"other workspace name", "", []string{"create", "--email", "x@example.com", "--name", "X", "--workspace", "acme", "--workspace-name", "Other", "--role", "owner"}, `named "Acme BV"`},
				{"new user without a name", "", []string{"create", "--email", "x@example.com", "--workspace", "acme", "--role", "owner"}, "--name is required"},
				{"short password", "short\n", []string{"create", "--email", "x@example.com", "--name", "X", "--workspace", "acme", "--role", "owner"}, "at least 12"},
				{"empty first line", "\nsecond line password\n", []string{"create", "--email", "x@example.com", "--name", "X", "--workspace", "acme", "--role", "owner"}, "at least 12"},
				{"bad email", "", []string{"create", "--email", "not-an-email", "--name", "X", "--workspace", "acme", "--role", "owner"}, "email"},
				{"member already", "", []string{"create", "--email", "ann@example.com", "--workspace", "acme", "--role", "owner"}, "already, as member"},
				{"unknown user", "", []string{"password", "--email", "nobody@example.com"}, "not found"},
				{"bad slug", "", []string{"create", "--email", "x@example.com", "--name", "X", "--workspace", "Bad Slug", "--workspace-name", "B", "--role", "owner"}, "slug"},
			} {
				_, errOut, code := runCLI(t, tc.stdin, append([]string{"user"}, append(tc.args, "--database", dsn)...)...)
				if code != 2 || !strings.Contains(errOut, tc.want) {
					t.Errorf("%s: exit %d, %q; want 2 and %q", tc.name, code, errOut, tc.want)
				}
			}
			if _, err := db.UserByEmail(ctx, "x@example.com"); err == nil {
				t.Error("a refused user create stored the user")
			}
			if _, err := db.WorkspaceBySlug(ctx, "new"); err == nil {
				t.Error("a refused user create stored the workspace")
			}
		})
	}
}

func TestUserUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no action", []string{"user"}, "missing action"},
		{"unknown action", []string{"user", "delete", "--email", "a@example.com"}, `unknown action "delete"`},
		{"no email", []string{"user", "create", "--workspace", "acme", "--role", "owner"}, "--email is required"},
		{"no workspace", []string{"user", "create", "--email", "a@example.com", "--role", "owner"}, "--workspace is required"},
		{"no role", []string{"user", "create", "--email", "a@example.com", "--workspace", "acme"}, "--role is required"},
		{"bad role", []string{"user", "create", "--email", "a@example.com", "--workspace", "acme", "--role", "admin"}, `"admin" is not a role`},
		{"password with role", []string{"user", "password", "--email", "a@example.com", "--role", "owner"}, "only --email"},
		{"extra argument", []string{"user", "password", "--email", "a@example.com", "extra"}, `unexpected argument "extra"`},
	} {
		_, errOut, code := runCLI(t, "", tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, %q; want 2 and %q", tc.name, code, errOut, tc.want)
		}
	}
	if out, _, code := runCLI(t, "", "user", "-h"); code != 0 || !strings.Contains(out, "user create|password") {
		t.Errorf("user -h: exit %d, %q", code, out)
	}
}
