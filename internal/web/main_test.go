package web

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"testing"
)

// TestMain runs the package's tests and then, when all of them ran and
// passed, fails if a page of the templates was never rendered: a page no
// test renders can break (a missing field, a bad pipeline) unnoticed
// until a user opens it.
func TestMain(m *testing.M) {
	code := m.Run()
	whole := flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == ""
	if code != 0 || !whole {
		os.Exit(code)
	}
	pages, err := parsePages()
	if err != nil {
		fmt.Fprintf(os.Stderr, "parse templates: %v\n", err)
		os.Exit(1)
	}
	var missing []string
	for name := range pages {
		if _, ok := renderedPages.Load(name); !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		fmt.Fprintf(os.Stderr, "FAIL: pages never rendered by a test: %v\n", missing)
		os.Exit(1)
	}
	os.Exit(code)
}
