package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestKillDuringSend kills `promotor serve` with SIGKILL in the middle of
// a wave of 10,000 invitations sent to a real SMTP server (Mailpit), then
// restarts it. Every invitation must arrive, and no more of them twice
// than the sender had claimed without recording the server's answer when
// it died (those in flight): the outbox's lease hands them to the
// restarted sender, which cannot know whether the server took them.
func TestKillDuringSend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the promotor binary")
	}
	bin := promotorBinary(t)
	const invitations = 10_000
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			mp := mailtest.StartWith(t)
			dsn := storetest.DSN(t, d)
			domain := strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-") + ".example"
			db, wsID, sendID := sendCrashFixture(t, dsn, domain, invitations)
			smtpURL := "smtp://" + mp.SMTPAddr + "?tls=none&from=nps@promotor.example&connections=8"
			addr := freeAddr(t)

			// A short lease, so that what the killed process claimed is
			// claimed again soon.
			srv := startServe(t, bin, dsn, addr, "--smtp", smtpURL, "--send-lease", "3s")
			waitFor(t, 60*time.Second, "a third of the wave delivered", func() bool {
				_, total, err := mp.API.Search(ctx, `to:"@`+domain+`"`, 1)
				return err == nil && total >= invitations/3
			})
			if err := srv.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			srv.Wait()
			before, err := db.SendProgress(ctx, wsID, sendID)
			if err != nil {
				t.Fatal(err)
			}
			inFlight := before.Messages[nps.MessageSending]

			srv = startServe(t, bin, dsn, addr, "--smtp", smtpURL, "--send-lease", "3s")
			waitFor(t, 120*time.Second, "the whole wave sent", func() bool {
				p, err := db.SendProgress(ctx, wsID, sendID)
				return err == nil && p.Messages[nps.MessageSent] == invitations
			})
			srv.Process.Signal(os.Interrupt)
			srv.Wait()

			// What the SMTP server received, per recipient.
			var got []mailtest.Summary
			waitFor(t, 30*time.Second, "Mailpit to store every message", func() bool {
				var total int
				got, total, err = mp.API.Search(ctx, `to:"@`+domain+`"`, 2*invitations)
				return err == nil && total >= invitations && len(got) == total
			})
			per := map[string]int{}
			for _, m := range got {
				for _, to := range m.To {
					per[to.Address]++
				}
			}
			twice := 0
			for _, n := range per {
				twice += n - 1
			}
			t.Logf("killed with %d sent and %d in flight; after the restart %d recipients got %d messages, %d of them a second time",
				before.Messages[nps.MessageSent], inFlight, len(per), len(got), twice)
			if len(per) != invitations {
				t.Errorf("%d recipients got a message, want all %d", len(per), invitations)
			}
			if twice > inFlight {
				t.Errorf("%d messages went out twice, want at most the %d in flight", twice, inFlight)
			}
			p, err := db.SendProgress(ctx, wsID, sendID)
			if err != nil || p.Total() != invitations || p.Done() != invitations {
				t.Errorf("outbox after the restart: %+v, %v; want %d messages all done", p, err, invitations)
			}
		})
	}
}

// sendCrashFixture makes a workspace with n contacts at domain, imported
// as a CSV would be, an open wave, and a send of it to them all at full
// speed. It returns the database, left open for the test to watch.
func sendCrashFixture(t *testing.T, dsn, domain string, n int) (*store.DB, int64, int64) {
	t.Helper()
	wsID, waveID, _ := crashFixture(t, dsn)
	ctx := context.Background()
	db := storetest.OpenDSN(t, dsn)
	var csv bytes.Buffer
	csv.WriteString("email,name,company\n")
	for i := range n {
		fmt.Fprintf(&csv, "c%d@%s,Contact %d,Company %d\n", i, domain, i, i/5)
	}
	tab, err := importer.Read(&csv, importer.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rs, rejected := importer.Parse(importer.Contacts, tab, importer.Suggest(importer.Contacts, tab.Header))
	if len(rejected) > 0 {
		t.Fatalf("fixture import: %v", rejected)
	}
	if _, err := db.Import(ctx, wsID, rs, nil, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := db.CreateSend(ctx, wsID, nps.Send{WaveID: waveID, Audience: nps.Audience{Kind: nps.AudienceAll},
		ScheduledAt: time.Now(), PerMinute: nps.MaxPerMinute})
	if err != nil {
		t.Fatal(err)
	}
	return db, wsID, s.ID
}

// waitFor polls cond until it holds, failing the test after wait.
func waitFor(t *testing.T, wait time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", wait, what)
		}
	}
}
