package text

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Theme is one entry of a workspace's theme taxonomy, as stored (JSON) and
// edited by the workspace.
type Theme struct {
	// Key is the stable identifier that responses are tagged with.
	Key string `json:"key"`
	// Name is the display name per language.
	Name map[Lang]string `json:"name"`
	// Keywords are per language the words and phrases that mention the
	// theme. They match on stems, so "factuur" also finds "facturen"; a
	// trailing * matches every word that begins so ("factu*"). Each
	// language's keywords apply to comments in either language: Dutch
	// comments use English terms ("support", "pricing") and the other way
	// round.
	Keywords map[Lang][]string `json:"keywords"`
}

// NameIn names the theme in lang, else in the other language, else by
// its key.
func (t Theme) NameIn(lang string) string {
	return cmp.Or(strings.TrimSpace(t.Name[Lang(lang)]), strings.TrimSpace(t.Name[English]),
		strings.TrimSpace(t.Name[Dutch]), t.Key)
}

// Limits of a taxonomy. They keep matching fast and the editor's lists
// readable.
const (
	MaxThemes        = 100
	MaxKeywords      = 300 // per theme, all languages together
	MaxKeywordWords  = 6
	MaxKeywordLength = 60 // characters
	MaxNameLength    = 60 // characters
	MinPrefixLength  = 3  // letters before a trailing *
)

const (
	maxKeyLength = 40
	// separableMaxSkips is how many words may stand between a Dutch
	// separable verb and its particle ("denkt altijd goed met ons mee").
	separableMaxSkips = 4
)

// ThemeError reports what is wrong with one theme of a taxonomy, in words
// for the person editing it.
type ThemeError struct {
	// Index is the theme's position in the list given to Compile.
	Index int
	// Key is the theme's key as given (possibly empty or invalid).
	Key string
	// Keyword is the offending keyword, or empty when the problem is not a
	// keyword's.
	Keyword string
	// Problem says what is wrong and what would be accepted.
	Problem string
}

