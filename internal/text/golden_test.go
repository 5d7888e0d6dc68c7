package text

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

var showMisses = flag.Bool("misses", false, "TestGolden: list every comment whose themes, sentiment or language the analysis gets wrong")

// goldenComment is one line of testdata/golden.jsonl: a comment labelled by
// hand with its language, themes and overall sentiment.
type goldenComment struct {
	Lang      Lang      `json:"lang"`
	Score     int       `json:"score"`
	Text      string    `json:"text"`
	Themes    []string  `json:"themes"`
	Sentiment Sentiment `json:"sentiment"`
}

func loadGolden(t testing.TB) []goldenComment {
	t.Helper()
	f, err := os.Open("testdata/golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []goldenComment
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var c goldenComment
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("golden.jsonl line %d: %v", n, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustCompile(t testing.TB, themes []Theme) *Taxonomy {
	t.Helper()
	tx, err := Compile(themes)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// goldenBars are the figures the analysis must reach on the golden set.
const (
	minThemePrecision = 0.8
	minThemeRecall    = 0.8
	minSentiment      = 0.75
	minLangNoHint     = 0.95
	minLangWrongHint  = 0.90
)

var sentiments = []Sentiment{Positive, Neutral, Negative}

// TestGolden measures the default taxonomy and the sentiment rules on the
// hand-labelled golden set and prints the tables that docs/TEXT.md reports.
func TestGolden(t *testing.T) {
	golden := loadGolden(t)
	if len(golden) < 200 {
		t.Fatalf("golden set has %d comments, want at least 200", len(golden))
	}
	tx := mustCompile(t, DefaultThemes())
	type counts struct{ tp, fp, fn int }
	perTheme := map[string]*counts{}
	for _, th := range tx.themes {
		perTheme[th.Key] = &counts{}
	}
	confusion := map[Sentiment]map[Sentiment]int{}
	for _, s := range sentiments {
		confusion[s] = map[Sentiment]int{}
	}
	var sentimentOK, langNoHint, langWrongHint int
	for i, g := range golden {
		a := tx.Analyse(g.Text, g.Lang)
		for key, c := range perTheme {
			got, want := slices.Contains(a.Themes, key), slices.Contains(g.Themes, key)
			switch {
			case got && want:
				c.tp++
			case got:
				c.fp++
			case want:
				c.fn++
			}
		}
		confusion[g.Sentiment][a.Sentiment]++
		if a.Sentiment == g.Sentiment {
			sentimentOK++
		}
		noHint := Detect(g.Text, "")
		wrongHint := Detect(g.Text, other(g.Lang))
		if noHint == g.Lang {
			langNoHint++
		}
		if wrongHint == g.Lang {
			langWrongHint++
		}
		if *showMisses && (!slices.Equal(a.Themes, sortedCopy(g.Themes)) || a.Sentiment != g.Sentiment || wrongHint != g.Lang) {
			t.Logf("line %d: themes %v want %v; sentiment %s (%.2f) want %s; language %s want %s\n\t%s",
				i+1, a.Themes, g.Themes, a.Sentiment, a.Score, g.Sentiment, wrongHint, g.Lang, g.Text)
		}
	}

	n := float64(len(golden))
	var table strings.Builder
	fmt.Fprintf(&table, "\n| theme | precision | recall | support |\n|---|---:|---:|---:|\n")
	for _, th := range tx.themes {
		c := perTheme[th.Key]
		p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
		fmt.Fprintf(&table, "| %s | %.2f | %.2f | %d |\n", th.Key, p, r, c.tp+c.fn)
		if p < minThemePrecision {
			t.Errorf("theme %s: precision %.2f (%d of %d matches right), want at least %.2f", th.Key, p, c.tp, c.tp+c.fp, minThemePrecision)
		}
		if r < minThemeRecall {
			t.Errorf("theme %s: recall %.2f (%d of %d mentions found), want at least %.2f", th.Key, r, c.tp, c.tp+c.fn, minThemeRecall)
		}
	}
	fmt.Fprintf(&table, "\nsentiment accuracy %.2f (%d of %d)\n\n| labelled \\ analysed | positive | neutral | negative |\n|---|---:|---:|---:|\n",
		float64(sentimentOK)/n, sentimentOK, len(golden))
	for _, want := range sentiments {
		fmt.Fprintf(&table, "| %s | %d | %d | %d |\n", want, confusion[want][Positive], confusion[want][Neutral], confusion[want][Negative])
	}
	fmt.Fprintf(&table, "\nlanguage accuracy without a hint %.3f (%d of %d), with the wrong hint %.3f (%d of %d)\n",
		float64(langNoHint)/n, langNoHint, len(golden), float64(langWrongHint)/n, langWrongHint, len(golden))
	t.Log(table.String())

	if acc := float64(sentimentOK) / n; acc < minSentiment {
		t.Errorf("sentiment accuracy %.2f, want at least %.2f", acc, minSentiment)
	}
	if acc := float64(langNoHint) / n; acc < minLangNoHint {
		t.Errorf("language accuracy without a hint %.3f, want at least %.2f", acc, minLangNoHint)
	}
	if acc := float64(langWrongHint) / n; acc < minLangWrongHint {
		t.Errorf("language accuracy with the wrong hint %.3f, want at least %.2f", acc, minLangWrongHint)
	}
}

func other(l Lang) Lang {
	if l == Dutch {
		return English
	}
	return Dutch
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	if len(c) == 0 {
		return nil
	}
	return c
}
