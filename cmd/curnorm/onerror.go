package main

import (
	"errors"
	"fmt"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/report"
	"github.com/spf13/cobra"
)

// onErrorOptions are --on-error and --allow-skipped.
type onErrorOptions struct {
	OnError      string
	AllowSkipped bool
}

func addOnErrorFlags(cmd *cobra.Command, o *onErrorOptions) {
	f := cmd.Flags()
	f.StringVar(&o.OnError, "on-error", "fail", "a bad row or an unreadable file: fail (exit 3), or skip it, count it and exit 4")
	f.BoolVar(&o.AllowSkipped, "allow-skipped", false, "exit 0 when --on-error skip skipped rows or files")
}

// skip reads --on-error; unset means fail.
func (o *onErrorOptions) skip() (bool, error) {
	switch o.OnError {
	case "", "fail":
		return false, nil
	case "skip":
		return true, nil
	}
	return false, &usageError{fmt.Errorf("unknown --on-error %q (valid: fail, skip)", o.OnError)}
}

// errSkipped marks a run that skipped input without --allow-skipped: exit 4.
var errSkipped = errors.New("input skipped")

// finish prints on stderr what --on-error skip left out, one line per file and reason, and
// fails the run with errSkipped unless --allow-skipped. It comes after the output: what was
// read is reported in full, and the exit code says it is not the whole input.
func (o *onErrorOptions) finish(ios *ioStreams, skipped []cur.SkipCount) error {
	if len(skipped) == 0 {
		return nil
	}
	files := map[string]bool{}
	unreadable := 0
	for _, s := range skipped {
		files[s.File] = true
		if s.Reason == cur.SkipUnreadableFile {
			unreadable++
		}
	}
	what := fmt.Sprintf("%s skipped in %s", plural(report.SkippedRows(skipped), "row"), plural(int64(len(files)), "file"))
	if unreadable > 0 {
		what += fmt.Sprintf(", %s unreadable and left out whole", plural(int64(unreadable), "file"))
	}
	if !ios.Quiet {
		fmt.Fprintf(ios.ErrOut, "curnorm: --on-error skip: %s\n", what)
		for _, s := range skipped {
			if s.Reason == cur.SkipUnreadableFile {
				fmt.Fprintf(ios.ErrOut, "  unreadable file, %s read before the failure left out: %s\n", plural(s.Rows, "row"), s.First)
				continue
			}
			fmt.Fprintf(ios.ErrOut, "  %s, %s; first: %s\n", plural(s.Rows, "row"), s.Reason, s.First)
		}
	}
	if o.AllowSkipped {
		return nil
	}
	return fmt.Errorf("%w: %s (--allow-skipped accepts that)", errSkipped, what)
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
