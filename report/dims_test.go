package report_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// TestNamedDimensions: every dimension the AWS dashboards group by, and any column by name in
// either flavour's spelling, gives the same groups on the legacy and CUR 2.0 spelling of
// testdata/bills/dims-*.csv (five line items: on-demand, Savings Plan and reservation usage
// on EC2, a Marketplace product, S3).
func TestNamedDimensions(t *testing.T) {
	const (
		sp = "arn:aws:savingsplans::011254002932:savingsplan/sp-1"
		ri = "arn:aws:ec2:us-east-1:222233334444:reserved-instances/ri-1"
	)
	want := map[string]map[string]string{
		// A Marketplace row is named for its product, not its opaque product code.
		"service":           {"AmazonEC2": "28.2", "Example Firewall": "5", "AmazonS3": "2.3"},
		"service-code":      {"AmazonEC2": "28.2", "prod-7x9q2k4m": "5", "AmazonS3": "2.3"},
		"instance-type":     {"m5.large": "10", "c5.xlarge": "11", "r5.large": "7.2", report.None: "7.3"},
		"instance-family":   {"General purpose": "10", "Compute optimized": "11", "Memory optimized": "7.2", report.None: "7.3"},
		"availability-zone": {"us-east-1a": "17.2", "us-east-1b": "11", report.None: "7.3"},
		"product-family":    {"Compute Instance": "28.2", "Storage": "2.3", report.None: "5"},
		"pricing-unit":      {"Hrs": "33.2", "GB-Mo": "2.3"},
		"invoice":           {"INV-1": "30.5", "INV-2": "5"},
		"billing-entity":    {"AWS": "30.5", "AWS Marketplace": "5"},
		"legal-entity":      {"Amazon Web Services, Inc.": "30.5", "Example Seller LLC": "5"},
		"commitment":        {sp: "11", ri: "7.2", report.None: "17.3"},
		"account":           {"011254002932": "23.3", "222233334444": "12.2"},
		// Any column, spelled as either flavour or a CUR 2.0 map key.
		"column:product/instanceType":   {"m5.large": "10", "c5.xlarge": "11", "r5.large": "7.2", report.None: "7.3"},
		"column:product_instance_type":  {"m5.large": "10", "c5.xlarge": "11", "r5.large": "7.2", report.None: "7.3"},
		"column:lineItem/Operation":     {"RunInstances": "28.2", "Hourly": "5", "StandardStorage": "2.3"},
		"column:product/ProductName":    {"Amazon Elastic Compute Cloud": "28.2", "Example Firewall": "5", "Amazon Simple Storage Service": "2.3"},
		"column:line_item_product_code": {"AmazonEC2": "28.2", "prod-7x9q2k4m": "5", "AmazonS3": "2.3"},
	}
	for _, flavour := range []string{"legacy", "cur2"} {
		path := filepath.Join("..", "testdata", "bills", "dims-"+flavour+".csv")
		for dim, groups := range want {
			t.Run(flavour+"/"+dim, func(t *testing.T) {
				checkMap(t, dim, groupCosts(reporttest.Run(t, path, pricing.Amortized, dim)), groups)
			})
		}
	}
}

// TestMarketplaceServiceOnWorkedBill: the worked bill's Marketplace row (r13) is its
// product's name under service, and its code under service-code, in both flavours.
func TestMarketplaceServiceOnWorkedBill(t *testing.T) {
	for _, file := range []string{"bill-legacy.csv", "bill-cur2.csv"} {
		t.Run(file, func(t *testing.T) {
			path := reporttest.SharedSample(t, "worked", file)
			service := groupCosts(reporttest.Run(t, path, pricing.Amortized, "service"))
			if service["Example Appliance"] != "50" || service["prod-abc123"] != "" {
				t.Errorf("service = %v, want Example Appliance 50 and no prod-abc123", service)
			}
			if code := groupCosts(reporttest.Run(t, path, pricing.Amortized, "service-code")); code["prod-abc123"] != "50" {
				t.Errorf("service-code = %v, want prod-abc123 50", code)
			}
		})
	}
}

// TestDimensionWithoutColumn: a dimension whose column no file of the run has fails with
// cur.ErrMissingColumn (exit 3) naming the column and the flavour, and a misspelt tag is
// answered with the tag the bill has; a part for merge (AllowEmpty) gets (none) and a
// warning instead.
func TestDimensionWithoutColumn(t *testing.T) {
	legacy := filepath.Join("..", "testdata", "bills", "own-legacy.csv")
	dims := filepath.Join("..", "testdata", "bills", "dims-legacy.csv")
	cur2 := filepath.Join("..", "testdata", "bills", "own-cur2.csv")
	cur2Too := filepath.Join(t.TempDir(), "copy.csv") // the same rows under another name
	if b, err := os.ReadFile(cur2); err != nil || os.WriteFile(cur2Too, append(b, '\n'), 0o644) != nil {
		t.Fatal(err)
	}
	run := func(allowEmpty bool, by string, paths ...string) (*report.Result, error) {
		d, err := report.ParseDimension(by)
		if err != nil {
			t.Fatal(err)
		}
		var src []cur.Source
		for _, p := range paths {
			src = append(src, cur.Source{Path: p})
		}
		return report.Run(context.Background(), src, report.Options{Metric: pricing.Amortized, Dims: []report.Dimension{d}, Jobs: 1, AllowEmpty: allowEmpty})
	}
	for _, tc := range []struct {
		by    string
		paths []string
		want  []string
	}{
		{"instance-type", []string{legacy}, []string{"instance-type needs column product_instance_type, which the bill (legacy-csv) lacks"}},
		{"tag:Tem", []string{legacy}, []string{"resource_tags_user_tem", "did you mean tag:Team?"}},
		{"cost-category:Envv", []string{legacy}, []string{"did you mean cost-category:Env?"}},
		{"column:product/instanceTyp", []string{dims}, []string{"product_instance_typ", "(legacy-csv)"}},
		{"availability-zone", []string{legacy, filepath.Join("..", "testdata", "bills", "own-cur2.csv")},
			[]string{"none of its 2 files (cur2-csv, legacy-csv) has it"}},
		// A CUR 2.0 map holds a tag only in the rows that have it: no row with the key is
		// the map's way of lacking the column.
		{"tag:Tem", []string{cur2}, []string{"tag:Tem reads resource_tags_user_tem, and no row of the bill (cur2-csv) has it"}},
		{"cost-category:Envv", []string{cur2, cur2Too}, []string{"no row of its 2 files (cur2-csv) has it"}},
	} {
		t.Run(tc.by, func(t *testing.T) {
			_, err := run(false, tc.by, tc.paths...)
			if !errors.Is(err, cur.ErrMissingColumn) {
				t.Fatalf("err = %v, want ErrMissingColumn", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			res, err := run(true, tc.by, tc.paths...)
			if err != nil {
				t.Fatalf("AllowEmpty: %v", err)
			}
			if none := groupCosts(res); len(none) != 1 || none[report.None] == "" || len(res.Warnings) == 0 {
				t.Errorf("AllowEmpty: groups %v warnings %v, want (none) only and a warning", none, res.Warnings)
			}
		})
	}
	// One file lacking the column among files that have it is a warning, not an error.
	res, err := run(false, "instance-type", dims, legacy)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "own-legacy.csv: no column for instance-type") {
		t.Errorf("warnings = %q", res.Warnings)
	}
	// The key in a map of one file and not of another: a warning for the other.
	res, err = run(false, "tag:Team", cur2, legacy)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("both files have tag:Team: warnings %q", res.Warnings)
	}
}
