package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/render"
	"github.com/spf13/cobra"
)

type reportOptions struct {
	Paths            []string
	By               []string
	Metric           string
	Format           string
	Precision        int
	Top              int
	Sort             string
	Filters          []string
	Jobs             int
	IncludeSplitCost bool
	AccountNames     string
	Discover         discover.Options
	OnError          onErrorOptions
	NoFormulaEscape  bool
}

func newCmdReport(ios *ioStreams, runF func(context.Context, *reportOptions) error) *cobra.Command {
	opts := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report PATH...",
		Short: "Roll actual cost up by account, service, tag, day or any dimension",
		Long: `Report streams CUR files (or whole report folders) and rolls the cost of every line item,
under the chosen metric, up by the dimensions of --by. Each group shows its rows, cost,
unblended cost, public on-demand cost and savings over priced usage rows, the savings rate,
and a marker when its priced usage cost more than on-demand. Totals come one row per
currency. A bill-level summary — totals under every metric, effective savings rate, unused
commitment and the reconciliation of unblended with amortized cost — goes to stderr.

Metrics (--metric): amortized (default: what was actually paid, upfront fees spread over
the usage they cover), simple (the literal three-branch rule), unblended, net-unblended,
net-amortized, blended. Run 'curnorm explain' for the rules.

Dimensions (--by): ` + strings.Join(report.DimensionNames(), ", ") + `.

Filters: ` + report.FilterGrammar + `

` + outputHelp,
		Example: `  curnorm report testdata/demo
  curnorm report --by account,service --top 10 bill.csv.gz
  curnorm report --by tag:Team --filter service=AmazonEC2 --format csv bill/ > team.csv
  curnorm report --metric simple --by line-item-type bill.parquet
  curnorm report --format json bill/ > baseline.json`,
		Args: needPaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := checkFormat(&opts.Format, render.Formats...); err != nil {
				return err
			}
			if err := refuseBinaryOnTerminal(ios, opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return reportRun(cmd.Context(), ios, opts) })
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.By, "by", []string{"service"}, "dimensions to group by, comma-separated (see above)")
	f.StringVar(&opts.Metric, "metric", "amortized", "cost metric: "+strings.Join(pricing.MetricNames(), ", "))
	f.StringVar(&opts.Format, "format", "table", "output format: "+strings.Join(render.Formats, ", ")+formatFlagNote)
	f.IntVar(&opts.Precision, "precision", -1, "decimals of money (default: 2 in table and markdown, full in csv and json)")
	f.IntVar(&opts.Top, "top", 0, "keep the N costliest groups per currency, fold the rest into (other)")
	f.StringVar(&opts.Sort, "sort", "", "order of groups: cost, name or savings (default: name, which is time order, when --by has billing-period, month or day; else cost)")
	f.StringArrayVar(&opts.Filters, "filter", nil, "keep rows where dim=value[,value...] (or dim!=...); repeatable; filters on different dimensions must all hold")
	f.IntVar(&opts.Jobs, "jobs", runtime.NumCPU(), "files read at once")
	f.BoolVar(&opts.IncludeSplitCost, "include-split-cost", false, "count EKS/ECS split cost rows instead of excluding them")
	f.StringVar(&opts.AccountNames, "account-names", "", "CSV file of account id,name for account-name on legacy bills")
	addFormulaEscapeFlag(cmd, &opts.NoFormulaEscape)
	addDiscoverFlags(cmd, &opts.Discover)
	addOnErrorFlags(cmd, &opts.OnError)
	return cmd
}

// reportSetup turns flags into rollup options; its errors are usage errors.
func reportSetup(o *reportOptions) (report.Options, error) {
	var ro report.Options
	m, err := pricing.ParseMetric(o.Metric)
	if err != nil {
		return ro, &usageError{err}
	}
	ro.Metric = m
	for _, b := range o.By {
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		d, err := report.ParseDimension(b)
		if err != nil {
			return ro, &usageError{err}
		}
		ro.Dims = append(ro.Dims, d)
	}
	if len(ro.Dims) > report.MaxDimensions {
		return ro, &usageError{fmt.Errorf("--by takes at most %d dimensions", report.MaxDimensions)}
	}
	if ro.Filters, err = report.ParseFilters(o.Filters); err != nil {
		return ro, &usageError{err}
	}
	if o.Sort != "" && !slices.Contains(report.Sorts, o.Sort) {
		return ro, &usageError{fmt.Errorf("unknown sort %q (valid: %s)", o.Sort, strings.Join(report.Sorts, ", "))}
	}
	if o.Top < 0 || o.Jobs < 1 {
		return ro, &usageError{fmt.Errorf("--top must be ≥ 0 and --jobs ≥ 1")}
	}
	ro.Sort, ro.Top, ro.Jobs, ro.IncludeSplitCost = o.Sort, o.Top, o.Jobs, o.IncludeSplitCost
	ro.AllowDuplicates = o.Discover.AllowDuplicates
	if ro.SkipBadRows, err = o.OnError.skip(); err != nil {
		return ro, err
	}
	if o.AccountNames != "" {
		if ro.AccountNames, err = readAccountNames(o.AccountNames); err != nil {
			return ro, err
		}
	}
	return ro, nil
}

func reportRun(ctx context.Context, ios *ioStreams, opts *reportOptions) error {
	ro, err := reportSetup(opts)
	if err != nil {
		return err
	}
	d, err := discover.SourcesContext(ctx, opts.Paths, opts.Discover)
	if err != nil {
		return err
	}
	warn(ios, d.Warnings)
	printSummary := !ios.Quiet && (opts.Format == "table" || ios.ErrTTY)
	// JSON and Markdown carry the summary; CSV and NDJSON do not, and then only the chosen
	// metric's columns need parsing.
	ro.NoSummary = !printSummary && (opts.Format == "csv" || opts.Format == "ndjson")
	res, err := rollup(ctx, ios, d.Sources, ro)
	if err != nil {
		return err
	}
	wo := render.Options{Format: opts.Format, Precision: opts.Precision, Color: ios.Color, Width: terminalWidth(ios),
		NoFormulaEscape: opts.NoFormulaEscape}
	if err := render.Write(ios.Out, res, wo); err != nil {
		return err
	}
	if printSummary {
		prec := opts.Precision
		if prec < 0 {
			prec = 2 // a summary for people; --precision or JSON give every digit
		}
		if err := render.WriteSummary(ios.ErrOut, res, render.Options{Format: "table", Precision: prec}); err != nil {
			return err
		}
	} else {
		warn(ios, res.Warnings)
	}
	return opts.OnError.finish(ios, res.Skipped)
}

// readAccountNames reads a CSV of account id,name; a header row is allowed.
func readAccountNames(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, cur.FileError(path, nil, fmt.Errorf("%w: %v", cur.ErrNoInput, err))
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	names := map[string]string{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, cur.FileError(path, nil, fmt.Errorf("%w: %v", cur.ErrBadValue, err))
		}
		if len(rec) < 2 {
			return nil, cur.FileError(path, nil, fmt.Errorf("%w: want account id,name", cur.ErrBadValue)).AtLine(int64(line))
		}
		id := strings.TrimSpace(rec[0])
		if line == 1 && !isAllDigits(id) {
			continue // header
		}
		names[id] = strings.TrimSpace(rec[1])
	}
	return names, nil
}

func isAllDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
