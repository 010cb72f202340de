package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/drift"
	"github.com/curnorm/curnorm/report/render"
	"github.com/spf13/cobra"
)

// compareOptions are the flags diff and check share: how each side is rolled up and how the
// two are made comparable.
type compareOptions struct {
	By               []string
	Metric           string
	Filters          []string
	Compare          string
	Jobs             int
	IncludeSplitCost bool
	AllProviders     bool
	AccountNames     string
	Discover         discover.Options
	OnError          onErrorOptions
	// Coverage rolls the sides up with the coverage of commitments (check --min-coverage).
	Coverage bool
	// ByGiven and MetricGiven say whether the flags were on the command line; when not, a
	// baseline document supplies them.
	ByGiven, MetricGiven bool
}

const compareHelp = `Each side is either a baseline — the JSON document of 'curnorm report --format json',
recognised by its content — or CUR files and folders. A baseline must have been made with
the same --metric, --by and --filter as the run (exit 2 otherwise); --metric and --by, when
not given, are taken from it. A currency on one side only is new (or gone), like a group.

Partial months (--compare):
  run-rate   scale each side to its full billing period: days in the period / days from its
             start to the last usage day (1 for a final period). Default when either side is
             provisional (no invoice id yet).
  same-days  cut the side that covers more days to the days the other covers, by rolling it
             up again from its CUR files (a baseline cannot be cut).
  total      compare the sums as they are. Default when both sides are final.
Scaling is exact; amounts are rounded half-even to 10 decimals only when printed. Run-rate
scales every line item alike, including monthly fees AWS books on the first day.`

func addCompareFlags(cmd *cobra.Command, o *compareOptions, defaultBy []string) {
	f := cmd.Flags()
	f.StringSliceVar(&o.By, "by", defaultBy, "dimensions to group by, comma-separated; a baseline supplies them when not given")
	f.StringVar(&o.Metric, "metric", "amortized", "cost metric: "+strings.Join(pricing.MetricNames(), ", ")+"; a baseline supplies it when not given")
	f.StringArrayVar(&o.Filters, "filter", nil, "keep rows where dim=value[,value...] (or dim!=...); repeatable; filters on different dimensions must all hold")
	f.StringVar(&o.Compare, "compare", "", "how to compare partial months: "+strings.Join(drift.CompareModes, ", ")+" (default: run-rate if a side is provisional, else total)")
	f.IntVar(&o.Jobs, "jobs", runtime.NumCPU(), "files read at once")
	f.BoolVar(&o.IncludeSplitCost, "include-split-cost", false, "count EKS/ECS split cost rows instead of excluding them")
	f.BoolVar(&o.AllProviders, "all-providers", false, "FOCUS files: count the charges of every provider, not AWS's alone")
	f.StringVar(&o.AccountNames, "account-names", "", "CSV file of account id,name for account-name on legacy bills")
	addDiscoverFlags(cmd, &o.Discover)
	addOnErrorFlags(cmd, &o.OnError)
}

// noteGiven records which shared flags the command line set.
func (o *compareOptions) noteGiven(cmd *cobra.Command) {
	o.ByGiven, o.MetricGiven = cmd.Flags().Changed("by"), cmd.Flags().Changed("metric")
}

// loadedSide is a side before it is rolled up: a baseline already read, or CUR paths.
type loadedSide struct {
	paths []string
	side  *drift.Side
}

// readSide reads a side that is one baseline document; CUR paths are left for rollSides.
func readSide(paths []string) (*loadedSide, error) {
	ls := &loadedSide{paths: paths}
	for _, p := range paths {
		ok, err := render.IsBaseline(p)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if len(paths) > 1 {
			return nil, &usageError{fmt.Errorf("%s is a baseline document: give it alone on its side, not with other paths", p)}
		}
		res, err := render.ReadBaselineFile(p)
		if err != nil {
			return nil, err
		}
		ls.side = &drift.Side{Name: p, Result: res, Baseline: true}
	}
	return ls, nil
}

