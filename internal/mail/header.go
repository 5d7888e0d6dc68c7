package mail

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// The headers this package adds beyond the usual ones.
const (
	// HeaderInvitation carries Message.Invitation, so that a bounce that
	// quotes the original headers names the invitation it is about.
	HeaderInvitation = "X-Promotor-Invitation"
	// HeaderAutoSubmitted (RFC 3834) marks every message as sent by a
	// program, so that auto-responders do not answer it.
	HeaderAutoSubmitted = "Auto-Submitted"
)

// compose turns m into a go-mail message from from: multipart/alternative
// with the text part first (clients show the last part they can, so the
// HTML), inside multipart/related with the inline images when there are
// any. m must have been validated.
func compose(from Address, m *Message, now time.Time) (*gomail.Msg, error) {
	g := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := g.FromFormat(from.Name, from.Email); err != nil {
		return nil, err
	}
	if err := g.AddToFormat(m.To.Name, m.To.Email); err != nil {
		return nil, err
	}
	g.Subject(m.Subject)
	g.SetDateWithValue(now)
	id := m.MessageID
	if id == "" {
		id = NewMessageID("", from.Domain())
	}
	g.SetGenHeader(gomail.HeaderMessageID, id)
	g.SetGenHeader(HeaderAutoSubmitted, "auto-generated")
	if m.Invitation != "" {
		g.SetGenHeader(HeaderInvitation, m.Invitation)
	}
	if u := m.Unsubscribe; u.URL != "" {
		// RFC 8058: the https URI receives the one-click POST; RFC 2369
		// lets a mailto follow as the alternative.
		links := []string{"<" + u.URL + ">"}
		if u.Mailto != "" {
			links = append(links, "<"+u.Mailto+">")
		}
		g.SetGenHeader(gomail.HeaderListUnsubscribe, links...)
		g.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
		// Precedence: bulk and X-Auto-Response-Suppress: All keep
		// out-of-office replies away from a mass mailing.
		g.SetBulk()
	}
	g.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		g.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for i, img := range m.Inline {
		// The part's file name is what a client offers when the image is
		// saved; the Content-ID is what the HTML refers to.
		name := strings.Map(func(r rune) rune {
			if r == '@' || r == '/' || r == '\\' {
				return '-'
			}
			return r
		}, img.CID) + inlineTypes[img.ContentType]
		if err := g.EmbedReader(name, bytes.NewReader(img.Data), gomail.WithFileContentID("<"+img.CID+">"),
			gomail.WithFileContentType(gomail.ContentType(img.ContentType))); err != nil {
			return nil, fmt.Errorf("inline image %d: %w", i+1, err)
		}
	}
	return g, nil
}
