package report

import (
	"bytes"
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
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

func TestCheckRules(t *testing.T) {
	dir := t.TempDir()
	oct, opts := cutSide(t, dir, "oct.csv", octBill)
	nov, _ := cutSide(t, dir, "nov.csv", strings.ReplaceAll(novBill, ",2026-11", "INV,2026-11")+
		"INV,2026-11-01T00:00:00Z,1,Usage,2026-11-02T00:00:00Z,AmazonSageMaker,nb,USD,400,400\n"+
		"INV,2026-11-01T00:00:00Z,1,Usage,2026-11-02T00:00:00Z,AmazonRoute53,z,USD,3,3\n")
	d, err := Compare(context.Background(), oct, nov, CompareAuto, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Both final: compared as is. EC2 320 → 250, S3 90 → 45, SageMaker and Route53 new.
	inc, _ := ParseLimit("max-increase", []string{"10%"})
	dec, _ := ParseLimit("max-decrease", []string{"40%", "30"})
	newCost, _ := ParseAmount("max-new-group-cost", "100")
	minCost, _ := ParseAmount("min-cost", "50")
	c := Check(nov.Result, d, CheckOptions{MaxIncrease: inc, MaxDecrease: dec, MaxNewGroupCost: newCost, MinCost: minCost})
	printMoney := WriteOptions{Precision: -1}.ratMoney(-1)
	var got []string
	for _, r := range c.Rules {
		line := r.Name()
		for _, f := range r.Failures {
			if r.Groups {
				line += " " + strings.Join(f.Key, ",")
			}
		}
		got = append(got, line+" | "+ruleDetail(r, printMoney))
	}
	want := []string{
		"max-increase 10%: total USD | 410 → 698 (+288, +70.2%)",
		"max-decrease 40% and 30: total USD | held",
		"max-increase 10%: groups USD | 0 of 2 groups failed",
		"max-decrease 40% and 30: groups USD AmazonS3 | 1 of 2 groups failed",
		"max-new-group-cost 100: groups USD AmazonSageMaker | 1 of 1 group failed, 1 under --min-cost",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c.Passed() || c.FailedRules() != 3 {
		t.Errorf("passed %v with %d failed rules", c.Passed(), c.FailedRules())
	}
}

func TestFindingsOnWorkedBill(t *testing.T) {
	res := mustRun(t, sharedSample(t, "worked", "bill-legacy.csv"), pricing.Amortized, "resource")
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

func TestFindingSkippedRows(t *testing.T) {
	res := &Result{Metric: pricing.Amortized, Skipped: []cur.SkipCount{
		{File: "a.csv", Reason: cur.SkipInvalidNumber, Rows: 2, First: `a.csv:3: column lineItem/UnblendedCost: invalid number "x"`},
		{File: "b.csv.gz", Reason: cur.SkipUnreadableFile, First: "b.csv.gz: corrupt or truncated file"},
	}}
	c := Check(res, nil, CheckOptions{FailOn: []string{FindingSkippedRows}})
	f := findingByName(t, c, FindingSkippedRows)
	if !f.Fired || !f.Fails || c.Passed() || f.Measure != "" {
		t.Fatalf("%+v", f)
	}
	if want := "2 rows skipped in 2 files under --on-error skip, 1 file unreadable and left out whole: the figures miss them"; findingSummary(f, nil) != want {
		t.Errorf("summary %q, want %q", findingSummary(f, nil), want)
	}
	printMoney := money.Sum.String
	if got := findingDetail(f, &f.Items[1], nil, printMoney); got != "b.csv.gz: unreadable, left out whole (0 rows read before the failure): b.csv.gz: corrupt or truncated file" {
		t.Errorf("item %q", got)
	}
	// Read back from a baseline, the skipped input is still there.
	var doc bytes.Buffer
	if err := Write(&doc, res, WriteOptions{Format: "json", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadBaseline(&doc, "b.json")
	if err != nil || len(back.Skipped) != 2 || back.Skipped[0] != res.Skipped[0] {
		t.Errorf("read back: %v, %+v", err, back)
	}
}

// A check whose sides hold no cost at all still states the rules it was given, never that
// none were.
func TestCheckStatesRulesGivenWithNothingToJudge(t *testing.T) {
	inc, _ := ParseLimit("max-increase", []string{"10%"})
	d := &Diff{Dimensions: []string{"service"}, Old: SideInfo{Factor: big.NewRat(1, 1)}, New: SideInfo{Factor: big.NewRat(1, 1)}}
	c := Check(&Result{Dimensions: []string{"service"}}, d, CheckOptions{MaxIncrease: inc})
	var buf bytes.Buffer
	if err := WriteCheck(&buf, c, WriteOptions{Format: "table", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"rules: max-increase 10% on service groups and totals (no currency on both sides)\n",
		"  none applied: neither side holds any cost\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "none given") || strings.Contains(out, "no drift rule") {
		t.Errorf("output says no rule was given:\n%s", out)
	}
}
