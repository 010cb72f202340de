package focus_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
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

// priced are a rollup's totals of priced usage by currency: public on-demand, and under
// amortized (without CUR 2.0 discount columns, which the conversion moves onto the rows they
// reduce, priced usage among them) its cost and savings.
func priced(res *report.Result, m pricing.Metric, discounted bool) map[string]string {
	out := map[string]string{}
	for _, g := range res.Totals {
		out["on-demand "+g.Currency] = g.OnDemand.String()
		if m == pricing.Amortized && !discounted {
			// Under unblended a CUR prices Savings Plan covered usage at its on-demand cost
			// and FOCUS bills it 0: only amortized compares the cost of priced usage.
			out["priced "+g.Currency] = g.PricedCost.String()
			s := g.Savings()
			out["savings "+g.Currency] = s.String()
		}
	}
	return out
}

// TestReportReadsFOCUS is the round trip: a bill (every fixture, the demo month and the shared
// samples) converted to FOCUS, CSV and Parquet, gives under report --by service the
// per-service EffectiveCost and BilledCost sums that the CUR gives under amortized and
// unblended, and the same public on-demand, cost of priced usage and savings.
func TestReportReadsFOCUS(t *testing.T) {
	for _, path := range bills(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			discounted := schemaOf(t, path).Has(cur.ColTotalDiscount)
			for _, f := range writeFOCUS(t, path) {
				adjusted := slices.ContainsFunc(reporttest.Run(t, f, pricing.Amortized, "line-item-type").Groups,
					func(g *report.Group) bool { return g.Key[0] == "Adjustment" })
				for _, m := range []pricing.Metric{pricing.Amortized, pricing.Unblended} {
					want := costs(reporttest.Run(t, path, m, "service"))
					if len(want) < 2 {
						t.Fatalf("%s under %s: no group", path, m)
					}
					res := reporttest.Run(t, f, m, "service")
					if got, want := priced(res, m, discounted), priced(reporttest.Run(t, path, m, "service"), m, discounted); !maps.Equal(got, want) {
						t.Errorf("%s under %s: FOCUS gives priced usage\n%v\nthe CUR gives\n%v", filepath.Base(f), m, got, want)
					}
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

// TestReportFOCUSJobs: FOCUS files, one holding another provider's rows, give the same report,
// summaries and warnings for any --jobs and file order.
func TestReportFOCUSJobs(t *testing.T) {
	files := writeFOCUS(t, "../../testdata/demo/curnorm-sample-1.csv.gz")
	files = append(files, writeFOCUS(t, "../../testdata/bills/commitments-cur2.csv")[0])
	files = append(files, reporttest.WriteBill(t, t.TempDir(), "multi.csv",
		"BilledCost,EffectiveCost,ListCost,ChargeCategory,ProviderName,BillingCurrency,BillingPeriodStart,x_ServiceCode\n"+
			"40,40,40,Usage,Microsoft,USD,2026-10-01T00:00:00Z,\n5,4,6,Usage,AWS,USD,2026-10-01T00:00:00Z,AmazonS3\n"))
	d, err := report.ParseDimension("service")
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for _, jobs := range []int{1, 3} {
		for _, reverse := range []bool{false, true} {
			srcs := make([]cur.Source, len(files))
			for i, f := range files {
				srcs[i] = cur.Source{Path: f}
			}
			if reverse {
				slices.Reverse(srcs)
			}
			res, err := report.Run(context.Background(), srcs, report.Options{Metric: pricing.Amortized, Dims: []report.Dimension{d}, Jobs: jobs})
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			if err := render.Write(&out, res, render.Options{Format: "csv", Precision: -1}); err != nil {
				t.Fatal(err)
			}
			if err := render.WriteSummary(&out, res, render.Options{Precision: 2}); err != nil {
				t.Fatal(err)
			}
			out.WriteString(strings.Join(res.Warnings, "\n"))
			if !strings.Contains(out.String(), "1 row of provider Microsoft left out (BilledCost 40 USD)") {
				t.Fatalf("no warning of the other provider:\n%s", out.String())
			}
			if first == "" {
				first = out.String()
			} else if out.String() != first {
				t.Errorf("--jobs %d, reversed %v: output differs:\n%s\nfirst:\n%s", jobs, reverse, out.String(), first)
			}
		}
	}
}

// TestExplainFOCUS: explain on a converted bill, CSV and Parquet, gives per ChargeCategory (or
// CommitmentDiscountStatus) and currency the rows and costs report --by line-item-type gives,
// and names the column the metric reads.
func TestExplainFOCUS(t *testing.T) {
	for _, path := range []string{"../../testdata/bills/commitments-legacy.csv", "../../testdata/bills/own-cur2.csv", "../../testdata/demo/curnorm-sample-1.csv.gz"} {
		for _, f := range writeFOCUS(t, path) {
			for m, column := range map[pricing.Metric]string{pricing.Amortized: "EffectiveCost", pricing.Unblended: "BilledCost"} {
				rows, err := report.Explain(context.Background(), []cur.Source{{Path: f}}, m, false, false)
				if err != nil {
					t.Fatal(err)
				}
				got, sums, counts := map[string]string{}, map[string]*money.Sum{}, map[string]int64{}
				for _, r := range rows {
					if !r.FOCUS || r.Rule.Value != column || len(r.Columns) != 3 {
						t.Errorf("%s %s: row %s uses %q over %d columns, FOCUS %v", filepath.Base(f), m, r.Type, r.Rule.Value, len(r.Columns), r.FOCUS)
					}
					if (r.Type == "Used" || r.Type == "Unused") != (r.Category == "Usage" && r.Type != "Usage") {
						t.Errorf("%s: type %s of category %s", filepath.Base(f), r.Type, r.Category)
					}
					k := r.Type + " " + r.Currency
					if sums[k] == nil {
						sums[k] = new(money.Sum)
					}
					sums[k].AddSum(r.ByMetric[m])
					counts[k] += r.Rows
				}
				for k, s := range sums {
					got[k], got[k+" rows"] = s.String(), fmt.Sprint(counts[k])
				}
				want := map[string]string{}
				for _, g := range reporttest.Run(t, f, m, "line-item-type").Groups {
					k := g.Key[0] + " " + g.Currency
					want[k], want[k+" rows"] = g.Cost.String(), fmt.Sprint(g.Rows)
				}
				if len(want) < 4 || !maps.Equal(got, want) {
					t.Errorf("%s under %s: explain gives\n%v\nreport gives\n%v", filepath.Base(f), m, got, want)
				}
			}
		}
	}
}
