package drift

import (
	"context"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
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

func TestParseShare(t *testing.T) {
	for s, want := range map[string]string{"90%": "9/10", "0.9": "9/10", "87.5%": "7/8", ".5": "1/2", "1": "1", "0": "0", "100%": "1", "0%": "0"} {
		l, err := ParseShare("min-utilization", s)
		if err != nil || l.Pct.RatString() != want || l.Text != s {
			t.Errorf("%q: %v, %v; want %s", s, l.Pct, err, want)
		}
	}
	for _, s := range []string{"190%", "1.5", "90", "-10%", "abc", "90%%", "0.9%x", "1e-1", "%"} {
		if _, err := ParseShare("min-utilization", s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if l, err := ParseShare("min-coverage", ""); err != nil || l.IsSet() {
		t.Errorf("empty: %v, %v", l, err)
	}
	for s, want := range map[string]int{"30d": 30, "30": 30, "0d": 0, "": -1} {
		if l, err := ParseDays("expiring", s); err != nil || l.Days() != want {
			t.Errorf("days %q: %d, %v", s, l.Days(), err)
		}
	}
	for _, s := range []string{"-1d", "soon", "30dd", "1.5d", "+3d", "99999999999d"} {
		if _, err := ParseDays("expiring", s); err == nil {
			t.Errorf("days %q accepted", s)
		}
	}
}

func TestParseFailOn(t *testing.T) {
	got, err := ParseFailOn([]string{"provisional", " over-on-demand", "provisional"}, CheckOptions{})
	if err != nil || strings.Join(got, ",") != "provisional,over-on-demand" {
		t.Errorf("got %v, %v", got, err)
	}
	if got, _ := ParseFailOn([]string{"provisional", "all"}, CheckOptions{}); len(got) != len(FindingNames())-3 || slices.Contains(got, FindingLowUtilization) {
		t.Errorf("all without thresholds: %v", got)
	}
	share, _ := ParseShare("min-utilization", "90%")
	if got, _ := ParseFailOn([]string{"all"}, CheckOptions{MinUtilization: share}); len(got) != len(FindingNames())-2 || !slices.Contains(got, FindingLowUtilization) {
		t.Errorf("all with --min-utilization: %v", got)
	}
	if _, err := ParseFailOn([]string{"low-coverage"}, CheckOptions{}); err == nil || !strings.Contains(err.Error(), "give --min-coverage") {
		t.Errorf("low-coverage without its threshold: %v", err)
	}
	if _, err := ParseFailOn([]string{"all", "bogus"}, CheckOptions{}); err == nil {
		t.Error("an unknown name beside all was accepted")
	}
	if _, err := ParseFailOn([]string{"overondemand"}, CheckOptions{}); err == nil || !strings.Contains(err.Error(), "valid: reconciliation, over-on-demand") {
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
	c := Check(res, nil, CheckOptions{FailOn: []string{FindingOverOnDemand, FindingProvisional}}, nil)
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

// TestCommitmentFindingsWorkedBill judges the worked bill's commitments: sp-1 is used 83.3%
// and ri-1 85.9%, so 85% fails sp-1 alone and 90% both; coverage is 530/541 (98.0%); sp-1
// ends on 2027-10-01 and ri-1 on 2027-10-01 too (EXPECTED.md).
func TestCommitmentFindingsWorkedBill(t *testing.T) {
	for _, file := range []string{"bill-legacy.csv", "bill-cur2.csv"} {
		t.Run(file, func(t *testing.T) {
			bill := reporttest.SharedSample(t, "worked", file)
			cm, err := report.Commitments(context.Background(), []cur.Source{{Path: bill}}, report.CommitmentOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := report.Run(context.Background(), []cur.Source{{Path: bill}}, report.Options{Metric: pricing.Amortized, Coverage: true, Jobs: 1})
			if err != nil {
				t.Fatal(err)
			}
			share := func(s string) Limit {
				l, err := ParseShare("x", s)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			days, _ := ParseDays("expiring", "30d")
			o := CheckOptions{MinUtilization: share("85%"), MinCoverage: share("0.99"), Expiring: days,
				FailOn: []string{FindingLowUtilization}}
			c := Check(res, nil, o, cm)
			low := findingByName(t, c, FindingLowUtilization)
			if !low.Fired || !low.Fails || low.Checked != 2 || len(low.Items) != 1 || low.Items[0].Commitment.ARN[len(low.Items[0].Commitment.ARN)-4:] != "sp-1" ||
				low.Items[0].Amount.String() != "1200" {
				t.Errorf("low-utilization at 85%%: %+v", low)
			}
			if c.Passed() {
				t.Error("a chosen finding fired, yet the check passed")
			}
			o.MinUtilization = share("0.9")
			if low := findingByName(t, Check(res, nil, o, cm), FindingLowUtilization); len(low.Items) != 2 || low.Items[0].Amount.String() != "1200" {
				t.Errorf("low-utilization at 90%%: %+v", low)
			}
			o.MinUtilization = share("85.88%")
			if low := findingByName(t, Check(res, nil, o, cm), FindingLowUtilization); len(low.Items) != 1 {
				t.Errorf("ri-1 at 85.88%% is used 85.882...%%, above the limit: %+v", low.Items)
			}
			cov := findingByName(t, c, FindingLowCoverage)
			if !cov.Fired || cov.Fails || cov.Checked != 1 || cov.Items[0].Amount.String() != "220" {
				t.Errorf("low-coverage at 99%%: %+v", cov)
			}
			o.MinCoverage = share("97.96%")
			if cov := findingByName(t, Check(res, nil, o, cm), FindingLowCoverage); cov.Fired {
				t.Errorf("coverage 530/541 (97.966%%) is above 97.96%%: %+v", cov.Items)
			}
			o.MinCoverage = share("97.97%")
			if cov := findingByName(t, Check(res, nil, o, cm), FindingLowCoverage); !cov.Fired {
				t.Error("coverage 530/541 (97.966%) is below 97.97%")
			}
			// The worked bill gives no end dates: expiry is not applicable, and says so.
			if exp := findingByName(t, c, FindingExpiring); !exp.NotApplicable || exp.Reason != NotApplicableNoEndDates || exp.Unjudged != 2 {
				t.Errorf("expiry: %+v", exp)
			}
		})
	}
}

// TestExpiringFinding: a commitment fires from the day its end is 30 days away to its end,
// judged once at its last billing period; an ended one never does.
func TestExpiringFinding(t *testing.T) {
	cs := []*report.Commitment{
		{ARN: "sp-a", Period: "2026-11", End: "2026-12-20T00:00:00Z", FeeRows: 1},
		{ARN: "sp-a", Period: "2026-10", End: "2026-12-20T00:00:00Z", FeeRows: 1},
		{ARN: "ri-b", Period: "2026-11", End: "2026-12-05T12:00:00Z", FeeRows: 1},
		{ARN: "ri-gone", Period: "2026-11", End: "2026-11-30T00:00:00Z", FeeRows: 1},
		{ARN: "sp-late", Period: "2026-11", End: "2027-06-01T00:00:00Z", FeeRows: 1},
		{ARN: "sp-noend", Period: "2026-11", FeeRows: 1},
	}
	days, _ := ParseDays("expiring", "30d")
	now := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	f := findingByName(t, Check(&report.Result{}, nil, CheckOptions{Expiring: days, Now: now}, &report.CommitmentResult{Commitments: cs}), FindingExpiring)
	var got []string
	for _, it := range f.Items {
		got = append(got, it.Commitment.ARN+"@"+it.Period+":"+strconv.Itoa(it.DaysLeft))
	}
	if strings.Join(got, " ") != "ri-b@2026-11:0 sp-a@2026-11:15" || f.Checked != 4 || f.Unjudged != 1 || f.NotApplicable {
		t.Errorf("expiring within 30d: %v, checked %d, unjudged %d", got, f.Checked, f.Unjudged)
	}
	days, _ = ParseDays("expiring", "0d")
	f = findingByName(t, Check(&report.Result{}, nil, CheckOptions{Expiring: days, Now: now}, &report.CommitmentResult{Commitments: cs}), FindingExpiring)
	if len(f.Items) != 1 || f.Items[0].Commitment.ARN != "ri-b" {
		t.Errorf("within 0 days: %+v", f.Items)
	}
}

// TestCommitmentFindingsNothingToJudge: a threshold given on a bill without commitments or
// priced usage is not applicable, and says so; it neither fires nor fails.
func TestCommitmentFindingsNothingToJudge(t *testing.T) {
	share, _ := ParseShare("min-utilization", "90%")
	days, _ := ParseDays("expiring", "30d")
	o := CheckOptions{MinUtilization: share, MinCoverage: share, Expiring: days,
		FailOn: []string{FindingLowUtilization, FindingLowCoverage, FindingExpiring}}
	c := Check(&report.Result{}, nil, o, &report.CommitmentResult{})
	for name, reason := range map[string]string{FindingLowUtilization: NotApplicableNoCommitments, FindingLowCoverage: NotApplicableNoPricedUsage,
		FindingExpiring: NotApplicableNoCommitments} {
		if f := findingByName(t, c, name); !f.NotApplicable || f.Reason != reason || f.Fired || f.Fails {
			t.Errorf("%s: %+v", name, f)
		}
	}
	// A plan whose fee is in another bill has no utilisation, nor (here) an end date.
	elsewhere := &report.CommitmentResult{Commitments: []*report.Commitment{{ARN: "sp-x", CoveredRows: 1}}}
	c = Check(&report.Result{}, nil, o, elsewhere)
	if f := findingByName(t, c, FindingLowUtilization); f.Reason != NotApplicableNoFees || f.Unjudged != 1 {
		t.Errorf("fee elsewhere: %+v", f)
	}
	if f := findingByName(t, c, FindingExpiring); f.Reason != NotApplicableNoEndDates || f.Unjudged != 1 {
		t.Errorf("no end date: %+v", f)
	}
	// Without thresholds, none of the three is judged or reported.
	for _, f := range Check(&report.Result{}, nil, CheckOptions{}, nil).Findings {
		if f.Limit != "" || f.Name == FindingLowCoverage {
			t.Errorf("%s reported without its threshold", f.Name)
		}
	}
}
