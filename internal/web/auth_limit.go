package web

import (
	"sync"
	"time"
)

// The sign-in limits: failed attempts allowed per window before further
// attempts are refused until the oldest failure leaves the window. An
// email allows 10, which stops guessing one account's password while a
// person who mistypes a few times is never stopped. An IP address allows
// more, because an office behind one NAT, or every user behind a reverse
// proxy that is not in --trusted-proxies, shares one address; its limit is
// there to stop one machine from trying a few passwords on many accounts.
// A signed-in user who changes their password allows as many wrong current
// passwords as an email allows sign-ins, so that a browser left signed in
// is no easier a way to guess the password; the address's count is shared
// with sign-ins.
const (
	loginWindow          = 15 * time.Minute
	loginFailuresEmail   = 10
	loginFailuresIP      = 50
	passwordFailuresUser = 10
	loginLimiterMaxKeys  = 100_000
)

// loginLimiter counts failed sign-ins per key ("email:…", "ip:…") in a
// sliding window, in memory. Several serve processes (on PostgreSQL) each
// keep their own count, so that n processes allow up to n times the limit
// in the worst case; that still turns guessing a password into centuries,
// and keeps the database out of the hot path of a password-guessing
// attack.
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{failures: map[string][]time.Time{}}
}

// retryAfter returns how long the key must wait before it may try again,
// or 0 when it may try now.
func (l *loginLimiter) retryAfter(key string, limit int, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.live(key, now)
	if len(times) < limit {
		return 0
	}
	return times[len(times)-limit].Add(loginWindow).Sub(now)
}

// fail records a failed attempt of the key at now.
func (l *loginLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.live(key, now)
	if times == nil && len(l.failures) >= loginLimiterMaxKeys {
		l.evict(now)
	}
	l.failures[key] = append(times, now)
}

// reset forgets the key's failures, after a successful sign-in.
func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

// live returns the key's failures within the window ending at now and
// drops the older ones. The caller holds mu.
func (l *loginLimiter) live(key string, now time.Time) []time.Time {
	times := l.failures[key]
	i := 0
	for i < len(times) && !times[i].After(now.Add(-loginWindow)) {
		i++
	}
	if i == len(times) {
		delete(l.failures, key)
		return nil
	}
	times = times[i:]
	l.failures[key] = times
	return times
}

// evict makes room when the map is full, as under an attack with many
// made-up emails: first the keys whose failures have all expired, then,
// if that is not enough, any tenth of the keys (Go's map order is
// random). Forgetting some counts weakens the limit for those keys, which
// is better than letting memory grow without bound or refusing everyone.
// The caller holds mu.
func (l *loginLimiter) evict(now time.Time) {
	for key := range l.failures {
		l.live(key, now)
	}
	drop := len(l.failures) - loginLimiterMaxKeys*9/10
	for key := range l.failures {
		if drop <= 0 {
			break
		}
		delete(l.failures, key)
		drop--
	}
}
