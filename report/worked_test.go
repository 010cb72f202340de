package report_test

import (
	"testing"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// groupCosts maps the first key value of each group to its cost.
func groupCosts(res *report.Result) map[string]string {
	out := map[string]string{}
	for _, g := range res.Groups {
		out[g.Key[0]] = g.Cost.String()
	}
	return out
}

func checkMap(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s[%s] = %s, want %s", what, k, got[k], v)
		}
	}
}

// TestWorkedBill checks every figure of shared/samples/worked/EXPECTED.md in both flavours.
func TestWorkedBill(t *testing.T) {
	for _, file := range []string{"bill-legacy.csv", "bill-cur2.csv"} {
		t.Run(file, func(t *testing.T) {
			path := reporttest.SharedSample(t, "worked", file)
			checkWorkedBill(t, path)
		})
	}
}

func checkWorkedBill(t *testing.T, path string) {
	res := reporttest.Run(t, path, pricing.Amortized, "line-item-type")
	if len(res.Summaries) != 1 {
		t.Fatalf("summaries = %d, want 1", len(res.Summaries))
	}
	s := res.Summaries[0]
	totals := map[pricing.Metric]string{pricing.Unblended: "17740", pricing.Simple: "15470", pricing.Amortized: "8390"}
	for m, want := range totals {
		if got := s.ByMetric[m].String(); got != want {
			t.Errorf("total %s = %s, want %s", m, got, want)
		}
	}
	if s.Period != "2026-10" || s.Currency != "USD" || !s.Final() || s.Rows != 19 {
		t.Errorf("period %q currency %q final %v rows %d", s.Period, s.Currency, s.Final(), s.Rows)
	}
	for name, pair := range map[string][2]string{
		"on-demand":        {s.OnDemand.String(), "10820"},
		"priced cost":      {s.PricedCost.String(), "6910"},
		"savings":          {s.Savings().String(), "3910"},
		"unpriced cost":    {s.UnpricedCost.String(), "50"},
		"unused SP":        {s.UnusedSP.String(), "1200"},
		"unused RI":        {s.UnusedRI.String(), "120"},
		"true-up":          {s.TrueUp.String(), "-850"},
		"upfront fees":     {s.UpfrontFees.String(), "10700"},
		"excluded refunds": {s.ExcludedRefunds.String(), "-500"},
		"residual":         {s.Residual().String(), "0"},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s = %s, want %s", name, pair[0], pair[1])
		}
	}
	if s.UnpricedRows != 1 {
		t.Errorf("unpriced rows = %d, want 1", s.UnpricedRows)
	}
	if r, ok := s.EffectiveSavingsRate(); !ok || money.FormatRat(r, 10) != "0.2393715342" {
		t.Errorf("effective savings rate = %v", r)
	}
	if !s.ReconciliationApplies() || !s.ReconciliationHolds() {
		t.Error("reconciliation does not hold")
	}

	// Per line item type, under each metric. The RI upfront Fee and the returned-SP refund
	// keep their own type name: Fee and Refund.
	perType := map[string][4]string{ // rows, unblended, simple, amortized
		"SavingsPlanCoveredUsage": {"2", "9000", "6000", "6000"},
		"SavingsPlanNegation":     {"2", "-9000", "-9000", "0"},
		"SavingsPlanRecurringFee": {"1", "7200", "7200", "1200"},
		"SavingsPlanUpfrontFee":   {"1", "500", "500", "0"},
		"Fee":                     {"1", "10200", "10200", "0"},
		"DiscountedUsage":         {"3", "0", "730", "730"},
		"RIFee":                   {"1", "0", "0", "120"},
		"Usage":                   {"4", "230", "230", "230"},
		"Refund":                  {"1", "-500", "-500", "0"},
		"Credit":                  {"1", "-30", "-30", "-30"},
		"Tax":                     {"2", "140", "140", "140"},
	}
	if len(s.Types) != len(perType) {
		t.Errorf("types = %d, want %d", len(s.Types), len(perType))
	}
	for _, ts := range s.Types {
		want, ok := perType[ts.Type]
		if !ok {
			t.Errorf("unexpected type %q", ts.Type)
			continue
		}
		got := [4]string{itoa(ts.Rows), ts.ByMetric[pricing.Unblended].String(), ts.ByMetric[pricing.Simple].String(), ts.ByMetric[pricing.Amortized].String()}
		if got != want {
			t.Errorf("type %s = %v, want %v", ts.Type, got, want)
		}
	}
	// The rollup by line item type agrees with the summary.
	checkMap(t, "amortized by line-item-type", groupCosts(res), map[string]string{
		"SavingsPlanCoveredUsage": "6000", "SavingsPlanNegation": "0", "SavingsPlanRecurringFee": "1200",
		"SavingsPlanUpfrontFee": "0", "Fee": "0", "DiscountedUsage": "730", "RIFee": "120", "Usage": "230",
		"Refund": "0", "Credit": "-30", "Tax": "140"})

	checkMap(t, "amortized by account", groupCosts(reporttest.Run(t, path, pricing.Amortized, "account")),
		map[string]string{"111111111111": "7480", "222222222222": "910"})
	checkMap(t, "amortized by purchase option", groupCosts(reporttest.Run(t, path, pricing.Amortized, "purchase-option")),
		map[string]string{"SavingsPlan": "7200", "Reserved": "850", "Spot": "20", "OnDemand": "320"})

	byRes := reporttest.Run(t, path, pricing.Amortized, "resource")
	var over []string
	for _, g := range byRes.Groups {
		if g.OverOnDemand() {
			over = append(over, g.Key[0])
			if ex := g.PricedCost; true {
				ex.SubSum(g.OnDemand)
				if ex.String() != "30" {
					t.Errorf("i-b3 excess = %s, want 30", ex)
				}
			}
		}
	}
	if len(over) != 1 || over[0] != "i-b3" {
		t.Errorf("over on-demand by resource = %v, want [i-b3]", over)
	}
	for _, g := range reporttest.Run(t, path, pricing.Amortized, "service").Groups {
		if g.OverOnDemand() {
			t.Errorf("service %s over on-demand", g.Key[0])
		}
	}
}

func itoa(n int64) string { return money.SumOf(money.Amount(n * 10_000_000_000)).String() }
