package text

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Suggestion is a candidate theme: a key phrase or a single word that many
// of the comments matching no theme share.
type Suggestion struct {
	// Key is the proposed theme key, unique against the taxonomy's keys and
	// the other suggestions of the same Discover call.
	Key string `json:"key"`
	// Text is the words in their most common written form, lower-cased.
	Text string `json:"text"`
	// Lang is the language of the comments it was found in.
	Lang Lang `json:"lang"`
	// Count is the number of comments that mention it.
	Count int `json:"count"`
	// Examples holds the indexes of up to three of those comments.
	Examples []int `json:"examples"`
}

// Theme turns the suggestion into a theme the workspace can adopt as it is:
// the proposed key, the text as name and as its one keyword, which matches
// on stems like any other keyword.
func (s Suggestion) Theme() Theme {
	r, size := utf8.DecodeRuneInString(s.Text)
	name := string(unicode.ToUpper(r)) + s.Text[size:]
	return Theme{
		Key:      s.Key,
		Name:     map[Lang]string{s.Lang: name},
		Keywords: map[Lang][]string{s.Lang: {s.Text}},
	}
}

const (
	// MinSuggestionCount is how many comments a suggestion needs at least:
	// what fewer mention is an anecdote, not a theme.
	MinSuggestionCount = 3
	maxExamples        = 3
	maxForms           = 8 // written forms counted per candidate
)

// candidate is a phrase or word counted by Discover.
type candidate struct {
	lang     Lang
	stems    []string
	count    int
	lastDoc  int
	examples []int
	forms    map[string]int
}

// Discover finds what the comments that match no theme of tx talk about:
// the key phrases and single content words (no stop words, no words of
// sentiment, no generic words like "klant" or "company") that at least
// MinSuggestionCount of them share, leaving out whatever shares a stem or
// prefix with the taxonomy's keywords. Phrases rank above words of the same
// count; a candidate that shares a word with a better one is left out, so
// "lange levertijd" and "levertijd" are not both suggested. At most max
// suggestions are returned, best first. A nil taxonomy counts every comment.
func Discover(comments []string, tx *Taxonomy, hint Lang, max int) []Suggestion {
	if max <= 0 {
		return nil
	}
	cands := map[string]*candidate{}
	sc := getScratch()
	defer putScratch(sc)
	var key []byte
	for doc, comment := range comments {
		lang := sc.prepare(comment, hint)
		if tx.match(sc) != (themeSet{}) {
			continue
		}
		li := lang.index()
		skip := stopFor[li] | functionWord | generic
		toks := sc.toks
		for i := range toks {
			for n := 1; n <= 3 && i+n <= len(toks); n++ {
				t := &toks[i+n-1]
				if t.class&skip != 0 || t.weight != 0 || n > 1 && t.brk != 0 || tx.covers(li, t, sc.form(t)) {
					break
				}
				if n == 1 && utf8.RuneCount(sc.form(t)) < 3 {
					break
				}
				key = append(key[:0], lang...)
				for j := i; j < i+n; j++ {
					key = append(key, ' ')
					key = append(key, toks[j].stems[li]...)
				}
				c := cands[string(key)]
				if c == nil {
					c = &candidate{lang: lang, lastDoc: -1, forms: map[string]int{}}
					for j := i; j < i+n; j++ {
						c.stems = append(c.stems, toks[j].stems[li])
					}
					cands[string(key)] = c
				}
				c.mention(doc, words(comment, toks[i:i+n]))
			}
		}
	}
	return pick(cands, tx, max)
}

// mention records one mention in comment doc, written as form.
func (c *candidate) mention(doc int, form string) {
	if _, ok := c.forms[form]; ok || len(c.forms) < maxForms {
		c.forms[form]++
	}
	if c.lastDoc == doc {
		return
	}
	c.lastDoc = doc
	c.count++
	if len(c.examples) < maxExamples {
		c.examples = append(c.examples, doc)
	}
}

