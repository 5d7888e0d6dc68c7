package i18n

import (
	"testing"
	"testing/fstest"
)

// TestLocalesComplete keeps every locale file complete: the keys of
// en.json, no others, and the same placeholders.
func TestLocalesComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"en", "nl"} {
		if !c.Has(want) {
			t.Errorf("Load: no %s.json", want)
		}
	}
	for _, err := range c.Check() {
		t.Error(err)
	}
}

func TestCheckFindsGaps(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/en.json": {Data: []byte(`{"a": "A {n}", "b": "B"}`)},
		"locales/nl.json": {Data: []byte(`{"a": "A {m}", "c": "C"}`)},
	}
	c, err := Parse(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`nl: key "a" has placeholders [{m}], want [{n}]`,
		`nl: missing key "b"`,
		`nl: key "c" is not in the files of en`,
	}
	errs := c.Check()
	if len(errs) != len(want) {
		t.Fatalf("Check: got %v, want %v", errs, want)
	}
	for i, err := range errs {
		if err.Error() != want[i] {
			t.Errorf("Check error %d: got %q, want %q", i, err, want[i])
		}
	}
}

// The files of one language are merged.
func TestParseMerges(t *testing.T) {
	c, err := Parse(fstest.MapFS{
		"locales/en.json":     {Data: []byte(`{"a": "A"}`)},
		"locales/app.en.json": {Data: []byte(`{"b": "B"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Messages("en"); m.T("a") != "A" || m.T("b") != "B" {
		t.Errorf("merged messages: a=%q b=%q", m.T("a"), m.T("b"))
	}
	if got := c.Languages(); len(got) != 1 || got[0] != "en" {
		t.Errorf("Languages = %v, want [en]", got)
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"no fallback": {"locales/nl.json": {Data: []byte(`{}`)}},
		"bad name":    {"locales/en.json": {Data: []byte(`{}`)}, "locales/not a language.json": {Data: []byte(`{}`)}},
		"bad JSON":    {"locales/en.json": {Data: []byte(`{"a": 1}`)}},
		"key twice":   {"locales/en.json": {Data: []byte(`{"a": "A"}`)}, "locales/app.en.json": {Data: []byte(`{"a": "A"}`)}},
	}
	for name, fsys := range tests {
		if _, err := Parse(fsys); err == nil {
			t.Errorf("Parse(%s): got no error", name)
		}
	}
}

func TestMessages(t *testing.T) {
	c, err := Parse(fstest.MapFS{
		"locales/en.json": {Data: []byte(`{"hi": "Hello {name}, {name}!", "only": "Only in English"}`)},
		"locales/nl.json": {Data: []byte(`{"hi": "Hallo {name}!"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "hi", []any{"name", "Ann"}, "Hello Ann, Ann!"},
		{"nl", "hi", []any{"name", 7}, "Hallo 7!"},
		{"nl", "only", nil, "Only in English"},
		{"de", "hi", []any{"name", "Jo"}, "Hello Jo, Jo!"},
		{"en", "missing", nil, "missing"},
		{"en", "hi", []any{"name", "<b>"}, "Hello <b>, <b>!"},
	}
	for _, tt := range tests {
		if got := c.Messages(tt.lang).T(tt.key, tt.args...); got != tt.want {
			t.Errorf("Messages(%q).T(%q, %v): got %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
	if got := c.Messages("de").Lang; got != "en" {
		t.Errorf("Messages(de).Lang: got %q, want en", got)
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		name      string
		supported []string
		prefs     [][]string
		want      string
		ok        bool
	}{
		{"first list wins", []string{"en", "nl"}, [][]string{{"nl"}, {"en"}}, "nl", true},
		{"region fits language", []string{"en", "nl"}, [][]string{{"nl-BE"}}, "nl", true},
		{"unsupported falls through", []string{"en", "nl"}, [][]string{{"de"}, {"en-GB", "nl"}}, "en", true},
		{"empty list skipped", []string{"en", "nl"}, [][]string{nil, {"nl"}}, "nl", true},
		{"garbage skipped", []string{"en", "nl"}, [][]string{{"not a tag!"}, {"nl"}}, "nl", true},
		{"nothing fits", []string{"en", "nl"}, [][]string{{"ja"}}, "", false},
		{"nothing supported", nil, [][]string{{"en"}}, "", false},
		{"browser order", []string{"en", "nl"}, [][]string{AcceptLanguage("fr;q=1, nl;q=0.9, en;q=0.8")}, "nl", true},
	}
	for _, tt := range tests {
		got, ok := Choose(tt.supported, tt.prefs...)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: Choose(%v, %v): got %q %v, want %q %v", tt.name, tt.supported, tt.prefs, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	tests := []struct {
		header string
		want   []string
	}{
		{"nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", []string{"nl-NL", "nl", "en-US", "en"}},
		{"en;q=0.1, nl", []string{"nl", "en"}},
		{"en;q=0", []string{}},
		{"", []string{}},
		{"@@@;;", nil},
	}
	for _, tt := range tests {
		got := AcceptLanguage(tt.header)
		if len(got) != len(tt.want) {
			t.Errorf("AcceptLanguage(%q): got %v, want %v", tt.header, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("AcceptLanguage(%q): got %v, want %v", tt.header, got, tt.want)
				break
			}
		}
	}
}
