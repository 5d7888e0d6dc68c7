package mail

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTP sends messages through one SMTP server, keeping up to
// Config.Connections connections open and reusing each for message after
// message: on a local server a new connection per message costs more than
// the message. It is safe for concurrent use; each concurrent Send uses a
// connection of its own, so Connections is also how many messages are in
// flight at once.
type SMTP struct {
	cfg    Config
	client *gomail.Client // holds the dial, TLS and auth settings
	slots  chan struct{}  // one token per connection that may be in use

	mu     sync.Mutex
	idle   []*conn // most recently used last
	open   int
	closed bool

	dials atomic.Int64
	sent  atomic.Int64

	stop chan struct{}
	wg   sync.WaitGroup
}

// conn is one open SMTP connection.
type conn struct {
	c    *smtp.Client
	last time.Time // when it last finished a message
}

// Stats are counters of a sender's work since NewSMTP.
type Stats struct {
	// Dials counts the connections opened (and greeted, and logged in).
	Dials int64
	// Sent counts the messages the server accepted.
	Sent int64
	// Open is the number of connections open now, idle or in use.
	Open int
}

// NewSMTP returns a sender for cfg. It connects lazily, on the first Send,
// so it starts even while the server is down.
func NewSMTP(cfg Config) (*SMTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
	}
	switch cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig))
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	if cfg.Username != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP client: %w", err)
	}
	s := &SMTP{
		cfg:    cfg,
		client: client,
		slots:  make(chan struct{}, cfg.Connections),
		stop:   make(chan struct{}),
	}
	s.wg.Add(1)
	go s.closeIdle()
	return s, nil
}

// Send delivers m, reusing an idle connection when there is one. A reused
// connection that turns out to be dead (the server closed it while idle)
// is replaced and the message tried once more, which is safe because
// nothing was sent on it yet. The context bounds waiting for a free
// connection, connecting, and the message's exchange (with
// Config.Timeout); once the message's data is being written it is
// finished. Errors are *SendError.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	if err := m.Validate(); err != nil {
		return messageError(err)
	}
	g, err := compose(s.cfg.From, m, time.Now())
	if err != nil {
		return messageError(err)
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return &SendError{Stage: StageConnect, Text: "no free connection: " + ctx.Err().Error(), Err: ctx.Err()}
	}
	defer func() { <-s.slots }()
	if err := ctx.Err(); err != nil {
		return &SendError{Stage: StageConnect, Text: err.Error(), Err: err}
	}

	c, reused, serr := s.get(ctx)
	if serr != nil {
		return serr
	}
	keep, serr := s.transact(ctx, c, g, m.To.Email)
	if serr != nil && reused && serr.Stage == StageMail && (!isReply(serr.Err) || serr.Code == 421) {
		s.discard(c)
		if c, serr = s.dial(ctx); serr != nil {
			return serr
		}
		keep, serr = s.transact(ctx, c, g, m.To.Email)
	}
	if keep {
		s.put(c)
	} else {
		s.discard(c)
	}
	if serr != nil {
		return serr
	}
	s.sent.Add(1)
	return nil
}

// transact runs one mail transaction on c and reports whether c can carry
// the next one.
func (s *SMTP) transact(ctx context.Context, c *conn, g *gomail.Msg, rcpt string) (keep bool, serr *SendError) {
	timeout := s.cfg.Timeout
	if d, ok := ctx.Deadline(); ok && time.Until(d) < timeout {
		timeout = time.Until(d)
	}
	if err := c.c.UpdateDeadline(timeout); err != nil {
		return false, sendError(StageMail, err)
	}
	// fail ends the transaction after a failed command: a reply leaves
	// the connection usable once RSET clears the transaction, except 421,
	// with which the server announces it is closing.
	fail := func(stage Stage, err error) (bool, *SendError) {
		se := sendError(stage, err)
		if !isReply(err) || se.Code == 421 {
			return false, se
		}
		return c.c.Reset() == nil, se
	}
	if err := c.c.Mail("<" + s.cfg.From.Email + ">"); err != nil {
		return fail(StageMail, err)
	}
	if err := c.c.Rcpt("<" + rcpt + ">"); err != nil {
		return fail(StageRcpt, err)
	}
	w, err := c.c.Data()
	if err != nil {
		return fail(StageData, err)
	}
	if _, err := g.WriteTo(w); err != nil {
		return false, sendError(StageData, err)
	}
	if err := w.Close(); err != nil {
		// The reply to the final dot ends the transaction either way.
		se := sendError(StageData, err)
		return isReply(err) && se.Code != 421, se
	}
	return true, nil
}

// get returns an idle connection, most recently used first, or a new one.
func (s *SMTP) get(ctx context.Context) (c *conn, reused bool, serr *SendError) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, false, &SendError{Stage: StageConnect, Text: "the sender is closed", Err: ErrClosed}
	}
	if n := len(s.idle); n > 0 {
		c = s.idle[n-1]
		s.idle = s.idle[:n-1]
		s.mu.Unlock()
		return c, true, nil
	}
	s.mu.Unlock()
	c, serr = s.dial(ctx)
	return c, false, serr
}

// ErrClosed is the error of a Send after Close.
var ErrClosed = errors.New("mail: sender closed")

// dial opens, greets, secures and logs in a new connection.
func (s *SMTP) dial(ctx context.Context) (*conn, *SendError) {
	c, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, sendError(StageConnect, err)
	}
	s.dials.Add(1)
	s.mu.Lock()
	s.open++
	s.mu.Unlock()
	return &conn{c: c}, nil
}

// put returns a working connection to the idle list.
func (s *SMTP) put(c *conn) {
	c.last = time.Now()
	s.mu.Lock()
	if !s.closed {
		s.idle = append(s.idle, c)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.discard(c)
}

// discard closes a connection, politely when it still works.
func (s *SMTP) discard(c *conn) {
	if c.c.HasConnection() && c.c.UpdateDeadline(time.Second) == nil {
		_ = c.c.Quit() // the server may already be gone; closing is what matters
	}
	_ = c.c.Close()
	s.mu.Lock()
	s.open--
	s.mu.Unlock()
}

// closeIdle closes the connections that have been idle for
// Config.IdleTimeout, so that the sender does not hold a server's
// connections between waves, nor find them closed by the server.
func (s *SMTP) closeIdle() {
	defer s.wg.Done()
	tick := time.NewTicker(max(s.cfg.IdleTimeout/4, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-tick.C:
			s.mu.Lock()
			var old []*conn
			keep := s.idle[:0]
			for _, c := range s.idle {
				if now.Sub(c.last) >= s.cfg.IdleTimeout {
					old = append(old, c)
				} else {
					keep = append(keep, c)
				}
			}
			clear(s.idle[len(keep):])
			s.idle = keep
			s.mu.Unlock()
			for _, c := range old {
				s.discard(c)
			}
		}
	}
}

// Stats returns the sender's counters.
func (s *SMTP) Stats() Stats {
	s.mu.Lock()
	open := s.open
	s.mu.Unlock()
	return Stats{Dials: s.dials.Load(), Sent: s.sent.Load(), Open: open}
}

// Close closes the idle connections, and the others as their messages
// finish; Send fails with ErrClosed afterwards.
func (s *SMTP) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	close(s.stop)
	s.wg.Wait()
	for _, c := range idle {
		s.discard(c)
	}
	return nil
}
