package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/focus"
	"github.com/curnorm/curnorm/report/render"
	"github.com/spf13/cobra"
)

type normalizeOptions struct {
	Paths            []string
	Output           string
	Columns          []string
	Metric           string
	To               string
	IncludeSplitCost bool
	AccountNames     string
	NoFormulaEscape  bool
	Discover         discover.Options
	OnError          onErrorOptions
}

func newCmdNormalize(ios *ioStreams, runF func(context.Context, *normalizeOptions) error) *cobra.Command {
	opts := &normalizeOptions{}
	cmd := &cobra.Command{
		Use:   "normalize PATH... [-o FILE]",
		Short: "Stream every line item with its actual cost, source label and savings",
		Long: `Normalize streams every row of the input with four columns added: actual_cost (under
--metric), actual_cost_source (the label of the rule that priced it, as report --by source
has it), on_demand_cost (the public on-demand cost of priced usage rows, empty elsewhere: the
figure report's on-demand check counts) and savings (on_demand_cost minus actual_cost). The
other columns are those of --columns: dimension names (account, service, region, tag:Team,
...) or column names in any flavour's spelling (lineItem/UsageAmount, line_item_usage_amount).

Every column is named in snake_case (billing_period, usage_type, tag_team, line_item_usage_amount),
the same in CSV and Parquet. Copied money columns (*_cost, *_fee, discount_*, the columns the
metrics read) are exact amounts, copied *_date columns instants (RFC 3339 UTC in CSV), the
rest text as written; billing_period is YYYY-MM. In Parquet, money is DECIMAL(38,10), dates
TIMESTAMP(MILLIS, UTC), text and ids UTF8 strings, empty cells NULL. A date that is not one
fails the run naming file and row (under --on-error skip the row is skipped).

Under the gross metrics a CUR 2.0 row's discount_total_discount comes out as a row of its own
right after it, as a legacy bill has it: line item type Discount, actual_cost_source
"Unblended Cost: Discount", actual_cost and line_item_unblended_cost the discount, no other
amounts, every other column that of the row. So the sums of actual_cost,
line_item_unblended_cost and on_demand_cost equal report's cost, unblended and on-demand
totals, and both flavours of one bill give the same rows.

Under --on-error skip a file that cannot be read to its end contributes no row: its rows wait
in a temporary file until it has been read, and count as skipped if it fails.

--to focus writes FOCUS 1.2 instead (docs/focus.md): the FinOps Foundation's columns
(BilledCost, EffectiveCost, ListCost, ContractedCost, ChargeCategory, CommitmentDiscount*,
...) and x_ columns, dates as YYYY-MM-DDTHH:mm:ssZ, one row per line item but none for
Savings Plan negation rows and one more, CommitmentDiscountStatus Unused, for the unused part
of a commitment; --metric is then amortized (the default) or net-amortized, and --columns is
not taken.

CSV goes to stdout unless -o names a file; -o FILE.parquet writes Parquet, -o FILE.xlsx an
Excel workbook (streamed: ids stay text, amounts are numbers, dates are dates; past a sheet's
1,048,575 rows the rows go on in "rows 2", ...). Files are written under a temporary name and
renamed when complete.

Default columns: ` + strings.Join(report.DefaultNormalizeColumns, ", ") + `.`,
		Example: `  curnorm normalize testdata/demo > demo-normalized.csv
  curnorm normalize --columns account,service,tag:Team,line_item_usage_amount bill.csv.gz
  curnorm normalize -o normalized.parquet bill/
  curnorm normalize --to focus -o focus.parquet bill/`,
		Args: needPaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return normalizeRun(cmd.Context(), ios, opts) })
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "", "write to FILE instead of stdout: CSV, Parquet when FILE ends in .parquet, an Excel workbook when in .xlsx")
	f.StringVar(&opts.To, "to", "curnorm", "output schema: curnorm (the CUR's columns and actual cost) or focus (FOCUS 1.2)")
	f.StringSliceVar(&opts.Columns, "columns", nil, "columns to copy, comma-separated")
	f.StringVar(&opts.Metric, "metric", "amortized", "cost metric: "+strings.Join(pricing.MetricNames(), ", "))
	f.BoolVar(&opts.IncludeSplitCost, "include-split-cost", false, "count EKS/ECS split cost rows instead of excluding them")
	f.StringVar(&opts.AccountNames, "account-names", "", "CSV file of account id,name for account-name on legacy bills")
	addDiscoverFlags(cmd, &opts.Discover)
	addOnErrorFlags(cmd, &opts.OnError)
	addFormulaEscapeFlag(cmd, &opts.NoFormulaEscape)
	return cmd
}

