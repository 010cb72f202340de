package cur_test

import (
	"runtime/debug"
	"slices"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/sample"
)

// TestBatchesReusedAcrossFiles reads a bill of several files through the page path one after
// another, as a report over a split bill does: each file after the first decodes into the
// column buffers the one before gave back (poisoned by the tests' TestMain), and must read as
// pqarrow reads it.
func TestBatchesReusedAcrossFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("generates Parquet bills")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1)) // a collection would empty the pool
	for _, fl := range []cur.Flavour{cur.LegacyParquet, cur.CUR2Parquet} {
		t.Run(fl.String(), func(t *testing.T) {
			paths, err := sample.Generate(t.TempDir(), sample.Options{Flavour: fl, Rows: 30_000, Parts: 3, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, summary := range []bool{true, false} {
				req := rollupRequest(summary)
				for i, path := range paths {
					if i > 0 && slices.ContainsFunc(cur.PooledCodes(), func(c uint32) bool { return c != cur.PoisonCode }) {
						t.Fatalf("file %d: the reader of the file before gave back no poisoned buffer", i)
					}
					samePaths(t, path, req, 1<<30)
				}
			}
		})
	}
}
