package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestContactTablesHandled reads the schema for every table with a
// column that holds a person (contact_id, referrer_contact_id, an email)
// and fails when the export and erasure of a contact (contactTables)
// do not say how they handle it.
func TestContactTablesHandled(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var schema []string
		for _, c := range storetest.Columns(t, db) {
			if strings.HasSuffix(c.Name, "contact_id") || strings.Contains(c.Name, "email") {
				schema = append(schema, c.Table)
			}
		}
		schema = slices.Compact(schema)
		for _, name := range schema {
			if store.ContactTables[name] == "" {
				t.Errorf("table %s holds a contact or an email, but contactTables (privacy_erase.go) does not say how export and erase handle it", name)
			}
		}
		for name := range store.ContactTables {
			if !slices.Contains(schema, name) {
				t.Errorf("contactTables names %s, which has no contact or email column", name)
			}
		}
	})
}

// figures are the NPS figures a workspace shows: the dashboard's, the
// account's, the wave's, the trend's months and the rollups.
type figures struct {
	All, Wave, Account, Month nps.Histogram
	Cells                     map[cell]nps.Histogram
}

func figuresOf(t *testing.T, db *store.DB, f *fixture) figures {
	t.Helper()
	ctx := context.Background()
	m := nps.MonthOf(t0)
	return figures{
		All:     must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{}))(t),
		Wave:    must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{WaveID: f.wave.ID}))(t),
		Account: must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{AccountID: f.account.ID}))(t),
		Month:   must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{FromMonth: m, ToMonth: m}))(t),
		Cells:   rollupFromResponses(t, db, f.ws.ID),
	}
}

// TestEraseContact: erasing a contact takes away who they are, their
// comments (search included), notes about them, quotes and their links,
// in one transaction with its audit entry, and keeps every score, so
// that every NPS figure stays the same; the export before says it all.
func TestEraseContact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		ctx := store.WithActor(context.Background(), nps.Actor{Kind: nps.ActorUser, UserID: f.owner.ID, Name: f.owner.Email, IP: "192.0.2.9"})
		anna := f.contact
		inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, anna.ID))(t)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 6, Comment: "Trage levering", Channel: nps.ChannelEmail}))(t)
		f.clock.add(time.Hour)
		resp := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 9, Comment: "Annaspecifiek compliment", Channel: nps.ChannelLink}))(t)
		other := f.addContact(t, "bob@acme.example")
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: other.ID, Score: 2, Comment: "Bob blijft", Channel: nps.ChannelLink}))(t)
		if err := db.AddTag(ctx, f.ws.ID, resp.ID, "vip", f.owner.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.ChooseVerbatim(ctx, f.ws.ID, resp.ID); err != nil {
			t.Fatal(err)
		}
		must(db.RecordPromoterAction(ctx, f.ws.ID, nps.PromoterAction{ContactID: anna.ID, AccountID: f.account.ID, ResponseID: resp.ID,
			Kind: nps.PromoterReward, Note: "Anna kreeg een taart"}, 0))(t)
		before := figuresOf(t, db, f)

		x := must(db.ExportContact(ctx, f.ws.ID, anna.ID))(t)
		if x.Schema != store.ContactExportSchema || x.Contact.Email != "anna@acme.example" || x.Account == nil || x.Account.Name != "Acme" ||
			len(x.Invitations) != 1 || len(x.Responses) != 1 || x.Responses[0].Comment != "Annaspecifiek compliment" ||
			len(x.Responses[0].Revisions) != 1 || !slices.Equal(x.Responses[0].Tags, []string{"vip"}) ||
			len(x.PromoterActions) != 1 || len(x.ReportQuotes) != 1 {
			t.Fatalf("export: got %+v", x)
		}

		e := must(db.EraseContact(ctx, f.ws.ID, anna.ID))(t)
		if e.Contacts != 1 || e.Comments != 1 {
			t.Errorf("erasure: got %+v, want 1 contact, 1 comment", e)
		}
		if after := figuresOf(t, db, f); !equalFigures(before, after) {
			t.Errorf("figures after erasing: got %+v, want %+v", after, before)
		}
		y := must(db.ExportContact(ctx, f.ws.ID, anna.ID))(t)
		if c := y.Contact; c.Email != "" || c.Name != "" || c.ExternalID != "" || c.Language != "" || c.ErasedAt == nil {
			t.Errorf("contact after erasing: %+v", c)
		}
		if r := y.Responses[0]; r.Comment != "" || r.Revisions[0].Comment != "" || r.Score != 9 {
			t.Errorf("response after erasing: %+v, want score 9 without comments", r)
		}
		if y.PromoterActions[0].Note != "" || len(y.ReportQuotes) != 0 {
			t.Errorf("notes and quotes after erasing: %+v, %+v", y.PromoterActions, y.ReportQuotes)
		}
		if _, err := db.InvitationByToken(ctx, inv.Token); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("the old invitation link after erasing: got %v, want not found", err)
		}
		for _, word := range []string{"Annaspecifiek", "levering"} {
			page := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{Search: word}))(t)
			if len(page.Responses) != 0 {
				t.Errorf("search %q after erasing: %d responses", word, len(page.Responses))
			}
		}
		if page := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{Search: "Bob"}))(t); len(page.Responses) != 1 {
			t.Errorf("Bob's comment after erasing Anna: %d responses, want 1", len(page.Responses))
		}
		log := must(db.AuditLog(ctx, f.ws.ID, store.AuditFilter{Action: nps.AuditContactErase}))(t)
		if len(log.Entries) != 1 || log.Entries[0].Subject != "contact "+strconv.FormatInt(anna.ID, 10) || log.Entries[0].Actor.IP != "192.0.2.9" {
			t.Errorf("audit of the erasure: %+v", log.Entries)
		}
		if again := must(db.EraseContact(ctx, f.ws.ID, anna.ID))(t); again.Contacts != 0 || again.Comments != 0 {
			t.Errorf("erasing again: got %+v, want nothing", again)
		}
		// Bob, not erased, was never opted out: a new import of Anna's
		// address is an ordinary contact.
		c := must(db.UpsertContact(ctx, f.ws.ID, nps.Contact{Email: "anna@acme.example"}))(t)
		if c.OptedOut() {
			t.Error("a new contact with the address of an erased contact who never opted out: opted out")
		}
		if _, err := db.EraseContact(ctx, f.ws.ID, 99999); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("erase an unknown contact: got %v, want not found", err)
		}
	})
}

