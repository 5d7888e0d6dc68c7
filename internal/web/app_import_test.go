package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// upload posts a file to the import form as actor.
func (f *appFixture) upload(t *testing.T, path, actor, kind, name, content string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", kind)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.secrets[actor]})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// TestAppImport walks a contacts file through upload, mapping, a dry run
// with a refused line, a corrected file and the apply with its progress
// page; other users and workspaces never see the upload.
func TestAppImport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		evil := `<script>alert(1)</script>`

		rec := f.upload(t, "/w/acme/import", "analyst", "contacts", "garbage.bin", "\x00\x01\x02")
		if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "garbage.bin: line 1: the byte 0x00 is not text") {
			t.Errorf("garbage: got %d\n%s", rec.Code, appExcerpt(body))
		}

		file := "E-mailadres;Naam;Segment\r\nzoe@acme.example;Zoë " + evil + ";gold\r\nx@;X;\r\n"
		rec = f.upload(t, "/w/acme/import", "analyst", "contacts", "klanten.csv", file)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("upload: got %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
		job := rec.Header().Get("Location")
		id := strings.TrimPrefix(job, "/w/acme/import/")
		f.run(t, []appScenario{
			{name: "mapping", method: "GET", path: job, actor: "analyst", status: http.StatusOK,
				want: []string{"klanten.csv: CSV, UTF-8, delimiter ;, 2 rows of contacts", "suggested from the column names",
					`<option value="E-mailadres" selected>E-mailadres</option>`, `name="attr" value="Segment"`, "Zoë &lt;script&gt;"},
				notWant: []string{evil}},
			{name: "mapping of another user", method: "GET", path: job, actor: "owner", status: http.StatusNotFound},
			{name: "mapping from another workspace", method: "GET", path: "/w/globex/import/" + id, actor: "outsider", status: http.StatusNotFound},
			{name: "check from another workspace", method: "POST", path: "/w/globex/import/" + id + "/check", form: appForm(), actor: "outsider", status: http.StatusNotFound},
			{name: "apply from another workspace", method: "POST", path: "/w/globex/import/" + id + "/apply", form: appForm(), actor: "outsider", status: http.StatusNotFound},
			{name: "progress of an unknown job", method: "GET", path: "/w/acme/import/nope/progress", actor: "analyst", status: http.StatusNotFound},
			{name: "apply before a check", method: "POST", path: job + "/apply", form: appForm(), actor: "analyst", status: http.StatusSeeOther, want: []string{job}},
			{name: "check without a key column", method: "POST", path: job + "/check", form: appForm("map.name", "Naam"), actor: "analyst",
				status: http.StatusUnprocessableEntity, want: []string{"no column is mapped to email or external_id"}},
			{name: "check", method: "POST", path: job + "/check", form: appForm("map.email", "E-mailadres", "map.name", "Naam", "attr", "Segment"),
				actor: "analyst", status: http.StatusOK,
				want: []string{"a dry run; nothing has been written", "<th scope=\"row\">Contacts</th><td>1</td>",
					`line 3: column &#34;E-mailadres&#34;: &#34;x@&#34; is not a valid email address`, "Upload a corrected file"},
				notWant: []string{`action="/w/acme/import/` + id + `/apply"`}},
		})

		// The corrected file, remembered mapping and all.
		rec = f.upload(t, "/w/acme/import", "analyst", "contacts", "klanten.csv", strings.Replace(file, "x@;X;\r\n", "", 1))
		job = rec.Header().Get("Location")
		f.run(t, []appScenario{
			{name: "check corrected", method: "POST", path: job + "/check", form: appForm("map.email", "E-mailadres", "map.name", "Naam", "attr", "Segment"),
				actor: "analyst", status: http.StatusOK, want: []string{`action="` + job + `/apply"`}},
			{name: "apply", method: "POST", path: job + "/apply", form: appForm(), actor: "analyst", status: http.StatusSeeOther, want: []string{job + "/progress"}},
		})
		deadline := time.Now().Add(10 * time.Second)
		for {
			rec = f.do("GET", job+"/progress", nil, "analyst")
			if rec.Header().Get("Refresh") == "" || time.Now().After(deadline) {
				break
			}
			if !strings.Contains(rec.Body.String(), "<progress") {
				t.Fatalf("progress page without a progress bar:\n%s", appExcerpt(rec.Body.String()))
			}
			time.Sleep(10 * time.Millisecond)
		}
		if body := rec.Body.String(); !strings.Contains(body, "Imported, all in one go.") || !strings.Contains(body, "<th scope=\"row\">Contacts</th><td>1</td>") {
			t.Fatalf("progress: got\n%s", appExcerpt(body))
		}
		found, err := db.FindRefs(ctx, f.acme.ID, store.Refs{ContactEmails: []string{"zoe@acme.example"}})
		if err != nil || len(found.ContactByEmail) != 1 {
			t.Fatalf("zoe not imported: %v, %v", found, err)
		}
		zoe, err := db.Contact(ctx, f.acme.ID, found.ContactByEmail["zoe@acme.example"])
		if err != nil || zoe.Name != "Zoë "+evil || zoe.Attributes["Segment"] != "gold" {
			t.Errorf("zoe: got %+v, %v", zoe, err)
		}
		m, err := db.ImportMapping(ctx, f.acme.ID, importer.Contacts)
		if err != nil || m["attr:Segment"] != "Segment" {
			t.Errorf("remembered mapping: got %v, %v", m, err)
		}
		rec = f.upload(t, "/w/acme/import", "analyst", "contacts", "next.csv", file)
		f.run(t, []appScenario{{name: "mapping remembered", method: "GET", path: rec.Header().Get("Location"), actor: "analyst",
			status: http.StatusOK, want: []string{"as remembered from the last import", `value="Segment" checked`}}})
	})
}

