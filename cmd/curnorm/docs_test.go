package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
)

// TestDocsUpToDate holds docs/cli and docs/man to the command tree: a change to a command,
// flag or help text must come with 'make docs'.
func TestDocsUpToDate(t *testing.T) {
	gen := t.TempDir()
	if err := writeDocs(newCmdRoot(&ioStreams{Out: io.Discard, ErrOut: io.Discard}), gen); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"cli", "man"} {
		want := readDir(t, filepath.Join(gen, sub))
		got := readDir(t, filepath.Join("..", "..", "docs", sub))
		for name, text := range want {
			old, ok := got[name]
			switch {
			case !ok:
				t.Errorf("docs/%s/%s is missing: run 'make docs'", sub, name)
			case !bytes.Equal(old, text):
				t.Errorf("docs/%s/%s is stale: run 'make docs'", sub, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("docs/%s/%s documents no command: run 'make docs'", sub, name)
			}
		}
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// TestHelpComplete requires of every command what 'curnorm CMD --help' readers rely on: a
// one-line summary, a description and worked examples.
func TestHelpComplete(t *testing.T) {
	root := newCmdRoot(&ioStreams{Out: io.Discard, ErrOut: io.Discard})
	forEachCommand(root, func(c *cobra.Command) {
		if !c.IsAvailableCommand() {
			return
		}
		t.Run(c.CommandPath(), func(t *testing.T) {
			if c.Short == "" || c.Long == "" || c.Example == "" {
				t.Errorf("want Short, Long and Example; Short %q, Long %d bytes, Example %d bytes", c.Short, len(c.Long), len(c.Example))
			}
		})
	})
}

// TestFenceIndented checks that aligned tables of help text become code blocks in the docs.
func TestFenceIndented(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"prose\nmore", "prose\nmore"},
		{"head:\n  a  1\n  b  2\ntail", "head:\n```\n  a  1\n  b  2\n```\ntail"},
		{"head:\n  a  1", "head:\n```\n  a  1\n```"},
	} {
		if got := fenceIndented(tc.in); got != tc.want {
			t.Errorf("fenceIndented(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
