package drift

import (
	"context"
	"errors"
	"maps"
	"math/big"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// cutSide rolls a fixture up by service as a side of a comparison.
func cutSide(t *testing.T, dir, name, text string) (*Side, report.Options) {
	t.Helper()
	res, src, opts := reporttest.RunByService(t, dir, name, text)
	return &Side{Name: name, Result: res, Sources: src}, opts
}

// changes maps "currency key" to "old new status" with money to 10 decimals.
func changes(cs []*Change) map[string]string {
	out := map[string]string{}
	for _, c := range cs {
		out[strings.TrimSpace(c.Currency+" "+strings.Join(c.Key, ","))] = money.FormatRat(c.Old, 2) + " " + money.FormatRat(c.New, 2) + " " + string(c.Status())
	}
	return out
}

func TestCompareModes(t *testing.T) {
	dir := t.TempDir()
	oct, opts := cutSide(t, dir, "oct.csv", reporttest.OctBill)
	nov, _ := cutSide(t, dir, "nov.csv", reporttest.NovBill)
	for _, tc := range []struct {
		mode             CompareMode
		applied          CompareMode
		groups, totals   map[string]string
		oldCut, newCut   int
		oldF, newF       string
		oldDays, newDays int
	}{
		{mode: CompareAuto, applied: CompareRunRate, oldF: "1", newF: "2", oldDays: 25, newDays: 15,
			groups: map[string]string{"USD AmazonEC2": "320.00 500.00 up", "USD AmazonS3": "90.00 90.00 same"},
			totals: map[string]string{"USD": "410.00 590.00 up"}},
		{mode: CompareTotal, applied: CompareTotal, oldF: "1", newF: "1", oldDays: 25, newDays: 15,
			groups: map[string]string{"USD AmazonEC2": "320.00 250.00 down", "USD AmazonS3": "90.00 45.00 down"},
			totals: map[string]string{"USD": "410.00 295.00 down"}},
		{mode: CompareSameDays, applied: CompareSameDays, oldF: "1", newF: "1", oldCut: 15, oldDays: 15, newDays: 15,
			groups: map[string]string{"USD AmazonEC2": "220.00 250.00 up", "USD AmazonS3": "60.00 45.00 down"},
			totals: map[string]string{"USD": "280.00 295.00 up"}},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			d, err := Compare(context.Background(), oct, nov, tc.mode, opts)
			if err != nil {
				t.Fatal(err)
			}
			if d.Mode != tc.applied {
				t.Errorf("mode %s, want %s", d.Mode, tc.applied)
			}
			if got := changes(d.Groups); !maps.Equal(got, tc.groups) {
				t.Errorf("groups %v, want %v", got, tc.groups)
			}
			if got := changes(d.Totals); !maps.Equal(got, tc.totals) {
				t.Errorf("totals %v, want %v", got, tc.totals)
			}
			if got := d.Old.Factor.RatString() + " " + d.New.Factor.RatString(); got != tc.oldF+" "+tc.newF {
				t.Errorf("factors %s, want %s %s", got, tc.oldF, tc.newF)
			}
			if d.Old.CutToDays != tc.oldCut || d.New.CutToDays != tc.newCut {
				t.Errorf("cut to %d and %d days, want %d and %d", d.Old.CutToDays, d.New.CutToDays, tc.oldCut, tc.newCut)
			}
			if d.Old.Coverage.Days != tc.oldDays || d.New.Coverage.Days != tc.newDays {
				t.Errorf("coverage %d and %d days, want %d and %d", d.Old.Coverage.Days, d.New.Coverage.Days, tc.oldDays, tc.newDays)
			}
		})
	}
	// The input side is left as read: check judges findings on it.
	if oct.Result.Summaries[0].LastUsageDay != "2026-10-25" {
		t.Error("same-days changed the side it was given")
	}
}

