// Package text analyses the open follow-up comments of NPS responses, in Dutch
// and English: language detection, tokenising, stop words, stemming, key
// phrases, theme matching against a taxonomy, lexicon-based sentiment, and
// suggestions of new themes from what the taxonomy misses.
//
// It takes text in and gives values out: no database, no I/O, nothing of the
// rest of Promotor. Everything here is safe for concurrent use. Analyse runs
// for every stored comment, so the hot path reuses pooled buffers and
// memoises stems; it allocates only for the values it returns.
package text

// Lang is a comment's language as an ISO 639-1 code.
type Lang string

// The languages the analysis knows. Any other value, the empty string
// included, means "unknown" wherever a hint is accepted.
const (
	Dutch   Lang = "nl"
	English Lang = "en"
)

func (l Lang) known() bool { return l == Dutch || l == English }

// index gives the language a slot in per-language tables.
func (l Lang) index() int {
	if l == Dutch {
		return 0
	}
	return 1
}

// Sentiment is the overall tone of a comment.
type Sentiment string

// The three sentiment labels.
const (
	Positive Sentiment = "positive"
	Neutral  Sentiment = "neutral"
	Negative Sentiment = "negative"
)

// Analysis is what Analyse finds in one comment.
type Analysis struct {
	// Lang is the detected language (the hint when the text is not clear).
	Lang Lang `json:"lang"`
	// Themes holds the keys of the matched themes, sorted and unique.
	Themes []string `json:"themes"`
	// Score is the sentiment on a scale from -1 (negative) to 1 (positive).
	Score float64 `json:"score"`
	// Sentiment is Score as a label.
	Sentiment Sentiment `json:"sentiment"`
}

// Phrase is a run of two or three consecutive content words.
type Phrase struct {
	// Key is the words' stems joined by spaces, so that "snelle reactie"
	// and "snel reageren" group under one key when they stem alike.
	Key string `json:"key"`
	// Text is the words as written, lower-cased, joined by single spaces.
	Text string `json:"text"`
}
