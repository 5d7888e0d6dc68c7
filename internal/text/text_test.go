package text

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
)

func tokenWords(t *testing.T, s string, hint Lang) []string {
	t.Helper()
	_, toks := Tokens(s, hint)
	var out []string
	for _, tk := range toks {
		out = append(out, tk.Word)
	}
	return out
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"diacritics", "Één reactie, één antwoord: intuïtief!", []string{"een", "reactie", "een", "antwoord", "intuitief"}},
		{"apostrophe plural", "De reactie's en foto's", []string{"de", "reacties", "en", "fotos"}},
		{"apostrophe English", "They don't know, it's the customer’s call", []string{"they", "dont", "know", "its", "the", "customers", "call"}},
		{"hyphen after one letter joins", "E-mail en e-facturatie", []string{"email", "en", "efacturatie"}},
		{"other hyphens split", "user-friendly prijs-kwaliteitverhouding", []string{"user", "friendly", "prijs", "kwaliteitverhouding"}},
		{"digits dropped", "Binnen 24 uur, 3x gebeld en 100% tevreden", []string{"binnen", "uur", "gebeld", "en", "tevreden"}},
		{"emoji and punctuation dropped", "Top 👍👍!!! (echt) — super…", []string{"top", "echt", "super"}},
		{"one-letter words dropped", "a u I x", nil},
		{"decomposed accent", "cafe\u0301 ide\u0301e", []string{"cafe", "idee"}},
		{"ligature and sharp s", "Ĳs Straße Œuvre", []string{"ijs", "strasse", "oeuvre"}},
		{"non-Latin kept", "Отлично сервис", []string{"отлично", "сервис"}},
		{"empty", "  \n\t ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tokenWords(t, tt.in, Dutch); !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBreaks(t *testing.T) {
	sc := getScratch()
	defer putScratch(sc)
	sc.tokenise("goed, snel 24 uur - duur")
	// goed | , snel | 24 uur | - duur
	want := []uint8{0, brkClause | brkPhrase, brkPhrase, brkClause | brkPhrase}
	var got []uint8
	for _, tk := range sc.toks {
		got = append(got, tk.brk)
	}
	if !slices.Equal(got, want) {
		t.Errorf("breaks: got %v, want %v", got, want)
	}
}

func TestStems(t *testing.T) {
	tests := []struct {
		lang       Lang
		word, stem string
	}{
		{Dutch, "facturen", "factur"},
		{Dutch, "factuur", "factur"},
		{Dutch, "snelle", "snel"}, // Snowball gives "snell"; undoubled
		{Dutch, "snel", "snel"},
		{Dutch, "betrouwbaarheid", "betrouw"},
		{Dutch, "afspraken", "afsprak"},
		{Dutch, "problemen", "problem"},
		{Dutch, "reactie's", "reacties"},
		{English, "invoices", "invoic"},
		{English, "invoicing", "invoic"},
		{English, "reliability", "reliabl"},
		{English, "customer's", "custom"},
		{English, "happy", "happi"},
	}
	for _, tt := range tests {
		_, toks := Tokens(tt.word, tt.lang)
		if len(toks) != 1 || toks[0].Stem != tt.stem {
			t.Errorf("Tokens(%q, %s): got %+v, want stem %q", tt.word, tt.lang, toks, tt.stem)
		}
	}
}

func TestStopWords(t *testing.T) {
	_, toks := Tokens("De communicatie is niet goed", Dutch)
	var stop []bool
	for _, tk := range toks {
		stop = append(stop, tk.Stop)
	}
	if want := []bool{true, false, true, true, false}; !slices.Equal(stop, want) {
		t.Errorf("stop flags: got %v, want %v", stop, want)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		in         string
		hint, want Lang
	}{
		{"De service is goed maar de prijs is te hoog", English, Dutch},
		{"The service is good but the price is too high", Dutch, English},
		{"Prima", English, Dutch},                                   // a Dutch word of the lexicon
		{"Awesome", Dutch, English},                                 // an English word of the lexicon
		{"Top service", English, English},                           // no evidence: the hint
		{"Top service", Dutch, Dutch},                               // no evidence: the hint
		{"Top service", "", Dutch},                                  // no evidence, no hint
		{"Gebruiksvriendelijkheid, bereikbaarheid", English, Dutch}, // letter patterns: "ij", "heid"
		{"Thoroughly thought through", Dutch, English},              // letter patterns: "th", "ly"
		{"Gebruiksvriendelijkheid", English, English},               // one word's letters are not enough
		{"", English, English},
		{"👍", "fr", Dutch}, // an unknown hint counts as none
	}
	for _, tt := range tests {
		if got := Detect(tt.in, tt.hint); got != tt.want {
			t.Errorf("Detect(%q, %q): got %s, want %s", tt.in, tt.hint, got, tt.want)
		}
	}
}

func analyse(t *testing.T, s string, hint Lang) Analysis {
	t.Helper()
	return mustCompile(t, DefaultThemes()).Analyse(s, hint)
}

