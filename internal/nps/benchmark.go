package nps

import (
	"math"
	"strings"
	"time"
)

// Benchmark is a sector figure the team entered to read the workspace's
// own NPS against ("Dutch IT services 2025: +31"), with its interval or
// sample size when the source gives them.
type Benchmark struct {
	ID          int64
	WorkspaceID int64
	Name        string
	NPS         float64
	// Low and High bound the source's interval; both zero-valued and
	// HasInterval false when it gives none.
	Low, High   float64
	HasInterval bool
	// N is the source's sample size; 0 when unknown.
	N         int64
	Source    string
	CreatedAt time.Time
}

// Validate reports the first problem with b's fields.
func (b Benchmark) Validate() error {
	if err := checkLine("name", b.Name, maxName, true); err != nil {
		return err
	}
	if err := checkLine("source", b.Source, maxName, false); err != nil {
		return err
	}
	inRange := func(x float64) bool { return !math.IsNaN(x) && x >= -100 && x <= 100 }
	if !inRange(b.NPS) {
		return fieldError("nps", "must be a number from -100 to 100")
	}
	if b.HasInterval {
		if !inRange(b.Low) || !inRange(b.High) {
			return fieldError("low", "the interval must lie from -100 to 100")
		}
		if b.Low > b.NPS || b.NPS > b.High {
			return fieldError("low", "the interval must contain the NPS (low ≤ NPS ≤ high)")
		}
	}
	if b.N < 0 {
		return fieldError("n", "must not be negative")
	}
	return nil
}

// maxTag bounds the length of a response tag.
const maxTag = 40

// NormalizeTag returns a tag as it is stored: trimmed and lower-case, so
// that "Pricing" and "pricing " are one tag; an empty or over-long tag is
// an error.
func NormalizeTag(tag string) (string, error) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if err := checkLine("tag", tag, maxTag, true); err != nil {
		return "", err
	}
	return tag, nil
}
