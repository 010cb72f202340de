package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pqwrite"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
	"github.com/curnorm/curnorm/report/render"
)

// normalizeBills runs f on bills of every flavour: the worked bill when the shared samples are
// present, the discount bill, the repository's own bill, and generated bills.
func normalizeBills(t *testing.T, f func(t *testing.T, src cur.Source)) {
	labelBills(t, f)
	dir := t.TempDir()
	for _, fl := range []cur.Flavour{cur.LegacyCSV, cur.CUR2Parquet} {
		paths, err := sample.Generate(filepath.Join(dir, fl.String()), sample.Options{Flavour: fl, Rows: 3000, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("sample/"+fl.String(), func(t *testing.T) { f(t, cur.Source{Path: paths[0]}) })
	}
}

// normalizeParquet normalizes sources to a Parquet file and returns its path.
func normalizeParquet(t *testing.T, sources []cur.Source, o report.NormalizeOptions) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "n.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sink := render.NewParquetSink(f)
	if _, err := report.Normalize(context.Background(), sources, o, sink); err != nil {
		t.Fatal(err)
	}
	if err := sink.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNormalizeFormatsAgree: CSV and Parquet output hold the same columns under the same names
// and the same values, Parquet typed (text ids, timestamps, exact decimals); under every
// metric, SUM(actual_cost), SUM(line_item_unblended_cost) and SUM(on_demand_cost) per currency
// equal the report's cost, unblended and on-demand totals exactly.
func TestNormalizeFormatsAgree(t *testing.T) {
	wantTypes := []string{"string", fmt.Sprintf("timestamp(unit %d, utc=true)", schema.TimeUnitMillis), "string", "string", "string", "string",
		"string", "string", "string", "string", "decimal(38,10)", "decimal(38,10)", "string", "decimal(38,10)", "decimal(38,10)"}
	normalizeBills(t, func(t *testing.T, src cur.Source) {
		for _, m := range pricing.Metrics {
			res := report.RunOpts(t, []cur.Source{src}, report.Options{Metric: m}, nil)
			_, recs := normalizeCSV(t, []cur.Source{src}, report.NormalizeOptions{Metric: m})
			precs, types := reporttest.ReadParquet(t, normalizeParquet(t, []cur.Source{src}, report.NormalizeOptions{Metric: m}))
			if !slices.Equal(types, wantTypes) {
				t.Fatalf("Parquet column types %v, want %v", types, wantTypes)
			}
			if !slices.EqualFunc(recs, precs, slices.Equal) {
				for i := range min(len(recs), len(precs)) {
					if !slices.Equal(recs[i], precs[i]) {
						t.Fatalf("%s: record %d: CSV %q, Parquet %q", m, i, recs[i], precs[i])
					}
				}
				t.Fatalf("%s: %d CSV records, %d Parquet records", m, len(recs), len(precs))
			}
			h := recs[0]
			cc := column(t, h, "currency")
			sumCols := []int{column(t, h, "actual_cost"), column(t, h, cur.ColUnblended), column(t, h, "on_demand_cost")}
			sums := map[string]*[3]money.Sum{}
			for _, r := range recs[1:] {
				s := sums[r[cc]]
				if s == nil {
					s = &[3]money.Sum{}
					sums[r[cc]] = s
				}
				for k, c := range sumCols {
					if r[c] == "" {
						continue
					}
					a, _, err := money.ParseString(r[c])
					if err != nil {
						t.Fatal(err)
					}
					s[k].Add(a)
				}
			}
			if len(sums) != len(res.Totals) {
				t.Fatalf("%s: currencies %v, report %d", m, sums, len(res.Totals))
			}
			for _, g := range res.Totals {
				s := sums[g.Currency]
				if s == nil || s[0].Cmp(g.Cost) != 0 || s[1].Cmp(g.Unblended) != 0 || s[2].Cmp(g.OnDemand) != 0 {
					t.Errorf("%s %s: normalize cost, unblended, on-demand %v; report %s %s %s", m, g.Currency, s, g.Cost, g.Unblended, g.OnDemand)
				}
			}
		}
	})
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
		t.Run("worked/"+file, func(t *testing.T) { f(t, cur.Source{Path: reporttest.SharedSample(t, "worked", file)}) })
	}
	for _, src := range append(discountBills(), report.OwnBills()...) {
		t.Run(filepath.Base(src.Path), func(t *testing.T) { f(t, src) })
	}
}

// normalizeCSV normalizes sources to CSV and returns the records, header first.
func normalizeCSV(t *testing.T, sources []cur.Source, o report.NormalizeOptions) (report.NormalizeStats, [][]string) {
	t.Helper()
	var buf bytes.Buffer
	sink := render.NewCSVSink(&buf)
	st, err := report.Normalize(context.Background(), sources, o, sink)
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
		for _, m := range pricing.Metrics {
			res := report.RunOpts(t, []cur.Source{src}, report.Options{Metric: m}, []string{"source"})
			want := map[string]*report.Group{}
			for _, g := range res.Groups {
				want[g.Key[0]] = g
			}
			_, recs := normalizeCSV(t, []cur.Source{src}, report.NormalizeOptions{Metric: m})
			costCol, labelCol := column(t, recs[0], "actual_cost"), column(t, recs[0], "actual_cost_source")
			sums, rows := map[string]*money.Sum{}, map[string]int64{}
			for _, r := range recs[1:] {
				a, _, err := money.ParseString(r[costCol])
				if err != nil {
					t.Fatal(err)
				}
				l := r[labelCol]
				if sums[l] == nil {
					sums[l] = &money.Sum{}
				}
				sums[l].Add(a)
				rows[l]++
			}
			if m.CountsDiscountColumn() {
				rows[pricing.LabelCUR2Discount] -= parts
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
	for _, m := range pricing.Metrics {
		if m == pricing.Blended {
			continue
		}
		_, legacy := normalizeCSV(t, bills[:1], report.NormalizeOptions{Metric: m})
		_, cur2 := normalizeCSV(t, bills[1:], report.NormalizeOptions{Metric: m})
		if m.CountsDiscountColumn() {
			if !slices.EqualFunc(legacy, cur2, slices.Equal) {
				t.Errorf("%s: legacy\n%v\nCUR 2.0\n%v", m, legacy, cur2)
			}
			continue
		}
		// Under the net metrics the discount is inside the net cost of CUR 2.0 rows: the
		// legacy Discount rows cost 0 and CUR 2.0 has none.
		costCol := column(t, legacy[0], "actual_cost")
		typeCol := column(t, legacy[0], "line_item_type")
		kept := slices.DeleteFunc(slices.Clone(legacy), func(r []string) bool { return r[typeCol] == "Discount" && r[costCol] == "0" })
		if len(kept) != len(cur2) || len(kept) == len(legacy) {
			t.Errorf("%s: legacy rows without zero discounts %d, CUR 2.0 rows %d", m, len(kept), len(cur2))
		}
	}
}

// TestNormalizeBadDate: a copied date that is not one fails the run naming the file and the
// row; under skip the row is left out and counted.
func TestNormalizeBadDate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dates.csv")
	bill := "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UnblendedCost\n" +
		"Usage,2026-10-01T00:00:00Z,1\nUsage,yesterday,2\nUsage,2026-10-03 05:00:00,3\n"
	if err := os.WriteFile(path, []byte(bill), 0o644); err != nil {
		t.Fatal(err)
	}
	src := []cur.Source{{Path: path}}
	o := report.NormalizeOptions{Metric: pricing.Unblended, Columns: []string{"line_item_usage_start_date"}}
	_, err := report.Normalize(context.Background(), src, o, render.NewCSVSink(io.Discard))
	if !errors.Is(err, cur.ErrBadValue) || !strings.Contains(err.Error(), "dates.csv: column line_item_usage_start_date: row 2:") {
		t.Fatalf("err = %v", err)
	}
	o.SkipBadRows = true
	st, recs := normalizeCSV(t, src, o)
	got := []string{recs[1][0], recs[2][0]}
	if want := []string{"2026-10-01T00:00:00Z", "2026-10-03T05:00:00Z"}; !slices.Equal(got, want) {
		t.Errorf("dates %q, want %q", got, want)
	}
	if len(st.Skipped) != 1 || st.Skipped[0].Reason != cur.SkipBadValue || st.Skipped[0].Rows != 1 {
		t.Errorf("skipped %+v", st.Skipped)
	}
}

// TestNormalizeHeaderRepeated: two --columns entries that meet in one output name are refused.
func TestNormalizeHeaderRepeated(t *testing.T) {
	for _, cols := range [][]string{{"lineItem/UnblendedCost", "line_item_unblended_cost"}, {"savings"}} {
		if _, _, err := report.NormalizeHeader(cols); err == nil {
			t.Errorf("%q: no error", cols)
		}
	}
}

// rowsBeforeFailure reads src to its failure and returns the rows its reader delivered.
func rowsBeforeFailure(t *testing.T, src cur.Source) int64 {
	t.Helper()
	r, err := cur.Open(src, pricing.NewEvaluator(false).Request())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
	}
	if r.Err() == nil || r.Rows() == 0 {
		t.Fatalf("%s: read %d rows, err %v: want rows, then a failure", src.Path, r.Rows(), r.Err())
	}
	return r.Rows()
}

// checkSkipsWhole: normalizing good beside bad under skip gives exactly the rows of good
// alone, and names bad with every row it delivered counted as skipped.
func checkSkipsWhole(t *testing.T, good, bad cur.Source) {
	t.Helper()
	delivered := rowsBeforeFailure(t, bad)
	o := report.NormalizeOptions{Metric: pricing.Amortized, SkipBadRows: true}
	wantSt, want := normalizeCSV(t, []cur.Source{good}, o)
	st, got := normalizeCSV(t, []cur.Source{bad, good}, o)
	if !slices.EqualFunc(got, want, slices.Equal) || st.Rows != wantSt.Rows {
		t.Errorf("%d rows written (%d records), want the good file's %d", st.Rows, len(got)-1, len(want)-1)
	}
	want2 := []cur.SkipCount{{File: bad.Name(), Reason: cur.SkipUnreadableFile, Rows: delivered}}
	if len(st.Skipped) != 1 || st.Skipped[0].File != want2[0].File || st.Skipped[0].Reason != want2[0].Reason ||
		st.Skipped[0].Rows != delivered || !strings.Contains(st.Skipped[0].First, bad.Name()) {
		t.Errorf("skipped %+v, want %+v", st.Skipped, want2)
	}
}

// TestNormalizeSkipsHalfReadGzip: under skip, a .csv.gz cut short after its first rows were
// read contributes none of them.
func TestNormalizeSkipsHalfReadGzip(t *testing.T) {
	dir := t.TempDir()
	paths, err := sample.Generate(dir, sample.Options{Rows: 30_000, Gzip: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.csv.gz")
	if err := os.WriteFile(cut, data[:len(data)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	checkSkipsWhole(t, report.OwnBills()[0], cur.Source{Path: cut})
}

// TestNormalizeSkipsHalfReadParquet: under skip, a Parquet file whose last row group is
// corrupt contributes none of the rows of the row groups before it.
func TestNormalizeSkipsHalfReadParquet(t *testing.T) {
	var buf bytes.Buffer
	cols := []pqwrite.Column{{Name: cur.ColLineItemType, Type: pqwrite.String}, {Name: cur.ColUnblended, Type: pqwrite.Double}}
	pw, err := pqwrite.New(&buf, cols, pqwrite.Options{RowGroupRows: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30_000 {
		pw.SetString(0, "Usage")
		pw.SetFloat64(1, float64(i%1000)/8)
		if err := pw.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	last, err := pf.MetaData().RowGroup(pf.NumRowGroups() - 1).ColumnChunk(1)
	if err != nil {
		t.Fatal(err)
	}
	start, size := last.DataPageOffset(), last.TotalCompressedSize()
	if last.HasDictionaryPage() {
		start = last.DictionaryPageOffset()
	}
	pf.Close()
	// Garbage in the middle of the last cost column chunk: its pages no longer decode.
	for i := start + size/4; i < start+size*3/4; i++ {
		data[i] = 0xff
	}
	path := filepath.Join(t.TempDir(), "corrupt.parquet")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	checkSkipsWhole(t, report.OwnBills()[0], cur.Source{Path: path})
}
