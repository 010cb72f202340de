package report

import (
	"slices"
	"testing"

	"github.com/curnorm/curnorm/cur/money"
)

func sumOf(t *testing.T, s string) money.Sum {
	t.Helper()
	a, _, err := money.ParseString(s)
	if err != nil {
		t.Fatal(err)
	}
	return money.SumOf(a)
}

// TestPivot: each group's cost lands in its month's column, rows and totals add up to the
// rollup's, and a month-to-date or short month is partial.
func TestPivot(t *testing.T) {
	group := func(service, month, cost string) *Group {
		return &Group{Key: []string{service, month}, Currency: "USD", Cost: sumOf(t, cost)}
	}
	r := &Result{
		Dimensions: []string{"service", "month"},
		Groups: []*Group{group("S3", "2026-10", "5"), group("EC2", "2026-11", "12.5"), group("EC2", "2026-09", "10"),
			group("EC2", "2026-10", "11.25"), group("S3", "2026-11", "1")},
		Summaries: []*Summary{
			{Period: "2026-09", Currency: "USD", Rows: 9, FirstUsageDay: "2026-09-01", LastUsageDay: "2026-09-30"},
			{Period: "2026-10", Currency: "USD", Rows: 9, FirstUsageDay: "2026-10-02", LastUsageDay: "2026-10-31"},
			{Period: "2026-11", Currency: "USD", Rows: 9, RowsWithoutInvoice: 9, FirstUsageDay: "2026-11-01", LastUsageDay: "2026-11-30"},
		},
	}
	p, err := NewPivot(r, "month")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Dimensions, []string{"service"}) || !slices.Equal(p.Periods, []string{"2026-09", "2026-10", "2026-11"}) ||
		!slices.Equal(p.Partial, []bool{false, true, true}) {
		t.Fatalf("dimensions %v, periods %v, partial %v", p.Dimensions, p.Periods, p.Partial)
	}
	want := map[string][]string{"EC2": {"10", "11.25", "12.5"}, "S3": {"0", "5", "1"}}
	var total money.Sum
	for i, row := range p.Rows {
		if name := []string{"EC2", "S3"}[i]; !slices.Equal(row.Key, []string{name}) {
			t.Errorf("row %d: %v, want %s (costliest first)", i, row.Key, name)
		}
		for j, c := range row.Cost {
			if c.Cmp(sumOf(t, want[row.Key[0]][j])) != 0 {
				t.Errorf("%v %s: %s, want %s", row.Key, p.Periods[j], c, want[row.Key[0]][j])
			}
		}
		total.AddSum(row.Sum())
	}
	if len(p.Totals) != 1 || p.Totals[0].Sum().Cmp(total) != 0 || total.Cmp(sumOf(t, "39.75")) != 0 {
		t.Errorf("totals %v, rows sum to %s", p.Totals, total)
	}

	for _, bad := range []struct {
		dim  string
		fold bool
	}{{"day", false}, {"billing-period", false}, {"month", true}} {
		if bad.fold {
			r.Groups[0].Folded = 2
		}
		if _, err := NewPivot(r, bad.dim); err == nil {
			t.Errorf("pivot on %s (folded %v): no error", bad.dim, bad.fold)
		}
	}
}

// TestFoldTop: each currency keeps its n costliest groups in the result's order, the rest
// summed into one (other) group after them.
func TestFoldTop(t *testing.T) {
	g := func(name, currency, cost string) *Group {
		return &Group{Key: []string{name}, Currency: currency, Cost: sumOf(t, cost), Rows: 1}
	}
	r := &Result{Dimensions: []string{"service"},
		Groups: []*Group{g("a", "EUR", "1"), g("b", "EUR", "5"), g("c", "USD", "2"), g("d", "USD", "1"), g("e", "USD", "3")}}
	f := r.FoldTop(1)
	var got []string
	for _, g := range f.Groups {
		got = append(got, g.Currency+" "+g.Key[0]+" "+g.Cost.String())
	}
	if want := []string{"EUR b 5", "EUR (other) 1", "USD e 3", "USD (other) 3"}; !slices.Equal(got, want) {
		t.Errorf("folded %q, want %q", got, want)
	}
	if len(r.Groups) != 5 || r.FoldTop(2).Groups[1] != r.Groups[1] || len(r.FoldTop(3).Groups) != 5 {
		t.Error("FoldTop changed its result, or folded what fits")
	}
}
