package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/sample"
	"github.com/spf13/cobra"
)

type sampleOptions struct {
	Flavour  string
	Rows     int
	Accounts int
	Month    string
	Seed     int64
	Parts    int
	Gzip     bool
	Final    bool
	Through  string
	Output   string
}

var sampleFlavours = map[string]cur.Flavour{
	"legacy-csv": cur.LegacyCSV, "legacy-parquet": cur.LegacyParquet, "cur2-csv": cur.CUR2CSV, "cur2-parquet": cur.CUR2Parquet,
}

func newCmdSample(ios *ioStreams, runF func(context.Context, *sampleOptions) error) *cobra.Command {
	opts := &sampleOptions{}
	cmd := &cobra.Command{
		Use:   "sample [-o DIR]",
		Short: "Generate a realistic, self-consistent CUR bill for demos, tests and benchmarks",
		Long: `Sample writes a synthetic month of CUR in any flavour. The same flags and --seed give the
same bytes. Its values are consistent the way AWS's are, so the reconciliation holds on every
generated bill: Savings Plans with covered rows, negations and recurring fees, reservations
with DiscountedUsage rows, RIFee rows and upfront fees, Spot and Marketplace usage, credits,
tax, a returned Savings Plan, and a few groups over on-demand.

--through DAY makes a month-to-date bill, as AWS delivers one during the month: usage up to
the end of DAY (UTC), the fees of those hours, no invoice id yet. The next month with another
--seed makes a pair for diff and check.

With -o DIR it writes --parts files into DIR and prints their paths; without, one file to
stdout.`,
		Example: `  curnorm sample --rows 100000 -o bill/
  curnorm sample --flavour cur2-parquet --rows 5000000 --parts 4 -o big/
  curnorm sample --rows 2000 --gzip > bill.csv.gz
  curnorm sample --through 2026-12-14 --seed 7 -o month-to-date/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Through != "" {
				if cmd.Flags().Changed("final") && opts.Final {
					return &usageError{fmt.Errorf("--through %s makes a month-to-date bill, which has no invoice: drop --final", opts.Through)}
				}
				opts.Final = false
				if !cmd.Flags().Changed("month") && len(opts.Through) >= len("2006-01") {
					opts.Month = opts.Through[:len("2006-01")]
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return sampleRun(ios, opts) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Flavour, "flavour", "legacy-csv", "legacy-csv, legacy-parquet, cur2-csv or cur2-parquet")
	f.IntVar(&opts.Rows, "rows", 10_000, "line items in all files together")
	f.IntVar(&opts.Accounts, "accounts", 5, "linked accounts, the payer included")
	f.StringVar(&opts.Month, "month", "2026-10", "billing period, YYYY-MM")
	f.Int64Var(&opts.Seed, "seed", 1, "random seed")
	f.IntVar(&opts.Parts, "parts", 1, "number of files")
	f.BoolVar(&opts.Gzip, "gzip", false, "gzip CSV output (.csv.gz)")
	f.BoolVar(&opts.Final, "final", true, "set the invoice id (a closed month)")
	f.StringVar(&opts.Through, "through", "", "make a month-to-date bill: usage through this day, YYYY-MM-DD (sets --month, no invoice)")
	f.StringVarP(&opts.Output, "output", "o", "", "folder to write the files into (default: one file to stdout)")
	return cmd
}

func sampleRun(ios *ioStreams, o *sampleOptions) error {
	fl, ok := sampleFlavours[o.Flavour]
	if !ok {
		return &usageError{fmt.Errorf("unknown flavour %q (valid: legacy-csv, legacy-parquet, cur2-csv, cur2-parquet)", o.Flavour)}
	}
	if _, err := time.Parse("2006-01", o.Month); err != nil {
		return &usageError{fmt.Errorf("--month %q: want YYYY-MM", o.Month)}
	}
	if day, err := time.Parse(time.DateOnly, o.Through); o.Through != "" && (err != nil || day.Format("2006-01") != o.Month) {
		return &usageError{fmt.Errorf("--through %q: want a day of %s, as YYYY-MM-DD", o.Through, o.Month)}
	}
	if o.Rows < 1 || o.Accounts < 1 || o.Parts < 1 {
		return &usageError{fmt.Errorf("--rows, --accounts and --parts must be at least 1")}
	}
	so := sample.Options{Flavour: fl, Rows: o.Rows, Accounts: o.Accounts, Month: o.Month, Seed: o.Seed,
		Parts: o.Parts, Gzip: o.Gzip, Final: o.Final, Through: o.Through}
	if o.Output == "" {
		if o.Parts != 1 {
			return &usageError{fmt.Errorf("--parts %d needs -o DIR", o.Parts)}
		}
		return sample.Write(ios.Out, so, 0)
	}
	paths, err := generateInto(o.Output, func(tmp string) ([]string, error) { return sample.Generate(tmp, so) })
	if err != nil {
		return err
	}
	fmt.Fprintln(ios.Out, strings.Join(paths, "\n"))
	return nil
}
