// Package mailtest gives tests a real SMTP server to send to and a way to
// read what arrived (Mailpit and its HTTP API), unique recipient addresses
// that keep tests apart on a shared server, and Recorder, a fake
// mail.Sender for tests that need no server. Only tests and the soak
// harness (scripts/soak) import it.
package mailtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail"
)

// The environment that points the tests at a running Mailpit.
const (
	// SMTPAddrEnv is Mailpit's SMTP host:port, e.g. 127.0.0.1:1025.
	SMTPAddrEnv = "PROMOTOR_TEST_SMTP_ADDR"
	// MailpitURLEnv is Mailpit's HTTP address, e.g. http://127.0.0.1:8025.
	MailpitURLEnv = "PROMOTOR_TEST_MAILPIT_URL"
	// RequireEnv set to 1 turns a missing Mailpit from a skip into a
	// failure, so that CI cannot pass without the SMTP tests.
	RequireEnv = "PROMOTOR_REQUIRE_INTEGRATION"
)

// RejectPrefix starts the recipient addresses that a Mailpit started with
// Flags refuses with "550 5.1.0": RejectedAddress makes such addresses,
// so that a test can see a permanent error from a real server.
const RejectPrefix = "reject-"

// allowedRecipients is the --smtp-allowed-recipients expression: every
// address that does not begin with RejectPrefix (Go's regular expressions
// have no negative look-ahead, hence the spelled-out alternatives).
const allowedRecipients = `^(?i)([^r]|r[^e]|re[^j]|rej[^e]|reje[^c]|rejec[^t]|reject[^-])`

// Flags are the Mailpit flags, besides --smtp and --listen, that the
// tests expect: no update check, no reverse DNS lookups, no pruning of
// messages (a shared instance must not drop a test's message before the
// test reads it), RejectPrefix refused, and quiet logs.
func Flags() []string {
	return []string{
		"--disable-version-check",
		"--smtp-disable-rdns",
		"--max", "0",
		"--smtp-allowed-recipients", allowedRecipients,
		"--quiet",
	}
}

// Mailpit is a running Mailpit.
type Mailpit struct {
	// SMTPAddr is the host:port of its SMTP server.
	SMTPAddr string
	// API reads the messages it received.
	API *Client
}

// Config returns a sender configuration for m: its host and port, no TLS,
// and a From address in example.com; the caller may change the rest.
func (m *Mailpit) Config() mail.Config {
	host, port, _ := net.SplitHostPort(m.SMTPAddr)
	p, _ := strconv.Atoi(port)
	return mail.Config{
		Host: host,
		Port: p,
		TLS:  mail.TLSNone,
		From: mail.Address{Name: "Promotor Tests", Email: "promotor@example.com"},
	}
}

