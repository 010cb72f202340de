package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/s3src/s3test"
	"github.com/curnorm/curnorm/cur/sample"
)

// BenchmarkReportS3 reports by account on one bill read from disk and from a loopback S3
// server; MB/s counts the objects' size, fetched-B/op what the server sent.
func BenchmarkReportS3(b *testing.B) {
	dir := b.TempDir()
	bills := []struct {
		name string
		o    sample.Options
	}{
		{"parquet", sample.Options{Flavour: cur.LegacyParquet, Rows: 200_000, Accounts: 8, Seed: 1, Final: true}},
		{"csv.gz", sample.Options{Rows: 200_000, Accounts: 8, Seed: 1, Gzip: true, Final: true}},
	}
	srv := s3test.Start(b)
	for _, bill := range bills {
		paths, err := sample.Generate(filepath.Join(dir, bill.name), bill.o)
		if err != nil {
			b.Fatal(err)
		}
		var size int64
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				b.Fatal(err)
			}
			size += st.Size()
		}
		srv.PutTree(b, filepath.Join(dir, bill.name), "bills", bill.name+"/")
		for _, where := range []struct{ name, path string }{
			{"local", filepath.Join(dir, bill.name)},
			{"s3", "s3://bills/" + bill.name + "/"},
		} {
			b.Run(bill.name+"/"+where.name, func(b *testing.B) {
				b.SetBytes(size)
				before := srv.Served()
				for b.Loop() {
					if code, _, stderr := runCurnorm(b, "report", "--quiet", "--by", "account", where.path); code != 0 {
						b.Fatalf("exit %d: %s", code, stderr)
					}
				}
				b.ReportMetric(float64(srv.Served()-before)/float64(b.N), "fetched-B/op")
				b.ReportMetric(float64(size), "object-B")
			})
		}
	}
}
