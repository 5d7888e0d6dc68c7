package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TLSMode says how the connection to the SMTP server is encrypted.
type TLSMode string

// The TLS modes.
const (
	// TLSNone sends in clear text: for a server on loopback only.
	TLSNone TLSMode = "none"
	// TLSStartTLS connects in clear text and requires STARTTLS before
	// anything else (the submission port, 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, port 465).
	TLSImplicit TLSMode = "tls"
)

// Defaults for the fields of Config that are left zero.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultConnections = 4
	DefaultIdleTimeout = 30 * time.Second
)

// Config is how to reach the SMTP server and whom messages come from.
type Config struct {
	// Host and Port of the SMTP server. Port 0 means 25 with TLSNone, 587
	// with TLSStartTLS and 465 with TLSImplicit.
	Host string
	Port int
	// Username and Password, when Username is set, log in with the best
	// mechanism the server offers (SCRAM, CRAM-MD5, PLAIN, LOGIN; the
	// clear-text PLAIN and LOGIN only over TLS).
	Username string
	Password string
	// TLS is the encryption; the zero value is TLSStartTLS.
	TLS TLSMode
	// TLSConfig, when set, replaces the default TLS configuration (which
	// verifies the server's certificate for Host), e.g. to trust a private
	// certificate authority. It cannot be set in the URL form.
	TLSConfig *tls.Config
	// From is the sender of every message: its address is also the
	// envelope sender, to which bounces return.
	From Address
	// HELO is the name the sender greets the server with; empty means the
	// machine's host name.
	HELO string
	// Timeout bounds connecting and each SMTP command; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Connections is how many SMTP connections may be open at once, each
	// reused for message after message; zero means DefaultConnections.
	Connections int
	// IdleTimeout closes a connection unused for that long; zero means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
}

// ParseURL reads the URL form of a Config:
//
//	smtp://user:password@smtp.example.com:587?from=Acme+<nps@example.com>&tls=starttls
//	smtps://user:password@smtp.example.com?from=nps@example.com
//	smtp://127.0.0.1:1025?tls=none&from=nps@example.com&connections=8
//
// The scheme smtp defaults to tls=starttls and smtps means tls=tls; user
// and password are percent-encoded. The query parameters are from (an
// address or "Name <address>", required), from_name, tls
// (none|starttls|tls), helo, timeout and idle_timeout (Go durations such
// as 30s), and connections. Unknown parameters are errors, so that a typo
// does not silently change nothing.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("mail: SMTP URL: %w", redactURLError(err))
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.TLS = TLSStartTLS
	case "smtps":
		c.TLS = TLSImplicit
	default:
		return Config{}, fmt.Errorf("mail: SMTP URL: scheme %q, want smtp or smtps", u.Scheme)
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, fmt.Errorf("mail: SMTP URL: unexpected path %q", u.Path)
	}
	c.Host = u.Hostname()
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil {
			return Config{}, fmt.Errorf("mail: SMTP URL: port %q is not a number", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, fmt.Errorf("mail: SMTP URL: query: %w", err)
	}
	for key, vals := range q {
		if len(vals) != 1 {
			return Config{}, fmt.Errorf("mail: SMTP URL: %s is given %d times", key, len(vals))
		}
		v := vals[0]
		switch key {
		case "from":
			a, err := mail.ParseAddress(v)
			if err != nil {
				return Config{}, fmt.Errorf("mail: SMTP URL: from %q: %w", v, err)
			}
			c.From.Email = a.Address
			if c.From.Name == "" {
				c.From.Name = a.Name
			}
		case "from_name":
			c.From.Name = v
		case "tls":
			c.TLS = TLSMode(v)
		case "helo":
			c.HELO = v
		case "timeout", "idle_timeout":
			d, err := time.ParseDuration(v)
			if err != nil {
				return Config{}, fmt.Errorf("mail: SMTP URL: %s: %w", key, err)
			}
			if key == "timeout" {
				c.Timeout = d
			} else {
				c.IdleTimeout = d
			}
		case "connections":
			if c.Connections, err = strconv.Atoi(v); err != nil {
				return Config{}, fmt.Errorf("mail: SMTP URL: connections %q is not a number", v)
			}
		default:
			return Config{}, fmt.Errorf("mail: SMTP URL: unknown parameter %q (want from, from_name, tls, helo, timeout, idle_timeout or connections)", key)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// redactURLError drops the URL, which may hold a password, from a parse
// error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Validate reports the first thing wrong with c, in words an operator can
// act on.
func (c Config) Validate() error {
	if c.Host == "" {
		return errors.New("mail: SMTP config: no host")
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("mail: SMTP config: port %d is out of range", c.Port)
	}
	switch c.TLS {
	case "", TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("mail: SMTP config: tls %q, want none, starttls or tls", c.TLS)
	}
	if c.Password != "" && c.Username == "" {
		return errors.New("mail: SMTP config: a password without a user name")
	}
	if c.From.Email == "" {
		return errors.New("mail: SMTP config: no from address")
	}
	if err := c.From.validate(); err != nil {
		return fmt.Errorf("mail: SMTP config: from: %w", err)
	}
	if c.Timeout < 0 || c.IdleTimeout < 0 {
		return errors.New("mail: SMTP config: negative timeout")
	}
	if c.Connections < 0 || c.Connections > 1000 {
		return fmt.Errorf("mail: SMTP config: connections %d, want 1 to 1000", c.Connections)
	}
	if strings.ContainsAny(c.HELO, " \r\n") {
		return fmt.Errorf("mail: SMTP config: helo %q is not a host name", c.HELO)
	}
	return nil
}

// String describes c without its password, for logs.
func (c Config) String() string {
	c = c.withDefaults()
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("smtp %s%s (tls=%s, from %s, %d connections)",
		user, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.TLS, c.From, c.Connections)
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		switch c.TLS {
		case TLSNone:
			c.Port = 25
		case TLSStartTLS:
			c.Port = 587
		case TLSImplicit:
			c.Port = 465
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Connections == 0 {
		c.Connections = DefaultConnections
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	return c
}
