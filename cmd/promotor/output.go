package main

import (
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes what write produces to path, or to stdout for "-". A
// file is written to a temporary name beside it and renamed when
// complete and on disk, so that a failure or a crash leaves no
// half-written file. The file is readable by its owner only, as the
// temporary file is made: reports and exports hold customers' answers.
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
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
