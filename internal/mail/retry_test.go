package mail_test

import (
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail"
)

func TestRetryAfter(t *testing.T) {
	want := []time.Duration{time.Minute, 4 * time.Minute, 16 * time.Minute, 64 * time.Minute, 256 * time.Minute}
	for i, w := range want {
		if got := mail.RetryAfter(i + 1); got != w {
			t.Errorf("RetryAfter(%d) = %v, want %v", i+1, got, w)
		}
	}
	if len(want)+1 != mail.MaxAttempts {
		t.Errorf("MaxAttempts = %d, want one attempt more than the %d waits", mail.MaxAttempts, len(want))
	}
}
