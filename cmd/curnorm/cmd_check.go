package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/drift"
	"github.com/curnorm/curnorm/report/render"
	"github.com/spf13/cobra"
)

type checkOptions struct {
	compareOptions
	Paths           []string
	Baseline        []string
	MaxIncrease     []string
	MaxDecrease     []string
	MinCost         string
	MaxNewGroupCost string
	MinUtilization  string
	MinCoverage     string
	Expiring        string
	FailOn          []string
	Format          string
	Precision       int
	Outputs         []string // FORMAT=FILE
	NoFormulaEscape bool
}

func newCmdCheck(ios *ioStreams, runF func(context.Context, *checkOptions) error) *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check PATH... [--baseline FILE] [--max-increase 10%] [--fail-on NAME,...]",
		Short: "Fail a CI job when cost drifts from a baseline or the bill itself looks wrong",
		Long: `Check reads a bill (CUR files or folders) and judges it.

Drift rules compare it with --baseline (a baseline document or CUR paths), on each
currency's total and, with --by, on each group:
  --max-increase 10%      fail when cost grew by more than 10% of the old cost
  --max-increase 500      fail when cost grew by more than 500 (in the group's currency)
  --max-increase 10%,500  both: fail only when the growth breaks both, so 500 is a noise
                          floor under which small groups may swing by any percentage
  --max-decrease ...      the same for drops
  --max-new-group-cost X  fail groups absent from the baseline that cost more than X
                          (new groups are judged by this rule only)
  --min-cost X            leave out groups whose old and new cost are both below X in
                          absolute value (totals are always checked)
Limits are strict: a group that grew by exactly 10% passes --max-increase 10%. A group
whose old cost is 0 breaks any percentage as soon as it grows.

Findings are checks of the bill itself, always reported, failing the run only when named
in --fail-on (or --fail-on all):
  reconciliation          error    unblended ≠ amortized + true-up + upfront fees +
                                   excluded refunds (n/a when rows were filtered)
  over-on-demand          warning  priced usage groups that cost more than public
                                   on-demand, with their excess (per group of --by)
  unpriced-usage          info     usage rows without a public on-demand price
  unknown-line-item-type  warning  line item types outside AWS's documented list
  multiple-currencies     warning  the bill holds more than one currency
  provisional             info     rows without an invoice id: AWS may still restate it
  skipped-rows            error    rows or files --on-error skip left out, per file and
                                   reason (without --on-error skip a bad row is exit 3)
Commitment findings are judged only when their threshold is given, and say n/a when the bill
has nothing to judge (no Savings Plan or reservation, no priced usage):
  low-utilization         warning  --min-utilization 90%: a commitment whose fee is in the
                                   bill used less than 90% of it in a billing period
  low-coverage            warning  --min-coverage 80%: a group of --by (a currency total
                                   without --by) whose priced usage commitments covered
                                   less than 80% of, at on-demand prices
  expiring-commitment     warning  --expiring 30d: a commitment that ends within 30 days
                                   from now (as commitments --expiring)
Shares are written 90% or 0.9, at most 100%. Utilisation and expiry are those of the whole
bill, as 'curnorm commitments' shows them: --filter does not apply to them.

--on-error skip exits 4 after the output when it skipped anything, unless --allow-skipped;
a failed check exits 1 all the same.

Output (--format): table (default, for the job log; "text" is accepted as another name),
markdown (a pull or merge request comment, at most 65,536 characters), json, junit (one
test case per rule and finding). --output FORMAT=FILE writes another format to a file as
well; repeatable.

` + outputHelp + `

` + compareHelp,
		Example: `  curnorm report --format json --by service bill-2026-10/ > baseline.json
  curnorm check --baseline baseline.json --max-increase 10% --by service bill-2026-11/
  curnorm check --baseline baseline.json --max-increase 10%,500 --min-cost 50 --max-new-group-cost 200 bill/
  curnorm check --by resource --fail-on over-on-demand bill.csv.gz
  curnorm check --min-utilization 90% --expiring 30d --fail-on low-utilization,expiring-commitment bill/
  curnorm check --filter service=AmazonEC2 --min-coverage 70% --fail-on low-coverage bill/
  curnorm check --baseline baseline.json --max-increase 10% --format markdown --output junit=check.xml bill/ > comment.md`,
		Args: needPaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := checkFormat(&opts.Format, render.CheckFormats...); err != nil {
				return err
			}
			if err := refuseBinaryOnTerminal(ios, opts.Format); err != nil {
				return err
			}
			opts.noteGiven(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return checkRun(cmd.Context(), ios, opts) })
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.Baseline, "baseline", nil, "what to compare with: a baseline document, or CUR files and folders (repeat or separate with commas)")
	f.StringSliceVar(&opts.MaxIncrease, "max-increase", nil, "largest allowed growth: a percentage (10%), an amount (500), or both (10%,500)")
	f.StringSliceVar(&opts.MaxDecrease, "max-decrease", nil, "largest allowed drop, like --max-increase")
	f.StringVar(&opts.MinCost, "min-cost", "", "ignore groups whose old and new cost are both below this amount")
	f.StringVar(&opts.MaxNewGroupCost, "max-new-group-cost", "", "largest allowed cost of a group absent from the baseline")
	f.StringVar(&opts.MinUtilization, "min-utilization", "", "judge low-utilization: commitments used below this share, e.g. 90% or 0.9")
	f.StringVar(&opts.MinCoverage, "min-coverage", "", "judge low-coverage: groups whose priced usage commitments covered below this share, e.g. 80%")
	f.StringVar(&opts.Expiring, "expiring", "", "judge expiring-commitment: commitments that end within this many days, e.g. 30d")
	f.StringSliceVar(&opts.FailOn, "fail-on", nil, "findings that fail the run, comma-separated, or all: "+strings.Join(drift.FindingNames(), ", "))
	f.StringVar(&opts.Format, "format", "table", "output format: "+strings.Join(render.CheckFormats, ", ")+" (text is another name for table; markdown quotes text cells that would start a formula)")
	f.IntVar(&opts.Precision, "precision", -1, "decimals of money (default: 2 in table, markdown and junit, full in json)")
	f.StringArrayVar(&opts.Outputs, "output", nil, "also write FORMAT=FILE, e.g. junit=check.xml; repeatable")
	addFormulaEscapeFlag(cmd, &opts.NoFormulaEscape)
	addCompareFlags(cmd, &opts.compareOptions, nil)
	return cmd
}

