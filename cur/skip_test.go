package cur

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// drain reads every batch of a source and returns the delivered rows as "type|cost" text, the
// reader's Rows() and its skip counts.
func drain(t *testing.T, path string, req Request) (rows []string, n int64, skipped []SkipCount, err error) {
	t.Helper()
	r, err := Open(Source{Path: path}, req)
	if err != nil {
		return nil, 0, nil, err
	}
	defer r.Close()
	for r.Next() {
		b := r.Batch()
		for i := 0; i < b.Len; i++ {
			var parts []string
			for c := range b.Strings {
				if len(b.Strings[c].Codes) != b.Len {
					t.Fatalf("string column %d holds %d rows in a batch of %d", c, len(b.Strings[c].Codes), b.Len)
				}
				parts = append(parts, b.Strings[c].Value(i))
			}
			for c := range b.Amounts {
				a := &b.Amounts[c]
				if len(a.Values) != b.Len || len(a.Valid) != b.Len {
					t.Fatalf("amount column %d holds %d/%d rows in a batch of %d", c, len(a.Values), len(a.Valid), b.Len)
				}
				if a.IsSet(i) {
					parts = append(parts, a.Values[i].String())
				} else {
					parts = append(parts, "-")
				}
			}
			rows = append(rows, strings.Join(parts, "|"))
		}
	}
	return rows, r.Rows(), r.Skipped(), r.Err()
}

func skippedRows(s []SkipCount) int64 {
	var n int64
	for _, c := range s {
		n += c.Rows
	}
	return n
}

// TestCSVSkipBadRows: over several batches, every bad row is skipped and counted once under its
// reason, the good rows come through whole, and rows read = rows delivered + rows skipped.
func TestCSVSkipBadRows(t *testing.T) {
	const total = 3*BatchRows + 17
	var b strings.Builder
	b.WriteString("line_item_line_item_type,line_item_unblended_cost,product,line_item_net_unblended_cost\n")
	var want []string
	wantSkips := map[string]int64{}
	for i := 0; i < total; i++ {
		switch {
		case i%11 == 3:
			fmt.Fprintf(&b, "Usage,\"12,3\",{},1\n")
			wantSkips[SkipInvalidNumber]++
		case i%11 == 5:
			fmt.Fprintf(&b, "Usage,1e400,{},1\n")
			wantSkips[SkipOutOfRange]++
		case i%11 == 7:
			fmt.Fprintf(&b, "Usage,1\n")
			wantSkips[SkipNarrowRow]++
		case i%11 == 9:
			// The cost column is read before the map cell fails: its cell must be taken back.
			fmt.Fprintf(&b, "Usage,%d,\"{\"\"product_name\"\":\",1\n", i)
			wantSkips[SkipBadMapCell]++
		case i%11 == 10:
			// The first amount is fine, the second is not: the row is taken back whole.
			fmt.Fprintf(&b, "Tax,%d,{},NaN\n", i)
			wantSkips[SkipInvalidNumber]++
		default:
			fmt.Fprintf(&b, "Usage,%d.5,\"{\"\"product_name\"\":\"\"EC2\"\"}\",%d\n", i, i)
			want = append(want, fmt.Sprintf("Usage|EC2|%d.5|%d", i, i))
		}
	}
	path := filepath.Join(t.TempDir(), "bill.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	req := Request{Strings: []string{"line_item_line_item_type", "product_product_name"},
		Amounts: []string{"line_item_unblended_cost", "line_item_net_unblended_cost"}}

	if _, _, _, err := drain(t, path, req); !errors.Is(err, ErrBadValue) || !strings.Contains(err.Error(), "bill.csv:5: column line_item_unblended_cost") {
		t.Fatalf("without SkipBadRows: err = %v, want the bad value of line 5", err)
	}

	req.SkipBadRows = true
	rows, n, skipped, err := drain(t, path, req)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("delivered %d rows, want %d; first difference near %v", len(rows), len(want), firstDiff(rows, want))
	}
	if n != int64(len(want)) || n+skippedRows(skipped) != total {
		t.Fatalf("Rows() = %d, skipped %d: want %d + %d = %d", n, skippedRows(skipped), len(want), total-len(want), total)
	}
	got := map[string]int64{}
	for i, s := range skipped {
		got[s.Reason] = s.Rows
		if i > 0 && skipped[i-1].Reason >= s.Reason {
			t.Errorf("skip counts not sorted by reason: %v", skipped)
		}
		if s.File != path {
			t.Errorf("skip count names %q, want %q", s.File, path)
		}
	}
	if !reflect.DeepEqual(got, wantSkips) {
		t.Fatalf("skipped %v, want %v", got, wantSkips)
	}
	firsts := map[string]string{
		SkipInvalidNumber: `bill.csv:5: column line_item_unblended_cost: invalid number "12,3"`,
		SkipOutOfRange:    `bill.csv:7: column line_item_unblended_cost: number out of range "1e400"`,
		SkipNarrowRow:     `bill.csv:9: row has 2 fields, the header has 4`,
		SkipBadMapCell:    `bill.csv:11: column product: map cell is not a JSON object`,
	}
	for _, s := range skipped {
		if w := firsts[s.Reason]; !strings.Contains(s.First, w) {
			t.Errorf("first %s: %q, want it to contain %q", s.Reason, s.First, w)
		}
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d: %q vs %q", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

// TestParquetSkipBadRows: NaN, ±Inf and out-of-range doubles skip their rows, a batch whose
// rows are all bad is passed over, and rows read = rows delivered + rows skipped.
func TestParquetSkipBadRows(t *testing.T) {
	checkedParquet(t)
	var rows []nanRow
	var want []string
	for i := 0; i < 2*BatchRows+5; i++ {
		switch {
		case i >= BatchRows && i < 2*BatchRows: // the whole second batch
			rows = append(rows, nanRow{"Usage", math.NaN()})
		case i%3 == 1:
			rows = append(rows, nanRow{"Usage", math.Inf(1)})
		case i%5 == 2:
			rows = append(rows, nanRow{"Usage", 1e12})
		default:
			rows = append(rows, nanRow{"Tax", float64(i) + 0.25})
			want = append(want, fmt.Sprintf("Tax|%d.25", i))
		}
	}
	path := writeXParquet(t, rows)
	req := Request{Strings: []string{"line_item_line_item_type"}, Amounts: []string{"line_item_unblended_cost"}}
	if _, _, _, err := drain(t, path, req); !errors.Is(err, ErrBadValue) {
		t.Fatalf("without SkipBadRows: err = %v", err)
	}
	req.SkipBadRows = true
	got, n, skipped, err := drain(t, path, req)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("delivered %d rows, want %d; %s", len(got), len(want), firstDiff(got, want))
	}
	if n != int64(len(want)) || n+skippedRows(skipped) != int64(len(rows)) {
		t.Fatalf("Rows() = %d, skipped %v: want %d of %d", n, skipped, len(want), len(rows))
	}
	if len(skipped) != 2 || skipped[0].Reason != SkipInvalidNumber || skipped[1].Reason != SkipOutOfRange {
		t.Fatalf("skipped = %+v, want invalid number and out of range", skipped)
	}
	if f := skipped[0].First; !strings.Contains(f, "row group 0: column line_item_unblended_cost: row 2: invalid number \"+Inf\"") {
		t.Errorf("first invalid number: %q", f)
	}
	if f := skipped[1].First; !strings.Contains(f, "row 3: number out of range") {
		t.Errorf("first out of range: %q", f)
	}
}
