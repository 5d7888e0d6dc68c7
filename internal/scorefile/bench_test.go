package scorefile

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// writeScores writes n scores, one per line, shaped like the benchmark
// workload (30 % promoters, 45 % passives, 25 % detractors).
func writeScores(b *testing.B, n int, csv bool) string {
	b.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	var buf bytes.Buffer
	if csv {
		buf.WriteString("id,score,comment\n")
	}
	for i := range n {
		var s int
		switch p := rng.IntN(100); {
		case p < 30:
			s = 9 + rng.IntN(2)
		case p < 75:
			s = 7 + rng.IntN(2)
		default:
			s = rng.IntN(7)
		}
		if csv {
			buf.WriteString(strconv.Itoa(i))
			buf.WriteByte(',')
			buf.WriteString(strconv.Itoa(s))
			buf.WriteString(",\"fine, thanks\"\n")
			continue
		}
		buf.WriteString(strconv.Itoa(s))
		buf.WriteByte('\n')
	}
	path := filepath.Join(b.TempDir(), "scores")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

func benchmarkRead(b *testing.B, n int, csv bool) {
	path := writeScores(b, n, csv)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		s, err := Read(f, path, Options{})
		f.Close()
		if err != nil || s.Histogram.Count.N() != int64(n) {
			b.Fatalf("Read: n=%d, %v", s.Histogram.Count.N(), err)
		}
	}
}

// BenchmarkReadPlain10M reads a file of ten million scores, the calc target.
func BenchmarkReadPlain10M(b *testing.B) { benchmarkRead(b, 10_000_000, false) }

// BenchmarkReadCSV1M reads a three-column CSV with quoted comments.
func BenchmarkReadCSV1M(b *testing.B) { benchmarkRead(b, 1_000_000, true) }
