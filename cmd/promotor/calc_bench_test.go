package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCalc10M runs `promotor calc --json` end to end on a file of ten
// million scores (about 21 MB), the target being under a second.
func BenchmarkCalc10M(b *testing.B) {
	path := filepath.Join(b.TempDir(), "scores.txt")
	// 30 % promoters, 45 % passives, 25 % detractors, spread over the scale.
	block := strings.Repeat("9\n10\n10\n", 10) + strings.Repeat("7\n8\n8\n", 15) + strings.Repeat("0\n3\n5\n6\n6\n", 5)
	if err := os.WriteFile(path, []byte(strings.Repeat(block, 10_000_000/100)), 0o600); err != nil {
		b.Fatal(err)
	}
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	for b.Loop() {
		err := run(context.Background(), []string{"calc", "--json", path}, func(string) string { return "" }, nil, io.Discard, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
	}
}
