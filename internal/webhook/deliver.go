package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"time"
	"unicode/utf8"
)

const (
	defaultUserAgent = "Promotor-Webhook/1"
	defaultTimeout   = 10 * time.Second
	// maxResponse is how much of a response body a Result keeps.
	maxResponse = 1024
	// maxDrain is how much more is read so that the connection can be
	// reused; a longer body costs a new connection rather than time.
	maxDrain = 64 << 10
	// maxURL is the longest endpoint URL accepted.
	maxURL = 2000
)

// Result of one delivery attempt.
type Result struct {
	// Status is the HTTP status; 0 when no response came.
	Status int
	// Body is the start of the response body, at most 1024 bytes, cut on
	// a rune boundary and made valid UTF-8, for the delivery log.
	Body string
	// Duration is how long the attempt took, up to the end of reading
	// the body.
	Duration time.Duration
	// Err is nil when a response came. Otherwise it is the transport
	// error (with the URL left out, since chat webhook URLs are secrets),
	// or an error about the request itself — a bad URL, format or event —
	// which no retry can fix.
	Err error
}

// OK reports whether the receiver accepted the event: a 2xx response.
func (r Result) OK() bool {
	return r.Err == nil && r.Status >= 200 && r.Status <= 299
}

// Retry reports whether another attempt is worth it: a transport error
// (no answer, a timeout, a cancelled context), 408, 425, 429 or 5xx. Any
// other answer is final, a redirect included, and so is an error about
// the request itself.
func (r Result) Retry() bool {
	if r.Err != nil {
		var p *permanentError
		return !errors.As(r.Err, &p)
	}
	switch r.Status {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return r.Status >= 500 && r.Status <= 599
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Client posts events. The zero Client is ready to use.
type Client struct {
	// HTTP is the client that posts; nil means one with a 10 s timeout
	// that does not follow redirects, because a redirect is an answer:
	// Deliver records the 3xx, and it is final. A client given here
	// should not follow them either.
	HTTP *http.Client
	// UserAgent is sent as User-Agent; "" means "Promotor-Webhook/1".
	UserAgent string
}

// Deliver makes one attempt to POST the payload of e in format f to url,
// signed with secret at now. It sends Content-Type: application/json,
// User-Agent, Promotor-Event (e.Kind), Promotor-Delivery and
// Idempotency-Key (both e.ID, the same on every attempt) and
// Promotor-Signature (omitted when secret is ""). It reads at most 1 KiB
// of the response into the Result, drains a bounded amount more so the
// connection can be reused, and closes the body. It never retries: the
// caller decides with Result.Retry.
func (c *Client) Deliver(ctx context.Context, url, secret string, f Format, e Event, now time.Time) Result {
	if err := ValidateURL(url); err != nil {
		return Result{Err: &permanentError{err}}
	}
	body, err := Payload(f, e)
	if err != nil {
		return Result{Err: &permanentError{err}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Result{Err: &permanentError{fmt.Errorf("webhook: request for %s: %w", e.ID, err)}}
	}
	ua := defaultUserAgent
	if c != nil && c.UserAgent != "" {
		ua = c.UserAgent
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", ua)
	h.Set("Promotor-Event", e.Kind)
	h.Set("Promotor-Delivery", e.ID)
	h.Set("Idempotency-Key", e.ID)
	if secret != "" {
		h.Set(SignatureHeader, Sign(secret, now, body))
	}

	start := time.Now()
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return Result{Duration: time.Since(start), Err: transportError(err)}
	}
	defer resp.Body.Close()
	// A body cut short by an error is still an answer: the status counts.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
	return Result{
		Status:   resp.StatusCode,
		Body:     validPrefix(head, maxResponse),
		Duration: time.Since(start),
	}
}

// httpClient is c.HTTP or the default.
func (c *Client) httpClient() *http.Client {
	if c != nil && c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{
		Timeout: defaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// transportError drops the URL that *url.Error puts in its message: a
// Slack or Teams webhook URL is itself the credential, and results end
// up in logs and the delivery log.
func transportError(err error) error {
	if ue, ok := errors.AsType[*neturl.Error](err); ok {
		err = ue.Err
	}
	return fmt.Errorf("webhook: post: %w", err)
}

// validPrefix is b as valid UTF-8 of at most max bytes: a rune cut at the
// end is dropped, and invalid bytes become U+FFFD.
func validPrefix(b []byte, max int) string {
	if len(b) > max {
		b = b[:max]
	}
	// Drop an incomplete rune at the end: the limit may have cut it.
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	s := string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
	for len(s) > max { // replacements can be longer than what they replace
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// ValidateURL accepts an endpoint URL: absolute http or https with a
// host, at most 2000 bytes, without user name or password. The error says
// what is wrong without repeating the URL, which may hold a secret token.
func ValidateURL(raw string) error {
	if raw == "" {
		return errors.New("webhook: URL is empty")
	}
	if len(raw) > maxURL {
		return fmt.Errorf("webhook: URL is %d bytes long, at most %d are allowed", len(raw), maxURL)
	}
	u, err := neturl.Parse(raw)
	if err != nil {
		return errors.New("webhook: URL cannot be parsed")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("webhook: URL must start with https:// or http://")
	case u.Opaque != "" || u.Host == "":
		return errors.New("webhook: URL has no host")
	case u.Hostname() == "":
		return errors.New("webhook: URL has no host name")
	case u.User != nil:
		return errors.New("webhook: URL must not contain a user name or password")
	}
	return nil
}
