package nps

import (
	"slices"
	"time"
)

// AudienceKind chooses whom a send invites.
type AudienceKind string

// The audiences of a send.
const (
	// AudienceAll invites every contact with an email address.
	AudienceAll AudienceKind = "all"
	// AudienceSegment invites the contacts of the accounts whose segment
	// attribute Field has Value.
	AudienceSegment AudienceKind = "segment"
	// AudienceSilent invites the contacts of accounts (and the contacts
	// without an account) that gave no answer to any survey in the last
	// Months months: silence often precedes churn.
	AudienceSilent AudienceKind = "silent"
)

// Audience says whom a send invites. Whatever it selects, contacts
// without email, of churned accounts, who opted out, who were invited to
// the wave already or who were invited within the workspace's fatigue
// period are left out, and counted as such.
type Audience struct {
	Kind AudienceKind
	// Field and Value select the segment: a built-in account attribute
	// (industry, region, size) or a custom one.
	Field string
	Value string
	// Months is the silence of AudienceSilent.
	Months int
}

// Validate reports the first problem with a's fields.
func (a Audience) Validate() error {
	switch a.Kind {
	case AudienceAll:
	case AudienceSegment:
		if err := checkAttributeKey("audience.field", a.Field); err != nil {
			return err
		}
		if err := checkLine("audience.value", a.Value, maxLine, true); err != nil {
			return err
		}
	case AudienceSilent:
		if a.Months < 1 || a.Months > 120 {
			return fieldError("audience.months", "must be between 1 and 120 months, got %d", a.Months)
		}
	default:
		return fieldError("audience.kind", "%q is not an audience; use all, segment or silent", string(a.Kind))
	}
	return nil
}

// SendState is how far a send got.
type SendState string

// The states of a send, in order.
const (
	// SendScheduled waits for its time; its recipients are not chosen yet.
	SendScheduled SendState = "scheduled"
	// SendSending has its invitations and messages made; they go out at
	// the send's pace.
	SendSending SendState = "sending"
	// SendCancelled sends nothing more.
	SendCancelled SendState = "cancelled"
)

// Limits of a send's pace and reminders.
const (
	MaxPerMinute    = 1_000_000
	MaxReminders    = 5
	MaxReminderDays = 90
)

// Send is one mailing of a wave's invitations: whom, from when, how fast,
// and the reminders to those who do not answer.
type Send struct {
	ID          int64
	WorkspaceID int64
	WaveID      int64
	Audience    Audience
	// ScheduledAt is when the first message may go out.
	ScheduledAt time.Time
	// PerMinute throttles the messages of the send, reminders included.
	PerMinute int
	// ReminderDays is the wait after the last message to a contact who
	// has not answered before the next reminder; MaxReminders bounds them
	// (0: no reminders).
	ReminderDays int
	MaxReminders int
	State        SendState
	// What choosing the recipients found, set when the send starts.
	Recipients      int
	SkippedOptedOut int
	SkippedFatigue  int
	SkippedInvited  int
	SkippedNoEmail  int
	CreatedBy       int64
	CreatedAt       time.Time
	StartedAt       time.Time
}

// Validate reports the first problem with s's fields.
func (s Send) Validate() error {
	if err := s.Audience.Validate(); err != nil {
		return err
	}
	if s.ScheduledAt.IsZero() {
		return fieldError("scheduled_at", "must be set")
	}
	if s.PerMinute < 1 || s.PerMinute > MaxPerMinute {
		return fieldError("per_minute", "must be between 1 and %d messages a minute, got %d", MaxPerMinute, s.PerMinute)
	}
	if s.MaxReminders < 0 || s.MaxReminders > MaxReminders {
		return fieldError("max_reminders", "must be between 0 and %d, got %d", MaxReminders, s.MaxReminders)
	}
	if s.MaxReminders > 0 && (s.ReminderDays < 1 || s.ReminderDays > MaxReminderDays) {
		return fieldError("reminder_days", "must be between 1 and %d days when reminders are sent, got %d", MaxReminderDays, s.ReminderDays)
	}
	if !slices.Contains([]SendState{SendScheduled, SendSending, SendCancelled}, s.State) {
		return fieldError("state", "%q is not a send state", string(s.State))
	}
	return nil
}

// Spacing is the time between two messages of the send.
func (s Send) Spacing() time.Duration { return time.Minute / time.Duration(s.PerMinute) }

// MessageState is where one email of an invitation stands.
type MessageState string

// The states of a message.
const (
	// MessageQueued waits for its time (and, after a temporary failure,
	// for its next attempt).
	MessageQueued MessageState = "queued"
	// MessageSending is claimed by a sender until its lease ends; one
	// whose sender died is claimed again after that.
	MessageSending MessageState = "sending"
	// MessageSent was accepted by the SMTP server.
	MessageSent MessageState = "sent"
	// MessageFailed was refused for good, or failed too often; Error says
	// what the server said.
	MessageFailed MessageState = "failed"
	// MessageCancelled is not sent: the contact answered, opted out or
	// bounced before its turn, or the send was cancelled.
	MessageCancelled MessageState = "cancelled"
)

// SendProgress counts a send's messages by state and its invitations by
// what the contacts did.
type SendProgress struct {
	Messages  map[MessageState]int
	Responded int
	Bounced   int
	OptedOut  int
	// LastErrors are a few of the latest failures, newest first.
	LastErrors []MessageFailure
}

// Total is the number of messages of the send so far.
func (p SendProgress) Total() int {
	n := 0
	for _, c := range p.Messages {
		n += c
	}
	return n
}

// Done is the number of messages that need no more work.
func (p SendProgress) Done() int {
	return p.Messages[MessageSent] + p.Messages[MessageFailed] + p.Messages[MessageCancelled]
}

// MessageFailure is a message that failed, with the server's words.
type MessageFailure struct {
	Email string
	Error string
	At    time.Time
}
