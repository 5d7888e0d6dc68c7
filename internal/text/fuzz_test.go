package text

import (
	"math"
	"slices"
	"testing"
	"unicode/utf8"
)

func FuzzAnalyse(f *testing.F) {
	for _, g := range loadGolden(f) {
		f.Add(g.Text, string(g.Lang))
	}
	for _, s := range []string{"", " ", "'", "-", "e-", "-e", "a'b", "niet", "niet alleen", "maar ook",
		"te", "kan", "\xff\xfe", "é\u0301", "👍🏽", strings20000} {
		f.Add(s, "")
	}
	tx, err := Compile(DefaultThemes())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s, hint string) {
		a := tx.Analyse(s, Lang(hint))
		if math.IsNaN(a.Score) || a.Score < -1 || a.Score > 1 {
			t.Fatalf("score %v outside [-1, 1]", a.Score)
		}
		if a.Sentiment != label(a.Score) {
			t.Fatalf("sentiment %s does not match score %v", a.Sentiment, a.Score)
		}
		if !slices.IsSorted(a.Themes) || len(slices.Compact(slices.Clone(a.Themes))) != len(a.Themes) {
			t.Fatalf("themes %q not sorted and unique", a.Themes)
		}
		if a.Lang != Dutch && a.Lang != English {
			t.Fatalf("language %q", a.Lang)
		}
		for _, p := range Phrases(s, Lang(hint)) {
			if p.Key == "" || !utf8.ValidString(p.Text) && utf8.ValidString(s) {
				t.Fatalf("phrase %+v", p)
			}
		}
		for _, sg := range Discover([]string{s, s, s}, tx, Lang(hint), 3) {
			if _, err := Compile([]Theme{sg.Theme()}); err != nil {
				t.Fatalf("suggestion %+v does not compile: %v", sg, err)
			}
		}
	})
}

// strings20000 is a long comment of repeated words, for the fuzzer to cut.
var strings20000 = func() string {
	b := make([]byte, 0, 20000)
	for len(b) < 19990 {
		b = append(b, "niet zeer goed, maar "...)
	}
	return string(b)
}()
