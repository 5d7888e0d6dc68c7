package store_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestWebhookEndpoints(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "hooks")
		e := must(db.CreateWebhookEndpoint(ctx, f.ws.ID, nps.WebhookEndpoint{URL: " https://hooks.slack.example/T1 ", Format: "Slack",
			Events: []nps.EventKind{nps.EventFollowUpOverdue, nps.EventAlertCreated}, Description: "Sales channel", Active: true}))(t)
		if e.ID == 0 || e.URL != "https://hooks.slack.example/T1" || e.Format != "slack" || !e.Active ||
			!reflect.DeepEqual(e.Events, []nps.EventKind{nps.EventAlertCreated, nps.EventFollowUpOverdue}) || !strings.HasPrefix(e.Secret, "whsec_") {
			t.Errorf("CreateWebhookEndpoint = %+v", e)
		}
		if got := must(db.WebhookEndpoint(ctx, f.ws.ID, e.ID))(t); !reflect.DeepEqual(got, e) {
			t.Errorf("WebhookEndpoint = %+v, want %+v", got, e)
		}
		for name, bad := range map[string]nps.WebhookEndpoint{
			"no URL":        {Events: []nps.EventKind{nps.EventAlertCreated}},
			"ftp":           {URL: "ftp://x.example", Events: []nps.EventKind{nps.EventAlertCreated}},
			"password":      {URL: "https://u:p@x.example", Events: []nps.EventKind{nps.EventAlertCreated}},
			"format":        {URL: "https://x.example", Format: "xml", Events: []nps.EventKind{nps.EventAlertCreated}},
			"no events":     {URL: "https://x.example"},
			"unknown event": {URL: "https://x.example", Events: []nps.EventKind{"survey.deleted"}},
		} {
			var ve *nps.ValidationError
			if _, err := db.CreateWebhookEndpoint(ctx, f.ws.ID, bad); !errors.As(err, &ve) {
				t.Errorf("CreateWebhookEndpoint(%s): got %v, want a validation error", name, err)
			}
			if _, err := db.UpdateWebhookEndpoint(ctx, f.ws.ID, e.ID, bad); !errors.As(err, &ve) {
				t.Errorf("UpdateWebhookEndpoint(%s): got %v, want a validation error", name, err)
			}
		}
		if l := must(db.WebhookEndpoints(ctx, f.ws.ID))(t); len(l) != 1 {
			t.Errorf("endpoints after invalid ones: got %d, want 1", len(l))
		}
		f.clock.add(time.Minute)
		up := must(db.UpdateWebhookEndpoint(ctx, f.ws.ID, e.ID, nps.WebhookEndpoint{URL: "https://teams.example/x", Format: "teams",
			Events: []nps.EventKind{nps.EventResponseCreated}, Description: "Teams"}))(t)
		if up.URL != "https://teams.example/x" || up.Format != "teams" || up.Active || up.Secret != e.Secret || up.Description != "Teams" ||
			!up.UpdatedAt.After(e.UpdatedAt) {
			t.Errorf("UpdateWebhookEndpoint = %+v", up)
		}
		rot := must(db.RotateWebhookSecret(ctx, f.ws.ID, e.ID))(t)
		if rot.Secret == e.Secret || !strings.HasPrefix(rot.Secret, "whsec_") {
			t.Errorf("RotateWebhookSecret: got secret %q, want a new one", rot.Secret)
		}
		for name, err := range map[string]error{
			"update": func() error { _, err := db.UpdateWebhookEndpoint(ctx, f.ws.ID, 999999, up); return err }(),
			"rotate": func() error { _, err := db.RotateWebhookSecret(ctx, f.ws.ID, 999999); return err }(),
			"delete": func() error { _, err := db.DeleteWebhookEndpoint(ctx, f.ws.ID, 999999); return err }(),
			"get":    func() error { _, err := db.WebhookEndpoint(ctx, f.ws.ID, 999999); return err }(),
		} {
			if !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("%s of no endpoint: got %v, want not found", name, err)
			}
		}

		// The delivery log, newest first, and a replay.
		var ids []int64
		for i, key := range []string{"k1", "k2", "k3"} {
			ids = append(ids, insertDelivery(t, f, e.ID, key, i+1))
			f.clock.add(time.Second)
		}
		l := must(db.WebhookDeliveries(ctx, f.ws.ID, e.ID, 2, 0))(t)
		if len(l) != 2 || l[0].ID != ids[2] || l[1].ID != ids[1] || l[0].State != nps.DeliveryFailed || l[0].Attempts != 3 ||
			l[0].LastStatus != 500 || l[0].LastError != "server error" {
			t.Errorf("WebhookDeliveries: got %+v", l)
		}
		if l := must(db.WebhookDeliveries(ctx, f.ws.ID, e.ID, 2, ids[1]))(t); len(l) != 1 || l[0].ID != ids[0] {
			t.Errorf("WebhookDeliveries' next page: got %+v, want the first delivery", l)
		}
		att := must(db.WebhookAttempts(ctx, f.ws.ID, ids[1]))(t)
		if len(att) != 2 || att[0].Status != 500 || att[0].Duration != 120*time.Millisecond || att[0].Response != "oops" || att[0].Replay {
			t.Errorf("WebhookAttempts: got %+v", att)
		}
		d := must(db.ReplayWebhookDelivery(ctx, f.ws.ID, ids[0]))(t)
		if d.State != nps.DeliveryPending || d.IdempotencyKey != "k1" || d.Payload != `{"type":"alert.created"}` {
			t.Errorf("ReplayWebhookDelivery = %+v", d)
		}
		var replay bool
		if err := store.RawSQL(db).QueryRow(`SELECT replay FROM webhook_deliveries WHERE id = $1`, ids[0]).Scan(&replay); err != nil || !replay {
			t.Errorf("replayed delivery: replay %v, %v; want set", replay, err)
		}
		if got := must(db.WebhookDelivery(ctx, f.ws.ID, ids[0]))(t); got.State != nps.DeliveryPending {
			t.Errorf("WebhookDelivery after replay: got %+v", got)
		}
		if _, err := db.ReplayWebhookDelivery(ctx, f.ws.ID, 999999); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("ReplayWebhookDelivery of none: got %v, want not found", err)
		}

		// An endpoint with deliveries is deactivated, one without deleted.
		if ok := must(db.DeleteWebhookEndpoint(ctx, f.ws.ID, e.ID))(t); ok {
			t.Errorf("DeleteWebhookEndpoint with deliveries: got deleted, want kept")
		}
		if got := must(db.WebhookEndpoint(ctx, f.ws.ID, e.ID))(t); got.Active {
			t.Errorf("endpoint with deliveries after delete: got active")
		}
		fresh := must(db.CreateWebhookEndpoint(ctx, f.ws.ID, nps.WebhookEndpoint{URL: "https://x.example", Events: []nps.EventKind{nps.EventPlanChanged}}))(t)
		if fresh.Format != "promotor" {
			t.Errorf("default format: got %q, want promotor", fresh.Format)
		}
		if ok := must(db.DeleteWebhookEndpoint(ctx, f.ws.ID, fresh.ID))(t); !ok {
			t.Errorf("DeleteWebhookEndpoint without deliveries: got kept, want deleted")
		}
		if _, err := db.WebhookEndpoint(ctx, f.ws.ID, fresh.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("deleted endpoint: got %v, want not found", err)
		}
	})
}

