package text

import (
	"reflect"
	"slices"
	"testing"
)

var discoverComments = []string{
	0:  "Meer aandacht voor duurzaamheid graag.",
	1:  "Duurzaamheid mag hoger op de agenda.",
	2:  "Jullie doen weinig aan duurzaamheid.",
	3:  "Duurzaamheid, daar gaat het om.",
	4:  "De elektrische bussen zijn mooi.",
	5:  "Elektrische bussen in de stad, goed bezig.",
	6:  "Meer elektrische bussen graag!",
	7:  "Parkeren bij jullie kantoor is lastig.",
	8:  "Parkeren is een drama.",
	9:  "Nergens parkeren.",
	10: "Koffie is op.", // two mentions only: too rare
	11: "Lekkere koffie.",
	12: "Your carbon footprint matters to us.",
	13: "Share the carbon footprint of our orders.",
	14: "We care about carbon footprint.",
	15: "De factuur noemt duurzaamheid niet.", // matches invoicing: not counted
	16: "",
}

func TestDiscover(t *testing.T) {
	tx := mustCompile(t, DefaultThemes())
	got := Discover(discoverComments, tx, Dutch, 10)
	want := []Suggestion{
		// Phrases of two words score 3 × count, words 2 × count; a tie goes
		// to the higher count, then to the stems in order.
		{Key: "carbon-footprint", Text: "carbon footprint", Lang: English, Count: 3, Examples: []int{12, 13, 14}},
		{Key: "elektrische-bussen", Text: "elektrische bussen", Lang: Dutch, Count: 3, Examples: []int{4, 5, 6}},
		{Key: "duurzaamheid", Text: "duurzaamheid", Lang: Dutch, Count: 4, Examples: []int{0, 1, 2}},
		{Key: "parkeren", Text: "parkeren", Lang: Dutch, Count: 3, Examples: []int{7, 8, 9}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Discover:\ngot  %+v\nwant %+v", got, want)
	}
	if got := Discover(discoverComments, tx, Dutch, 2); len(got) != 2 || got[1].Key != "elektrische-bussen" {
		t.Errorf("Discover with max 2: got %+v", got)
	}
	if got := Discover(discoverComments, tx, Dutch, 0); got != nil {
		t.Errorf("Discover with max 0: got %+v", got)
	}
}

func TestDiscoverAdopt(t *testing.T) {
	themes := append(DefaultThemes(), theme("parkeren", "parkeerplaats"))
	tx := mustCompile(t, themes)
	got := Discover(discoverComments, tx, Dutch, 10)
	// The theme "parkeren" has another stem as keyword, so the word is still
	// suggested, under a key that does not clash with the theme's.
	i := slices.IndexFunc(got, func(s Suggestion) bool { return s.Text == "parkeren" })
	if i < 0 || got[i].Key != "parkeren-2" {
		t.Fatalf("Discover: got %+v, want parkeren under key parkeren-2", got)
	}
	adopted := mustCompile(t, append(themes, got[i].Theme()))
	if a := adopted.Analyse("Parkeren was weer lastig", Dutch); !slices.Equal(a.Themes, []string{"parkeren-2"}) {
		t.Errorf("after adopting: got themes %q, want [parkeren-2]", a.Themes)
	}
	if th := got[i].Theme(); th.Name[Dutch] != "Parkeren" || !slices.Equal(th.Keywords[Dutch], []string{"parkeren"}) {
		t.Errorf("Theme: got %+v", th)
	}
	// What the taxonomy covers is no longer suggested.
	again := Discover(discoverComments, adopted, Dutch, 10)
	if slices.ContainsFunc(again, func(s Suggestion) bool { return s.Text == "parkeren" }) {
		t.Errorf("Discover after adopting: got %+v, want no parkeren", again)
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"elektrische bussen", "elektrische-bussen"},
		{"één café", "een-cafe"},
		{"reactie's", "reacties"},
		{"отлично", "theme"},
		{"zeer lange woorden die samen meer dan veertig tekens zijn", "zeer-lange-woorden-die-samen-meer-dan"},
	}
	for _, tt := range tests {
		if got := slug(tt.in); got != tt.want || !validKey(got) {
			t.Errorf("slug(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	used := map[string]bool{"prijs": true, "prijs-2": true}
	if got := uniqueKey("prijs", used); got != "prijs-3" {
		t.Errorf("uniqueKey: got %q, want prijs-3", got)
	}
}
