package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// maxInFlight bounds the requests under way at once: beyond it the
// scheduler waits, and the rate achieved falls below the rate asked.
const maxInFlight = 64

// scenario is one thing a client does: a respondent answering, an API
// client, a user reading the dashboard.
type scenario struct {
	name     string
	requests int     // HTTP requests it makes, charged against --rate
	weight   float64 // how often it is chosen
	run      func(t *traffic, ctx context.Context)
}

// scenarios give, at equal weight per request, about a fifth of the
// requests to personal links, a quarter to API answers, a fifth to the
// dashboard, and the rest to one-click links, the public link and API
// reads.
var scenarios = []scenario{
	{"form", 2, 10, (*traffic).formAnswer},
	{"oneclick", 2, 4, (*traffic).oneClickAnswer},
	{"public", 2, 6, (*traffic).publicAnswer},
	{"api", 1, 25, (*traffic).apiAnswer},
	{"page", 1, 20, (*traffic).page},
	{"nps", 1, 15, (*traffic).npsRead},
}

// traffic is the mixed load against the two processes.
type traffic struct {
	b      *balancer
	fx     *fixture
	ledger *Ledger
	pool   *pool
	run    string // in every marker, so that runs on one database stay apart
	seq    atomic.Int64
}

// marker is a comment no other answer of any run carries.
func (t *traffic) marker(kind string) string {
	return fmt.Sprintf("soak %s %s %d", t.run, kind, t.seq.Add(1))
}

// respondent is the client address of a simulated respondent, sent as
// X-Forwarded-For, so that limits per address see many people.
func respondent() http.Header {
	return http.Header{"X-Forwarded-For": {fmt.Sprintf("10.%d.%d.%d", rand.IntN(256), rand.IntN(256), 1+rand.IntN(254))}}
}

func form(v url.Values) ([]byte, string) {
	return []byte(v.Encode()), "application/x-www-form-urlencoded"
}

// formAnswer opens a personal link and submits the form with a comment.
// A new invitation is answered first; without one, an answered one is
// answered again, which replaces its response.
func (t *traffic) formAnswer(ctx context.Context) {
	inv, ok := t.pool.take(false)
	if !ok {
		t.publicAnswer(ctx)
		return
	}
	defer t.pool.put(inv)
	h := respondent()
	path := "/s/" + inv.token
	if t.b.do(ctx, request{typ: "form.get", method: http.MethodGet, path: path, header: h, want: http.StatusOK, resend: true}).outcome != Acked {
		return
	}
	a := Attempt{Kind: "form", Marker: t.marker("form"), Invitation: inv.id, Score: rand.IntN(11)}
	body, ctype := form(url.Values{"score": {strconv.Itoa(a.Score)}, "comment": {a.Marker}, "switch_intent": {"no"}, "lang": {"en"}})
	a.Outcome = t.b.do(ctx, request{typ: "form.post", method: http.MethodPost, path: path, body: body, ctype: ctype,
		header: h, want: http.StatusSeeOther, resend: true}).outcome
	t.ledger.Add(a)
}

// oneClickAnswer opens a score link of an invitation email and sends the
// automatic POST its script sends; only new invitations, since it never
// overwrites a fuller answer.
func (t *traffic) oneClickAnswer(ctx context.Context) {
	inv, ok := t.pool.take(true)
	if !ok {
		t.formAnswer(ctx)
		return
	}
	defer t.pool.put(inv)
	h := respondent()
	a := Attempt{Kind: "oneclick", Invitation: inv.id, Score: rand.IntN(11)}
	path := "/s/" + inv.token + "/" + strconv.Itoa(a.Score)
	if t.b.do(ctx, request{typ: "oneclick.get", method: http.MethodGet, path: path, header: h, want: http.StatusOK, resend: true}).outcome != Acked {
		return
	}
	body, ctype := form(url.Values{"lang": {"en"}})
	a.Outcome = t.b.do(ctx, request{typ: "oneclick.post", method: http.MethodPost, path: path, body: body, ctype: ctype,
		header: h, want: http.StatusNoContent, resend: true}).outcome
	t.ledger.Add(a)
}

// publicAnswer answers through the survey's public link. Each submission
// is a new response and the route has no key to make a retry safe, so an
// answer whose connection broke is not sent again: its outcome is unknown.
func (t *traffic) publicAnswer(ctx context.Context) {
	h := respondent()
	path := "/p/" + t.fx.public
	if t.b.do(ctx, request{typ: "public.get", method: http.MethodGet, path: path, header: h, want: http.StatusOK, resend: true}).outcome != Acked {
		return
	}
	a := Attempt{Kind: "public", Marker: t.marker("public"), Score: rand.IntN(11)}
	body, ctype := form(url.Values{"score": {strconv.Itoa(a.Score)}, "comment": {a.Marker}, "lang": {"en"}})
	a.Outcome = t.b.do(ctx, request{typ: "public.post", method: http.MethodPost, path: path, body: body, ctype: ctype,
		header: h, want: http.StatusSeeOther}).outcome
	t.ledger.Add(a)
}

