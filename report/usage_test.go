package report_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
	"github.com/curnorm/curnorm/report"
)

// usageOf runs a rollup with Options.Usage and returns each group's usage as "amount unit",
// "- unit" where the quantity is not given, and the first total's.
func usageOf(t *testing.T, paths []string, by string, jobs int) (map[string]string, string) {
	t.Helper()
	d, err := report.ParseDimension(by)
	if err != nil {
		t.Fatal(err)
	}
	var srcs []cur.Source
	for _, p := range paths {
		srcs = append(srcs, cur.Source{Path: p})
	}
	res, err := report.Run(context.Background(), srcs, report.Options{Metric: pricing.Amortized, Dims: []report.Dimension{d}, Jobs: jobs, Usage: true})
	if err != nil {
		t.Fatal(err)
	}
	text := func(g *report.Group) string {
		a, unit, ok := g.Usage.Quantity()
		if !ok {
			return "- " + unit
		}
		return a.String() + " " + unit
	}
	out := map[string]string{}
	for _, g := range res.Groups {
		out[g.Key[0]] = text(g)
	}
	return out, text(res.Totals[0])
}

// TestUsageQuantity: --usage sums line_item_usage_amount over usage rows in their pricing unit,
// in both flavours, and gives no quantity where a group's units differ.
func TestUsageQuantity(t *testing.T) {
	for _, f := range []string{"dims-legacy.csv", "dims-cur2.csv"} {
		path := filepath.Join("..", "testdata", "bills", f)
		got, total := usageOf(t, []string{path}, "service", 1)
		want := map[string]string{"AmazonEC2": "342.5 Hrs", "Example Firewall": "100 Hrs", "AmazonS3": "0.123456789 GB-Mo"}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: service %s: usage %q, want %q", f, k, got[k], w)
			}
		}
		if total != "- "+report.MixedUnits {
			t.Errorf("%s: total usage %q, want none in %s", f, total, report.MixedUnits)
		}
		got, _ = usageOf(t, []string{path}, "account", 1)
		if got["011254002932"] != "- "+report.MixedUnits || got["222233334444"] != "172 Hrs" {
			t.Errorf("%s: by account %v", f, got)
		}
	}
}

// TestUsageOnlyUsageRows: fees, credits, tax and negations carry no usage; the quantities do
// not depend on --jobs or on the order of files.
func TestUsageOnlyUsageRows(t *testing.T) {
	paths, err := sample.Generate(t.TempDir(), sample.Options{Flavour: cur.LegacyCSV, Rows: 6000, Seed: 5, Parts: 3, Final: true})
	if err != nil {
		t.Fatal(err)
	}
	byType, _ := usageOf(t, paths, "line-item-type", 1)
	for typ, u := range byType {
		usage := typ == "Usage" || typ == "DiscountedUsage" || typ == "SavingsPlanCoveredUsage"
		if usage == (u == "- ") {
			t.Errorf("line item type %s: usage %q", typ, u)
		}
	}
	one, _ := usageOf(t, paths, "usage-type", 1)
	reversed := []string{paths[2], paths[1], paths[0]}
	three, _ := usageOf(t, reversed, "usage-type", 3)
	if len(one) == 0 || len(one) != len(three) {
		t.Fatalf("%d and %d groups", len(one), len(three))
	}
	for k, v := range one {
		if three[k] != v {
			t.Errorf("usage type %s: %q with one job, %q with three over the files reversed", k, v, three[k])
		}
	}
}
