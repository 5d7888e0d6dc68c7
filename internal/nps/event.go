package nps

import (
	"strings"
	"time"
)

// EventKind is a kind of thing that happened in a workspace, as webhooks
// receive it.
type EventKind string

// The kinds of event.
const (
	EventResponseCreated EventKind = "response.created"
	EventResponseUpdated EventKind = "response.updated"
	EventAlertCreated    EventKind = "alert.created"
	EventPlanChanged     EventKind = "plan.changed"
	EventFollowUpOverdue EventKind = "followup.overdue"
)

// EventKinds lists every kind, in the order forms offer them.
var EventKinds = []EventKind{EventResponseCreated, EventResponseUpdated, EventAlertCreated, EventPlanChanged, EventFollowUpOverdue}

// Valid reports whether k is a known kind.
func (k EventKind) Valid() bool {
	for _, v := range EventKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Event is one thing that happened: its kind and the id of what it is
// about (a response, an alert, a plan), in its workspace.
type Event struct {
	ID          int64
	WorkspaceID int64
	Kind        EventKind
	SubjectID   int64
	CreatedAt   time.Time
}

// WebhookEndpoint is an address that receives a workspace's events of
// the chosen kinds, signed with Secret, in Format ("promotor", "slack"
// or "teams").
type WebhookEndpoint struct {
	ID          int64
	WorkspaceID int64
	URL         string
	Format      string
	Secret      string
	Events      []EventKind
	Description string
	Active      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// maxEndpointDescription bounds an endpoint's description.
const maxEndpointDescription = 200

// Validate reports the first problem with e's fields other than URL and
// Format, which the webhook package judges.
func (e WebhookEndpoint) Validate() error {
	if len(e.Events) == 0 {
		return fieldError("events", "choose at least one kind of event")
	}
	for _, k := range e.Events {
		if !k.Valid() {
			return fieldError("events", "%q is not a kind of event", k)
		}
	}
	return checkLine("description", e.Description, maxEndpointDescription, false)
}

// Subscribes reports whether e receives events of kind k.
func (e WebhookEndpoint) Subscribes(k EventKind) bool {
	for _, v := range e.Events {
		if v == k {
			return true
		}
	}
	return false
}

// ParseEventKinds reads space-separated kinds, as stored.
func ParseEventKinds(s string) []EventKind {
	var out []EventKind
	for _, f := range strings.Fields(s) {
		out = append(out, EventKind(f))
	}
	return out
}

// DeliveryState is where a webhook delivery stands.
type DeliveryState string

// The states of a delivery.
const (
	DeliveryPending   DeliveryState = "pending"
	DeliveryDelivered DeliveryState = "delivered"
	DeliveryFailed    DeliveryState = "failed"
)

// WebhookDelivery is one event for one endpoint. Payload is the event as
// built when it happened, so that every attempt and replay sends the
// same, under the same IdempotencyKey.
type WebhookDelivery struct {
	ID             int64
	WorkspaceID    int64
	EndpointID     int64
	Kind           EventKind
	IdempotencyKey string
	Payload        string
	State          DeliveryState
	Attempts       int
	LastStatus     int
	LastError      string
	DeliveredAt    time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// WebhookAttempt is one try of a delivery, as the log shows it.
type WebhookAttempt struct {
	ID         int64
	DeliveryID int64
	Status     int
	Error      string
	Response   string
	Duration   time.Duration
	Replay     bool
	CreatedAt  time.Time
}

// NotificationKind is what a loop email is for.
type NotificationKind string

// The kinds of loop email.
const (
	NotifyAlert      NotificationKind = "alert"
	NotifyEscalation NotificationKind = "escalation"
	NotifyUpdate     NotificationKind = "update"
	NotifyThanks     NotificationKind = "thanks"
	NotifyDigest     NotificationKind = "digest"
)

// NotificationState is where a loop email stands.
type NotificationState string

// The states of a loop email.
const (
	NotificationQueued NotificationState = "queued"
	NotificationSent   NotificationState = "sent"
	NotificationFailed NotificationState = "failed"
)

// Notification is one loop email, written out in full when it was
// decided: an alert to an owner (SubjectID the alert), an escalation
// (the alert), a progress update (the plan item), a thank-you (the
// promoter action) or a user's digest (the user).
type Notification struct {
	ID          int64
	WorkspaceID int64
	Kind        NotificationKind
	SubjectID   int64
	AccountID   int64
	ToEmail     string
	ToName      string
	Subject     string
	Text        string
	HTML        string
	// UnsubscribeURL, when set, is the one-click unsubscribe link that
	// the email's List-Unsubscribe header offers (a digest's).
	UnsubscribeURL string
	// Inline are the images the HTML shows by "cid:" reference, stored
	// with the email so that the queued email is complete; only
	// NotificationToSend reads them back.
	Inline    []InlineImage
	State     NotificationState
	Attempts  int
	Error     string
	MessageID string
	SentAt    time.Time
	CreatedAt time.Time
}

// InlineImage is an image of an email's HTML, referenced as "cid:" + CID.
type InlineImage struct {
	CID         string
	ContentType string
	Data        []byte
}