// apiClient returns a token and the address of its client: each token is
// one system calling the API from one address.
func (t *traffic) apiClient() http.Header {
	i := rand.IntN(len(t.fx.tokens))
	return http.Header{"Authorization": {"Bearer " + t.fx.tokens[i]}, "X-Forwarded-For": {fmt.Sprintf("198.51.100.%d", i+1)}}
}

// apiAnswer posts one response with an Idempotency-Key, and on a broken
// connection or a 5xx sends the same body with the same key again.
func (t *traffic) apiAnswer(ctx context.Context) {
	a := Attempt{Kind: "api", Marker: t.marker("api"), Score: rand.IntN(11)}
	body := fmt.Sprintf(`{"wave_id": %d, "score": %d, "comment": %q, "account_external_id": %q}`,
		t.fx.waveID, a.Score, a.Marker, t.fx.accounts[rand.IntN(len(t.fx.accounts))])
	h := t.apiClient()
	h.Set("Idempotency-Key", a.Marker)
	a.Outcome = t.b.do(ctx, request{typ: "api.answer", method: http.MethodPost, path: "/api/v1/responses", body: []byte(body),
		ctype: "application/json", header: h, want: http.StatusCreated, resend: true, retry5xx: true}).outcome
	t.ledger.Add(a)
}

var pages = []string{"dashboard", "accounts", "responses"}

// page reads a page of the dashboard as the signed-in owner.
func (t *traffic) page(ctx context.Context) {
	p := pages[rand.IntN(len(pages))]
	t.b.do(ctx, request{typ: "page." + p, method: http.MethodGet, path: "/w/" + t.fx.slug + "/" + p, signedIn: true,
		header: http.Header{"X-Forwarded-For": {"192.0.2.1"}}, want: http.StatusOK, resend: true})
}

// npsRead asks the API for the wave's NPS.
func (t *traffic) npsRead(ctx context.Context) {
	t.b.do(ctx, request{typ: "api.nps", method: http.MethodGet, path: fmt.Sprintf("/api/v1/surveys/%d/nps?wave=%d", t.fx.surveyID, t.fx.waveID),
		header: t.apiClient(), want: http.StatusOK, resend: true})
}

// drive starts scenarios at rate requests a second until ctx ends, and
// waits for those under way, which run on under reqCtx: a request cut off
// by the end of the run would be the harness's error, not the server's.
func (t *traffic) drive(ctx, reqCtx context.Context, rate float64) {
	var total float64
	for _, s := range scenarios {
		total += s.weight
	}
	sem := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	next := time.Now()
	for ctx.Err() == nil {
		r := rand.Float64() * total
		s := scenarios[len(scenarios)-1]
		for _, c := range scenarios {
			if r < c.weight {
				s = c
				break
			}
			r -= c.weight
		}
		next = next.Add(time.Duration(float64(s.requests) / rate * float64(time.Second)))
		if lag := time.Since(next); lag > time.Second {
			next = time.Now() // behind: go on at the rate rather than in a burst
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Until(next)):
		}
		select {
		case <-ctx.Done():
		case sem <- struct{}{}:
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				s.run(t, reqCtx)
			}()
		}
	}
	wg.Wait()
}

// invitation is a personal link the traffic may answer.
type invitation struct {
	id    int64
	token string
}

// pool hands each invitation to one respondent at a time, so that the
// answers of one invitation are sent in an order the ledger knows.
type pool struct {
	mu       sync.Mutex
	seen     map[int64]bool
	fresh    []invitation
	answered []invitation
}

func newPool() *pool { return &pool{seen: map[int64]bool{}} }

// take returns a new invitation, or when onlyNew is false and none is
// left, the one answered longest ago.
func (p *pool) take(onlyNew bool) (invitation, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.fresh); n > 0 {
		inv := p.fresh[n-1]
		p.fresh = p.fresh[:n-1]
		return inv, true
	}
	if onlyNew || len(p.answered) == 0 {
		return invitation{}, false
	}
	inv := p.answered[0]
	p.answered = p.answered[1:]
	return inv, true
}

func (p *pool) put(inv invitation) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answered = append(p.answered, inv)
}

// load adds the wave's invitations not yet seen: those whose email was
// sent when there is an SMTP server (a respondent needs the email), else
// all of them.
func (p *pool) load(ctx context.Context, db *sql.DB, fx *fixture, sentOnly bool) error {
	rows, err := db.QueryContext(ctx, `SELECT id, token FROM invitations
		WHERE workspace_id = $1 AND wave_id = $2 AND ($3 = false OR sent_at IS NOT NULL)`, fx.wsID, fx.waveID, sentOnly)
	if err != nil {
		return fmt.Errorf("invitations: %w", err)
	}
	defer rows.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for rows.Next() {
		var inv invitation
		if err := rows.Scan(&inv.id, &inv.token); err != nil {
			return fmt.Errorf("invitations: %w", err)
		}
		if !p.seen[inv.id] {
			p.seen[inv.id] = true
			p.fresh = append(p.fresh, inv)
		}
	}
	return rows.Err()
}
