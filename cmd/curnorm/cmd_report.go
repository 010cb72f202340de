package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	Filters          []string
	Jobs             int
	IncludeSplitCost bool
	AccountNames     string
	Discover         discover.Options
	OnError          onErrorOptions
	AllowEmpty       bool
	Usage            bool
	AllProviders     bool
	rollupOutput
}

// rollupOutput are the flags that shape a rollup's output, report's and merge's alike: merge
// applies them to the merged rollup exactly as report applies them to its own.
type rollupOutput struct {
	Format          string
	Precision       int
	Top             int
	Sort            string
	NoFormulaEscape bool
	Wide            bool
	// Output is the file written instead of stdout ("" or "-": stdout).
	Output string
	// Pivot is the time dimension of --by turned into columns, or "".
	Pivot string
}

// addRollupOutputFlags adds --format, --precision, --top, --sort, --wide and --no-formula-escape.
func addRollupOutputFlags(cmd *cobra.Command, o *rollupOutput) {
	f := cmd.Flags()
	f.StringVar(&o.Format, "format", "table", "output format: "+strings.Join(render.Formats, ", ")+formatFlagNote)
	f.IntVar(&o.Precision, "precision", -1, "decimals of money (default: 2 in table and markdown, full in csv and json)")
	f.IntVar(&o.Top, "top", 0, "keep the N costliest groups per currency, fold the rest into (other)")
	f.StringVar(&o.Sort, "sort", "", "order of groups: cost, name or savings (default: name, which is time order, when --by has billing-period, month or day; else cost)")
	f.StringVarP(&o.Output, "output", "o", "", "write to FILE instead of stdout; without --format, its extension names the format (.html, .csv, .json, .ndjson, .md, .xlsx, .txt)")
	f.StringVar(&o.Pivot, "pivot", "", "turn "+strings.Join(report.PivotDimensions, " or ")+" of --by into columns: a row per group, a column per period oldest first, with the change from the period before; partial months marked ("+strings.Join(render.PivotFormats, ", ")+")")
	f.BoolVar(&o.Wide, "wide", false, "show every column of the table, however wide the terminal (else columns give way to fit it, or $COLUMNS)")
	addFormulaEscapeFlag(cmd, &o.NoFormulaEscape)
}

// check validates the flags: a bad --sort or --top, a binary format for a terminal, or an
// --output whose extension names no format while --format is not given, is a usage error.
func (o *rollupOutput) check(ios *ioStreams, formatGiven bool) error {
	if o.toFile() && !formatGiven {
		ext := strings.ToLower(filepath.Ext(o.Output))
		f, ok := formatOfExtension[ext]
		if !ok {
			return &usageError{fmt.Errorf("--output %s: no format has the extension %q: give --format", o.Output, ext)}
		}
		o.Format = f
	}
	if err := checkFormat(&o.Format, render.Formats...); err != nil {
		return err
	}
	if !o.toFile() {
		if err := refuseBinaryOnTerminal(ios, o.Format); err != nil {
			return err
		}
	}
	if o.Sort != "" && !slices.Contains(report.Sorts, o.Sort) {
		return &usageError{fmt.Errorf("unknown sort %q (valid: %s)", o.Sort, strings.Join(report.Sorts, ", "))}
	}
	if o.Pivot != "" {
		switch {
		case !slices.Contains(report.PivotDimensions, o.Pivot):
			return &usageError{fmt.Errorf("--pivot %s: pivot on %s", o.Pivot, strings.Join(report.PivotDimensions, " or "))}
		case !slices.Contains(render.PivotFormats, o.Format):
			return &usageError{fmt.Errorf("--pivot writes %s, not %s", strings.Join(render.PivotFormats, ", "), o.Format)}
		case o.Top > 0:
			return &usageError{fmt.Errorf("--pivot and --top do not go together: a folded group has no period")}
		}
	}
	if o.Top < 0 {
		return &usageError{fmt.Errorf("--top must be ≥ 0")}
	}
	return nil
}

// formatOfExtension is the format --output's extension names when --format is not given.
var formatOfExtension = map[string]string{".html": "html", ".htm": "html", ".csv": "csv", ".json": "json",
	".ndjson": "ndjson", ".jsonl": "ndjson", ".md": "markdown", ".xlsx": "xlsx", ".txt": "table"}

// toFile reports whether the output goes to --output rather than stdout.
func (o *rollupOutput) toFile() bool { return o.Output != "" && o.Output != "-" }

// write prints res to ios.Out, or the --output file, in the chosen format, then the bill
// summary on stderr when it belongs there (a table, or stderr a terminal), else res's warnings.
func (o *rollupOutput) write(ios *ioStreams, res *report.Result) error {
	wo := render.Options{Format: o.Format, Precision: o.Precision, Color: ios.Color, Width: terminalWidth(ios),
		NoFormulaEscape: o.NoFormulaEscape, Version: "curnorm " + buildVersion()}
	if o.Wide {
		wo.Width = 0
	}
	if !o.toFile() {
		if err := o.render(ios.Out, res, wo); err != nil {
			return err
		}
	} else if err := o.writeFile(res, wo); err != nil {
		return err
	}
	if !o.printSummary(ios) {
		warn(ios, res.Warnings)
		return nil
	}
	prec := o.Precision
	if prec < 0 {
		prec = 2 // a summary for people; --precision or JSON give every digit
	}
	return render.WriteSummary(ios.ErrOut, res, render.Options{Format: "table", Precision: prec})
}

