package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLimiter spends a bucket, is refused with the time to wait, and
// recovers at the limit's rate; other keys stay independent.
func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	l := newLimiter(rateLimit{per: time.Second, burst: 3})
	for i := range 3 {
		if wait := l.take("a", t0); wait != 0 {
			t.Fatalf("request %d of a burst of 3: got wait %v, want none", i+1, wait)
		}
	}
	if wait := l.take("a", t0); wait != time.Second {
		t.Errorf("4th request at once: got wait %v, want 1s", wait)
	}
	// A refusal spends nothing: half a second later, half a second to go.
	if wait := l.take("a", t0.Add(500*time.Millisecond)); wait != 500*time.Millisecond {
		t.Errorf("after 0.5s: got wait %v, want 0.5s", wait)
	}
	if wait := l.take("b", t0); wait != 0 {
		t.Errorf("another key: got wait %v, want none", wait)
	}
	if wait := l.take("a", t0.Add(time.Second)); wait != 0 {
		t.Errorf("after 1s: got wait %v, want none", wait)
	}
	if wait := l.take("a", t0.Add(time.Second)); wait == 0 {
		t.Error("a second request after 1s: got none, want a wait")
	}
	// After burst × per the bucket is full again.
	for i := range 3 {
		if wait := l.take("a", t0.Add(5*time.Second)); wait != 0 {
			t.Errorf("request %d after the bucket refilled: got wait %v", i+1, wait)
		}
	}
}

// TestLimiterEviction keeps the key map bounded under a flood of new keys,
// and forgets a key that is still being limited only when idle keys
// cannot make room.
func TestLimiterEviction(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	l := newLimiter(rateLimit{per: time.Second, burst: 2})
	l.maxKeys = 1000
	l.take("busy", t0)
	l.take("busy", t0)
	// Idle keys, full again two seconds later: evicting them forgets nothing.
	for i := range 999 {
		l.take(fmt.Sprint("idle", i), t0)
	}
	now := t0.Add(time.Second)
	l.take("busy", now) // the one token that came back
	now = t0.Add(2 * time.Second)
	l.take("new", now)
	if len(l.buckets) != 2 {
		t.Errorf("after the idle keys were evicted: got %d keys, want 2 (busy, new)", len(l.buckets))
	}
	if _, ok := l.buckets["busy"]; !ok {
		t.Error("the busy key was evicted")
	}
	// A flood of fresh keys at one moment: the map never passes its bound.
	for i := range 50_000 {
		l.take(fmt.Sprint("flood", i), now)
		if len(l.buckets) > l.maxKeys {
			t.Fatalf("after %d keys: %d in the map, want at most %d", i+1, len(l.buckets), l.maxKeys)
		}
	}
}

// TestClientKey groups an IPv6 client by its /64.
func TestClientKey(t *testing.T) {
	s := &Server{}
	for remote, want := range map[string]string{
		"192.0.2.1:1":                 "ip:192.0.2.1",
		"[2001:db8:1:2:3:4:5:6]:1":    "ip:2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:1":    "ip:2001:db8:1:2::/64",
		"[::ffff:192.0.2.1]:1":        "ip:192.0.2.1",
		"not an address":              "ip:not an address",
		"[2001:db8:1:3:3:4:5:6]:4711": "ip:2001:db8:1:3::/64",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if got := s.clientKey(r); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", remote, got, want)
		}
	}
}

// checkTooMany fails unless rec is a 429 with a Retry-After of whole
// seconds, at least one.
func checkTooMany(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("%s: got status %d, want 429\n%s", what, rec.Code, appExcerpt(rec.Body.String()))
	}
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" || strings.ContainsAny(ra, ".-") {
		t.Errorf("%s: Retry-After %q, want whole seconds ≥ 1", what, ra)
	}
}

// noLimits are limiters that allow every request.
func noLimits() limits {
	none := func() *limiter { return newLimiter(rateLimit{}) }
	return limits{surveyIP: none(), surveyInvitation: none(), surveyPublic: none(), apiToken: none(), apiFailedAuth: none()}
}
