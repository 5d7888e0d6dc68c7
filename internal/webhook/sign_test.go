package webhook_test

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/webhook"
)

// The vector was computed outside Go:
//
//	printf '%s' '1767225600.{"id":"evt_1","type":"alert.created"}' | openssl dgst -sha256 -hmac 'whsec_test'
const (
	vectorSecret = "whsec_test"
	vectorTime   = 1767225600 // 2026-01-01T00:00:00Z
	vectorBody   = `{"id":"evt_1","type":"alert.created"}`
	vectorMAC    = "f710f892dac99587a1caf8db4a9e589e1ef04fafa4c466604e51214558ababd4"
)

var vectorAt = time.Unix(vectorTime, 0)

func TestSignVector(t *testing.T) {
	got := webhook.Sign(vectorSecret, vectorAt, []byte(vectorBody))
	want := "t=1767225600,v1=" + vectorMAC
	if got != want {
		t.Errorf("Sign(%q, %d, %s): got %q, want %q", vectorSecret, vectorTime, vectorBody, got, want)
	}
	// The time zone and sub-second part do not change the signature.
	at := time.Unix(vectorTime, 999_999_999).In(time.FixedZone("CET", 3600))
	if got := webhook.Sign(vectorSecret, at, []byte(vectorBody)); got != want {
		t.Errorf("Sign at %s: got %q, want %q", at, got, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(vectorBody)
	good := "t=1767225600,v1=" + vectorMAC
	other := webhook.Sign("whsec_other", vectorAt, body)
	_, otherMAC, _ := strings.Cut(other, ",v1=")
	tests := []struct {
		name   string
		secret string
		header string
		body   string
		now    time.Time
		want   error
	}{
		{"valid", vectorSecret, good, vectorBody, vectorAt, nil},
		{"just within future", vectorSecret, good, vectorBody, vectorAt.Add(-5 * time.Minute), nil},
		{"just within past", vectorSecret, good, vectorBody, vectorAt.Add(5 * time.Minute), nil},
		{"spaces", vectorSecret, " t=1767225600 , v1=" + vectorMAC + " ", vectorBody, vectorAt, nil},
		{"upper-case hex", vectorSecret, "t=1767225600,v1=" + strings.ToUpper(vectorMAC), vectorBody, vectorAt, nil},
		{"v1 first", vectorSecret, "v1=" + vectorMAC + ",t=1767225600", vectorBody, vectorAt, nil},
		{"unknown scheme ignored", vectorSecret, good + ",v0=abc,v2=" + otherMAC, vectorBody, vectorAt, nil},
		{"rotation new first", vectorSecret, good + ",v1=" + otherMAC, vectorBody, vectorAt, nil},
		{"rotation new last", vectorSecret, "t=1767225600,v1=" + otherMAC + ",v1=" + vectorMAC, vectorBody, vectorAt, nil},
		{"rotation other secret", "whsec_other", good + ",v1=" + otherMAC, vectorBody, vectorAt, nil},

		{"tampered body", vectorSecret, good, strings.Replace(vectorBody, "evt_1", "evt_2", 1), vectorAt, webhook.ErrBadSignature},
		{"empty body", vectorSecret, good, "", vectorAt, webhook.ErrBadSignature},
		{"wrong secret", "whsec_wrong", good, vectorBody, vectorAt, webhook.ErrBadSignature},
		{"empty secret", "", good, vectorBody, vectorAt, webhook.ErrBadSignature},
		{"time changed", vectorSecret, "t=1767225601,v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrBadSignature},
		{"none of several", vectorSecret, "t=1767225600,v1=" + otherMAC + ",v1=" + otherMAC, vectorBody, vectorAt, webhook.ErrBadSignature},
		{"v1 of other secret", vectorSecret, other, vectorBody, vectorAt, webhook.ErrBadSignature},

		{"expired past", vectorSecret, good, vectorBody, vectorAt.Add(5*time.Minute + time.Second), webhook.ErrExpired},
		{"expired future", vectorSecret, good, vectorBody, vectorAt.Add(-5*time.Minute - time.Second), webhook.ErrExpired},
		{"far future", vectorSecret, good, vectorBody, time.Unix(0, 0), webhook.ErrExpired},

		{"empty header", vectorSecret, "", vectorBody, vectorAt, webhook.ErrNoSignature},
		{"blank header", vectorSecret, "  ", vectorBody, vectorAt, webhook.ErrNoSignature},
		{"no t", vectorSecret, "v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"no v1", vectorSecret, "t=1767225600", vectorBody, vectorAt, webhook.ErrNoSignature},
		{"only v0", vectorSecret, "t=1767225600,v0=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"two t", vectorSecret, "t=1767225600,t=1767225600,v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"t not a number", vectorSecret, "t=soon,v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"t signed", vectorSecret, "t=+1767225600,v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"t negative", vectorSecret, "t=-1,v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"t leading zero", vectorSecret, "t=01767225600,v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"t overflow", vectorSecret, "t=99999999999999999999,v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"t empty", vectorSecret, "t=,v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"v1 short", vectorSecret, "t=1767225600,v1=" + vectorMAC[:62], vectorBody, vectorAt, webhook.ErrNoSignature},
		{"v1 not hex", vectorSecret, "t=1767225600,v1=" + strings.Repeat("zz", 32), vectorBody, vectorAt, webhook.ErrNoSignature},
		{"v1 empty", vectorSecret, "t=1767225600,v1=", vectorBody, vectorAt, webhook.ErrNoSignature},
		{"no equals", vectorSecret, "t1767225600,v1" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"trailing comma", vectorSecret, good + ",", vectorBody, vectorAt, webhook.ErrNoSignature},
		{"semicolons", vectorSecret, "t=1767225600;v1=" + vectorMAC, vectorBody, vectorAt, webhook.ErrNoSignature},
		{"huge", vectorSecret, good + strings.Repeat(",v1="+otherMAC, 100), vectorBody, vectorAt, webhook.ErrNoSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhook.Verify(tt.secret, tt.header, []byte(tt.body), tt.now, 5*time.Minute)
			if tt.want == nil && err != nil || !errors.Is(err, tt.want) {
				t.Errorf("Verify(%q, %q): got %v, want %v", tt.secret, tt.header, err, tt.want)
			}
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	bodies := []string{"", "{}", vectorBody, "not JSON at all\n", strings.Repeat("é", 10_000), "\x00\xff"}
	times := []time.Time{time.Unix(0, 0), vectorAt, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, body := range bodies {
		for _, at := range times {
			h := webhook.Sign(vectorSecret, at, []byte(body))
			if err := webhook.Verify(vectorSecret, h, []byte(body), at.Add(30*time.Second), time.Minute); err != nil {
				t.Errorf("Verify(Sign(body of %d bytes at %d)): got %v, want nil", len(body), at.Unix(), err)
			}
		}
	}
}

func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		s, err := webhook.NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		raw, ok := strings.CutPrefix(s, "whsec_")
		if !ok {
			t.Fatalf("NewSecret: got %q, want the prefix whsec_", s)
		}
		b, err := base64.RawURLEncoding.DecodeString(raw)
		if err != nil || len(b) != 32 {
			t.Fatalf("NewSecret: got %q (%d bytes, %v), want 32 bytes of unpadded base64url", s, len(b), err)
		}
		if seen[s] {
			t.Fatalf("NewSecret: got %q twice", s)
		}
		seen[s] = true
	}
}

// FuzzVerify checks that Verify never panics, reports only its three
// errors, and accepts a header only if it carries the v1 that Sign gives
// for that body at the header's own time.
func FuzzVerify(f *testing.F) {
	body := []byte(vectorBody)
	signed := webhook.Sign(vectorSecret, vectorAt, body)
	f.Add(signed, body)
	f.Add(signed+",v1="+strings.Repeat("0", 64), body)
	f.Add("t=1767225600,v1="+strings.Repeat("0", 64)+","+strings.TrimPrefix(signed, "t=1767225600,"), body)
	f.Add(signed, []byte(`{"id":"evt_2"}`))
	f.Add("t=1767225600,v1=", body)
	f.Add("t=,v1=,", []byte{})
	f.Add("v1="+vectorMAC+",t=1767225600", body)
	f.Add("t=1767225600,t=1,v1="+vectorMAC, body)
	f.Add("t=9223372036854775807,v1="+vectorMAC, body)
	f.Add("", []byte(nil))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		err := webhook.Verify(vectorSecret, header, body, vectorAt, 5*time.Minute)
		if err != nil {
			if !errors.Is(err, webhook.ErrNoSignature) && !errors.Is(err, webhook.ErrBadSignature) && !errors.Is(err, webhook.ErrExpired) {
				t.Fatalf("Verify(%q): got %v, want one of its three errors", header, err)
			}
		} else {
			ts, macs := splitHeader(header)
			sec, perr := strconv.ParseInt(ts, 10, 64)
			if perr != nil {
				t.Fatalf("Verify(%q) accepted a header without a readable t", header)
			}
			_, want, _ := strings.Cut(webhook.Sign(vectorSecret, time.Unix(sec, 0), body), ",v1=")
			found := false
			for _, m := range macs {
				found = found || strings.EqualFold(m, want)
			}
			if !found {
				t.Fatalf("Verify(%q) accepted a header without Sign's v1 %s for the body %q", header, want, body)
			}
		}
		// Whatever the body, what Sign writes is accepted.
		at := time.Unix(int64(len(header))*1_000_003, 0)
		if err := webhook.Verify(vectorSecret, webhook.Sign(vectorSecret, at, body), body, at, 0); err != nil {
			t.Fatalf("Verify(Sign(%q)): got %v, want nil", body, err)
		}
	})
}

// splitHeader reads a header the simple way, independently of the
// package: its t value and its v1 values.
func splitHeader(h string) (ts string, macs []string) {
	for part := range strings.SplitSeq(h, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			macs = append(macs, v)
		}
	}
	return ts, macs
}

func BenchmarkVerify(b *testing.B) {
	body := []byte(strings.Repeat(vectorBody, 50))
	h := webhook.Sign(vectorSecret, vectorAt, body) + ",v1=" + vectorMAC
	for b.Loop() {
		if err := webhook.Verify(vectorSecret, h, body, vectorAt, time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}
