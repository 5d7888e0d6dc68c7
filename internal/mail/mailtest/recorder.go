package mailtest

import (
	"context"
	"sync"

	"github.com/promotor/promotor/internal/mail"
)

// Recorder is a mail.Sender that keeps what it is given instead of
// sending it, for tests that check which messages a caller sends. It
// refuses what the SMTP sender refuses (Message.Validate), and Fail can
// make it refuse more. It is safe for concurrent use.
type Recorder struct {
	// Fail, when set, is asked first and its error returned instead of
	// recording the message: return a *mail.SendError to play a server.
	Fail func(m *mail.Message) error

	mu   sync.Mutex
	sent []mail.Message
}

var _ mail.Sender = (*Recorder)(nil)

// Send records a copy of m, or returns why it would not be sent.
func (r *Recorder) Send(ctx context.Context, m *mail.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return &mail.SendError{Permanent: true, Stage: mail.StageMessage, Text: err.Error(), Err: err}
	}
	if r.Fail != nil {
		if err := r.Fail(m); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.sent = append(r.sent, *m)
	r.mu.Unlock()
	return nil
}

// Sent returns copies of the messages recorded so far, in order.
func (r *Recorder) Sent() []mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mail.Message(nil), r.sent...)
}

// To returns the recorded messages to the address email, in order.
func (r *Recorder) To(email string) []mail.Message {
	var out []mail.Message
	for _, m := range r.Sent() {
		if m.To.Email == email {
			out = append(out, m)
		}
	}
	return out
}
