package text

import (
	"bytes"
	"math"
	"strings"
)

// Analyse detects the comment's language (hint decides when the text does
// not), matches the taxonomy's themes and scores the sentiment. A nil
// taxonomy matches no themes. An empty comment gives no themes and a
// neutral score of 0. The key phrases are Phrases: the store analyses every
// comment and keeps no phrases, so they are not made here.
func (tx *Taxonomy) Analyse(comment string, hint Lang) Analysis {
	sc := getScratch()
	defer putScratch(sc)
	lang := sc.prepare(comment, hint)
	score := sc.sentiment(lang)
	return Analysis{
		Lang:      lang,
		Themes:    tx.themeKeys(tx.match(sc)),
		Score:     score,
		Sentiment: label(score),
	}
}

// Phrases returns the comment's key phrases, the runs of two and three
// content words of a clause, once per key, in text order; hint decides
// the language when the text does not.
func Phrases(comment string, hint Lang) []Phrase {
	sc := getScratch()
	defer putScratch(sc)
	lang := sc.prepare(comment, hint)
	return sc.phrases(comment, lang)
}

// prepare tokenises s, detects its language and stems its words with both
// stemmers: the detected language's stems make the key phrases and weigh
// the sentiment, and each language's keywords match on its own stems.
func (sc *scratch) prepare(s string, hint Lang) Lang {
	sc.tokenise(s)
	sc.classify()
	lang := sc.detect(hint)
	own := lang.index()
	otherLang := English
	if lang == English {
		otherLang = Dutch
	}
	for i := range sc.toks {
		t := &sc.toks[i]
		f := sc.form(t)
		d, o := sc.word(lang, f), sc.word(otherLang, f)
		t.stems[own], t.stems[1-own] = d.stem, o.stem
		t.lexPhrase = d.phrase
		switch {
		case t.class&formWeight != 0:
		case d.weight != 0:
			t.weight = d.weight
		case t.class&vocabOf[1-own] != 0 && t.class&vocabOf[own] == 0:
			// A word of the other language's lexicon: "prima" in English.
			t.weight = o.weight
		}
	}
	return lang
}

// themeSet is a set of theme indexes; a taxonomy has at most 128 themes.
type themeSet [2]uint64

func (s *themeSet) add(i int)      { s[i>>6] |= 1 << (i & 63) }
func (s *themeSet) has(i int) bool { return s[i>>6]&(1<<(i&63)) != 0 }

// match returns the themes whose keywords occur in the stemmed tokens.
func (tx *Taxonomy) match(sc *scratch) themeSet {
	var set themeSet
	if tx == nil {
		return set
	}
	for i := range sc.toks {
		t := &sc.toks[i]
		for li := range tx.byStem {
			kws := tx.byStem[li][t.stems[li]]
			for k := range kws {
				if kw := &kws[k]; !set.has(kw.theme) && sc.matchRest(i, kw) {
					set.add(kw.theme)
				}
			}
		}
		if f := sc.form(t); len(tx.byPrefix) > 0 && len(f) >= MinPrefixLength {
			for _, kw := range tx.byPrefix[string(f[:MinPrefixLength])] {
				if !set.has(kw.theme) && bytes.HasPrefix(f, []byte(kw.words[0])) {
					set.add(kw.theme)
				}
			}
		}
	}
	return set
}

