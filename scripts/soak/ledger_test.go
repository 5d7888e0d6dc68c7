package main

import (
	"strings"
	"testing"
)

func TestAccount(t *testing.T) {
	api := func(marker string, o Outcome) Attempt {
		return Attempt{Kind: "api", Marker: marker, Score: 7, Outcome: o}
	}
	form := func(inv int64, marker string, score int, o Outcome) Attempt {
		return Attempt{Kind: "form", Marker: marker, Invitation: inv, Score: score, Outcome: o}
	}
	oneClick := func(inv int64, score int, o Outcome) Attempt {
		return Attempt{Kind: "oneclick", Invitation: inv, Score: score, Outcome: o}
	}
	row := func(id, inv int64, score int, comment string) Stored {
		return Stored{ID: id, Invitation: inv, Score: score, Comment: comment}
	}
	tests := []struct {
		name     string
		attempts []Attempt
		rows     []Stored
		// lost, dup and refused are substrings each of the findings must
		// have, in order; nil wants none.
		lost, dup, refused []string
		unknownStored      int
	}{
		{name: "all stored once",
			attempts: []Attempt{api("a1", Acked), form(1, "f1", 3, Acked), oneClick(2, 9, Acked)},
			rows:     []Stored{row(1, 0, 7, "a1"), row(2, 1, 3, "f1"), row(3, 2, 9, "")}},
		{name: "acknowledged API answer missing",
			attempts: []Attempt{api("a1", Acked), api("a2", Acked)},
			rows:     []Stored{row(1, 0, 7, "a2")},
			lost:     []string{"a1"}},
		{name: "API answer stored twice",
			attempts: []Attempt{api("a1", Acked)},
			rows:     []Stored{row(1, 0, 7, "a1"), row(2, 0, 7, "a1")},
			dup:      []string{"a1: in 2 responses"}},
		{name: "unknown outcome may be stored or not",
			attempts:      []Attempt{api("a1", Unknown), api("a2", Unknown)},
			rows:          []Stored{row(1, 0, 7, "a1")},
			unknownStored: 1},
		{name: "unknown outcome stored twice",
			attempts: []Attempt{api("a1", Unknown)},
			rows:     []Stored{row(1, 0, 7, "a1"), row(2, 0, 7, "a1")},
			dup:      []string{"a1"}},
		{name: "refused answer stored",
			attempts: []Attempt{api("a1", Refused)},
			rows:     []Stored{row(1, 0, 7, "a1")},
			refused:  []string{"a1"}},
		{name: "invitation never answered",
			attempts: []Attempt{form(1, "f1", 3, Refused)}},
		{name: "acknowledged form answer missing",
			attempts: []Attempt{form(1, "f1", 3, Acked)},
			lost:     []string{"invitation 1: form answer acknowledged, no response"}},
		{name: "later answer replaces the earlier",
			attempts: []Attempt{oneClick(1, 9, Acked), form(1, "f2", 4, Acked)},
			rows:     []Stored{row(1, 1, 4, "f2")}},
		{name: "later acknowledged answer lost, earlier kept",
			attempts: []Attempt{form(1, "f1", 3, Acked), form(1, "f2", 4, Acked)},
			rows:     []Stored{row(1, 1, 3, "f1")},
			lost:     []string{`invitation 1: stored score 3 comment "f1", want the last acknowledged form answer: score 4 comment "f2"`}},
		{name: "unknown answer after the acknowledged one may have won",
			attempts: []Attempt{form(1, "f1", 3, Acked), form(1, "f2", 4, Unknown)},
			rows:     []Stored{row(1, 1, 4, "f2")}},
		{name: "refused answer after the acknowledged one must not have won",
			attempts: []Attempt{form(1, "f1", 3, Acked), form(1, "f2", 4, Refused)},
			rows:     []Stored{row(1, 1, 4, "f2")},
			lost:     []string{"invitation 1"}},
		{name: "same comment, other score",
			attempts: []Attempt{oneClick(1, 9, Acked)},
			rows:     []Stored{row(1, 1, 8, "")},
			lost:     []string{"stored score 8"}},
		{name: "invitation with two responses",
			attempts: []Attempt{oneClick(1, 9, Acked)},
			rows:     []Stored{row(1, 1, 9, ""), row(2, 1, 9, "")},
			dup:      []string{"invitation 1: 2 responses"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Account(tc.attempts, tc.rows)
			check := func(what string, got, want []string) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s: got %q, want %d matching %q", what, got, len(want), want)
				}
				for i := range want {
					if !strings.Contains(got[i], want[i]) {
						t.Errorf("%s[%d]: got %q, want it to contain %q", what, i, got[i], want[i])
					}
				}
			}
			check("lost", got.Lost, tc.lost)
			check("duplicated", got.Duplicated, tc.dup)
			check("refused but stored", got.RefusedButStored, tc.refused)
			if got.UnknownStored != tc.unknownStored {
				t.Errorf("unknown outcome stored: got %d, want %d", got.UnknownStored, tc.unknownStored)
			}
			if got.Sent != len(tc.attempts) || got.Acknowledged+got.Unknown+got.Refused != got.Sent {
				t.Errorf("counts: got %+v for %d attempts", got, len(tc.attempts))
			}
		})
	}
}
