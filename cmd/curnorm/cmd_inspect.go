package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/curnorm/curnorm/cur"
	"github.com/spf13/cobra"
)

type inspectOptions struct {
	Paths    []string
	Format   string
	Discover cur.DiscoverOptions
}

func newCmdInspect(ios *ioStreams, runF func(context.Context, *inspectOptions) error) *cobra.Command {
	opts := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect PATH...",
		Short: "Describe CUR files: flavour, periods, rows, line item types, missing columns",
		Long: `Inspect reads each CUR file (or every file of a report folder) and prints its flavour,
compression, billing periods, assembly, row and column counts, currencies, rows per line item
type, whether the bill is final (invoice id present) and which metrics lack columns.
Every amount column is parsed, so inspect also validates a file. "-" reads standard input.`,
		Example: `  curnorm inspect testdata/demo
  curnorm inspect --format json bill-2026-10.csv.gz
  zcat bill.csv.gz | curnorm inspect -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := checkFormat(opts.Format, "table", "json"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return inspectRun(cmd.Context(), ios, opts) })
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "table", "output format: table or json")
	addDiscoverFlags(cmd, &opts.Discover)
	return cmd
}

func inspectRun(ctx context.Context, ios *ioStreams, opts *inspectOptions) error {
	d, err := cur.Discover(opts.Paths, opts.Discover)
	if err != nil {
		return err
	}
	warn(ios, d.Warnings)
	var all []*cur.Inspection
	for _, src := range d.Sources {
		if err := ctx.Err(); err != nil {
			return err
		}
		in, err := cur.Inspect(src)
		if err != nil {
			return err
		}
		all = append(all, in)
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Files []*cur.Inspection `json:"files"`
		}{all})
	}
	return writeInspectTable(ios.Out, all)
}

func writeInspectTable(w io.Writer, all []*cur.Inspection) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	for n, in := range all {
		if n > 0 {
			fmt.Fprintln(tw)
		}
		final := "no (no invoice id: provisional)"
		if in.Final {
			final = "yes (invoice id present)"
		}
		fmt.Fprintf(tw, "%s\n", in.File)
		fmt.Fprintf(tw, "  flavour\t%s\n", in.Flavour)
		fmt.Fprintf(tw, "  compression\t%s\n", in.Compression)
		fmt.Fprintf(tw, "  billing periods\t%s\n", orNone(strings.Join(in.Periods, ", ")))
		if in.Assembly != "" {
			fmt.Fprintf(tw, "  assembly\t%s\n", in.Assembly)
		}
		fmt.Fprintf(tw, "  rows\t%d\n", in.Rows)
		fmt.Fprintf(tw, "  columns\t%d\n", in.Columns)
		fmt.Fprintf(tw, "  currencies\t%s\n", orNone(strings.Join(in.Currencies, ", ")))
		fmt.Fprintf(tw, "  final\t%s\n", final)
		if in.Rounded > 0 {
			fmt.Fprintf(tw, "  cells rounded\t%d (more than 10 decimals)\n", in.Rounded)
		}
		fmt.Fprintf(tw, "  line item types\t\n")
		for _, t := range in.Types {
			fmt.Fprintf(tw, "    %s\t%d\n", orNone(t.Type), t.Rows)
		}
		fmt.Fprintf(tw, "  metrics\t\n")
		for _, m := range in.Metrics {
			status := "all columns present"
			switch {
			case len(m.Missing) > 0 && m.FallsBack:
				status = "no net columns (no negotiated discount): falls back to gross"
			case len(m.Missing) > 0:
				status = "missing " + strings.Join(m.Missing, ", ")
			}
			fmt.Fprintf(tw, "    %s\t%s\n", m.Metric, status)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeTrimmed(w, buf.Bytes())
}

// writeTrimmed writes text with trailing blanks removed from every line: tabwriter pads
// section headings that have no value.
func writeTrimmed(w io.Writer, text []byte) error {
	lines := bytes.SplitAfter(text, []byte("\n"))
	for _, l := range lines {
		nl := bytes.HasSuffix(l, []byte("\n"))
		l = bytes.TrimRight(l, " \n")
		if nl {
			l = append(l, '\n')
		}
		if _, err := w.Write(l); err != nil {
			return err
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
