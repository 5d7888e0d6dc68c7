package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The tests that run `promotor serve` as a process share one build of it,
// made by the first that needs it and removed by TestMain.
var (
	binaryDir  string
	buildOnce  sync.Once
	binaryPath string
	buildErr   error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binaryDir != "" {
		os.RemoveAll(binaryDir)
	}
	os.Exit(code)
}

// promotorBinary returns the path of the promotor binary built from this
// package.
func promotorBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binaryDir, buildErr = os.MkdirTemp("", "promotor-test-"); buildErr != nil {
			return
		}
		binaryPath = filepath.Join(binaryDir, "promotor")
		if out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binaryPath
}
