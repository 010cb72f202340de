package report

import (
	"context"
	"os"
	"testing"

	"github.com/curnorm/curnorm/cur"
)

// BenchmarkReportFile rolls up the bill named by CURNORM_BENCH_FILE (skipped when unset) by
// account and service under simple, as `report --format csv` does (only the metric's columns)
// and with the full bill summary, for profiling the whole read → metric → rollup path.
func BenchmarkReportFile(b *testing.B) {
	path := os.Getenv("CURNORM_BENCH_FILE")
	if path == "" {
		b.Skip("CURNORM_BENCH_FILE not set")
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	account, _ := ParseDimension("account")
	service, _ := ParseDimension("service")
	for _, mode := range []struct {
		name      string
		noSummary bool
	}{{"csv", true}, {"summary", false}} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(st.Size())
			var rows int64
			for b.Loop() {
				res, err := Run(context.Background(), []cur.Source{{Path: path}}, Options{Metric: cur.Simple,
					Dims: []Dimension{account, service}, Jobs: 1, NoSummary: mode.noSummary})
				if err != nil {
					b.Fatal(err)
				}
				rows += res.Totals[0].Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
