package nps

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// RuleKind is what an alert rule looks for.
type RuleKind string

// The kinds of alert rule.
const (
	// RuleScore meets a score at or below the rule's MaxScore.
	RuleScore RuleKind = "score"
	// RuleDrop meets a score at least MinDrop below the same contact's
	// previous answer.
	RuleDrop RuleKind = "drop"
	// RuleKeyword meets a comment holding one of the rule's Keywords.
	RuleKeyword RuleKind = "keyword"
	// RuleSilent meets a key account, one with at least MinRevenueCents
	// of annual revenue, that has not answered for SilentMonths.
	RuleSilent RuleKind = "silent"
)

// RuleKinds lists the kinds in the order forms offer them.
var RuleKinds = []RuleKind{RuleScore, RuleDrop, RuleKeyword, RuleSilent}

// DefaultFollowUpDays is the deadline of a follow-up, in working days,
// when a rule does not set one: contact the customer within two.
const DefaultFollowUpDays = 2

// Limits of an alert rule's fields.
const (
	maxRuleName     = 100
	maxKeywords     = 50
	maxKeyword      = 100
	maxFollowUpDays = 30
	maxSilentMonths = 60
)

// AlertRule says which answers call for the account owner's attention.
// Every alert a rule raises opens a follow-up due FollowUpDays working
// days later, unless FollowUpDays is 0.
type AlertRule struct {
	ID              int64
	WorkspaceID     int64
	Name            string
	Kind            RuleKind
	MaxScore        int
	MinDrop         int
	Keywords        []string
	SilentMonths    int
	MinRevenueCents int64
	FollowUpDays    int
	Active          bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Validate reports the first problem with r's fields. Keywords are
// expected normalised (see ParseKeywords).
func (r AlertRule) Validate() error {
	if err := checkLine("name", r.Name, maxRuleName, true); err != nil {
		return err
	}
	switch r.Kind {
	case RuleScore:
		if r.MaxScore < 0 || r.MaxScore > 9 {
			return fieldError("max_score", "must be a score from 0 to 9")
		}
	case RuleDrop:
		if r.MinDrop < 1 || r.MinDrop > 10 {
			return fieldError("min_drop", "must be from 1 to 10 points")
		}
	case RuleKeyword:
		if len(r.Keywords) == 0 {
			return fieldError("keywords", "give at least one keyword or phrase")
		}
		if len(r.Keywords) > maxKeywords {
			return fieldError("keywords", "at most %d keywords", maxKeywords)
		}
	case RuleSilent:
		if r.SilentMonths < 1 || r.SilentMonths > maxSilentMonths {
			return fieldError("silent_months", "must be from 1 to %d months", maxSilentMonths)
		}
		if r.MinRevenueCents < 0 {
			return fieldError("min_revenue", "must not be negative")
		}
	default:
		return fieldError("kind", "must be one of score, drop, keyword or silent")
	}
	if r.FollowUpDays < 0 || r.FollowUpDays > maxFollowUpDays {
		return fieldError("followup_days", "must be from 0 to %d working days", maxFollowUpDays)
	}
	return nil
}

// ParseKeywords reads keywords one per line or comma-separated, lower
// case, without blanks and repeats. A keyword ending in "*" matches every
// word it begins ("opzeg*" meets "opzeggen").
func ParseKeywords(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, k := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' }) {
		k = strings.Join(words(k), " ")
		if k == "" || seen[k] {
			continue
		}
		if len(k) > maxKeyword {
			return nil, fieldError("keywords", "%q is longer than %d characters", k, maxKeyword)
		}
		seen[k] = true
		out = append(out, k)
	}
	return out, nil
}

// words splits s into lower-case words of letters and digits, keeping a
// trailing "*" of a word as the prefix mark.
func words(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '*' && b.Len() > 0:
			b.WriteRune(r)
			flush()
		default:
			flush()
		}
	}
	flush()
	return out
}