func (e *ThemeError) Error() string {
	var b strings.Builder
	if e.Key != "" {
		fmt.Fprintf(&b, "theme %q", e.Key)
	} else {
		fmt.Fprintf(&b, "theme %d", e.Index+1)
	}
	if e.Keyword != "" {
		fmt.Fprintf(&b, ", keyword %q", e.Keyword)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	return b.String()
}

// ErrTooManyThemes is returned by Compile for a taxonomy of more than
// MaxThemes themes.
var ErrTooManyThemes = fmt.Errorf("a taxonomy holds at most %d themes", MaxThemes)

// Taxonomy is a compiled, validated set of themes, ready for fast matching.
// It is immutable and safe for concurrent use.
type Taxonomy struct {
	themes []Theme // sorted by key; a theme's index is its bit in a match set
	// byStem holds per keyword language the keywords by the stem of their
	// first word under that language's stemmer: a Dutch keyword matches
	// the Dutch stems of a comment's words, whatever the comment's language.
	byStem [2]map[string][]keyword
	// byPrefix holds the one-word prefix keywords of both languages by
	// their first MinPrefixLength bytes; prefixes match the folded words.
	byPrefix map[string][]keyword
	stems    [2]map[string]bool // every stem of every keyword, for Discover
}

// keyword is one compiled keyword.
type keyword struct {
	theme     int
	lang      int      // Lang.index of the keyword's language, whose stems its words are
	words     []string // stems after the first, or the whole prefix of a prefix keyword
	prefix    bool     // the last word is a prefix
	separable bool     // Dutch separable verb: up to separableMaxSkips words may stand before the last word
}

// Compile validates themes and compiles them for matching. Every problem
// found is reported, joined, each as a *ThemeError naming the theme and the
// keyword at fault; use errors.As to get the first.
func Compile(themes []Theme) (*Taxonomy, error) {
	if len(themes) > MaxThemes {
		return nil, ErrTooManyThemes
	}
	var errs []error
	seen := make(map[string]int, len(themes))
	for i, th := range themes {
		errs = append(errs, validateTheme(i, th)...)
		if j, dup := seen[th.Key]; dup && th.Key != "" {
			errs = append(errs, &ThemeError{Index: i, Key: th.Key,
				Problem: fmt.Sprintf("the key is already used by theme %d; keys must be unique", j+1)})
		}
		seen[th.Key] = i
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	tx := &Taxonomy{themes: make([]Theme, len(themes)), byPrefix: map[string][]keyword{}}
	for i, th := range themes {
		tx.themes[i] = cloneTheme(th)
	}
	slices.SortFunc(tx.themes, func(a, b Theme) int { return strings.Compare(a.Key, b.Key) })
	for li := range tx.byStem {
		tx.byStem[li], tx.stems[li] = map[string][]keyword{}, map[string]bool{}
	}
	for ti, th := range tx.themes {
		for _, lang := range [2]Lang{Dutch, English} {
			for _, kw := range th.Keywords[lang] {
				tx.add(ti, lang, kw)
			}
		}
	}
	return tx, nil
}

// add compiles one keyword with its language's stemmer. Duplicates (a
// keyword listed under both languages, or two spellings of one stem) are
// harmless: a theme is matched once however many of its keywords match.
func (tx *Taxonomy) add(theme int, lang Lang, kw string) {
	words, prefix := keywordWords(kw)
	li := lang.index()
	k := keyword{theme: theme, lang: li, prefix: prefix}
	stems := make([]string, len(words))
	for i, w := range words {
		if prefix && i == len(words)-1 {
			stems[i] = w
			continue
		}
		stems[i] = stemWord(lang, w)
		tx.stems[li][stems[i]] = true
	}
	if prefix && len(words) == 1 {
		k.words = stems
		head := stems[0][:MinPrefixLength]
		tx.byPrefix[head] = append(tx.byPrefix[head], k)
		return
	}
	k.words = stems[1:]
	k.separable = lang == Dutch && !prefix && len(words) > 1 && wordTable[words[len(words)-1]].class&particle != 0
	tx.byStem[li][stems[0]] = append(tx.byStem[li][stems[0]], k)
}

// keywordWords tokenises a keyword as comments are tokenised, so that
// "E-mail" and "e-mail" in a keyword match "email" in a comment.
func keywordWords(kw string) (words []string, prefix bool) {
	kw = strings.TrimSpace(kw)
	if strings.HasSuffix(kw, "*") {
		prefix = true
		kw = strings.TrimSuffix(kw, "*")
	}
	sc := getScratch()
	defer putScratch(sc)
	sc.tokenise(kw)
	for i := range sc.toks {
		words = append(words, string(sc.form(&sc.toks[i])))
	}
	return words, prefix
}

func validateTheme(i int, th Theme) []error {
	var errs []error
	fail := func(kw, format string, args ...any) {
		errs = append(errs, &ThemeError{Index: i, Key: th.Key, Keyword: kw, Problem: fmt.Sprintf(format, args...)})
	}
	if !validKey(th.Key) {
		fail("", "the key must be 1 to %d characters of lower-case letters a–z, digits and hyphens, starting with a letter or digit", maxKeyLength)
	}
	if len(th.Name) == 0 {
		fail("", "the theme needs a name in at least one language")
	}
	for _, lang := range sortedLangs(th.Name) {
		name := th.Name[lang]
		switch {
		case !lang.known():
			fail("", "the name is given for language %q; only \"nl\" and \"en\" are supported", lang)
		case strings.TrimSpace(name) == "":
			fail("", "the %s name is empty", langName(lang))
		case utf8.RuneCountInString(name) > MaxNameLength:
			fail("", "the %s name is longer than %d characters", langName(lang), MaxNameLength)
		case strings.ContainsFunc(name, unicode.IsControl):
			fail("", "the %s name contains a control character", langName(lang))
		}
	}
	total := 0
	for _, lang := range sortedLangs(th.Keywords) {
		if !lang.known() {
			fail("", "keywords are given for language %q; only \"nl\" and \"en\" are supported", lang)
			continue
		}
		for _, kw := range th.Keywords[lang] {
			total++
			if problem := keywordProblem(lang, kw); problem != "" {
				fail(kw, "%s", problem)
			}
		}
	}
	switch {
	case total == 0:
		fail("", "the theme needs at least one keyword")
	case total > MaxKeywords:
		fail("", "the theme has %d keywords; at most %d are allowed", total, MaxKeywords)
	}
	return errs
}

// keywordProblem says what is wrong with a keyword, or "" when nothing is.
func keywordProblem(lang Lang, kw string) string {
	kw = strings.TrimSpace(kw)
	body := strings.TrimSuffix(kw, "*")
	switch {
	case kw == "":
		return "the keyword is empty"
	case utf8.RuneCountInString(kw) > MaxKeywordLength:
		return fmt.Sprintf("the keyword is longer than %d characters", MaxKeywordLength)
	case strings.Contains(body, "*"):
		return "a * may only stand at the end of a keyword, to match words that begin so"
	case strings.ContainsFunc(body, func(r rune) bool {
		return !isLetter(r) && !unicode.Is(unicode.Mn, r) && r != ' ' && !isHyphen(r) && !isApostrophe(r)
	}):
		return "a keyword may contain only letters, spaces, hyphens and apostrophes (digits and punctuation are ignored in comments, so they could never match)"
	}
	words, prefix := keywordWords(kw)
	switch {
	case len(words) == 0:
		return "the keyword has no word of two letters or more"
	case len(words) > MaxKeywordWords:
		return fmt.Sprintf("the keyword has %d words; at most %d are allowed", len(words), MaxKeywordWords)
	case prefix && utf8.RuneCountInString(words[len(words)-1]) < MinPrefixLength:
		return fmt.Sprintf("a word ending in * needs at least %d letters before the *", MinPrefixLength)
	case prefix && strings.HasSuffix(body, " "):
		return "the * must follow the word directly (\"factu*\")"
	}
	if len(words) == 1 && !prefix && wordTable[words[0]].class&stopFor[lang.index()] != 0 {
		return fmt.Sprintf("%q is a %s stop word, which occurs in almost every comment; use it in a phrase of two or more words", words[0], langName(lang))
	}
	return ""
}

func validKey(k string) bool {
	if k == "" || len(k) > maxKeyLength || k[0] == '-' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func langName(l Lang) string {
	switch l {
	case Dutch:
		return "Dutch"
	case English:
		return "English"
	}
	return string(l)
}

func sortedLangs[V any](m map[Lang]V) []Lang {
	langs := make([]Lang, 0, len(m))
	for l := range m {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	return langs
}

func cloneTheme(th Theme) Theme {
	c := Theme{Key: th.Key, Name: make(map[Lang]string, len(th.Name)), Keywords: make(map[Lang][]string, len(th.Keywords))}
	for l, n := range th.Name {
		c.Name[l] = n
	}
	for l, kws := range th.Keywords {
		c.Keywords[l] = slices.Clone(kws)
	}
	return c
}

// Themes returns a copy of the taxonomy's themes, sorted by key.
func (tx *Taxonomy) Themes() []Theme {
	out := make([]Theme, len(tx.themes))
	for i, th := range tx.themes {
		out[i] = cloneTheme(th)
	}
	return out
}