// writeFile writes res to --output whole or not at all; a file gets no colours and the whole
// width of the table.
func (o *rollupOutput) writeFile(res *report.Result, wo render.Options) error {
	wo.Color, wo.Width = false, 0
	file, err := createAtomic(o.Output)
	if err != nil {
		return err
	}
	defer file.Abort()
	if err := o.render(file, res, wo); err != nil {
		return fmt.Errorf("write %s: %w", o.Output, err)
	}
	return file.Commit()
}

// render writes res, pivoted with --pivot.
func (o *rollupOutput) render(w io.Writer, res *report.Result, wo render.Options) error {
	if o.Pivot == "" {
		return render.Write(w, res, wo)
	}
	p, err := report.NewPivot(res, o.Pivot)
	if err != nil {
		return &usageError{err}
	}
	return render.WritePivot(w, p, wo)
}

// printSummary reports whether the bill summary goes to stderr.
func (o *rollupOutput) printSummary(ios *ioStreams) bool {
	return !ios.Quiet && (o.Format == "table" || ios.ErrTTY)
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
net-amortized, blended. Run 'curnorm explain' for the rules. A FOCUS 1.0 to 1.2 export is
read too: amortized is its EffectiveCost, unblended its BilledCost; the other metrics are
refused, and rows of providers other than AWS are left out with a warning (docs/focus.md).

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
			if err := opts.rollupOutput.check(ios, cmd.Flags().Changed("format")); err != nil {
				return err
			}
			if opts.Pivot != "" && !slices.Contains(opts.By, opts.Pivot) {
				return &usageError{fmt.Errorf("--pivot %s: add %s to --by", opts.Pivot, opts.Pivot)}
			}
			if opts.Pivot != "" && opts.Usage {
				return &usageError{fmt.Errorf("--pivot and --usage do not go together: a pivot's columns are periods of cost")}
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
	addRollupOutputFlags(cmd, &opts.rollupOutput)
	f.StringArrayVar(&opts.Filters, "filter", nil, "keep rows where dim=value[,value...] (or dim!=...); repeatable; filters on different dimensions must all hold")
	f.IntVar(&opts.Jobs, "jobs", runtime.NumCPU(), "files read at once")
	f.BoolVar(&opts.IncludeSplitCost, "include-split-cost", false, "count EKS/ECS split cost rows instead of excluding them")
	f.BoolVar(&opts.AllProviders, "all-providers", false, "FOCUS files: count the charges of every provider, not AWS's alone")
	f.BoolVar(&opts.Usage, "usage", false, "add each group's usage quantity (line_item_usage_amount of its usage rows) and pricing unit; empty where units mix")
	f.StringVar(&opts.AccountNames, "account-names", "", "CSV file of account id,name for account-name on legacy bills")
	f.BoolVar(&opts.AllowEmpty, "allow-empty", false, "filters that keep no row give an empty rollup, not exit 2, and a --by column the files lack gives (none), not exit 3 (a part for merge: another part may hold the rows)")
	addDiscoverFlags(cmd, &opts.Discover)
	addOnErrorFlags(cmd, &opts.OnError)
	return cmd
}

// reportSetup turns flags into rollup options; its errors are usage errors.
func reportSetup(o *reportOptions) (report.Options, error) {
	var ro report.Options
	var err error
	if ro.Metric, ro.Dims, ro.Filters, err = parseRollupFlags(o.Metric, o.By, o.Filters); err != nil {
		return ro, err
	}
	if o.Sort != "" && !slices.Contains(report.Sorts, o.Sort) {
		return ro, &usageError{fmt.Errorf("unknown sort %q (valid: %s)", o.Sort, strings.Join(report.Sorts, ", "))}
	}
	if o.Top < 0 || o.Jobs < 1 {
		return ro, &usageError{fmt.Errorf("--top must be ≥ 0 and --jobs ≥ 1")}
	}
	ro.Sort, ro.Top, ro.Jobs, ro.IncludeSplitCost, ro.Usage = o.Sort, o.Top, o.Jobs, o.IncludeSplitCost, o.Usage
	ro.AllProviders = o.AllProviders
	ro.AllowDuplicates, ro.AllowEmpty = o.Discover.AllowDuplicates, o.AllowEmpty
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
	// JSON and Markdown carry the summary; CSV and NDJSON do not, and then only the chosen
	// metric's columns need parsing.
	// A pivot marks partial months from the summaries.
	ro.NoSummary = !opts.printSummary(ios) && (opts.Format == "csv" || opts.Format == "ndjson") && opts.Pivot == ""
	// The JSON document identifies its inputs, so that it can be merged (curnorm merge).
	ro.Identify = opts.Format == "json"
	// The HTML page charts each group's cost over time.
	ro.Series = opts.Format == "html"
	res, err := rollup(ctx, ios, d.Sources, ro)
	if err != nil {
		return err
	}
	if err := opts.write(ios, res); err != nil {
		return err
	}
	return opts.OnError.finish(ios, res.Skipped)
}

// parseRollupFlags reads --metric, --by and --filter, which report and sql share; its errors
// are usage errors.
func parseRollupFlags(metric string, by, filters []string) (pricing.Metric, []report.Dimension, []report.Filter, error) {
	m, err := pricing.ParseMetric(metric)
	if err != nil {
		return m, nil, nil, &usageError{err}
	}
	var dims []report.Dimension
	for _, b := range by {
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		d, err := report.ParseDimension(b)
		if err != nil {
			return m, nil, nil, &usageError{err}
		}
		dims = append(dims, d)
	}
	if len(dims) > report.MaxDimensions {
		return m, nil, nil, &usageError{fmt.Errorf("--by takes at most %d dimensions", report.MaxDimensions)}
	}
	fs, err := report.ParseFilters(filters)
	if err != nil {
		return m, nil, nil, &usageError{err}
	}
	return m, dims, fs, nil
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
