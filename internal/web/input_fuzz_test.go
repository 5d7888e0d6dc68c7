package web

import (
	"errors"
	"math"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
)

// FuzzLoginNextPath checks the redirect after signing in: it is "/" or
// the path asked for, and a browser resolving it stays on this host.
func FuzzLoginNextPath(f *testing.F) {
	for _, s := range []string{"/w/acme/dashboard?tab=2#x", "/", "", "//evil.example", "/\\evil.example", "/\t/evil.example",
		"https://evil.example/", "/login", "/login?next=//x", "/%2F/evil.example", "/.//evil.example", "/@evil.example",
		"javascript:alert(1)", "/\x00", "/a\r\nLocation: x", "///evil.example", "/..//evil", "/ /evil.example", "\\\\evil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://nps.example.com/login")
	f.Fuzz(func(t *testing.T, next string) {
		got := loginNextPath(next)
		if got == "/" {
			return
		}
		if got != next || got[0] != '/' || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n\t") {
			t.Fatalf("loginNextPath(%q) = %q, want \"/\" or the path itself", next, got)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("loginNextPath(%q) = %q, which does not parse: %v", next, got, err)
		}
		if to := base.ResolveReference(u); to.Host != base.Host || to.Scheme != base.Scheme || to.User != nil {
			t.Fatalf("loginNextPath(%q) = %q, which leads to %s", next, got, to)
		}
	})
}

// FuzzValueCalculator checks the impact calculator's form: every wrong
// field gets a message, and a form without errors is an input the
// calculator takes, giving a finite range from low to high and its steps
// (else the page would fail with a 500).
func FuzzValueCalculator(f *testing.F) {
	for _, s := range []string{
		"revenue=30.000.000&churn=20&marketing=6.000.000&current=20&target=30&source=rules",
		"revenue=%E2%82%AC+30000000&churn=12,5+%25&marketing=0&current=-100&target=100&churn_low=0&churn_high=100&source=observed",
		"revenue=1&churn=0&marketing=1&current=0&target=0,1&marketing_low=50&marketing_high=40",
		"revenue=9999999999999,99&churn=100&marketing=9999999999999,99&current=-100&target=100&existing_low=100&existing_high=100",
		"revenue=-5&churn=101&current=+20&target=1e2&source=guess", "revenue=&churn=&current=&target=", "revenue=1,234.56.78",
		"current=00020&target=0030.5", "churn=99999999999999999999999999999999999999999999999999999999999999999999999999999999",
		"revenue=1&churn=1&marketing=1&current=1&target=2&churn_low=%0A5", "",
	} {
		f.Add(s, "en", false)
		f.Add(s, "nl", true)
	}
	observed := nps.Assumptions{ChurnLow: 0.1, ChurnHigh: 0.3, ExistingLow: 0, ExistingHigh: 0.05, Source: nps.SourceObserved}
	f.Fuzz(func(t *testing.T, query, lang string, observedOK bool) {
		q, _ := url.ParseQuery(query)
		if lang != "nl" {
			lang = "en"
		}
		m := catalog.Messages(lang)
		p := valueCalcPage{appLayout: appLayout{M: m}, valueNumbers: newValueNumbers(lang), Form: map[string]string{},
			Errors: map[string]string{}, ObservedWhy: m.T("value.why.none")}
		if observedOK {
			p.Observed, p.ObservedOK = observed, true
		}
		in := p.readQuery(q)
		for field, msg := range p.Errors {
			if msg == "" || strings.HasPrefix(msg, "value.") {
				t.Fatalf("calculator %q: field %s has the message %q", query, field, msg)
			}
		}
		if len(p.Errors) > 0 {
			return
		}
		res, err := nps.Calculate(in)
		if err != nil {
			t.Fatalf("calculator %q: the form passed but the calculator refuses %+v: %v", query, in, err)
		}
		if math.IsNaN(res.Low) || math.IsInf(res.High, 0) || res.Low < 0 || res.Low > res.High {
			t.Fatalf("calculator %q: range %v to %v", query, res.Low, res.High)
		}
		if _, err := p.calculatorSteps(in, res); err != nil {
			t.Fatalf("calculator %q: steps: %v", query, err)
		}
	})
}

