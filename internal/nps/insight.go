package nps

import "slices"

// Sentiment is the tone of a comment as the text analysis reads it; ""
// for a response without a comment.
type Sentiment string

// The three sentiments.
const (
	Positive Sentiment = "positive"
	Neutral  Sentiment = "neutral"
	Negative Sentiment = "negative"
)

// Sentiments lists the sentiments, positive first.
var Sentiments = []Sentiment{Positive, Neutral, Negative}

// ResponseInsight is a response as the comment analysis reads it and what
// it found. The store hands out the response's fields; the analysis fills
// in the rest. Revision is the version analysed, so that an answer that
// changed meanwhile is not overwritten with the analysis of its old text.
type ResponseInsight struct {
	ResponseID, SurveyID, WaveID, AccountID int64
	Revision                                int
	Score                                   int
	Comment, Language                       string
	Intent                                  SwitchIntent

	Themes          []string // sorted, unique theme keys
	Sentiment       Sentiment
	SentimentScore  float64 // −1 … +1
	CommentLanguage string
}

// Counted reports whether the insight rollups count the response: it has
// a comment or answered the switching question.
func (r ResponseInsight) Counted() bool { return r.Comment != "" || r.Intent != "" }

// Validate checks what the analysis found before it is stored.
func (r ResponseInsight) Validate() error {
	if !ValidScore(r.Score) {
		return fieldError("score", "%d is not on the 0–10 scale", r.Score)
	}
	switch r.Intent {
	case "", SwitchYes, SwitchNo, SwitchUnsure:
	default:
		return fieldError("intent", "%q is not a switching answer", string(r.Intent))
	}
	switch {
	case r.Comment == "" && (r.Sentiment != "" || len(r.Themes) > 0):
		return fieldError("sentiment", "a response without a comment has no sentiment or themes")
	case r.Comment != "" && !slices.Contains(Sentiments, r.Sentiment):
		return fieldError("sentiment", "%q is not a sentiment", string(r.Sentiment))
	case !(r.SentimentScore >= -1 && r.SentimentScore <= 1):
		return fieldError("sentiment_score", "%v must lie from -1 to 1", r.SentimentScore)
	}
	for i, t := range r.Themes {
		if t == "" || (i > 0 && r.Themes[i-1] >= t) {
			return fieldError("themes", "%q: themes must be non-empty, sorted and unique", r.Themes)
		}
	}
	return nil
}
