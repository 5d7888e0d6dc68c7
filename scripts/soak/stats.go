package main

import (
	"math"
	"slices"
	"sync"
	"time"
)

// trace counts what went wrong on the way of one logical request.
type trace struct {
	transport    int // connection errors, each followed by a retry or the end
	duringKill   int // of which against a process being killed or restarted
	serverErrors int // 5xx answers that were retried
	retries      int
}

// Stats collects the requests of the traffic by type.
type Stats struct {
	mu    sync.Mutex
	types map[string]*typeStats
}

type typeStats struct {
	latencies []time.Duration
	ok        int
	status    map[int]int // the final status when not the expected one; 0 when no process answered
	trace
	retriedOK int // requests that needed a retry and then succeeded
}

func newStats() *Stats { return &Stats{types: map[string]*typeStats{}} }

func (s *Stats) record(typ string, d time.Duration, status int, ok bool, tr trace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.types[typ]
	if t == nil {
		t = &typeStats{status: map[int]int{}}
		s.types[typ] = t
	}
	t.latencies = append(t.latencies, d)
	if !ok {
		t.status[status]++
	}
	if ok {
		t.ok++
		if tr.retries > 0 {
			t.retriedOK++
		}
	}
	t.transport += tr.transport
	t.duringKill += tr.duringKill
	t.serverErrors += tr.serverErrors
	t.retries += tr.retries
}

// TypeReport is the summary of one type of request, or of all.
type TypeReport struct {
	Requests int `json:"requests"`
	OK       int `json:"ok"`
	// Status counts the final answers that were not the expected one:
	// "0" when no process answered.
	Status map[int]int `json:"unexpected_status,omitempty"`
	// TransportErrors are connection failures (refused, reset, closed),
	// DuringKill those of them against the process being killed or
	// restarted; each was retried on the other process when the route
	// allows it, and RetriedOK requests then succeeded.
	TransportErrors  int     `json:"transport_errors"`
	DuringKill       int     `json:"transport_errors_during_kill"`
	ServerErrorRetry int     `json:"retried_5xx"`
	Retries          int     `json:"retries"`
	RetriedOK        int     `json:"retried_then_ok"`
	P50ms            float64 `json:"p50_ms"`
	P95ms            float64 `json:"p95_ms"`
	P99ms            float64 `json:"p99_ms"`
	MaxMs            float64 `json:"max_ms"`
}

// Report summarises every type and all of them together ("all").
func (s *Stats) Report() map[string]TypeReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]TypeReport{}
	var all []time.Duration
	total := TypeReport{Status: map[int]int{}}
	for name, t := range s.types {
		r := summarise(t, t.latencies)
		out[name] = r
		if name == "setup" {
			continue // the harness's own requests, not the traffic's
		}
		all = append(all, t.latencies...)
		total.Requests += r.Requests
		total.OK += r.OK
		for k, v := range r.Status {
			total.Status[k] += v
		}
		total.TransportErrors += r.TransportErrors
		total.DuringKill += r.DuringKill
		total.ServerErrorRetry += r.ServerErrorRetry
		total.Retries += r.Retries
		total.RetriedOK += r.RetriedOK
	}
	slices.Sort(all)
	total.P50ms, total.P95ms, total.P99ms, total.MaxMs = pct(all, 50), pct(all, 95), pct(all, 99), pct(all, 100)
	out["all"] = total
	return out
}

func summarise(t *typeStats, lat []time.Duration) TypeReport {
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	r := TypeReport{Requests: len(lat), OK: t.ok, Status: map[int]int{},
		TransportErrors: t.transport, DuringKill: t.duringKill, ServerErrorRetry: t.serverErrors,
		Retries: t.retries, RetriedOK: t.retriedOK,
		P50ms: pct(sorted, 50), P95ms: pct(sorted, 95), P99ms: pct(sorted, 99), MaxMs: pct(sorted, 100)}
	for c, n := range t.status {
		r.Status[c] = n
	}
	return r
}

// pct is the nearest-rank percentile p of sorted durations, in ms.
func pct(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return math.Round(float64(sorted[i])/float64(time.Microsecond)) / 1000
}
