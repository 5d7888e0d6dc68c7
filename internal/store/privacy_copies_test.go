package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// Tests that erasure and retention find the copies of a person's data
// that outlive the rows they were made from.

// deliverEvents completes the pending events with a delivery to the
// endpoint whose payload quotes text, as the loop does, and returns the
// deliveries' IDs.
func deliverEvents(t *testing.T, db *store.DB, endpointID int64, text string) []int64 {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for _, ev := range must(db.PendingEvents(ctx, 100))(t) {
		key := store.DeliveryKey(ev, endpointID)
		p, err := json.Marshal(map[string]any{"ID": key, "Kind": ev.Kind, "Text": text})
		if err != nil {
			t.Fatal(err)
		}
		out := store.EventOutcome{Deliveries: []nps.WebhookDelivery{{EndpointID: endpointID, Kind: ev.Kind, IdempotencyKey: key, Payload: string(p)}}}
		if err := db.CompleteEvent(ctx, ev, out); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
	}
	var ids []int64
	for _, key := range keys {
		var id int64
		if err := store.RawSQL(db).QueryRow(`SELECT id FROM webhook_deliveries WHERE idempotency_key = $1`, key).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// payloadOf returns a delivery's payload.
func payloadOf(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	var p string
	if err := store.RawSQL(db).QueryRow(`SELECT payload FROM webhook_deliveries WHERE id = $1`, id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEraseWebhookPayloadsAfterPrune: the loop prunes events a week after
// it processed them; erasing the contact later still erases the payloads
// of the deliveries about their answers, and only those.
func TestEraseWebhookPayloadsAfterPrune(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "prune")
		ctx := context.Background()
		ep := must(db.CreateWebhookEndpoint(ctx, f.ws.ID, nps.WebhookEndpoint{URL: "https://hooks.example/in",
			Events: []nps.EventKind{nps.EventResponseCreated}, Active: true}))(t)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 3, Comment: "Annageheim", Channel: nps.ChannelLink}))(t)
		annas := deliverEvents(t, db, ep.ID, "Annageheim anna@acme.example")
		bob := f.addContact(t, "bob@acme.example")
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: bob.ID, Score: 9, Comment: "Bob blijft", Channel: nps.ChannelLink}))(t)
		bobs := deliverEvents(t, db, ep.ID, "Bob blijft")
		if len(annas) != 1 || len(bobs) != 1 {
			t.Fatalf("deliveries: Anna %v, Bob %v; want one each", annas, bobs)
		}
		f.clock.add(8 * 24 * time.Hour)
		if n := must(db.PruneEvents(ctx, f.clock.now().Add(-7*24*time.Hour)))(t); n != 2 {
			t.Fatalf("PruneEvents: %d, want both events", n)
		}
		must(db.EraseContact(ctx, f.ws.ID, f.contact.ID))(t)
		if p := payloadOf(t, db, annas[0]); p != `{"erased":true}` {
			t.Errorf("Anna's payload after her erasure, the event pruned: %s", p)
		}
		if p := payloadOf(t, db, bobs[0]); !strings.Contains(p, "Bob blijft") {
			t.Errorf("Bob's payload after Anna's erasure: %s", p)
		}
	})
}

// insertDigest writes a sent digest email to the fixture's owner with
// text as its text body, and returns its ID.
func insertDigest(t *testing.T, f *fixture, text string) int64 {
	t.Helper()
	var id int64
	err := store.RawSQL(f.db).QueryRow(`INSERT INTO notifications (workspace_id, kind, subject_id, to_email, subject,
			text_body, html_body, state, sent_at, created_at) VALUES ($1, 'digest', $2, $3, 'Weekly digest', $4, $5, 'sent', $6, $6) RETURNING id`,
		f.ws.ID, f.owner.ID, f.owner.Email, text, "<p>"+text+"</p>", f.clock.now()).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// bodiesOf returns an email's text and HTML bodies.
func bodiesOf(t *testing.T, db *store.DB, id int64) (string, string) {
	t.Helper()
	var text, html string
	if err := store.RawSQL(db).QueryRow(`SELECT text_body, html_body FROM notifications WHERE id = $1`, id).Scan(&text, &html); err != nil {
		t.Fatal(err)
	}
	return text, html
}

// TestEraseDigests: a digest names the week's detractors and quotes the
// start of their comments; erasing one empties the digests that name or
// quote them and leaves the others, and the retention task empties every
// sent email's bodies after 90 days.
func TestEraseDigests(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "digests")
		ctx := context.Background()
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 2,
			Comment: "De levering\nwas  weer te laat, en de factuur klopte ook niet, dus we kijken verder", Channel: nps.ChannelLink}))(t)
		quoted := insertDigest(t, f, "New detractors: 1\n- Acme: 2 (Relationship NPS)\n  > De levering\n  > was weer te laat, en de factuur klopte ook niet, dus…\n")
		named := insertDigest(t, f, "- "+f.contact.Email+": 2 (Relationship NPS)\n")
		other := insertDigest(t, f, "- Globex: 3 (Relationship NPS)\n  > De levering van Globex\n")
		must(db.EraseContact(ctx, f.ws.ID, f.contact.ID))(t)
		for _, id := range []int64{quoted, named} {
			if text, html := bodiesOf(t, db, id); text != "" || html != "" {
				t.Errorf("digest %d after the erasure: %q, %q", id, text, html)
			}
		}
		if text, _ := bodiesOf(t, db, other); !strings.Contains(text, "Globex") {
			t.Errorf("another detractor's digest after the erasure: %q", text)
		}
		f.clock.add(89 * 24 * time.Hour)
		must(db.ApplyRetention(ctx))(t)
		if text, _ := bodiesOf(t, db, other); text == "" {
			t.Error("a digest of 89 days: emptied")
		}
		f.clock.add(2 * 24 * time.Hour)
		must(db.ApplyRetention(ctx))(t)
		if text, html := bodiesOf(t, db, other); text != "" || html != "" {
			t.Errorf("a digest of 91 days: %q, %q", text, html)
		}
	})
}

