package pricing

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/curnorm/curnorm/cur"
)

const focusHeader = "BilledCost,EffectiveCost,ListCost,ChargeCategory,CommitmentDiscountStatus,CommitmentDiscountCategory,ProviderName,BillingCurrency\n"

// evalFOCUSFile evaluates the first batch of a FOCUS CSV of focusHeader's columns with a new
// evaluator.
func evalFOCUSFile(t *testing.T, rows string, metricOnly bool, m Metric) (*Evaluator, *Costs) {
	t.Helper()
	return evalFOCUSText(t, focusHeader+rows, metricOnly, m)
}

// evalFOCUSText evaluates the first batch of a FOCUS CSV, header included.
func evalFOCUSText(t *testing.T, text string, metricOnly bool, m Metric) (*Evaluator, *Costs) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "focus.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ev := NewEvaluator(false)
	ev.Metric, ev.MetricOnly = m, metricOnly
	r, err := cur.Open(cur.Source{Path: path}, ev.Request())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if !r.Next() {
		t.Fatal(r.Err())
	}
	return ev, ev.Eval(r.Batch())
}

func TestEvalFOCUS(t *testing.T) {
	rows := "10,8,12,Usage,,,AWS,USD\n" +
		"0,5,9,Usage,Used,Spend,AWS,USD\n" +
		"0,2,0,Usage,Unused,Usage,AWS,USD\n" +
		"0,1,0,Usage,Unused,Spend,,USD\n" +
		"300,0,300,Purchase,,,AWS,USD\n" +
		"40,40,40,Usage,,,Microsoft,USD\n"
	tests := []struct {
		name              string
		kind              Kind
		amortized, billed string
		labelA, labelU    string
		onDemand          string
	}{
		{"usage", KindUsage, "8", "10", LabelEffective, LabelBilled, "12"},
		{"used commitment", KindUsage, "5", "0", "Effective Cost: Used", "Billed Cost: Used", "9"},
		{"unused reservation", KindRIFee, "2", "0", "Effective Cost: Unused", "Billed Cost: Unused", "0"},
		{"unused savings plan", KindSPRecurringFee, "1", "0", "Effective Cost: Unused", "Billed Cost: Unused", "0"},
		{"purchase", KindOther, "0", "300", "Effective Cost: Purchase", "Billed Cost: Purchase", "0"},
		{"other provider", KindOther, "0", "0", LabelOtherProvider, LabelOtherProvider, "0"},
	}
	for _, metricOnly := range []bool{false, true} {
		for _, m := range []Metric{Amortized, Unblended} {
			ev, c := evalFOCUSFile(t, rows, metricOnly, m)
			if c.Len != len(tests) {
				t.Fatalf("rows = %d, want %d", c.Len, len(tests))
			}
			for i, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					if c.Kind[i] != tc.kind {
						t.Errorf("kind = %d, want %d", c.Kind[i], tc.kind)
					}
					if got := c.Cost[Amortized][i].String(); got != tc.amortized {
						t.Errorf("amortized = %s, want %s", got, tc.amortized)
					}
					if got := c.Cost[Unblended][i].String(); got != tc.billed {
						t.Errorf("unblended = %s, want %s", got, tc.billed)
					}
					if got := ev.Labels()[c.Label[Amortized][i]]; got != tc.labelA {
						t.Errorf("amortized label = %q, want %q", got, tc.labelA)
					}
					if got := ev.Labels()[c.Label[Unblended][i]]; got != tc.labelU {
						t.Errorf("unblended label = %q, want %q", got, tc.labelU)
					}
					if got := c.OnDemand[i].String(); got != tc.onDemand {
						t.Errorf("on-demand = %s, want %s", got, tc.onDemand)
					}
					if c.TrueUp[i] != 0 || c.Discount[i] != 0 {
						t.Errorf("true-up %s, discount %s: FOCUS has neither", c.TrueUp[i], c.Discount[i])
					}
				})
			}
		}
	}
}

// TestFOCUSListPrice: a usage row has a public price where its ListUnitPrice is set (AWS's
// exports), else where x_OnDemandCost is (curnorm's own output, which writes no unit price);
// without either column every usage row with a ListCost has one.
func TestFOCUSListPrice(t *testing.T) {
	const rows = "Usage,10,8,12,%[1]s\nUsage,3,3,3,\nUsage,0,5,9,%[1]s\n"
	tests := []struct {
		name, column, mark string
		priced             []bool
	}{
		{"ListUnitPrice", "ListUnitPrice", "0.5", []bool{true, false, true}},
		{"x_OnDemandCost", "x_OnDemandCost", "12", []bool{true, false, true}},
		{"neither", "x_Other", "", []bool{true, true, true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, metricOnly := range []bool{false, true} {
				text := "ChargeCategory,BilledCost,EffectiveCost,ListCost," + tc.column + "\n" + fmt.Sprintf(rows, tc.mark)
				_, c := evalFOCUSText(t, text, metricOnly, Amortized)
				if !slices.Equal(c.Priced, tc.priced) {
					t.Errorf("metric only %v: priced = %v, want %v", metricOnly, c.Priced, tc.priced)
				}
				for i, p := range c.Priced {
					if !p && c.OnDemand[i] != 0 {
						t.Errorf("row %d: unpriced, on-demand %s", i, c.OnDemand[i])
					}
				}
			}
		})
	}
}

// TestFOCUSOtherProviders: rows of other providers are counted per provider and currency, and
// the evaluators of one file's consumers report them once, summed.
func TestFOCUSOtherProviders(t *testing.T) {
	a, _ := evalFOCUSFile(t, "40,40,40,Usage,,,Microsoft,USD\n1,1,1,Usage,,,AWS,USD\n", false, Amortized)
	b, _ := evalFOCUSFile(t, "2.5,2.5,2.5,Usage,,,Microsoft,USD\n7,7,7,Usage,,,Google Cloud,EUR\n", false, Amortized)
	a.Absorb(b)
	want := []string{
		"1 row of provider Google Cloud left out (BilledCost 7 EUR): curnorm prices AWS charges only",
		"2 rows of provider Microsoft left out (BilledCost 42.5 USD): curnorm prices AWS charges only",
	}
	if got := a.Assumptions(); !slices.Equal(got, want) {
		t.Errorf("assumptions:\n%q\nwant\n%q", got, want)
	}
	if got := b.Assumptions(); len(got) != 0 {
		t.Errorf("absorbed evaluator still reports %q", got)
	}
}

func TestCheckFOCUS(t *testing.T) {
	for _, m := range Metrics {
		err := CheckFOCUS(m)
		if want := m == Amortized || m == Unblended; (err == nil) != want || (err != nil && !errors.Is(err, ErrNoFOCUSMeaning)) {
			t.Errorf("CheckFOCUS(%s) = %v", m, err)
		}
	}
}