// Responses are mapped with a survey; an import that the store refuses
// (no survey) comes back to the mapping with the reason.
func TestAppImportResponses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		rec := f.upload(t, "/w/acme/import", "owner", "responses", "delighted.csv",
			"Email,Score,Comment,Response timestamp\nnew@acme.example,9,Top,2025-04-18 05:34:20 -0700\n")
		job := rec.Header().Get("Location")
		form := appForm("map.email", "Email", "map.score", "Score", "map.date", "Response timestamp", "map.comment", "Comment")
		withSurvey := url.Values{}
		for k, v := range form {
			withSurvey[k] = v
		}
		withSurvey.Set("survey", fmt.Sprint(f.survey.ID))
		f.run(t, []appScenario{
			{name: "mapping of responses", method: "GET", path: job, actor: "owner", status: http.StatusOK,
				want: []string{`<option value="` + fmt.Sprint(f.survey.ID) + `">Relationship NPS</option>`, "Relationship NPS: 2026"}},
			{name: "check without survey", method: "POST", path: job + "/check", form: form, actor: "owner",
				status: http.StatusUnprocessableEntity, want: []string{"choose the survey the responses belong to"}},
			{name: "check with survey", method: "POST", path: job + "/check", form: withSurvey, actor: "owner", status: http.StatusOK,
				want: []string{"<th scope=\"row\">Responses</th><td>1</td>", "Waves to create: 2025"}},
		})
	})
}