// apiAnswer stores the answer as the API writes it: one response's JSON,
// or a batch's object, indented.
func apiAnswer(batch bool) func([]nps.Response) (store.StoredAnswer, error) {
	return func(rs []nps.Response) (store.StoredAnswer, error) {
		type item struct {
			ID      int64  `json:"id"`
			Comment string `json:"comment"`
		}
		var v any = item{ID: rs[0].ID, Comment: rs[0].Comment}
		if batch {
			var list []item
			for _, r := range rs {
				list = append(list, item{ID: r.ID, Comment: r.Comment})
			}
			v = map[string]any{"responses": list}
		}
		b, err := json.MarshalIndent(v, "", "  ")
		return store.StoredAnswer{Status: 201, Body: b}, err
	}
}

// storedKeys returns the workspace's idempotency keys.
func storedKeys(t *testing.T, db *store.DB, workspaceID int64) []string {
	t.Helper()
	rows, err := store.RawSQL(db).Query(`SELECT key FROM idempotency_keys WHERE workspace_id = $1 ORDER BY key`, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

// TestEraseStoredAnswers: the API's stored answers, indented and of
// batches too, go with the comments they hold; another contact's stays;
// the retention task deletes expired keys of a workspace that stores no
// more.
func TestEraseStoredAnswers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "answers")
		ctx := context.Background()
		bob := f.addContact(t, "bob@acme.example")
		anna := nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 3, Comment: "Annageheim", Channel: nps.ChannelAPI}
		bobs := nps.Response{WaveID: f.wave.ID, ContactID: bob.ID, Score: 8, Comment: "Bob blijft", Channel: nps.ChannelAPI}
		record := func(key string, rs []nps.Response, batch bool) {
			if _, _, err := db.RecordResponsesOnce(ctx, f.ws.ID, key, key, rs, apiAnswer(batch)); err != nil {
				t.Fatal(err)
			}
		}
		record("one", []nps.Response{anna}, false)
		record("bob", []nps.Response{bobs}, false)
		other := f.addContact(t, "carla@acme.example")
		carla := nps.Response{WaveID: f.wave.ID, ContactID: other.ID, Score: 9, Comment: "Carla", Channel: nps.ChannelAPI}
		record("batch", []nps.Response{carla, anna}, true)
		must(db.EraseContact(ctx, f.ws.ID, f.contact.ID))(t)
		if got := storedKeys(t, db, f.ws.ID); len(got) != 1 || got[0] != "bob" {
			t.Errorf("stored answers after erasing Anna: %v, want Bob's alone", got)
		}
		f.clock.add(25 * time.Hour)
		must(db.ApplyRetention(ctx))(t)
		if got := storedKeys(t, db, f.ws.ID); len(got) != 0 {
			t.Errorf("stored answers a day later, after the retention task: %v", got)
		}
	})
}

// TestEraseLeavesNoBytes: after an erasure, SQLite's database file holds
// no byte of the comment, neither in free space nor in the full-text
// index.
func TestEraseLeavesNoBytes(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	db := storetest.OpenDSN(t, dsn)
	f := newFixture(t, db, "bytes")
	ctx := context.Background()
	secret := "Zyxwvutsrq" + strings.Repeat(" geheimpje", 20)
	// Other comments share the index's segments with the erased one.
	for i := range 20 {
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.addContact(t, "c"+strconv.Itoa(i)+"@acme.example").ID,
			Score: 7, Comment: "Gewoon goed " + strconv.Itoa(i), Channel: nps.ChannelLink}))(t)
	}
	must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 2, Comment: secret, Channel: nps.ChannelLink}))(t)
	must(db.EraseContact(ctx, f.ws.ID, f.contact.ID))(t)
	if _, err := store.RawSQL(db).Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"Zyxwvutsrq", "zyxwvutsrq", "geheimpje"} {
		if n := bytes.Count(file, []byte(word)); n > 0 {
			t.Errorf("the database file holds %q %d times after the erasure", word, n)
		}
	}
}

