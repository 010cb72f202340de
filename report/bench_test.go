package report

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
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
	// CURNORM_BENCH_BY chooses the grouping, account,service by default.
	var dims []Dimension
	for _, name := range strings.Split(cmp.Or(os.Getenv("CURNORM_BENCH_BY"), "account,service"), ",") {
		d, err := ParseDimension(name)
		if err != nil {
			b.Fatal(err)
		}
		dims = append(dims, d)
	}
	for _, mode := range []struct {
		name      string
		noSummary bool
	}{{"csv", true}, {"summary", false}} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(st.Size())
			var rows int64
			for b.Loop() {
				res, err := Run(context.Background(), []cur.Source{{Path: path}}, Options{Metric: pricing.Simple,
					Dims: dims, Jobs: runtime.GOMAXPROCS(0), NoSummary: mode.noSummary})
				if err != nil {
					b.Fatal(err)
				}
				rows += res.Totals[0].Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// benchBills holds the bills the benchmarks below generate, one per kind for the whole test
// binary, in a folder TestMain removes.
var benchBills struct {
	mu    sync.Mutex
	dir   string
	paths map[string][]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchBills.dir != "" {
		os.RemoveAll(benchBills.dir)
	}
	os.Exit(code)
}

const benchRows = 100_000

func benchBill(b *testing.B, fl cur.Flavour, gz bool) string {
	b.Helper()
	return benchBillParts(b, fl, gz, 1)[0]
}

// benchBillParts is the bill of benchBill split into parts files.
func benchBillParts(b *testing.B, fl cur.Flavour, gz bool, parts int) []string {
	b.Helper()
	benchBills.mu.Lock()
	defer benchBills.mu.Unlock()
	key := fmt.Sprintf("%v-%v-%d", fl, gz, parts)
	if p, ok := benchBills.paths[key]; ok {
		return p
	}
	if benchBills.dir == "" {
		dir, err := os.MkdirTemp("", "curnorm-report-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchBills.dir, benchBills.paths = dir, map[string][]string{}
	}
	paths, err := sample.Generate(filepath.Join(benchBills.dir, key), sample.Options{Flavour: fl, Rows: benchRows, Seed: 1, Gzip: gz, Parts: parts})
	if err != nil {
		b.Fatal(err)
	}
	benchBills.paths[key] = paths
	return paths
}

func byAccountService(noSummary bool) *Options {
	account, _ := ParseDimension("account")
	service, _ := ParseDimension("service")
	return &Options{Metric: pricing.Simple, Dims: []Dimension{account, service}, Jobs: 1, NoSummary: noSummary}
}

// BenchmarkRollup: the rollup of batches already in memory (metric, groups and, with the
// summary, the bill summary); MB/s is of the bill the batches came from.
func BenchmarkRollup(b *testing.B) {
	for _, noSummary := range []bool{true, false} {
		b.Run(fmt.Sprintf("summary=%v", !noSummary), func(b *testing.B) {
			path := benchBill(b, cur.LegacyCSV, false)
			opts := byAccountService(noSummary)
			_, req := newFileRollup(opts)
			batches := loadBatches(b, path, req)
			b.SetBytes(fileSize(b, path))
			var rows int64
			for b.Loop() {
				fr, _ := newFileRollup(opts)
				for _, bt := range batches {
					fr.add(bt)
					rows += int64(bt.Len)
				}
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkReport: the whole report by account and service, file to groups, on generated
// bills of each kind.
func BenchmarkReport(b *testing.B) {
	for _, bill := range []struct {
		fl cur.Flavour
		gz bool
	}{{cur.LegacyCSV, true}, {cur.LegacyParquet, false}, {cur.CUR2Parquet, false}} {
		for _, noSummary := range []bool{true, false} {
			b.Run(fmt.Sprintf("%v/gzip=%v/summary=%v", bill.fl, bill.gz, !noSummary), func(b *testing.B) {
				path := benchBill(b, bill.fl, bill.gz)
				opts := *byAccountService(noSummary)
				opts.Jobs = runtime.GOMAXPROCS(0) // as the CLI: a file's rollup may use every core
				b.SetBytes(fileSize(b, path))
				var rows int64
				for b.Loop() {
					res, err := Run(context.Background(), []cur.Source{{Path: path}}, opts)
					if err != nil {
						b.Fatal(err)
					}
					rows += res.Totals[0].Rows
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkReportParts: the report of BenchmarkReport on the CUR 2.0 bill whole and split
// into 25 files, as large exports are delivered; the difference is what each file costs.
func BenchmarkReportParts(b *testing.B) {
	for _, parts := range []int{1, 25} {
		b.Run(fmt.Sprintf("parts=%d", parts), func(b *testing.B) {
			var sources []cur.Source
			var size int64
			for _, p := range benchBillParts(b, cur.CUR2Parquet, false, parts) {
				sources = append(sources, cur.Source{Path: p})
				size += fileSize(b, p)
			}
			opts := *byAccountService(false)
			opts.Jobs = runtime.GOMAXPROCS(0)
			b.SetBytes(size)
			for b.Loop() {
				if _, err := Run(context.Background(), sources, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(parts), "µs/file")
		})
	}
}

func fileSize(b *testing.B, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// loadBatches reads a bill into memory, a deep copy per batch, so that rollup benchmarks time
// the rollup alone.
func loadBatches(b *testing.B, path string, req cur.Request) []*cur.Batch {
	b.Helper()
	rd, err := cur.Open(cur.Source{Path: path}, req)
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	var out []*cur.Batch
	for rd.Next() {
		out = append(out, rd.Batch().Clone())
	}
	if err := rd.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkReportFilter: report --by service over a bill of many accounts sorted by account,
// whole, with --filter account=X (one account of 200: the row groups without it are not
// read) and with the same filter reading every row group.
func BenchmarkReportFilter(b *testing.B) {
	const rows, accounts = 1_000_000, 200
	benchBills.mu.Lock()
	if benchBills.dir == "" {
		dir, err := os.MkdirTemp("", "curnorm-report-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchBills.dir, benchBills.paths = dir, map[string][]string{}
	}
	if _, ok := benchBills.paths["clustered"]; !ok {
		benchBills.paths["clustered"] = []string{clusteredBill(b, filepath.Join(benchBills.dir, "clustered.parquet"), rows, accounts, 10_000)}
	}
	path := benchBills.paths["clustered"][0]
	benchBills.mu.Unlock()
	service, _ := ParseDimension("service")
	filter, err := ParseFilters([]string{"account=" + clusteredAccount(accounts/2, accounts)})
	if err != nil {
		b.Fatal(err)
	}
	full := Options{Metric: pricing.Amortized, Dims: []Dimension{service}, Jobs: runtime.GOMAXPROCS(0)}
	filtered := full
	filtered.Filters = filter
	readAll := filtered
	readAll.readAll = true
	for _, run := range []struct {
		name string
		opts Options
	}{{"full", full}, {"filter", filtered}, {"filter-read-all", readAll}} {
		b.Run(run.name, func(b *testing.B) {
			b.SetBytes(fileSize(b, path))
			for b.Loop() {
				if _, err := Run(context.Background(), []cur.Source{{Path: path}}, run.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