// covers tells whether the taxonomy already has a keyword on this word.
func (tx *Taxonomy) covers(li int, t *token, form []byte) bool {
	if tx == nil {
		return false
	}
	if tx.stems[li][t.stems[li]] {
		return true
	}
	if len(form) >= MinPrefixLength {
		for _, kw := range tx.byPrefix[string(form[:MinPrefixLength])] {
			if strings.HasPrefix(string(form), kw.words[0]) {
				return true
			}
		}
	}
	return false
}

// words returns the words of run as written, lower-cased and joined by
// single spaces, so that the text is a valid keyword.
func words(s string, run []token) string {
	var b strings.Builder
	for i := range run {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(s[run[i].start:run[i].end]))
	}
	return b.String()
}

// pick ranks the candidates and keeps the best max that share no word.
func pick(cands map[string]*candidate, tx *Taxonomy, max int) []Suggestion {
	var ranked []*candidate
	for _, c := range cands {
		if c.count >= MinSuggestionCount {
			ranked = append(ranked, c)
		}
	}
	score := func(c *candidate) int { return c.count * (len(c.stems) + 1) }
	slices.SortFunc(ranked, func(a, b *candidate) int {
		return cmp.Or(cmp.Compare(score(b), score(a)), cmp.Compare(b.count, a.count),
			cmp.Compare(strings.Join(a.stems, " "), strings.Join(b.stems, " ")), strings.Compare(string(a.lang), string(b.lang)))
	})
	used := map[string]bool{}
	if tx != nil {
		for _, th := range tx.themes {
			used[th.Key] = true
		}
	}
	taken := map[string]bool{} // lang + stem of the words already suggested
	var out []Suggestion
	for _, c := range ranked {
		if len(out) == max {
			break
		}
		if slices.ContainsFunc(c.stems, func(s string) bool { return taken[string(c.lang)+s] }) {
			continue
		}
		text := c.text()
		if utf8.RuneCountInString(text) > MaxKeywordLength {
			continue
		}
		for _, s := range c.stems {
			taken[string(c.lang)+s] = true
		}
		key := uniqueKey(slug(text), used)
		used[key] = true
		out = append(out, Suggestion{Key: key, Text: text, Lang: c.lang, Count: c.count, Examples: c.examples})
	}
	return out
}

// text returns the most common written form, the first in order on a tie.
func (c *candidate) text() string {
	best, n := "", 0
	for f, k := range c.forms {
		if k > n || k == n && f < best {
			best, n = f, k
		}
	}
	return best
}

// slug makes a theme key of a text: folded letters and digits, words joined
// by hyphens, at most maxKeyLength characters cut at a word's end.
func slug(text string) string {
	var b []byte
	for _, r := range text {
		if isLetter(r) {
			b = appendFolded(b, r)
			continue
		}
		if isApostrophe(r) {
			continue
		}
		if len(b) > 0 && b[len(b)-1] != '-' {
			b = append(b, '-')
		}
	}
	s := string(b)
	s = strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, s)
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	s = strings.Trim(s, "-")
	for len(s) > maxKeyLength {
		i := strings.LastIndexByte(s[:maxKeyLength], '-')
		if i <= 0 {
			s = s[:maxKeyLength]
			break
		}
		s = s[:i]
	}
	s = strings.Trim(s, "-")
	if s == "" {
		s = "theme"
	}
	return s
}

// uniqueKey appends -2, -3, … to key until it is not used.
func uniqueKey(key string, used map[string]bool) string {
	if !used[key] {
		return key
	}
	for n := 2; ; n++ {
		suffix := "-" + strconv.Itoa(n)
		base := key
		if len(base)+len(suffix) > maxKeyLength {
			base = strings.TrimRight(base[:maxKeyLength-len(suffix)], "-")
		}
		if k := base + suffix; !used[k] {
			return k
		}
	}
}
