package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// ioStreams are a command's standard streams, passed in so that every command runs in tests
// without a process, as a terminal or as a pipe.
type ioStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY and ErrTTY tell whether stdout / stderr are terminals.
	OutTTY, ErrTTY bool
}

func systemIO() *ioStreams {
	return &ioStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// terminalWidth is stdout's width when it is a terminal, else 0 (no limit).
func terminalWidth(ios *ioStreams) int {
	if !ios.OutTTY {
		return 0
	}
	if f, ok := ios.Out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			return w
		}
	}
	return 80
}