// TestAppImportRevenue imports revenue per year: the suggested mapping,
// a refused line (another workspace's account), the corrected file's
// apply, and the years on the account's page, newest first.
func TestAppImportRevenue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		shop := appMust(db.CreateAccount(ctx, f.acme.ID, nps.Account{ExternalID: "K-1", Name: "Kaaswinkel BV"}))(t)
		appMust(db.CreateAccount(ctx, f.globex.ID, nps.Account{ExternalID: "K-2", Name: "Globex client"}))(t)
		form := appForm("map.account_external_id", "Klantnummer", "map.year", "Jaar", "map.revenue", "Omzet")
		file := "Klantnummer;Jaar;Omzet\r\nK-1;2024;\"1.234,56\"\r\nK-1;2025;2000\r\n"

		rec := f.upload(t, "/w/acme/import", "analyst", "revenue", "omzet.csv", file+"K-2;2025;5\r\n")
		job := rec.Header().Get("Location")
		f.run(t, []appScenario{
			{name: "mapping of revenue", method: "GET", path: job, actor: "analyst", status: http.StatusOK,
				want: []string{"3 rows of revenue per year", "suggested from the column names", `<option value="Klantnummer" selected>`,
					`<option value="Jaar" selected>`, `<option value="Omzet" selected>`},
				notWant: []string{`name="attr"`, `name="survey"`}},
			{name: "check of revenue", method: "POST", path: job + "/check", form: form, actor: "analyst", status: http.StatusOK,
				want: []string{`<th scope="row">Revenue per year</th><td>2</td>`,
					`line 4: column &#34;Klantnummer&#34;: there is no account with external id &#34;K-2&#34;`}},
		})

		rec = f.upload(t, "/w/acme/import", "analyst", "revenue", "omzet.csv", file)
		job = rec.Header().Get("Location")
		f.run(t, []appScenario{
			{name: "check corrected", method: "POST", path: job + "/check", form: form, actor: "analyst", status: http.StatusOK,
				want: []string{`<th scope="row">Accounts</th><td>0</td><td>1</td>`, `action="` + job + `/apply"`}},
			{name: "apply", method: "POST", path: job + "/apply", form: appForm(), actor: "analyst", status: http.StatusSeeOther},
		})
		deadline := time.Now().Add(10 * time.Second)
		for {
			rec = f.do("GET", job+"/progress", nil, "analyst")
			if rec.Header().Get("Refresh") == "" || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if body := rec.Body.String(); !strings.Contains(body, "Imported, all in one go.") || !strings.Contains(body, `<th scope="row">Revenue per year</th><td>2</td>`) {
			t.Fatalf("progress: got\n%s", appExcerpt(body))
		}
		want := []nps.AccountRevenue{{AccountID: shop.ID, Year: 2025, RevenueCents: 200000}, {AccountID: shop.ID, Year: 2024, RevenueCents: 123456}}
		if got := appMust(db.AccountRevenue(ctx, f.acme.ID, shop.ID))(t); !reflect.DeepEqual(got, want) {
			t.Errorf("stored years: got %+v, want %+v", got, want)
		}
		page := fmt.Sprintf("/w/acme/accounts/%d", shop.ID)
		f.run(t, []appScenario{
			{name: "account page with revenue", method: "GET", path: page, actor: "viewer", status: http.StatusOK,
				want: []string{`<dt>Revenue</dt><dd>2,000</dd>`, `<h2 id="h-revenue">Revenue per year</h2>`,
					`<tr><th scope="row">2025</th><td class="num">2,000</td></tr>` + "\n" + `<tr><th scope="row">2024</th><td class="num">1,234</td></tr>`}},
			{name: "account page without revenue", method: "GET", path: fmt.Sprintf("/w/acme/accounts/%d", appMust(db.Accounts(ctx, f.acme.ID,
				store.AccountFilter{OwnerID: f.users["member"].ID}))(t)[0].ID), actor: "member", status: http.StatusOK, notWant: []string{"h-revenue"}},
		})
		body := f.do("GET", page, nil, "analyst", "Accept-Language: nl").Body.String()
		for _, want := range []string{`<h2 id="h-revenue">Omzet per jaar</h2>`, `<th scope="col">Jaar</th>`, `<td class="num">1.234</td>`} {
			if !strings.Contains(body, want) {
				t.Errorf("account page in Dutch: body lacks %q\n%s", want, appExcerpt(body))
			}
		}
	})
}
