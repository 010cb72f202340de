package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/s3src/s3test"
	"github.com/curnorm/curnorm/cur/sample"
)

// BenchmarkReportS3 reports by account on one bill read from disk and from a loopback S3
// server, answered at once or after a delay per request as over a real network; MB/s counts
// the objects' size, fetched-B/op what the server sent, requests/op what it was asked.
func BenchmarkReportS3(b *testing.B) {
	dir := b.TempDir()
	bills := []struct {
		name  string
		o     sample.Options
		delay bool
	}{
		{"parquet", sample.Options{Flavour: cur.LegacyParquet, Rows: 200_000, Accounts: 8, Seed: 1, Final: true}, true},
		{"parquet-8rg", sample.Options{Flavour: cur.LegacyParquet, Rows: 200_000, Accounts: 8, Seed: 1, Final: true, RowGroupRows: 25_000}, true},
		{"csv.gz", sample.Options{Rows: 200_000, Accounts: 8, Seed: 1, Gzip: true, Final: true}, false},
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
		type place struct {
			name, path string
			delay      time.Duration
		}
		where := []place{
			{"local", filepath.Join(dir, bill.name), 0},
			{"s3", "s3://bills/" + bill.name + "/", 0},
		}
		if bill.delay {
			where = append(where, place{"s3-10ms", "s3://bills/" + bill.name + "/", 10 * time.Millisecond})
		}
		for _, w := range where {
			b.Run(bill.name+"/"+w.name, func(b *testing.B) {
				srv.Delay(w.delay)
				defer srv.Delay(0)
				b.SetBytes(size)
				served, requests := srv.Served(), srv.Requests()
				for b.Loop() {
					if code, _, stderr := runCurnorm(b, "report", "--quiet", "--by", "account", w.path); code != 0 {
						b.Fatalf("exit %d: %s", code, stderr)
					}
				}
				b.ReportMetric(float64(srv.Served()-served)/float64(b.N), "fetched-B/op")
				b.ReportMetric(float64(srv.Requests()-requests)/float64(b.N), "requests/op")
				b.ReportMetric(float64(size), "object-B")
			})
		}
	}
}
