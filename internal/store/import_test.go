package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// importFile reads, parses and imports a file with the suggested mapping.
func importFile(t *testing.T, db *store.DB, workspaceID int64, k importer.Kind, file string, o store.ImportOptions) store.ImportReport {
	t.Helper()
	var rs *importer.Records
	var errs importer.Errors
	tab, err := importer.Read(strings.NewReader(file), importer.Limits{})
	if err != nil {
		errs = importer.Errors{err.(*importer.Error)}
		rs = &importer.Records{Kind: k}
	} else {
		m := importer.Suggest(k, tab.Header)
		if rs, errs = importer.Parse(k, tab, m); rs == nil {
			rs = &importer.Records{Kind: k}
		}
	}
	report, err := db.Import(context.Background(), workspaceID, rs, errs, o)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return report
}

// snapshot dumps the tables an import writes, to compare before and
// after.
func snapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"accounts", "account_revenue", "contacts", "waves", "responses", "score_rollup", "score_totals", "invitations", "import_mappings"} {
		rows, err := store.RawSQL(db).Query(`SELECT * FROM ` + table + ` ORDER BY 1, 2, 3`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

// TestImportBadInput checks each kind of bad file, and each conflict with
// the stored rows, on both databases: the lines are named and the
// database is exactly as it was.
func TestImportBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		ctx := context.Background()
		must(db.CreateContact(ctx, f.ws.ID, nps.Contact{Email: "bob@acme.example", ExternalID: "P2"}))(t)
		garbage := make([]byte, 50<<20)
		for i := range garbage {
			garbage[i] = byte(i*7919 + i>>8)
		}
		tests := []struct {
			name string
			kind importer.Kind
			file string
			want string
		}{
			{"missing required column", importer.Contacts, "naam;taal\nAnna;nl\n", "no column is mapped to email"},
			{"duplicate emails", importer.Contacts, "email;naam\nnew@acme.example;N\nnew@acme.example;N2\n", "line 3:"},
			{"invalid email", importer.Contacts, "email\nok@acme.example\nx@\n", `line 3: column "email": "x@" is not a valid email address`},
			{"score 10,5", importer.Responses, "email;score;datum\nanna@acme.example;\"10,5\";1-3-2024\n", `line 2: column "score": "10,5"`},
			{"mixed encodings", importer.Contacts, "email;naam\na@acme.example;Jos\xc3\xa9\nb@acme.example;Jos\xe9\n", "line 3:"},
			{"garbage", importer.Contacts, string(garbage), "line 1:"},
			{"formula", importer.Contacts, "email,name\nnew@acme.example,=1+1\n", `line 2: column "name"`},
			{"email and external id of two contacts", importer.Contacts, "email,external id\nanna@acme.example,P2\n", "line 2:"},
			{"owner not a member", importer.Accounts, "id,name,owner\nN1,New,stranger@example.com\n", `line 2: column "owner": "stranger@example.com" is not a member`},
			{"unknown account", importer.Contacts, "email,account id\nnew@acme.example,NOPE\n", `line 2: column "account id": there is no account with external id "NOPE"`},
			{"one bad line of many", importer.Contacts, "email,name\nn1@acme.example,A\nn2@acme.example,B\nn3@,C\n", "line 4:"},
			{"answer replaced", importer.Responses, "email,score,date\nanna@acme.example,9,2025-03-01\n", ""},
			{"future answer", importer.Responses, "email,score,date\nnew@acme.example,9,2030-01-01\n", `line 2: column "date"`},
			{"revenue of an unknown account", importer.Revenue, "account;jaar;omzet\nCRM-1;2024;5\nNOPE;2024;5\n",
				`line 3: column "account": there is no account with external id "NOPE"`},
			{"revenue of a year twice", importer.Revenue, "account;jaar;omzet\nCRM-1;2024;5\nCRM-1;2023;5\nCRM-1;2024;6\n",
				`line 4: column "jaar": account "CRM-1" has revenue for 2024 on line 2 too`},
			{"revenue and a bad owner", importer.Accounts, "id;omzet;omzetjaar;owner\nCRM-1;5;2020;\nN1;7;;stranger@example.com\n", "line 3:"},
		}
		// An answer of Anna's in the fixture's wave, which an import must
		// not replace.
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 3, Channel: nps.ChannelLink}))(t)
		before := snapshot(t, db)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				o := store.ImportOptions{SurveyID: f.survey.ID}
				if tt.name == "answer replaced" {
					o.WaveID = f.wave.ID
					tt.want = "anna@acme.example answered wave \"2025\" already (score 3"
				}
				report := importFile(t, db, f.ws.ID, tt.kind, tt.file, o)
				if report.Applied || len(report.Rejected) == 0 || !strings.Contains(report.Rejected.Error(), tt.want) {
					t.Errorf("got applied %v, rejected %v; want nothing applied and %q", report.Applied, report.Rejected, tt.want)
				}
				if after := snapshot(t, db); after != before {
					t.Errorf("the database changed:\nbefore\n%s\nafter\n%s", before, after)
				}
			})
		}
	})
}

