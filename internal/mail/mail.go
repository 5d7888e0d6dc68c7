// Package mail renders Promotor's emails and sends them over SMTP.
//
// It holds four things that take values in and give values out: the
// renderer (an Invitation in, a Message with subject, HTML and plain text
// out, in the contact's language), the headers every message carries
// (List-Unsubscribe with RFC 8058 one-click, X-Promotor-Invitation for
// bounce correlation, Message-ID), the SMTP sender with its connection pool
// and typed errors, and the parser of delivery status notifications
// (bounces). It knows nothing of the database, the job queue or HTTP:
// callers depend on the Sender interface, and decide what a SendError or a
// Bounce means for an invitation.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Sender sends one message. *SMTP implements it; the mailtest package has
// a recording fake for tests that need no SMTP server.
type Sender interface {
	// Send delivers m to its recipient's mail server, or returns an
	// error, a *SendError when the server or the connection refused it.
	Send(ctx context.Context, m *Message) error
}

// Address is a mailbox: a display name (optional, any text) and an email
// address. The name is encoded as RFC 2047 words where it needs to be.
type Address struct {
	Name  string
	Email string
}

// String returns the address as a header shows it, encoded where needed.
func (a Address) String() string {
	return (&mail.Address{Name: a.Name, Address: a.Email}).String()
}

// validate checks that the email address parses on its own (no display
// name, no angle brackets) and that the name holds no line break.
func (a Address) validate() error {
	if a.Email == "" {
		return errors.New("no email address")
	}
	p, err := mail.ParseAddress(a.Email)
	if err != nil || p.Address != a.Email || p.Name != "" {
		return fmt.Errorf("%q is not an email address", a.Email)
	}
	if strings.ContainsAny(a.Name, "\r\n") {
		return fmt.Errorf("the name of %s has a line break", a.Email)
	}
	return nil
}

// Domain returns the part of the email address after the last "@".
func (a Address) Domain() string {
	_, d, _ := cutLast(a.Email, "@")
	return d
}

// Unsubscribe says how a recipient leaves the list: URL is the one-click
// https address (RFC 8058: the mail client POSTs
// "List-Unsubscribe=One-Click" to it), Mailto an optional
// "mailto:unsubscribe+token@example.com" alternative.
type Unsubscribe struct {
	URL    string
	Mailto string
}

// Message is one email to one recipient, ready to send: the renderer fills
// the content, the caller the recipient and identifiers.
type Message struct {
	// To is the recipient.
	To Address
	// Subject is plain text; it is encoded as needed.
	Subject string
	// Text and HTML are the two alternative bodies; Text is required.
	Text string
	HTML string
	// MessageID is the Message-ID header with its angle brackets, e.g.
	// NewMessageID("inv-42", "example.com"). When empty the sender makes
	// one in the domain of its From address.
	MessageID string
	// Invitation, when set, is sent as the X-Promotor-Invitation header,
	// which bounces quote back so that ParseBounce can say which
	// invitation failed. Use the invitation's token or id, never a secret
	// that grants more than the invitation's own links.
	Invitation string
	// Unsubscribe, when its URL is set, becomes the List-Unsubscribe and
	// List-Unsubscribe-Post headers and marks the message as bulk mail.
	Unsubscribe Unsubscribe
	// Inline are the images the HTML shows, each by "cid:" + its CID
	// (<img src="cid:trend-1@promotor">), sent as parts of the message:
	// mail clients show them without fetching anything, where most block
	// remote images.
	Inline []Inline
}

// Inline is an image of a message's HTML.
type Inline struct {
	// CID is the Content-ID without angle brackets, e.g.
	// "trend-12@promotor": printable ASCII, no spaces or "<>", unique in
	// the message.
	CID string
	// ContentType is image/png, image/jpeg or image/gif.
	ContentType string
	Data        []byte
}

// maxInlineBytes bounds the images of one message together: a message
// should stay well under the size limits of mail servers (often 10 to
// 25 MB after base64's third more).
const maxInlineBytes = 5 << 20

// inlineTypes are the content types an inline image may have, with the
// file extension of its part's name.
var inlineTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}

