package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseNetworks reads a comma-separated list of networks in CIDR notation
// ("10.0.0.0/8,fd00::/8"), as --trusted-proxies and
// --metrics-allowed-networks take them; a bare address stands for itself
// (a /32 or /128). An IPv4 network in IPv6 form ("::ffff:10.0.0.0/104")
// counts as the IPv4 network, as parseHop reads the addresses it must
// contain. An empty list is no network.
func ParseNetworks(list string) ([]netip.Prefix, error) {
	var nets []netip.Prefix
	for _, field := range strings.Split(list, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		p, err := parseNetwork(field)
		if err != nil {
			return nil, fmt.Errorf("%q is not a network (CIDR) or an address", field)
		}
		nets = append(nets, p)
	}
	return nets, nil
}

// parseNetwork reads one entry of ParseNetworks's list.
func parseNetwork(field string) (netip.Prefix, error) {
	if !strings.Contains(field, "/") {
		a, err := netip.ParseAddr(field)
		if err != nil {
			return netip.Prefix{}, err
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(field)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
	}
	return p.Masked(), nil
}

// clientIP is the address of the client a request comes from, for rate
// limits. The direct peer (RemoteAddr) is the client unless it is one of
// Options.TrustedProxies: then the client is the right-most address of
// X-Forwarded-For that is not itself a trusted proxy. Reading from the
// right matters: every proxy appends the address it saw, so the entries
// left of the first untrusted one were written by the client and prove
// nothing; a client that sends its own X-Forwarded-For only adds entries
// there. An untrusted peer's forwarded headers are ignored whole.
//
// An entry that is not an address (garbage, "unknown") stops the walk: the
// last trusted hop before it is the client then, so a broken chain puts
// its clients under one shared key instead of letting them pick fresh ones.
// A peer without an address (a Unix socket) is the zero Addr, which
// ipText shows as "".
func (s *Server) clientIP(r *http.Request) netip.Addr {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !s.trustedProxy(peer) {
		return peer
	}
	client := peer
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = a
		if !s.trustedProxy(a) {
			break
		}
	}
	return client
}

// ipText shows a client address as the audit log keeps it: "" for none.
func ipText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// forwardedFor lists the entries of every X-Forwarded-For header in the
// order the proxies wrote them: several headers count as one list joined
// by commas (RFC 9110, 5.3).
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, hop := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(hop))
		}
	}
	return hops
}

// parseHop reads an address as RemoteAddr or X-Forwarded-For write it:
// "192.0.2.1", "192.0.2.1:443", "2001:db8::1" or "[2001:db8::1]:443". An
// IPv4 address in IPv6 form counts as the IPv4 address, so that it meets
// the same networks and the same limits.
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// trustedProxy reports whether a is in one of the trusted networks.
func (s *Server) trustedProxy(a netip.Addr) bool { return inNetworks(s.opts.TrustedProxies, a) }

// inNetworks reports whether a, as parseHop reads it, is in one of nets.
func inNetworks(nets []netip.Prefix, a netip.Addr) bool {
	for _, p := range nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// baseHTTPS reports whether the public address (Options.BaseURL) is https.
func (s *Server) baseHTTPS() bool {
	return strings.HasPrefix(strings.ToLower(s.opts.BaseURL), "https://")
}

// requestHTTPS reports whether the browser reached the server over https:
// the connection is TLS; or the public address (Options.BaseURL) is
// https, TLS ending at a proxy in front; or, without a base URL, a trusted
// proxy says so in X-Forwarded-Proto. That header from any other peer is
// ignored, as anyone can send it.
func (s *Server) requestHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if s.opts.BaseURL != "" {
		return s.baseHTTPS()
	}
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !s.trustedProxy(peer) {
		return false
	}
	// The proxy nearest to the server wrote the last value.
	protos := r.Header.Values("X-Forwarded-Proto")
	if len(protos) == 0 {
		return false
	}
	last := protos[len(protos)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
}
