package drift

import (
	"math/big"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

func TestLimitBreaks(t *testing.T) {
	limit := func(specs ...string) Limit {
		l, err := ParseLimit("max-increase", specs)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	r := func(s string) *big.Rat { v, _ := new(big.Rat).SetString(s); return v }
	for _, tc := range []struct {
		limit     Limit
		move, old string
		breaks    bool
	}{
		{limit("10%"), "10", "100", false}, // exactly the limit passes
		{limit("10%"), "10.0000000001", "100", true},
		{limit("10%"), "0", "0", false},
		{limit("10%"), "0.01", "0", true},  // any growth from 0 is unbounded
		{limit("10%"), "20", "-100", true}, // percentages of |old|: a credit shrinking by 20%
		{limit("500"), "500", "1", false},
		{limit("500"), "501", "1", true},
		{limit("10%", "500"), "600", "100000", false}, // breaks the amount only
		{limit("10%", "500"), "100", "100", false},    // breaks the percentage only: under the floor
		{limit("10%", "500"), "600", "1000", true},
		{limit("500", "10%"), "600", "1000", true},
	} {
		if got := tc.limit.breaks(r(tc.move), r(tc.old)); got != tc.breaks {
			t.Errorf("%s: move %s from %s breaks %v, want %v", tc.limit.Text, tc.move, tc.old, got, tc.breaks)
		}
	}
	if l := limit("500", "12.5%"); l.Text != "12.5% and 500" || l.Pct.Cmp(big.NewRat(1, 8)) != 0 {
		t.Errorf("parsed %q, %v", l.Text, l.Pct)
	}
}

func TestParseLimitErrors(t *testing.T) {
	for _, specs := range [][]string{{"ten"}, {"-5%"}, {"10%", "20%"}, {"5", "6"}, {"1e3"}, {"%"}} {
		if _, err := ParseLimit("max-decrease", specs); err == nil || !strings.HasPrefix(err.Error(), "--max-decrease") {
			t.Errorf("ParseLimit(%q): %v", specs, err)
		}
	}
	if _, err := ParseAmount("min-cost", "5%"); err == nil {
		t.Error("--min-cost 5% accepted")
	}
	if l, err := ParseAmount("min-cost", ""); err != nil || l.IsSet() {
		t.Errorf("empty --min-cost: %v, %v", l, err)
	}
}

func TestParseFailOn(t *testing.T) {
	got, err := ParseFailOn([]string{"provisional", " over-on-demand", "provisional"})
	if err != nil || strings.Join(got, ",") != "provisional,over-on-demand" {
		t.Errorf("got %v, %v", got, err)
	}
	if got, _ := ParseFailOn([]string{"provisional", "all"}); len(got) != len(FindingNames()) {
		t.Errorf("all: %v", got)
	}
	if _, err := ParseFailOn([]string{"overondemand"}); err == nil || !strings.Contains(err.Error(), "valid: reconciliation, over-on-demand") {
		t.Errorf("unknown name: %v", err)
	}
}

// findingByName returns the named finding of a check.
func findingByName(t *testing.T, c *CheckResult, name string) *Finding {
	t.Helper()
	for _, f := range c.Findings {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no finding %s", name)
	return nil
}

func TestFindingsOnWorkedBill(t *testing.T) {
	res := reporttest.Run(t, reporttest.SharedSample(t, "worked", "bill-legacy.csv"), pricing.Amortized, "resource")
	c := Check(res, nil, CheckOptions{FailOn: []string{FindingOverOnDemand, FindingProvisional}})
	over := findingByName(t, c, FindingOverOnDemand)
	if !over.Fired || !over.Fails || len(over.Items) != 1 || over.Items[0].Key[0] != "i-b3" || over.Items[0].Amount.String() != "30" {
		t.Errorf("over-on-demand: %+v", over)
	}
	if f := findingByName(t, c, FindingProvisional); f.Fired || f.Fails {
		t.Error("the worked bill is final")
	}
	if f := findingByName(t, c, FindingReconciliation); f.Fired || f.NotApplicable {
		t.Errorf("reconciliation: %+v", f)
	}
	if f := findingByName(t, c, FindingUnpricedUsage); !f.Fired || f.Fails || f.Items[0].Amount.String() != "50" {
		t.Errorf("unpriced usage: %+v", f)
	}
	if c.Passed() {
		t.Error("a chosen finding fired, yet the check passed")
	}
}
