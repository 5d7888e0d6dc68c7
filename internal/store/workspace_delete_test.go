package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// tablesWithWorkspace lists the tables of the schema that have a
// workspace_id column, read from the database's own catalogue.
func tablesWithWorkspace(t *testing.T, db *store.DB) []string {
	t.Helper()
	var tables []string
	for _, c := range storetest.Columns(t, db) {
		if c.Name == "workspace_id" {
			tables = append(tables, c.Table)
		}
	}
	return tables
}

// TestWorkspaceTablesComplete fails when a migration adds a table with a
// workspace_id column that DeleteWorkspace does not clear: add it to
// workspaceTables, before the tables it refers to.
func TestWorkspaceTablesComplete(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		schema := tablesWithWorkspace(t, db)
		for _, table := range schema {
			if !slices.Contains(store.WorkspaceTables, table) {
				t.Errorf("table %s has a workspace_id column but is not in workspaceTables (workspace_delete.go)", table)
			}
		}
		for _, table := range store.WorkspaceTables {
			if !slices.Contains(schema, table) {
				t.Errorf("workspaceTables names %s, which is not a table with a workspace_id column", table)
			}
		}
	})
}

// fillWorkspace gives the fixture's workspace a row in every table it can
// reach through the store: a changed answer (a revision and rollup cells),
// an import with an idempotency key, a tag, a benchmark, an opted-out
// contact, a reminder, an API token, a started send, the loop's rows and
// a digest queued with its chart.
func fillWorkspace(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	db := f.db
	inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)
	must(db.RecordReminder(ctx, f.ws.ID, inv.ID))(t)
	must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 3, Channel: nps.ChannelEmail}))(t)
	f.clock.add(time.Hour)
	must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 9, Comment: "Beter", Channel: nps.ChannelLink}))(t)
	other := f.addContact(t, "bob@"+f.ws.Slug+".example")
	_, _, err := db.RecordResponsesOnce(ctx, f.ws.ID, "import-1", "body-hash",
		[]nps.Response{{WaveID: f.wave.ID, ContactID: other.ID, Score: 6, Channel: nps.ChannelImport, CreatedAt: t0}},
		func([]nps.Response) (store.StoredAnswer, error) {
			return store.StoredAnswer{Status: 201, Body: []byte("{}")}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	page := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{WaveID: f.wave.ID}))(t)
	if err := db.AddTag(ctx, f.ws.ID, page.Responses[0].ID, "pricing", f.owner.ID); err != nil {
		t.Fatal(err)
	}
	must(db.CreateBenchmark(ctx, f.ws.ID, nps.Benchmark{Name: "Sector", NPS: 31}))(t)
	quiet := f.addContact(t, "carol@"+f.ws.Slug+".example")
	must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, quiet.ID))(t)
	must(db.OptOutContact(ctx, f.ws.ID, quiet.ID))(t)
	must(db.EraseContact(ctx, f.ws.ID, quiet.ID))(t)
	if _, _, err := db.CreateAPIToken(ctx, f.ws.ID, "CRM", f.owner.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveImportMapping(ctx, f.ws.ID, importer.Contacts, importer.Mapping{"email": "E-mail"}); err != nil {
		t.Fatal(err)
	}
	f.addContact(t, "dave@"+f.ws.Slug+".example")
	must(db.CreateSend(ctx, f.ws.ID, nps.Send{WaveID: f.wave.ID, Audience: nps.Audience{Kind: nps.AudienceAll},
		ScheduledAt: f.clock.now(), PerMinute: 60}))(t)
	if n, err := db.StartDueSends(ctx); n != 1 || err != nil {
		t.Fatalf("StartDueSends = %d, %v; want 1 send with a message to dave", n, err)
	}
	fillAlerts(t, f)
	fillPlans(t, f)
	fillPromoters(t, f)
	fillDigest(t, f)
	must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: quiet.ID, Score: 4,
		Comment: "#price bad", Answers: nps.Answers{SwitchIntent: nps.SwitchYes}, Channel: nps.ChannelLink}))(t)
	analyseAll(t, db, f.ws.ID)
	if err := db.UpsertAccountRevenue(ctx, f.ws.ID, []nps.AccountRevenue{{AccountID: f.account.ID, Year: 2025, RevenueCents: 100}}); err != nil {
		t.Fatal(err)
	}
	quoted := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{WaveID: f.wave.ID, HasComment: true, Limit: 1}))(t)
	if err := db.ChooseVerbatim(ctx, f.ws.ID, quoted.Responses[0].ID); err != nil {
		t.Fatal(err)
	}
	must2(db.CreateReportLink(ctx, nps.ReportLink{WorkspaceID: f.ws.ID, WaveID: f.wave.ID, Lang: "nl", ExpiresAt: db.Now().Add(time.Hour)}))(t)
	if err := db.UpdateBrand(ctx, f.ws.ID, store.BrandUpdate{Logo: tinyPNG(t, 2, 2)}); err != nil {
		t.Fatal(err)
	}
	// An answer still queued for the analysis.
	must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 8, Comment: "later", Channel: nps.ChannelLink}))(t)
}

// countRows counts the rows of every workspace table that belong to the
// workspace.
func countRows(t *testing.T, db *store.DB, workspaceID int64) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range tablesWithWorkspace(t, db) {
		var n int
		err := store.RawSQL(db).QueryRow(`SELECT count(*) FROM `+table+` WHERE workspace_id = $1`, workspaceID).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}

func TestDeleteWorkspace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		doomed := newFixture(t, db, "doomed")
		fillWorkspace(t, doomed)
		kept := newFixture(t, db, "kept")
		fillWorkspace(t, kept)
		// A user of both workspaces keeps the other membership.
		must(db.AddMember(ctx, kept.ws.ID, doomed.owner.ID, nps.RoleViewer))(t)

		keptBefore := dumpWorkspace(t, db, kept)
		keptRows := countRows(t, db, kept.ws.ID)
		for table, n := range countRows(t, db, doomed.ws.ID) {
			if n == 0 {
				t.Errorf("fixture of the doomed workspace has no rows in %s: the test would prove nothing for it", table)
			}
		}

		if err := db.DeleteWorkspace(ctx, doomed.ws.ID); err != nil {
			t.Fatalf("DeleteWorkspace: %v", err)
		}

		for table, n := range countRows(t, db, doomed.ws.ID) {
			if n != 0 {
				t.Errorf("after DeleteWorkspace: got %d rows in %s, want none", n, table)
			}
		}
		if _, err := db.Workspace(ctx, doomed.ws.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("Workspace after DeleteWorkspace: got %v, want ErrNotFound", err)
		}
		if after := dumpWorkspace(t, db, kept); !reflect.DeepEqual(after, keptBefore) {
			t.Errorf("the other workspace after DeleteWorkspace: got %+v, want %+v", after, keptBefore)
		}
		if after := countRows(t, db, kept.ws.ID); !reflect.DeepEqual(after, keptRows) {
			t.Errorf("the other workspace's rows after DeleteWorkspace: got %v, want %v", after, keptRows)
		}
		// Users outlive the workspace; only their membership goes.
		must(db.User(ctx, doomed.owner.ID))(t)
		if m := must(db.Membership(ctx, kept.ws.ID, doomed.owner.ID))(t); m.Role != nps.RoleViewer {
			t.Errorf("membership of the other workspace: got role %s, want viewer", m.Role)
		}

		if err := db.DeleteWorkspace(ctx, doomed.ws.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("DeleteWorkspace twice: got %v, want ErrNotFound", err)
		}
		// The slug is free again.
		must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "doomed", Name: "Again"}))(t)
	})
}
