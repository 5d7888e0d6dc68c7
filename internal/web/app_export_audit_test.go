package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestExportAuditKeepsNoText: the audit entry of an export records its
// scope but not the text of a search, which may name a customer or quote
// their comment and would outlive their erasure.
func TestExportAuditKeepsNoText(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		if rec := f.do("GET", "/w/acme/export/responses.csv?q=Annageheim&category=detractor", nil, "viewer"); rec.Code != http.StatusOK {
			t.Fatalf("export: got %d", rec.Code)
		}
		log := appMust(db.AuditLog(context.Background(), f.acme.ID, store.AuditFilter{Action: nps.AuditExport}))(t)
		if len(log.Entries) != 1 {
			t.Fatalf("export entries: %+v", log.Entries)
		}
		if d := log.Entries[0].Detail; strings.Contains(d, "Annageheim") || !strings.Contains(d, "category=detractor") || !strings.Contains(d, "q=redacted") {
			t.Errorf("export entry's detail %q, want the scope without the search text", d)
		}
	})
}
