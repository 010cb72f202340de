package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
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

// discountBills are one bill in both flavours whose CUR 2.0 rows carry a negotiated discount
// in discount_total_discount, and whose legacy twin has Discount rows instead.
func discountBills() []cur.Source {
	return []cur.Source{
		{Path: filepath.Join("testdata", "normalize", "discount-legacy.csv")},
		{Path: filepath.Join("testdata", "normalize", "discount-cur2.csv")},
	}
}

// labelBills runs f on every bill with rows of every rule: the worked bill when the shared
// samples are present, this package's discount bill and the repository's own bill.
func labelBills(t *testing.T, f func(t *testing.T, src cur.Source)) {
	for _, file := range []string{"bill-legacy.csv", "bill-cur2.csv"} {
		t.Run("worked/"+file, func(t *testing.T) { f(t, cur.Source{Path: sharedSample(t, "worked", file)}) })
	}
	for _, src := range append(discountBills(), ownBills()...) {
		t.Run(filepath.Base(src.Path), func(t *testing.T) { f(t, src) })
	}
}

// normalizeCSV normalizes sources to CSV and returns the records, header first.
func normalizeCSV(t *testing.T, sources []cur.Source, o NormalizeOptions) (NormalizeStats, [][]string) {
	t.Helper()
	var buf bytes.Buffer
	sink := NewCSVSink(&buf)
	st, err := Normalize(context.Background(), sources, o, sink)
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
	return st, recs
}

// column returns the index of name in a header.
func column(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %s in %v", name, header)
	}
	return i
}

// discountParts counts the rows of src with a non-zero discount_total_discount.
func discountParts(t *testing.T, src cur.Source) int64 {
	t.Helper()
	r, err := cur.Open(src, cur.Request{Amounts: []string{cur.ColTotalDiscount}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int64
	for r.Next() {
		b := r.Batch()
		for i := range b.Len {
			if b.Amounts[0].IsSet(i) && b.Amounts[0].Values[i] != 0 {
				n++
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNormalizeLabelsMatchReport: under every metric, the rows normalize labels with each
// source label, and their actual_cost, are those report --by source puts in that label's
// group. Under the gross metrics a CUR 2.0 row's discount is a row of its own, which report
// counts in the group's cost but not among its rows.
func TestNormalizeLabelsMatchReport(t *testing.T) {
	labelBills(t, func(t *testing.T, src cur.Source) {
		parts := discountParts(t, src)
		for _, m := range cur.Metrics {
			res := runOpts(t, []cur.Source{src}, Options{Metric: m}, []string{"source"})
			want := map[string]*Group{}
			for _, g := range res.Groups {
				want[g.Key[0]] = g
			}
			_, recs := normalizeCSV(t, []cur.Source{src}, NormalizeOptions{Metric: m})
			costCol, labelCol := column(t, recs[0], "actual_cost"), column(t, recs[0], "actual_cost_source")
			sums, rows := map[string]*cur.Sum{}, map[string]int64{}
			for _, r := range recs[1:] {
				a, _, err := cur.ParseAmountString(r[costCol])
				if err != nil {
					t.Fatal(err)
				}
				l := r[labelCol]
				if sums[l] == nil {
					sums[l] = &cur.Sum{}
				}
				sums[l].Add(a)
				rows[l]++
			}
			if m.CountsDiscountColumn() {
				rows[cur.LabelCUR2Discount] -= parts
			}
			for l, g := range want {
				if sums[l] == nil || sums[l].Cmp(g.Cost) != 0 || rows[l] != g.Rows {
					t.Errorf("%s: label %q: normalize %v over %d rows, report %s over %d", m, l, sums[l], rows[l], g.Cost, g.Rows)
				}
			}
			for l := range sums {
				if want[l] == nil {
					t.Errorf("%s: normalize has label %q, report has not", m, l)
				}
			}
		}
	})
}

// TestNormalizeFlavoursAlike: a bill normalizes to the same rows in both flavours, a CUR 2.0
// row's discount coming out as the Discount row the legacy twin has. Blended cost is left out:
// the legacy Discount rows have none, while the CUR 2.0 discount counts under every gross
// metric.
func TestNormalizeFlavoursAlike(t *testing.T) {
	bills := discountBills()
	for _, m := range cur.Metrics {
		if m == cur.Blended {
			continue
		}
		_, legacy := normalizeCSV(t, bills[:1], NormalizeOptions{Metric: m})
		_, cur2 := normalizeCSV(t, bills[1:], NormalizeOptions{Metric: m})
		if m.CountsDiscountColumn() {
			if !slices.EqualFunc(legacy, cur2, slices.Equal) {
				t.Errorf("%s: legacy\n%v\nCUR 2.0\n%v", m, legacy, cur2)
			}
			continue
		}
		// Under the net metrics the discount is inside the net cost of CUR 2.0 rows: the
		// legacy Discount rows cost 0 and CUR 2.0 has none.
		costCol := column(t, legacy[0], "actual_cost")
		typeCol := column(t, legacy[0], "line-item-type")
		kept := slices.DeleteFunc(slices.Clone(legacy), func(r []string) bool { return r[typeCol] == "Discount" && r[costCol] == "0" })
		if len(kept) != len(cur2) || len(kept) == len(legacy) {
			t.Errorf("%s: legacy rows without zero discounts %d, CUR 2.0 rows %d", m, len(kept), len(cur2))
		}
	}
}
