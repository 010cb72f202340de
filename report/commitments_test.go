package report_test

import (
	"context"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// TestCommitmentsWorkedBill holds the commitments of the worked bill, in both flavours, to the
// figures of its EXPECTED.md: sp-1 commits 7200 and uses 6000 on usage that cost 9000 on
// demand; ri-1 commits 850 (its upfront fee for the period) and uses 730.
func TestCommitmentsWorkedBill(t *testing.T) {
	for _, file := range []string{"bill-legacy.csv", "bill-cur2.csv"} {
		t.Run(file, func(t *testing.T) {
			bill := reporttest.SharedSample(t, "worked", file)
			res, err := report.Commitments(context.Background(), []cur.Source{{Path: bill}}, report.CommitmentOptions{})
			if err != nil {
				t.Fatal(err)
			}
			byARN := map[string]*report.Commitment{}
			for _, c := range res.Commitments {
				byARN[path.Base(c.ARN)] = c
			}
			for arn, want := range map[string]struct {
				kind                                                  report.CommitmentKind
				commitment, used, unused, od, cost, savings, utilised string
			}{
				"sp-1": {report.SavingsPlan, "7200", "6000", "1200", "9000", "6000", "3000", "5/6"},
				"ri-1": {report.Reservation, "850", "730", "120", "1600", "730", "870", "73/85"},
			} {
				c := byARN[arn]
				if c == nil {
					t.Fatalf("%s missing from %v", arn, res.Commitments)
				}
				got := []string{c.Commitment.String(), c.Used.String(), c.Unused.String(), c.CoveredOnDemand.String(),
					c.CoveredCost.String(), c.Savings().String(), c.Utilisation().RatString()}
				wantList := []string{want.commitment, want.used, want.unused, want.od, want.cost, want.savings, want.utilised}
				if c.Kind != want.kind || c.FeeRows != 1 || c.Period != "2026-10" || c.Currency != "USD" || c.Type == "" {
					t.Errorf("%s: kind %s, %d fee rows, %s %s", arn, c.Kind, c.FeeRows, c.Period, c.Currency)
				}
				for i := range got {
					if got[i] != wantList[i] {
						t.Errorf("%s: commitment, used, unused, on-demand, cost, savings, utilisation = %v, want %v", arn, got, wantList)
						break
					}
				}
			}
			if len(res.Commitments) != 2 {
				t.Errorf("%d commitments, want sp-1 and ri-1 (sp-2 was returned: no recurring fee, no covered usage)", len(res.Commitments))
			}
		})
	}
}

// TestCommitmentsTieToReport: on every bill, the unused commitment of the commitments sums to
// the report summary's unused Savings Plan and reservation figures, and a Savings Plan's used
// commitment to its covered rows' effective cost, exactly.
func TestCommitmentsTieToReport(t *testing.T) {
	dir := t.TempDir()
	var bills []string
	for _, fl := range []cur.Flavour{cur.LegacyCSV, cur.CUR2Parquet} {
		paths, err := sample.Generate(filepath.Join(dir, fl.String()), sample.Options{Flavour: fl, Rows: 20_000, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		bills = append(bills, paths...)
	}
	for _, file := range []string{"bill-legacy.csv", "bill-cur2.csv"} {
		if p := reporttest.SharedSample(t, "worked", file); p != "" {
			bills = append(bills, p)
		}
	}
	for _, path := range bills {
		src := []cur.Source{{Path: path}}
		res, err := report.Commitments(context.Background(), src, report.CommitmentOptions{})
		if err != nil {
			t.Fatal(err)
		}
		run := reporttest.Run(t, path, pricing.Amortized)
		var wantSP, wantRI, gotSP, gotRI money.Sum
		for _, s := range run.Summaries {
			wantSP.AddSum(s.UnusedSP)
			wantRI.AddSum(s.UnusedRI)
		}
		for _, c := range res.Commitments {
			switch c.Kind {
			case report.SavingsPlan:
				gotSP.AddSum(c.Unused)
				if c.FeeRows > 0 && c.Used.Cmp(c.CoveredCost) != 0 {
					t.Errorf("%s: %s used %s, its covered rows cost %s", path, c.ARN, c.Used, c.CoveredCost)
				}
			case report.Reservation:
				gotRI.AddSum(c.Unused)
			}
		}
		if gotSP.Cmp(wantSP) != 0 || gotRI.Cmp(wantRI) != 0 {
			t.Errorf("%s: unused SP %s, RI %s; the report says %s and %s", path, gotSP, gotRI, wantSP, wantRI)
		}
		if len(res.Commitments) == 0 {
			t.Errorf("%s: no commitments", path)
		}
	}
}

func TestCommitmentDaysLeft(t *testing.T) {
	c := &report.Commitment{End: "2027-01-01T00:00:00Z"}
	if d, ok := c.DaysLeft(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)); !ok || d != 27 {
		t.Errorf("days left %d, %v; want 27", d, ok)
	}
	if _, ok := (&report.Commitment{}).DaysLeft(time.Now()); ok {
		t.Error("days left without an end date")
	}
	if u := (&report.Commitment{}).Utilisation(); u != nil {
		t.Errorf("utilisation of nothing committed: %v", u)
	}
}

// TestCoverageWorkedBill: reservations and Savings Plans cover (9000 + 1600) of the worked
// bill's 10820 of priced usage at on-demand prices, in both flavours and for any grouping.
func TestCoverageWorkedBill(t *testing.T) {
	for _, file := range []string{"bill-legacy.csv", "bill-cur2.csv"} {
		bill := reporttest.SharedSample(t, "worked", file)
		for _, by := range [][]string{nil, {"service"}, {"account", "region"}} {
			o := report.Options{Metric: pricing.Amortized, Coverage: true, Jobs: 1}
			for _, b := range by {
				d, err := report.ParseDimension(b)
				if err != nil {
					t.Fatal(err)
				}
				o.Dims = append(o.Dims, d)
			}
			res, err := report.Run(context.Background(), []cur.Source{{Path: bill}}, o)
			if err != nil {
				t.Fatal(err)
			}
			tot := res.Totals[0]
			if tot.CoveredRI.String() != "1600" || tot.CoveredSP.String() != "9000" || tot.OnDemand.String() != "10820" ||
				tot.Coverage().RatString() != "530/541" {
				t.Errorf("%s by %v: RI %s SP %s of %s, coverage %v", file, by, tot.CoveredRI, tot.CoveredSP, tot.OnDemand, tot.Coverage())
			}
			var ri, sp money.Sum
			for _, g := range res.Groups {
				ri.AddSum(g.CoveredRI)
				sp.AddSum(g.CoveredSP)
			}
			if ri.Cmp(tot.CoveredRI) != 0 || sp.Cmp(tot.CoveredSP) != 0 {
				t.Errorf("%s by %v: groups cover RI %s SP %s, the total %s %s", file, by, ri, sp, tot.CoveredRI, tot.CoveredSP)
			}
		}
	}
}
