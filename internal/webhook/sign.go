package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the request header that carries the signature, in
// the form Sign returns.
const SignatureHeader = "Promotor-Signature"

// The errors of Verify; it wraps them with detail, so compare with
// errors.Is.
var (
	// ErrNoSignature means the header is empty or malformed: no t=, no
	// v1=, or a part that is not what Sign writes.
	ErrNoSignature = errors.New("webhook: no valid signature header")
	// ErrBadSignature means no v1 signature in the header matches the
	// body and the secret.
	ErrBadSignature = errors.New("webhook: signature does not match")
	// ErrExpired means the signature matches but its time is further
	// from now than the tolerance: a replay, or a clock that is off.
	ErrExpired = errors.New("webhook: signature time outside tolerance")
)

// maxHeader bounds the work Verify does on a hostile header; a real one
// with a few secrets in rotation is under 300 bytes.
const maxHeader = 4096

// Sign returns the signature header value for body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 keyed with secret over
// "<unix seconds>.<body>">". The whole secret, prefix included, is the
// key.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

// mac is the HMAC of "<ts>.<body>".
func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a signature header against body, as a receiver does: one
// of its v1 entries must be the MAC of the body under secret (compared in
// constant time; several v1 entries are allowed, for a sender that signs
// with an old and a new secret while they rotate), and its time must be
// within tolerance of now, either way, to refuse replays of old requests.
// The MAC is checked first, so ErrExpired is only reported for genuine
// signatures. Entries other than t and v1 are ignored, for schemes to
// come; an empty secret matches nothing.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, macs, err := parseSignature(header)
	if err != nil {
		return err
	}
	if secret == "" {
		return fmt.Errorf("%w: empty secret", ErrBadSignature)
	}
	want := mac(secret, ts, body)
	ok := false
	for _, m := range macs {
		// No early exit: the time taken says nothing about which one matched.
		if hmac.Equal(m, want) {
			ok = true
		}
	}
	if !ok {
		return ErrBadSignature
	}
	sec, _ := strconv.ParseInt(ts, 10, 64) // parseSignature checked it
	if d := now.Sub(time.Unix(sec, 0)).Abs(); d > tolerance {
		return fmt.Errorf("%w: signed %s from now, tolerance %s", ErrExpired, d.Round(time.Second), tolerance)
	}
	return nil
}

// parseSignature splits a header into its one timestamp, exactly as
// written, and its v1 MACs. Only what Sign could have written passes: a
// decimal timestamp without sign or leading zeros, MACs of 64 hex digits.
func parseSignature(header string) (ts string, macs [][]byte, err error) {
	if strings.TrimSpace(header) == "" {
		return "", nil, fmt.Errorf("%w: empty header", ErrNoSignature)
	}
	if len(header) > maxHeader {
		return "", nil, fmt.Errorf("%w: header longer than %d bytes", ErrNoSignature, maxHeader)
	}
	haveTime := false
	for part := range strings.SplitSeq(header, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, fmt.Errorf("%w: part %q is not key=value", ErrNoSignature, part)
		}
		switch key {
		case "t":
			if haveTime {
				return "", nil, fmt.Errorf("%w: more than one t=", ErrNoSignature)
			}
			if !canonicalSeconds(value) {
				return "", nil, fmt.Errorf("%w: t=%q is not unix seconds", ErrNoSignature, value)
			}
			ts, haveTime = value, true
		case "v1":
			m, err := hex.DecodeString(value)
			if err != nil || len(m) != sha256.Size {
				return "", nil, fmt.Errorf("%w: v1 is not %d hex digits", ErrNoSignature, 2*sha256.Size)
			}
			macs = append(macs, m)
		}
	}
	switch {
	case !haveTime:
		return "", nil, fmt.Errorf("%w: no t=", ErrNoSignature)
	case len(macs) == 0:
		return "", nil, fmt.Errorf("%w: no v1=", ErrNoSignature)
	}
	return ts, macs, nil
}

// canonicalSeconds reports whether s is a non-negative int64 written as
// strconv.FormatInt writes it, so a header has one spelling per time.
func canonicalSeconds(s string) bool {
	if s == "" || len(s) > 19 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// NewSecret returns a fresh random signing secret: "whsec_" followed by
// 32 random bytes in unpadded base64url.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook: new secret: %w", err)
	}
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b), nil
}