// checkSetup turns the rule flags into check options; its errors are usage errors.
func checkSetup(o *checkOptions) (drift.CheckOptions, []checkOutput, error) {
	var co drift.CheckOptions
	var err error
	if co.MaxIncrease, err = drift.ParseLimit("max-increase", o.MaxIncrease); err != nil {
		return co, nil, &usageError{err}
	}
	if co.MaxDecrease, err = drift.ParseLimit("max-decrease", o.MaxDecrease); err != nil {
		return co, nil, &usageError{err}
	}
	if co.MinCost, err = drift.ParseAmount("min-cost", o.MinCost); err != nil {
		return co, nil, &usageError{err}
	}
	if co.MaxNewGroupCost, err = drift.ParseAmount("max-new-group-cost", o.MaxNewGroupCost); err != nil {
		return co, nil, &usageError{err}
	}
	if co.MinUtilization, err = drift.ParseShare("min-utilization", o.MinUtilization); err != nil {
		return co, nil, &usageError{err}
	}
	if co.MinCoverage, err = drift.ParseShare("min-coverage", o.MinCoverage); err != nil {
		return co, nil, &usageError{err}
	}
	if co.Expiring, err = drift.ParseDays("expiring", o.Expiring); err != nil {
		return co, nil, &usageError{err}
	}
	if co.FailOn, err = drift.ParseFailOn(o.FailOn, co); err != nil {
		return co, nil, &usageError{err}
	}
	if len(o.Baseline) == 0 {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"--max-increase", co.MaxIncrease.IsSet()}, {"--max-decrease", co.MaxDecrease.IsSet()},
			{"--max-new-group-cost", co.MaxNewGroupCost.IsSet()}, {"--min-cost", co.MinCost.IsSet()},
			{"--compare", o.Compare != ""},
		} {
			if f.set {
				return co, nil, &usageError{fmt.Errorf("%s compares with a baseline: give --baseline FILE", f.name)}
			}
		}
	}
	var outputs []checkOutput
	for _, spec := range o.Outputs {
		format, path, ok := strings.Cut(spec, "=")
		if !ok || path == "" {
			return co, nil, &usageError{fmt.Errorf("--output %q: want FORMAT=FILE, e.g. junit=check.xml", spec)}
		}
		if err := checkFormat(&format, render.CheckFormats...); err != nil {
			return co, nil, err
		}
		outputs = append(outputs, checkOutput{format, path})
	}
	return co, outputs, nil
}

