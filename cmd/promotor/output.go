package main

import (
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes what write produces to path, or to stdout for "-". A
// file is written to a temporary name beside it and renamed when
// complete, so that a failure leaves no half-written file.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return usageError{err} // a directory that is not there or not writable
	}
	defer os.Remove(f.Name()) // after the rename, there is nothing to remove
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
