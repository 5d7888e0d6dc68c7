package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestGracefulShutdown sends SIGTERM to `promotor serve` while a request
// is in flight (its body still arriving) and a webhook job is running
// (its receiver holding the answer back). /readyz must turn 503 at once
// while the server still serves during --shutdown-delay; then the
// listener closes, the request completes with 201, the job finishes and
// records the delivery, and the process exits 0.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the promotor binary")
	}
	bin := promotorBinary(t)
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			wsID, waveID, token := crashFixture(t, dsn)

			// A webhook receiver that holds each request until released.
			arrived, release := make(chan struct{}, 10), make(chan struct{})
			hookLn, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			hooks := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				arrived <- struct{}{}
				<-release
			})}
			go hooks.Serve(hookLn)
			defer hooks.Close()
			e, err := storetest.OpenDSN(t, dsn).CreateWebhookEndpoint(ctx, wsID, nps.WebhookEndpoint{
				URL: "http://" + hookLn.Addr().String() + "/hook", Format: "promotor", Events: []nps.EventKind{nps.EventResponseCreated}, Active: true})
			if err != nil {
				t.Fatal(err)
			}

			addr := freeAddr(t)
			srv := startServe(t, bin, dsn, addr, "--shutdown-delay", "1s", "--shutdown-grace", "20s")
			postAnswer(t, addr, token, waveID, 0, 9, "before the signal")
			select {
			case <-arrived:
			case <-time.After(20 * time.Second):
				t.Fatalf("the answer's webhook did not arrive\n%s", srv.Stderr)
			}

			// A request whose body has only half arrived.
			body, feed := io.Pipe()
			req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/responses", body)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			answered := make(chan int, 1)
			go func() {
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Errorf("the slow request: %v", err)
					answered <- 0
					return
				}
				resp.Body.Close()
				answered <- resp.StatusCode
			}()
			fmt.Fprintf(feed, `{"wave_id": %d, `, waveID)
			time.Sleep(300 * time.Millisecond) // its headers are read: the request is in flight

			signalled := time.Now()
			if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			ready := 0
			for time.Since(signalled) < 800*time.Millisecond && ready != http.StatusServiceUnavailable {
				ready = statusOf("http://" + addr + "/readyz")
				time.Sleep(20 * time.Millisecond)
			}
			if ready != http.StatusServiceUnavailable {
				t.Errorf("GET /readyz during the shutdown delay: got %d, want 503", ready)
			}
			time.Sleep(time.Until(signalled.Add(1500 * time.Millisecond)))
			if status := statusOf("http://" + addr + "/healthz"); status != 0 {
				t.Errorf("GET /healthz after the delay: got %d, want the connection refused", status)
			}

			fmt.Fprint(feed, `"score": 7, "comment": "in flight at the signal"}`)
			feed.Close()
			if status := <-answered; status != http.StatusCreated {
				t.Errorf("the request in flight at the signal: got %d, want 201", status)
			}
			time.Sleep(500 * time.Millisecond)
			close(release) // the webhook job, running all along, now completes
			if err := srv.Wait(); err != nil {
				t.Fatalf("serve after SIGTERM: %v, want exit 0\n%s", err, srv.Stderr)
			}
			t.Logf("stopped %v after SIGTERM", time.Since(signalled).Round(10*time.Millisecond))
			if !strings.Contains(fmt.Sprint(srv.Stderr), `"msg":"stopped"`) {
				t.Errorf("serve's log lacks the end of the shutdown:\n%s", srv.Stderr)
			}

			db := storetest.OpenDSN(t, dsn)
			page, err := db.LatestResponses(ctx, wsID, store.ResponseFilter{WaveID: waveID, Limit: 10})
			if err != nil || len(page.Responses) != 2 || page.Responses[0].Comment != "in flight at the signal" {
				t.Errorf("responses after the shutdown: %+v, %v; want the one in flight too", page.Responses, err)
			}
			deliveries, err := db.WebhookDeliveries(ctx, wsID, e.ID, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			var delivered int
			for _, dl := range deliveries {
				if dl.State == nps.DeliveryDelivered {
					delivered++
				}
			}
			// The first answer's delivery ran through the shutdown and is
			// recorded; the second's, made after the queue stopped taking
			// jobs, waits in the database for the next process.
			if delivered < 1 {
				t.Errorf("webhook deliveries after the shutdown: %+v; want the running one delivered", deliveries)
			}
		})
	}
}

// statusOf gets url once and returns the status, or 0 when no server
// answered.
func statusOf(url string) int {
	c := &http.Client{Timeout: time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
