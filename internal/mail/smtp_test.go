package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
)

func TestMain(m *testing.M) { os.Exit(mailtest.Main(m)) }

// newSMTP returns a sender for cfg, closed when t ends.
func newSMTP(t testing.TB, cfg mail.Config) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func plainMessage(to, subject string) *mail.Message {
	return &mail.Message{
		To:      mail.Address{Email: to},
		Subject: subject,
		Text:    "Hello.\n",
	}
}

func TestSMTPHeaders(t *testing.T) {
	mp := mailtest.Start(t)
	cfg := mp.Config()
	cfg.From = mail.Address{Name: "Bakkerij Ëlst NPS", Email: "nps@example.com"}
	s := newSMTP(t, cfg)
	to := mailtest.Address(t)
	id := mail.NewMessageID("inv-42", "example.com")
	m := &mail.Message{
		To:          mail.Address{Name: "Jeroen van 't Hoff – Bakkerij Ëlst", Email: to},
		Subject:     "Hoe waarschijnlijk is het dat u Ëlst aanbeveelt?",
		Text:        "Tekst\n",
		HTML:        "<p>HTML</p>",
		MessageID:   id,
		Invitation:  "tok-42",
		Unsubscribe: mail.Unsubscribe{URL: "https://nps.example.com/u/tok-42", Mailto: "mailto:unsubscribe+tok-42@example.com"},
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := mp.API.WaitTo(t, to, 1)[0]
	ctx := context.Background()
	msg, err := mp.API.Message(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	h, err := mp.API.Headers(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"To name", msg.To[0].Name, m.To.Name},
		{"From", msg.From.Name + " <" + msg.From.Address + ">", "Bakkerij Ëlst NPS <nps@example.com>"},
		{"Subject", msg.Subject, m.Subject},
		{"Message-ID", "<" + msg.MessageID + ">", id},
		{"Text", strings.TrimSpace(msg.Text), "Tekst"},
		{"HTML", msg.HTML, "<p>HTML</p>"},
		{"List-Unsubscribe", h.Get("List-Unsubscribe"), "<https://nps.example.com/u/tok-42>, <mailto:unsubscribe+tok-42@example.com>"},
		{"List-Unsubscribe-Post", h.Get("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"},
		{"mailpit's List-Unsubscribe errors", msg.ListUnsubscribe.Errors, ""},
		{"X-Promotor-Invitation", h.Get(mail.HeaderInvitation), "tok-42"},
		{"Auto-Submitted", h.Get("Auto-Submitted"), "auto-generated"},
		{"Precedence", h.Get("Precedence"), "bulk"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
		t.Errorf("Content-Type: got %q, want multipart/alternative", ct)
	}
	// The encoded headers on the wire are ASCII.
	for _, k := range []string{"To", "From", "Subject"} {
		if v := h.Get(k); !isASCII(v) || !strings.Contains(v, "=?") {
			t.Errorf("%s on the wire: got %q, want RFC 2047 encoded words", k, v)
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func TestSMTPReusesConnections(t *testing.T) {
	mp := mailtest.Start(t)
	cfg := mp.Config()
	cfg.Connections = 2
	s := newSMTP(t, cfg)
	to := mailtest.Address(t)
	const n = 60
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.Send(context.Background(), plainMessage(to, "reuse "+strconv.Itoa(i)))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	mp.API.WaitTo(t, to, n)
	st := s.Stats()
	if st.Dials > 2 || st.Sent != n || st.Open > 2 {
		t.Errorf("%d concurrent sends over 2 connections: got %+v, want at most 2 dials, %d sent", n, st, n)
	}
}

func TestSMTPRejectedRecipient(t *testing.T) {
	mp := mailtest.Start(t)
	s := newSMTP(t, mp.Config())
	err := s.Send(context.Background(), plainMessage(mailtest.RejectedAddress(t), "rejected"))
	var se *mail.SendError
	if !errors.As(err, &se) {
		t.Fatalf("send to a rejected recipient: got %v, want a *SendError", err)
	}
	if !se.Permanent || se.Code != 550 || se.Stage != mail.StageRcpt || se.Status != "5.1.0" || !mail.IsPermanent(err) {
		t.Errorf("rejected recipient: got %+v, want permanent 550 5.1.0 at RCPT TO", se)
	}
	if want := "mail: RCPT TO: 550 5.1.0 Requested action not taken: mailbox unavailable"; se.Error() != want {
		t.Errorf("error text: got %q, want %q", se.Error(), want)
	}
	// The connection survives a rejected recipient.
	to := mailtest.Address(t)
	if err := s.Send(context.Background(), plainMessage(to, "after")); err != nil {
		t.Fatal(err)
	}
	mp.API.WaitTo(t, to, 1)
	if st := s.Stats(); st.Dials != 1 {
		t.Errorf("after a rejected recipient: got %d dials, want 1", st.Dials)
	}
}

func TestSMTPServerGoesAway(t *testing.T) {
	mp := mailtest.Start(t)
	p := newProxy(t, mp.SMTPAddr)
	cfg := mp.Config()
	host, port, _ := net.SplitHostPort(p.addr)
	cfg.Host, cfg.Port = host, atoi(t, port)
	cfg.Connections = 1
	cfg.Timeout = 2 * time.Second
	s := newSMTP(t, cfg)
	ctx := context.Background()
	to := mailtest.Address(t)
	send := func(i int) error { return s.Send(ctx, plainMessage(to, fmt.Sprint("away ", i))) }

	if err := send(1); err != nil {
		t.Fatal(err)
	}
	// The server drops the idle connection: the next message reconnects.
	p.dropConns()
	if err := send(2); err != nil {
		t.Fatalf("after the server closed the idle connection: %v", err)
	}
	// The server is down: a temporary error.
	p.dropConns()
	p.stop()
	err := send(3)
	var se *mail.SendError
	if !errors.As(err, &se) || se.Permanent || se.Stage != mail.StageConnect {
		t.Fatalf("server down: got %#v, want a temporary SendError at connect", err)
	}
	// Back up: sending works again.
	p.start()
	if err := send(4); err != nil {
		t.Fatalf("server back: %v", err)
	}
	mp.API.WaitTo(t, to, 3)
	if st := s.Stats(); st.Dials != 3 || st.Sent != 3 {
		t.Errorf("got %+v, want 3 dials and 3 sent", st)
	}
}

func TestSMTPClosesIdleConnections(t *testing.T) {
	mp := mailtest.Start(t)
	cfg := mp.Config()
	cfg.IdleTimeout = 50 * time.Millisecond
	s := newSMTP(t, cfg)
	if err := s.Send(context.Background(), plainMessage(mailtest.Address(t), "idle")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Stats().Open != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after the idle timeout: got %d open connections, want 0", s.Stats().Open)
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Close()
	err := s.Send(context.Background(), plainMessage(mailtest.Address(t), "closed"))
	if !errors.Is(err, mail.ErrClosed) {
		t.Errorf("send after Close: got %v, want ErrClosed", err)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// proxy forwards TCP connections to a server and can drop them or stop
// listening, to play a server that goes away.
type proxy struct {
	t      *testing.T
	target string
	addr   string

	mu    sync.Mutex
	l     net.Listener
	conns []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, target: target, addr: l.Addr().String()}
	p.serve(l)
	t.Cleanup(func() { p.dropConns(); p.stop() })
	return p
}

func (p *proxy) start() {
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(l)
}

func (p *proxy) serve(l net.Listener) {
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *proxy) dropConns() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		p.l.Close()
		p.l = nil
	}
}
