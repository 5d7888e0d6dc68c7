package send_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/send"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// BenchmarkSendWave sends a wave of 100,000 invitations to a local Mailpit
// through 8 reused SMTP connections: the time from a started send to the
// last outcome recorded, in messages per second, with the CPU time of
// this process (the sender and, on SQLite, the database) per message, what
// it allocates per message, its heap after the drain and its peak resident
// memory (which includes building and importing the 100,000 contacts). Choosing the recipients and queueing the
// messages is timed apart, as start-s. Mailpit either stores each message
// (its own CPU is then the limit on 2 cores) or accepts and drops it,
// which measures Promotor alone.
//
//	go test ./internal/send -run '^$' -bench SendWave -benchtime 1x -count 3
func BenchmarkSendWave(b *testing.B) {
	const n = 100_000
	for _, mode := range []struct {
		name  string
		flags []string
	}{
		{"mailpit-drops", []string{"--smtp-allowed-recipients", "^$", "--smtp-ignore-rejected-recipients"}},
		{"mailpit-stores", nil},
	} {
		for _, d := range storetest.Dialects() {
			b.Run(mode.name+"/"+d.String(), func(b *testing.B) {
				mp := mailtest.StartWith(b, mode.flags...)
				cfg := mp.Config()
				cfg.Connections = send.DefaultWorkers
				smtp, err := mail.NewSMTP(cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer smtp.Close()
				render := newRenderer(b)
				for range b.N {
					db := storetest.Open(b, d)
					wsID, sendID := waveToSend(b, db, n)
					s := &send.Sender{DB: db, Mail: smtp, Render: render, BaseURL: "https://nps.example.com",
						Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
					ctx := context.Background()
					start := time.Now()
					if err := s.StartDue(ctx); err != nil {
						b.Fatal(err)
					}
					started := time.Since(start)
					cpu0 := cpuTime()
					var m0, m1 runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&m0)
					b.ResetTimer()
					start = time.Now()
					if err := s.Drain(ctx); err != nil {
						b.Fatal(err)
					}
					elapsed := time.Since(start)
					b.StopTimer()
					cpu := cpuTime() - cpu0
					runtime.ReadMemStats(&m1)
					p, err := db.SendProgress(ctx, wsID, sendID)
					if err != nil || p.Messages[nps.MessageSent] != n {
						b.Fatalf("sent %v, %v; want %d", p.Messages, err, n)
					}
					b.ReportMetric(float64(n)/elapsed.Seconds(), "msgs/s")
					b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/msg")
					b.ReportMetric(started.Seconds(), "start-s")
					b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/n/1024, "alloc-kB/msg")
					b.ReportMetric(float64(m1.HeapInuse)/(1<<20), "heap-after-MB")
					b.ReportMetric(float64(maxRSS())/(1<<20), "peak-RSS-MB")
				}
			})
		}
	}
}

// waveToSend imports n contacts into a new workspace and schedules a
// send of an open wave to them all at full speed.
func waveToSend(b testing.TB, db *store.DB, n int) (workspaceID, sendID int64) {
	b.Helper()
	ctx := context.Background()
	ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "bench", Name: "Brugwerk"})
	if err != nil {
		b.Fatal(err)
	}
	text := nps.SurveyText{Question: "Hoe waarschijnlijk is het dat u ons aanbeveelt?",
		FollowUp: nps.FollowUp{Promoter: "Waarom?", Passive: "Waarom?", Detractor: "Waarom?"}}
	sv, err := db.CreateSurvey(ctx, ws.ID, nps.Survey{Name: "NPS", DefaultLanguage: "nl", Texts: map[string]nps.SurveyText{"nl": text, "en": text}})
	if err != nil {
		b.Fatal(err)
	}
	w, err := db.CreateWave(ctx, ws.ID, nps.Wave{SurveyID: sv.ID, Name: "2026", OpensAt: time.Now().Add(-time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	var csv bytes.Buffer
	csv.WriteString("email,name,company,language\n")
	for i := range n {
		lang := "nl"
		if i%3 == 0 {
			lang = "en"
		}
		fmt.Fprintf(&csv, "c%d@bench.example,Contact %d,Bedrijf %d,%s\n", i, i, i/20, lang)
	}
	tab, err := importer.Read(&csv, importer.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	rs, rejected := importer.Parse(importer.Contacts, tab, importer.Suggest(importer.Contacts, tab.Header))
	if len(rejected) > 0 {
		b.Fatal(rejected)
	}
	if _, err := db.Import(ctx, ws.ID, rs, nil, store.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	s, err := db.CreateSend(ctx, ws.ID, nps.Send{WaveID: w.ID, Audience: nps.Audience{Kind: nps.AudienceAll},
		ScheduledAt: time.Now(), PerMinute: nps.MaxPerMinute})
	if err != nil {
		b.Fatal(err)
	}
	return ws.ID, s.ID
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// maxRSS is the peak resident memory of this process, in bytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Maxrss << 10
}
