package send_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/send"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// newRenderer renders with the embedded locale files.
func newRenderer(tb testing.TB) *mail.Renderer {
	tb.Helper()
	catalog, err := i18n.Load()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := mail.NewRenderer(catalog)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// Two processes drain one outbox at once, each through its own
// connections to the database: every invitation goes out exactly once.
func TestTwoSendersShareTheOutbox(t *testing.T) {
	const n = 2000
	render := newRenderer(t)
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			dbs := []*store.DB{storetest.OpenDSN(t, dsn), storetest.OpenDSN(t, dsn)}
			wsID, sendID := waveToSend(t, dbs[0], n)
			if _, err := dbs[0].StartDueSends(ctx); err != nil {
				t.Fatal(err)
			}
			rec := &mailtest.Recorder{}
			var wg sync.WaitGroup
			for _, db := range dbs {
				s := &send.Sender{DB: db, Mail: rec, Render: render, BaseURL: "https://nps.example.com", Batch: 50,
					Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
				wg.Go(func() {
					if err := s.Drain(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			per := map[string]int{}
			for _, m := range rec.Sent() {
				per[m.To.Email]++
			}
			for to, k := range per {
				if k != 1 {
					t.Errorf("%s got %d messages, want 1", to, k)
				}
			}
			p, err := dbs[0].SendProgress(ctx, wsID, sendID)
			if len(per) != n || err != nil || p.Messages[nps.MessageSent] != n {
				t.Fatalf("%d recipients got mail, progress %v (%v); want all %d sent", len(per), p.Messages, err, n)
			}
		})
	}
}

// A server's refusal that quotes the recipient is logged without the
// address.
func TestSendLogRedactsAddresses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		waveToSend(t, db, 3)
		if _, err := db.StartDueSends(ctx); err != nil {
			t.Fatal(err)
		}
		rec := &mailtest.Recorder{Fail: func(m *mail.Message) error {
			return &mail.SendError{Permanent: true, Stage: mail.StageRcpt, Code: 550, Status: "5.1.1",
				Text: "5.1.1 <" + m.To.Email + ">: Recipient address rejected: " + m.To.Email + " unknown"}
		}}
		var logs bytes.Buffer
		s := &send.Sender{DB: db, Mail: rec, Render: newRenderer(t), BaseURL: "https://nps.example.com", Batch: 50,
			Log: slog.New(slog.NewTextHandler(&logs, nil))}
		if err := s.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(logs.String(), "message not sent"); got != 3 || strings.Contains(logs.String(), "@bench.example") ||
			!strings.Contains(logs.String(), "550 5.1.1 <[address]>: Recipient address rejected: [address] unknown") {
			t.Errorf("want 3 warnings with the reply and without the addresses:\n%s", logs.String())
		}
	})
}