// rollupOptions turns the shared flags into rollup options, taking --metric and --by from
// the first baseline among sides when they were not given.
func (o *compareOptions) rollupOptions(sides ...*loadedSide) (report.Options, error) {
	ro := reportOptions{By: o.By, Metric: o.Metric, Filters: o.Filters, rollupOutput: rollupOutput{Sort: "cost"}, Jobs: o.Jobs,
		IncludeSplitCost: o.IncludeSplitCost, AllProviders: o.AllProviders, AccountNames: o.AccountNames, Discover: o.Discover}
	for _, s := range sides {
		if s != nil && s.side != nil {
			if !o.ByGiven {
				ro.By = s.side.Result.Dimensions
			}
			if !o.MetricGiven {
				ro.Metric = s.side.Result.Metric.String()
			}
			break
		}
	}
	opts, err := reportSetup(&ro)
	if err != nil {
		return opts, err
	}
	opts.Coverage = o.Coverage
	if opts.SkipBadRows, err = o.OnError.skip(); err != nil {
		return opts, err
	}
	for _, s := range sides {
		if s != nil && s.side != nil {
			if err := drift.MatchOptions(s.side, opts); err != nil {
				return opts, mismatchError(err)
			}
		}
	}
	return opts, nil
}

// mismatchError makes a baseline mismatch a usage error with a hint.
func mismatchError(err error) error {
	return &usageError{fmt.Errorf("%w\n(write a baseline with curnorm report --format json and the same --metric, --by and --filter as the run; --metric and --by left out are taken from the baseline)", err)}
}

// rollSide rolls up a side given as CUR paths; a baseline side is returned as read.
func (o *compareOptions) rollSide(ctx context.Context, ios *ioStreams, ls *loadedSide, opts report.Options) (*drift.Side, error) {
	if ls.side != nil {
		return ls.side, nil
	}
	d, err := discover.SourcesContext(ctx, ls.paths, o.Discover)
	if err != nil {
		return nil, err
	}
	warn(ios, d.Warnings)
	res, err := rollup(ctx, ios, d.Sources, opts)
	if err != nil {
		return nil, err
	}
	warn(ios, res.Warnings)
	return &drift.Side{Name: strings.Join(ls.paths, " "), Result: res, Sources: d.Sources}, nil
}

// finish reports what --on-error skip left out of the sides read from CUR files (not what a
// baseline recorded when it was made) and fails with exit 4 unless --allow-skipped.
func (o *compareOptions) finish(ios *ioStreams, sides ...*drift.Side) error {
	var skipped []cur.SkipCount
	for _, s := range sides {
		if s != nil && !s.Baseline {
			skipped = append(skipped, s.Result.Skipped...)
		}
	}
	return o.OnError.finish(ios, skipped)
}

// compareSides reads, rolls up and compares two sides and returns them with their diff.
func (o *compareOptions) compareSides(ctx context.Context, ios *ioStreams, oldPaths, newPaths []string) (*drift.Diff, *drift.Side, *drift.Side, error) {
	mode, err := drift.ParseCompareMode(o.Compare)
	if err != nil {
		return nil, nil, nil, &usageError{err}
	}
	oldLS, err := readSide(oldPaths)
	if err != nil {
		return nil, nil, nil, err
	}
	newLS, err := readSide(newPaths)
	if err != nil {
		return nil, nil, nil, err
	}
	opts, err := o.rollupOptions(oldLS, newLS)
	if err != nil {
		return nil, nil, nil, err
	}
	oldSide, err := o.rollSide(ctx, ios, oldLS, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	newSide, err := o.rollSide(ctx, ios, newLS, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	d, err := drift.Compare(ctx, oldSide, newSide, mode, opts)
	switch {
	case errors.Is(err, drift.ErrBaselineMismatch):
		return nil, nil, nil, mismatchError(err)
	case errors.Is(err, drift.ErrCannotCompare):
		return nil, nil, nil, &usageError{err}
	case err != nil:
		return nil, nil, nil, err
	}
	return d, oldSide, newSide, nil
}

// failedError is a failed check, or a diff --exit-code that found moves: exit 1 under a
// message of its own.
type failedError struct{ msg string }

func (e *failedError) Error() string        { return e.msg }
func (e *failedError) Is(target error) bool { return target == errFailed }
