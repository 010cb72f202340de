package pqwrite

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
)

// checkedWriter returns a checked allocator for the test's writers (Options.alloc) and fails
// the test if anything is left allocated.
func checkedWriter(t *testing.T) memory.Allocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// readBack reads every requested column of a file as text, "-" for an absent amount.
func readBack(t *testing.T, path string, req cur.Request) (strs, amts [][]string, sch *cur.Schema) {
	t.Helper()
	rd, err := cur.Open(cur.Source{Path: path}, req)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer rd.Close()
	strs, amts = make([][]string, len(req.Strings)), make([][]string, len(req.Amounts))
	for rd.Next() {
		b := rd.Batch()
		for i := range b.Strings {
			for j := 0; j < b.Len; j++ {
				strs[i] = append(strs[i], b.Strings[i].Value(j))
			}
		}
		for i := range b.Amounts {
			for j := 0; j < b.Len; j++ {
				v := "-"
				if b.Amounts[i].IsSet(j) {
					v = b.Amounts[i].Values[j].String()
				}
				amts[i] = append(amts[i], v)
			}
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("read: %v", err)
	}
	if rd.Rounded() != 0 {
		t.Errorf("%d amounts were rounded on reading", rd.Rounded())
	}
	return strs, amts, rd.Schema()
}

func mustAmount(t testing.TB, s string) money.Amount {
	t.Helper()
	a, _, err := money.ParseString(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestParquetWriterRoundTrip(t *testing.T) {
	mem := checkedWriter(t)
	cols := []Column{
		{"line_item_line_item_type", String},
		{"line_item_usage_account_id", String},
		{"line_item_unblended_cost", Double},
		{"reservation_effective_cost", Decimal},
		{"line_item_usage_start_date", Timestamp},
		{"line_item_usage_amount", Int64},
		{"product", StringMap},
		{"discount", DoubleMap},
	}
	type row struct {
		typ, acct, cost, dec, start string
		n                           int64
		keys, vals, dkeys, dvals    []string
	}
	rows := []row{
		{"Usage", "011254002932", "0.57", "0.57", "2026-10-01T00:00:00Z", 3,
			[]string{"product_name", "region"}, []string{"Amazon Elastic Compute Cloud", "us-east-1"},
			[]string{"bundled_discount", "total_discount"}, []string{"-0.1", "-0.0000000001"}},
		{"Tax", "", "-0.0000000001", "123456789.0123456789", "2026-10-31T23:00:00Z", -1,
			nil, nil, nil, nil},
		{"", "222222222222", "99999.1234567891", "-922337203.6854775807", "2026-10-15T12:00:00.000Z", 0,
			[]string{"region"}, []string{""}, []string{"total_discount"}, []string{""}},
		{"NULLS", "", "", "", "", 0, nil, nil, nil, nil},
	}
	var buf bytes.Buffer
	w, err := New(&buf, cols, Options{alloc: mem})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r.typ == "NULLS" {
			w.SetString(0, r.typ)
			w.SetNull(2) // explicit and implicit NULLs must read the same
			if err := w.EndRow(); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w.SetString(0, r.typ)
		w.SetString(1, r.acct)
		w.SetAmount(2, mustAmount(t, r.cost))
		w.SetAmount(3, mustAmount(t, r.dec))
		w.SetString(4, r.start)
		w.SetInt64(5, r.n)
		if i != 1 {
			w.SetMap(6, r.keys, r.vals)
			w.SetMap(7, r.dkeys, r.dvals)
		}
		if err := w.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	req := cur.Request{
		Strings: []string{"line_item_line_item_type", "line_item_usage_account_id", "line_item_usage_start_date",
			"line_item_usage_amount", "product_product_name", "product_region"},
		Amounts: []string{"line_item_unblended_cost", "reservation_effective_cost", "discount_bundled_discount", "discount_total_discount"},
	}
	strs, amts, sch := readBack(t, path, req)
	if sch.Flavour != cur.CUR2Parquet || sch.Compression != "snappy" {
		t.Errorf("flavour %v compression %q", sch.Flavour, sch.Compression)
	}
	want := [][]string{
		{"Usage", "Tax", "", "NULLS"},
		{"011254002932", "", "222222222222", ""},
		{"2026-10-01T00:00:00Z", "2026-10-31T23:00:00Z", "2026-10-15T12:00:00Z", ""},
		{"3", "-1", "0", ""},
		{"Amazon Elastic Compute Cloud", "", "", ""},
		{"us-east-1", "", "", ""},
	}
	for i := range want {
		if strings.Join(strs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("%s: got %q, want %q", req.Strings[i], strs[i], want[i])
		}
	}
	wantAmts := [][]string{
		{"0.57", "-0.0000000001", "99999.1234567891", "-"},
		{"0.57", "123456789.0123456789", "-922337203.6854775807", "-"},
		{"-0.1", "-", "-", "-"},
		{"-0.0000000001", "-", "-", "-"},
	}
	for i := range wantAmts {
		if strings.Join(amts[i], "|") != strings.Join(wantAmts[i], "|") {
			t.Errorf("%s: got %q, want %q", req.Amounts[i], amts[i], wantAmts[i])
		}
	}
}

func TestParquetWriterErrors(t *testing.T) {
	mem := checkedWriter(t)
	cols := []Column{{"line_item_line_item_type", String}, {"c", Double}}
	cases := []struct {
		name string
		fill func(w *Writer)
		want string
	}{
		{"twice", func(w *Writer) { w.SetString(0, "a"); w.SetString(0, "b") }, "set twice"},
		{"type", func(w *Writer) { w.SetInt64(1, 3) }, "cannot take an integer"},
		{"range", func(w *Writer) { w.SetNull(7) }, "no column 7"},
		{"number", func(w *Writer) { w.SetString(1, "12,3") }, "invalid number"},
		{"map", func(w *Writer) { w.SetMap(0, nil, nil) }, "cannot take a map"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := New(&buf, cols, Options{Compression: "zstd", alloc: mem})
			if err != nil {
				t.Fatal(err)
			}
			c.fill(w)
			err = w.EndRow()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("EndRow: %v, want %q", err, c.want)
			}
			if err := w.Close(); err == nil {
				t.Error("Close after a failed row: no error")
			}
		})
	}
	if _, err := New(&bytes.Buffer{}, cols, Options{Compression: "lzma", alloc: mem}); err == nil {
		t.Error("unknown compression accepted")
	}
	if _, err := New(&bytes.Buffer{}, []Column{{"a", String}, {"a", String}}, Options{alloc: mem}); err == nil {
		t.Error("repeated column accepted")
	}
}

// TestParquetWriterRowGroups checks that a long file is cut into row groups of at most
// RowGroupRows rows and reads back whole.
func TestParquetWriterRowGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 600,000 rows")
	}
	mem := checkedWriter(t)
	path := filepath.Join(t.TempDir(), "big.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cols := []Column{{"line_item_line_item_type", String}, {"line_item_unblended_cost", Double},
		{"reservation_effective_cost", Decimal}, {"line_item_usage_start_date", Timestamp}}
	w, err := New(f, cols, Options{alloc: mem})
	if err != nil {
		t.Fatal(err)
	}
	const n = 600_000
	var want money.Sum
	for i := 0; i < n; i++ {
		w.SetString(0, "Usage")
		a := money.Amount(i%1000) * 57_000_000 // multiples of 0.0057
		want.Add(a)
		w.SetAmount(1, a)
		w.SetAmount(2, a)
		w.SetInt64(3, 1_790_812_800_000+int64(i%744)*3_600_000)
		if err := w.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	rgs := pf.NumRowGroups()
	for i := 0; i < rgs; i++ {
		if r := pf.MetaData().RowGroup(i).NumRows(); r > MaxRowGroupRows {
			t.Errorf("row group %d holds %d rows", i, r)
		}
	}
	pf.Close()
	if rgs < 3 {
		t.Errorf("%d row groups, want at least 3", rgs)
	}
	rd, err := cur.Open(cur.Source{Path: path}, cur.Request{Amounts: []string{"line_item_unblended_cost", "reservation_effective_cost"}})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var got [2]money.Sum
	for rd.Next() {
		b := rd.Batch()
		for k := range got {
			for j := 0; j < b.Len; j++ {
				got[k].Add(b.Amounts[k].Values[j])
			}
		}
	}
	if rd.Err() != nil || rd.Rows() != n {
		t.Fatalf("read %d rows: %v", rd.Rows(), rd.Err())
	}
	for k := range got {
		if got[k].Cmp(want) != 0 {
			t.Errorf("column %d sums to %s, want %s", k, got[k], want)
		}
	}
}

// TestParquetWriterDeterministic: the same rows give the same bytes.
func TestParquetWriterDeterministic(t *testing.T) {
	write := func() []byte {
		var buf bytes.Buffer
		w, err := New(&buf, []Column{{"a", String}, {"m", StringMap}}, Options{RowGroupRows: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5000; i++ {
			w.SetString(0, strings.Repeat("x", i%7))
			w.SetMap(1, []string{"k", "j"}, []string{"v", strings.Repeat("y", i%3)})
			if err := w.EndRow(); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if !bytes.Equal(write(), write()) {
		t.Error("two writes of the same rows differ")
	}
}

func TestAmountAppend(t *testing.T) {
	vals := []money.Amount{0, 1, -1, 10_000_000_000, -5_700_000_000, math.MaxInt64, math.MinInt64, 123_456_789_012}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10_000; i++ {
		vals = append(vals, money.Amount(r.Int64()>>(r.IntN(63))), -money.Amount(r.Int64N(1e12)))
	}
	for _, a := range vals {
		if got, want := string(a.Append(nil)), a.String(); got != want {
			t.Fatalf("Append(%d) = %q, String %q", int64(a), got, want)
		}
	}
}

func TestNearestFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 10_000; i++ {
		a := money.Amount(r.Int64() >> r.IntN(63))
		if r.IntN(2) == 0 {
			a = -a
		}
		if got, want := a.NearestFloat(), parseFloat(t, a.String()); got != want {
			t.Fatalf("%s: %v, want %v", a, got, want)
		}
	}
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
