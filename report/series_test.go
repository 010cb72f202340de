package report

import (
	"maps"
	"slices"
	"testing"

	"github.com/curnorm/curnorm/cur/money"
)

// TestSeriesSumsToCost: with Series, the groups are those of a run without it, each day's
// cost adds up to the group's cost, and the series of the total row adds up to the total.
func TestSeriesSumsToCost(t *testing.T) {
	for _, by := range [][]string{{"service"}, {"tag:Team"}, {"account", "day"}, {}} {
		for _, top := range []int{0, 2} {
			plain := runOpts(t, ownBills(), Options{Top: top}, by)
			res := runOpts(t, ownBills(), Options{Top: top, Series: true, Jobs: 2}, by)
			if !slices.Equal(res.Dimensions, plain.Dimensions) || len(res.Groups) != len(plain.Groups) {
				t.Fatalf("by %v top %d: dimensions %v, %d groups; want %v, %d", by, top,
					res.Dimensions, len(res.Groups), plain.Dimensions, len(plain.Groups))
			}
			for i, g := range append(res.Groups, res.Totals...) {
				want := append(plain.Groups, plain.Totals...)[i]
				if !slices.Equal(g.Key, want.Key) || g.Cost.Cmp(want.Cost) != 0 || g.Rows != want.Rows {
					t.Errorf("by %v top %d: group %v cost %s, want %v %s", by, top, g.Key, g.Cost, want.Key, want.Cost)
				}
				var sum money.Sum
				for _, day := range slices.Sorted(maps.Keys(g.Series)) {
					sum.AddSum(g.Series[day])
				}
				if len(g.Series) == 0 || sum.Cmp(g.Cost) != 0 {
					t.Errorf("by %v top %d: group %v: %d days summing to %s, cost %s", by, top, g.Key, len(g.Series), sum, g.Cost)
				}
			}
		}
	}
}
