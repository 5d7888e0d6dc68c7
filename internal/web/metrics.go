package web

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// handleMetrics serves the Prometheus metrics to the clients allowed to
// read them, as miniflux does: the request's direct peer (the address of
// the TCP connection, not a header a client can write) is in one of
// MetricsNetworks, and, when MetricsToken is set, the request bears it. A
// request a proxy forwarded is not from a direct peer, even when the proxy
// runs on an allowed address: one that comes from a trusted proxy, or
// carries any header a proxy adds, is refused, so that a proxy on the same
// machine that adds none (nginx's plain proxy_pass) opens nothing.
// Everyone else gets the 404 of an unknown path, which tells nothing.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Metrics == nil || !s.metricsAllowed(r) {
		http.NotFound(w, r)
		return nil
	}
	s.opts.Metrics.Handler().ServeHTTP(w, r)
	return nil
}

// proxyHeaders are the headers reverse proxies add to what they forward.
var proxyHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-Ip"}

func (s *Server) metricsAllowed(r *http.Request) bool {
	for _, h := range proxyHeaders {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	// parseHop counts an IPv4 peer on a dual-stack listener as IPv4.
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !inNetworks(s.opts.MetricsNetworks, peer) || inNetworks(s.opts.TrustedProxies, peer) {
		return false
	}
	if s.opts.MetricsToken == "" {
		return true
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(token), []byte(s.opts.MetricsToken)) == 1
}
