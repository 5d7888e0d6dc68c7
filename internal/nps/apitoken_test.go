package nps

import (
	"strings"
	"testing"
)

func TestAPISecret(t *testing.T) {
	secret, prefix := NewAPISecret()
	if len(secret) != 47 || !strings.HasPrefix(secret, "pmt_") || prefix != secret[:12] {
		t.Errorf("NewAPISecret: got %q with prefix %q, want pmt_ and 43 characters, prefix the first 12", secret, prefix)
	}
	if again, _ := NewAPISecret(); again == secret {
		t.Errorf("NewAPISecret twice: got %q both times", secret)
	}
	tests := []struct {
		name string
		s    string
		want bool
	}{
		{"fresh", secret, true},
		{"empty", "", false},
		{"no prefix", secret[4:], false},
		{"other prefix", "xyz_" + secret[4:], false},
		{"short", secret[:46], false},
		{"long", secret + "A", false},
		{"not base64url", secret[:46] + "+", false},
		{"space", secret[:46] + " ", false},
	}
	for _, tt := range tests {
		if got := PlausibleAPISecret(tt.s); got != tt.want {
			t.Errorf("PlausibleAPISecret(%s %q) = %v, want %v", tt.name, tt.s, got, tt.want)
		}
	}
}

func TestHashAPISecret(t *testing.T) {
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	if got, want := HashAPISecret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("HashAPISecret(abc) = %s, want %s", got, want)
	}
}

func TestAPITokenValidate(t *testing.T) {
	tests := []struct {
		name    string
		tokName string
		wantErr bool
	}{
		{"ok", "CRM sync", false},
		{"empty", "", true},
		{"blank", "  ", true},
		{"too long", strings.Repeat("x", 201), true},
		{"control", "a\x00b", true},
	}
	for _, tt := range tests {
		if err := (APIToken{Name: tt.tokName}).Validate(); (err != nil) != tt.wantErr {
			t.Errorf("Validate(%s %q) = %v, want error %v", tt.name, tt.tokName, err, tt.wantErr)
		}
	}
}
