package report_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/render"
)

// TestFiltersPassOverRowGroups: a filter the reader tests on row group statistics and
// dictionaries (Parquet), or on the filter's field before the rest of a row (CSV), leaves the
// report, its summary and its errors byte for byte as when every row is read, for any --jobs
// and file order.
func TestFiltersPassOverRowGroups(t *testing.T) {
	dir := t.TempDir()
	bills := map[string][]cur.Source{
		"parquet": {
			{Path: report.ClusteredBill(t, filepath.Join(dir, "a.parquet"), 20_000, 40, 500)},
			{Path: report.ClusteredBill(t, filepath.Join(dir, "b.parquet"), 7_000, 9, 300)},
		},
		"csv": {
			{Path: report.ClusteredCSV(t, filepath.Join(dir, "a.csv.gz"), 20_000, 40)},
			{Path: report.ClusteredCSV(t, filepath.Join(dir, "b.csv"), 7_000, 9)},
		},
	}
	mid := report.ClusteredAccount(17, 40)
	for _, filters := range [][]string{
		{"account=" + mid},
		{"account!=" + mid},
		{"account=" + mid + "," + report.ClusteredAccount(3, 9)},
		{"account=" + report.ClusteredAccount(0, 40), "currency=EUR"},
		{"account=(none)"},
		{"account!=(none)"},
		{"account=999999999999"},
		{"account=999999999999", "currency!=USD"},
		{"line-item-type=Tax", "account!=" + mid},
		{"billing-period=2026-10"},
		{"billing-period=2026-11"},
		{"month!=2026-10", "account=" + mid},
		{"day=2026-10-05", "account=" + mid},
		{"day!=2026-10-05,(none)"},
	} {
		t.Run(filters[0], func(t *testing.T) {
			fs, err := report.ParseFilters(filters)
			if err != nil {
				t.Fatal(err)
			}
			opts := report.Options{Metric: pricing.Amortized, Filters: fs}
			for _, by := range []string{"account", "service"} {
				d, err := report.ParseDimension(by)
				if err != nil {
					t.Fatal(err)
				}
				opts.Dims = append(opts.Dims, d)
			}
			for _, kind := range []string{"parquet", "csv"} {
				bills := bills[kind]
				want := printed(t, bills, report.ReadingAll(opts), 1)
				for _, jobs := range []int{1, 2, 8} {
					for _, order := range [][]cur.Source{bills, {bills[1], bills[0]}} {
						if got := printed(t, order, opts, jobs); got != want {
							t.Fatalf("%s, --jobs %d: with rows passed over\n%s\nwant\n%s", kind, jobs, got, want)
						}
					}
				}
			}
		})
	}
}

// printed is the report's JSON document and summary, or its error.
func printed(t *testing.T, srcs []cur.Source, opts report.Options, jobs int) string {
	t.Helper()
	opts.Jobs = jobs
	res, err := report.Run(context.Background(), slices.Clone(srcs), opts)
	if err != nil {
		return "error: " + err.Error()
	}
	res.Files = nil // the list of files follows the command line
	var buf bytes.Buffer
	if err := render.Write(&buf, res, render.Options{Format: "json", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	render.WriteSummary(&buf, res, render.Options{Precision: -1})
	return buf.String()
}

// TestFiltersPassOverMapKeys: a CUR 2.0 tag held only in row groups a filter passes over is
// still a key of the bill, found by reading them, as a run reading every row group finds it;
// a key no row holds is missing either way. A filter on the tag itself passes over the row
// groups whose map values lack its texts, with the same report.
func TestFiltersPassOverMapKeys(t *testing.T) {
	path := report.ClusteredTaggedBill(t, filepath.Join(t.TempDir(), "tagged.parquet"), 8_000, 16, 250)
	other := report.ClusteredAccount(9, 17)
	for _, c := range []struct{ by, filter string }{
		{"tag:team", "account=" + other},
		{"tag:team", "account!=" + report.ClusteredAccount(0, 17)},
		{"tag:nokey", "account=" + other},
		{"tag:env", "account=" + report.ClusteredAccount(0, 17)},
		{"tag:team", "tag:team=web"},
		{"account", "tag:team=web,data"},
		{"tag:env", "tag:team=data"},
		{"service", "tag:team=nobody"},
		{"tag:team", "tag:team=(none)"},
	} {
		t.Run(c.by+" "+c.filter, func(t *testing.T) {
			fs, err := report.ParseFilters([]string{c.filter})
			if err != nil {
				t.Fatal(err)
			}
			d, err := report.ParseDimension(c.by)
			if err != nil {
				t.Fatal(err)
			}
			opts := report.Options{Metric: pricing.Unblended, Filters: fs, Dims: []report.Dimension{d}}
			bill := []cur.Source{{Path: path}}
			want := printed(t, bill, report.ReadingAll(opts), 1)
			for _, jobs := range []int{1, 2} {
				if got := printed(t, bill, opts, jobs); got != want {
					t.Fatalf("--jobs %d: with row groups passed over\n%s\nwant\n%s", jobs, got, want)
				}
			}
			if (strings.Contains(c.by, "nokey") || strings.HasSuffix(c.filter, "nobody")) != strings.HasPrefix(want, "error:") {
				t.Errorf("want an error for a key or a value no row holds, and only then:\n%s", want)
			}
		})
	}
}