func TestImportContacts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		ctx := context.Background()
		other := newFixture(t, db, "other")
		file := "E-mail;Naam;Taal;Klantnummer;Bedrijf;Contract;Afgemeld\n" +
			"anna@acme.example;Anna de Vries;nl;CRM-1;Acme;gold;nee\n" +
			"Piet@Nieuw.example;Piet;en;N-7;Nieuw BV;;ja\n" +
			"kees@nieuw.example;Kees;;N-7;Nieuw BV;silver;\n"
		tab := must(importer.Read(strings.NewReader(file), importer.Limits{}))(t)
		m := importer.Suggest(importer.Contacts, tab.Header)
		m["attr:Contract"] = "Contract"
		m["account_external_id"] = "Klantnummer"
		rs, errs := importer.Parse(importer.Contacts, tab, m)
		if errs != nil {
			t.Fatal(errs)
		}
		dry := must(db.Import(ctx, f.ws.ID, rs, nil, store.ImportOptions{DryRun: true}))(t)
		want := store.ImportReport{Kind: importer.Contacts, Accounts: store.ImportCounts{Create: 1},
			Contacts: store.ImportCounts{Create: 2, Update: 1}}
		if !reflect.DeepEqual(dry, want) {
			t.Errorf("dry run: got %+v, want %+v", dry, want)
		}
		if _, err := db.ImportMapping(ctx, f.ws.ID, importer.Contacts); err == nil {
			t.Errorf("the dry run remembered the mapping")
		}
		applied := must(db.Import(ctx, f.ws.ID, rs, nil, store.ImportOptions{}))(t)
		want.Applied = true
		if !reflect.DeepEqual(applied, want) {
			t.Errorf("apply: got %+v, want %+v", applied, want)
		}
		anna := must(db.Contact(ctx, f.ws.ID, f.contact.ID))(t)
		if anna.Name != "Anna de Vries" || anna.AccountID != f.account.ID || anna.Attributes["Contract"] != "gold" || anna.OptedOut() {
			t.Errorf("Anna: got %+v", anna)
		}
		found := must(db.FindRefs(ctx, f.ws.ID, store.Refs{ContactEmails: []string{"piet@nieuw.example", "kees@nieuw.example"}, AccountExternalIDs: []string{"N-7"}}))(t)
		piet := must(db.Contact(ctx, f.ws.ID, found.ContactByEmail["piet@nieuw.example"]))(t)
		kees := must(db.Contact(ctx, f.ws.ID, found.ContactByEmail["kees@nieuw.example"]))(t)
		nieuw := must(db.Account(ctx, f.ws.ID, found.AccountByExternalID["N-7"]))(t)
		if !piet.OptedOut() || piet.AccountID != nieuw.ID || kees.AccountID != nieuw.ID || nieuw.Name != "Nieuw BV" || kees.Attributes["Contract"] != "silver" {
			t.Errorf("new contacts: got %+v, %+v at %+v", piet, kees, nieuw)
		}
		if got := must(db.ImportMapping(ctx, f.ws.ID, importer.Contacts))(t); !reflect.DeepEqual(got, m) {
			t.Errorf("remembered mapping: got %v, want %v", got, m)
		}
		if _, err := db.ImportMapping(ctx, other.ws.ID, importer.Contacts); err == nil {
			t.Errorf("another workspace sees the mapping")
		}

		// The same file again changes nothing; the other workspace's
		// Anna is a contact of its own.
		again := must(db.Import(ctx, f.ws.ID, rs, nil, store.ImportOptions{}))(t)
		if again.Contacts != (store.ImportCounts{Unchanged: 3}) || again.Accounts != (store.ImportCounts{}) {
			t.Errorf("re-import: got %+v, want everything unchanged", again)
		}
		if c := must(db.Contact(ctx, other.ws.ID, other.contact.ID))(t); c.Name != "Anna" || c.AccountID != other.account.ID {
			t.Errorf("the other workspace's contact changed: %+v", c)
		}
	})
}

