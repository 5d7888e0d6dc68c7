package mail_test

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
)

func TestMessageValidate(t *testing.T) {
	ok := func() *mail.Message {
		return &mail.Message{
			To:          mail.Address{Name: "Jan", Email: "jan@example.com"},
			Subject:     "Hallo",
			Text:        "x",
			MessageID:   "<inv-1.abc@example.com>",
			Invitation:  "tok-1",
			Unsubscribe: mail.Unsubscribe{URL: "https://nps.example.com/u/tok-1", Mailto: "mailto:u+tok-1@example.com"},
			HTML:        `<img src="cid:a@x">`,
			Inline:      []mail.Inline{{CID: "a@x", ContentType: "image/png", Data: []byte("png")}},
		}
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("valid message: %v", err)
	}
	tests := map[string]func(m *mail.Message){
		"no address":         func(m *mail.Message) { m.To.Email = "" },
		"name in address":    func(m *mail.Message) { m.To.Email = "Jan <jan@example.com>" },
		"two addresses":      func(m *mail.Message) { m.To.Email = "jan@example.com, piet@example.com" },
		"line break in name": func(m *mail.Message) { m.To.Name = "Jan\r\nBcc: x@example.com" },
		"subject injection":  func(m *mail.Message) { m.Subject = "Hi\r\nBcc: x@example.com" },
		"no text":            func(m *mail.Message) { m.Text = "" },
		"bad Message-ID":     func(m *mail.Message) { m.MessageID = "inv-1@example.com" },
		"Message-ID space":   func(m *mail.Message) { m.MessageID = "<inv 1@example.com>" },
		"invitation space":   func(m *mail.Message) { m.Invitation = "tok 1" },
		"invitation UTF-8":   func(m *mail.Message) { m.Invitation = "tök" },
		"mailto without URL": func(m *mail.Message) { m.Unsubscribe.URL = "" },
		"unsubscribe scheme": func(m *mail.Message) { m.Unsubscribe.URL = "javascript:alert(1)" },
		"mailto scheme":      func(m *mail.Message) { m.Unsubscribe.Mailto = "u@example.com" },
		"inline without HTML": func(m *mail.Message) {
			m.HTML = ""
			m.Inline = []mail.Inline{{CID: "a@x", ContentType: "image/png", Data: []byte("png")}}
		},
		"inline without ID": func(m *mail.Message) { m.Inline = []mail.Inline{{ContentType: "image/png", Data: []byte("png")}} },
		"inline ID with space": func(m *mail.Message) {
			m.Inline = []mail.Inline{{CID: "a b@x", ContentType: "image/png", Data: []byte("png")}}
		},
		"inline ID bracket": func(m *mail.Message) {
			m.Inline = []mail.Inline{{CID: "a>@x", ContentType: "image/png", Data: []byte("png")}}
		},
		"inline ID twice": func(m *mail.Message) {
			m.Inline = []mail.Inline{{CID: "a@x", ContentType: "image/png", Data: []byte("1")}, {CID: "a@x", ContentType: "image/png", Data: []byte("2")}}
		},
		"inline SVG": func(m *mail.Message) {
			m.Inline = []mail.Inline{{CID: "a@x", ContentType: "image/svg+xml", Data: []byte("<svg/>")}}
		},
		"inline empty": func(m *mail.Message) { m.Inline = []mail.Inline{{CID: "a@x", ContentType: "image/png"}} },
		"inline too big": func(m *mail.Message) {
			m.Inline = []mail.Inline{{CID: "a@x", ContentType: "image/png", Data: make([]byte, 6<<20)}}
		},
	}
	for name, change := range tests {
		m := ok()
		change(m)
		if err := m.Validate(); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}

func TestNewMessageID(t *testing.T) {
	re := regexp.MustCompile(`^<inv-42\.[a-z2-7]{16}@example\.com>$`)
	a, b := mail.NewMessageID("inv-42", "example.com"), mail.NewMessageID("inv-42", "example.com")
	if !re.MatchString(a) || a == b {
		t.Errorf("NewMessageID: got %q and %q, want two distinct ids matching %s", a, b, re)
	}
	m := &mail.Message{To: mail.Address{Email: "a@example.com"}, Text: "x", MessageID: a}
	if err := m.Validate(); err != nil {
		t.Errorf("a NewMessageID does not validate: %v", err)
	}
}

func TestSendCancelled(t *testing.T) {
	s := newSMTP(t, mail.Config{Host: "127.0.0.1", Port: 9, TLS: mail.TLSNone, From: mail.Address{Email: "nps@example.com"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Send(ctx, &mail.Message{To: mail.Address{Email: "a@example.com"}, Text: "x"})
	var se *mail.SendError
	if !errors.As(err, &se) || se.Permanent || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled send: got %v, want a temporary SendError wrapping context.Canceled", err)
	}
	if d := s.Stats().Dials; d != 0 {
		t.Errorf("cancelled send: got %d dials, want 0", d)
	}
	err = s.Send(context.Background(), &mail.Message{To: mail.Address{Email: "not an address"}, Text: "x"})
	if !mail.IsPermanent(err) {
		t.Errorf("invalid recipient: got %v, want a permanent error", err)
	}
}

func TestRecorder(t *testing.T) {
	var r mailtest.Recorder
	r.Fail = func(m *mail.Message) error {
		if m.To.Email == "gone@example.com" {
			return &mail.SendError{Permanent: true, Stage: mail.StageRcpt, Code: 550, Text: "5.1.1 user unknown"}
		}
		return nil
	}
	var s mail.Sender = &r
	ctx := context.Background()
	if err := s.Send(ctx, &mail.Message{To: mail.Address{Email: "jan@example.com"}, Subject: "1", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, &mail.Message{To: mail.Address{Email: "gone@example.com"}, Text: "x"}); !mail.IsPermanent(err) {
		t.Errorf("Fail: got %v, want its permanent error", err)
	}
	if err := s.Send(ctx, &mail.Message{To: mail.Address{Email: "jan@example.com"}}); !mail.IsPermanent(err) {
		t.Errorf("message without text: got %v, want a permanent error", err)
	}
	if got := r.To("jan@example.com"); len(got) != 1 || got[0].Subject != "1" || len(r.Sent()) != 1 {
		t.Errorf("recorded: got %+v, want the one message to jan@example.com", r.Sent())
	}
}
