// Package reporttest holds the small bills and helpers that the tests of report (its external
// ones), report/drift and report/render share: CSV fixtures written to a temporary folder and
// rolled up, and the shared sample folder beside the repository.
package reporttest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// Header is the legacy CSV header of the small bills.
const Header = "bill/InvoiceId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,lineItem/LineItemType," +
	"lineItem/UsageStartDate,lineItem/ProductCode,lineItem/ResourceId,lineItem/CurrencyCode,lineItem/UnblendedCost," +
	"pricing/publicOnDemandCost\n"

// October (final): EC2 100 on the 5th, 15th and 25th plus tax 20 on the 1st; S3 30 on the
// same days. November to date (provisional, through the 15th of 30): EC2 120 on the 5th and
// 15th plus tax 10; S3 22.5 twice.
const (
	OctBill = Header +
		"INV,2026-10-01T00:00:00Z,1,Usage,2026-10-05T00:00:00Z,AmazonEC2,i-1,USD,100,100\n" +
		"INV,2026-10-01T00:00:00Z,1,Usage,2026-10-15T00:00:00Z,AmazonEC2,i-1,USD,100,100\n" +
		"INV,2026-10-01T00:00:00Z,1,Usage,2026-10-25T00:00:00Z,AmazonEC2,i-1,USD,100,100\n" +
		"INV,2026-10-01T00:00:00Z,1,Tax,2026-10-01T00:00:00Z,AmazonEC2,,USD,20,\n" +
		"INV,2026-10-01T00:00:00Z,1,Usage,2026-10-05T00:00:00Z,AmazonS3,b,USD,30,30\n" +
		"INV,2026-10-01T00:00:00Z,1,Usage,2026-10-15T00:00:00Z,AmazonS3,b,USD,30,30\n" +
		"INV,2026-10-01T00:00:00Z,1,Usage,2026-10-25T00:00:00Z,AmazonS3,b,USD,30,30\n"
	NovBill = Header +
		",2026-11-01T00:00:00Z,1,Usage,2026-11-05T00:00:00Z,AmazonEC2,i-1,USD,120,120\n" +
		",2026-11-01T00:00:00Z,1,Usage,2026-11-15T00:00:00Z,AmazonEC2,i-1,USD,120,120\n" +
		",2026-11-01T00:00:00Z,1,Tax,2026-11-01T00:00:00Z,AmazonEC2,,USD,10,\n" +
		",2026-11-01T00:00:00Z,1,Usage,2026-11-05T00:00:00Z,AmazonS3,b,USD,22.5,22.5\n" +
		",2026-11-01T00:00:00Z,1,Usage,2026-11-15T00:00:00Z,AmazonS3,b,USD,22.5,22.5\n"
)

// WriteBill writes a CSV fixture into dir and returns its path.
func WriteBill(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// RunByService writes a fixture into dir and rolls it up by service under the amortized
// metric with one job, returning the rollup, its sources and the options it used.
func RunByService(t testing.TB, dir, name, text string) (*report.Result, []cur.Source, report.Options) {
	t.Helper()
	p := WriteBill(t, dir, name, text)
	d, err := report.ParseDimension("service")
	if err != nil {
		t.Fatal(err)
	}
	opts := report.Options{Metric: pricing.Amortized, Dims: []report.Dimension{d}, Jobs: 1}
	src := []cur.Source{{Path: p}}
	res, err := report.Run(context.Background(), src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res, src, opts
}

// Run rolls the file at path up by the dimensions named in by, with one job.
func Run(t testing.TB, path string, metric pricing.Metric, by ...string) *report.Result {
	t.Helper()
	opts := report.Options{Metric: metric, Jobs: 1}
	for _, b := range by {
		d, err := report.ParseDimension(b)
		if err != nil {
			t.Fatal(err)
		}
		opts.Dims = append(opts.Dims, d)
	}
	res, err := report.Run(context.Background(), []cur.Source{{Path: path}}, opts)
	if err != nil {
		t.Fatalf("Run(%s): %v", path, err)
	}
	return res
}

// SharedSample returns a file of the shared sample folder (../shared/samples beside the
// repository), skipping the test when it is not there.
func SharedSample(t testing.TB, parts ...string) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..", "..", "..", "shared", "samples")
	p := filepath.Join(append([]string{root}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared sample %s not present", p)
	}
	return p
}
