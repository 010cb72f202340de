package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/curnorm/curnorm/cur"
)

// TestNormalizeSumsToReport: the actual_cost of the normalized rows, written as CSV and as
// Parquet, adds up to the report's total under every metric, row for row.
func TestNormalizeSumsToReport(t *testing.T) {
	for _, src := range ownBills() {
		for _, m := range cur.Metrics {
			res := runOpts(t, []cur.Source{src}, Options{Metric: m}, nil)
			want := res.Totals[0]

			var buf bytes.Buffer
			sink := NewCSVSink(&buf)
			st, err := Normalize(context.Background(), []cur.Source{src}, NormalizeOptions{Metric: m}, sink)
			rows := st.Rows
			if err != nil {
				t.Fatal(err)
			}
			if err := sink.Flush(); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(recs)-1) != rows || rows != want.Rows {
				t.Fatalf("%s %s: %d CSV rows, %d reported, want %d", src.Path, m, len(recs)-1, rows, want.Rows)
			}
			col := -1
			for i, h := range recs[0] {
				if h == "actual_cost" {
					col = i
				}
			}
			var sum cur.Sum
			for _, r := range recs[1:] {
				a, _, err := cur.ParseAmountString(r[col])
				if err != nil {
					t.Fatal(err)
				}
				sum.Add(a)
			}
			if sum.Cmp(want.Cost) != 0 {
				t.Errorf("%s %s: CSV actual_cost sums to %s, report total %s", src.Path, m, sum, want.Cost)
			}

			// With the line item type among the columns, the Parquet output reads back as a bill.
			path := filepath.Join(t.TempDir(), "n.parquet")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			ps, _ := NewParquetSink(f)
			no := NormalizeOptions{Metric: m, Columns: []string{cur.ColLineItemType, "account"}}
			if _, err := Normalize(context.Background(), []cur.Source{src}, no, ps); err != nil {
				t.Fatal(err)
			}
			if err := ps.Flush(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			r, err := cur.Open(cur.Source{Path: path}, cur.Request{Amounts: []string{"actual_cost"}, Strings: []string{"actual_cost_source"}})
			if err != nil {
				t.Fatal(err)
			}
			var psum cur.Sum
			for r.Next() {
				b := r.Batch()
				for i := 0; i < b.Len; i++ {
					psum.Add(b.Amounts[0].Values[i])
				}
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			r.Close()
			if psum.Cmp(want.Cost) != 0 || r.Rows() != want.Rows {
				t.Errorf("%s %s: Parquet actual_cost sums to %s over %d rows, report %s over %d", src.Path, m, psum, r.Rows(), want.Cost, want.Rows)
			}
		}
	}
}
