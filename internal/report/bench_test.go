package report

import (
	"testing"
)

// countingWriter counts what a report writes.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

func BenchmarkHTML(b *testing.B) {
	r := fixture(b, "en")
	var w countingWriter
	b.ReportAllocs()
	for b.Loop() {
		w.n = 0
		if err := HTML(&w, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n), "bytes/report")
}

func BenchmarkPDF(b *testing.B) {
	r := fixture(b, "en")
	var w countingWriter
	b.ReportAllocs()
	for b.Loop() {
		w.n = 0
		if err := PDF(&w, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n), "bytes/report")
}
