package main

import (
	"context"
	"errors"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// Exit codes, the same for every command (see the EXIT STATUS section of the help).
const (
	exitOK          = 0
	exitFailed      = 1 // check (or diff --exit-code): a rule or a chosen finding failed
	exitUsage       = 2
	exitInput       = 3
	exitSkipped     = 4
	exitUndelivered = 5
	exitInterrupted = 130
	exitTerminated  = 143
)

const exitStatusHelp = `EXIT STATUS
  0    success (report, inspect, explain, normalize never fail on findings)
  1    check (or diff --exit-code): a drift rule or a finding chosen with --fail-on failed
  2    usage: unknown flag, command, dimension or metric; a metric a FOCUS file has no
       column for; a mismatched baseline; filters that keep no row; merge parts made with
       different options, --top or --precision
  3    input: unreadable or unsupported file (FOCUS before 1.0 included), missing column, bad value,
       mixed assemblies, two files of identical content; a merge part that is not a
       report document of this curnorm, a file in two parts
  4    rows were skipped under --on-error skip and --allow-skipped was not given
  5    a billing period asked for with --period has no delivery yet
  130  interrupted by SIGINT
  143  terminated by SIGTERM
`

// usageError marks a mistake in how curnorm was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// runError marks an error returned by a command's own work, as opposed to cobra's parsing.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// errFailed is returned when a check fails; its findings were already printed.
var errFailed = errors.New("check failed")

// exitCode maps an error to the documented exit code. Errors that did not come from a
// command's work come from flag and argument parsing: usage.
func exitCode(err error) int {
	var ue *usageError
	var re *runError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), errors.Is(err, report.ErrEmptySelection), errors.Is(err, report.ErrPartMismatch),
		errors.Is(err, pricing.ErrNoFOCUSMeaning):
		return exitUsage
	case errors.Is(err, errFailed):
		return exitFailed
	case errors.Is(err, errSkipped):
		return exitSkipped
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, discover.ErrNotDelivered):
		return exitUndelivered
	case errors.Is(err, cur.ErrUnsupportedFormat), errors.Is(err, cur.ErrMissingColumn),
		errors.Is(err, cur.ErrBadValue), errors.Is(err, cur.ErrCorrupt),
		errors.Is(err, cur.ErrMixedAssemblies), errors.Is(err, cur.ErrNoInput), errors.Is(err, cur.ErrDuplicateInput):
		return exitInput
	case errors.As(err, &re):
		return exitInput
	}
	return exitUsage
}
