package report_test

import (
	"context"
	"path"
	"path/filepath"
	"strings"
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
// the report summary's unused Savings Plan and reservation figures, and a commitment's used
// commitment (with its fee in the bill) to its covered rows' effective cost, exactly.
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
	for _, file := range []string{"own-legacy.csv", "own-cur2.csv", "commitments-legacy.csv", "commitments-cur2.csv"} {
		bills = append(bills, filepath.Join("..", "testdata", "bills", file))
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
				if c.FeeRows > 0 && c.Used.Cmp(c.CoveredCost) != 0 {
					t.Errorf("%s: %s used %s, its covered rows cost %s", path, c.ARN, c.Used, c.CoveredCost)
				}
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

// TestCommitmentsOwnFixtures holds testdata/bills/commitments-*.csv (the same 26 line items
// as a legacy and a CUR 2.0 CSV, USD, two final months) to figures worked out by hand:
//
//	2026-10  sp-a  Compute SP starting 2026-10-16: 16 days at 1/h = 384; covered 400 + 100
//	               on demand at 300 + 60 → used 360, unused 24, utilisation 15/16
//	         sp-b  EC2 Instance SP, partial upfront 372 + recurring 372 = 744; covered 1000
//	               at 700 → unused 44
//	         ri-c  EC2 RI, recurring 100 + amortized upfront 200 = 300; covered 400 + 300 at
//	               150 + 120; unused 20 + 10 → utilisation 0.9
//	         ri-d  RDS RI starting 2026-10-10: 22 days, recurring 66; covered 90 at 60
//	2026-11  sp-a  720; covered 900 at 650 → unused 70
//	         sp-b  360 + 360; covered 600 + 500 at 400 + 320 → used 720, utilisation 1
//	         ri-c  ends 2026-11-15: recurring 50 + upfront 100; covered 200 at 135; unused 15
//	         ri-d  recurring 90; covered 135 at 90 → utilisation 1
//
// Unused per month, SP 24 + 44 = 68 and 70, RI 30 + 6 = 36 and 15, is the report summary's
// unused commitment; every commitment's used equals its covered rows' effective cost.
func TestCommitmentsOwnFixtures(t *testing.T) {
	want := map[string][7]string{ // commitment, used, unused, utilisation, covered on-demand, covered cost, savings
		"2026-10 sp-a": {"384", "360", "24", "15/16", "500", "360", "140"},
		"2026-10 sp-b": {"744", "700", "44", "175/186", "1000", "700", "300"},
		"2026-10 ri-c": {"300", "270", "30", "9/10", "700", "270", "430"},
		"2026-10 ri-d": {"66", "60", "6", "10/11", "90", "60", "30"},
		"2026-11 sp-a": {"720", "650", "70", "65/72", "900", "650", "250"},
		"2026-11 sp-b": {"720", "720", "0", "1", "1100", "720", "380"},
		"2026-11 ri-c": {"150", "135", "15", "9/10", "200", "135", "65"},
		"2026-11 ri-d": {"90", "90", "0", "1", "135", "90", "45"},
	}
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	days := map[string]int{"sp-a": 316, "sp-b": 16, "ri-c": -19, "ri-d": 310}
	for _, file := range []string{"commitments-legacy.csv", "commitments-cur2.csv"} {
		t.Run(file, func(t *testing.T) {
			p := filepath.Join("..", "testdata", "bills", file)
			res, err := report.Commitments(context.Background(), []cur.Source{{Path: p}}, report.CommitmentOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Commitments) != len(want) || len(res.Warnings) != 0 {
				t.Fatalf("%d commitments, warnings %v", len(res.Commitments), res.Warnings)
			}
			unused := map[string]*money.Sum{}
			for _, c := range res.Commitments {
				id := path.Base(strings.ReplaceAll(c.ARN, ":", "/"))
				w, ok := want[c.Period+" "+id]
				if !ok {
					t.Fatalf("unexpected %s %s", c.Period, c.ARN)
				}
				got := [7]string{c.Commitment.String(), c.Used.String(), c.Unused.String(), c.Utilisation().RatString(),
					c.CoveredOnDemand.String(), c.CoveredCost.String(), c.Savings().String()}
				if got != w {
					t.Errorf("%s %s: %v, want %v", c.Period, id, got, w)
				}
				if c.Used.Cmp(c.CoveredCost) != 0 || c.FeeRows != 1 || c.BadFeeRows != 0 || c.Currency != "USD" {
					t.Errorf("%s %s: used %s, covered cost %s, %d fee rows (%d bad)", c.Period, id, c.Used, c.CoveredCost, c.FeeRows, c.BadFeeRows)
				}
				if d, ok := c.DaysLeft(now); !ok || d != days[id] {
					t.Errorf("%s: %d days left (%v), want %d", id, d, ok, days[id])
				}
				k := c.Period + " " + string(c.Kind)
				if unused[k] == nil {
					unused[k] = &money.Sum{}
				}
				unused[k].AddSum(c.Unused)
			}
			run := reporttest.Run(t, p, pricing.Amortized)
			for _, s := range run.Summaries {
				if !s.ReconciliationHolds() {
					t.Errorf("%s: the fixture does not reconcile (residual %s)", s.Period, s.Residual())
				}
				if unused[s.Period+" SavingsPlan"].Cmp(s.UnusedSP) != 0 || unused[s.Period+" Reservation"].Cmp(s.UnusedRI) != 0 {
					t.Errorf("%s: unused SP %s RI %s; the report says %s and %s", s.Period, unused[s.Period+" SavingsPlan"],
						unused[s.Period+" Reservation"], s.UnusedSP, s.UnusedRI)
				}
			}
		})
	}
}