// TestSameDaysCutsEitherSide: the side that covers more days is the one cut, old or new.
func TestSameDaysCutsEitherSide(t *testing.T) {
	dir := t.TempDir()
	oct, opts := cutSide(t, dir, "oct.csv", reporttest.OctBill)
	nov, _ := cutSide(t, dir, "nov.csv", reporttest.NovBill)
	d, err := Compare(context.Background(), nov, oct, CompareSameDays, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d.New.CutToDays != 15 || d.Old.CutToDays != 0 {
		t.Errorf("cut old to %d, new to %d days", d.Old.CutToDays, d.New.CutToDays)
	}
	if got := changes(d.Totals)["USD"]; got != "295.00 280.00 down" {
		t.Errorf("totals %s", got)
	}
	// A baseline document cannot be cut.
	oct.Baseline = true
	oct.Sources = nil
	if _, err := Compare(context.Background(), nov, oct, CompareSameDays, opts); !errors.Is(err, ErrCannotCompare) ||
		!strings.Contains(err.Error(), "--compare same-days cuts oct.csv to its first 15 days") {
		t.Errorf("cutting a baseline: %v", err)
	}
}

func TestRunRateNeedsOnePeriod(t *testing.T) {
	dir := t.TempDir()
	oct, opts := cutSide(t, dir, "oct.csv", reporttest.OctBill)
	both, _ := cutSide(t, dir, "both.csv", reporttest.OctBill+strings.TrimPrefix(reporttest.NovBill, reporttest.Header))
	_, err := Compare(context.Background(), oct, both, CompareRunRate, opts)
	if !errors.Is(err, ErrCannotCompare) || !strings.Contains(err.Error(), "both.csv holds 2 (2026-10, 2026-11)") {
		t.Errorf("got %v", err)
	}
	// Total needs no coverage.
	if _, err := Compare(context.Background(), oct, both, CompareTotal, opts); err != nil {
		t.Error(err)
	}
}

func TestCoverage(t *testing.T) {
	for _, tc := range []struct {
		period, last string
		days, of     int
	}{
		{"2026-11", "2026-11-15", 15, 30},
		{"2026-02", "2026-02-28", 28, 28},
		{"2028-02", "2028-02-10", 10, 29},
		{"2026-12", "2027-01-01", 31, 31}, // a row past the period counts as the whole period
		{"2026-10", "2026-09-30", 1, 31},  // and one before it as its first day
	} {
		r := &report.Result{Summaries: []*report.Summary{{Period: tc.period, Rows: 1, RowsWithoutInvoice: 1, LastUsageDay: tc.last}}}
		c := CoverageOf(r)
		if c.Days != tc.days || c.PeriodDays != tc.of {
			t.Errorf("%s through %s: %d of %d days, want %d of %d", tc.period, tc.last, c.Days, c.PeriodDays, tc.days, tc.of)
		}
		f, err := c.runRate("x")
		if err != nil || f.Cmp(big.NewRat(int64(tc.of), int64(tc.days))) != 0 {
			t.Errorf("%s: factor %v, %v", tc.period, f, err)
		}
	}
}

func TestChangeStatusAndRatio(t *testing.T) {
	r := func(s string) *big.Rat { v, _ := new(big.Rat).SetString(s); return v }
	for _, tc := range []struct {
		c      Change
		status Status
		ratio  string
	}{
		{Change{Old: r("100"), New: r("120"), InOld: true, InNew: true}, StatusUp, "0.20"},
		{Change{Old: r("100"), New: r("80"), InOld: true, InNew: true}, StatusDown, "-0.20"},
		{Change{Old: r("-30"), New: r("-60"), InOld: true, InNew: true}, StatusDown, "-1.00"}, // a larger credit
		{Change{Old: r("-30"), New: r("0"), InOld: true, InNew: true}, StatusUp, "1.00"},
		{Change{Old: r("0"), New: r("5"), InNew: true}, StatusNew, ""},
		{Change{Old: r("5"), New: r("0"), InOld: true}, StatusGone, "-1.00"},
		{Change{Old: r("5"), New: r("5"), InOld: true, InNew: true}, StatusSame, "0.00"},
	} {
		if got := tc.c.Status(); got != tc.status {
			t.Errorf("%v → %v: status %s, want %s", tc.c.Old, tc.c.New, got, tc.status)
		}
		ratio, ok := tc.c.Ratio()
		got := ""
		if ok {
			got = money.FormatRat(ratio, 2)
		}
		if got != tc.ratio {
			t.Errorf("%v → %v: ratio %q, want %q", tc.c.Old, tc.c.New, got, tc.ratio)
		}
	}
}

func TestChangesSortByAbsoluteDelta(t *testing.T) {
	r := func(s string) *big.Rat { v, _ := new(big.Rat).SetString(s); return v }
	cs := []*Change{
		{Key: []string{"b"}, Currency: "USD", Old: r("10"), New: r("15")},
		{Key: []string{"a"}, Currency: "USD", Old: r("10"), New: r("5")},
		{Key: []string{"c"}, Currency: "USD", Old: r("0"), New: r("-40")},
		{Key: []string{"z"}, Currency: "EUR", Old: r("0"), New: r("1")},
		{Key: []string{"d"}, Currency: "USD", Old: r("1"), New: r("1")},
	}
	sortChanges(cs)
	var got []string
	for _, c := range cs {
		got = append(got, c.Key[0])
	}
	if strings.Join(got, "") != "zcabd" {
		t.Errorf("order %v, want z (EUR first), then c, a, b (ties by key), d", got)
	}
}

func TestRunUsageDaysFiltersSummaries(t *testing.T) {
	dir := t.TempDir()
	p := reporttest.WriteBill(t, dir, "oct.csv", reporttest.OctBill)
	opts := report.Options{Metric: pricing.Amortized, Jobs: 1, UsageDays: 5}
	res, err := report.Run(context.Background(), []cur.Source{{Path: p}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summaries[0]
	if s.Rows != 3 || s.LastUsageDay != "2026-10-05" || s.ReconciliationApplies() {
		t.Errorf("first 5 days: %d rows through %s, reconciliation applies %v", s.Rows, s.LastUsageDay, s.ReconciliationApplies())
	}
	if got := res.Totals[0].Cost.String(); got != "150" {
		t.Errorf("cost of the first 5 days %s, want 150", got)
	}
	// A limit that cuts nothing leaves the reconciliation in force.
	opts.UsageDays = 31
	if res, err = report.Run(context.Background(), []cur.Source{{Path: p}}, opts); err != nil || !res.Summaries[0].ReconciliationApplies() {
		t.Errorf("a limit past the data: %v, applies %v", err, res.Summaries[0].ReconciliationApplies())
	}
}

func TestCompatible(t *testing.T) {
	base := &report.Result{Metric: pricing.Amortized, Dimensions: []string{"service"}, Totals: []*report.Group{{Currency: "USD"}}}
	run := &report.Result{Metric: pricing.Unblended, Dimensions: []string{"account"}, Filters: []string{"service=AmazonEC2"},
		Totals: []*report.Group{{Currency: "EUR"}, {Currency: "USD"}}}
	err := Compatible(&Side{Name: "base.json", Result: base, Baseline: true}, &Side{Name: "bill.csv", Result: run})
	if !errors.Is(err, ErrBaselineMismatch) {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{"metric differs (base.json: amortized; bill.csv: unblended)",
		"dimensions differ (base.json: service; bill.csv: account)", "filters differ (base.json: none; bill.csv: service=AmazonEC2)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
	// A currency on one side only is a new or gone currency, not a mismatch.
	if err := Compatible(&Side{Name: "base.json", Result: base, Baseline: true}, &Side{Name: "b", Result: &report.Result{Metric: pricing.Amortized,
		Dimensions: []string{"service"}, Totals: []*report.Group{{Currency: "EUR"}, {Currency: "USD"}}}}); err != nil {
		t.Errorf("new currency: %v", err)
	}
	// Two rollups of CUR files made with the same options always match: currencies may differ.
	if err := Compatible(&Side{Name: "a", Result: base}, &Side{Name: "b", Result: &report.Result{Metric: pricing.Amortized,
		Dimensions: []string{"service"}, Totals: []*report.Group{{Currency: "EUR"}}}}); err != nil {
		t.Errorf("CUR sides: %v", err)
	}
}
