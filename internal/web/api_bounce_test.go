package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// bounceOf reads a sample bounce of the mail package with its invitation
// header naming token.
func bounceOf(t *testing.T, sample, placeholder, token string) string {
	t.Helper()
	b, err := os.ReadFile("../mail/testdata/bounce/" + sample)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), placeholder, token)
}

func TestAPIBounce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAPIFixture(t, db)
		inv, err := db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID)
		if err != nil {
			t.Fatal(err)
		}
		send := func(token, body string) (int, string) {
			req := httptest.NewRequest("POST", "/api/v1/bounces", strings.NewReader(body))
			req.Header.Set("Content-Type", "message/rfc822")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		delayed := bounceOf(t, "postfix-delayed.eml", "tok-delayed", inv.Token)
		failed := bounceOf(t, "postfix-user-unknown.eml", "tok-postfix", inv.Token)

		if code, body := send(f.other, failed); code != http.StatusNotFound {
			t.Errorf("another workspace's token: got %d %s, want 404", code, body)
		}
		if code, body := send(f.token, "Subject: hello\r\n\r\nNot a report."); code != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "not a delivery status notification") {
			t.Errorf("not a report: got %d %s, want 422", code, body)
		}
		if code, body := send(f.token, bounceOf(t, "postfix-user-unknown.eml", "tok-postfix", strings.Repeat("x", 32))); code != http.StatusNotFound {
			t.Errorf("unknown invitation: got %d %s, want 404", code, body)
		}
		if code, body := send(f.token, delayed); code != http.StatusOK || !strings.Contains(body, `"recorded": false`) {
			t.Errorf("delayed: got %d %s, want 200, not recorded", code, body)
		}
		if got, _ := db.Invitation(ctx, f.ws.ID, inv.ID); got.Status != nps.InvitationQueued {
			t.Fatalf("after a delay notice the invitation is %s, want queued", got.Status)
		}
		if code, body := send(f.token, failed); code != http.StatusOK || !strings.Contains(body, `"invitation_status": "bounced"`) ||
			!strings.Contains(body, `"dsn_status": "5.1.1"`) {
			t.Errorf("permanent failure: got %d %s, want 200, bounced", code, body)
		}
		if got, _ := db.Invitation(ctx, f.ws.ID, inv.ID); got.Status != nps.InvitationBounced || got.BouncedAt.IsZero() {
			t.Fatalf("after the bounce the invitation is %+v, want bounced", got)
		}
		if code, _ := send("", failed); code != http.StatusUnauthorized {
			t.Errorf("without a token: got %d, want 401", code)
		}
	})
}
