package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/sqlquery"
	"github.com/spf13/cobra"
)

type sqlOptions struct {
	Dialect          string
	Metric           string
	By               []string
	Filters          []string
	Table            string
	Schema           []string
	Flavour          string
	View             string
	Reconciliation   bool
	IncludeSplitCost bool
	Discover         discover.Options
}

func newCmdSQL(ios *ioStreams, runF func(context.Context, *sqlOptions) error) *cobra.Command {
	opts := &sqlOptions{}
	cmd := &cobra.Command{
		Use:   "sql --table NAME (--schema PATH | --flavour legacy|cur2)",
		Short: "Print SQL that computes report's figures on Athena, Trino, Spark or DuckDB",
		Long: `Sql prints a query that computes, where the CUR already is, what 'curnorm report' computes:
the same metric, dimensions and filters, generated from the rule table that prices rows in
curnorm, with money DECIMAL(38,10) from the first cast to the final sum.

By default the query is the rollup, whose result has report --format csv's columns plus
priced_cost. --view NAME prints a CREATE OR REPLACE VIEW of line items with actual_cost,
actual_cost_source, public on-demand cost over priced usage and the dimension columns.
--reconciliation prints the summary's reconciliation of unblended with the metric, per
billing period and currency.

The query reads --table. Which columns it has comes from --schema (CUR files, a report
folder or manifest, or an s3:// prefix: the union of their columns) or from --flavour, the
documented columns of legacy CUR (flat columns, as AWS's Athena integration names them) or
CUR 2.0 (with its product, resource_tags and cost_category maps). A cost column the table
lacks is read as 0 and a text column as empty, as curnorm reads an absent value; the query's
header lists them.

Dialects (--dialect): ` + strings.Join(sqlquery.DialectNames(), ", ") + `; see docs/sql.md for the engines each
was checked against.

Dimensions (--by): ` + strings.Join(report.DimensionNames(), ", ") + `.
account-name needs the CUR 2.0 column; legacy CUR names accounts only through report.

Filters: ` + report.FilterGrammar,
		Example: `  curnorm sql --dialect athena --flavour cur2 --table cur_db.cur2 --by account,service
  curnorm sql --dialect spark --schema bill/ --table cur --by tag:Team --filter service=AmazonEC2
  curnorm sql --dialect trino --flavour legacy --table cur --view cur_costs
  curnorm sql --dialect duckdb --schema bill.parquet --table "read_parquet('bill.parquet')" --reconciliation`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return sqlRun(cmd.Context(), ios, opts) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dialect, "dialect", "athena", "SQL dialect: "+strings.Join(sqlquery.DialectNames(), ", "))
	f.StringVar(&opts.Metric, "metric", "amortized", "cost metric: "+strings.Join(pricing.MetricNames(), ", "))
	f.StringSliceVar(&opts.By, "by", []string{"service"}, "dimensions to group by, comma-separated (see above)")
	f.StringArrayVar(&opts.Filters, "filter", nil, "keep rows where dim=value[,value...] (or dim!=...); repeatable")
	f.StringVar(&opts.Table, "table", "", "the CUR table or view the query reads (required)")
	f.StringArrayVar(&opts.Schema, "schema", nil, "CUR file, folder, manifest or s3:// prefix whose columns the table has; repeatable")
	f.StringVar(&opts.Flavour, "flavour", "", "the table has the documented columns of this flavour: "+strings.Join(sqlquery.Flavours, " or "))
	f.StringVar(&opts.View, "view", "", "print a CREATE OR REPLACE VIEW of that name instead of the rollup")
	f.BoolVar(&opts.Reconciliation, "reconciliation", false, "print the reconciliation query instead of the rollup")
	f.BoolVar(&opts.IncludeSplitCost, "include-split-cost", false, "count EKS/ECS split cost rows instead of excluding them")
	addDiscoverFlags(cmd, &opts.Discover)
	// --flavour here names a table's columns, not sample's file flavours.
	_ = cmd.RegisterFlagCompletionFunc("flavour", completeOne(sqlquery.Flavours))
	_ = cmd.RegisterFlagCompletionFunc("dialect", completeOne(sqlquery.DialectNames()))
	_ = cmd.RegisterFlagCompletionFunc("table", cobra.NoFileCompletions)
	_ = cmd.RegisterFlagCompletionFunc("view", cobra.NoFileCompletions)
	return cmd
}

