package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/report"
	"github.com/spf13/cobra"
)

type inspectOptions struct {
	Paths    []string
	Format   string
	Discover discover.Options
	OnError  onErrorOptions
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
		Args: needPaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := checkFormat(&opts.Format, tableOrJSON...); err != nil {
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
	addOnErrorFlags(cmd, &opts.OnError)
	return cmd
}

func inspectRun(ctx context.Context, ios *ioStreams, opts *inspectOptions) error {
	d, err := discover.SourcesContext(ctx, opts.Paths, opts.Discover)
	if err != nil {
		return err
	}
	skip, err := opts.OnError.skip()
	if err != nil {
		return err
	}
	warn(ios, d.Warnings)
	all, skipped, err := inspectAll(ctx, ios, d.Sources, skip)
	if err != nil {
		return err
	}
	// Each file is described alone, so a copy misleads no figure here; it would in a report.
	if !opts.Discover.AllowDuplicates {
		names, contents := make([]string, len(all)), make([]*cur.Fingerprint, len(all))
		for i, in := range all {
			names[i], contents[i] = in.File, in.Content
		}
		if err := cur.Duplicates(names, contents); err != nil {
			warn(ios, []string{err.Error()})
		}
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		if skipped == nil {
			skipped = []cur.SkipCount{}
		}
		err = enc.Encode(struct {
			Files   []*report.Inspection `json:"files"`
			Skipped []cur.SkipCount      `json:"skipped"`
		}{all, skipped})
	} else {
		err = writeInspectTable(ios.Out, all)
	}
	if err != nil {
		return err
	}
	return opts.OnError.finish(ios, skipped)
}

// inspectAll describes every source; with skip, files that cannot be opened are left out and
// counted with the rows skipped, unless none could be.
func inspectAll(ctx context.Context, ios *ioStreams, sources []cur.Source, skip bool) ([]*report.Inspection, []cur.SkipCount, error) {
	p := startProgress(ios, sources, true)
	defer p.done()
	var all []*report.Inspection
	var skipped []cur.SkipCount
	var first error
	same := cur.SameSizes(sources)
	for i, src := range sources {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		in, err := report.Inspect(src, skip, same[i])
		var ce *cur.Error
		if err != nil && skip && errors.As(err, &ce) {
			skipped = append(skipped, cur.SkipCount{File: src.Name(), Reason: cur.SkipUnreadableFile, First: err.Error()})
			if first == nil {
				first = err
			}
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		p.sourceDone(src, in.Rows)
		all = append(all, in)
		skipped = append(skipped, in.Skipped...)
	}
	if len(all) == 0 && first != nil {
		return nil, nil, first
	}
	return all, skipped, nil
}

func writeInspectTable(w io.Writer, all []*report.Inspection) error {
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
		if in.RowsSkipped > 0 {
			fmt.Fprintf(tw, "  rows skipped\t%d (--on-error skip)\n", in.RowsSkipped)
		}
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
			case m.NoFOCUSColumn:
				status = "no FOCUS column answers it: refused"
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
