package main

import (
	"fmt"
	"sort"
	"sync"
)

// Outcome is what the client knows of an answer it sent.
type Outcome int

const (
	// Refused: the server answered with a status that says the answer
	// was not recorded (a 4xx or a 5xx).
	Refused Outcome = iota
	// Acked: the server answered with the status the route promises for
	// a recorded answer, so it must be in the database.
	Acked
	// Unknown: the connection broke after the request was sent and the
	// route has no safe retry, so the answer may or may not be recorded.
	Unknown
)

func (o Outcome) String() string {
	return [...]string{"refused", "acked", "unknown"}[o]
}

// Attempt is one answer as the harness sent it, in the order it was sent
// for its invitation.
type Attempt struct {
	// Kind is the route: form, oneclick, public or api.
	Kind string `json:"kind"`
	// Marker is the unique comment the answer carries; empty for a
	// one-click answer, which has none.
	Marker string `json:"marker,omitempty"`
	// Invitation is the invitation answered through its personal link;
	// 0 for the public link and the API, whose answers are new ones.
	Invitation int64   `json:"invitation,omitempty"`
	Score      int     `json:"score"`
	Outcome    Outcome `json:"outcome"`
}

// Stored is a response row as the final check reads it.
type Stored struct {
	ID         int64
	Invitation int64 // 0 when it has none
	Score      int
	Comment    string
}

// Ledger keeps every answer sent, from all the traffic's goroutines.
type Ledger struct {
	mu       sync.Mutex
	attempts []Attempt
}

// Add records an answer's attempt once its outcome is known.
func (l *Ledger) Add(a Attempt) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.attempts = append(l.attempts, a)
}

// Attempts returns a copy of what was recorded.
func (l *Ledger) Attempts() []Attempt {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Attempt(nil), l.attempts...)
}

// Accounting is the comparison of the answers sent with the rows stored.
type Accounting struct {
	Sent         int `json:"sent"`
	Acknowledged int `json:"acknowledged"`
	Unknown      int `json:"unknown_outcome"`
	// UnknownStored are the public-link and API answers of unknown
	// outcome that were stored: the server had recorded them when the
	// connection broke.
	UnknownStored int `json:"unknown_outcome_stored"`
	Refused       int `json:"refused"`
	// Lost are acknowledged answers that are not stored as the last
	// acknowledgement left them.
	Lost []string `json:"lost"`
	// Duplicated are answers stored more than once: a marker in several
	// rows, or an invitation with several responses.
	Duplicated []string `json:"duplicated"`
	// RefusedButStored are answers the server refused that are stored
	// anyway: not lost, but a refusal that lied.
	RefusedButStored []string `json:"refused_but_stored"`
}

// Account compares the attempts, in the order each invitation's were sent,
// with the stored rows of the workspace.
//
// An answer through the public link or the API is a new response: its
// marker must be in exactly one row when acknowledged, in at most one when
// its outcome is unknown, and in none when refused. An answer through a
// personal link replaces the invitation's response: the invitation must
// have one response, equal to its last acknowledged answer or to an answer
// of unknown outcome sent after it.
func Account(attempts []Attempt, rows []Stored) Accounting {
	var acc Accounting
	byMarker := map[string][]Stored{}
	byInvitation := map[int64][]Stored{}
	for _, r := range rows {
		if r.Comment != "" {
			byMarker[r.Comment] = append(byMarker[r.Comment], r)
		}
		if r.Invitation != 0 {
			byInvitation[r.Invitation] = append(byInvitation[r.Invitation], r)
		}
	}
	perInvitation := map[int64][]Attempt{}
	for _, a := range attempts {
		acc.Sent++
		switch a.Outcome {
		case Acked:
			acc.Acknowledged++
		case Unknown:
			acc.Unknown++
		default:
			acc.Refused++
		}
		if a.Invitation != 0 {
			perInvitation[a.Invitation] = append(perInvitation[a.Invitation], a)
			continue
		}
		n := len(byMarker[a.Marker])
		switch {
		case n > 1:
			acc.Duplicated = append(acc.Duplicated, fmt.Sprintf("%s answer %s: in %d responses", a.Kind, a.Marker, n))
		case n == 0 && a.Outcome == Acked:
			acc.Lost = append(acc.Lost, fmt.Sprintf("%s answer %s: acknowledged, not stored", a.Kind, a.Marker))
		case n == 1 && a.Outcome == Refused:
			acc.RefusedButStored = append(acc.RefusedButStored, fmt.Sprintf("%s answer %s", a.Kind, a.Marker))
		case n == 1 && a.Outcome == Unknown:
			acc.UnknownStored++
		}
	}
	invitations := make([]int64, 0, len(perInvitation))
	for id := range perInvitation {
		invitations = append(invitations, id)
	}
	sort.Slice(invitations, func(i, j int) bool { return invitations[i] < invitations[j] })
	for _, id := range invitations {
		stored := byInvitation[id]
		if len(stored) > 1 {
			acc.Duplicated = append(acc.Duplicated, fmt.Sprintf("invitation %d: %d responses", id, len(stored)))
			continue
		}
		if problem := checkInvitation(perInvitation[id], stored); problem != "" {
			acc.Lost = append(acc.Lost, fmt.Sprintf("invitation %d: %s", id, problem))
		}
	}
	return acc
}

// checkInvitation says what is wrong with the stored response (none or
// one) of an invitation given its answers in order, or "" when nothing is.
func checkInvitation(sent []Attempt, stored []Stored) string {
	last := -1
	for i, a := range sent {
		if a.Outcome == Acked {
			last = i
		}
	}
	if last < 0 {
		return "" // nothing was promised
	}
	if len(stored) == 0 {
		return fmt.Sprintf("%s answer acknowledged, no response stored", sent[last].Kind)
	}
	got := stored[0]
	for i, a := range sent[last:] {
		if (i == 0 || a.Outcome == Unknown) && a.Score == got.Score && a.Marker == got.Comment {
			return ""
		}
	}
	return fmt.Sprintf("stored score %d comment %q, want the last acknowledged %s answer: score %d comment %q",
		got.Score, got.Comment, sent[last].Kind, sent[last].Score, sent[last].Marker)
}
