package text

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func theme(key string, kws ...string) Theme {
	return Theme{Key: key, Name: map[Lang]string{Dutch: "Naam"}, Keywords: map[Lang][]string{Dutch: kws}}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		themes []Theme
		want   string
	}{
		{"empty key", []Theme{theme("", "prijs")}, `theme 1: the key must be 1 to 40 characters`},
		{"upper-case key", []Theme{theme("Price", "prijs")}, `theme "Price": the key must be`},
		{"key starting with a hyphen", []Theme{theme("-price", "prijs")}, `theme "-price": the key must be`},
		{"long key", []Theme{theme(strings.Repeat("a", 41), "prijs")}, `the key must be 1 to 40`},
		{"duplicate key", []Theme{theme("price", "prijs"), theme("price", "kosten")}, `theme "price": the key is already used by theme 1`},
		{"no keyword", []Theme{theme("price")}, `theme "price": the theme needs at least one keyword`},
		{"no name", []Theme{{Key: "price", Keywords: map[Lang][]string{Dutch: {"prijs"}}}}, `theme "price": the theme needs a name`},
		{"blank name", []Theme{{Key: "price", Name: map[Lang]string{English: " "}, Keywords: map[Lang][]string{Dutch: {"prijs"}}}}, `theme "price": the English name is empty`},
		{"long name", []Theme{{Key: "price", Name: map[Lang]string{Dutch: strings.Repeat("é", 61)}, Keywords: map[Lang][]string{Dutch: {"prijs"}}}}, `the Dutch name is longer than 60 characters`},
		{"unknown name language", []Theme{{Key: "price", Name: map[Lang]string{"de": "Preis"}, Keywords: map[Lang][]string{Dutch: {"prijs"}}}}, `the name is given for language "de"`},
		{"unknown keyword language", []Theme{{Key: "price", Name: map[Lang]string{Dutch: "Prijs"}, Keywords: map[Lang][]string{"de": {"Preis"}}}}, `keywords are given for language "de"`},
		{"empty keyword", []Theme{theme("price", " ")}, `theme "price", keyword " ": the keyword is empty`},
		{"star inside", []Theme{theme("price", "pr*ijs")}, `keyword "pr*ijs": a * may only stand at the end`},
		{"short prefix", []Theme{theme("invoicing", "fa*")}, `keyword "fa*": a word ending in * needs at least 3 letters`},
		{"star after a space", []Theme{theme("invoicing", "factuur *")}, `keyword "factuur *": the * must follow the word directly`},
		{"digits", []Theme{theme("response-time", "binnen 24 uur")}, `keyword "binnen 24 uur": a keyword may contain only letters`},
		{"punctuation", []Theme{theme("price", "prijs, kosten")}, `keyword "prijs, kosten": a keyword may contain only letters`},
		{"one letter", []Theme{theme("price", "x")}, `keyword "x": the keyword has no word of two letters or more`},
		{"too many words", []Theme{theme("price", "een twee drie vier vijf zes zeven")}, `the keyword has 7 words; at most 6`},
		{"long keyword", []Theme{theme("price", strings.Repeat("a", 61))}, `the keyword is longer than 60 characters`},
		{"stop word", []Theme{theme("price", "niet")}, `keyword "niet": "niet" is a Dutch stop word`},
		{"too many keywords", []Theme{theme("price", slices.Repeat([]string{"prijs"}, 301)...)}, `the theme has 301 keywords; at most 300`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.themes)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Compile: got %v, want an error containing %q", err, tt.want)
			}
			var te *ThemeError
			if !errors.As(err, &te) {
				t.Errorf("Compile: got %T, want a *ThemeError inside", err)
			}
		})
	}
}

func TestCompileAllProblems(t *testing.T) {
	_, err := Compile([]Theme{theme("ok", "prijs"), theme("BAD", "fa*"), theme("ok", "kosten")})
	want := `theme "BAD": the key must be 1 to 40 characters of lower-case letters a–z, digits and hyphens, starting with a letter or digit
theme "BAD", keyword "fa*": a word ending in * needs at least 3 letters before the *
theme "ok": the key is already used by theme 1; keys must be unique`
	if err == nil || err.Error() != want {
		t.Errorf("Compile:\ngot  %v\nwant %s", err, want)
	}
}

