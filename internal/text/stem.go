package text

import (
	"sync"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
)

// stemWord runs the Snowball stemmer of lang on a folded word.
func stemWord(lang Lang, w string) string {
	env := snowballstem.NewEnv(w)
	if lang == Dutch {
		dutch.Stem(env)
		return undouble(env.Current())
	}
	english.Stem(env)
	return env.Current()
}

// undouble drops the second of two equal final consonants. The Dutch
// Snowball stemmer undoubles only kk, dd and tt, so "snel" and "snelle"
// would stem apart ("snel", "snell"); this makes them one.
func undouble(s string) string {
	n := len(s)
	if n < 3 || s[n-1] != s[n-2] {
		return s
	}
	switch c := s[n-1]; {
	case c < 'a' || c > 'z', c == 'a', c == 'e', c == 'i', c == 'o', c == 'u', c == 'y':
		return s
	}
	return s[:n-1]
}

// wordData is what the memo keeps per folded word and language.
type wordData struct {
	word   string // the folded word, the memo's key
	stem   string
	weight float32 // sentiment weight of the stem
	phrase bool    // the stem starts a lexicon phrase
}

// The stem memo. Stemming costs about a microsecond and several small
// allocations per word, while the words of NPS comments repeat endlessly,
// so each language keeps a sharded map from folded word to its data. A
// full shard is emptied rather than grown: comments are attacker-controlled
// text and must not grow memory without bound (64 × 4096 words at most).
// Each pooled scratch keeps a smaller memo of its own in front of it, so
// that the common words cost no lock: the shared memo's locks on the
// shards of "de" and "the" would bounce between the cores.
const (
	memoShards   = 64
	memoShardCap = 4096
)

type memoShard struct {
	mu sync.RWMutex
	m  map[string]wordData
}

var memo [2][memoShards]memoShard

// lookupWord returns the stem and lexicon data of a folded word form.
func lookupWord(lang Lang, form []byte) wordData {
	li := lang.index()
	h := uint32(2166136261) // FNV-1a
	for _, c := range form {
		h = (h ^ uint32(c)) * 16777619
	}
	sh := &memo[li][h%memoShards]
	sh.mu.RLock()
	d, ok := sh.m[string(form)]
	sh.mu.RUnlock()
	if ok {
		return d
	}
	w := string(form)
	d.word, d.stem = w, stemWord(lang, w)
	lx := &lexicons[li]
	d.weight = lx.words[d.stem]
	_, d.phrase = lx.phrases[d.stem]
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= memoShardCap {
		sh.m = make(map[string]wordData, 256)
	}
	sh.m[w] = d
	sh.mu.Unlock()
	return d
}

// localMemoCap bounds a scratch's own memo per language.
const localMemoCap = 4096

// word returns the memo data of a folded word, from the scratch's own memo
// when it has it.
func (sc *scratch) word(lang Lang, form []byte) wordData {
	m := sc.memo[lang.index()]
	if d, ok := m[string(form)]; ok {
		return d
	}
	d := lookupWord(lang, form)
	if len(m) >= localMemoCap {
		clear(m)
	}
	m[d.word] = d
	return d
}
