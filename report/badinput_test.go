package report

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pqwrite"
	"github.com/curnorm/curnorm/cur/pricing"
)

const legacyHeader = "lineItem/LineItemType,lineItem/ProductCode,lineItem/CurrencyCode,bill/BillingPeriodStartDate,lineItem/UsageStartDate,lineItem/UnblendedCost,pricing/publicOnDemandCost\n"

// writeGeneratedBill writes a legacy CSV of n rows; bad(i) gives row i's broken text, or "" for a good
// row, whose cost is i/1000. It returns the path, the number of bad rows and the exact sum of
// the good rows' costs in units of 10^-10.
func writeGeneratedBill(t testing.TB, dir, name string, n int, bad func(i int) string) (path string, nbad int, sum *big.Int) {
	t.Helper()
	var b strings.Builder
	b.WriteString(legacyHeader)
	sum = new(big.Int)
	for i := 0; i < n; i++ {
		if s := bad(i); s != "" {
			b.WriteString(s + "\n")
			nbad++
			continue
		}
		fmt.Fprintf(&b, "Usage,Amazon%d,USD,2026-10-01T00:00:00Z,2026-10-%02dT00:00:00Z,%d.%03d,\n", i%5, 1+i%28, i/1000, i%1000)
		sum.Add(sum, big.NewInt(int64(i)*10_000_000))
	}
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, nbad, sum
}

