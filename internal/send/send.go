// Package send mails invitations and reminders: it takes due messages
// from the store's outbox, writes each in the contact's language, hands it
// to an SMTP sender and records what the server said. It runs as periodic
// tasks of the job queue (internal/jobs) in every serve process; the
// outbox's claims and leases make that safe, and a sender that dies
// loses nothing: what it had claimed is claimed again after the lease,
// so that at most the messages it had in flight go out twice.
package send

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// Defaults of a Sender.
const (
	DefaultLease   = 2 * time.Minute
	DefaultBatch   = 200
	DefaultWorkers = 8
)

// Sender sends the outbox's messages. Its fields are set before use.
type Sender struct {
	DB     *store.DB
	Mail   mail.Sender
	Render *mail.Renderer
	// BaseURL is the public address of the survey pages, without a
	// trailing slash: the links in the messages start with it.
	BaseURL string
	Log     *slog.Logger
	// Lease is how long a claimed message is this sender's; Batch how
	// many it claims at a time; Workers how many it sends at once (at most
	// the SMTP connections worth having). Zero means the default.
	Lease   time.Duration
	Batch   int
	Workers int
	// Budget bounds one Drain; zero means until the outbox has nothing due.
	Budget time.Duration
	// Metrics counts the messages sent and failed; nil counts nothing.
	Metrics *metrics.Metrics

	claimSeq   atomic.Int64
	surveyMu   sync.Mutex
	surveyMemo map[int64]surveyEntry
	// progressMemo is each account's recent shareable progress
	// (progress.go), read for a batch at once and kept for a minute.
	progressMu   sync.Mutex
	progressMemo map[int64]progressEntry
}

type surveyEntry struct {
	survey nps.Survey
	read   time.Time
}

// StartDue starts the sends whose time has come.
func (s *Sender) StartDue(ctx context.Context) error {
	n, err := s.DB.StartDueSends(ctx)
	if n > 0 {
		s.Log.Info("sends started", "count", n)
	}
	return err
}

// QueueReminders queues the reminders that are due.
func (s *Sender) QueueReminders(ctx context.Context) error {
	n, err := s.DB.QueueReminders(ctx)
	if n > 0 {
		s.Log.Info("reminders queued", "count", n)
	}
	return err
}

// Drain sends due messages until none is due, the budget is spent or ctx
// ends. Claiming the next batch overlaps with sending the current one, and
// outcomes are recorded in batches as they come.
func (s *Sender) Drain(ctx context.Context) error {
	var deadline time.Time
	if s.Budget > 0 {
		deadline = time.Now().Add(s.Budget)
	}
	lease, batch, workers := or(s.Lease, DefaultLease), or(s.Batch, DefaultBatch), or(s.Workers, DefaultWorkers)
	work := make(chan job, batch)
	outcomes := make(chan store.Outcome, batch)
	// inFlight are the messages handed to the workers whose outcome is
	// not yet recorded. A message whose lease runs out meanwhile comes
	// back in a later claim of this drain, which renews the lease; it is
	// not handed over twice.
	var mu sync.Mutex
	inFlight := map[int64]bool{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range work {
				outcomes <- s.deliver(ctx, j.o, j.progress)
			}
		})
	}
	recorded := make(chan error, 1)
	go func() {
		recorded <- s.record(outcomes, func(group []store.Outcome) {
			mu.Lock()
			defer mu.Unlock()
			for _, o := range group {
				delete(inFlight, o.ID)
			}
		})
	}()

	var err error
	claim := s.newClaim()
	for ctx.Err() == nil && (deadline.IsZero() || time.Now().Before(deadline)) {
		var out []store.Outgoing
		out, err = s.DB.ClaimMessages(ctx, claim, lease, batch)
		if err != nil {
			break
		}
		mu.Lock()
		out = slices.DeleteFunc(out, func(o store.Outgoing) bool { return inFlight[o.ID] })
		for _, o := range out {
			inFlight[o.ID] = true
		}
		mu.Unlock()
		if len(out) == 0 {
			// Nothing due but what the workers hold already.
			break
		}
		progress := s.progressFor(ctx, out)
		for _, o := range out {
			work <- job{o: o, progress: progress[o.ID]}
		}
	}
	close(work)
	wg.Wait()
	close(outcomes)
	return errors.Join(err, <-recorded)
}

