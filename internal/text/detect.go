package text

import (
	"bytes"
	"math"
	"slices"
)

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
	unknown := 0
	for i := range sc.toks {
		t := &sc.toks[i]
		isNL, isEN := t.class&vocabNL != 0, t.class&vocabEN != 0
		switch {
		case isNL && !isEN:
			nl++
		case isEN && !isNL:
			en++
		case !isNL && !isEN:
			unknown++
		}
	}
	// The letters of the unknown words count only when they could change
	// the outcome: each adds at most maxLetterEvidence to one side.
	if d := math.Abs(nl - en); unknown > 0 && d < detectMargin+float64(unknown)*maxLetterEvidence {
		for i := range sc.toks {
			t := &sc.toks[i]
			if t.class&(vocabNL|vocabEN) == 0 {
				n, e := letterEvidence(sc.form(t))
				nl += n
				en += e
			}
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

// maxLetterEvidence caps what the letters of one word count for a
// language: half the margin, so that it takes at least two words.
const maxLetterEvidence = detectMargin / 2

// letterEvidence scores a word unknown to the lists by the letter patterns
// that are common in one language and rare in the other.
func letterEvidence(w []byte) (nl, en float64) {
	for i := range dutchPatterns {
		if p := &dutchPatterns[i]; p.match(w) {
			nl += p.weight
		}
	}
	for i := range englishPatterns {
		if p := &englishPatterns[i]; p.match(w) {
			en += p.weight
		}
	}
	return min(nl, maxLetterEvidence), min(en, maxLetterEvidence)
}

type letterPattern struct {
	s      []byte
	where  byte // 'a' anywhere, 's' at the start, 'e' at the end
	weight float64
}

func (p *letterPattern) match(w []byte) bool {
	switch p.where {
	case 's':
		return bytes.HasPrefix(w, p.s)
	case 'e':
		return bytes.HasSuffix(w, p.s)
	}
	return bytes.Contains(w, p.s)
}

func patterns(where byte, weight float64, list ...string) []letterPattern {
	out := make([]letterPattern, len(list))
	for i, s := range list {
		out[i] = letterPattern{s: []byte(s), where: where, weight: weight}
	}
	return out
}

var dutchPatterns = slices.Concat(
	patterns('a', 0.5, "ij"), patterns('a', 0.3, "aa", "uu", "cht"), patterns('a', 0.2, "oe", "sch"),
	patterns('a', 0.1, "ui"), patterns('a', 0.4, "tje"), patterns('e', 0.4, "heid"), patterns('e', 0.2, "ig"),
	patterns('e', 0.15, "en", "ie"), patterns('s', 0.15, "ge", "z"),
)

var englishPatterns = slices.Concat(
	patterns('a', 0.4, "th", "wh"), patterns('a', 0.2, "sh", "ea", "ow", "aw", "y"), patterns('a', 0.1, "ck"),
	patterns('e', 0.2, "tion", "tions"), patterns('e', 0.3, "ly"), patterns('e', 0.15, "ed"), patterns('e', 0.1, "ing"),
)
