package main

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testLimits are serve's connection limits shortened for a test.
var testLimits = httpLimits{
	readHeader:     300 * time.Millisecond,
	read:           time.Second,
	write:          time.Second,
	idle:           time.Second,
	maxHeaderBytes: 4 << 10,
}

// startHTTPServer serves h on loopback through newHTTPServer with l.
func startHTTPServer(t *testing.T, h http.Handler, l httpLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(h, slog.New(slog.DiscardHandler), l)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// trickle writes s to conn a byte every gap, and reports when the server
// ends the connection: the time it took and whether s was all written.
func trickle(conn net.Conn, s string, gap time.Duration) (time.Duration, bool) {
	start := time.Now()
	closed := make(chan struct{})
	go func() {
		// Whatever the server answers (nothing, or an error status), the
		// connection ends when it gives up on the client.
		io.Copy(io.Discard, conn)
		close(closed)
	}()
	for i := range len(s) {
		select {
		case <-closed:
			return time.Since(start), false
		case <-time.After(gap):
		}
		if _, err := conn.Write([]byte{s[i]}); err != nil {
			return time.Since(start), false
		}
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
	}
	return time.Since(start), true
}

// TestSlowHeaders: a client that sends its headers a byte at a time,
// slower than the header timeout allows, is cut off before it finishes,
// and the handler never runs.
func TestSlowHeaders(t *testing.T) {
	called := make(chan struct{}, 1)
	addr := startHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called <- struct{}{} }), testLimits)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// 60 bytes at 25 ms: 1.5 s, five times the header timeout.
	headers := "GET /healthz HTTP/1.1\r\nHost: example.com\r\nX-Slow: " + strings.Repeat("a", 9) + "\r\n\r\n"
	took, finished := trickle(conn, headers, 25*time.Millisecond)
	if finished {
		t.Errorf("the slow client sent all its headers in %v: want it cut off after %v", took, testLimits.readHeader)
	}
	if took > 3*testLimits.readHeader {
		t.Errorf("cut off after %v, want about %v", took, testLimits.readHeader)
	}
	select {
	case <-called:
		t.Error("the handler ran for headers that never finished")
	default:
	}
}

// TestSlowBody: a client that sends its headers at once and then its body
// a byte at a time is cut off at the read timeout; the handler reading the
// body gets an error instead of waiting for ever.
func TestSlowBody(t *testing.T) {
	got := make(chan error, 1)
	addr := startHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		got <- err
	}), testLimits)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const n = 200 // bytes at 20 ms: 4 s, four times the read timeout
	if _, err := conn.Write([]byte("POST /form HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\nContent-Length: 200\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	took, finished := trickle(conn, strings.Repeat("x", n), 20*time.Millisecond)
	if finished {
		t.Errorf("the slow body was sent whole in %v: want it cut off after %v", took, testLimits.read)
	}
	select {
	case err := <-got:
		var ne net.Error
		if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("the handler read the slow body with error %v, want a timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("the handler is still reading the slow body")
	}
}

// TestHeaderLimit: headers over the limit get 431 and reach no handler.
func TestHeaderLimit(t *testing.T) {
	addr := startHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), testLimits)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := "GET / HTTP/1.1\r\nHost: example.com\r\nCookie: " + strings.Repeat("a", 4*testLimits.maxHeaderBytes) + "\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("headers of %d bytes: got %d, want 431", len(req), resp.StatusCode)
	}
}

// TestServeLimits keeps serve's limits set: a zero would mean no limit.
func TestServeLimits(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler), serveLimits)
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Errorf("serve's server has a limit unset: %+v", srv)
	}
}