// TestWebhookAuditKeepsNoSecret: Slack and Teams keep the secret in the
// URL's path, others in the query or the user info; the audit log names
// an endpoint by scheme, host and first path segment only, on every
// action.
func TestWebhookAuditKeepsNoSecret(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "hooksecret")
		events := []nps.EventKind{nps.EventAlertCreated}
		e := must(db.CreateWebhookEndpoint(ctx, f.ws.ID, nps.WebhookEndpoint{URL: "https://hooks.slack.example/services/T0/B0/S3cretSlack",
			Format: "slack", Events: events}))(t)
		must(db.UpdateWebhookEndpoint(ctx, f.ws.ID, e.ID, nps.WebhookEndpoint{URL: "https://tenant.webhook.teams.example/webhookb2/S3cretTeams@x/IncomingWebhook/S3cretToo",
			Format: "teams", Events: events}))(t)
		must(db.UpdateWebhookEndpoint(ctx, f.ws.ID, e.ID, nps.WebhookEndpoint{URL: "https://hooks.example/in?token=S3cretQuery#S3cretFragment",
			Events: events}))(t)
		must(db.RotateWebhookSecret(ctx, f.ws.ID, e.ID))(t)
		if _, err := db.DeleteWebhookEndpoint(ctx, f.ws.ID, e.ID); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(e.ID, 10)
		want := map[nps.AuditAction][]string{
			nps.AuditWebhookCreate: {"webhook " + id + " https://hooks.slack.example/services"},
			nps.AuditWebhookUpdate: {"webhook " + id + " https://hooks.example/in", "webhook " + id + " https://tenant.webhook.teams.example/webhookb2"},
			nps.AuditWebhookRotate: {"webhook " + id + " https://hooks.example/in"},
			nps.AuditWebhookDelete: {"webhook " + id + " https://hooks.example/in"},
		}
		for action, subjects := range want {
			var got []string
			for _, entry := range must(db.AuditLog(ctx, f.ws.ID, store.AuditFilter{Action: action}))(t).Entries {
				got = append(got, entry.Subject)
				if strings.Contains(entry.Subject+entry.Detail, "S3cret") {
					t.Errorf("%s entry keeps a secret: %+v", action, entry)
				}
			}
			if !reflect.DeepEqual(got, subjects) {
				t.Errorf("%s subjects: got %q, want %q", action, got, subjects)
			}
		}
	})
}