// record writes outcomes in batches: whatever has arrived when the
// previous write ends, so that the store keeps up with any pace. It uses
// a context of its own, since an outcome of a message that went out must
// be recorded even while the drain is being cancelled. done is told of
// each group once it is written.
func (s *Sender) record(outcomes <-chan store.Outcome, done func([]store.Outcome)) error {
	var errs []error
	for o := range outcomes {
		group := []store.Outcome{o}
	more:
		for len(group) < 500 {
			select {
			case o, ok := <-outcomes:
				if !ok {
					break more
				}
				group = append(group, o)
			default:
				break more
			}
		}
		s.count(group)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := s.DB.FinishMessages(ctx, group); err != nil {
			errs = append(errs, err)
		}
		cancel()
		done(group)
	}
	return errors.Join(errs...)
}

// count counts what became of a group of messages in the metrics.
func (s *Sender) count(group []store.Outcome) {
	var sent, retry, failed int
	for _, o := range group {
		switch {
		case o.Err == "":
			sent++
		case !o.RetryAt.IsZero():
			retry++
		default:
			failed++
		}
	}
	s.Metrics.Messages(metrics.OutcomeSent, sent)
	s.Metrics.Messages(metrics.OutcomeRetry, retry)
	s.Metrics.Messages(metrics.OutcomeFailed, failed)
}

// job is a message to send with its progress paragraph.
type job struct {
	o        store.Outgoing
	progress mail.Progress
}

// deliver writes and sends one message and says what became of it.
func (s *Sender) deliver(ctx context.Context, o store.Outgoing, p mail.Progress) store.Outcome {
	out := store.Outcome{ID: o.ID, Claim: o.Claim}
	if ctx.Err() != nil {
		// The process is stopping: the message goes back to the outbox
		// at once for the next sender, without waiting out its lease.
		out.Err, out.RetryAt = "not sent: the sender stopped", time.Now()
		return out
	}
	m, err := s.compose(ctx, o, p)
	if err != nil {
		out.Err = "not sent: " + err.Error()
		return out
	}
	out.MessageID = m.MessageID
	err = s.Mail.Send(ctx, m)
	if err == nil {
		return out
	}
	out.Err = err.Error()
	attempts := o.Attempts
	switch {
	case ctx.Err() != nil:
		out.RetryAt = time.Now() // stopped half-way: handed back as above
	case !mail.IsPermanent(err) && attempts < mail.MaxAttempts:
		out.RetryAt = time.Now().Add(mail.RetryAfter(attempts))
	}
	s.Log.Warn("message not sent", "message_id", o.ID, "attempt", attempts, "permanent", out.RetryAt.IsZero(), "err", mail.Redact(err))
	return out
}

// compose writes the message of o in its contact's language.
func (s *Sender) compose(ctx context.Context, o store.Outgoing, p mail.Progress) (*mail.Message, error) {
	survey, err := s.survey(ctx, o.Invitation.WorkspaceID, o.SurveyID)
	if err != nil {
		return nil, err
	}
	m, err := composeWithProgress(s.Render, s.BaseURL, o, survey, p)
	if err != nil {
		return nil, err
	}
	m.MessageID = messageID(s.BaseURL, o.Invitation.ID, o.Seq)
	return m, nil
}

// survey reads a survey's texts, remembering them for a minute: a wave's
// thousands of messages share one survey, and an edit shows within the
// minute.
func (s *Sender) survey(ctx context.Context, workspaceID, id int64) (nps.Survey, error) {
	s.surveyMu.Lock()
	defer s.surveyMu.Unlock()
	if e, ok := s.surveyMemo[id]; ok && time.Since(e.read) < time.Minute {
		return e.survey, nil
	}
	sv, err := s.DB.Survey(ctx, workspaceID, id)
	if err != nil {
		return nps.Survey{}, fmt.Errorf("send: %w", err)
	}
	if s.surveyMemo == nil {
		s.surveyMemo = map[int64]surveyEntry{}
	}
	s.surveyMemo[id] = surveyEntry{survey: sv, read: time.Now()}
	return sv, nil
}

// newClaim returns a claim no other sender uses.
func (s *Sender) newClaim() string {
	return fmt.Sprintf("%s-%d", processID, s.claimSeq.Add(1))
}

// or returns v, or def when v is not set.
func or[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// processID tells this process's claims from other processes'.
var processID = func() string {
	b := make([]byte, 6)
	rand.Read(b) // never fails, see crypto/rand.Read
	return hex.EncodeToString(b)
}()
