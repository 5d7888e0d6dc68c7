package web

import (
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The request limits, token buckets per key in memory (sign-ins keep their
// own sliding window, auth_limit.go). Each process counts on its own, so n
// serve processes allow up to n times these rates; that is still far
// below what would hurt, and keeps the database out of the path of a
// flood. A refusal is 429 with Retry-After.
var (
	// surveyPerIP: one client address may send 60 survey answers a minute,
	// 30 at once. An office behind one NAT where everybody answers the same
	// invitation email in the same minutes stays well under it, while one
	// machine cannot fill a survey with thousands of made-up answers.
	surveyPerIP = rateLimit{per: time.Second, burst: 30}
	// surveyPerInvitation: one invitation link may be sent 10 times at
	// once and then once every 6 seconds. A person saves a few times at
	// most (and the one-click script once); more is a script.
	surveyPerInvitation = rateLimit{per: 6 * time.Second, burst: 10}
	// surveyPerPublicLink: a public link, shown on a screen or a QR code
	// at an event, takes 300 answers at once and then 10 a second from all
	// addresses together, which a hall of people finishing at the same
	// moment needs; a botnet of many addresses cannot push more through one
	// link.
	surveyPerPublicLink = rateLimit{per: 100 * time.Millisecond, burst: 300}
	// apiPerToken: an integration may make 50 requests a second, 200 at
	// once, far more than a CRM sync or a batch import (1,000 responses a
	// request) needs, while a runaway loop cannot starve everybody else.
	apiPerToken = rateLimit{per: 20 * time.Millisecond, burst: 200}
	// apiFailedAuthPerIP: 20 requests with a missing, unknown or revoked
	// token per client address, then one every 3 seconds (20 a minute).
	// Tokens are 256-bit random, so guessing is hopeless anyway; this
	// keeps a guesser from costing a database look-up a request.
	apiFailedAuthPerIP = rateLimit{per: 3 * time.Second, burst: 20}
)

// limiterMaxKeys bounds each limiter's key map. A key is about a hundred
// bytes with its bucket, so a full limiter holds some 10 MB.
const limiterMaxKeys = 100_000

// rateLimit is a token bucket's shape: one request per per, burst at once.
type rateLimit struct {
	per   time.Duration
	burst int
}

// limiter holds a token bucket per key ("ip:…", a token) for one limit.
type limiter struct {
	limit   rateLimit
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newLimiter(l rateLimit) *limiter {
	return &limiter{limit: l, maxKeys: limiterMaxKeys, buckets: map[string]*bucket{}}
}

// take spends one request of key at now. It returns 0 when the request may
// go, and otherwise how long until it could, without spending anything.
func (l *limiter) take(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, now)
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// bucket returns key's bucket, made full when it is new. The caller holds mu.
func (l *limiter) bucket(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			l.evict(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.limit.per), l.limit.burst)}
		l.buckets[key] = b
	}
	b.last = now
	return b
}

// evict makes room in a full map: first every bucket idle long enough to
// be full again, which is the same as no bucket and so forgets nothing;
// then, when that is not enough, as under a flood from many addresses,
// any tenth of the keys (Go's map order is random), which lets those keys
// start afresh. That weakens the limit for a few keys rather than letting
// memory grow without bound or refusing everyone; leaving a tenth free
// keeps eviction rare. The caller holds mu.
func (l *limiter) evict(now time.Time) {
	refill := time.Duration(l.limit.burst) * l.limit.per
	for key, b := range l.buckets {
		if now.Sub(b.last) >= refill {
			delete(l.buckets, key)
		}
	}
	drop := len(l.buckets) - l.maxKeys*9/10
	for key := range l.buckets {
		if drop <= 0 {
			break
		}
		delete(l.buckets, key)
		drop--
	}
}

// limits are the server's request limiters.
type limits struct {
	surveyIP, surveyInvitation, surveyPublic *limiter
	apiToken, apiFailedAuth                  *limiter
}

func newLimits() limits {
	return limits{
		surveyIP:         newLimiter(surveyPerIP),
		surveyInvitation: newLimiter(surveyPerInvitation),
		surveyPublic:     newLimiter(surveyPerPublicLink),
		apiToken:         newLimiter(apiPerToken),
		apiFailedAuth:    newLimiter(apiFailedAuthPerIP),
	}
}

// clientKey is the limiters' key of the request's client address. An IPv6
// address counts by its /64, the network one subscriber is given, so that
// a client cannot step through its 2⁶⁴ addresses to get fresh limits.
func (s *Server) clientKey(r *http.Request) string {
	ip := s.clientIP(r)
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Is4() {
		return "ip:" + ip
	}
	return "ip:" + netip.PrefixFrom(a, 64).Masked().String()
}

// tokenKey is the key of a link's token: cut at 64 bytes, longer than any
// token Promotor makes, so that made-up long tokens cannot fill memory.
func tokenKey(token string) string { return token[:min(len(token), 64)] }

// setRetryAfter tells the client how many whole seconds to wait, rounded up.
func setRetryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
}