// sqlSetup turns the flags into the query's options, reading --schema's files for their columns.
func sqlSetup(ctx context.Context, ios *ioStreams, opts *sqlOptions) (sqlquery.Options, error) {
	var o sqlquery.Options
	var err error
	if o.Dialect, err = sqlquery.ParseDialect(opts.Dialect); err != nil {
		return o, &usageError{err}
	}
	if o.Metric, o.Dims, o.Filters, err = parseRollupFlags(opts.Metric, opts.By, opts.Filters); err != nil {
		return o, err
	}
	switch {
	case strings.TrimSpace(opts.Table) == "":
		return o, &usageError{errors.New("--table is required: the CUR table or view the query reads (Athena: database.table)")}
	case opts.View != "" && opts.Reconciliation:
		return o, &usageError{errors.New("--view and --reconciliation print different queries: pass one")}
	case (len(opts.Schema) == 0) == (opts.Flavour == ""):
		return o, &usageError{errors.New("pass either --schema PATH (a CUR file, folder, manifest or s3:// prefix with the table's columns) or --flavour legacy|cur2")}
	}
	o.Table, o.IncludeSplitCost, o.Version = opts.Table, opts.IncludeSplitCost, buildVersion()
	if opts.Flavour != "" {
		if o.Columns, err = sqlquery.FlavourColumns(opts.Flavour); err != nil {
			return o, &usageError{err}
		}
		return o, nil
	}
	d, err := discover.SourcesContext(ctx, opts.Schema, opts.Discover)
	if err != nil {
		return o, err
	}
	warn(ios, d.Warnings)
	var schemas []*cur.Schema
	for _, src := range d.Sources {
		r, err := cur.Open(src, cur.Request{})
		if err != nil {
			return o, err
		}
		schemas = append(schemas, r.Schema())
		r.Close()
		if r.Schema().Flavour == cur.FOCUS {
			// The rule table prices CUR line items; a FOCUS table has none of its columns.
			return o, cur.FileErrorf(src.Name(), cur.ErrUnsupportedFormat, "this is a FOCUS export: sql writes queries over CUR tables (report reads FOCUS files)")
		}
	}
	o.Columns = sqlquery.SchemaColumns(strings.Join(opts.Schema, ", "), schemas...)
	// A --by or --filter column none of the files has makes every row (none): legal SQL, but
	// most likely a misspelt tag, which report refuses.
	dims := slices.Clone(o.Dims)
	for _, f := range o.Filters {
		dims = append(dims, f.Dim)
	}
	for _, dim := range dims {
		f := dim.Form()
		if f.Kind != report.DimensionColumn || slices.ContainsFunc(f.Columns, o.Columns.Has) {
			continue
		}
		warn(ios, []string{fmt.Sprintf("%s: no file of --schema has column %s: every row is %s", dim.Name, strings.Join(f.Columns, " or "), report.None)})
	}
	return o, nil
}

func sqlRun(ctx context.Context, ios *ioStreams, opts *sqlOptions) error {
	o, err := sqlSetup(ctx, ios, opts)
	if err != nil {
		return err
	}
	var sql string
	switch {
	case opts.View != "":
		sql, err = sqlquery.View(o, opts.View)
	case opts.Reconciliation:
		sql, err = sqlquery.Reconciliation(o)
	default:
		sql, err = sqlquery.Rollup(o)
	}
	if errors.Is(err, sqlquery.ErrNoSQLForm) {
		return fmt.Errorf("%w: %v", cur.ErrMissingColumn, err)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(ios.Out, sql)
	return err
}