// validateImages checks inline images: their IDs, types and sizes.
func validateImages(images []Inline) error {
	seen := map[string]bool{}
	total := 0
	for _, img := range images {
		if img.CID == "" || !printableASCII(img.CID) || strings.ContainsAny(img.CID, "<>\"\\") {
			return fmt.Errorf("the inline image ID %q is not printable ASCII without spaces, quotes or angle brackets", img.CID)
		}
		if seen[img.CID] {
			return fmt.Errorf("two inline images have the ID %q", img.CID)
		}
		seen[img.CID] = true
		if _, ok := inlineTypes[img.ContentType]; !ok {
			return fmt.Errorf("the inline image %s has the content type %q; use image/png, image/jpeg or image/gif", img.CID, img.ContentType)
		}
		if len(img.Data) == 0 {
			return fmt.Errorf("the inline image %s is empty", img.CID)
		}
		total += len(img.Data)
	}
	if total > maxInlineBytes {
		return fmt.Errorf("the inline images have %d bytes, more than %d", total, maxInlineBytes)
	}
	return nil
}

// Validate reports what makes m unsendable: no valid recipient, no text
// body, or a header value that could break out of its header. Every Send
// checks it; it is exported so that fakes can check the same.
func (m *Message) Validate() error {
	if err := m.To.validate(); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	if m.Text == "" {
		return errors.New("no text body")
	}
	for name, v := range map[string]string{
		"subject": m.Subject, "Message-ID": m.MessageID, "invitation": m.Invitation,
		"unsubscribe URL": m.Unsubscribe.URL, "unsubscribe mailto": m.Unsubscribe.Mailto,
	} {
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("the %s has a line break", name)
		}
	}
	for name, v := range map[string]string{
		"Message-ID": m.MessageID, "invitation": m.Invitation,
		"unsubscribe URL": m.Unsubscribe.URL, "unsubscribe mailto": m.Unsubscribe.Mailto,
	} {
		if !printableASCII(v) {
			return fmt.Errorf("the %s %q is not printable ASCII without spaces", name, v)
		}
	}
	if m.MessageID != "" && !validMessageID(m.MessageID) {
		return fmt.Errorf("the Message-ID %q is not of the form <left@right>", m.MessageID)
	}
	if m.Unsubscribe.URL == "" && m.Unsubscribe.Mailto != "" {
		return errors.New("an unsubscribe mailto needs an unsubscribe URL for one-click")
	}
	if m.Unsubscribe.URL != "" && !strings.HasPrefix(m.Unsubscribe.URL, "https://") && !strings.HasPrefix(m.Unsubscribe.URL, "http://") {
		return fmt.Errorf("the unsubscribe URL %q is not http(s)", m.Unsubscribe.URL)
	}
	if m.Unsubscribe.Mailto != "" && !strings.HasPrefix(m.Unsubscribe.Mailto, "mailto:") {
		return fmt.Errorf("the unsubscribe mailto %q does not start with mailto:", m.Unsubscribe.Mailto)
	}
	if len(m.Inline) > 0 && m.HTML == "" {
		return errors.New("inline images need an HTML body")
	}
	return validateImages(m.Inline)
}

// NewMessageID returns a unique Message-ID "<local.random@domain>", e.g.
// NewMessageID("inv-42", "example.com") gives
// "<inv-42.k7m2q4xw9c3tz8rj@example.com>": local says what the message is
// about (it must be letters, digits, "-", "_" or "."), the random part
// makes a resent message distinct.
func NewMessageID(local, domain string) string {
	b := make([]byte, 10)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	r := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	if local == "" {
		return "<" + r + "@" + domain + ">"
	}
	return "<" + local + "." + r + "@" + domain + ">"
}

func validMessageID(id string) bool {
	inner, ok := strings.CutPrefix(id, "<")
	if !ok {
		return false
	}
	inner, ok = strings.CutSuffix(inner, ">")
	if !ok {
		return false
	}
	left, right, ok := cutLast(inner, "@")
	return ok && left != "" && right != "" && !strings.ContainsAny(inner, "<>")
}

// printableASCII reports whether s is visible US-ASCII: what a header
// value that is never encoded may hold.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
