// Package auth holds what signing in needs and nothing else: password
// hashing with argon2id, the password policy, and the random secrets of
// session cookies. It knows no database and no HTTP; the store keeps the
// hashes and the web package speaks to browsers.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Params are the argon2id cost parameters. They are written into every
// encoded hash, so raising them later leaves old hashes checkable (see
// NeedsRehash).
type Params struct {
	// Memory is in KiB.
	Memory uint32
	// Time is the number of passes over the memory.
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams cost 64 MiB and about 50–100 ms per hash on the 2-core
// machine this was measured on (BenchmarkHashPassword: 33–94 ms/op over
// six runs while other work shared the cores; with t=2 it took 110 ms).
// 64 MiB and 2 lanes follow RFC 9106's second recommended option (which
// says t=3); one pass keeps a sign-in near 50 ms here, and memory, not
// passes, is what makes guessing on GPUs expensive. Raise Time when the
// hardware allows: old hashes keep their own parameters and are rehashed
// at sign-in (NeedsRehash). Treat it as a constant.
var DefaultParams = Params{Memory: 64 * 1024, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}

// Bounds on the parameters read back from an encoded hash. A stored hash is
// trusted data, but a corrupted or hostile row must not make one sign-in
// allocate gigabytes or loop for minutes.
const (
	maxMemory  = 1 << 20 // 1 GiB in KiB
	maxTime    = 64
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// The password policy. At least 12 characters, because length is what
// makes a password hard to guess (NIST SP 800-63B asks for at least 8 and
// recommends more); no rules about character classes, which make passwords
// harder to remember and no harder to guess. At most 1,024 bytes, far more
// than any passphrase or password manager needs, so that a megabyte posted
// to the login form is refused before it is hashed.
const (
	MinPasswordChars = 12
	MaxPasswordBytes = 1024
)

// ErrMalformedHash is returned by CheckPassword for an encoded hash it
// cannot read.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// ValidatePassword reports whether password may be set as a user's
// password. Its error message can be shown to the user as is.
func ValidatePassword(password string) error {
	switch {
	case !utf8.ValidString(password):
		return errors.New("the password is not valid UTF-8 text")
	case len(password) > MaxPasswordBytes:
		return fmt.Errorf("the password must be at most %d bytes long", MaxPasswordBytes)
	case utf8.RuneCountInString(norm.NFKC.String(password)) < MinPasswordChars:
		return fmt.Errorf("the password must be at least %d characters long", MinPasswordChars)
	}
	return nil
}

// HashPassword returns the PHC-style encoding of password's argon2id hash
// with DefaultParams and a fresh random salt:
//
//	$argon2id$v=19$m=65536,t=1,p=2$<salt>$<key>
//
// (salt and key in unpadded standard base64). It does not apply the policy;
// call ValidatePassword first where a user chooses the password.
func HashPassword(password string) (string, error) {
	return HashPasswordWith(password, DefaultParams)
}

// HashPasswordWith is HashPassword with the given parameters.
func HashPasswordWith(password string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails, see crypto/rand.Read
	key := argon2.IDKey(normalize(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash, reading
// the parameters from the hash. The comparison takes constant time. A hash
// it cannot read is ErrMalformedHash (wrapped).
func CheckPassword(encoded, password string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey(normalize(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether the encoded hash was made with parameters
// other than DefaultParams, so that a successful sign-in can store a new
// hash and raised parameters reach every active user.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p != DefaultParams
}

// normalize applies NFKC so that the same password typed on two keyboards
// that compose "é" differently hashes the same (NIST SP 800-63B 5.1.1.2).
func normalize(password string) []byte { return []byte(norm.NFKC.String(password)) }

func (p Params) validate() error {
	switch {
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("auth: memory %d KiB out of range", p.Memory)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("auth: time %d out of range", p.Time)
	case p.Threads < 1:
		return errors.New("auth: threads must be at least 1")
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("auth: salt length %d out of range", p.SaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("auth: key length %d out of range", p.KeyLen)
	}
	return nil
}

func decode(encoded string) (p Params, salt, key []byte, err error) {
	malformed := func(what string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, what)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return malformed("not $argon2id$v=…$m=…,t=…,p=…$salt$key")
	}
	if parts[1] != "argon2id" {
		return malformed("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return malformed("unsupported version")
	}
	for i, kv := range strings.Split(parts[3], ",") {
		name, value, ok := strings.Cut(kv, "=")
		n, perr := strconv.ParseUint(value, 10, 32)
		if !ok || perr != nil || i > 2 || name != "mtp"[i:i+1] {
			return malformed("parameters are not m=…,t=…,p=…")
		}
		switch name {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return malformed("parallelism out of range")
			}
			p.Threads = uint8(n)
		}
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return malformed("salt is not base64")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return malformed("key is not base64")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.validate(); err != nil {
		return malformed(err.Error())
	}
	return p, salt, key, nil
}
