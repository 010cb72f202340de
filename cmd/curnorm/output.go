package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// temps holds the temporary outputs not yet renamed or removed, for a process that ends on a
// signal before its run has unwound.
var temps sync.Map

// removeTemps removes every temporary output still in place.
func removeTemps() {
	temps.Range(func(name, _ any) bool {
		os.RemoveAll(name.(string))
		return true
	})
}

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
	temps.Store(f.Name(), true)
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
	defer temps.Delete(a.File.Name())
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
	temps.Delete(a.File.Name())
}

// generateInto has gen write files into a temporary folder inside dir and moves each into dir
// once gen has finished them all, so a killed run leaves no file cut short.
func generateInto(dir string, gen func(tmp string) ([]string, error)) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, ".curnorm-tmp-*")
	if err != nil {
		return nil, err
	}
	temps.Store(tmp, true)
	defer func() {
		os.RemoveAll(tmp)
		temps.Delete(tmp)
	}()
	made, err := gen(tmp)
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(made))
	for i, p := range made {
		paths[i] = filepath.Join(dir, filepath.Base(p))
		if err := os.Rename(p, paths[i]); err != nil {
			return nil, err
		}
	}
	return paths, nil
}
