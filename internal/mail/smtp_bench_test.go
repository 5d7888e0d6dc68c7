//go:build unix

package mail_test

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
)

// BenchmarkSMTPSend sends a rendered invitation (about 10 kB) b.N times
// to Mailpit over a pool of connections, as many senders as connections,
// and reports messages per second and the sender's CPU time per message.
// Run it with a fixed count, e.g. -benchtime=10000x; see PERFORMANCE.md.
func BenchmarkSMTPSend(b *testing.B) {
	mp := mailtest.Start(b)
	m, err := newRenderer(b).Invitation(invitation("nl"))
	if err != nil {
		b.Fatal(err)
	}
	m.To = mail.Address{Name: "Jeroen van 't Hoff", Email: mailtest.Address(b)}
	for _, conns := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("connections=%d", conns), func(b *testing.B) {
			cfg := mp.Config()
			cfg.Connections = conns
			s := newSMTP(b, cfg)
			jobs := make(chan struct{})
			var wg sync.WaitGroup
			errs := make(chan error, conns)
			for range conns {
				wg.Go(func() {
					for range jobs {
						if err := s.Send(context.Background(), m); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			cpu0 := cpuTime(b)
			start := time.Now()
			for b.Loop() {
				select {
				case jobs <- struct{}{}:
				case err := <-errs:
					b.Fatal(err)
				}
			}
			close(jobs)
			wg.Wait()
			elapsed := time.Since(start)
			select {
			case err := <-errs:
				b.Fatal(err)
			default:
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/msg")
			if st := s.Stats(); st.Dials > int64(conns) {
				b.Errorf("got %d dials for %d connections", st.Dials, conns)
			}
		})
	}
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
