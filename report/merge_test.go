package report_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

func runOpts(t *testing.T, metric pricing.Metric, by ...string) report.Options {
	t.Helper()
	opts := report.Options{Metric: metric, Jobs: 1, Identify: true}
	for _, b := range by {
		d, err := report.ParseDimension(b)
		if err != nil {
			t.Fatal(err)
		}
		opts.Dims = append(opts.Dims, d)
	}
	return opts
}

// TestMergeRuns: the rollups of each file, merged in any order, are the rollup of all files:
// Merge goes through the partial-rollup merge Run uses. The files are in cur/discover's order
// (period, then path), which Merge gives its inputs.
func TestMergeRuns(t *testing.T) {
	dir := t.TempDir()
	srcs := []cur.Source{
		{Path: reporttest.WriteBill(t, dir, "eur.csv", reporttest.Header+
			"INV,2026-10-01T00:00:00Z,2,Usage,2026-10-07T00:00:00Z,AmazonEC2,i-9,EUR,7.0000000001,8\n")},
		{Path: reporttest.WriteBill(t, dir, "nov.csv", reporttest.NovBill)},
		{Path: reporttest.WriteBill(t, dir, "oct.csv", reporttest.OctBill)},
	}
	for _, by := range [][]string{{"service"}, {"account", "day"}, nil} {
		for _, top := range []int{0, 1} {
			opts := runOpts(t, pricing.Amortized, by...)
			opts.Top = top
			want, err := report.Run(context.Background(), srcs, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, order := range [][]int{{0, 1, 2}, {2, 0, 1}, {1, 2, 0}} {
				var parts []report.Part
				for _, i := range order {
					partOpts := opts
					partOpts.Top = 0
					r, err := report.Run(context.Background(), srcs[i:i+1], partOpts)
					if err != nil {
						t.Fatal(err)
					}
					parts = append(parts, report.Part{Name: srcs[i].Path + ".json", Result: r})
				}
				got, err := report.Merge(parts, report.Options{Top: top})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("by %v, top %d, order %v: merged\n%+v\nwant\n%+v", by, top, order, got, want)
				}
			}
		}
	}
}

func TestMergeRefusesParts(t *testing.T) {
	dir := t.TempDir()
	oct := []cur.Source{{Path: reporttest.WriteBill(t, dir, "oct.csv", reporttest.OctBill)}}
	nov := []cur.Source{{Path: reporttest.WriteBill(t, dir, "nov.csv", reporttest.NovBill)}}
	run := func(srcs []cur.Source, opts report.Options) report.Part {
		r, err := report.Run(context.Background(), srcs, opts)
		if err != nil {
			t.Fatal(err)
		}
		return report.Part{Name: srcs[0].Path + ".json", Result: r}
	}
	base := runOpts(t, pricing.Amortized, "service")
	simple := runOpts(t, pricing.Simple, "service")
	split := base
	split.IncludeSplitCost = true
	top := base
	top.Top = 1
	unidentified := base
	unidentified.Identify = false
	for _, tc := range []struct {
		name  string
		parts []report.Part
		class error
		msg   string
	}{
		{"metric", []report.Part{run(oct, base), run(nov, simple)}, report.ErrPartMismatch, "metric differs"},
		{"split cost", []report.Part{run(oct, base), run(nov, split)}, report.ErrPartMismatch, "--include-split-cost differs"},
		{"top", []report.Part{run(oct, base), run(nov, top)}, report.ErrPartMismatch, "written with --top 1"},
		{"twice", []report.Part{run(oct, base), run(nov, base), run(oct, base)}, cur.ErrDuplicateInput, "oct.csv is in"},
		{"not identified", []report.Part{run(oct, base), run(nov, unidentified)}, cur.ErrUnsupportedFormat, "lists 1 files but identifies 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := report.Merge(tc.parts, report.Options{})
			if !errors.Is(err, tc.class) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %v with %q", err, tc.class, tc.msg)
			}
		})
	}
}
