package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"sync/atomic"
	"time"
)

// transportAttempts is how often a request is sent in all when the
// connection fails, each time to the other process; apiAttempts is how
// often an API answer is sent when the server answers 5xx.
const (
	transportAttempts = 4
	apiAttempts       = 6
)

// request is one logical request of the traffic: what a load balancer in
// front of the two processes receives from a client.
type request struct {
	typ      string // the row of the report
	method   string
	path     string
	body     []byte
	ctype    string
	header   http.Header
	signedIn bool // sent with the owner's session cookie
	want     int  // the status that means success
	// resend says that sending the request again after it reached a
	// process whose connection then broke records nothing twice: true
	// for reads, for personal-link answers (a replacement) and for API
	// answers with an Idempotency-Key. A connection refused before
	// sending is always sent to the other process.
	resend bool
	// retry5xx sends the request again, unchanged, after a 5xx: the
	// API client's behaviour with an Idempotency-Key.
	retry5xx bool
}

// result is how a logical request ended.
type result struct {
	status  int // 0 when no process answered
	body    []byte
	header  http.Header
	outcome Outcome
}

// balancer spreads requests over the processes round-robin and, like a
// load balancer, sends a request whose connection failed to the other
// process.
type balancer struct {
	bases    []string
	next     atomic.Uint64
	plain    *http.Client
	signedIn *http.Client
	stats    *Stats
	kills    *killLog
}

func newBalancer(bases []string, stats *Stats, kills *killLog) (*balancer, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("cookie jar: %w", err)
	}
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     90 * time.Second,
	}
	// Redirects are answers to check (303 after a recorded answer), not
	// to follow.
	noFollow := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &balancer{
		bases:    bases,
		plain:    &http.Client{Transport: transport, Timeout: 30 * time.Second, CheckRedirect: noFollow},
		signedIn: &http.Client{Transport: transport, Timeout: 30 * time.Second, CheckRedirect: noFollow, Jar: jar},
		stats:    stats,
		kills:    kills,
	}, nil
}

// do sends rq, retrying as its kind allows, and records it in the stats.
func (b *balancer) do(ctx context.Context, rq request) result {
	start := time.Now()
	i := int(b.next.Add(1) % uint64(len(b.bases)))
	client := b.plain
	if rq.signedIn {
		client = b.signedIn
	}
	var tr trace
	// uncertain: an earlier attempt reached a process whose connection
	// then broke, so it may have done the work.
	uncertain := false
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, rq.method, b.bases[i]+rq.path, bytes.NewReader(rq.body))
		if err != nil {
			panic(err) // the harness made a malformed request
		}
		for k, v := range rq.header {
			req.Header[k] = v
		}
		if rq.ctype != "" {
			req.Header.Set("Content-Type", rq.ctype)
		}
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return result{outcome: Unknown}
			}
			dial := isDial(err)
			uncertain = uncertain || !dial
			tr.transport++
			if b.kills.during(i, time.Now()) {
				tr.duringKill++
			}
			if (dial || rq.resend) && attempt < transportAttempts {
				tr.retries++
				i = (i + 1) % len(b.bases)
				continue
			}
			b.stats.record(rq.typ, time.Since(start), 0, false, tr)
			return result{outcome: settle(false, uncertain)}
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil && rq.resend && attempt < transportAttempts {
			uncertain = true
			tr.transport++
			if b.kills.during(i, time.Now()) {
				tr.duringKill++
			}
			tr.retries++
			i = (i + 1) % len(b.bases)
			continue
		}
		if resp.StatusCode >= 500 && rq.retry5xx && attempt < apiAttempts {
			tr.serverErrors++
			tr.retries++
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
			i = (i + 1) % len(b.bases)
			continue
		}
		ok := resp.StatusCode == rq.want
		b.stats.record(rq.typ, time.Since(start), resp.StatusCode, ok, tr)
		return result{status: resp.StatusCode, body: body, header: resp.Header, outcome: settle(ok, uncertain)}
	}
}

// settle is the outcome of a request that succeeded or not, after
// attempts of which some may have done the work unseen.
func settle(ok, uncertain bool) Outcome {
	switch {
	case ok:
		return Acked
	case uncertain:
		return Unknown
	}
	return Refused
}

// isDial says that err happened while connecting, so that the request
// reached no process.
func isDial(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// killLog remembers when each process was killed and when it served
// again, so that a transport error can be told to be the kill's.
type killLog struct {
	mu   sync.Mutex
	down map[int][]window
}

type window struct{ from, to time.Time } // to is zero while it is down

// killSlack is how long after a restart an error still counts as the
// kill's: connections the client opened before it may fail a little later.
const killSlack = 2 * time.Second

func newKillLog() *killLog { return &killLog{down: map[int][]window{}} }

func (k *killLog) killed(i int, at time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.down[i] = append(k.down[i], window{from: at})
}

func (k *killLog) ready(i int, at time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if w := k.down[i]; len(w) > 0 {
		w[len(w)-1].to = at
	}
}

func (k *killLog) during(i int, t time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, w := range k.down[i] {
		if !t.Before(w.from) && (w.to.IsZero() || t.Before(w.to.Add(killSlack))) {
			return true
		}
	}
	return false
}