// TestSentimentRules checks each rule on a comment small enough to work out
// by hand: weights from lexicon.go, factors from analyse.go, and the score
// s/√(s²+4).
func TestSentimentRules(t *testing.T) {
	tests := []struct {
		name, in string
		sum      float64 // the weighted sum before squashing
		want     Sentiment
	}{
		{"positive word", "goed", 1, Positive},
		{"negated positive", "niet goed", -0.8, Negative},
		{"negated negative", "not bad", 0.75, Positive},
		{"not bad at all", "not bad at all", 0.75, Positive},
		{"negation reaches three words", "geen enkel probleem", 0.4, Positive},
		{"negated late", "never late", 0.4, Positive},                    // -0.8 negated
		{"negated too late", "nooit te laat", 0.5, Positive},             // te laat: -1; negated: +0.5
		{"intensifier", "zeer goed", 1.5, Positive},                      // 1 × 1.5
		{"negation absorbs intensifier", "niet zo goed", -0.8, Negative}, // no boost when negated
		{"diminisher", "een beetje traag", -0.6, Negative},               // -1.2 × 0.5
		{"too plus dimension", "veel te lang", -1.5, Negative},           // te lang: -1; veel: × 1.5
		{"modal turns better", "communicatie kan beter", -0.7, Negative},
		{"couldn't be better", "couldn't be better", 0.35, Positive}, // "couldn't" is a modal too: -0.7, negated
		{"not only but also", "niet alleen snel maar ook vriendelijk", 1.5, Positive},
		{"Dutch niet after the verb", "de facturen kloppen niet", -0.4, Negative},
		{"Dutch nooit after the verb", "de facturen kloppen nooit", -0.4, Negative},
		// nooit does not reach past "en": kloppen negated (-0.4), niemand -0.8.
		{"negation stops at a conjunction", "de facturen kloppen nooit en niemand reageert", -1.2, Negative},
		{"bare negation", "wij worden niet geïnformeerd", -0.8, Negative},
		{"contrast", "goed, maar duur", 0.5 - 1, Negative},     // 1 × 0.5, then -0.8 × 1.25
		{"caveat", "goed, alleen wat duur", 1 - 0.2, Positive}, // -0.8 × 0.5 (wat) × 0.5 (alleen)
		{"nothing to say", "Geen opmerkingen", 0, Neutral},
		{"phrase", "Nooit meer.", -1.5, Negative},
		{"emoji", "Top 👍", 1.5 + 1, Positive},
		{"empty", "   ", 0, Neutral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyse(t, tt.in, "")
			want := squash(tt.sum)
			if diff := a.Score - want; diff > 1e-6 || diff < -1e-6 || a.Sentiment != tt.want {
				t.Errorf("Analyse(%q): got %s %.4f, want %s %.4f (sum %.2f)", tt.in, a.Sentiment, a.Score, tt.want, want, tt.sum)
			}
		})
	}
}

func TestEmptyComment(t *testing.T) {
	for _, s := range []string{"", "   ", "\n\t", "!!! 123 ..."} {
		a := analyse(t, s, English)
		if a.Themes != nil || Phrases(s, English) != nil || a.Score != 0 || a.Sentiment != Neutral || a.Lang != English {
			t.Errorf("Analyse(%q): got %+v, want no themes, no phrases, neutral 0, the hint's language", s, a)
		}
	}
}

func TestAnalyseThemes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"De facturen kloppen niet", []string{"invoicing"}}, // prefix factu*
		{"Snelle reactie van de helpdesk, maar de factuur was fout", []string{"invoicing", "product-quality", "response-time", "support"}},
		{"Ze denken altijd goed met ons mee", []string{"flexibility"}}, // separable verb
		{"Ze denken, eerlijk gezegd, mee", nil},                        // not across a comma
		{"Kennis van zaken", []string{"expertise"}},                    // multi-word
		{"Kennis. Van zaken", []string{"expertise"}},                   // "kennis" alone
		{"The invoices were late", []string{"invoicing", "reliability"}},
		{"De support is top", []string{"support"}},                    // English keyword in Dutch
		{"Mijn contactpersoon is great", []string{"account-manager"}}, // Dutch keyword in English
		{"during the project", nil},                                   // not the Dutch "dure"
		{"Great people", nil},
	}
	for _, tt := range tests {
		if got := analyse(t, tt.in, "").Themes; !slices.Equal(got, tt.want) {
			t.Errorf("Analyse(%q).Themes: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPhrases(t *testing.T) {
	got := Phrases("Zeer snelle levering en goede service, de e-mail reactie's kwamen direct. Goede service!", Dutch)
	want := []Phrase{
		{Key: "snel lever", Text: "snelle levering"},
		{Key: "goed servic", Text: "goede service"},
		{Key: "email reacties", Text: "e-mail reactie's"},
		{Key: "email reacties kwam", Text: "e-mail reactie's kwamen"},
		{Key: "reacties kwam", Text: "reactie's kwamen"},
		{Key: "reacties kwam direct", Text: "reactie's kwamen direct"},
		{Key: "kwam direct", Text: "kwamen direct"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("phrases:\ngot  %+v\nwant %+v", got, want)
	}
}

func TestConcurrentAnalyse(t *testing.T) {
	tx := mustCompile(t, DefaultThemes())
	golden := loadGolden(t)
	want := make([]Analysis, len(golden))
	wantPhrases := make([][]Phrase, len(golden))
	for i, g := range golden {
		want[i] = tx.Analyse(g.Text, g.Lang)
		wantPhrases[i] = Phrases(g.Text, g.Lang)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, g := range golden {
				got := tx.Analyse(g.Text, g.Lang)
				if !slices.Equal(got.Themes, want[i].Themes) || got.Score != want[i].Score || !slices.Equal(Phrases(g.Text, g.Lang), wantPhrases[i]) {
					errs <- g.Text
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("concurrent Analyse(%q) differs from the sequential one", s)
	}
}

func TestLongWordDropped(t *testing.T) {
	long := strings.Repeat("a", maxWordBytes+1)
	if got := tokenWords(t, "goede "+long+" service", Dutch); !slices.Equal(got, []string{"goede", "service"}) {
		t.Errorf("got %q", got)
	}
	if got := Phrases("goede "+long+" service", Dutch); got != nil {
		t.Errorf("a phrase across a dropped word: %+v", got)
	}
}

func squash(sum float64) float64 { return sum / math.Sqrt(sum*sum+scoreSpread) }
