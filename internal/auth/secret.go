package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// How long a session lasts. A week without use ends it, so that a
// forgotten browser on a shared computer does not stay signed in; thirty
// days end it regardless, so that a stolen cookie does not work for ever
// even when it is used every day. Both are checked by the server; the
// cookie's own expiry is only the browser's copy of the absolute one.
const (
	SessionIdleTimeout = 7 * 24 * time.Hour
	SessionLifetime    = 30 * 24 * time.Hour
	// SessionTouchInterval is how stale a session's last-seen time may
	// get: it is written at most once a minute, so that most requests
	// only read.
	SessionTouchInterval = time.Minute
)

// sessionSecretBytes is the entropy of a session cookie: 256 bits, so that
// guessing a live session is hopeless however many sessions exist.
const sessionSecretBytes = 32

// NewSessionSecret returns a fresh session cookie value: the unpadded
// base64url encoding of 256 random bits (43 characters).
func NewSessionSecret() string {
	b := make([]byte, sessionSecretBytes)
	rand.Read(b) // never fails, see crypto/rand.Read
	return base64.RawURLEncoding.EncodeToString(b)
}

// PlausibleSessionSecret reports whether s has the shape of a session
// secret, so that a garbage cookie costs no database query.
func PlausibleSessionSecret(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(sessionSecretBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// HashSessionSecret returns the hex SHA-256 of a session secret, which is
// what the database keeps: a leaked sessions table then holds no usable
// cookie. A fast unsalted hash suffices for 256 random bits (no guessing
// attack gains from its speed) and makes the lookup an index probe.
func HashSessionSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// GeneratePassword returns a random password for users created without a
// chosen password: 26 characters of the base32 alphabet (A–Z, 2–7), 128
// bits from crypto/rand, and without look-alikes such as 0/O and 1/l that
// make a password read off a terminal hard to type.
func GeneratePassword() string { return rand.Text() }
