package nps

import (
	"fmt"
	"time"
)

// DigestFrequency is how often a user receives a workspace's digest
// email: never (the default), every week or every month.
type DigestFrequency string

// The digest frequencies.
const (
	DigestNone    DigestFrequency = "none"
	DigestWeekly  DigestFrequency = "weekly"
	DigestMonthly DigestFrequency = "monthly"
)

// DigestHour is the hour of the day, in UTC, at which digests go out:
// early on a working morning in Europe (08:00 or 09:00 in the
// Netherlands), so that the digest waits at the top of the inbox.
const DigestHour = 7

// ParseDigestFrequency reads a frequency as a form sends it; "" is none.
func ParseDigestFrequency(s string) (DigestFrequency, error) {
	switch f := DigestFrequency(s); f {
	case "", DigestNone:
		return DigestNone, nil
	case DigestWeekly, DigestMonthly:
		return f, nil
	}
	return "", &ValidationError{Field: "frequency", Message: fmt.Sprintf("%q is not a digest frequency; use none, weekly or monthly", s)}
}

// NextDigest is the first digest time of f strictly after t: Monday
// 07:00 UTC for a weekly digest, the 1st of the month 07:00 UTC for a
// monthly one; the zero time for none. A digest that is late (the server
// was down) is sent once, and the next one is again at its regular time.
func NextDigest(f DigestFrequency, t time.Time) time.Time {
	t = t.UTC()
	switch f {
	case DigestWeekly:
		day := time.Date(t.Year(), t.Month(), t.Day(), DigestHour, 0, 0, 0, time.UTC)
		// Days until Monday: 0 on a Monday, 6 on a Tuesday.
		day = day.AddDate(0, 0, (int(time.Monday)-int(day.Weekday())+7)%7)
		if !day.After(t) {
			day = day.AddDate(0, 0, 7)
		}
		return day
	case DigestMonthly:
		first := time.Date(t.Year(), t.Month(), 1, DigestHour, 0, 0, 0, time.UTC)
		if !first.After(t) {
			first = first.AddDate(0, 1, 0)
		}
		return first
	}
	return time.Time{}
}

// PreviousDigest is the regular digest time of f one period before at: a
// week or a month earlier. The first digest after subscribing covers the
// period since then, as if one had been sent on time.
func PreviousDigest(f DigestFrequency, at time.Time) time.Time {
	switch f {
	case DigestWeekly:
		return at.AddDate(0, 0, -7)
	case DigestMonthly:
		return at.AddDate(0, -1, 0)
	}
	return time.Time{}
}

// DigestSubscription is a user's choice of digest for one workspace.
type DigestSubscription struct {
	WorkspaceID int64
	UserID      int64
	Frequency   DigestFrequency
	// NextAt is when the next digest is due; zero when Frequency is none.
	NextAt time.Time
	// LastSentAt is when the last digest was written; zero before the
	// first. The next digest's news (its new detractors) starts there.
	LastSentAt time.Time
	// Token is the secret of the digest's one-click unsubscribe link: it
	// stops this subscription and grants nothing else.
	Token     string
	CreatedAt time.Time
	UpdatedAt time.Time
}
