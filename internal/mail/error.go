package mail

import (
	"errors"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Stage names the step of an SMTP exchange that failed.
type Stage string

// The stages of a send, in order. StageMessage is a message the sender
// refused before talking to a server (a bad address, a header with a line
// break).
const (
	StageMessage Stage = "message"
	StageConnect Stage = "connect"
	StageMail    Stage = "MAIL FROM"
	StageRcpt    Stage = "RCPT TO"
	StageData    Stage = "DATA"
)

// SendError is why a message was not accepted. Permanent errors will not
// go away by retrying this message: a 5xx reply to MAIL FROM, RCPT TO or
// DATA (e.g. "550 5.1.1 user unknown"), or a message the sender refuses to
// send; the invitation fails with Error(). All other errors are temporary
// and the message may be retried later: 4xx replies, network errors,
// timeouts, and every failure to connect, greet, start TLS or log in, even
// a 5xx one, because those say nothing about the recipient (a wrong
// password must not fail a whole wave).
type SendError struct {
	// Permanent is true when retrying the same message is pointless.
	Permanent bool
	// Stage is the step that failed.
	Stage Stage
	// Code is the server's SMTP reply code (550), 0 when the error was not
	// a server reply.
	Code int
	// Status is the enhanced status code of the reply ("5.1.1"), if any.
	Status string
	// Text is the server's reply text without its code, or a description
	// of the error when it was not a reply.
	Text string
	// Err is the underlying error.
	Err error
}

// Error reads like "mail: RCPT TO: 550 5.1.1 user unknown", so it can be
// stored as the invitation's failure as it is.
func (e *SendError) Error() string {
	var b strings.Builder
	b.WriteString("mail: ")
	b.WriteString(string(e.Stage))
	b.WriteString(": ")
	if e.Code != 0 {
		b.WriteString(strconv.Itoa(e.Code))
		b.WriteByte(' ')
	}
	b.WriteString(e.Text)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// Temporary reports whether the message may be sent again later.
func (e *SendError) Temporary() bool { return !e.Permanent }

// IsPermanent reports whether err is, or wraps, a permanent *SendError.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

// enhancedStatus matches an RFC 3463 status at the start of a reply text.
var enhancedStatus = regexp.MustCompile(`^([245]\.\d{1,3}\.\d{1,3})\b\s*`)

// sendError classifies err, which happened at stage. A *textproto.Error
// is a server reply; anything else is a network or protocol error.
func sendError(stage Stage, err error) *SendError {
	se := &SendError{Stage: stage, Err: err, Text: err.Error()}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		se.Code = reply.Code
		se.Text = strings.Join(strings.Fields(reply.Msg), " ")
		if m := enhancedStatus.FindStringSubmatch(se.Text); m != nil {
			se.Status = m[1]
		}
		se.Permanent = reply.Code >= 500 && reply.Code < 600 && stage != StageConnect
	}
	return se
}

// messageError is a message the sender refuses to send.
func messageError(err error) *SendError {
	return &SendError{Permanent: true, Stage: StageMessage, Text: err.Error(), Err: err}
}

// isReply reports whether err is a server reply (so the connection still
// works) rather than a broken connection.
func isReply(err error) bool {
	var reply *textproto.Error
	return errors.As(err, &reply)
}

// MaxAttempts is how often an email is tried before a temporary failure
// counts as final: invitations and the loop's emails alike.
const MaxAttempts = 6

// RetryAfter is the wait before the next attempt of an email after n
// failed ones: 1, 4, 16, 64 and 256 minutes.
func RetryAfter(n int) time.Duration { return time.Minute << (2 * (max(n, 1) - 1)) }

// addressLike matches what may be an email address in a server's reply:
// a run of characters around an @, wider than a valid address so that
// nothing of one is left over.
var addressLike = regexp.MustCompile(`[^\s<>()\[\]"',;:@]*@[^\s<>()\[\]"',;:@]+`)

// Redact returns err's text with every email address replaced by
// "[address]", for the logs: a server's refusal often quotes the
// recipient ("550 5.1.1 <anna@example.com>: user unknown"), and logs are
// kept, shipped and read where a contact's address does not belong. The
// message's own failure keeps the whole text, beside the recipient it is
// about, where erasure reaches it.
func Redact(err error) string {
	if err == nil {
		return ""
	}
	return addressLike.ReplaceAllString(err.Error(), "[address]")
}