// matchRest tells whether the words of kw after its first follow token i
// within its clause.
func (sc *scratch) matchRest(i int, kw *keyword) bool {
	p := i
	for j, w := range kw.words {
		last := j == len(kw.words)-1
		skips := 0
		if last && kw.separable {
			skips = separableMaxSkips
		}
		found := false
		for ; p+1 < len(sc.toks) && skips >= 0; skips-- {
			p++
			t := &sc.toks[p]
			if t.brk&brkClause != 0 {
				return false
			}
			if last && kw.prefix {
				found = bytes.HasPrefix(sc.form(t), []byte(w))
			} else {
				found = t.stems[kw.lang] == w
			}
			if found {
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (tx *Taxonomy) themeKeys(set themeSet) []string {
	if set == (themeSet{}) {
		return nil
	}
	var keys []string
	for i := range tx.themes {
		if set.has(i) {
			keys = append(keys, tx.themes[i].Key)
		}
	}
	return keys
}

// The sentiment rules. The weights were chosen on the golden set of
// hand-labelled comments (see docs/TEXT.md).
const (
	negWindow     = 3    // words after a negator whose polarity it flips
	negPositive   = 0.8  // "niet goed": a negated positive counts this much as negative
	negNegative   = 0.5  // "not bad": a negated negative counts this much as positive
	negBack       = 4    // words before a Dutch "niet" it may negate ("kloppen vaak niet")
	bareNegation  = -0.8 // "we worden niet geïnformeerd": a negation with no word of sentiment
	boostWindow   = 2    // words after an intensifier or diminisher it reaches
	intensify     = 1.5  // "zeer goed"
	diminish      = 0.5  // "een beetje traag"
	modalWindow   = 4    // words after "kan" in which "beter" turns into a complaint
	improveModal  = -0.7 // "kan beter", "could be faster", "room for improvement"
	contrastFirst = 0.5  // "goed, maar duur": what went before the "maar" counts this much
	contrastAfter = 1.25 // and what follows it this much
	concessionArg = 0.5  // "hoewel duur, …": the conceded clause counts this much
	caveatWeight  = 0.5  // "…, alleen de prijs is hoog": a closing remark counts this much
	emojiCap      = 2.0  // emoji together count at most this much
	scoreSpread   = 4.0  // the score is s/√(s²+spread): 1 → 0.45, 2 → 0.71
	labelAt       = 0.15 // |score| from which a comment is positive or negative
)

func label(score float64) Sentiment {
	switch {
	case score >= labelAt:
		return Positive
	case score <= -labelAt:
		return Negative
	}
	return Neutral
}

// flip negates a weight: fully enough for a negated positive, by half for a
// negated negative ("not bad" is faint praise).
func flip(w float64) float64 {
	if w > 0 {
		return -w * negPositive
	}
	return -w * negNegative
}

// sentiment sums the lexicon weights of the words, adjusted by the function
// words before them, and squashes the sum into [-1, 1].
func (sc *scratch) sentiment(lang Lang) float64 {
	toks := sc.toks
	var (
		sum, lastAdd      float64
		factor, boost     = 1.0, 1.0
		negUntil, boostTo = -1, -1
		modalTo, tooAt    = -1, -1
		clause, last      = 0, -1 // where the clause starts; the last word that counted
	)
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.brk&brkClause != 0 {
			negUntil, boostTo, modalTo, tooAt, factor, clause = -1, -1, -1, -1, 1, i
		}
		c := t.class
		w, span := float64(t.weight), 1
		if t.lexPhrase {
			if pw, n := sc.lexPhraseAt(lang, i); n > 0 {
				w, span = pw, n
			}
		}
		switch {
		case span > 1:
			// A phrase weighs as a whole.
		case tooAt == i && c&dimension != 0:
			w = min(w*intensify, -1) // "te lang", "too expensive"
		case c&negator != 0:
			if sc.nextHas(i, only) {
				i++ // "niet alleen … maar ook": no negation
				continue
			}
			if c&modal != 0 {
				modalTo = i + modalWindow // "couldn't be better"
			}
			switch {
			case sc.sentimentWithin(lang, i, negWindow):
				negUntil = i + negWindow
			case c&softNegator != 0:
			case c&postVerbal != 0 && lang == Dutch && last >= clause && last >= i-negBack:
				sum += flip(lastAdd) - lastAdd // "de facturen kloppen niet"
				last = -1
			default:
				sum += bareNegation * factor
			}
			continue
		case c&caveat != 0 && i == clause:
			factor = caveatWeight
			continue
		case c&contrast != 0:
			if sc.nextHas(i, also) {
				i++ // "maar ook": no contrast
				continue
			}
			sum *= contrastFirst
			factor, negUntil, last = contrastAfter, -1, -1
			continue
		case c&concession != 0:
			factor = concessionArg
			continue
		case c&too != 0:
			tooAt = i + 1
			continue
		case c&modal != 0:
			modalTo = i + modalWindow
			continue
		case c&(intensifier|diminisher) != 0 && (w == 0 || sc.sentimentWithin(lang, i, boostWindow)):
			boost, boostTo = intensify, i+boostWindow
			if c&diminisher != 0 {
				boost = diminish
			}
			continue
		case c&improve != 0 && i <= modalTo:
			w = improveModal
		}
		if w != 0 {
			if i <= boostTo && i > negUntil {
				w *= boost // but "niet zo goed" is no stronger than "niet goed"
			}
			boostTo = -1
			if i <= negUntil {
				w = flip(w)
				negUntil = -1
			}
			lastAdd = w * factor
			sum += lastAdd
			last = i
		}
		i += span - 1
	}
	sum += max(-emojiCap, min(emojiCap, sc.emoji))
	return sum / math.Sqrt(sum*sum+scoreSpread)
}

// nextHas tells whether the token after i, in the same clause, has class c.
func (sc *scratch) nextHas(i int, c wordClass) bool {
	return i+1 < len(sc.toks) && sc.toks[i+1].brk&brkClause == 0 && sc.toks[i+1].class&c != 0
}

// sentimentWithin tells whether a word that carries sentiment, or turns
// the next one negative ("te", "beter"), follows token i within n words of
// its clause: then a negator or intensifier modifies it ("super snel")
// rather than counting on its own ("super!"). A conjunction ends the
// reach as a clause does.
func (sc *scratch) sentimentWithin(lang Lang, i, n int) bool {
	for j := i + 1; j <= i+n && j < len(sc.toks); j++ {
		t := &sc.toks[j]
		if t.brk&brkClause != 0 || t.class&conjunction != 0 {
			return false
		}
		if t.weight != 0 || t.class&(too|improve) != 0 {
			return true
		}
		if t.lexPhrase {
			if _, n := sc.lexPhraseAt(lang, j); n > 0 {
				return true
			}
		}
	}
	return false
}

// lexPhraseAt returns the weight and length of the longest lexicon phrase
// starting at token i, or a length of 0.
func (sc *scratch) lexPhraseAt(lang Lang, i int) (float64, int) {
	var weight float64
	best := 0
	li := lang.index()
	for _, p := range lexicons[li].phrases[sc.toks[i].stems[li]] {
		n := 1 + len(p.rest)
		if n <= best || i+n > len(sc.toks) {
			continue
		}
		ok := true
		for j, s := range p.rest {
			t := &sc.toks[i+1+j]
			if t.brk&brkClause != 0 || t.stems[li] != s {
				ok = false
				break
			}
		}
		if ok {
			weight, best = float64(p.weight), n
		}
	}
	return weight, best
}

// phrases lists the runs of two and three consecutive content words of a
// clause of the prepared comment s, once per key.
func (sc *scratch) phrases(s string, lang Lang) []Phrase {
	var out []Phrase
	toks := sc.toks
	skip := stopFor[lang.index()] | functionWord
	for i := range toks {
		if toks[i].class&skip != 0 {
			continue
		}
		for n := 2; n <= 3 && i+n <= len(toks); n++ {
			t := &toks[i+n-1]
			if t.brk != 0 || t.class&skip != 0 {
				break
			}
			out = appendPhrase(out, s, toks[i:i+n], lang.index())
		}
	}
	return out
}

func appendPhrase(out []Phrase, s string, run []token, li int) []Phrase {
	var kb [3 * maxWordBytes]byte
	key := kb[:0]
	for i := range run {
		if i > 0 {
			key = append(key, ' ')
		}
		key = append(key, run[i].stems[li]...)
	}
	for _, p := range out {
		if p.Key == string(key) {
			return out
		}
	}
	return append(out, Phrase{Key: string(key), Text: surface(s, run)})
}

// surface returns the words of run as written, lower-cased: a slice of the
// comment when one character separates each ("snelle levering",
// "prijs-kwaliteit"), else the words joined by single spaces.
func surface(s string, run []token) string {
	tight := true
	for i := 1; i < len(run); i++ {
		if run[i].start-run[i-1].end != 1 {
			tight = false
		}
	}
	if tight {
		return strings.ToLower(s[run[0].start:run[len(run)-1].end])
	}
	return words(s, run)
}
