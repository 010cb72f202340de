package report

import (
	"context"
	"os"
	"testing"

	"github.com/curnorm/curnorm/cur"
)

// BenchmarkReportFile rolls up the bill named by CURNORM_BENCH_FILE (skipped when unset), for
// profiling the whole read → metric → rollup path on a large file.
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
	b.SetBytes(st.Size())
	for b.Loop() {
		res, err := Run(context.Background(), []cur.Source{{Path: path}}, Options{Metric: cur.Simple, Dims: []Dimension{account, service}, Jobs: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Summaries[0].Rows)/b.Elapsed().Seconds()*float64(b.N), "rows/s")
	}
}
