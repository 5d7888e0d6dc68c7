package web

import (
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestClientIP tries the client address behind trusted proxies, and the
// ways a client might forge one.
func TestClientIP(t *testing.T) {
	trusted, err := ParseNetworks("10.0.0.0/8, 127.0.0.1/32,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{opts: Options{TrustedProxies: trusted}}
	none := &Server{}
	for _, tc := range []struct {
		name   string
		s      *Server
		remote string
		xff    []string
		want   string
	}{
		{"direct", s, "203.0.113.7:5000", nil, "203.0.113.7"},
		{"untrusted peer sends XFF", s, "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"no proxies trusted", none, "127.0.0.1:5000", []string{"198.51.100.1"}, "127.0.0.1"},
		{"one proxy", s, "127.0.0.1:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"trusted peer without XFF", s, "10.1.2.3:5000", nil, "10.1.2.3"},
		{"client prepends a forged hop", s, "127.0.0.1:5000", []string{"6.6.6.6, 198.51.100.1"}, "198.51.100.1"},
		{"chain of proxies", s, "127.0.0.1:5000", []string{"198.51.100.1, 10.0.0.2, 10.0.0.1"}, "198.51.100.1"},
		{"forged trusted hop left of the client", s, "127.0.0.1:5000", []string{"10.9.9.9, 198.51.100.1, 10.0.0.1"}, "198.51.100.1"},
		{"several headers are one list", s, "127.0.0.1:5000", []string{"6.6.6.6", "198.51.100.1, 10.0.0.1"}, "198.51.100.1"},
		{"client's own header first", s, "127.0.0.1:5000", []string{"6.6.6.6, 7.7.7.7", "198.51.100.1"}, "198.51.100.1"},
		{"garbage at the right", s, "127.0.0.1:5000", []string{"198.51.100.1, garbage"}, "127.0.0.1"},
		{"garbage behind a proxy", s, "127.0.0.1:5000", []string{"unknown, 10.0.0.1"}, "10.0.0.1"},
		{"garbage left of the client", s, "127.0.0.1:5000", []string{"<script>, 198.51.100.1"}, "198.51.100.1"},
		{"empty header", s, "127.0.0.1:5000", []string{""}, "127.0.0.1"},
		{"all hops trusted", s, "127.0.0.1:5000", []string{"10.0.0.5, 10.0.0.1"}, "10.0.0.5"},
		{"port in XFF", s, "127.0.0.1:5000", []string{"198.51.100.1:4711"}, "198.51.100.1"},
		{"IPv6 client", s, "127.0.0.1:5000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv6 client with port", s, "127.0.0.1:5000", []string{"[2001:db8::1]:4711"}, "2001:db8::1"},
		{"IPv6 proxy", s, "[fd00::1]:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"IPv6 untrusted peer", s, "[2001:db8::2]:5000", []string{"198.51.100.1"}, "2001:db8::2"},
		{"IPv4-mapped proxy", s, "[::ffff:127.0.0.1]:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"IPv4-mapped client", s, "127.0.0.1:5000", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"zone dropped", s, "127.0.0.1:5000", []string{"fe80::1%eth0"}, "fe80::1"},
		{"spaces", s, "127.0.0.1:5000", []string{"  198.51.100.1  ,10.0.0.1 "}, "198.51.100.1"},
		{"peer without an address", s, "@", []string{"198.51.100.1"}, ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := ipText(tc.s.clientIP(r)); got != tc.want {
			t.Errorf("%s: clientIP(RemoteAddr %q, X-Forwarded-For %q) = %q, want %q", tc.name, tc.remote, tc.xff, got, tc.want)
		}
	}
}

// TestParseNetworks reads the flags' forms and refuses bad ones, naming
// the entry.
func TestParseNetworks(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}},
		{"10.1.2.3/8", []string{"10.0.0.0/8"}},
		{"127.0.0.1, ::1", []string{"127.0.0.1/32", "::1/128"}},
		{"::ffff:10.0.0.0/104", []string{"10.0.0.0/8"}},
		{"fd00::/8,", []string{"fd00::/8"}},
		{" 10.0.0.0/8, 192.0.2.7 ,,::1/128", []string{"10.0.0.0/8", "192.0.2.7/32", "::1/128"}},
	} {
		got, err := ParseNetworks(tc.in)
		if err != nil {
			t.Errorf("ParseNetworks(%q): %v", tc.in, err)
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if !slices.Equal(s, tc.want) {
			t.Errorf("ParseNetworks(%q) = %v, want %v", tc.in, s, tc.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0/8", "1.2.3.4/x"} {
		if _, err := ParseNetworks("10.0.0.1," + bad); err == nil || !strings.Contains(err.Error(), strconv.Quote(bad)) {
			t.Errorf("ParseNetworks(%q): got %v, want an error naming it", bad, err)
		}
	}
}

// TestRequestHTTPS believes X-Forwarded-Proto from a trusted proxy only,
// and the base URL above it.
func TestRequestHTTPS(t *testing.T) {
	trusted, _ := ParseNetworks("127.0.0.1")
	for _, tc := range []struct {
		name, base, remote string
		proto              []string
		want               bool
	}{
		{"plain", "", "127.0.0.1:1", nil, false},
		{"trusted proxy says https", "", "127.0.0.1:1", []string{"https"}, true},
		{"trusted proxy says http", "", "127.0.0.1:1", []string{"http"}, false},
		{"nearest proxy counts", "", "127.0.0.1:1", []string{"https, http"}, false},
		{"nearest header counts", "", "127.0.0.1:1", []string{"http", "HTTPS"}, true},
		{"untrusted peer", "", "203.0.113.1:1", []string{"https"}, false},
		{"base URL https", "https://nps.example.com", "203.0.113.1:1", nil, true},
		{"base URL http wins", "http://nps.example.com", "127.0.0.1:1", []string{"https"}, false},
	} {
		s := &Server{opts: Options{BaseURL: tc.base, TrustedProxies: trusted}}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.proto {
			r.Header.Add("X-Forwarded-Proto", v)
		}
		if got := s.requestHTTPS(r); got != tc.want {
			t.Errorf("%s: requestHTTPS = %v, want %v", tc.name, got, tc.want)
		}
	}
}