// Start returns the Mailpit the environment names (SMTPAddrEnv and
// MailpitURLEnv, as CI sets them), or else a private one on free loopback
// ports when a mailpit binary is on PATH or in GOPATH/bin: shared by the
// test binary when its TestMain calls Main, else started for tb alone and
// stopped when tb ends. Without either, tb is skipped, or fails when
// RequireEnv is 1.
//
// The instance may be shared with other tests and other test binaries:
// send to Address(tb) and query by recipient; never delete messages.
func Start(tb testing.TB) *Mailpit {
	tb.Helper()
	smtpAddr, apiURL := os.Getenv(SMTPAddrEnv), os.Getenv(MailpitURLEnv)
	switch {
	case smtpAddr != "" && apiURL != "":
		m := &Mailpit{SMTPAddr: smtpAddr, API: NewClient(apiURL)}
		if err := m.ready(context.Background(), 5*time.Second); err != nil {
			tb.Fatalf("mailtest: %s=%s and %s=%s: %v", SMTPAddrEnv, smtpAddr, MailpitURLEnv, apiURL, err)
		}
		return m
	case smtpAddr != "" || apiURL != "":
		tb.Fatalf("mailtest: set both %s and %s, or neither", SMTPAddrEnv, MailpitURLEnv)
	}
	bin := binary()
	if bin == "" {
		msg := fmt.Sprintf("mailtest: no SMTP server: set %s and %s, or install mailpit (go install github.com/axllent/mailpit@v1.27.11)", SMTPAddrEnv, MailpitURLEnv)
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.main {
		if shared.m == nil {
			m, stop, err := startPrivate(bin)
			if err != nil {
				tb.Fatalf("mailtest: %v", err)
			}
			shared.m, shared.stop = m, stop
		}
		return shared.m
	}
	m, stop, err := startPrivate(bin)
	if err != nil {
		tb.Fatalf("mailtest: %v", err)
	}
	tb.Cleanup(stop)
	return m
}

// StartWith starts a private Mailpit for tb alone with Flags and extra
// flags (TLS certificates, authentication), stopped when tb ends. It skips
// or fails like Start when no mailpit binary is found.
func StartWith(tb testing.TB, extra ...string) *Mailpit {
	tb.Helper()
	bin := binary()
	if bin == "" {
		msg := "mailtest: no mailpit binary (go install github.com/axllent/mailpit@v1.27.11)"
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	m, stop, err := startPrivate(bin, extra...)
	if err != nil {
		tb.Fatalf("mailtest: %v", err)
	}
	tb.Cleanup(stop)
	return m
}

// shared is the private Mailpit of a test binary whose TestMain calls Main.
var shared struct {
	mu   sync.Mutex
	main bool
	m    *Mailpit
	stop func()
}

// Main runs the tests of m, sharing one private Mailpit among them when
// one is needed, and stops it afterwards. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(mailtest.Main(m)) }
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.main = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.stop != nil {
		shared.stop()
	}
	return code
}

// binary finds mailpit on PATH, in GOBIN or in GOPATH/bin.
func binary() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	dirs := []string{os.Getenv("GOBIN")}
	for _, gp := range filepath.SplitList(build.Default.GOPATH) {
		dirs = append(dirs, filepath.Join(gp, "bin"))
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p := filepath.Join(d, "mailpit")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// startPrivate starts bin on two free loopback ports with Flags and extra,
// and waits until both servers answer.
func startPrivate(bin string, extra ...string) (*Mailpit, func(), error) {
	smtpPort, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	httpPort, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	smtpAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(smtpPort))
	httpAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))
	args := append(append([]string{"--smtp", smtpAddr, "--listen", httpAddr}, Flags()...), extra...)
	cmd := exec.Command(bin, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start mailpit: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // its end is what stop waits for
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt) // lets it remove its temporary database
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	m := &Mailpit{SMTPAddr: smtpAddr, API: NewClient("http://" + httpAddr)}
	if err := m.ready(context.Background(), 10*time.Second); err != nil {
		stop()
		return nil, nil, fmt.Errorf("mailpit %s: %w; its output: %s", strings.Join(args, " "), err, out.String())
	}
	return m, stop, nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ready waits until the SMTP server accepts connections and the API answers.
func (m *Mailpit) ready(ctx context.Context, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var last error
	for {
		if last = m.check(ctx); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %v: %w", wait, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (m *Mailpit) check(ctx context.Context) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", m.SMTPAddr)
	if err != nil {
		return err
	}
	c.Close() // accepting is enough: with implicit TLS it would not greet in clear
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.API.URL+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := m.API.HTTP.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s/readyz: %s", m.API.URL, resp.Status)
	}
	return nil
}

// Address returns a recipient address no other test uses, named after
// tb's test so that a stray message says where it came from.
func Address(tb testing.TB) string { return address(tb, "") }

// RejectedAddress returns an address that a Mailpit started with Flags
// refuses at RCPT TO with a 550 reply.
func RejectedAddress(tb testing.TB) string { return address(tb, RejectPrefix) }

func address(tb testing.TB, prefix string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(tb.Name()) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if len(name) > 30 {
		name = name[:30]
	}
	r := make([]byte, 6)
	_, _ = rand.Read(r) // crypto/rand.Read never fails
	return prefix + strings.Trim(name, "-") + "-" + hex.EncodeToString(r) + "@example.com"
}