// TestRowsInEqualsCountedPlusSkipped: under --on-error skip every row read is either counted
// or skipped, never lost, for report and normalize, any --jobs and any file order; the good
// rows' money is exact; a file that cannot be read is listed, and alone it still fails.
func TestRowsInEqualsCountedPlusSkipped(t *testing.T) {
	dir := t.TempDir()
	const n1, n2 = 3*cur.BatchRows + 101, 5000
	a, bad1, sum1 := writeGeneratedBill(t, dir, "a.csv", n1, func(i int) string {
		switch i % 97 {
		case 3:
			return "Usage,AmazonEC2,USD,2026-10-01T00:00:00Z,2026-10-01T00:00:00Z,\"12,3\","
		case 50:
			return "Usage,AmazonEC2,USD"
		}
		return ""
	})
	b, bad2, sum2 := writeGeneratedBill(t, dir, "b.csv", n2, func(i int) string {
		if i%501 == 7 {
			return "Tax,AmazonEC2,USD,2026-10-01T00:00:00Z,2026-10-01T00:00:00Z,1,NaN"
		}
		return ""
	})
	notCUR := filepath.Join(dir, "c.csv")
	if err := os.WriteFile(notCUR, []byte("name,amount\nbob,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rowsIn := int64(n1 + n2)
	skippedIn := int64(bad1 + bad2)
	want := new(big.Int).Add(sum1, sum2)
	srcs := []cur.Source{{Path: a}, {Path: b}, {Path: notCUR}}

	if _, err := Run(context.Background(), srcs[:2], Options{Metric: pricing.Unblended, Jobs: 2}); !errors.Is(err, cur.ErrBadValue) {
		t.Fatalf("without skipping: err = %v, want a bad value", err)
	}

	var first []cur.SkipCount
	for _, jobs := range []int{1, 3} {
		for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}} {
			in := make([]cur.Source, len(order))
			for i, j := range order {
				in[i] = srcs[j]
			}
			res := runOpts(t, in, Options{Metric: pricing.Unblended, Jobs: jobs, SkipBadRows: true}, []string{"service"})
			var counted int64
			for _, s := range res.Summaries {
				counted += s.Rows
			}
			if skipped := SkippedRows(res.Skipped); counted+skipped != rowsIn || skipped != skippedIn {
				t.Fatalf("jobs %d order %v: %d counted + %d skipped, want %d + %d = %d", jobs, order, counted, skipped, rowsIn-skippedIn, skippedIn, rowsIn)
			}
			if got := res.Totals[0].Cost.Big(); got.Cmp(want) != 0 {
				t.Fatalf("total %s units, want %s", got, want)
			}
			if first == nil {
				first = res.Skipped
			} else if !reflect.DeepEqual(first, res.Skipped) {
				t.Fatalf("jobs %d order %v: skipped\n%+v\nwant\n%+v", jobs, order, res.Skipped, first)
			}
		}
	}
	var reasons []string
	for _, s := range first {
		reasons = append(reasons, fmt.Sprintf("%s|%s|%d", filepath.Base(s.File), s.Reason, s.Rows))
	}
	wantReasons := []string{
		fmt.Sprintf("a.csv|invalid number|%d", (n1+97-1-3)/97),
		fmt.Sprintf("a.csv|narrow row|%d", (n1+97-1-50)/97),
		fmt.Sprintf("b.csv|invalid number|%d", bad2),
		"c.csv|unreadable file|0",
	}
	if !reflect.DeepEqual(reasons, wantReasons) {
		t.Fatalf("skipped %v, want %v", reasons, wantReasons)
	}
	if !strings.Contains(first[3].First, "not a CUR file") {
		t.Errorf("unreadable file: %q", first[3].First)
	}

	sink := nopSink{}
	st, err := Normalize(context.Background(), srcs, NormalizeOptions{Metric: pricing.Unblended, SkipBadRows: true}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows+SkippedRows(st.Skipped) != rowsIn || !reflect.DeepEqual(st.Skipped, first) {
		t.Fatalf("normalize: %d rows + %d skipped, want %d; skipped %+v", st.Rows, SkippedRows(st.Skipped), rowsIn, st.Skipped)
	}

	// Nothing readable at all: skipping would only hide the failure.
	if _, err := Run(context.Background(), srcs[2:], Options{Metric: pricing.Unblended, SkipBadRows: true}); !errors.Is(err, cur.ErrUnsupportedFormat) {
		t.Fatalf("only an unreadable file: err = %v", err)
	}
	if _, err := Normalize(context.Background(), srcs[2:], NormalizeOptions{Metric: pricing.Unblended, SkipBadRows: true}, sink); !errors.Is(err, cur.ErrUnsupportedFormat) {
		t.Fatalf("normalize, only an unreadable file: err = %v", err)
	}
}

// nopSink takes normalized rows and keeps nothing.
type nopSink struct{}

func (nopSink) Header([]string, []CellType) error { return nil }
func (nopSink) Row([]Cell) error                  { return nil }

// TestExactTotalsThroughReport: a generated bill of 0.1-style amounts whose float64 sum is
// wrong comes out of a whole report run exactly.
func TestExactTotalsThroughReport(t *testing.T) {
	amounts := []string{"0.1", "0.2", "0.3", "0.7", "1.1", "0.0000000001", "123456.789"}
	var b strings.Builder
	b.WriteString(legacyHeader)
	var f float64
	exact := new(big.Rat)
	const n = 30000
	for i := 0; i < n; i++ {
		s := amounts[i%len(amounts)]
		fmt.Fprintf(&b, "Usage,AmazonEC2,USD,2026-10-01T00:00:00Z,2026-10-01T00:00:00Z,%s,%s\n", s, s)
		v, _ := new(big.Rat).SetString(s)
		exact.Add(exact, v)
		x, _ := v.Float64()
		f += x
	}
	want := exact.FloatString(10)
	if fmt.Sprintf("%.10f", f) == want {
		t.Fatal("the float64 sum is exact: the test proves nothing")
	}
	path := filepath.Join(t.TempDir(), "bill.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, jobs := range []int{1, 4} {
		res := runOpts(t, []cur.Source{{Path: path}, {Path: path}}, Options{Metric: pricing.Amortized, Jobs: jobs, AllowDuplicates: true}, []string{"service"})
		double := new(big.Rat).Mul(exact, big.NewRat(2, 1)).FloatString(10)
		if got := res.Totals[0].Cost.Format(10); got != double {
			t.Fatalf("jobs %d: total %s, want %s (float64 gives %.10f)", jobs, got, double, 2*f)
		}
		if got := res.Summaries[0].OnDemand.Format(10); got != double {
			t.Fatalf("jobs %d: on-demand %s, want %s", jobs, got, double)
		}
	}
}

// TestHalfReadFileCountsNothing: under --on-error skip a file that fails after delivering rows
// (a gzip stream cut short, a Parquet file whose last row group is damaged) contributes none
// of them: the totals equal those of the readable files alone, and the rows it delivered are
// counted as skipped under its name.
func TestHalfReadFileCountsNothing(t *testing.T) {
	dir := t.TempDir()
	good, _, _ := writeGeneratedBill(t, dir, "good.csv", 2000, func(int) string { return "" })
	plain, _, _ := writeGeneratedBill(t, dir, "cut.csv", 3*cur.BatchRows, func(int) string { return "" })
	cutGz := filepath.Join(dir, "cut.csv.gz")
	gz := gzipBytes(t, readFile(t, plain))
	writeFile(t, cutGz, gz[:len(gz)*2/3])
	damaged := writeParquetBill(t, dir, "damaged.parquet", true)

	for _, bad := range []string{cutGz, damaged} {
		t.Run(filepath.Base(bad), func(t *testing.T) {
			want := runOpts(t, []cur.Source{{Path: good}}, Options{Metric: pricing.Amortized}, []string{"service"})
			got := runOpts(t, []cur.Source{{Path: good}, {Path: bad}}, Options{Metric: pricing.Amortized, SkipBadRows: true}, []string{"service"})
			if !reflect.DeepEqual(got.Groups, want.Groups) || !reflect.DeepEqual(got.Totals, want.Totals) || !reflect.DeepEqual(got.Summaries, want.Summaries) {
				t.Fatalf("totals with the half-read file %v differ from the good file's alone %v", got.Totals[0], want.Totals[0])
			}
			if len(got.Skipped) != 1 || got.Skipped[0].File != bad || got.Skipped[0].Reason != cur.SkipUnreadableFile || got.Skipped[0].Rows == 0 {
				t.Fatalf("skipped %+v, want the file unreadable with the rows it delivered", got.Skipped)
			}
		})
	}
}

// writeParquetBill writes a CUR-shaped Parquet file of three row groups; with damage, the last
// one's cost column chunk is overwritten, so a reader delivers two row groups before failing.
func writeParquetBill(t *testing.T, dir, name string, damage bool) string {
	t.Helper()
	var buf bytes.Buffer
	cols := []pqwrite.Column{{Name: "line_item_line_item_type", Type: pqwrite.String}, {Name: "line_item_product_code", Type: pqwrite.String},
		{Name: "line_item_currency_code", Type: pqwrite.String}, {Name: "line_item_unblended_cost", Type: pqwrite.Decimal}}
	w, err := pqwrite.New(&buf, cols, pqwrite.Options{RowGroupRows: 1000, Compression: "none"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		w.SetString(0, "Usage")
		w.SetString(1, fmt.Sprintf("Amazon%d", i%5))
		w.SetString(2, "USD")
		w.SetAmount(3, money.Amount(int64(i)*10_000_000))
		if err := w.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	path := filepath.Join(dir, name)
	if !damage {
		writeFile(t, path, data)
		return path
	}
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	cc, err := pf.MetaData().RowGroup(2).ColumnChunk(3)
	if err != nil {
		t.Fatal(err)
	}
	for i := cc.DataPageOffset(); i < cc.DataPageOffset()+cc.TotalCompressedSize(); i++ {
		data[i] = 0xff
	}
	writeFile(t, path, data)
	return path
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDuplicateFilesRefused: a copy of a bill file beside the original would double the bill;
// in every container (CSV, gzip, zip, Parquet) it is refused naming both, and counted twice
// only when allowed. Files that differ are never taken for copies.
func TestDuplicateFilesRefused(t *testing.T) {
	dir := t.TempDir()
	csvPath, _, _ := writeGeneratedBill(t, dir, "a.csv", 3000, func(int) string { return "" })
	other, _, _ := writeGeneratedBill(t, dir, "b.csv", 2999, func(int) string { return "" })
	gzPath := filepath.Join(dir, "a.csv.gz")
	writeFile(t, gzPath, gzipBytes(t, readFile(t, csvPath)))
	zipPath := filepath.Join(dir, "a.csv.zip")
	writeFile(t, zipPath, zipBytes(t, "a.csv", readFile(t, csvPath)))
	pqPath := writeParquetBill(t, dir, "a.parquet", false)
	copyDir := filepath.Join(dir, "copy")
	if err := os.Mkdir(copyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, orig := range []string{csvPath, gzPath, zipPath, pqPath} {
		dup := filepath.Join(copyDir, filepath.Base(orig))
		writeFile(t, dup, readFile(t, orig))
		t.Run(filepath.Base(orig), func(t *testing.T) {
			srcs := []cur.Source{{Path: other}, {Path: orig}, {Path: dup}}
			opts := Options{Metric: pricing.Unblended, SkipBadRows: true}
			_, err := Run(context.Background(), srcs, opts)
			if !errors.Is(err, cur.ErrDuplicateInput) || !strings.Contains(err.Error(), orig+" and "+dup) {
				t.Fatalf("err = %v, want a duplicate-input error naming %s and %s", err, orig, dup)
			}
			opts.AllowDuplicates = true
			if _, err := Run(context.Background(), srcs, opts); err != nil {
				t.Fatalf("--allow-duplicates: %v", err)
			}
		})
	}
	if _, err := Run(context.Background(), []cur.Source{{Path: csvPath}, {Path: other}, {Path: gzPath}}, Options{Metric: pricing.Unblended}); err != nil {
		t.Fatalf("different files: %v", err)
	}
	if _, err := Explain(context.Background(), []cur.Source{{Path: csvPath}, {Path: filepath.Join(copyDir, "a.csv")}}, pricing.Amortized, false, false); !errors.Is(err, cur.ErrDuplicateInput) {
		t.Fatalf("explain: err = %v, want a duplicate-input error", err)
	}
}

func zipBytes(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
