package text

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// Breaks recorded on a token for what stood between it and the word before.
const (
	// brkClause: punctuation or a line break ended a clause. Negation,
	// intensifiers and multi-word keywords do not reach across it.
	brkClause uint8 = 1 << iota
	// brkPhrase: something the tokeniser dropped (a number, an emoji, an
	// overlong word) stood there, so no key phrase spans the gap.
	brkPhrase
)

// maxWordBytes drops "words" longer than any real one (pasted hashes, URLs
// without separators) before they reach the stemmer and its memo.
const maxWordBytes = 48

// token is one word of a comment. Its folded form lives in scratch.buf.
type token struct {
	start, end int32 // the word's bytes in the original text
	fs, fe     int32 // the folded form's bytes in scratch.buf
	brk        uint8
	class      wordClass
	stems      [2]string // the stem by each language's stemmer (Lang.index)
	weight     float32   // the sentiment weight of the word
	lexPhrase  bool      // the stem starts a phrase of the lexicon
}

// scratch holds the buffers of one analysis; pooled, so that analysing a
// comment allocates only what it returns.
type scratch struct {
	buf   []byte
	toks  []token
	emoji float64                // summed polarity of the emoji seen
	memo  [2]map[string]wordData // per language: see word
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{buf: make([]byte, 0, 512), toks: make([]token, 0, 64),
		memo: [2]map[string]wordData{make(map[string]wordData, 1024), make(map[string]wordData, 1024)}}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	// A pasted novel must not keep its buffers alive in the pool.
	if cap(sc.buf) > 64<<10 || cap(sc.toks) > 8192 {
		return
	}
	scratchPool.Put(sc)
}

func (sc *scratch) form(t *token) []byte { return sc.buf[t.fs:t.fe] }

// tokenise splits s into words: letters only, lower-cased and folded
// ("één" → "een"), apostrophes inside a word dropped ("reactie's" →
// "reacties", "don't" → "dont"), a hyphen after a single letter joined
// ("e-mail" → "email") and any other hyphen splitting ("user-friendly" →
// "user", "friendly"). Digits, emoji and punctuation are dropped; they only
// leave breaks on the next token. Words of one letter are dropped too.
func (sc *scratch) tokenise(s string) {
	sc.buf, sc.toks, sc.emoji = sc.buf[:0], sc.toks[:0], 0
	var (
		cur       token
		inWord    bool
		partRunes int // letters since the word's start or its last hyphen
		runes     int // letters in the word
		pending   uint8
	)
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case isLetter(r):
			if !inWord {
				cur = token{start: int32(i), fs: int32(len(sc.buf)), brk: pending}
				pending, inWord, partRunes, runes = 0, true, 0, 0
			}
			sc.buf = appendFolded(sc.buf, r)
			partRunes++
			runes++
		case inWord && unicode.Is(unicode.Mn, r):
			// The combining accent of a decomposed letter: folding drops it.
		case inWord && isApostrophe(r) && letterAt(s, i+size):
			// One word without the apostrophe.
		case inWord && isHyphen(r) && letterAt(s, i+size) && partRunes == 1:
			partRunes = 0 // "e-mail": one word
		default:
			wasInWord := inWord
			if inWord {
				pending = sc.endWord(&cur, i, runes)
				inWord = false
			}
			pending |= sc.separator(r, wasInWord)
		}
		i += size
	}
	if inWord {
		sc.endWord(&cur, len(s), runes)
	}
}

// endWord keeps the word ending at end, or drops it and returns the breaks
// that must pass on to the next word.
func (sc *scratch) endWord(t *token, end, runes int) uint8 {
	t.end, t.fe = int32(end), int32(len(sc.buf))
	switch {
	case runes < 2:
		sc.buf = sc.buf[:t.fs]
		return t.brk
	case t.fe-t.fs > maxWordBytes:
		sc.buf = sc.buf[:t.fs]
		return t.brk | brkPhrase
	}
	sc.toks = append(sc.toks, *t)
	return 0
}

