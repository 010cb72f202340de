package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/curnorm/curnorm/report/render"
	"github.com/spf13/cobra"
)

type diffOptions struct {
	compareOptions
	Old, New  []string
	Format    string
	Precision int
	ExitCode  bool
	// NoFormulaEscape writes csv and markdown text cells as they are.
	NoFormulaEscape bool
}

func newCmdDiff(ios *ioStreams, runF func(context.Context, *diffOptions) error) *cobra.Command {
	opts := &diffOptions{}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW | diff --old PATH... --new PATH...",
		Short: "Show which groups' cost moved between two bills, baselines or deliveries of a month",
		Long: `Diff rolls up two sides the same way and prints, per group of --by: the old and new cost,
the delta, the delta as a percentage of the old cost, and a status (new, gone, up, down,
same), largest absolute delta first; then the totals per currency, never summed across
currencies; then the same per line item type, which shows what changed when AWS restates a
month (two deliveries of one billing period: late credits, refunds, corrected usage).

OLD and NEW are one path each; --old and --new take several (repeat the flag or separate
with commas). The csv format holds groups and totals only; use --by line-item-type for the
types as csv.

` + outputHelp + `

` + compareHelp,
		Example: `  curnorm diff baseline.json bill-2026-11/
  curnorm diff --by service,region 2026-10/ 2026-11/
  curnorm diff --old cur/report/20261001-20261101/aaaa --new cur/report/20261001-20261101/bbbb --by line-item-type
  curnorm diff --format markdown --compare same-days last-month.csv.gz month-to-date.csv.gz
  curnorm diff --exit-code baseline.json bill/ || echo "costs moved"`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(opts.Old) > 0 || len(opts.New) > 0 {
				if len(args) > 0 || len(opts.Old) == 0 || len(opts.New) == 0 {
					return &usageError{fmt.Errorf("give both --old and --new, and no other paths (or just OLD NEW)")}
				}
			} else if len(args) != 2 {
				return &usageError{fmt.Errorf("diff takes OLD and NEW (or --old PATH... --new PATH...), got %d paths", len(args))}
			} else {
				opts.Old, opts.New = args[:1], args[1:]
			}
			if err := checkFormat(&opts.Format, render.DiffFormats...); err != nil {
				return err
			}
			if err := refuseBinaryOnTerminal(ios, opts.Format); err != nil {
				return err
			}
			opts.noteGiven(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return diffRun(cmd.Context(), ios, opts) })
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.Old, "old", nil, "paths of the old side (instead of OLD)")
	f.StringSliceVar(&opts.New, "new", nil, "paths of the new side (instead of NEW)")
	f.StringVar(&opts.Format, "format", "table", "output format: "+strings.Join(render.DiffFormats, ", ")+formatFlagNote)
	f.IntVar(&opts.Precision, "precision", -1, "decimals of money (default: 2 in table and markdown, full in csv and json)")
	f.BoolVar(&opts.ExitCode, "exit-code", false, "exit 1 when any group, total or line item type moved")
	addFormulaEscapeFlag(cmd, &opts.NoFormulaEscape)
	addCompareFlags(cmd, &opts.compareOptions, []string{"service"})
	return cmd
}

func diffRun(ctx context.Context, ios *ioStreams, opts *diffOptions) error {
	d, oldSide, newSide, err := opts.compareSides(ctx, ios, opts.Old, opts.New)
	if err != nil {
		return err
	}
	if !ios.Quiet && opts.Format != "json" && opts.Format != "markdown" {
		// The json and markdown documents carry this line themselves.
		fmt.Fprintln(ios.ErrOut, render.Context(d))
	}
	if err := render.WriteDiff(ios.Out, d, render.Options{Format: opts.Format, Precision: opts.Precision, NoFormulaEscape: opts.NoFormulaEscape}); err != nil {
		return err
	}
	// --exit-code's verdict wins over exit 4; the skipped input is reported either way.
	skipErr := opts.finish(ios, oldSide, newSide)
	if opts.ExitCode && d.Moved() {
		return &failedError{"costs moved (--exit-code)"}
	}
	return skipErr
}
