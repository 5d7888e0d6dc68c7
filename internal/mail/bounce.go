package mail

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"strings"
)

// Bounce is what a delivery status notification (RFC 3464) says about one
// recipient of a message this package sent.
type Bounce struct {
	// Recipient is the Final-Recipient's address.
	Recipient string
	// Action is "failed", "delayed", "delivered", "relayed" or "expanded".
	Action string
	// Status is the RFC 3463 status, e.g. "5.1.1".
	Status string
	// Diagnostic is the remote server's reply as the report quotes it,
	// e.g. "smtp; 550 5.1.1 user unknown", on one line.
	Diagnostic string
	// ReportingMTA is the server that wrote the report.
	ReportingMTA string
	// Invitation and MessageID are the X-Promotor-Invitation and
	// Message-ID headers of the message that bounced, when the report
	// returns its headers (most do).
	Invitation string
	MessageID  string
}

// Permanent reports whether the address failed for good: action failed
// with a 5.x.x status. A delayed message, or one that failed with a 4.x.x
// status (it expired in a queue), says nothing final about the address.
func (b Bounce) Permanent() bool {
	return b.Action == "failed" && strings.HasPrefix(b.Status, "5.")
}

// ErrNotDSN is the error of ParseBounce for a message that is not a
// delivery status notification.
var ErrNotDSN = errors.New("mail: not a delivery status notification")

// maxBouncePart bounds what ParseBounce reads of one part, so that a huge
// returned message costs nothing: only its headers matter.
const maxBouncePart = 1 << 20

// ParseBounce reads a bounce: a multipart/report message with
// report-type=delivery-status (RFC 3464, or its RFC 6533 form for
// internationalised mail), as Postfix, Exim, Exchange and Gmail send. Of
// several recipients it returns the first that failed, else the first.
// The original message's headers come from its message/rfc822 or
// text/rfc822-headers part. A message that is no such report gives an
// error wrapping ErrNotDSN.
func ParseBounce(r io.Reader) (Bounce, error) {
	msg, err := mail.ReadMessage(bufio.NewReader(r))
	if err != nil {
		return Bounce{}, fmt.Errorf("%w: %w", ErrNotDSN, err)
	}
	var p bounceParts
	if err := p.walk(textproto.MIMEHeader(msg.Header), msg.Body, 0); err != nil {
		return Bounce{}, err
	}
	if p.status == nil {
		return Bounce{}, fmt.Errorf("%w: no message/delivery-status part", ErrNotDSN)
	}
	b, err := parseDeliveryStatus(p.status)
	if err != nil {
		return Bounce{}, err
	}
	if p.original != nil {
		b.Invitation = strings.TrimSpace(p.original.Get(HeaderInvitation))
		b.MessageID = strings.TrimSpace(p.original.Get("Message-Id"))
	}
	return b, nil
}

// bounceParts collects the two parts of a report that matter.
type bounceParts struct {
	status   []byte               // the delivery-status body
	original textproto.MIMEHeader // the returned message's headers
}

// walk descends into multipart bodies (a report may sit inside a
// multipart/mixed, its human part be multipart/alternative) and keeps the
// first delivery-status and returned-headers parts.
func (p *bounceParts) walk(h textproto.MIMEHeader, body io.Reader, depth int) error {
	if depth > 5 {
		return fmt.Errorf("%w: multipart nested too deep", ErrNotDSN)
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("%w: Content-Type %q: %v", ErrNotDSN, ct, err)
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if params["boundary"] == "" {
			return fmt.Errorf("%w: %s without boundary", ErrNotDSN, mt)
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%w: %s: %w", ErrNotDSN, mt, err)
			}
			if err := p.walk(part.Header, part, depth+1); err != nil {
				return err
			}
		}
	case mt == "message/delivery-status" || mt == "message/global-delivery-status":
		if p.status == nil {
			b, err := readPart(h, body)
			if err != nil {
				return err
			}
			p.status = b
		}
	case mt == "message/rfc822" || mt == "message/global" || mt == "text/rfc822-headers" || mt == "message/global-headers":
		if p.original == nil {
			b, err := readPart(h, body)
			if err != nil {
				return err
			}
			p.original = readHeaders(b)
		}
	}
	return nil
}

// readPart reads a part's body, decoding base64 (multipart.Reader has
// already decoded quoted-printable), up to maxBouncePart.
func readPart(h textproto.MIMEHeader, body io.Reader) ([]byte, error) {
	r := io.LimitReader(body, maxBouncePart)
	if strings.EqualFold(strings.TrimSpace(h.Get("Content-Transfer-Encoding")), "base64") {
		r = base64.NewDecoder(base64.StdEncoding, &stripSpace{r: r})
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotDSN, err)
	}
	return b, nil
}

// stripSpace drops the line breaks of base64 text, which the decoder
// does not accept.
type stripSpace struct{ r io.Reader }

func (s *stripSpace) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// readHeaders reads a header block, keeping what it read before any
// malformed line: a returned message may be cut short.
func readHeaders(b []byte) textproto.MIMEHeader {
	tr := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(b), strings.NewReader("\r\n\r\n"))))
	h, _ := tr.ReadMIMEHeader() // a partial header is still useful
	return h
}

// parseDeliveryStatus reads the per-message fields and the per-recipient
// groups of a delivery-status body.
func parseDeliveryStatus(body []byte) (Bounce, error) {
	// Groups end at blank lines, which some servers fill with spaces.
	var groups []textproto.MIMEHeader
	var block bytes.Buffer
	flush := func() {
		if block.Len() > 0 {
			groups = append(groups, readHeaders(block.Bytes()))
			block.Reset()
		}
	}
	for line := range bytes.Lines(body) {
		if len(bytes.TrimSpace(line)) == 0 {
			flush()
			continue
		}
		block.Write(bytes.TrimRight(line, "\r\n"))
		block.WriteString("\r\n")
	}
	flush()
	if len(groups) < 2 {
		return Bounce{}, fmt.Errorf("%w: the delivery status has no recipient", ErrNotDSN)
	}
	perMessage, recipients := groups[0], groups[1:]
	var chosen textproto.MIMEHeader
	for _, g := range recipients {
		if g.Get("Final-Recipient") == "" {
			continue
		}
		if chosen == nil {
			chosen = g
		}
		if strings.EqualFold(strings.TrimSpace(g.Get("Action")), "failed") {
			chosen = g
			break
		}
	}
	if chosen == nil {
		return Bounce{}, fmt.Errorf("%w: no Final-Recipient", ErrNotDSN)
	}
	b := Bounce{
		Recipient:    addressField(chosen.Get("Final-Recipient")),
		Action:       strings.ToLower(strings.TrimSpace(chosen.Get("Action"))),
		Status:       statusField(chosen.Get("Status")),
		Diagnostic:   oneLine(chosen.Get("Diagnostic-Code")),
		ReportingMTA: addressField(perMessage.Get("Reporting-MTA")),
	}
	if b.Action == "" || b.Status == "" {
		return Bounce{}, fmt.Errorf("%w: recipient %s has no Action or Status", ErrNotDSN, b.Recipient)
	}
	return b, nil
}

// addressField drops the type of a typed field: "rfc822; a@example.com"
// gives "a@example.com", "dns; mx.example.net" "mx.example.net".
func addressField(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		v = after
	}
	return strings.Trim(strings.TrimSpace(v), "<>")
}

// statusField keeps the status code of "5.1.1 (bad destination mailbox)",
// or nothing when it is not one.
func statusField(v string) string {
	m := enhancedStatus.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return ""
	}
	return m[1]
}
