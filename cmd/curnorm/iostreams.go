package main

import (
	"io"
	"os"
	"strconv"

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
	// Color allows ANSI colour on stdout: a terminal, NO_COLOR unset and TERM not dumb.
	Color bool
	// Quiet is --quiet: no progress, summaries or warnings on stderr, only errors.
	Quiet bool
}

func systemIO() *ioStreams {
	ios := &ioStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
	// https://no-color.org: any non-empty NO_COLOR turns colour off.
	ios.Color = ios.OutTTY && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	return ios
}

// terminalWidth is stdout's width when it is a terminal, else 0 (no limit).
func terminalWidth(ios *ioStreams) int {
	if !ios.OutTTY {
		return 0
	}
	return widthOf(ios.Out)
}

// stderrWidth is the width progress lines must keep within; stderr is taken to be a terminal.
func stderrWidth(ios *ioStreams) int {
	return widthOf(ios.ErrOut)
}

// widthOf is the width of the terminal w writes to: $COLUMNS when set, as shells and ls
// honour it, else the terminal's own, or 80 when it cannot be told.
func widthOf(w io.Writer) int {
	if cols, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && cols > 0 {
		return cols
	}
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}
