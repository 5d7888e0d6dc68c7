package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
	"github.com/promotor/promotor/internal/web"
)

// TestContact: promotor contact export writes the contact's JSON, the
// bytes of the privacy page's download but for the time of the export,
// and contact erase, with --yes only, erases them through the store code
// of the privacy page; both, and a password reset, are in the audit log
// as the CLI's.
func TestContact(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db := storetest.OpenDSN(t, dsn)
			ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"})
			if err != nil {
				t.Fatal(err)
			}
			sv, err := db.CreateSurvey(ctx, ws.ID, nps.Survey{Name: "NPS", DefaultLanguage: "en",
				Texts: map[string]nps.SurveyText{"en": {Question: "How likely?", FollowUp: nps.FollowUp{Promoter: "Why?", Passive: "Why?", Detractor: "Why?"}}}})
			if err != nil {
				t.Fatal(err)
			}
			wave, err := db.CreateWave(ctx, ws.ID, nps.Wave{SurveyID: sv.ID, Name: "2026", OpensAt: db.Now().Add(-1)})
			if err != nil {
				t.Fatal(err)
			}
			c, err := db.CreateContact(ctx, ws.ID, nps.Contact{Email: "anna@example.com", Name: "Anna"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.RecordResponse(ctx, ws.ID, nps.Response{WaveID: wave.ID, ContactID: c.ID, Score: 8, Comment: "Prima", Channel: nps.ChannelLink}); err != nil {
				t.Fatal(err)
			}
			u, err := db.CreateUser(ctx, nps.User{Email: "owner@example.com", Name: "Owner"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddMember(ctx, ws.ID, u.ID, nps.RoleOwner); err != nil {
				t.Fatal(err)
			}
			db.Close()

			out, errOut, code := runCLI(t, "", "contact", "export", "--database", dsn, "--workspace", "acme", "--email", "ANNA@example.com")
			var x store.ContactExport
			if code != 0 || json.Unmarshal([]byte(out), &x) != nil || x.Contact.Name != "Anna" || len(x.Responses) != 1 || x.Responses[0].Comment != "Prima" {
				t.Fatalf("contact export: exit %d, %q, stdout\n%s", code, errOut, out)
			}
			if download := downloadContact(t, dsn, u.ID, c.ID); withoutExportTime(download) != withoutExportTime(out) {
				t.Errorf("contact export and the download differ:\n%s\n%s", out, download)
			}
			file := filepath.Join(t.TempDir(), "anna.json")
			if _, errOut, code := runCLI(t, "", "contact", "export", "--database", dsn, "--workspace", "acme", "--id", strconv.FormatInt(c.ID, 10), "-o", file); code != 0 {
				t.Fatalf("contact export -o: exit %d, %q", code, errOut)
			}
			if b, err := os.ReadFile(file); err != nil || withoutExportTime(string(b)) != withoutExportTime(out) {
				t.Errorf("contact export -o wrote %q, %v; want the export of standard output", b, err)
			}
			if _, errOut, code := runCLI(t, "", "contact", "erase", "--database", dsn, "--workspace", "acme", "--email", "anna@example.com"); code != 2 || !strings.Contains(errOut, "--yes") {
				t.Errorf("contact erase without --yes: exit %d, %q", code, errOut)
			}
			if _, errOut, code := runCLI(t, "", "contact", "erase", "--database", dsn, "--workspace", "acme", "--id", "999", "--yes"); code != 2 || !strings.Contains(errOut, "not found") {
				t.Errorf("contact erase of an unknown ID: exit %d, %q", code, errOut)
			}
			out, errOut, code = runCLI(t, "", "contact", "erase", "--database", dsn, "--workspace", "acme", "--id", strconv.FormatInt(c.ID, 10), "--yes")
			if code != 0 || !strings.Contains(out, "1 contacts, 1 comments") {
				t.Errorf("contact erase: exit %d, %q, %q", code, out, errOut)
			}
			if _, errOut, code := runCLI(t, "", "user", "password", "--database", dsn, "--email", "owner@example.com"); code != 0 {
				t.Fatalf("user password: exit %d, %q", code, errOut)
			}

			db = storetest.OpenDSN(t, dsn)
			defer db.Close()
			if got, err := db.Contact(ctx, ws.ID, c.ID); err != nil || got.Email != "" || got.Name != "" {
				t.Errorf("contact after erase: %+v, %v", got, err)
			}
			page, err := db.AuditLog(ctx, ws.ID, store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []nps.AuditAction
			for _, e := range page.Entries {
				if e.Actor.Kind == nps.ActorCLI {
					got = append(got, e.Action)
				}
			}
			want := []nps.AuditAction{nps.AuditPasswordReset, nps.AuditContactErase, nps.AuditContactExport, nps.AuditContactExport}
			if !slices.Equal(got, want) {
				t.Errorf("the CLI's audit entries: got %v, want %v", got, want)
			}
		})
	}
}

// downloadContact fetches the privacy page's download of a contact of
// workspace acme as the user.
func downloadContact(t *testing.T, dsn string, userID, contactID int64) string {
	t.Helper()
	db := storetest.OpenDSN(t, dsn)
	defer db.Close()
	secret, _, err := db.CreateSession(context.Background(), userID, "password")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(db, nil, web.Options{BaseURL: "http://example.com"})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/w/acme/contacts/%d/export", contactID), nil)
	req.AddCookie(&http.Cookie{Name: "promotor_session", Value: secret})
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("download: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// withoutExportTime blanks the one line of an export that differs from
// one export to the next.
func withoutExportTime(export string) string {
	return regexp.MustCompile(`"exported_at": "[^"]*"`).ReplaceAllString(export, `"exported_at": ""`)
}
