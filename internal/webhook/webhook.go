// Package webhook signs, renders and posts Promotor's outgoing webhook
// events: one Event in, the bytes of a payload out (Payload), a
// Stripe-like HMAC signature over them (Sign, Verify), and one HTTP
// attempt whose Result says whether it worked and whether another attempt
// is worth it (Client.Deliver).
//
// It holds no state and knows no database, queue or clock of its own:
// the job-queue worker that calls Deliver owns retries, back-off and the
// delivery log, and passes in the time to sign with. It imports nothing
// of the project, so the rest of Promotor depends on it and never the
// other way round.
package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Format of a payload: what the receiving end understands.
type Format string

// The payload formats.
const (
	// FormatPromotor is the full JSON event for receivers of one's own;
	// its "text" field also lets Slack-like receivers show something.
	FormatPromotor Format = "promotor"
	// FormatSlack is a Slack incoming-webhook message: fallback text and
	// mrkdwn blocks, with user text escaped as Slack requires.
	FormatSlack Format = "slack"
	// FormatTeams is a Microsoft Teams incoming-webhook message: an
	// Office 365 connector MessageCard, user text escaped so that it
	// cannot inject Markdown or HTML.
	FormatTeams Format = "teams"
)

// ParseFormat reads a format as an owner typed or chose it; "" means
// FormatPromotor, and case and surrounding space do not matter.
func ParseFormat(s string) (Format, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return FormatPromotor, nil
	}
	if f := Format(s); f.Valid() {
		return f, nil
	}
	return "", fmt.Errorf("webhook: unknown format %q (want %s, %s or %s)", s, FormatPromotor, FormatSlack, FormatTeams)
}

// Valid reports whether f is one of the formats. The empty Format is not:
// ParseFormat is where "" becomes FormatPromotor.
func (f Format) Valid() bool {
	switch f {
	case FormatPromotor, FormatSlack, FormatTeams:
		return true
	}
	return false
}

// Event is one thing that happened in a workspace, as sent.
type Event struct {
	// ID is the idempotency key: the same for every attempt and replay of
	// one delivery, so receivers can drop duplicates.
	ID string
	// Kind is the event type, e.g. "alert.created".
	Kind string
	// Workspace is the workspace's slug.
	Workspace string
	// At is when it happened.
	At time.Time
	// Title is a short human title, e.g. "Detractor alert: Acme BV".
	Title string
	// Text is one or a few lines of human text. It may hold a customer's
	// comment, so it is attacker-controlled: the chat formats escape it.
	Text string
	// URL links into Promotor for the item; it may be "".
	URL string
	// Data is the machine-readable object; nil is sent as JSON null.
	Data json.RawMessage
}

// promotorPayload is FormatPromotor's body; the field order is the order
// on the wire.
type promotorPayload struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Workspace string          `json:"workspace"`
	CreatedAt string          `json:"created_at"`
	Title     string          `json:"title"`
	Text      string          `json:"text"`
	URL       string          `json:"url"`
	Data      json.RawMessage `json:"data"`
}

// Payload renders e for the format: the exact bytes that are signed and
// posted. FormatPromotor carries the fields "id", "type", "workspace",
// "created_at" (RFC 3339, UTC, whole seconds), "title", "text", "url" and
// "data", text unescaped as given; the chat formats carry what their
// receiver shows. An unknown format, an event without ID, kind or time, an
// ID or kind that cannot go into an HTTP header, or Data that is not JSON
// (or not UTF-8) is an error.
func Payload(f Format, e Event) ([]byte, error) {
	if err := checkEvent(e); err != nil {
		return nil, err
	}
	var v any
	switch f {
	case FormatPromotor:
		v = promotorPayload{
			ID:        e.ID,
			Type:      e.Kind,
			Workspace: e.Workspace,
			CreatedAt: e.At.UTC().Format(time.RFC3339),
			Title:     e.Title,
			Text:      e.Text,
			URL:       e.URL,
			Data:      e.Data,
		}
	case FormatSlack:
		v = slackMessage(e)
	case FormatTeams:
		v = teamsMessage(e)
	default:
		return nil, fmt.Errorf("webhook: unknown format %q", string(f))
	}
	body, err := marshal(v)
	if err != nil {
		return nil, fmt.Errorf("webhook: render %s payload of %s: %w", f, e.ID, err)
	}
	return body, nil
}

// checkEvent refuses events that could not be delivered as promised: the
// ID and kind travel in headers and the ID is what receivers deduplicate
// on.
func checkEvent(e Event) error {
	switch {
	case e.ID == "":
		return errors.New("webhook: event without ID")
	case !headerToken(e.ID):
		return fmt.Errorf("webhook: event ID %q: only visible ASCII without spaces is allowed", e.ID)
	case e.Kind == "":
		return fmt.Errorf("webhook: event %s without kind", e.ID)
	case !headerToken(e.Kind):
		return fmt.Errorf("webhook: event %s: kind %q: only visible ASCII without spaces is allowed", e.ID, e.Kind)
	case e.At.IsZero():
		return fmt.Errorf("webhook: event %s without time", e.ID)
	case !utf8.Valid(e.Data):
		// JSON is UTF-8 (RFC 8259), and encoding/json passes raw data on
		// as it is: strict receivers would refuse the whole payload.
		return fmt.Errorf("webhook: event %s: data is not valid UTF-8", e.ID)
	}
	return nil
}

// headerToken reports whether s is safe as a header value as is, and
// short enough to be a key.
func headerToken(s string) bool {
	if len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// marshal encodes v compactly without escaping <, > and & as \u003c: the
// bodies are JSON for machines, never embedded in HTML, and the chat
// formats' own entity escaping stays readable.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