// Reason is why an answer met a rule: its kind with the figures or
// the word that decided it.
type Reason struct {
	Kind     RuleKind
	Score    int
	Limit    int
	Previous int
	Keyword  string
}

// String says the reason in English, as alerts store it.
func (r Reason) String() string {
	switch r.Kind {
	case RuleScore:
		return fmt.Sprintf("score %d is at or below %d", r.Score, r.Limit)
	case RuleDrop:
		return fmt.Sprintf("score fell %d points, from %d to %d", r.Previous-r.Score, r.Previous, r.Score)
	case RuleKeyword:
		return fmt.Sprintf("comment mentions %q", r.Keyword)
	}
	return string(r.Kind)
}

// Match reports whether the answer r meets the rule, and why. prev is
// the same contact's previous answer, nil when there is none. A silent
// rule meets no answer: it is judged on accounts.
func (rule AlertRule) Match(r Response, prev *Response) (Reason, bool) {
	why := Reason{Kind: rule.Kind, Score: r.Score}
	switch rule.Kind {
	case RuleScore:
		why.Limit = rule.MaxScore
		return why, r.Score <= rule.MaxScore
	case RuleDrop:
		if prev != nil {
			why.Previous, why.Limit = prev.Score, rule.MinDrop
			return why, prev.Score-r.Score >= rule.MinDrop
		}
	case RuleKeyword:
		why.Keyword, _ = matchKeyword(words(r.Comment), rule.Keywords)
		return why, why.Keyword != ""
	}
	return why, false
}

// matchKeyword returns the first keyword (a word or phrase of words, each
// exact or, ending in "*", a prefix) found in the comment's words.
func matchKeyword(comment []string, keywords []string) (string, bool) {
	for _, k := range keywords {
		phrase := strings.Fields(k)
		for i := 0; i+len(phrase) <= len(comment); i++ {
			if phraseAt(comment[i:], phrase) {
				return k, true
			}
		}
	}
	return "", false
}

func phraseAt(comment, phrase []string) bool {
	for j, w := range phrase {
		if p, ok := strings.CutSuffix(w, "*"); ok {
			if !strings.HasPrefix(comment[j], p) {
				return false
			}
		} else if comment[j] != w {
			return false
		}
	}
	return true
}

// AddWorkingDays returns t plus days working days, Monday to Friday, in
// t's location: an alert on Friday afternoon with two days is due on
// Tuesday afternoon, one on Saturday on Tuesday at the same clock time.
func AddWorkingDays(t time.Time, days int) time.Time {
	for days > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days--
		}
	}
	return t
}

// AlertState is where an alert's follow-up stands.
type AlertState string

// The states of an alert.
const (
	// AlertOpen waits for the first contact with the customer.
	AlertOpen AlertState = "open"
	// AlertContacted records that the customer was contacted.
	AlertContacted AlertState = "contacted"
	// AlertClosed needs no contact (a false alarm, a duplicate).
	AlertClosed AlertState = "closed"
)

// Alert is what a rule found: an answer, or a silent key account. With
// a DueAt it is a follow-up, overdue while open after DueAt.
type Alert struct {
	ID          int64
	WorkspaceID int64
	RuleID      int64
	Kind        RuleKind
	Reason      string
	ResponseID  int64
	AccountID   int64
	ContactID   int64
	OwnerID     int64
	State       AlertState
	DueAt       time.Time
	ContactedAt time.Time
	ContactedBy int64
	Note        string
	EscalatedAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Overdue reports whether the follow-up is open past its deadline at now.
func (a Alert) Overdue(now time.Time) bool {
	return a.State == AlertOpen && !a.DueAt.IsZero() && now.After(a.DueAt)
}

// InTime reports whether the customer was contacted by the deadline.
func (a Alert) InTime() bool {
	return a.State == AlertContacted && !a.DueAt.IsZero() && !a.ContactedAt.After(a.DueAt)
}