// TestEraseErrorsAndEchoes: an SMTP server's refusal quotes the address,
// a webhook receiver's answer may echo the payload; erasing the contact
// empties both, on their invitation emails, the emails to them and the
// attempts of the deliveries about their answers.
func TestEraseErrorsAndEchoes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "echoes")
		ctx := context.Background()
		raw := store.RawSQL(db)
		f.createSend(t, nps.Send{})
		if _, err := db.StartDueSends(ctx); err != nil {
			t.Fatal(err)
		}
		refusal := "550 5.1.1 <" + f.contact.Email + ">: Recipient address rejected"
		var outcomes []store.Outcome
		for _, o := range must(db.ClaimMessages(ctx, "c", time.Minute, 100))(t) {
			outcomes = append(outcomes, store.Outcome{ID: o.ID, Claim: o.Claim, Err: refusal})
		}
		if len(outcomes) == 0 {
			t.Fatal("the send queued no invitation email")
		}
		if err := db.FinishMessages(ctx, outcomes); err != nil {
			t.Fatal(err)
		}
		var mailed int64
		if err := raw.QueryRow(`INSERT INTO notifications (workspace_id, kind, subject_id, to_email, subject, text_body, html_body, state, error, created_at)
			VALUES ($1, 'update', 1, $2, 'Update', 'text', 'html', 'failed', $3, $4) RETURNING id`,
			f.ws.ID, f.contact.Email, refusal, f.clock.now()).Scan(&mailed); err != nil {
			t.Fatal(err)
		}
		ep := must(db.CreateWebhookEndpoint(ctx, f.ws.ID, nps.WebhookEndpoint{URL: "https://hooks.example/in",
			Events: []nps.EventKind{nps.EventResponseCreated}, Active: true}))(t)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 3, Comment: "Annageheim", Channel: nps.ChannelLink}))(t)
		delivery := deliverEvents(t, db, ep.ID, "Annageheim")[0]
		if err := db.RecordDeliveryAttempt(ctx, delivery, nps.WebhookAttempt{Status: 400, Error: "bad request",
			Response: `{"error":"cannot parse","got":"Annageheim"}`}, nps.DeliveryFailed); err != nil {
			t.Fatal(err)
		}
		must(db.EraseContact(ctx, f.ws.ID, f.contact.ID))(t)
		for name, q := range map[string]string{
			"invitation email errors": `SELECT COUNT(*) FROM messages WHERE error <> ''`,
			"email errors":            `SELECT COUNT(*) FROM notifications WHERE error <> ''`,
			"webhook answers":         `SELECT COUNT(*) FROM webhook_attempts WHERE response <> ''`,
		} {
			var n int
			if err := raw.QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s after the erasure: %d kept", name, n)
			}
		}
	})
}

// failRetention makes erasing a comment of the workspace fail, as a
// broken row or a lock would.
func failRetention(t *testing.T, db *store.DB, workspaceID int64) {
	t.Helper()
	ws := strconv.FormatInt(workspaceID, 10)
	stmts := []string{`CREATE TRIGGER fail_retention BEFORE UPDATE OF comment ON responses
		WHEN OLD.workspace_id = ` + ws + ` BEGIN SELECT RAISE(ABORT, 'refused'); END`}
	if db.Dialect() == store.Postgres {
		stmts = []string{`CREATE FUNCTION fail_retention() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
			`CREATE TRIGGER fail_retention BEFORE UPDATE OF comment ON responses
				FOR EACH ROW WHEN (OLD.workspace_id = ` + ws + `) EXECUTE FUNCTION fail_retention()`}
	}
	for _, q := range stmts {
		if _, err := store.RawSQL(db).Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRetentionOneRule: a workspace whose run fails does not stop the
// others'; a response's age counts from when it was first given, for its
// comment and for its contact alike, so a contact whose old answer was
// changed within the period goes with that answer's comment.
func TestRetentionOneRule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		broken := newFixture(t, db, "broken")
		f := newFixture(t, db, "kept")
		ctx := context.Background()
		open := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "always", OpensAt: f.clock.now()}))(t)
		for _, x := range []*fixture{broken, f} {
			wave := x.wave.ID
			if x == f {
				wave = open.ID
			}
			must(db.RecordResponse(ctx, x.ws.ID, nps.Response{WaveID: wave, ContactID: x.contact.ID, Score: 4, Comment: "oud", Channel: nps.ChannelLink}))(t)
			if err := db.SetRetentionMonths(ctx, x.ws.ID, 6); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.add(300 * 24 * time.Hour)
		// Anna changes her answer of 300 days ago: within the period.
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: open.ID, ContactID: f.contact.ID, Score: 5, Comment: "nog steeds oud", Channel: nps.ChannelLink}))(t)
		failRetention(t, db, broken.ws.ID)
		runs, err := db.ApplyRetention(ctx)
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("retention with a broken workspace: got %v, want its error", err)
		}
		if len(runs) != 1 || runs[0].WorkspaceID != f.ws.ID || runs[0].Contacts != 1 || runs[0].Comments != 1 {
			t.Fatalf("retention runs: got %+v, want the other workspace's, Anna and her comment", runs)
		}
		if c := must(db.Contact(ctx, f.ws.ID, f.contact.ID))(t); c.Email != "" {
			t.Errorf("Anna, whose answer was first given before the period: %q kept", c.Email)
		}
	})
}
