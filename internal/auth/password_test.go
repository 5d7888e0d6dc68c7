package auth

import (
	"errors"
	"strings"
	"testing"
)

// cheap keeps the tests fast; the format and the checks do not depend on
// the cost.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashPasswordRoundTrip(t *testing.T) {
	for _, pw := range []string{"correct horse battery", "ünïcödé password ✓", strings.Repeat("x", MaxPasswordBytes)} {
		enc, err := HashPasswordWith(pw, cheap)
		if err != nil {
			t.Fatalf("HashPasswordWith(%q): %v", pw, err)
		}
		if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
			t.Errorf("HashPasswordWith(%q) = %q, want the PHC argon2id form", pw, enc)
		}
		if ok, err := CheckPassword(enc, pw); !ok || err != nil {
			t.Errorf("CheckPassword(right %q) = %v, %v; want true, nil", pw, ok, err)
		}
		if ok, err := CheckPassword(enc, pw+"!"); ok || err != nil {
			t.Errorf("CheckPassword(wrong %q) = %v, %v; want false, nil", pw, ok, err)
		}
	}
}

func TestHashPasswordSalted(t *testing.T) {
	a, _ := HashPasswordWith("same password here", cheap)
	b, _ := HashPasswordWith("same password here", cheap)
	if a == b {
		t.Errorf("two hashes of one password are equal (%q): the salt is not random", a)
	}
}

func TestHashPasswordDefault(t *testing.T) {
	enc, err := HashPassword("a sufficiently long password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Errorf("HashPassword = %q, want DefaultParams encoded", enc)
	}
	if NeedsRehash(enc) {
		t.Errorf("NeedsRehash(%q) = true for DefaultParams", enc)
	}
	old, _ := HashPasswordWith("a sufficiently long password", cheap)
	if !NeedsRehash(old) {
		t.Errorf("NeedsRehash(%q) = false for other parameters", old)
	}
	// An old hash keeps working after the defaults change: its parameters
	// are read from the hash.
	if ok, err := CheckPassword(old, "a sufficiently long password"); !ok || err != nil {
		t.Errorf("CheckPassword(cheap hash) = %v, %v", ok, err)
	}
}

// NFKC makes a precomposed "é" and "e" with a combining acute the same
// password.
func TestCheckPasswordNormalizes(t *testing.T) {
	enc, _ := HashPasswordWith("caf\u00e9 au lait please", cheap)
	if ok, _ := CheckPassword(enc, "cafe\u0301 au lait please"); !ok {
		t.Error("decomposed é does not match precomposed é")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	good, _ := HashPasswordWith("whatever password", cheap)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for name, enc := range map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":        "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"version":        "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"order":          "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"missing p":      "$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"extra":          "$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		"huge memory":    "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key,
		"huge time":      "$argon2id$v=19$m=64,t=100000,p=1$" + salt + "$" + key,
		"zero threads":   "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"threads > 255":  "$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key,
		"negative":       "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
		"bad salt":       "$argon2id$v=19$m=64,t=1,p=1$!!!$" + key,
		"short salt":     "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + key,
		"short key":      "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAA",
		"trailing field": good + "$x",
	} {
		ok, err := CheckPassword(enc, "whatever password")
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("%s: CheckPassword(%q) = %v, %v; want false, ErrMalformedHash", name, enc, ok, err)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want string // "" when valid
	}{
		{"twelve chars", ""},
		{"eleven char", "at least 12"},
		{"", "at least 12"},
		{"ëëëëëëëëëëëë", ""}, // 12 characters, 24 bytes
		{strings.Repeat("a", MaxPasswordBytes), ""},
		{strings.Repeat("a", MaxPasswordBytes+1), "at most 1024 bytes"},
		{"invalid \xff utf-8 text", "UTF-8"},
	} {
		err := ValidatePassword(tc.pw)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidatePassword(%.20q) = %v, want nil", tc.pw, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ValidatePassword(%.20q) = %v, want an error saying %q", tc.pw, err, tc.want)
		}
	}
}

func TestSessionSecret(t *testing.T) {
	a, b := NewSessionSecret(), NewSessionSecret()
	if a == b || len(a) != 43 {
		t.Fatalf("NewSessionSecret() = %q, %q; want two different 43-character secrets", a, b)
	}
	if !PlausibleSessionSecret(a) {
		t.Errorf("PlausibleSessionSecret(%q) = false", a)
	}
	for _, s := range []string{"", "short", a + "x", strings.Repeat("!", 43)} {
		if PlausibleSessionSecret(s) {
			t.Errorf("PlausibleSessionSecret(%q) = true", s)
		}
	}
	if h := HashSessionSecret(a); len(h) != 64 || h == a || h != HashSessionSecret(a) {
		t.Errorf("HashSessionSecret(%q) = %q, want a stable 64-digit hex hash", a, h)
	}
}

func TestGeneratePassword(t *testing.T) {
	a, b := GeneratePassword(), GeneratePassword()
	if a == b {
		t.Errorf("GeneratePassword() twice = %q", a)
	}
	if err := ValidatePassword(a); err != nil {
		t.Errorf("ValidatePassword(GeneratePassword() = %q) = %v", a, err)
	}
}

// BenchmarkHashPassword measures DefaultParams, which should cost 50–100 ms
// per hash on the production machine: go test ./internal/auth -bench Hash.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("a sufficiently long password"); err != nil {
			b.Fatal(err)
		}
	}
}
