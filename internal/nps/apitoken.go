package nps

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// APIToken is a workspace's credential for the REST API. The token decides
// the workspace of every request made with it. Its secret is shown once,
// when it is created; only its hash is stored (see HashAPISecret).
type APIToken struct {
	ID          int64
	WorkspaceID int64
	// Name says what the token is for ("CRM sync"), so that the right one
	// can be revoked.
	Name string
	// Prefix is the first characters of the secret ("pmt_Ab3dE9xQ"), shown
	// in lists so that a person can tell which secret a row is without the
	// secret being stored.
	Prefix string
	// CreatedBy is the user who made the token; 0 when made by the CLI.
	CreatedBy int64
	CreatedAt time.Time
	// LastUsedAt is when the token last authenticated a request, to the
	// minute; zero when never used.
	LastUsedAt time.Time
	// RevokedAt is when the token was revoked; zero while it is valid.
	RevokedAt time.Time
}

// The shape of an API secret: APISecretPrefix followed by the unpadded
// base64url encoding of apiSecretBytes random bytes. The prefix lets secret
// scanners and people recognise a leaked Promotor token.
const (
	APISecretPrefix = "pmt_"
	apiSecretBytes  = 32
	// apiTokenDisplay is how many characters of the secret Prefix keeps:
	// the "pmt_" and 8 random characters, 48 of its 256 bits, too few to
	// help a guesser.
	apiTokenDisplay = len(APISecretPrefix) + 8
)

// Revoked reports whether the token was revoked.
func (t APIToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// Validate reports the first problem with t's fields.
func (t APIToken) Validate() error {
	return checkLine("name", t.Name, maxName, true)
}

// NewAPISecret returns a fresh secret, "pmt_" and 43 characters carrying
// 256 bits from crypto/rand, and its display prefix.
func NewAPISecret() (secret, prefix string) {
	b := make([]byte, apiSecretBytes)
	rand.Read(b) // never fails, see crypto/rand.Read
	secret = APISecretPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, secret[:apiTokenDisplay]
}

// PlausibleAPISecret reports whether s has the shape of a secret, so that
// garbage in an Authorization header costs no database query.
func PlausibleAPISecret(s string) bool {
	rest, ok := strings.CutPrefix(s, APISecretPrefix)
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(apiSecretBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// HashAPISecret returns the hex SHA-256 of a secret: what is stored and
// looked up.
//
// A fast hash is right here, unlike for passwords: a secret carries 256
// random bits, so no amount of hashing speed makes guessing it from a
// leaked hash feasible, while a slow hash such as argon2id would cost tens
// of milliseconds of CPU on every API request. An unsalted hash is also
// what makes the lookup a unique-index probe: the database compares the
// hash, not the secret, so the comparison leaks nothing usable about the
// secret through timing.
func HashAPISecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
