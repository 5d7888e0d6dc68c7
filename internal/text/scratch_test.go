package text

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestTrace(t *testing.T) {
	for _, s := range strings.Split(os.Getenv("TRACE"), "|") {
		sc := getScratch()
		lang := sc.prepare(s, "")
		fmt.Printf("%s [%s] score %.2f emoji %.1f\n", s, lang, sc.sentiment(lang), sc.emoji)
		for _, tk := range sc.toks {
			fmt.Printf("  %-16s %-22v w=%5.2f class=%017b brk=%d phr=%v\n", sc.form(&tk), tk.stems, tk.weight, tk.class, tk.brk, tk.lexPhrase)
		}
	}
}
