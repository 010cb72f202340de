package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// atomicFile is an output file written under a temporary name and renamed into place only when
// complete, so an interrupted run never leaves a truncated file that looks whole.
type atomicFile struct {
	*os.File
	final string
	done  bool
}

func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	// CreateTemp makes the file private; the output is an ordinary file.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &atomicFile{File: f, final: path}, nil
}

// Commit syncs, closes and renames the file into place.
func (a *atomicFile) Commit() error {
	if err := a.File.Sync(); err != nil {
		a.Abort()
		return fmt.Errorf("write %s: %w", a.final, err)
	}
	if err := a.File.Close(); err != nil {
		os.Remove(a.File.Name())
		return fmt.Errorf("write %s: %w", a.final, err)
	}
	a.done = true
	if err := os.Rename(a.File.Name(), a.final); err != nil {
		os.Remove(a.File.Name())
		return fmt.Errorf("write %s: %w", a.final, err)
	}
	return nil
}

// Abort removes the temporary file; it is a no-op after Commit.
func (a *atomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.File.Close()
	os.Remove(a.File.Name())
}
