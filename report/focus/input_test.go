package focus_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/focus"
	"github.com/curnorm/curnorm/report/internal/reporttest"
	"github.com/curnorm/curnorm/report/render"
)

// writeFOCUS converts the bill at path to FOCUS files, CSV and Parquet, as normalize --to focus
// writes them.
func writeFOCUS(t *testing.T, path string) []string {
	t.Helper()
	dir := t.TempDir()
	src := []cur.Source{{Path: path}}
	var out []string
	for _, ext := range []string{"csv", "parquet"} {
		p := filepath.Join(dir, "focus."+ext)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		var sink interface {
			report.RowSink
			Flush() error
		} = render.NewCSVSink(f)
		if ext == "parquet" {
			sink = render.NewParquetSink(f)
		}
		if _, err := focus.Convert(context.Background(), src, focus.Options{Metric: pricing.Amortized}, sink); err != nil {
			t.Fatal(err)
		}
		if err := sink.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// costs are a rollup's costs by group key and currency.
func costs(res *report.Result) map[string]string {
	out := map[string]string{}
	for _, g := range res.Groups {
		out[strings.Join(g.Key, "|")+" "+g.Currency] = g.Cost.String()
	}
	for _, g := range res.Totals {
		out["(total) "+g.Currency] = g.Cost.String()
	}
	return out
}

// adjustment is the service of the Adjustment rows the conversion writes where Savings Plan
// negation and covered usage do not cancel (mapper.residuals): what they bill leaves the
// covered usage's service for this one.
const adjustment = "Savings Plans"

// TestReportReadsFOCUS is the round trip: a bill converted to FOCUS, CSV and Parquet, gives
// under report --by service the per-service EffectiveCost and BilledCost sums that the CUR
// gives under amortized and unblended.
func TestReportReadsFOCUS(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/bills/*.csv")
	if err != nil {
		t.Fatal(err)
	}
	demo, _ := filepath.Glob("../../testdata/demo/*.csv.gz")
	paths = append(paths, demo...)
	if len(paths) < 7 {
		t.Fatalf("only %d bills found", len(paths))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			for _, f := range writeFOCUS(t, path) {
				adjusted := slices.ContainsFunc(reporttest.Run(t, f, pricing.Amortized, "line-item-type").Groups,
					func(g *report.Group) bool { return g.Key[0] == "Adjustment" })
				for _, m := range []pricing.Metric{pricing.Amortized, pricing.Unblended} {
					want := costs(reporttest.Run(t, path, m, "service"))
					if len(want) < 2 {
						t.Fatalf("%s under %s: no group", path, m)
					}
					res := reporttest.Run(t, f, m, "service")
					got := costs(res)
					for _, s := range res.Summaries {
						if s.ReconciliationApplies() || !s.FOCUS {
							t.Errorf("%s %s: summary of FOCUS input has a reconciliation", s.Period, s.Currency)
						}
					}
					for k, v := range got {
						if strings.HasPrefix(k, adjustment+" ") && adjusted {
							if _, inCUR := want[k]; !inCUR && (m == pricing.Unblended || v == "0") {
								delete(got, k)
							}
						}
					}
					if adjusted && m == pricing.Unblended {
						// What did not cancel moved to the adjustment's service: only the
						// totals still agree.
						for k := range want {
							if !strings.HasPrefix(k, "(total) ") {
								delete(want, k)
								delete(got, k)
							}
						}
					}
					if !maps.Equal(got, want) {
						t.Errorf("%s under %s: FOCUS gives\n%v\nthe CUR gives\n%v", filepath.Base(f), m, got, want)
					}
				}
			}
		})
	}
}

// TestReportFOCUSDimensions: account, region, day, month, billing period and a tag group a
// FOCUS file's rows as they group the CUR's.
func TestReportFOCUSDimensions(t *testing.T) {
	for _, path := range []string{"../../testdata/bills/own-legacy.csv", "../../testdata/bills/own-cur2.csv", "../../testdata/demo/curnorm-sample-1.csv.gz"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			files := writeFOCUS(t, path)
			for _, by := range []string{"account", "region", "day", "month", "billing-period", "tag:Team"} {
				want := costs(reporttest.Run(t, path, pricing.Amortized, by))
				if len(want) < 2 {
					t.Fatalf("--by %s: %d groups in the CUR", by, len(want)-1)
				}
				for _, f := range files {
					if got := costs(reporttest.Run(t, f, pricing.Amortized, by)); !maps.Equal(got, want) {
						t.Errorf("%s --by %s: FOCUS gives\n%v\nthe CUR gives\n%v", filepath.Base(f), by, got, want)
					}
				}
			}
		})
	}
}
