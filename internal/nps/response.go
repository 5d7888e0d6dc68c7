package nps

import (
	"maps"
	"slices"
	"time"
)

// InvitationStatus is how far an invitation got.
type InvitationStatus string

// The invitation statuses, in the order in which an invitation moves
// through them.
const (
	InvitationQueued    InvitationStatus = "queued"
	InvitationSent      InvitationStatus = "sent"
	InvitationDelivered InvitationStatus = "delivered"
	InvitationBounced   InvitationStatus = "bounced"
	InvitationOpened    InvitationStatus = "opened"
	InvitationResponded InvitationStatus = "responded"
	InvitationOptedOut  InvitationStatus = "opted_out"
)

var invitationStatuses = []InvitationStatus{
	InvitationQueued, InvitationSent, InvitationDelivered, InvitationBounced,
	InvitationOpened, InvitationResponded, InvitationOptedOut,
}

// Validate reports whether s is one of the statuses.
func (s InvitationStatus) Validate() error {
	if !slices.Contains(invitationStatuses, s) {
		return fieldError("status", "%q is not an invitation status", string(s))
	}
	return nil
}

// Precedes reports whether s comes before next, that is whether an
// invitation in status s may move to next.
// Mail events arrive out of order (a delivery report after the
// respondent's click), so the status only moves forward and a late event
// leaves it alone; a bounce after delivery counts, an opt-out always does.
func (s InvitationStatus) Precedes(next InvitationStatus) bool {
	return slices.Index(invitationStatuses, next) > slices.Index(invitationStatuses, s)
}

// Invitation asks one contact to answer one wave. Its token is the only
// credential of the survey link, so it is long and random.
type Invitation struct {
	ID          int64
	WorkspaceID int64
	WaveID      int64
	ContactID   int64
	// Token is URL-safe and carries at least 128 random bits.
	Token         string
	Status        InvitationStatus
	ReminderCount int
	// The times of the events; zero until they happen.
	SentAt      time.Time
	DeliveredAt time.Time
	BouncedAt   time.Time
	OpenedAt    time.Time
	RespondedAt time.Time
	OptedOutAt  time.Time
	RemindedAt  time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Channel is how a response reached Promotor.
type Channel string

// The channels.
const (
	ChannelEmail  Channel = "email"
	ChannelLink   Channel = "link"
	ChannelAPI    Channel = "api"
	ChannelImport Channel = "import"
)

// Validate reports whether c is one of the channels.
func (c Channel) Validate() error {
	switch c {
	case ChannelEmail, ChannelLink, ChannelAPI, ChannelImport:
		return nil
	}
	return fieldError("channel", "%q is not a channel; use email, link, api or import", string(c))
}

// SwitchIntent answers the retention question: is the respondent
// considering doing business with a competitor within 12 months?
type SwitchIntent string

// The answers to the retention question; empty when not answered.
const (
	SwitchYes    SwitchIntent = "yes"
	SwitchNo     SwitchIntent = "no"
	SwitchUnsure SwitchIntent = "unsure"
)

// Considering reports whether the answer counts as at risk: yes or unsure.
func (i SwitchIntent) Considering() bool { return i == SwitchYes || i == SwitchUnsure }

// Permission answers "may we contact you about your answer?"; empty when
// not answered.
type Permission string

// The answers to the permission question.
const (
	PermissionGranted Permission = "yes"
	PermissionDenied  Permission = "no"
)

// The scale of driver questions.
const (
	MinDriverRating = 1
	MaxDriverRating = 5
)

// Answers holds the answers to a survey's optional questions.
type Answers struct {
	SwitchIntent SwitchIntent `json:"switch_intent,omitempty"`
	Permission   Permission   `json:"permission,omitempty"`
	// Drivers holds a rating per driver key.
	Drivers map[string]int `json:"drivers,omitempty"`
}

// Validate reports the first problem with a's values.
func (a Answers) Validate() error {
	switch a.SwitchIntent {
	case "", SwitchYes, SwitchNo, SwitchUnsure:
	default:
		return fieldError("answers.switch_intent", "%q is not an answer; use yes, no or unsure", string(a.SwitchIntent))
	}
	switch a.Permission {
	case "", PermissionGranted, PermissionDenied:
	default:
		return fieldError("answers.permission", "%q is not an answer; use yes or no", string(a.Permission))
	}
	if len(a.Drivers) > maxDrivers {
		return fieldError("answers.drivers", "must have at most %d ratings, got %d", maxDrivers, len(a.Drivers))
	}
	for _, k := range slices.Sorted(maps.Keys(a.Drivers)) {
		if !driverPattern.MatchString(k) {
			return fieldError("answers.drivers", "%q is not a driver key", k)
		}
		if v := a.Drivers[k]; v < MinDriverRating || v > MaxDriverRating {
			return fieldError("answers.drivers."+k, "must be a rating from %d to %d, got %d", MinDriverRating, MaxDriverRating, v)
		}
	}
	return nil
}

// Equal reports whether a and b hold the same answers.
func (a Answers) Equal(b Answers) bool {
	return a.SwitchIntent == b.SwitchIntent && a.Permission == b.Permission && maps.Equal(a.Drivers, b.Drivers)
}

// Response is one respondent's answer in a wave. When the respondent
// changes it while the wave is open, the response is updated, Revision
// counts up and the previous version is kept as a ResponseRevision: the
// latest answer counts, the history stays.
type Response struct {
	ID          int64
	WorkspaceID int64
	SurveyID    int64
	WaveID      int64
	// InvitationID, ContactID and AccountID identify a named respondent;
	// 0 when unknown or when the survey is anonymous.
	InvitationID int64
	ContactID    int64
	AccountID    int64
	Score        int
	// Comment answers the follow-up question.
	Comment  string
	Answers  Answers
	Language string
	Channel  Channel
	// Revision is 1 for a first answer and counts the changes after it.
	Revision int
	// CreatedAt is when the first answer came in (or, for an import, when
	// it was originally given); it decides the response's month.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Category returns the NPS category of the response's score.
func (r Response) Category() Category { return CategoryOf(r.Score) }

// Validate reports the first problem with r's fields.
func (r Response) Validate() error {
	if r.WaveID <= 0 {
		return fieldError("wave_id", "must be set")
	}
	for _, id := range []struct {
		field string
		id    int64
	}{{"survey_id", r.SurveyID}, {"invitation_id", r.InvitationID}, {"contact_id", r.ContactID}, {"account_id", r.AccountID}} {
		if id.id < 0 {
			return fieldError(id.field, "must not be negative")
		}
	}
	if !ValidScore(r.Score) {
		return fieldError("score", "must be a whole number from %d to %d, got %d", MinScore, MaxScore, r.Score)
	}
	if err := checkText("comment", r.Comment, maxComment, false); err != nil {
		return err
	}
	if err := r.Answers.Validate(); err != nil {
		return err
	}
	if err := checkLanguage("language", r.Language, false); err != nil {
		return err
	}
	return r.Channel.Validate()
}

// ResponseRevision is a previous version of a response, kept when the
// respondent changed their answer.
type ResponseRevision struct {
	WorkspaceID int64
	ResponseID  int64
	// Revision is the version's number: 1 for the first answer.
	Revision int
	Score    int
	Comment  string
	Answers  Answers
	Language string
	Channel  Channel
	// AnsweredAt is when this version was given; ReplacedAt when the next
	// one replaced it.
	AnsweredAt time.Time
	ReplacedAt time.Time
}