// TestEraseKeepsOptOut: an erased contact who had opted out leaves a hash
// of their email, and a later import of the address is opted out, so
// that it is never mailed again; the hash is not the address.
func TestEraseKeepsOptOut(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		ctx := context.Background()
		must(db.OptOutContact(ctx, f.ws.ID, f.contact.ID))(t)
		must(db.EraseContact(ctx, f.ws.ID, f.contact.ID))(t)
		var held string
		if err := store.RawSQL(db).QueryRow(`SELECT email_hash FROM suppressions WHERE workspace_id = $1`, f.ws.ID).Scan(&held); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(held, "anna") || len(held) != 64 {
			t.Errorf("suppression entry %q, want a SHA-256", held)
		}
		back := must(db.UpsertContact(ctx, f.ws.ID, nps.Contact{Email: "Anna@Acme.example", Name: "Anna again"}))(t)
		if !back.OptedOut() {
			t.Error("the address of an erased opted-out contact, imported again: not opted out")
		}
		other := newFixture(t, db, "globex")
		if c := must(db.UpsertContact(ctx, other.ws.ID, nps.Contact{Email: "anna@acme.example"}))(t); c.OptedOut() {
			t.Error("another workspace's contact with the address: opted out")
		}
	})
}

// TestRetention: with a retention period, the hourly run erases the
// comments older than it and the contacts neither invited nor answering
// within it, writes an audit entry with the counts, keeps the scores,
// and erases nothing more when run again.
func TestRetention(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		ctx := context.Background()
		old := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 4, Comment: "oud", Channel: nps.ChannelLink}))(t)
		quiet := f.addContact(t, "quiet@acme.example")
		if err := db.SetRetentionMonths(ctx, f.ws.ID, 12); err != nil {
			t.Fatal(err)
		}
		f.clock.add(200 * 24 * time.Hour)
		fresh := f.addContact(t, "fresh@acme.example")
		later := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "2026", OpensAt: f.clock.now()}))(t)
		keep := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: later.ID, ContactID: fresh.ID, Score: 10, Comment: "nieuw", Channel: nps.ChannelLink}))(t)
		before := figuresOf(t, db, f)
		if runs := must(db.ApplyRetention(ctx))(t); len(runs) != 0 {
			t.Fatalf("retention before the period ends: %+v", runs)
		}
		f.clock.add(200 * 24 * time.Hour)
		runs := must(db.ApplyRetention(ctx))(t)
		if len(runs) != 1 || runs[0].Contacts != 2 || runs[0].Comments != 1 || runs[0].More {
			t.Fatalf("retention: got %+v, want Anna and the quiet contact, one comment", runs)
		}
		if after := figuresOf(t, db, f); !equalFigures(before, after) {
			t.Errorf("figures after retention: got %+v, want %+v", after, before)
		}
		for id, want := range map[int64]string{old.ID: "", keep.ID: "nieuw"} {
			if r := must(db.Response(ctx, f.ws.ID, id))(t); r.Comment != want {
				t.Errorf("response %d after retention: comment %q, want %q", id, r.Comment, want)
			}
		}
		for id, want := range map[int64]string{quiet.ID: "", fresh.ID: "fresh@acme.example"} {
			if c := must(db.Contact(ctx, f.ws.ID, id))(t); c.Email != want {
				t.Errorf("contact %d after retention: email %q, want %q", id, c.Email, want)
			}
		}
		if again := must(db.ApplyRetention(ctx))(t); len(again) != 0 {
			t.Errorf("retention run again: %+v, want nothing", again)
		}
		log := must(db.AuditLog(ctx, f.ws.ID, store.AuditFilter{Action: nps.AuditRetentionRun}))(t)
		if len(log.Entries) != 1 || !strings.Contains(log.Entries[0].Detail, "2 contacts, 1 comments") || log.Entries[0].Actor.Kind != nps.ActorSystem {
			t.Errorf("audit of retention: %+v", log.Entries)
		}
	})
}

func equalFigures(a, b figures) bool {
	if a.All != b.All || a.Wave != b.Wave || a.Account != b.Account || a.Month != b.Month || len(a.Cells) != len(b.Cells) {
		return false
	}
	for k, v := range a.Cells {
		if b.Cells[k] != v {
			return false
		}
	}
	return true
}