func normalizeRun(ctx context.Context, ios *ioStreams, opts *normalizeOptions) error {
	m, err := pricing.ParseMetric(opts.Metric)
	if err != nil {
		return &usageError{err}
	}
	focusOut := false
	switch opts.To {
	case normalizeSchemas[0]:
	case normalizeSchemas[1]:
		if m != pricing.Amortized && m != pricing.NetAmortized {
			return &usageError{fmt.Errorf("--to focus takes --metric amortized or net-amortized, not %s", m)}
		}
		if len(opts.Columns) > 0 {
			return &usageError{fmt.Errorf("--to focus writes FOCUS's columns: --columns is not taken")}
		}
		focusOut = true
	default:
		return &usageError{fmt.Errorf("unknown --to %q (valid: %s)", opts.To, strings.Join(normalizeSchemas, ", "))}
	}
	if _, _, err := report.NormalizeHeader(opts.Columns); err != nil {
		return &usageError{fmt.Errorf("--columns: %w", err)}
	}
	no := report.NormalizeOptions{Metric: m, Columns: opts.Columns, IncludeSplitCost: opts.IncludeSplitCost,
		AllowDuplicates: opts.Discover.AllowDuplicates}
	if no.SkipBadRows, err = opts.OnError.skip(); err != nil {
		return err
	}
	if opts.AccountNames != "" {
		if no.AccountNames, err = readAccountNames(opts.AccountNames); err != nil {
			return err
		}
	}
	d, err := discover.SourcesContext(ctx, opts.Paths, opts.Discover)
	if err != nil {
		return err
	}
	warn(ios, d.Warnings)
	var out io.Writer = ios.Out
	var file *atomicFile
	if opts.Output != "" && opts.Output != "-" {
		if file, err = createAtomic(opts.Output); err != nil {
			return err
		}
		defer file.Abort()
		out = file
	}
	var sink normalizeSink
	switch ext := strings.ToLower(filepath.Ext(opts.Output)); ext {
	case ".parquet":
		sink = render.NewParquetSink(out)
	case ".xlsx":
		sink = render.NewXLSXSink(out)
	default:
		cs := render.NewCSVSink(out)
		cs.NoFormulaEscape = opts.NoFormulaEscape
		sink = cs
	}
	// Rows streaming to a terminal would tear through a progress line on the same screen.
	var p *progress
	if file != nil || !ios.OutTTY {
		p = startProgress(ios, d.Sources, false)
	}
	if p != nil {
		sink = countingSink{sink, p}
	}
	var st report.NormalizeStats
	if focusOut {
		st, err = focus.Convert(ctx, d.Sources, focus.Options{Metric: m, IncludeSplitCost: no.IncludeSplitCost,
			AccountNames: no.AccountNames, SkipBadRows: no.SkipBadRows, AllowDuplicates: no.AllowDuplicates}, sink)
	} else {
		st, err = report.Normalize(ctx, d.Sources, no, sink)
	}
	p.done()
	if err != nil {
		return err
	}
	if err := sink.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	if file != nil {
		if err := file.Commit(); err != nil {
			return err
		}
	}
	warn(ios, st.Warnings)
	return opts.OnError.finish(ios, st.Skipped)
}

// normalizeSchemas are the values of normalize --to: the CUR's own columns, or FOCUS.
var normalizeSchemas = []string{"curnorm", "focus"}

// normalizeSink is where normalize writes rows: CSV, Parquet or xlsx.
type normalizeSink interface {
	report.RowSink
	Flush() error
}

// countingSink feeds the rows written to a progress display.
type countingSink struct {
	normalizeSink
	p *progress
}

func (s countingSink) Row(cells []report.Cell) error {
	s.p.addRows(1)
	return s.normalizeSink.Row(cells)
}
