package report_test

import (
	"testing"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// TestLegacySample checks the public legacy sample's figures (shared/samples/README.md).
func TestLegacySample(t *testing.T) {
	path := reporttest.SharedSample(t, "legacy-csv", "sample-anonymous-aws-export-dataset.csv")
	res := reporttest.Run(t, path, pricing.Simple, "line-item-type")
	checkMap(t, "simple by line-item-type", groupCosts(res), map[string]string{"Usage": "1.6023086974", "Tax": "0.08"})
	s := res.Summaries[0]
	for _, m := range pricing.Metrics {
		if m == pricing.NetUnblended || m == pricing.NetAmortized || m == pricing.Blended {
			continue
		}
		if got := s.ByMetric[m].String(); got != "1.6823086974" {
			t.Errorf("%s total = %s, want 1.6823086974", m, got)
		}
	}
	// Net metrics fall back to unblended: the file has no net columns.
	if got := s.ByMetric[pricing.NetUnblended].String(); got != "1.6823086974" {
		t.Errorf("net-unblended total = %s", got)
	}
	if got := s.OnDemand.String(); got != "3.3561726949" {
		t.Errorf("on-demand = %s, want 3.3561726949", got)
	}
	if s.Final() || s.Rows != 1281 {
		t.Errorf("final %v rows %d", s.Final(), s.Rows)
	}
}

// TestCUR2Samples: RI and SP effective columns are filled on Usage rows and must be ignored.
func TestCUR2Samples(t *testing.T) {
	for _, file := range []string{"sample_cur2.csv", "sample_cur2.parquet"} {
		t.Run(file, func(t *testing.T) {
			path := reporttest.SharedSample(t, "cur2", file)
			res := reporttest.Run(t, path, pricing.Amortized, "line-item-type")
			var rows int64
			sums := map[pricing.Metric]money.Sum{}
			var od money.Sum
			for _, s := range res.Summaries {
				rows += s.Rows
				for _, m := range pricing.Metrics {
					v := sums[m]
					v.AddSum(s.ByMetric[m])
					sums[m] = v
				}
				od.AddSum(s.OnDemand)
			}
			if rows != 10 {
				t.Errorf("rows = %d, want 10", rows)
			}
			for _, m := range []pricing.Metric{pricing.Amortized, pricing.Simple, pricing.Unblended, pricing.NetUnblended, pricing.NetAmortized} {
				if got := sums[m]; got.String() != "325" {
					t.Errorf("%s = %s, want 325", m, got.String())
				}
			}
			if od.String() != "5.5" {
				t.Errorf("on-demand = %s, want 5.5", od.String())
			}
		})
	}
}
