package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// appAssetPath matches the URL of an asset, whose name may start with
// "app." like a message key.
var appAssetPath = regexp.MustCompile(`/assets/[^"]*`)

// TestAppLanguage renders the survey, wave, send, settings, token, import
// and sign-in pages for an owner who chose Dutch and again after they
// chose English. Each page shows its labels in that language only, and
// never a message key, which is what T shows for a key no language has.
func TestAppLanguage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		w := "/w/acme"
		wv := fmt.Sprint(f.wave.ID)
		rec := f.do("POST", w+"/waves/"+wv+"/sends", appForm("audience", "silent", "months", "6", "per_minute", "10",
			"max_reminders", "1", "reminder_days", "7"), "owner")
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("new send: got %d, want %d\n%s", rec.Code, http.StatusSeeOther, appExcerpt(rec.Body.String()))
		}
		send := rec.Header().Get("Location")
		rec = f.upload(t, w+"/import", "owner", "contacts", "contacts.csv", "Email;Name\r\nzoe@acme.example;Zoë\r\nbo@acme.example;Bo\r\n")
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("upload: got %d, want %d\n%s", rec.Code, http.StatusSeeOther, appExcerpt(rec.Body.String()))
		}
		mapping := rec.Header().Get("Location")

		type page struct {
			name, path string
			status     int
			// nl and en are fragments of the page in each language; each
			// must be missing from the page in the other.
			nl, en []string
		}
		pages := []page{
			{"surveys", w + "/surveys", http.StatusOK,
				[]string{"<h1>Enquêtes</h1>", "Nieuwe enquête", "Enquêtes van Acme", "op naam", "anoniem"},
				[]string{"<h1>Surveys</h1>", "New survey", "Surveys of Acme", "named", "anonymous"}},
			{"survey", w + "/surveys/" + fmt.Sprint(f.survey.ID), http.StatusOK,
				[]string{"Enquête op naam · standaardtaal nl", "Nieuwe meting", "Sluit<span", "Anonieme link", "Aanbevelingsvraag"},
				[]string{"Named survey · default language nl", "New wave", "Close<span", "Anonymous link", "Recommendation question"}},
			{"survey form", w + "/surveys/new", http.StatusOK,
				[]string{"<title>Nieuwe enquête · Promotor", "Teksten in het Engels", "Vervolgvraag voor criticasten (0–6)", "Enquête opslaan"},
				[]string{"<title>New survey · Promotor", "Texts in English", "Follow-up for detractors (0–6)", "Save survey"}},
			{"wave", w + "/waves/" + wv, http.StatusOK,
				[]string{"Meting van", "Laatste antwoorden", `class="category category-detractor">criticaster<`, ">Contactpersoon<"},
				[]string{"Wave of", "Latest responses", `class="category category-detractor">detractor<`, ">Contact<"}},
			{"wave form", w + "/surveys/" + fmt.Sprint(f.survey.ID) + "/waves/new", http.StatusOK,
				[]string{"Nieuwe meting van Relationship NPS", "Sluit op (UTC, optioneel)", "Meting aanmaken"},
				[]string{"New wave of Relationship NPS", "Closes at (UTC, optional)", "Create wave"}},
			{"sends", w + "/waves/" + wv + "/sends", http.StatusOK,
				[]string{"<h1>2026 versturen</h1>", "6 maanden stil", `class="status status-scheduled">gepland<`, "Nieuwe verzending", "Verzending inplannen"},
				[]string{"<h1>Send 2026</h1>", "silent for 6 months", `class="status status-scheduled">scheduled<`, "New send", "Schedule send"}},
			{"send", send, http.StatusOK,
				[]string{"Verzending #", "hoogstens 10 berichten per minuut", "De ontvangers worden gekozen zodra de verzending begint."},
				[]string{"Send #", "at most 10 messages a minute", "The recipients are chosen when the send starts."}},
			{"settings", w + "/settings", http.StatusOK,
				[]string{"Instellingen van Acme", "Enquêtemoeheid", ">Opslaan<"},
				[]string{"Settings of Acme", "Survey fatigue", ">Save<"}},
			{"tokens", w + "/tokens", http.StatusOK,
				[]string{"<h1>API-tokens</h1>", "Token aanmaken", "Laatst gebruikt", ">nooit<", "Intrekken"},
				[]string{"<h1>API tokens</h1>", "Create token", "Last used", ">never<", "Revoke"}},
			{"import", w + "/import", http.StatusOK,
				[]string{"Het bestand bevat", ">contactpersonen<", "Uploaden en kolommen koppelen"},
				[]string{"The file holds", ">contacts<", "Upload and map columns"}},
			{"import mapping", mapping, http.StatusOK,
				[]string{"Kolommen koppelen", "2 rijen met contactpersonen", "voorgesteld op grond van de kolomnamen", "Naam van de klant (bedrijf)", "(niet importeren)"},
				[]string{"Map the columns", "2 rows of contacts", "suggested from the column names", "Account (company) name", "(not imported)"}},
			{"not found", w + "/surveys/999999", http.StatusNotFound,
				[]string{"<h1>Niet gevonden</h1>", "Deze pagina bestaat niet", "Naar de startpagina"},
				[]string{"<h1>Not Found</h1>", "This page does not exist", "Go to the start page"}},
		}
		check := func(t *testing.T, name, lang, body string, want, notWant []string) {
			t.Helper()
			for _, s := range want {
				if !strings.Contains(body, s) {
					t.Errorf("%s in %s: want %q in\n%s", name, lang, s, appExcerpt(body))
				}
			}
			for _, s := range notWant {
				if strings.Contains(body, s) {
					t.Errorf("%s in %s: got %q, want it absent", name, lang, s)
				}
			}
			text := appAssetPath.ReplaceAllString(body, "")
			if i := strings.Index(text, "app."); i >= 0 {
				t.Errorf("%s in %s: a message key shows: %q", name, lang, text[i:min(len(text), i+40)])
			}
		}
		for _, lang := range []string{"nl", "en"} {
			if err := db.SetUserLanguage(ctx, f.users["owner"].ID, lang); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				// The browser asks for the other language: the user's
				// choice wins.
				other := map[string]string{"nl": "en", "en": "nl"}[lang]
				rec := f.do("GET", p.path, nil, "owner", "Accept-Language: "+other)
				if rec.Code != p.status {
					t.Errorf("%s in %s: got status %d, want %d", p.name, lang, rec.Code, p.status)
					continue
				}
				want, notWant := p.nl, p.en
				if lang == "en" {
					want, notWant = p.en, p.nl
				}
				check(t, p.name, lang, rec.Body.String(), append(want, `lang="`+lang+`"`), notWant)
			}
		}

		// Signed out, the sign-in page speaks the browser's language.
		for _, c := range []struct {
			lang, accept  string
			want, notWant []string
		}{
			{"nl", "nl-NL,nl;q=0.9", []string{"<title>Aanmelden · Promotor", "Aanmelden bij Promotor", "Wachtwoord", "E-mailadres of wachtwoord is onjuist."},
				[]string{"Sign in", "Password"}},
			{"en", "en-GB", []string{"<title>Sign in · Promotor", "Sign in to Promotor", "Password", "Email or password is wrong."},
				[]string{"Aanmelden", "Wachtwoord"}},
		} {
			rec := f.do("GET", "/login", nil, "", "Accept-Language: "+c.accept)
			check(t, "sign-in", c.lang, rec.Body.String(), c.want[:3], c.notWant)
			rec = f.do("POST", "/login", appForm("email", "owner@example.com", "password", "wrong"), "", "Accept-Language: "+c.accept)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("wrong password in %s: got status %d, want %d", c.lang, rec.Code, http.StatusUnprocessableEntity)
			}
			check(t, "failed sign-in", c.lang, rec.Body.String(), c.want[3:], c.notWant)
		}
	})
}
