package text

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchComments makes n comments of 5 to 40 words (uniformly) by joining and
// cutting the golden comments, so that the vocabulary, the mix of Dutch and
// English and the punctuation are those of real feedback.
func benchComments(tb testing.TB, n int) []string {
	golden := loadGolden(tb)
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		want := 5 + rng.IntN(36)
		lang := golden[rng.IntN(len(golden))].Lang
		var words []string
		for len(words) < want {
			g := golden[rng.IntN(len(golden))]
			if g.Lang == lang {
				words = append(words, strings.Fields(g.Text)...)
			}
		}
		out[i] = strings.Join(words[:want], " ")
	}
	return out
}

var sink Analysis

// BenchmarkAnalyse measures one comment of the mix.
func BenchmarkAnalyse(b *testing.B) {
	comments := benchComments(b, 10000)
	tx := mustCompile(b, DefaultThemes())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sink = tx.Analyse(comments[i%len(comments)], Dutch)
		i++
	}
}

// BenchmarkAnalyseMillion analyses one million comments of the mix once,
// on one goroutine and then on one per core, whatever b.N is, and reports
// the seconds each took. Run it with -benchtime=1x.
func BenchmarkAnalyseMillion(b *testing.B) {
	const million = 1_000_000
	comments := benchComments(b, 10000)
	tx := mustCompile(b, DefaultThemes())
	start := time.Now()
	for i := range million {
		sink = tx.Analyse(comments[i%len(comments)], Dutch)
	}
	b.ReportMetric(time.Since(start).Seconds(), "s/million")

	workers := runtime.GOMAXPROCS(0)
	start = time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var a Analysis
			for i := w; i < million; i += workers {
				a = tx.Analyse(comments[i%len(comments)], Dutch)
			}
			_ = a
		}()
	}
	wg.Wait()
	b.ReportMetric(time.Since(start).Seconds(), "s/million-parallel")
}

func BenchmarkDetect(b *testing.B) {
	comments := benchComments(b, 1000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Detect(comments[i%len(comments)], Dutch)
		i++
	}
}

func BenchmarkDiscover(b *testing.B) {
	comments := benchComments(b, 10000)
	tx := mustCompile(b, DefaultThemes())
	b.ReportAllocs()
	for b.Loop() {
		Discover(comments, tx, Dutch, 20)
	}
}

func BenchmarkCompile(b *testing.B) {
	themes := DefaultThemes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(themes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyseParallel measures one comment of the mix with every core
// analysing, as the store's workers do.
func BenchmarkAnalyseParallel(b *testing.B) {
	comments := benchComments(b, 10000)
	tx := mustCompile(b, DefaultThemes())
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var a Analysis
		for i := 0; pb.Next(); i++ {
			a = tx.Analyse(comments[i%len(comments)], Dutch)
		}
		_ = a
	})
}
