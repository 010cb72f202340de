package sample

import (
	"io"
	"testing"

	"github.com/curnorm/curnorm/cur"
)

func benchmarkGenerate(b *testing.B, f cur.Flavour, gz bool) {
	const rows = 200_000
	o := Options{Flavour: f, Rows: rows, Seed: 1, Gzip: gz}
	for b.Loop() {
		if err := Write(io.Discard, o, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkGenerateLegacyCSVGzip(b *testing.B) { benchmarkGenerate(b, cur.LegacyCSV, true) }
func BenchmarkGenerateCUR2CSVGzip(b *testing.B)   { benchmarkGenerate(b, cur.CUR2CSV, true) }
func BenchmarkGenerateLegacyCSV(b *testing.B)     { benchmarkGenerate(b, cur.LegacyCSV, false) }
func BenchmarkGenerateLegacyParquet(b *testing.B) { benchmarkGenerate(b, cur.LegacyParquet, false) }
func BenchmarkGenerateCUR2Parquet(b *testing.B)   { benchmarkGenerate(b, cur.CUR2Parquet, false) }
