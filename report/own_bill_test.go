package report_test

import (
	"path/filepath"
	"testing"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// The project's own hand-checked bill (testdata/bills/own-*.csv), one month in EUR for two
// accounts with leading zeros: a no-upfront Savings Plan (commitment 1000, used 910), a
// partial-upfront RI (amortized upfront 60, recurring 20, unused 8 + 2) with one row over
// on-demand (db-2: 30 vs 25), S3 usage with 10 decimals, a Marketplace row without a public
// price, a credit, tax, and a returned all-upfront Savings Plan (fee 300, refund −300).
//
//	unblended = 800−800+500−500+1000+20+12.3456789012+7−5+3.21+300−300 = 1037.5556789012
//	simple    = 560+350−1300+1000+70+20+19.3456789012−5+3.21+300−300   = 717.5556789012
//	amortized = 560+350+90+70+10+19.3456789012−5+3.21                  = 1097.5556789012
//	reconciliation: 1037.5556789012 = 1097.5556789012 − 60 + 300 − 300
//	priced usage: on-demand 800+500+100+25+15 = 1440, actual 992.3456789012
//	effective savings rate = 1 − (992.3456789012 + 90 + 10) / 1440 = 0.2414266119
func TestOwnBill(t *testing.T) {
	for _, file := range []string{"own-legacy.csv", "own-cur2.csv"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "bills", file)
			res := reporttest.Run(t, path, pricing.Amortized, "account")
			checkMap(t, "amortized by account", groupCosts(res), map[string]string{
				"000123456789": "664.3456789012", // 560+90+12.3456789012+7−5
				"000987654321": "433.21",         // 350+70+10+3.21
			})
			s := res.Summaries[0]
			if s.Currency != "EUR" || s.Period != "2026-09" || !s.Final() {
				t.Errorf("currency %s period %s final %v", s.Currency, s.Period, s.Final())
			}
			for m, want := range map[pricing.Metric]string{pricing.Unblended: "1037.5556789012", pricing.Simple: "717.5556789012",
				pricing.Amortized: "1097.5556789012", pricing.NetAmortized: "1097.5556789012", pricing.Blended: "1037.5556789012"} {
				if got := s.ByMetric[m].String(); got != want {
					t.Errorf("%s = %s, want %s", m, got, want)
				}
			}
			if s.OnDemand.String() != "1440" || s.PricedCost.String() != "992.3456789012" || s.UnusedSP.String() != "90" ||
				s.UnusedRI.String() != "10" || s.TrueUp.String() != "-60" || s.UpfrontFees.String() != "300" ||
				s.ExcludedRefunds.String() != "-300" || s.UnpricedRows != 1 || s.UnpricedCost.String() != "7" {
				t.Errorf("summary figures: od %s priced %s unusedSP %s unusedRI %s trueup %s upfront %s refunds %s unpriced %d/%s",
					s.OnDemand, s.PricedCost, s.UnusedSP, s.UnusedRI, s.TrueUp, s.UpfrontFees, s.ExcludedRefunds, s.UnpricedRows, s.UnpricedCost)
			}
			if r, ok := s.EffectiveSavingsRate(); !ok || money.FormatRat(r, 10) != "0.2414266119" {
				t.Errorf("effective savings rate = %v", r)
			}
			if !s.ReconciliationHolds() || !s.Residual().IsZero() {
				t.Errorf("reconciliation residual %s", s.Residual())
			}
			if s.FirstUsageDay != "2026-09-01" || s.LastUsageDay != "2026-09-30" {
				t.Errorf("usage days %s..%s", s.FirstUsageDay, s.LastUsageDay)
			}

			checkMap(t, "by tag:Team", groupCosts(reporttest.Run(t, path, pricing.Amortized, "tag:Team")), map[string]string{
				"search": "572.3456789012", "ads": "420", report.None: "105.21"})
			checkMap(t, "by cost-category:Env", groupCosts(reporttest.Run(t, path, pricing.Amortized, "cost-category:Env")), map[string]string{
				"prod": "612.3456789012", "dev": "30", report.None: "455.21"})
			checkMap(t, "by region", groupCosts(reporttest.Run(t, path, pricing.Amortized, "region")), map[string]string{
				"eu-west-1": "1099.3456789012", report.None: "-1.79"})
			checkMap(t, "by service-name", groupCosts(reporttest.Run(t, path, pricing.Amortized, "service-name")), map[string]string{
				"Amazon Elastic Compute Cloud": "910", "Savings Plans for AWS Compute usage": "90",
				"Amazon Relational Database Service": "83.21", "Amazon Simple Storage Service": "7.3456789012",
				"Example Firewall": "7"})
			checkMap(t, "by source", groupCosts(reporttest.Run(t, path, pricing.Amortized, "source")), map[string]string{
				pricing.LabelSPEffective: "910", pricing.LabelSPNegation: "0", pricing.LabelUnusedSP: "90", pricing.LabelRIEffective: "70",
				pricing.LabelUnusedRI: "10", pricing.LabelUnblended: "19.3456789012", "Unblended Cost: Credit": "-5",
				"Unblended Cost: Tax": "3.21", pricing.LabelUpfrontFee: "0", pricing.LabelReturnedRefund: "0"})
			checkMap(t, "by day", groupCosts(reporttest.Run(t, path, pricing.Amortized, "day")), map[string]string{
				"2026-09-01": "100", "2026-09-02": "0", "2026-09-03": "560", "2026-09-04": "350", "2026-09-05": "40",
				"2026-09-06": "30", "2026-09-07": "12.3456789012", "2026-09-08": "7", "2026-09-09": "0", "2026-09-30": "-1.79"})

			over := 0
			for _, g := range reporttest.Run(t, path, pricing.Amortized, "resource").Groups {
				if g.OverOnDemand() {
					over++
					if g.Key[0] != "db-2" {
						t.Errorf("%s over on-demand", g.Key[0])
					}
				}
			}
			if over != 1 {
				t.Errorf("%d groups over on-demand, want 1 (db-2)", over)
			}
		})
	}
}
