package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/webhook"
)

const testSecret = "whsec_deliver-test"

func TestDeliverRequest(t *testing.T) {
	e := sampleEvent()
	now := time.Now()
	var got *http.Request
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()

	var c webhook.Client
	res := c.Deliver(context.Background(), srv.URL+"/hooks/promotor?team=7", testSecret, webhook.FormatSlack, e, now)
	if res.Err != nil || res.Status != http.StatusAccepted || res.Body != `{"ok":true}` || !res.OK() || res.Retry() {
		t.Fatalf("Deliver: got %+v (OK %t, Retry %t), want 202 {\"ok\":true}, OK, no retry", res, res.OK(), res.Retry())
	}
	if res.Duration <= 0 {
		t.Errorf("Duration: got %s, want more than 0", res.Duration)
	}
	if got.Method != http.MethodPost || got.URL.RequestURI() != "/hooks/promotor?team=7" {
		t.Errorf("request: got %s %s, want POST /hooks/promotor?team=7", got.Method, got.URL.RequestURI())
	}
	want, err := webhook.Payload(webhook.FormatSlack, e)
	if err != nil {
		t.Fatal(err)
	}
	if string(gotBody) != string(want) {
		t.Errorf("body: got %s, want %s", gotBody, want)
	}
	headers := map[string]string{
		"Content-Type":      "application/json",
		"User-Agent":        "Promotor-Webhook/1",
		"Promotor-Event":    "alert.created",
		"Promotor-Delivery": e.ID,
		"Idempotency-Key":   e.ID,
	}
	for k, v := range headers {
		if g := got.Header.Get(k); g != v {
			t.Errorf("header %s: got %q, want %q", k, g, v)
		}
	}
	sig := got.Header.Get(webhook.SignatureHeader)
	if err := webhook.Verify(testSecret, sig, gotBody, now.Add(time.Second), 5*time.Minute); err != nil {
		t.Errorf("Verify(%q) at the receiver: got %v, want nil", sig, err)
	}
	if sig != webhook.Sign(testSecret, now, gotBody) {
		t.Errorf("%s: got %q, want Sign at now %q", webhook.SignatureHeader, sig, webhook.Sign(testSecret, now, gotBody))
	}

	// A retry carries the same delivery ID and a fresh signature.
	c = webhook.Client{UserAgent: "Promotor-Test/2"}
	later := now.Add(30 * time.Second)
	if res := c.Deliver(context.Background(), srv.URL, testSecret, webhook.FormatPromotor, e, later); !res.OK() {
		t.Fatalf("second Deliver: got %+v, want OK", res)
	}
	if g := got.Header.Get("Promotor-Delivery"); g != e.ID {
		t.Errorf("retry Promotor-Delivery: got %q, want %q", g, e.ID)
	}
	if g := got.Header.Get("User-Agent"); g != "Promotor-Test/2" {
		t.Errorf("User-Agent: got %q, want Promotor-Test/2", g)
	}
	if err := webhook.Verify(testSecret, got.Header.Get(webhook.SignatureHeader), gotBody, later, time.Second); err != nil {
		t.Errorf("Verify of the retry: got %v, want nil", err)
	}

	// Without a secret nothing is signed.
	if res := c.Deliver(context.Background(), srv.URL, "", webhook.FormatTeams, e, now); !res.OK() {
		t.Fatalf("unsigned Deliver: got %+v, want OK", res)
	}
	if g, ok := got.Header[webhook.SignatureHeader]; ok {
		t.Errorf("unsigned: got %s %q, want no such header", webhook.SignatureHeader, g)
	}
}

func TestDeliverStatus(t *testing.T) {
	elsewhere := false
	mux := http.NewServeMux()
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("code") {
		case "200":
			io.WriteString(w, "thanks")
		case "204":
			w.WriteHeader(http.StatusNoContent)
		case "301":
			http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
		default:
			code, _ := strconv.Atoi(r.PathValue("code"))
			http.Error(w, http.StatusText(code), code)
		}
	})
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) { elsewhere = true })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		code      string
		status    int
		ok, retry bool
	}{
		{"200", 200, true, false},
		{"204", 204, true, false},
		{"301", 301, false, false},
		{"400", 400, false, false},
		{"404", 404, false, false},
		{"408", 408, false, true},
		{"410", 410, false, false},
		{"425", 425, false, true},
		{"429", 429, false, true},
		{"500", 500, false, true},
		{"503", 503, false, true},
	}
	var c webhook.Client
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			res := c.Deliver(context.Background(), srv.URL+"/status/"+tt.code, testSecret, webhook.FormatPromotor, sampleEvent(), time.Now())
			if res.Status != tt.status || res.Err != nil || res.OK() != tt.ok || res.Retry() != tt.retry {
				t.Errorf("status %s: got %d, %v, OK %t, Retry %t, want %d, nil, OK %t, Retry %t",
					tt.code, res.Status, res.Err, res.OK(), res.Retry(), tt.status, tt.ok, tt.retry)
			}
		})
	}
	if elsewhere {
		t.Errorf("redirect: got it followed, want it recorded as the answer")
	}
}

func TestDeliverTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/services/T000/B000/XXXXsecretXXXX"
	srv.Close()

	var c webhook.Client
	res := c.Deliver(context.Background(), url, testSecret, webhook.FormatSlack, sampleEvent(), time.Now())
	if res.Status != 0 || res.Err == nil || res.OK() || !res.Retry() {
		t.Fatalf("closed server: got %+v (OK %t, Retry %t), want status 0, an error, retry", res, res.OK(), res.Retry())
	}
	if strings.Contains(res.Err.Error(), "secret") {
		t.Errorf("error: got %q, want it without the URL", res.Err)
	}

	// A cancelled context is the worker stopping: try again later.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res = c.Deliver(ctx, url, testSecret, webhook.FormatSlack, sampleEvent(), time.Now())
	if !errors.Is(res.Err, context.Canceled) || !res.Retry() {
		t.Errorf("cancelled: got %v, Retry %t, want context.Canceled, retry", res.Err, res.Retry())
	}
}

func TestDeliverTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)

	c := webhook.Client{HTTP: &http.Client{Timeout: 50 * time.Millisecond}}
	res := c.Deliver(context.Background(), srv.URL, testSecret, webhook.FormatPromotor, sampleEvent(), time.Now())
	if res.Status != 0 || res.Err == nil || !res.Retry() {
		t.Errorf("timeout: got %+v, want status 0, an error, retry", res)
	}
}

func TestDeliverPermanentErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("got a request to %s, want none", r.URL)
	}))
	defer srv.Close()
	noID := sampleEvent()
	noID.ID = ""
	tests := []struct {
		name   string
		url    string
		format webhook.Format
		e      webhook.Event
	}{
		{"bad URL", "ftp://example.com/hook", webhook.FormatPromotor, sampleEvent()},
		{"bad format", srv.URL, "xml", sampleEvent()},
		{"bad event", srv.URL, webhook.FormatPromotor, noID},
	}
	var c webhook.Client
	for _, tt := range tests {
		res := c.Deliver(context.Background(), tt.url, testSecret, tt.format, tt.e, time.Now())
		if res.Err == nil || res.Status != 0 || res.OK() || res.Retry() {
			t.Errorf("%s: got %+v (Retry %t), want an error that is final", tt.name, res, res.Retry())
		}
	}
}

func TestDeliverBody(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"short", "accepted", "accepted"},
		{"exactly 1 KiB", strings.Repeat("x", 1024), strings.Repeat("x", 1024)},
		{"long", strings.Repeat("y", 200_000), strings.Repeat("y", 1024)},
		// "a" and then two-byte runes: byte 1024 is the middle of one.
		{"cut rune", "a" + strings.Repeat("é", 2000), "a" + strings.Repeat("é", 511)},
		{"invalid", "ok\xff\xfe", "ok\uFFFD"},
		{"invalid at the end", strings.Repeat("z", 1023) + "\xff", strings.Repeat("z", 1023)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			var c webhook.Client
			res := c.Deliver(context.Background(), srv.URL, testSecret, webhook.FormatPromotor, sampleEvent(), time.Now())
			if res.Body != tt.want {
				t.Errorf("body of %d bytes: got %d bytes %.20q…, want %d bytes %.20q…", len(tt.body), len(res.Body), res.Body, len(tt.want), tt.want)
			}
			if !utf8.ValidString(res.Body) || len(res.Body) > 1024 {
				t.Errorf("body of %d bytes: got %d bytes, valid UTF-8 %t, want at most 1024, valid", len(tt.body), len(res.Body), utf8.ValidString(res.Body))
			}
		})
	}
}

func TestResult(t *testing.T) {
	tests := []struct {
		name      string
		r         webhook.Result
		ok, retry bool
	}{
		{"zero", webhook.Result{}, false, false},
		{"201", webhook.Result{Status: 201}, true, false},
		{"299", webhook.Result{Status: 299}, true, false},
		{"304", webhook.Result{Status: 304}, false, false},
		{"401", webhook.Result{Status: 401}, false, false},
		{"413", webhook.Result{Status: 413}, false, false},
		{"502", webhook.Result{Status: 502}, false, true},
		{"599", webhook.Result{Status: 599}, false, true},
		{"transport", webhook.Result{Err: errors.New("connection reset")}, false, true},
	}
	for _, tt := range tests {
		if tt.r.OK() != tt.ok || tt.r.Retry() != tt.retry {
			t.Errorf("%s: got OK %t, Retry %t, want %t, %t", tt.name, tt.r.OK(), tt.r.Retry(), tt.ok, tt.retry)
		}
	}
}

func TestValidateURL(t *testing.T) {
	tests := []struct {
		url  string
		want string // in the error; "" for none
	}{
		{"https://hooks.slack.com/services/T000/B000/XXXX", ""},
		{"http://10.0.0.5:8080/promotor", ""},
		{"HTTPS://Example.com/hook?x=1#frag", ""},
		{"http://[::1]:9000/", ""},
		{"", "empty"},
		{"hooks.slack.com/services/x", "https://"},
		{"ftp://example.com/", "https://"},
		{"javascript:alert(1)", "https://"},
		{"http:example.com", "no host"},
		{"https:///path", "no host"},
		{"http://:80/", "no host name"},
		{"https://user:secret@example.com/", "user name"},
		{"https://user@example.com/", "user name"},
		{"https://exa mple.com/", "cannot be parsed"},
		{"https://example.com/\x00", "cannot be parsed"},
		{"https://example.com/" + strings.Repeat("a", 2000-20), ""},
		{"https://example.com/" + strings.Repeat("a", 2001-20), "at most 2000"},
	}
	for _, tt := range tests {
		err := webhook.ValidateURL(tt.url)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("ValidateURL(%.40q): got %v, want nil", tt.url, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("ValidateURL(%.40q): got %v, want an error with %q", tt.url, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("ValidateURL(%.40q): got %v, want the URL left out", tt.url, err)
		}
	}
}