// FuzzAlertRuleForm checks the alert rule form: a refusal is a
// *nps.ValidationError in the page's words; a rule the domain accepts
// shows again in the form as itself, so that editing it and saving
// without a change keeps it.
func FuzzAlertRuleForm(f *testing.F) {
	for _, kind := range []string{"score", "drop", "keyword", "silent", "", "SCORE", "other"} {
		f.Add("Detractors", kind, "6", "3", "te duur\nopzeggen, concurrent*", "6", "1.234,56", "2", true)
	}
	f.Add("x", "silent", "", "", "", " 12 ", "12,5", "", false)
	f.Add("x", "silent", "", "", "", "6", "€ 1.500", "0", true)
	f.Add("x", "keyword", "", "", ",,\n\n", "", "", "-1", true)
	f.Add("\a", "score", "99999999999999999999", "", "", "", "", "+2", true)
	f.Add("x", "drop", "", "0x10", "", "", "", "1e2", true)
	m := catalog.Messages("nl")
	f.Fuzz(func(t *testing.T, name, kind, maxScore, minDrop, keywords, silent, minRevenue, days string, active bool) {
		form := alertRuleForm{Name: name, Kind: kind, MaxScore: maxScore, MinDrop: minDrop, Keywords: keywords,
			SilentMonths: silent, MinRevenue: minRevenue, FollowUpDays: days, Active: active}
		r, err := form.rule(m)
		if err == nil {
			err = r.Validate()
		}
		if err != nil {
			var ve *nps.ValidationError
			if !errors.As(err, &ve) || ve.Message == "" || strings.HasPrefix(ve.Message, "alert.") {
				t.Fatalf("rule(%+v): error %v (%T) is not a *nps.ValidationError with a message", form, err, err)
			}
			return
		}
		again, err := alertRuleFormOf(r).rule(m)
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("rule(%+v) = %+v; shown again as %+v and read %+v, %v", form, r, alertRuleFormOf(r), again, err)
		}
	})
}

// FuzzTaxonomyRow checks a row of the taxonomy form: keywords come out
// trimmed, non-empty and without separators, and a theme holds only the
// names and keywords given.
func FuzzTaxonomyRow(f *testing.F) {
	f.Add("price", "Prijs", "Price", "duur, prijs\nkosten", "expensive,\r\nprice")
	f.Add(" ", "", "", ",,,\n\r", "  ")
	f.Add("k", " Naam ", "\u00a0", "a,,b", "é\x00,ß")
	f.Fuzz(func(t *testing.T, key, nameNL, nameEN, kwNL, kwEN string) {
		row := taxonomyRow{Key: key, NameNL: nameNL, NameEN: nameEN, KeywordsNL: kwNL, KeywordsEN: kwEN}
		th := row.theme()
		for lang, kws := range th.Keywords {
			if len(kws) == 0 {
				t.Fatalf("theme(%+v): no keywords kept for %s", row, lang)
			}
			for _, kw := range kws {
				if kw == "" || kw != strings.TrimSpace(kw) || strings.ContainsAny(kw, ",\r\n") {
					t.Fatalf("theme(%+v): keyword %q", row, kw)
				}
			}
		}
		for lang, name := range th.Name {
			if name == "" || name != strings.TrimSpace(name) {
				t.Fatalf("theme(%+v): name %q for %s", row, name, lang)
			}
		}
		if row.blank() && (len(th.Name) > 0 || len(th.Keywords) > 0) {
			t.Fatalf("blank row %+v gives theme %+v", row, th)
		}
	})
}

// FuzzWaveForm checks the signed-in area's wave form: its times are read
// as an <input type="datetime-local"> writes them, and shown again the
// same way; a population is positive.
func FuzzWaveForm(f *testing.F) {
	f.Add("2026", "2026-05-01T09:00", "2026-06-01T00:00", "120")
	f.Add("x", "2026-05-01", "2026-02-30T00:00", "0")
	f.Add("x", "2026-05-01T09:00:00", "", "-1")
	f.Add("x", "0000-01-01T00:00", "9999-12-31T23:59", "9223372036854775808")
	f.Add("x", " 2026-05-01T09:00", "2026-5-1T9:00", "+1")
	m := catalog.Messages(i18n.Fallback)
	f.Fuzz(func(t *testing.T, name, opens, closes, population string) {
		form := appWaveForm{Name: name, OpensAt: opens, ClosesAt: closes, Population: population}
		w, err := form.wave(m, 1)
		if err != nil {
			var ve *nps.ValidationError
			if !errors.As(err, &ve) || ve.Message == "" || strings.HasPrefix(ve.Message, "app.") {
				t.Fatalf("wave(%+v): error %v (%T) is not a *nps.ValidationError with a message", form, err, err)
			}
			return
		}
		for _, tt := range []struct{ typed, shown string }{{opens, w.OpensAt.Format(appLocalTime)}, {closes, w.ClosesAt.Format(appLocalTime)}} {
			if tt.typed != "" && tt.typed != tt.shown {
				t.Fatalf("wave(%+v): time %q shows again as %q", form, tt.typed, tt.shown)
			}
		}
		if population != "" && w.Population < 1 {
			t.Fatalf("wave(%+v): population %d", form, w.Population)
		}
		var ve *nps.ValidationError
		if err := w.Validate(); err != nil && !errors.As(err, &ve) {
			t.Fatalf("wave(%+v): Validate: %v is not a *nps.ValidationError", form, err)
		}
	})
}