// separator classifies a dropped character by the breaks it leaves.
func (sc *scratch) separator(r rune, afterWord bool) uint8 {
	switch r {
	case ' ', '\t', '\r', '"', '\'', '/', '&', '+', '*', '#', '@', '_', '%', '=', '<', '>', '|', '~', '^', 0xA0, 0x2018, 0x2019, 0x201C, 0x201D, 0x00AB, 0x00BB:
		return 0
	case '.', ',', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '\n', 0x2026, 0x2013, 0x2014, 0x2022, 0x00B7, 0x00A1, 0x00BF:
		return brkClause | brkPhrase
	case '-', 0x2010, 0x2011:
		if afterWord {
			return 0 // "op- of afschalen", or a hyphen before a digit
		}
		return brkClause | brkPhrase // a dash between spaces
	}
	if r < utf8.RuneSelf || unicode.IsSpace(r) {
		if '0' <= r && r <= '9' {
			return brkPhrase
		}
		return 0
	}
	if unicode.IsNumber(r) {
		return brkPhrase
	}
	if unicode.IsPunct(r) {
		return brkClause | brkPhrase
	}
	sc.emoji += emojiPolarity(r)
	return brkPhrase
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == 0x2019 || r == 0x2018 || r == '`' || r == 0xB4
}

func isHyphen(r rune) bool { return r == '-' || r == 0x2010 || r == 0x2011 }

func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isLetter(r)
}

// appendFolded appends r lower-cased, with the diacritics of Latin letters
// removed, so that "Één", "een" and "eén" are one word.
func appendFolded(buf []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(buf, byte(r))
	}
	r = unicode.ToLower(r)
	if r >= foldFirst && r < foldFirst+rune(len(foldTable)) {
		if f := foldTable[r-foldFirst]; f != "" {
			return append(buf, f...)
		}
	}
	return utf8.AppendRune(buf, r)
}

// foldTable maps the lower-case letters of Latin-1 and Latin Extended-A to
// their plain spelling.
const foldFirst = 0xC0

var foldTable = func() [0x180 - foldFirst]string {
	var t [0x180 - foldFirst]string
	for plain, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđð", "e": "èéêëēĕėęě",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķĸ",
		"l": "ĺļľŀł", "n": "ñńņňŉŋ", "o": "òóôõöøōŏő", "r": "ŕŗř",
		"s": "śŝşšſ", "t": "ţťŧ", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ",
		"z": "źżž", "ae": "æ", "oe": "œ", "ij": "ĳ", "ss": "ß", "th": "þ",
	} {
		for _, r := range letters {
			t[r-foldFirst] = plain
		}
	}
	return t
}()

// emojiPolarity gives the common emoji of praise and complaint a weight; the
// rest count for nothing.
func emojiPolarity(r rune) float64 {
	switch r {
	case 0x1F44D, 0x1F44F, 0x1F64C, 0x1F600, 0x1F601, 0x1F603, 0x1F604, 0x1F60A,
		0x1F642, 0x1F60D, 0x1F970, 0x1F60E, 0x1F609, 0x1F929, 0x263A, 0x2764,
		0x1F4AA, 0x1F44C, 0x1F64F, 0x2B50, 0x1F31F, 0x1F389, 0x1F4AF, 0x1F51D:
		return 1
	case 0x1F44E, 0x1F621, 0x1F620, 0x1F92C, 0x1F624, 0x1F641, 0x2639, 0x1F61E,
		0x1F622, 0x1F62D, 0x1F629, 0x1F62B, 0x1F644, 0x1F612, 0x1F615, 0x1F4A9,
		0x1F616, 0x1F623, 0x1F630:
		return -1
	}
	return 0
}

// Token is one word of a text as the analysis sees it.
type Token struct {
	// Word is the word lower-cased with its diacritics folded ("een" for
	// "Één"), apostrophes dropped and "e-" joined ("email").
	Word string `json:"word"`
	// Stem is the word's Snowball stem in the text's language.
	Stem string `json:"stem"`
	// Stop tells whether the word is a stop word of that language.
	Stop bool `json:"stop"`
}

// Tokens splits s into words, the way Analyse does, and returns them with
// the detected language (the hint decides when the text does not).
func Tokens(s string, hint Lang) (Lang, []Token) {
	sc := getScratch()
	defer putScratch(sc)
	lang := sc.prepare(s, hint)
	li := lang.index()
	out := make([]Token, len(sc.toks))
	for i := range sc.toks {
		t := &sc.toks[i]
		out[i] = Token{Word: string(sc.form(t)), Stem: t.stems[li], Stop: t.class&stopFor[li] != 0}
	}
	return lang, out
}
