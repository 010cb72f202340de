package cur_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
)

// Stage benchmarks. Each generates its bill in-process with cur/sample, once per test
// binary, so they run from a fresh clone; MB/s is of the bill's file as stored, so stages
// compare with each other and with the whole report (report.BenchmarkReportFile).

const (
	benchRows        = 200_000
	benchParquetRows = 100_000 // the Parquet writer is the slow part of setting up
)

var bench struct {
	mu    sync.Mutex
	dir   string
	paths map[string]string
}

func TestMain(m *testing.M) {
	// Every reader after the first decodes into buffers a closed one gave back, poisoned.
	cur.PoisonPooledBuffers(true)
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchBill returns the path of a generated bill, making it on first use.
func benchBill(b *testing.B, o sample.Options) string {
	b.Helper()
	bench.mu.Lock()
	defer bench.mu.Unlock()
	key := fmt.Sprintf("%v-%v-%d-%d", o.Flavour, o.Gzip, o.Rows, o.RowGroupRows)
	if p, ok := bench.paths[key]; ok {
		return p
	}
	if bench.dir == "" {
		dir, err := os.MkdirTemp("", "curnorm-bench-")
		if err != nil {
			b.Fatal(err)
		}
		bench.dir, bench.paths = dir, map[string]string{}
	}
	o.Seed = 1
	paths, err := sample.Generate(filepath.Join(bench.dir, key), o)
	if err != nil {
		b.Fatal(err)
	}
	bench.paths[key] = paths[0]
	return paths[0]
}

// rollupRequest is what `report --by account,service` asks a reader for, with the bill
// summary (every metric) or without it (the simple metric only).
func rollupRequest(summary bool) cur.Request {
	ev := rollupEvaluator(summary)
	req := ev.Request()
	extra := []string{cur.ColCurrency, cur.ColInvoiceID, cur.ColPeriodStart, cur.ColUsageStart, cur.ColAccount, cur.ColProductCode}
	if !summary {
		extra = []string{cur.ColCurrency, "", "", "", cur.ColAccount, cur.ColProductCode}
	}
	for _, c := range extra {
		req.AskString(c)
	}
	return req
}

// rollupEvaluator is the evaluator of rollupRequest: it asks for the same columns.
func rollupEvaluator(summary bool) *pricing.Evaluator {
	ev := pricing.NewEvaluator(false)
	if !summary {
		ev.Metric, ev.MetricOnly = pricing.Simple, true
	}
	return ev
}

func fileSize(b *testing.B, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// readAll reads path to its end with req and returns the rows read.
func readAll(b *testing.B, path string, req cur.Request) int64 {
	rd, err := cur.Open(cur.Source{Path: path}, req)
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	for rd.Next() {
	}
	if err := rd.Err(); err != nil {
		b.Fatal(err)
	}
	return rd.Rows()
}

func rowsPerSecond(b *testing.B, rows int64) {
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCSVScan: the CSV reader's field scanner and conversion of the needed fields, on
// an uncompressed legacy bill.
func BenchmarkCSVScan(b *testing.B) {
	for _, summary := range []bool{true, false} {
		b.Run(fmt.Sprintf("summary=%v", summary), func(b *testing.B) {
			path := benchBill(b, sample.Options{Flavour: cur.LegacyCSV, Rows: benchRows})
			b.SetBytes(fileSize(b, path))
			var rows int64
			for b.Loop() {
				rows += readAll(b, path, rollupRequest(summary))
			}
			rowsPerSecond(b, rows)
		})
	}
}

// BenchmarkGzipInflate: inflating a legacy .csv.gz bill, the floor of the CSV.gz path.
func BenchmarkGzipInflate(b *testing.B) {
	path := benchBill(b, sample.Options{Flavour: cur.LegacyCSV, Rows: benchRows, Gzip: true})
	b.SetBytes(fileSize(b, path))
	var rows int64
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, zr); err != nil {
			b.Fatal(err)
		}
		f.Close()
		rows += benchRows
	}
	rowsPerSecond(b, rows)
}

// BenchmarkParseAmount: decimal text to fixed point, on the cost cells of a bill.
func BenchmarkParseAmount(b *testing.B) {
	path := benchBill(b, sample.Options{Flavour: cur.LegacyCSV, Rows: benchRows})
	rd, err := cur.Open(cur.Source{Path: path}, cur.Request{Amounts: []string{cur.ColUnblended, cur.ColPublicOD}})
	if err != nil {
		b.Fatal(err)
	}
	var cells [][]byte
	var size int64
	for rd.Next() {
		bt := rd.Batch()
		for _, c := range bt.Amounts {
			for i := 0; i < bt.Len; i++ {
				if c.Valid[i] {
					t := c.Values[i].Append(nil)
					cells = append(cells, t)
					size += int64(len(t))
				}
			}
		}
	}
	rd.Close()
	b.SetBytes(size)
	var n int64
	for b.Loop() {
		for _, t := range cells {
			if _, _, err := money.Parse(t); err != nil {
				b.Fatal(err)
			}
		}
		n += int64(len(cells))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkParquetDecode: Parquet column chunks to batches, through the page-level path and
// through pqarrow, for the columns of a report with and without the bill summary.
func BenchmarkParquetDecode(b *testing.B) {
	for _, fl := range []cur.Flavour{cur.LegacyParquet, cur.CUR2Parquet} {
		for _, summary := range []bool{true, false} {
			for _, pages := range []bool{true, false} {
				b.Run(fmt.Sprintf("%v/summary=%v/pages=%v", fl, summary, pages), func(b *testing.B) {
					path := benchBill(b, sample.Options{Flavour: fl, Rows: benchParquetRows})
					b.SetBytes(fileSize(b, path))
					var rows int64
					for b.Loop() {
						rows += readAll(b, path, cur.WithPagePath(rollupRequest(summary), pages))
					}
					rowsPerSecond(b, rows)
				})
			}
		}
	}
}

// BenchmarkParquetOpen: opening a CUR 2.0 bill of 200 row groups (as many as a 50M-row bill
// of 250,000-row groups has) for the columns of a report with the bill summary, and closing it:
// mostly the footer, decoded whole or trimmed to those columns. live-B is what the open
// reader holds, measured once after a collection.
func BenchmarkParquetOpen(b *testing.B) {
	for _, whole := range []bool{true, false} {
		b.Run(fmt.Sprintf("whole=%v", whole), func(b *testing.B) {
			path := benchBill(b, sample.Options{Flavour: cur.CUR2Parquet, Rows: 20_000, RowGroupRows: 100})
			req := cur.WithWholeFooter(rollupRequest(true), whole)
			open := func() cur.Reader {
				rd, err := cur.Open(cur.Source{Path: path}, req)
				if err != nil {
					b.Fatal(err)
				}
				return rd
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			rd := open()
			runtime.GC()
			runtime.ReadMemStats(&after)
			rd.Close()
			b.ReportAllocs()
			for b.Loop() {
				open().Close()
			}
			b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "live-B")
		})
	}
}

// BenchmarkParquetMapKey: keys of CUR 2.0 maps to batches: a tag (in resource_tags, then in
// tags where resource_tags has none), and the product name of Marketplace rows alone, as
// report --by tag:team and --by service read them; through the page path and pqarrow.
func BenchmarkParquetMapKey(b *testing.B) {
	for _, key := range []string{"tag", "product name"} {
		for _, pages := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/pages=%v", key, pages), func(b *testing.B) {
				path := benchBill(b, sample.Options{Flavour: cur.CUR2Parquet, Rows: benchParquetRows})
				var req cur.Request
				if key == "tag" {
					req.AskString(cur.TagColumn("team"))
				} else {
					req.AskString("line_item_product_code")
					req.AskStringWhere("product_product_name", cur.ColumnTest{Column: "bill_billing_entity", Values: []string{"AWS Marketplace"}})
					req.AskString("bill_billing_entity")
				}
				b.SetBytes(fileSize(b, path))
				var rows int64
				for b.Loop() {
					rows += readAll(b, path, cur.WithPagePath(req, pages))
				}
				rowsPerSecond(b, rows)
			})
		}
	}
}

// BenchmarkEval: the cost rules (pricing.Evaluator.Eval) on batches already in memory.
func BenchmarkEval(b *testing.B) {
	path := benchBill(b, sample.Options{Flavour: cur.LegacyCSV, Rows: benchRows})
	batches := LoadBatches(b, path, rollupRequest(true))
	b.SetBytes(fileSize(b, path))
	var rows int64
	for b.Loop() {
		ev := rollupEvaluator(true)
		ev.Request() // the same handles as the batches' request
		for _, bt := range batches {
			ev.Eval(bt)
			rows += int64(bt.Len)
		}
	}
	rowsPerSecond(b, rows)
}

// LoadBatches reads a bill into memory, a deep copy per batch, for benchmarks of the stages
// after reading.
func LoadBatches(b *testing.B, path string, req cur.Request) []*cur.Batch {
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
