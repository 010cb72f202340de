package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
)

// PivotDimensions are the time dimensions a rollup can be pivoted on: one column per month.
var PivotDimensions = []string{"month", "billing-period"}

// Pivot is a rollup with a time dimension turned into columns: the month-over-month table,
// one row per group of the other dimensions and currency, one cost per period, oldest first.
type Pivot struct {
	Metric pricing.Metric
	// Dimensions are the rollup's but the pivoted one, which Periods holds the values of.
	Dimensions []string
	Periods    []string
	// Partial marks a period whose bill is not closed (no invoice id yet) or whose usage does
	// not run from its first day to its last.
	Partial []bool
	// Rows are sorted by their cost over every period, costliest first; Totals come one a
	// currency.
	Rows, Totals []*PivotRow
}

// PivotRow is a group's cost in each period of its Pivot.
type PivotRow struct {
	Key      []string
	Currency string
	Cost     []money.Sum
}

// Sum is the row's cost over every period.
func (p *PivotRow) Sum() money.Sum {
	var s money.Sum
	for _, c := range p.Cost {
		s.AddSum(c)
	}
	return s
}

// NewPivot pivots r on dim, one of PivotDimensions that r is grouped by. r's groups must not
// be folded by Options.Top: the folded row has no period.
func NewPivot(r *Result, dim string) (*Pivot, error) {
	at := slices.Index(r.Dimensions, dim)
	if !slices.Contains(PivotDimensions, dim) || at < 0 {
		return nil, fmt.Errorf("--pivot %s: pivot on one of %v that --by holds", dim, PivotDimensions)
	}
	p := &Pivot{Metric: r.Metric, Dimensions: slices.Delete(slices.Clone(r.Dimensions), at, at+1)}
	for _, g := range r.Groups {
		if g.Folded > 0 {
			return nil, fmt.Errorf("--pivot: the groups are folded (--top); pivot without it")
		}
		if period := g.Key[at]; !slices.Contains(p.Periods, period) {
			p.Periods = append(p.Periods, period)
		}
	}
	slices.Sort(p.Periods)
	for _, period := range p.Periods {
		p.Partial = append(p.Partial, partialPeriod(r, period))
	}
	rows := map[string]*PivotRow{}
	totals := map[string]*PivotRow{}
	add := func(m map[string]*PivotRow, list *[]*PivotRow, key []string, g *Group) {
		k := groupKeyText(g.Currency, key)
		row, ok := m[k]
		if !ok {
			row = &PivotRow{Key: key, Currency: g.Currency, Cost: make([]money.Sum, len(p.Periods))}
			m[k] = row
			*list = append(*list, row)
		}
		row.Cost[slices.Index(p.Periods, g.Key[at])].AddSum(g.Cost)
	}
	for _, g := range r.Groups {
		add(rows, &p.Rows, slices.Delete(slices.Clone(g.Key), at, at+1), g)
		add(totals, &p.Totals, nil, g)
	}
	slices.SortFunc(p.Rows, func(a, b *PivotRow) int {
		return cmp.Or(cmp.Compare(a.Currency, b.Currency), b.Sum().Cmp(a.Sum()), slices.Compare(a.Key, b.Key))
	})
	slices.SortFunc(p.Totals, func(a, b *PivotRow) int { return cmp.Compare(a.Currency, b.Currency) })
	return p, nil
}

// partialPeriod reports a month ("2026-10") whose summaries are not all final or whose usage
// days do not cover it; a rollup without summaries cannot tell, and says partial.
func partialPeriod(r *Result, period string) bool {
	start, err := time.Parse("2006-01", period)
	if err != nil {
		return true
	}
	first, last := start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly)
	seen := false
	for _, s := range r.Summaries {
		if s.Period != period {
			continue
		}
		seen = true
		if !s.Final() || s.FirstUsageDay > first || s.LastUsageDay < last {
			return true
		}
	}
	return !seen
}