// checkOutput is one --output FORMAT=FILE.
type checkOutput struct{ format, path string }

func checkRun(ctx context.Context, ios *ioStreams, opts *checkOptions) error {
	co, outputs, err := checkSetup(opts)
	if err != nil {
		return err
	}
	var d *drift.Diff
	var base, bill *drift.Side
	opts.Coverage = co.NeedsCoverage()
	if len(opts.Baseline) > 0 {
		if d, base, bill, err = opts.compareSides(ctx, ios, opts.Baseline, opts.Paths); err != nil {
			return err
		}
	} else {
		ls, err := readSide(opts.Paths)
		if err != nil {
			return err
		}
		ro, err := opts.rollupOptions(ls)
		if err != nil {
			return err
		}
		if bill, err = opts.rollSide(ctx, ios, ls, ro); err != nil {
			return err
		}
	}
	// A gate must not pass over nothing: a bill without line items is an input error.
	if bill.Result.Rows() == 0 {
		return &runError{fmt.Errorf("%w: %s holds no line items, so there is nothing to check", cur.ErrNoInput, bill.Name)}
	}
	var cm *report.CommitmentResult
	if co.NeedsCommitments() || co.NeedsCoverage() {
		if bill.Baseline {
			return &usageError{fmt.Errorf("%s is a baseline document: --min-utilization, --min-coverage and --expiring judge a bill's CUR files", bill.Name)}
		}
	}
	if co.NeedsCommitments() {
		// The commitments are read in a pass of their own, over the whole bill: --filter
		// does not apply to them, and its skipped rows are those the rollup reported.
		skip, err := opts.OnError.skip()
		if err != nil {
			return err
		}
		if cm, err = report.Commitments(ctx, bill.Sources, report.CommitmentOptions{SkipBadRows: skip, AllowDuplicates: opts.Discover.AllowDuplicates}); err != nil {
			return err
		}
		warn(ios, cm.Warnings)
	}
	co.Now = time.Now()
	res := drift.Check(bill.Result, d, co, cm)
	for _, out := range outputs {
		if err := writeCheckFile(out.path, res, render.Options{Format: out.format, Precision: opts.Precision, NoFormulaEscape: opts.NoFormulaEscape}); err != nil {
			return err
		}
	}
	if err := render.WriteCheck(ios.Out, res, render.Options{Format: opts.Format, Precision: opts.Precision, NoFormulaEscape: opts.NoFormulaEscape}); err != nil {
		return err
	}
	// A failed check exits 1 even when input was skipped too; the skipped input is reported
	// either way.
	skipErr := opts.finish(ios, base, bill)
	if !res.Passed() {
		return &failedError{"check " + render.Verdict(res)}
	}
	return skipErr
}

// writeCheckFile writes the check in another format to path, whole or not at all.
func writeCheckFile(path string, res *drift.CheckResult, o render.Options) error {
	f, err := createAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := render.WriteCheck(f, res, o); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}
