package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/sample"
)

// loadBatches reads a generated bill into memory, one deep copy per batch, so rollup
// benchmarks time the rollup alone.
func loadBatches(b *testing.B, rows int, req cur.Request) []*cur.Batch {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bill.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := sample.Write(f, sample.Options{Rows: rows, Seed: 1}, 0); err != nil {
		b.Fatal(err)
	}
	f.Close()
	rd, err := cur.Open(cur.Source{Path: path}, req)
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	var out []*cur.Batch
	for rd.Next() {
		out = append(out, copyBatch(rd.Batch()))
	}
	if err := rd.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

func copyBatch(src *cur.Batch) *cur.Batch {
	dst := &cur.Batch{Len: src.Len, FirstRow: src.FirstRow}
	for _, c := range src.Strings {
		dst.Strings = append(dst.Strings, cur.StringColumn{Present: c.Present,
			Codes: append([]uint32(nil), c.Codes...), Dict: append([]string(nil), c.Dict...)})
	}
	for _, c := range src.Amounts {
		dst.Amounts = append(dst.Amounts, cur.AmountColumn{Present: c.Present,
			Values: append([]cur.Amount(nil), c.Values...), Valid: append([]bool(nil), c.Valid...)})
	}
	return dst
}

func BenchmarkRollupAdd(b *testing.B) {
	account, _ := ParseDimension("account")
	service, _ := ParseDimension("service")
	opts := &Options{Metric: cur.Simple, Dims: []Dimension{account, service}, Jobs: 1}
	_, req := newFileRollup(opts)
	batches := loadBatches(b, 200_000, req)
	rows := 0
	for _, bt := range batches {
		rows += bt.Len
	}
	b.ResetTimer()
	for b.Loop() {
		fr, _ := newFileRollup(opts)
		for _, bt := range batches {
			fr.add(bt)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(rows*b.N), "ns/row")
}