func TestCompileLimits(t *testing.T) {
	themes := make([]Theme, MaxThemes+1)
	for i := range themes {
		themes[i] = theme("t"+strings.Repeat("x", i%30)+string(rune('a'+i%26)), "prijs")
	}
	if _, err := Compile(themes); !errors.Is(err, ErrTooManyThemes) {
		t.Errorf("Compile of %d themes: got %v, want ErrTooManyThemes", len(themes), err)
	}
	if _, err := Compile(nil); err != nil {
		t.Errorf("Compile(nil): got %v, want an empty taxonomy", err)
	}
}

func TestDefaultThemes(t *testing.T) {
	themes := DefaultThemes()
	if len(themes) != 12 {
		t.Fatalf("got %d default themes, want 12", len(themes))
	}
	tx := mustCompile(t, themes)
	var keys []string
	for _, th := range tx.Themes() {
		keys = append(keys, th.Key)
		for _, l := range []Lang{Dutch, English} {
			if th.Name[l] == "" || len(th.Keywords[l]) == 0 {
				t.Errorf("theme %s: no %s name or keywords", th.Key, l)
			}
		}
	}
	want := []string{"account-manager", "communication", "ease-of-use", "expertise", "flexibility", "invoicing",
		"onboarding", "price", "product-quality", "reliability", "response-time", "support"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys: got %q, want %q", keys, want)
	}
	// Each call is a fresh copy.
	themes[0].Keywords[Dutch][0] = "changed"
	if DefaultThemes()[0].Keywords[Dutch][0] == "changed" {
		t.Error("DefaultThemes shares its slices between calls")
	}
}

func TestThemeJSON(t *testing.T) {
	th := Theme{Key: "price", Name: map[Lang]string{Dutch: "Prijs", English: "Price"}, Keywords: map[Lang][]string{Dutch: {"prijs*"}, English: {"price"}}}
	b, err := json.Marshal(th)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"key":"price","name":{"en":"Price","nl":"Prijs"},"keywords":{"en":["price"],"nl":["prijs*"]}}`
	if string(b) != want {
		t.Errorf("JSON: got %s, want %s", b, want)
	}
	var back Theme
	if err := json.Unmarshal(b, &back); err != nil || back.Keywords[Dutch][0] != "prijs*" || back.Name[English] != "Price" {
		t.Errorf("round trip: got %+v, %v", back, err)
	}
}

// TestTaxonomyIsolated checks that a compiled taxonomy keeps its own copy:
// editing the themes afterwards changes nothing.
func TestTaxonomyIsolated(t *testing.T) {
	themes := []Theme{theme("price", "prijs")}
	tx := mustCompile(t, themes)
	themes[0].Key = "changed"
	themes[0].Keywords[Dutch][0] = "kosten"
	if got := tx.Analyse("De prijs is hoog", Dutch).Themes; !slices.Equal(got, []string{"price"}) {
		t.Errorf("got %q, want [price]", got)
	}
	if got := tx.Themes()[0].Keywords[Dutch][0]; got != "prijs" {
		t.Errorf("Themes: got keyword %q, want prijs", got)
	}
}

func TestKeywordMatching(t *testing.T) {
	tx := mustCompile(t, []Theme{
		theme("invoicing", "factu*"),
		theme("waiting", "lang wacht*"),
		theme("flex", "denkt mee"),
		{Key: "mail", Name: map[Lang]string{English: "Mail"}, Keywords: map[Lang][]string{English: {"E-mail"}}},
	})
	tests := []struct {
		in   string
		want []string
	}{
		{"Facturatie en facturen", []string{"invoicing"}},
		{"De gefactureerde uren", nil}, // a prefix matches the start of a word only
		{"Lang wachten", []string{"waiting"}},
		{"Lange wachttijden", []string{"waiting"}}, // "lange" stems to "lang"
		{"Lang, wachten", nil},
		{"Hij denkt echt altijd met ons mee", []string{"flex"}},
		{"Hij denkt echt altijd heel goed met ons mee", nil}, // more than four words between
		{"Stuur een email", []string{"mail"}},
		{"Stuur een e-mail", []string{"mail"}},
	}
	for _, tt := range tests {
		if got := tx.Analyse(tt.in, Dutch).Themes; !slices.Equal(got, tt.want) {
			t.Errorf("Analyse(%q).Themes: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNilTaxonomy(t *testing.T) {
	var tx *Taxonomy
	a := tx.Analyse("Goede service", Dutch)
	if a.Themes != nil || a.Sentiment != Positive {
		t.Errorf("nil taxonomy: got %+v", a)
	}
}
