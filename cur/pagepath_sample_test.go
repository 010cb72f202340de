package cur_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
)

// dump reads path with req, through the page path or pqarrow, and renders what the batches
// held (cur.RenderBatch); at most maxBatches batches.
func dump(t *testing.T, path string, req cur.Request, pages bool, maxBatches int) (out []string, paged bool, tail string) {
	t.Helper()
	rd, err := cur.Open(cur.Source{Path: path}, cur.WithPagePath(req, pages))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	for len(out) < maxBatches && rd.Next() {
		out = append(out, cur.RenderBatch(t, rd.Batch(), &req))
	}
	return out, cur.UsesPagePath(rd), fmt.Sprintf("rows %d rounded %d err %v", rd.Rows(), rd.Rounded(), rd.Err())
}

// samePaths checks that the page path reads path as the pqarrow path does.
func samePaths(t *testing.T, path string, req cur.Request, maxBatches int) {
	t.Helper()
	want, _, wantTail := dump(t, path, req, false, maxBatches)
	got, paged, gotTail := dump(t, path, req, true, maxBatches)
	if !paged {
		t.Fatal("the page path did not take the file")
	}
	if len(got) != len(want) || gotTail != wantTail {
		t.Fatalf("page path: %d batches, %s; pqarrow: %d batches, %s", len(got), gotTail, len(want), wantTail)
	}
	for i := range got {
		if got[i] != want[i] {
			g, w := strings.Split(got[i], "\n"), strings.Split(want[i], "\n")
			for j := range g {
				if g[j] != w[j] {
					t.Fatalf("batch %d line %d:\n pages   %.300s\n pqarrow %.300s", i, j, g[j], w[j])
				}
			}
		}
	}
}

// flatColumns requests every column of the file that is not a CUR 2.0 map as text, and the
// metric's amount columns as money.
func flatColumns(t *testing.T, path string) cur.Request {
	t.Helper()
	rd, err := cur.Open(cur.Source{Path: path}, cur.Request{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var req cur.Request
	for _, c := range pricing.AmountColumns() {
		req.AskAmount(c)
	}
	for _, c := range rd.Schema().Columns {
		if !cur.IsMapColumn(c) {
			req.AskString(c)
		}
	}
	return req
}

// TestPagePathSampleBills compares the page path with pqarrow on generated legacy and CUR 2.0
// Parquet bills, for the columns of a report and for every flat column.
func TestPagePathSampleBills(t *testing.T) {
	if testing.Short() {
		t.Skip("generates Parquet bills")
	}
	for _, fl := range []cur.Flavour{cur.LegacyParquet, cur.CUR2Parquet} {
		t.Run(fl.String(), func(t *testing.T) {
			paths, err := sample.Generate(t.TempDir(), sample.Options{Flavour: fl, Rows: 40_000, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			for _, summary := range []bool{true, false} {
				samePaths(t, paths[0], rollupRequest(summary), 1<<30)
			}
			samePaths(t, paths[0], flatColumns(t, paths[0]), 1<<30)
		})
	}
}

// TestPagePathDuckDBBill compares the two paths on the bill DuckDB wrote for
// scripts/bench-compare.sh, when that has run; its first row groups are enough.
func TestPagePathDuckDBBill(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", ".cache", "bench", "duckdb-parquet-*", "bill.parquet"))
	if p := os.Getenv("CURNORM_DUCKDB_PARQUET"); p != "" {
		paths = []string{p}
	}
	if len(paths) == 0 {
		t.Skip("no DuckDB-written bill: run make bench-compare, or set CURNORM_DUCKDB_PARQUET")
	}
	for _, path := range paths {
		t.Run(filepath.Base(filepath.Dir(path)), func(t *testing.T) {
			samePaths(t, path, rollupRequest(true), 40)
			samePaths(t, path, flatColumns(t, path), 20)
		})
	}
}
