package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// benchContactsFile is a CRM export of n contacts at n/20 companies, as
// Dutch Excel writes it: semicolons, Windows-1252.
func benchContactsFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("E-mailadres;Naam;Taal;Klantnummer;Bedrijf;Functie\r\n")
	for i := range n {
		fmt.Fprintf(&b, "contact%d@klant%d.example;Jos\xe9 de Vries %d;nl;K%d;Klant %d BV;inkoper\r\n", i, i/20, i, i/20, i/20)
	}
	return b.Bytes()
}

// BenchmarkImportContacts imports 100,000 contacts (and their 5,000
// accounts) from CSV into an empty workspace: reading, parsing, planning
// and the one transaction that writes them.
func BenchmarkImportContacts(b *testing.B) {
	file := benchContactsFile(100_000)
	for _, d := range storetest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				db := storetest.Open(b, d)
				ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "bench", Name: "Bench"})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				tab, err := importer.Read(bytes.NewReader(file), importer.Limits{})
				if err != nil {
					b.Fatal(err)
				}
				m := importer.Suggest(importer.Contacts, tab.Header)
				m[importer.AttributePrefix+"Functie"] = "Functie"
				rs, errs := importer.Parse(importer.Contacts, tab, m)
				if errs != nil {
					b.Fatal(errs)
				}
				report, err := db.Import(ctx, ws.ID, rs, nil, store.ImportOptions{})
				if err != nil || !report.Applied || report.Contacts.Create != 100_000 || report.Accounts.Create != 5000 {
					b.Fatalf("got %+v, %v", report, err)
				}
			}
		})
	}
}

// BenchmarkImportRevenue imports five years of revenue of 5,000 accounts
// (25,000 rows) into a workspace that holds the accounts: reading,
// parsing, planning and the one transaction that writes the years and
// the annual revenue.
func BenchmarkImportRevenue(b *testing.B) {
	const accounts, years = 5000, 5
	var file bytes.Buffer
	file.WriteString("Klantnummer;Jaar;Omzet\r\n")
	for i := range accounts {
		for y := range years {
			fmt.Fprintf(&file, "K%d;%d;\"%d.%03d,%02d\"\r\n", i, 2021+y, 1+i%900, y*111, i%100)
		}
	}
	for _, d := range storetest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				db := storetest.Open(b, d)
				ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "bench", Name: "Bench"})
				if err != nil {
					b.Fatal(err)
				}
				tab, err := importer.Read(bytes.NewReader(benchContactsFile(accounts*20)), importer.Limits{})
				if err != nil {
					b.Fatal(err)
				}
				rs, _ := importer.Parse(importer.Contacts, tab, importer.Suggest(importer.Contacts, tab.Header))
				if _, err := db.Import(ctx, ws.ID, rs, nil, store.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				tab, err = importer.Read(bytes.NewReader(file.Bytes()), importer.Limits{})
				if err != nil {
					b.Fatal(err)
				}
				rs, errs := importer.Parse(importer.Revenue, tab, importer.Suggest(importer.Revenue, tab.Header))
				if errs != nil {
					b.Fatal(errs)
				}
				report, err := db.Import(ctx, ws.ID, rs, nil, store.ImportOptions{})
				if err != nil || !report.Applied || report.Revenue.Create != accounts*years || report.Accounts.Update != accounts {
					b.Fatalf("got %+v, %v", report, err)
				}
			}
		})
	}
}
