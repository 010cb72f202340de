package main

import (
	"context"

	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/render"
	"github.com/spf13/cobra"
)

type mergeOptions struct {
	Parts           []string
	AllowDuplicates bool
	AllowSkipped    bool
	rollupOutput
}

func newCmdMerge(ios *ioStreams, runF func(context.Context, *mergeOptions) error) *cobra.Command {
	opts := &mergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge PART...",
		Short: "Merge report documents of parts of a bill into the report of the whole",
		Long: `Merge combines report documents ('curnorm report --format json') of disjoint parts of a bill
— one per file, month or account, made on as many machines as you like — into exactly what
one 'curnorm report' over all their inputs prints, byte for byte, in every format, with the
same bill summary on stderr. Sums are exact decimals, so the order of the parts does not
matter. See docs/scale.md for a fan-out recipe.

Every part must be made by this curnorm (the same pricing rules) with the same --metric,
--by, --filter, --include-split-cost and --account-names, and without --top or
--precision: give --top, --sort and --precision to merge, which applies them to the
whole, as report does. Parts with --filter are best made with --allow-empty, so that a
part whose files hold no row the filters keep is empty rather than an error.

Merge refuses, naming the file:
  exit 2  parts that differ in metric, --by, --filter or those options; a part
          written with --top (its groups are folded) or --precision (rounded)
  exit 3  a file in two parts, or the same content under two names (unless
          --allow-duplicates, as report's); a part of other rules or of the older
          curnorm.report/v1 schema; a file that is not a report document or does
          not parse

Rows that parts skipped under --on-error skip are listed again, and merge exits 4 unless
--allow-skipped, as report does.

` + outputHelp,
		Example: `  for f in bill/*.csv.gz; do curnorm report --format json --by account "$f" > "parts/$(basename "$f").json"; done
  curnorm merge parts/*.json
  curnorm merge --top 10 --format csv parts/*.json > by-account.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Parts = args
			if err := opts.rollupOutput.check(ios, cmd.Flags().Changed("format")); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return mergeRun(ios, opts) })
		},
	}
	addRollupOutputFlags(cmd, &opts.rollupOutput)
	f := cmd.Flags()
	f.BoolVar(&opts.AllowDuplicates, "allow-duplicates", false, "count files of identical content in two parts each (refused by default: a copy would double the bill)")
	f.BoolVar(&opts.AllowSkipped, "allow-skipped", false, "exit 0 when parts skipped rows or files under --on-error skip")
	return cmd
}

func mergeRun(ios *ioStreams, opts *mergeOptions) error {
	parts := make([]report.Part, 0, len(opts.Parts))
	for _, path := range opts.Parts {
		res, err := render.ReadPartFile(path)
		if err != nil {
			return err
		}
		parts = append(parts, report.Part{Name: path, Result: res})
	}
	res, err := report.Merge(parts, report.Options{Sort: opts.Sort, Top: opts.Top, AllowDuplicates: opts.AllowDuplicates})
	if err != nil {
		return err
	}
	if err := opts.write(ios, res); err != nil {
		return err
	}
	skipped := onErrorOptions{AllowSkipped: opts.AllowSkipped}
	return skipped.finish(ios, res.Skipped)
}
