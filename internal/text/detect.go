package text

import "bytes"

// Detect tells whether s is Dutch or English. The evidence is the words of
// the built-in lists (stop words, function words, the sentiment lexicon)
// that belong to one language only, and for other words the letter patterns
// typical of each ("ij", "sch", "-heid" against "th", "wh", "-ly"). When
// that evidence is not clear — "Top!", "Prima service" is clear, "Top
// service" is not — the hint decides: pass the respondent's survey language.
// Without a known hint the answer is then Dutch.
func Detect(s string, hint Lang) Lang {
	sc := getScratch()
	defer putScratch(sc)
	sc.tokenise(s)
	sc.classify()
	return sc.detect(hint)
}

// classify looks up the word class of every token.
func (sc *scratch) classify() {
	for i := range sc.toks {
		t := &sc.toks[i]
		wi := wordTable[string(sc.form(t))]
		t.class, t.weight = wi.class, wi.weight
	}
}

// detectMargin is how much more evidence one language needs than the other
// to overrule the hint: one word of its own, or a few letter patterns.
const detectMargin = 1.0

func (sc *scratch) detect(hint Lang) Lang {
	var nl, en float64
	for i := range sc.toks {
		t := &sc.toks[i]
		isNL, isEN := t.class&vocabNL != 0, t.class&vocabEN != 0
		switch {
		case isNL && !isEN:
			nl++
		case isEN && !isNL:
			en++
		case !isNL && !isEN:
			n, e := letterEvidence(sc.form(t))
			nl += n
			en += e
		}
	}
	switch {
	case nl-en >= detectMargin:
		return Dutch
	case en-nl >= detectMargin:
		return English
	case hint.known():
		return hint
	}
	return Dutch
}

// letterEvidence scores a word unknown to the lists by the letter patterns
// that are common in one language and rare in the other. No single word
// gives more than half the margin, so it takes at least two.
func letterEvidence(w []byte) (nl, en float64) {
	for _, p := range dutchPatterns {
		if p.match(w) {
			nl += p.weight
		}
	}
	for _, p := range englishPatterns {
		if p.match(w) {
			en += p.weight
		}
	}
	return min(nl, 0.5), min(en, 0.5)
}

type letterPattern struct {
	s      string
	where  byte // 'a' anywhere, 's' at the start, 'e' at the end
	weight float64
}

func (p letterPattern) match(w []byte) bool {
	switch p.where {
	case 's':
		return bytes.HasPrefix(w, []byte(p.s))
	case 'e':
		return bytes.HasSuffix(w, []byte(p.s))
	}
	return bytes.Contains(w, []byte(p.s))
}

var dutchPatterns = []letterPattern{
	{"ij", 'a', 0.5}, {"aa", 'a', 0.3}, {"uu", 'a', 0.3}, {"oe", 'a', 0.2}, {"ui", 'a', 0.1},
	{"sch", 'a', 0.2}, {"cht", 'a', 0.3}, {"heid", 'e', 0.4}, {"tje", 'a', 0.4},
	{"ig", 'e', 0.2}, {"en", 'e', 0.15}, {"ge", 's', 0.15}, {"ie", 'e', 0.15}, {"z", 's', 0.15},
}

var englishPatterns = []letterPattern{
	{"th", 'a', 0.4}, {"wh", 'a', 0.4}, {"sh", 'a', 0.2}, {"tion", 'e', 0.2}, {"tions", 'e', 0.2},
	{"ly", 'e', 0.3}, {"ea", 'a', 0.2}, {"ow", 'a', 0.2}, {"aw", 'a', 0.2}, {"y", 'a', 0.2},
	{"ck", 'a', 0.1}, {"ed", 'e', 0.15}, {"ing", 'e', 0.1},
}