// An opt-out is honoured forever: an import may set it, never clear it,
// and it withdraws the contact's open invitations.
func TestImportOptOut(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		ctx := context.Background()
		inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)
		bob := f.addContact(t, "bob@acme.example")
		optedOut := must(db.OptOutContact(ctx, f.ws.ID, bob.ID))(t)
		f.clock.add(time.Hour)
		report := importFile(t, db, f.ws.ID, importer.Contacts,
			"email,unsubscribed,name\nanna@acme.example,2025-03-01,Anna\nbob@acme.example,no,Bob\n", store.ImportOptions{})
		if !report.Applied || report.Contacts.Update != 2 {
			t.Fatalf("got %+v", report)
		}
		anna := must(db.Contact(ctx, f.ws.ID, f.contact.ID))(t)
		if !anna.OptedOutAt.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("Anna opted out at %v, want 2025-03-01", anna.OptedOutAt)
		}
		if got := must(db.Invitation(ctx, f.ws.ID, inv.ID))(t); got.Status != nps.InvitationOptedOut {
			t.Errorf("Anna's invitation: got %s, want opted_out", got.Status)
		}
		if got := must(db.Contact(ctx, f.ws.ID, bob.ID))(t); !got.OptedOutAt.Equal(optedOut.OptedOutAt) || got.Name != "Bob" {
			t.Errorf("Bob: got %+v, want still opted out at %v", got, optedOut.OptedOutAt)
		}
	})
}

func TestImportAccounts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		ctx := context.Background()
		file := "Klantnummer;Naam;Omzet;Eigenaar;Status;Opzegdatum\n" +
			"CRM-1;Acme Holding;\"1.234.567,89\";owner@acme.example;;\n" +
			"CRM-2;Globex;\"12,5\";;opgezegd;1-2-2025\n"
		report := importFile(t, db, f.ws.ID, importer.Accounts, file, store.ImportOptions{})
		if !report.Applied || report.Accounts != (store.ImportCounts{Create: 1, Update: 1}) {
			t.Fatalf("got %+v", report)
		}
		acme := must(db.Account(ctx, f.ws.ID, f.account.ID))(t)
		if acme.Name != "Acme Holding" || acme.AnnualRevenueCents != 123456789 || acme.Industry != "Retail" || acme.OwnerID != f.owner.ID {
			t.Errorf("Acme: got %+v", acme)
		}
		churned := must(db.Accounts(ctx, f.ws.ID, store.AccountFilter{Status: nps.AccountChurned}))(t)
		if len(churned) != 1 || churned[0].Name != "Globex" || churned[0].AnnualRevenueCents != 1250 ||
			!churned[0].ChurnedAt.Equal(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("churned: got %+v", churned)
		}
	})
}

// Historical responses count in the rollup exactly as other answers do,
// and a second import of the same file doubles nothing.
func TestImportResponses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "acme")
		ctx := context.Background()
		file := "Response ID,Email,Score,Comment,Response timestamp,Company\n" +
			"1,anna@acme.example,9,Great,2023-04-18 05:34:20 -0700,\n" +
			"2,anna@acme.example,6,Slow,2024-04-02 10:00:00 -0700,\n" +
			"3,new@elsewhere.example,10,,2024-05-02 10:00:00 +0000,Elsewhere\n" +
			"4,,3,anonymous,2024-05-03T10:00:00Z,\n" +
			"5,,3,anonymous,2024-05-03T10:00:00Z,\n"
		o := store.ImportOptions{SurveyID: f.survey.ID}
		report := importFile(t, db, f.ws.ID, importer.Responses, file, o)
		want := store.ImportReport{Kind: importer.Responses, Applied: true, Waves: []string{"2023", "2024"},
			Accounts: store.ImportCounts{Create: 1}, Contacts: store.ImportCounts{Create: 1}, Responses: store.ImportCounts{Create: 5}}
		if !reflect.DeepEqual(report, want) {
			t.Fatalf("got %+v, want %+v", report, want)
		}
		if got, want := storedRollup(t, db, f.ws.ID), rollupFromResponses(t, db, f.ws.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("rollup: got %v, want %v", got, want)
		}
		waves := must(db.Waves(ctx, f.ws.ID, f.survey.ID))(t)
		h := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{WaveID: waves[1].ID}))(t)
		if waves[1].Name != "2024" || h.N() != 4 || h[3] != 2 || h[10] != 1 || h[6] != 1 {
			t.Errorf("wave %s: got histogram %v", waves[1].Name, h)
		}
		r := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{WaveID: waves[0].ID}))(t)
		if len(r.Responses) != 1 || r.Responses[0].Response.Channel != nps.ChannelImport ||
			!r.Responses[0].Response.CreatedAt.Equal(time.Date(2023, 4, 18, 12, 34, 20, 0, time.UTC)) {
			t.Errorf("2023: got %+v", r.Responses)
		}
		before := snapshot(t, db)
		again := importFile(t, db, f.ws.ID, importer.Responses, file, o)
		if !again.Applied || again.Responses != (store.ImportCounts{Unchanged: 5}) || again.Contacts.Create != 0 || len(again.Waves) != 0 {
			t.Errorf("re-import: got %+v, want all unchanged", again)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("re-import changed the database")
		}
	})
}
