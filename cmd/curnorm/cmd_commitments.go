package main

import (
	"context"
	"runtime"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/drift"
	"github.com/curnorm/curnorm/report/render"
	"github.com/spf13/cobra"
)

type commitmentsOptions struct {
	Paths           []string
	Format          string
	Precision       int
	Expiring        string
	Coverage        bool
	By              []string
	Jobs            int
	NoFormulaEscape bool
	Discover        discover.Options
	OnError         onErrorOptions
}

func newCmdCommitments(ios *ioStreams, runF func(context.Context, *commitmentsOptions) error) *cobra.Command {
	opts := &commitmentsOptions{}
	cmd := &cobra.Command{
		Use:   "commitments PATH...",
		Short: "Savings Plans and reservations: commitment, use, utilisation, savings and expiry",
		Long: `Commitments lists every Savings Plan and reservation of the bills, one row per ARN,
billing period and currency:
  commitment         a Savings Plan's total commitment to date; a reservation's recurring
                     fee plus its upfront fee amortized over the period
  used, unused       unused is what the amortized metric counts on the fee rows; used the rest
  utilisation        used / commitment
  covered_on_demand  public on-demand cost of the usage the commitment covered
  covered_cost       that usage's effective cost; savings = covered_on_demand - covered_cost
  end, days_left     the commitment's end where the bill has it, and the days until then
A commitment whose fee rows are in another bill (a plan bought in another account of a
consolidated bill) shows its covered usage with no commitment and no utilisation, and is
named on stderr; so are fee rows without their ARN and fee rows whose commitment columns
are empty, negative or smaller than the unused part (their commitment shows no utilisation).

The table keeps to 80 columns on a terminal: kind (SP, RI), the ARN's last part as id,
commitment, used, unused, utilisation, savings and days left. csv, json and markdown carry
every column.

The unused commitments sum to the report summary's unused Savings Plans and reservations,
and a plan's used commitment to its covered rows' effective cost.

--expiring 30d keeps the commitments that end within 30 days from now.

--coverage shows instead, per group of --by (service by default; any dimension of report),
how much of the priced usage, at public on-demand prices, reservations and Savings Plans
covered: on_demand (all priced usage), covered_ri, covered_sp, left_on_demand and
coverage = (covered_ri + covered_sp) / on_demand. This is spend-based, as Cost Explorer's
Savings Plans coverage; Cost Explorer's reservation coverage counts hours instead.

'curnorm check' judges the same figures: --min-utilization, --min-coverage, --expiring.`,
		Example: `  curnorm commitments testdata/demo
  curnorm commitments --expiring 30d bill/
  curnorm commitments --format csv bill/ > commitments.csv
  curnorm commitments --format markdown bill/ > commitments.md
  curnorm commitments --coverage --by account,service bill/`,
		Args: needPaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := checkFormat(&opts.Format, render.CommitmentFormats...); err != nil {
				return err
			}
			if err := refuseBinaryOnTerminal(ios, opts.Format); err != nil {
				return err
			}
			if _, err := parseDays(opts.Expiring); err != nil {
				return &usageError{err}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return commitmentsRun(cmd.Context(), ios, opts) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "table", "output format: "+strings.Join(render.CommitmentFormats, ", "))
	f.IntVar(&opts.Precision, "precision", -1, "decimals of money (default: 2 in table, full in csv and json)")
	f.StringVar(&opts.Expiring, "expiring", "", "keep only commitments that end within this many days, e.g. 30d")
	f.BoolVar(&opts.Coverage, "coverage", false, "show coverage of priced usage by reservations and Savings Plans per group of --by")
	f.StringSliceVar(&opts.By, "by", []string{"service"}, "with --coverage: dimensions to group by, comma-separated (as report)")
	f.IntVar(&opts.Jobs, "jobs", runtime.NumCPU(), "with --coverage: files read at once")
	addFormulaEscapeFlag(cmd, &opts.NoFormulaEscape)
	addDiscoverFlags(cmd, &opts.Discover)
	addOnErrorFlags(cmd, &opts.OnError)
	return cmd
}

// parseDays reads --expiring: a number of days written "30d" or "30"; "" is no limit (-1).
// check --expiring reads it alike.
func parseDays(s string) (int, error) {
	l, err := drift.ParseDays("expiring", s)
	return l.Days(), err
}

func commitmentsRun(ctx context.Context, ios *ioStreams, opts *commitmentsOptions) error {
	skip, err := opts.OnError.skip()
	if err != nil {
		return err
	}
	d, err := discover.SourcesContext(ctx, opts.Paths, opts.Discover)
	if err != nil {
		return err
	}
	warn(ios, d.Warnings)
	if opts.Coverage {
		return coverageRun(ctx, ios, opts, d.Sources, skip)
	}
	res, err := report.Commitments(ctx, d.Sources, report.CommitmentOptions{SkipBadRows: skip, AllowDuplicates: opts.Discover.AllowDuplicates})
	if err != nil {
		return err
	}
	now := time.Now()
	if days, _ := parseDays(opts.Expiring); days >= 0 {
		kept := res.Commitments[:0]
		for _, c := range res.Commitments {
			if left, ok := c.DaysLeft(now); ok && left >= 0 && left <= days {
				kept = append(kept, c)
			}
		}
		res.Commitments = kept
	}
	o := render.Options{Format: opts.Format, Precision: opts.Precision, NoFormulaEscape: opts.NoFormulaEscape, Width: terminalWidth(ios)}
	if err := render.WriteCommitments(ios.Out, res, o, now); err != nil {
		return err
	}
	warn(ios, res.Warnings)
	return opts.OnError.finish(ios, res.Skipped)
}

// coverageRun rolls the bill up by --by with coverage and prints it.
func coverageRun(ctx context.Context, ios *ioStreams, opts *commitmentsOptions, sources []cur.Source, skip bool) error {
	ro, err := reportSetup(&reportOptions{By: opts.By, Metric: pricing.Amortized.String(), Jobs: opts.Jobs, Discover: opts.Discover})
	if err != nil {
		return err
	}
	ro.Coverage, ro.NoSummary, ro.SkipBadRows = true, true, skip
	res, err := rollup(ctx, ios, sources, ro)
	if err != nil {
		return err
	}
	o := render.Options{Format: opts.Format, Precision: opts.Precision, NoFormulaEscape: opts.NoFormulaEscape, Width: terminalWidth(ios)}
	if err := render.WriteCoverage(ios.Out, res, o); err != nil {
		return err
	}
	warn(ios, res.Warnings)
	return opts.OnError.finish(ios, res.Skipped)
}
