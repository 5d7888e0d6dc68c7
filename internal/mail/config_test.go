package mail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want mail.Config
	}{
		{"smtp://nps%40example.com:s%3Acret@smtp.example.com:587?from=Molenaar+%26+Zn.+%3Cnps@example.com%3E", mail.Config{
			Host: "smtp.example.com", Port: 587, Username: "nps@example.com", Password: "s:cret",
			TLS: mail.TLSStartTLS, From: mail.Address{Name: "Molenaar & Zn.", Email: "nps@example.com"},
		}},
		{"smtps://u:p@smtp.example.com?from=nps@example.com&from_name=NPS", mail.Config{
			Host: "smtp.example.com", Username: "u", Password: "p", TLS: mail.TLSImplicit,
			From: mail.Address{Name: "NPS", Email: "nps@example.com"},
		}},
		{"smtp://127.0.0.1:1025?tls=none&from=nps@example.com&connections=8&timeout=5s&idle_timeout=1m&helo=promotor.example.com", mail.Config{
			Host: "127.0.0.1", Port: 1025, TLS: mail.TLSNone, From: mail.Address{Email: "nps@example.com"},
			Connections: 8, Timeout: 5 * time.Second, IdleTimeout: time.Minute, HELO: "promotor.example.com",
		}},
	}
	for _, tt := range tests {
		got, err := mail.ParseURL(tt.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseURL(%q):\ngot  %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseURLRejects(t *testing.T) {
	tests := map[string]string{
		"smtp://h?from=a@example.com&tls=ssl":             `tls "ssl"`,
		"http://h?from=a@example.com":                     "scheme",
		"smtp://h":                                        "no from address",
		"smtp://h?from=not-an-address":                    "from",
		"smtp://h?from=a@example.com&conections=2":        `unknown parameter "conections"`,
		"smtp://h?from=a@example.com&connections=0x":      "connections",
		"smtp://h?from=a@example.com&timeout=5":           "timeout",
		"smtp://h:99999?from=a@example.com":               "port",
		"smtp://:pw@h?from=a@example.com":                 "password without a user",
		"smtp://h/path?from=a@example.com":                "path",
		"smtp://h?from=a@example.com&from=b@example.com":  "2 times",
		"smtp://u:secret@h%zz?from=a@example.com":         "SMTP URL",
		"smtp://h?from=a@example.com&helo=bad%20name":     "helo",
		"smtp://h?from=a@example.com&connections=1000000": "connections",
	}
	for in, want := range tests {
		_, err := mail.ParseURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseURL(%q): got %v, want an error saying %q", in, err, want)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseURL(%q): the error %q shows the password", in, err)
		}
	}
}

func TestConfigStringHidesPassword(t *testing.T) {
	c, err := mail.ParseURL("smtp://user:hunter2@smtp.example.com?from=nps@example.com")
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if strings.Contains(s, "hunter2") || !strings.Contains(s, "user@smtp.example.com:587") || !strings.Contains(s, "tls=starttls") {
		t.Errorf("String: got %q, want user@smtp.example.com:587, tls=starttls and no password", s)
	}
}

func FuzzParseURL(f *testing.F) {
	f.Add("smtp://u:p@smtp.example.com:587?from=A+%3Ca@example.com%3E&tls=starttls")
	f.Add("smtps://h?from=a@example.com&connections=3&timeout=1s")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := mail.ParseURL(in)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseURL(%q) gave a config that does not validate: %v", in, err)
		}
		if c.Password != "" && len(c.Password) > 3 && strings.Contains(c.String(), c.Password) && !strings.Contains(c.Host+c.Username+c.From.String(), c.Password) {
			t.Fatalf("String shows the password: %q", c.String())
		}
	})
}
