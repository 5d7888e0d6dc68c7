package nps

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestResponseValidate(t *testing.T) {
	ok := Response{WaveID: 1, Score: 9, Comment: "Great service 👍\nThanks!", Language: "nl", Channel: ChannelEmail,
		Answers: Answers{SwitchIntent: SwitchUnsure, Permission: PermissionGranted, Drivers: map[string]int{"support": 5}}}
	tests := []struct {
		name      string
		edit      func(*Response)
		wantField string
	}{
		{"ok", func(*Response) {}, ""},
		{"zero", func(r *Response) { r.Score = 0 }, ""},
		{"no wave", func(r *Response) { r.WaveID = 0 }, "wave_id"},
		{"score 11", func(r *Response) { r.Score = 11 }, "score"},
		{"score -1", func(r *Response) { r.Score = -1 }, "score"},
		{"long comment", func(r *Response) { r.Comment = strings.Repeat("x", 10001) }, "comment"},
		{"10 MB comment", func(r *Response) { r.Comment = strings.Repeat("x", 10<<20) }, "comment"},
		{"NUL in comment", func(r *Response) { r.Comment = "a\x00b" }, "comment"},
		{"Latin-1 comment", func(r *Response) { r.Comment = "caf\xe9" }, "comment"},
		{"no channel", func(r *Response) { r.Channel = "" }, "channel"},
		{"bad channel", func(r *Response) { r.Channel = "fax" }, "channel"},
		{"bad language", func(r *Response) { r.Language = "nederlands" }, "language"},
		{"bad switch intent", func(r *Response) { r.Answers.SwitchIntent = "maybe" }, "answers.switch_intent"},
		{"bad permission", func(r *Response) { r.Answers.Permission = "ok" }, "answers.permission"},
		{"driver rating 6", func(r *Response) { r.Answers.Drivers = map[string]int{"support": 6} }, "answers.drivers.support"},
		{"driver rating 0", func(r *Response) { r.Answers.Drivers = map[string]int{"support": 0} }, "answers.drivers.support"},
		{"bad driver key", func(r *Response) { r.Answers.Drivers = map[string]int{"Support!": 3} }, "answers.drivers"},
		{"negative contact", func(r *Response) { r.ContactID = -1 }, "contact_id"},
	}
	for _, tt := range tests {
		r := ok
		tt.edit(&r)
		checkField(t, tt.name, r.Validate(), tt.wantField)
	}
	if got := (Response{Score: 6}).Category(); got != Detractor {
		t.Errorf("Category of 6: got %v, want detractor", got)
	}
}

func TestAnswersEqual(t *testing.T) {
	a := Answers{SwitchIntent: SwitchNo, Drivers: map[string]int{"price": 3}}
	if !a.Equal(Answers{SwitchIntent: SwitchNo, Drivers: map[string]int{"price": 3}}) {
		t.Errorf("Equal of equal answers: got false, want true")
	}
	if a.Equal(Answers{SwitchIntent: SwitchNo, Drivers: map[string]int{"price": 4}}) || a.Equal(Answers{SwitchIntent: SwitchNo}) {
		t.Errorf("Equal of different answers: got true, want false")
	}
	if !(Answers{}).Equal(Answers{Drivers: map[string]int{}}) {
		t.Errorf("Equal of no drivers and empty drivers: got false, want true")
	}
}

func TestInvitationStatus(t *testing.T) {
	order := []InvitationStatus{InvitationQueued, InvitationSent, InvitationDelivered, InvitationBounced,
		InvitationOpened, InvitationResponded, InvitationOptedOut}
	for i, s := range order {
		if err := s.Validate(); err != nil {
			t.Errorf("Validate(%s): got %v, want nil", s, err)
		}
		for j, next := range order {
			if got, want := s.Precedes(next), i < j; got != want {
				t.Errorf("%s.Precedes(%s): got %v, want %v", s, next, got, want)
			}
		}
	}
	checkField(t, "unknown status", InvitationStatus("lost").Validate(), "status")
}

func TestMonth(t *testing.T) {
	ams := time.FixedZone("CET", 3600)
	tests := []struct {
		at   time.Time
		want Month
	}{
		{time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), 202503},
		{time.Date(2025, 1, 1, 0, 30, 0, 0, ams), 202412}, // still December in UTC
		{time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC), 999912},
	}
	for _, tt := range tests {
		if got := MonthOf(tt.at); got != tt.want || !got.Valid() {
			t.Errorf("MonthOf(%v): got %v, want %v", tt.at, got, tt.want)
		}
	}
	if got, err := ParseMonth("2025-03"); got != 202503 || err != nil || got.String() != "2025-03" {
		t.Errorf("ParseMonth(2025-03): got %v (%d), %v, want 2025-03", got, int(got), err)
	}
	for _, s := range []string{"", "2025-13", "2025-3", "March 2025"} {
		_, err := ParseMonth(s)
		checkField(t, "ParseMonth("+s+")", err, "month")
	}
	for _, m := range []Month{0, 202500, 202513, 100000000} {
		if m.Valid() {
			t.Errorf("Month(%d).Valid: got true, want false", int(m))
		}
	}
}

func TestErrorKinds(t *testing.T) {
	for _, err := range []error{ErrWaveClosed, ErrOptedOut} {
		if !errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
			t.Errorf("%v: got Is(ErrConflict) %v, Is(ErrNotFound) %v, want true, false",
				err, errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound))
		}
	}
	if got := ErrWaveClosed.Error(); got != "the survey round is closed" {
		t.Errorf("ErrWaveClosed: got %q, want a plain message", got)
	}
	if got := (&ValidationError{Field: "score", Message: "must be 0 to 10"}).Error(); got != "score: must be 0 to 10" {
		t.Errorf("ValidationError.Error: got %q, want %q", got, "score: must be 0 to 10")
	}
	if got := (&ValidationError{Message: "bad"}).Error(); got != "bad" {
		t.Errorf("ValidationError.Error without field: got %q, want %q", got, "bad")
	}
}
