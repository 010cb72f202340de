package report

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
)

func ownBills() []cur.Source {
	return []cur.Source{
		{Path: filepath.Join("..", "testdata", "bills", "own-legacy.csv")},
		{Path: filepath.Join("..", "testdata", "bills", "own-cur2.csv")},
	}
}

var propertyDims = [][]string{
	{"account"}, {"service"}, {"region", "usage-type"}, {"source"}, {"line-item-type"}, {"purchase-option"},
	{"tag:Team", "cost-category:Env"}, {"day"}, {"resource", "operation", "month"}, {"currency"}, {},
}

func runOpts(t *testing.T, sources []cur.Source, o Options, by []string) *Result {
	t.Helper()
	for _, b := range by {
		d, err := ParseDimension(b)
		if err != nil {
			t.Fatal(err)
		}
		o.Dims = append(o.Dims, d)
	}
	if o.Jobs == 0 {
		o.Jobs = 1
	}
	res, err := Run(context.Background(), sources, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTotalsEqualSumOfGroups: for any --by, metric and --top, each currency's total row is the
// exact sum of its group rows, and --top does not change totals.
func TestTotalsEqualSumOfGroups(t *testing.T) {
	for _, by := range propertyDims {
		for _, m := range pricing.Metrics {
			full := runOpts(t, ownBills(), Options{Metric: m}, by)
			for _, top := range []int{0, 1, 3} {
				res := runOpts(t, ownBills(), Options{Metric: m, Top: top}, by)
				sums := map[string]*Group{}
				for _, g := range res.Groups {
					s := sums[g.Currency]
					if s == nil {
						s = &Group{}
						sums[g.Currency] = s
					}
					s.Add(g)
				}
				if len(res.Totals) != len(sums) {
					t.Fatalf("by %v: %d totals for %d currencies", by, len(res.Totals), len(sums))
				}
				for i, tot := range res.Totals {
					s := sums[tot.Currency]
					if s.Rows != tot.Rows || s.Cost.Cmp(tot.Cost) != 0 || s.Unblended.Cmp(tot.Unblended) != 0 ||
						s.OnDemand.Cmp(tot.OnDemand) != 0 || s.PricedCost.Cmp(tot.PricedCost) != 0 {
						t.Errorf("by %v metric %s top %d: total %s != sum of groups %s", by, m, top, tot.Cost, s.Cost)
					}
					if full.Totals[i].Cost.Cmp(tot.Cost) != 0 || full.Totals[i].Rows != tot.Rows {
						t.Errorf("by %v metric %s: --top %d changed the total", by, m, top)
					}
					// The summary agrees with the rollup.
					if got := res.Summaries[0].ByMetric[m]; top == 0 && got.Cmp(tot.Cost) != 0 {
						t.Errorf("by %v metric %s: summary %s != total %s", by, m, got, tot.Cost)
					}
				}
				if top > 0 && len(res.Groups) > top+1 {
					t.Errorf("by %v: --top %d left %d groups", by, top, len(res.Groups))
				}
			}
		}
	}
}
