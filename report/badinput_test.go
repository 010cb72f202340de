package report

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
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

	if _, err := Run(context.Background(), srcs[:2], Options{Metric: cur.Unblended, Jobs: 2}); !errors.Is(err, cur.ErrBadValue) {
		t.Fatalf("without skipping: err = %v, want a bad value", err)
	}

	var first []cur.SkipCount
	for _, jobs := range []int{1, 3} {
		for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}} {
			in := make([]cur.Source, len(order))
			for i, j := range order {
				in[i] = srcs[j]
			}
			res := runOpts(t, in, Options{Metric: cur.Unblended, Jobs: jobs, SkipBadRows: true}, []string{"service"})
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

	sink := NewCSVSink(discard{})
	st, err := Normalize(context.Background(), srcs, NormalizeOptions{Metric: cur.Unblended, SkipBadRows: true}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows+SkippedRows(st.Skipped) != rowsIn || !reflect.DeepEqual(st.Skipped, first) {
		t.Fatalf("normalize: %d rows + %d skipped, want %d; skipped %+v", st.Rows, SkippedRows(st.Skipped), rowsIn, st.Skipped)
	}

	// Nothing readable at all: skipping would only hide the failure.
	if _, err := Run(context.Background(), srcs[2:], Options{Metric: cur.Unblended, SkipBadRows: true}); !errors.Is(err, cur.ErrUnsupportedFormat) {
		t.Fatalf("only an unreadable file: err = %v", err)
	}
	if _, err := Normalize(context.Background(), srcs[2:], NormalizeOptions{Metric: cur.Unblended, SkipBadRows: true}, sink); !errors.Is(err, cur.ErrUnsupportedFormat) {
		t.Fatalf("normalize, only an unreadable file: err = %v", err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

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
		res := runOpts(t, []cur.Source{{Path: path}, {Path: path}}, Options{Metric: cur.Amortized, Jobs: jobs}, []string{"service"})
		double := new(big.Rat).Mul(exact, big.NewRat(2, 1)).FloatString(10)
		if got := res.Totals[0].Cost.Format(10); got != double {
			t.Fatalf("jobs %d: total %s, want %s (float64 gives %.10f)", jobs, got, double, 2*f)
		}
		if got := res.Summaries[0].OnDemand.Format(10); got != double {
			t.Fatalf("jobs %d: on-demand %s, want %s", jobs, got, double)
		}
	}
}
