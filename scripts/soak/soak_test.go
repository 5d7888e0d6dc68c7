package main

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestPercentile checks the nearest-rank percentiles the report gives.
func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct{ p, want float64 }{{50, 50}, {95, 95}, {99, 99}, {100, 100}, {0, 1}} {
		if got := pct(d, tc.p); got != tc.want {
			t.Errorf("pct(1…100 ms, %v): got %v ms, want %v", tc.p, got, tc.want)
		}
	}
	if got := pct(nil, 99); got != 0 {
		t.Errorf("pct(none, 99): got %v, want 0", got)
	}
}

// TestSoak runs the harness itself for a minute when PROMOTOR_SOAK is set
// (it builds promotor, needs PostgreSQL on 127.0.0.1:5432 or the URL in
// PROMOTOR_SOAK_POSTGRES, and takes the machine for that minute); go test
// skips it otherwise. The full run is `go run ./scripts/soak`.
func TestSoak(t *testing.T) {
	if os.Getenv("PROMOTOR_SOAK") == "" {
		t.Skip("set PROMOTOR_SOAK=1 to run the soak harness for a minute")
	}
	c, err := parseConfig([]string{"--duration", "1m", "--kill-every", "20s", "--rate", "20",
		"--contacts", "300", "--send-every", "25s"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if pg := os.Getenv("PROMOTOR_SOAK_POSTGRES"); pg != "" {
		c.Postgres = pg
	}
	res, err := soak(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	res.print(t.Output())
	if !res.Passed() {
		t.Fatal("the soak run failed its checks (see above)")
	}
}
