package cur

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/curnorm/curnorm/cur/internal/pqpage"
	"github.com/curnorm/curnorm/cur/pqwrite"
)

// writeClustered writes a legacy Parquet bill of groups row groups of rows rows each; row
// group g holds the accounts at[g] (one per row, cycling), "" being a null.
func writeClustered(t *testing.T, at [][]string, rows int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clustered.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cols := []pqwrite.Column{{Name: ColAccount, Type: pqwrite.String}, {Name: ColLineItemType, Type: pqwrite.String},
		{Name: ColUnblended, Type: pqwrite.Double}}
	w, err := pqwrite.New(f, cols, pqwrite.Options{RowGroupRows: rows})
	if err != nil {
		t.Fatal(err)
	}
	for _, accts := range at {
		for i := range rows {
			if a := accts[i%len(accts)]; a == "" {
				w.SetNull(0)
			} else {
				w.SetString(0, a)
			}
			w.SetString(1, "Usage")
			w.SetFloat64(2, float64(i%7))
			if err := w.EndRow(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := errors.Join(w.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeClusteredPlain writes the bill of writeClustered with every value PLAIN: no
// dictionary, so only the statistics bound a row group.
func writeClusteredPlain(t *testing.T, at [][]string, rows int) string {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: ColAccount, Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: ColLineItemType, Type: arrow.BinaryTypes.String}, {Name: ColUnblended, Type: arrow.PrimitiveTypes.Float64}}, nil)
	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(parquet.WithDictionaryDefault(false),
		parquet.WithMaxRowGroupLength(int64(rows))), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
	defer b.Release()
	for _, accts := range at {
		for i := range rows {
			if a := accts[i%len(accts)]; a == "" {
				b.Field(0).AppendNull()
			} else {
				b.Field(0).(*array.StringBuilder).Append(a)
			}
			b.Field(1).(*array.StringBuilder).Append("Usage")
			b.Field(2).(*array.Float64Builder).Append(float64(i % 7))
		}
	}
	return writeParquetFile(t, fw, &buf, b, "clustered-plain.parquet")
}

// readRowGroups reads a file of groups row groups of rows rows with req and checks that it
// read the row groups want, on the path req asks for, and still counted every row.
func readRowGroups(t *testing.T, path string, req Request, rows, groups int, want []int) {
	t.Helper()
	rd, err := Open(Source{Path: path}, req)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var read []int
	for rd.Next() {
		b := rd.Batch()
		if g := int((b.FirstRow - 1) / int64(rows)); !slices.Contains(read, g) {
			read = append(read, g)
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(read, want) {
		t.Errorf("row groups read %v, want %v", read, want)
	}
	if got := rd.Rows(); got != int64(groups*rows) {
		t.Errorf("Rows() = %d, want %d", got, groups*rows)
	}
	if UsesPagePath(rd) == req.noPagePath {
		t.Errorf("page path %v, want %v", UsesPagePath(rd), !req.noPagePath)
	}
}

// TestKeepPassesOverRowGroups checks that a reader given Request.Keep leaves unread exactly the
// row groups whose statistics, or dictionaries, exclude every row, on both Parquet paths, and
// still counts their rows. A row group's dictionary holds its texts exactly; its statistics
// bound them, and a text may start with white space, which a test ignores.
func TestKeepPassesOverRowGroups(t *testing.T) {
	const rows = 1000
	at := [][]string{{"111111111111"}, {"111111111111", "222222222222"}, {"222222222222"},
		{"333333333333", ""}, {"444444444444"}, {""}, {" 555555555555"}, {"111111111111", "333333333333"}}
	files := map[bool]string{true: writeClustered(t, at, rows), false: writeClusteredPlain(t, at, rows)}
	for _, tc := range []struct {
		name        string
		keep        ColumnTest
		stats, dict []int // row groups read of the PLAIN file, of the dictionary-encoded one
	}{
		{"equal", ColumnTest{Values: []string{"222222222222"}}, []int{1, 2, 6, 7}, []int{1, 2}},
		{"two values", ColumnTest{Values: []string{"111111111111", "444444444444"}}, []int{0, 1, 4, 6, 7}, []int{0, 1, 4, 7}},
		{"absent", ColumnTest{Values: []string{"999999999999"}}, []int{6}, []int{}},
		{"spaced", ColumnTest{Values: []string{"555555555555"}}, []int{6}, []int{6}},
		{"none", ColumnTest{Values: []string{""}}, []int{3, 5, 6}, []int{3, 5}}, // 6 may start with a space
		{"not equal", ColumnTest{Values: []string{"222222222222"}, Negate: true}, []int{0, 1, 3, 4, 5, 6, 7}, []int{0, 1, 3, 4, 5, 6, 7}},
		{"not none", ColumnTest{Values: []string{""}, Negate: true}, []int{0, 1, 2, 3, 4, 6, 7}, []int{0, 1, 2, 3, 4, 6, 7}},
		{"not spaced", ColumnTest{Values: []string{"555555555555"}, Negate: true}, []int{0, 1, 2, 3, 4, 5, 7}, []int{0, 1, 2, 3, 4, 5, 7}},
		{"not either", ColumnTest{Values: []string{"111111111111", "333333333333"}, Negate: true}, []int{1, 2, 3, 4, 5, 6, 7}, []int{1, 2, 3, 4, 5, 6}},
	} {
		for _, dict := range []bool{true, false} {
			for _, pages := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/dict=%v/pages=%v", tc.name, dict, pages), func(t *testing.T) {
					tc.keep.Column = ColAccount
					req := Request{Strings: []string{ColAccount}, Amounts: []string{ColUnblended}, Keep: []ColumnTest{tc.keep},
						noPagePath: !pages}
					want := tc.stats
					if dict {
						want = tc.dict
					}
					readRowGroups(t, files[dict], req, rows, len(at), want)
				})
			}
		}
	}
}

// TestKeepPassesOverDates checks tests of a month or day (ColumnTest.Date) against row groups
// of a text column and of a TIMESTAMP column holding the same instants.
func TestKeepPassesOverDates(t *testing.T) {
	const rows = 100
	at := [][]string{
		{"2026-10-01T00:00:00Z", "2026-10-01T05:00:00Z"},
		{"2026-10-31T23:00:00Z", "2026-11-01T01:00:00Z"}, // texts share too little to bound
		{"2026-11-05T00:00:00Z", "2026-11-05T23:00:00Z"},
		{"", "2026-11-05T10:00:00Z"},
		{"2026-11-06T00:00:00Z", " 2026-11-07T00:00:00Z"}, // a text may start with a space
		{"20261108", "2026-11-08T00:00:00Z"},              // two forms of one day
	}
	path := filepath.Join(t.TempDir(), "dates.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cols := []pqwrite.Column{{Name: ColUsageStart, Type: pqwrite.String}, {Name: ColPeriodStart, Type: pqwrite.Timestamp},
		{Name: ColLineItemType, Type: pqwrite.String}}
	w, err := pqwrite.New(f, cols, pqwrite.Options{RowGroupRows: rows})
	if err != nil {
		t.Fatal(err)
	}
	for _, texts := range at {
		for i := range rows {
			s := texts[i%len(texts)]
			if s == "" {
				w.SetNull(0)
				w.SetNull(1)
			} else {
				w.SetString(0, s)
				layout := time.RFC3339
				if len(strings.TrimSpace(s)) == 8 {
					layout = "20060102"
				}
				tm, err := time.Parse(layout, strings.TrimSpace(s))
				if err != nil {
					t.Fatal(err)
				}
				w.SetInt64(1, tm.UnixMilli())
			}
			w.SetString(2, "Usage")
			if err := w.EndRow(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := errors.Join(w.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		keep       ColumnTest
		text, time []int // row groups read by a test of the text column, of the timestamp column
	}{
		{"month", ColumnTest{Date: "month", Values: []string{"2026-10"}}, []int{0, 1, 4, 5}, []int{0, 1}},
		{"months", ColumnTest{Date: "month", Values: []string{"2026-09", "2026-10", "2026-12"}}, []int{0, 1, 4, 5}, []int{0, 1}},
		{"day", ColumnTest{Date: "day", Values: []string{"2026-11-05"}}, []int{1, 2, 3, 4, 5}, []int{2, 3}},
		{"not month", ColumnTest{Date: "month", Values: []string{"2026-11"}, Negate: true}, []int{0, 1, 3, 4, 5}, []int{0, 1, 3}},
		{"no day", ColumnTest{Date: "day", Values: []string{""}}, []int{1, 3, 4, 5}, []int{3}},
		{"not no day", ColumnTest{Date: "day", Values: []string{""}, Negate: true}, []int{0, 1, 2, 3, 4, 5}, []int{0, 1, 2, 3, 4, 5}},
	} {
		for k, col := range []string{ColUsageStart, ColPeriodStart} {
			want := [][]int{tc.text, tc.time}[k]
			for _, pages := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%s/pages=%v", tc.name, col, pages), func(t *testing.T) {
					tc.keep.Column = col
					req := Request{Strings: []string{col, ColLineItemType}, Keep: []ColumnTest{tc.keep}, noPagePath: !pages}
					readRowGroups(t, path, req, rows, len(at), want)
				})
			}
		}
	}
}

// TestKeepPassesOverDateColumn: a DATE column's statistics bound its months and days too.
func TestKeepPassesOverDateColumn(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{{Name: ColUsageStart, Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: ColLineItemType, Type: arrow.BinaryTypes.String}}, nil)
	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(10)), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
	defer b.Release()
	oct30 := arrow.Date32FromTime(time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC))
	for _, days := range [][2]arrow.Date32{{oct30, oct30 + 1}, {oct30 + 2, oct30 + 3}} { // Oct 30-31, Nov 1-2
		for i := range 10 {
			b.Field(0).(*array.Date32Builder).Append(days[i%2])
			b.Field(1).(*array.StringBuilder).Append("Usage")
		}
	}
	path := writeParquetFile(t, fw, &buf, b, "dates.parquet")
	for _, tc := range []struct {
		keep ColumnTest
		read []int
	}{
		{ColumnTest{Date: "month", Values: []string{"2026-11"}}, []int{1}},
		{ColumnTest{Date: "day", Values: []string{"2026-10-31"}}, []int{0}},
		{ColumnTest{Date: "month", Values: []string{"2026-10"}, Negate: true}, []int{1}},
	} {
		tc.keep.Column = ColUsageStart
		readRowGroups(t, path, Request{Strings: []string{ColUsageStart}, Keep: []ColumnTest{tc.keep}}, 10, 2, tc.read)
	}
}

// TestKeepReadsDictionaryFallback: a chunk whose dictionary filled up and went on PLAIN holds
// texts its dictionary lacks, so the dictionary does not bound it.
func TestKeepReadsDictionaryFallback(t *testing.T) {
	const rows = 2000
	sc := arrow.NewSchema([]arrow.Field{{Name: ColAccount, Type: arrow.BinaryTypes.String},
		{Name: ColLineItemType, Type: arrow.BinaryTypes.String}}, nil)
	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(parquet.WithDictionaryPageSizeLimit(512),
		parquet.WithDataPageSize(1024), parquet.WithMaxRowGroupLength(rows)), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
	defer b.Release()
	for i := range rows {
		b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("%012d", i))
		b.Field(1).(*array.StringBuilder).Append("Usage")
	}
	path := writeParquetFile(t, fw, &buf, b, "fallback.parquet")
	last := fmt.Sprintf("%012d", rows-1)
	rd, err := Open(Source{Path: path}, Request{Strings: []string{ColAccount}})
	if err != nil {
		t.Fatal(err)
	}
	pf := rd.(*parquetReader).pf
	dt := &dictTexts{pf: pf, src: bytes.NewReader(buf.Bytes()), alloc: memory.NewGoAllocator(), cols: map[int]*pqpage.Column{}}
	defer dt.close()
	if holds, ok := dt.holds(0, 0, func(text []byte) bool { return string(text) == last }); ok || holds {
		t.Fatalf("the chunk reads as dictionary-only (%v), or its dictionary holds the last text (%v)", ok, holds)
	}
	c := pqpage.Column{Leaf: 0, Type: parquet.Types.ByteArray, File: pf, Src: bytes.NewReader(buf.Bytes()), Props: pageStreamProps(memory.NewGoAllocator())}
	defer c.Close()
	if data, _, err := c.Dictionary(0); err != nil || data == nil {
		t.Fatalf("the chunk has no dictionary page (%v): the test writes none", err)
	}
	rd.Close()
	for _, pages := range []bool{true, false} {
		req := Request{Strings: []string{ColAccount}, Keep: []ColumnTest{{Column: ColAccount, Values: []string{last}}}, noPagePath: !pages}
		readRowGroups(t, path, req, rows, 1, []int{0})
	}
}

// TestKeepPassesOverMapValues: a test of = on a CUR 2.0 tag leaves unread the row groups
// whose resource_tags values hold none of its texts, by the dictionary of the map's values
// (a map has no statistics of one key's values); a text another key holds keeps a row group
// in, and tests that a row without the key could meet read everything.
func TestKeepPassesOverMapValues(t *testing.T) {
	const rows = 100
	path := filepath.Join(t.TempDir(), "tags.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cols := []pqwrite.Column{{Name: ColAccount, Type: pqwrite.String}, {Name: ColLineItemType, Type: pqwrite.String},
		{Name: ColUnblended, Type: pqwrite.Double}, {Name: "resource_tags", Type: pqwrite.StringMap}}
	w, err := pqwrite.New(f, cols, pqwrite.Options{RowGroupRows: rows})
	if err != nil {
		t.Fatal(err)
	}
	groups := [][2]string{{"user_team", "web"}, {"user_team", "data"}, {"user_env", "prod"}, {"user_team", " ops "}}
	for _, kv := range groups {
		for i := range rows {
			w.SetString(0, "111111111111")
			w.SetString(1, "Usage")
			w.SetFloat64(2, 1)
			if i%4 == 0 {
				w.SetMap(3, nil, nil) // a row without tags
			} else {
				w.SetMap(3, []string{kv[0]}, []string{kv[1]})
			}
			if err := w.EndRow(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := errors.Join(w.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	team := TagColumn("team")
	for _, tc := range []struct {
		name string
		keep ColumnTest
		read []int
	}{
		{"one", ColumnTest{Values: []string{"web"}}, []int{0}},
		{"two", ColumnTest{Values: []string{"data", "ops"}}, []int{1, 3}},
		{"absent", ColumnTest{Values: []string{"nobody"}}, []int{}},
		{"another key's value", ColumnTest{Values: []string{"prod"}}, []int{2}},
		{"none", ColumnTest{Values: []string{""}}, []int{0, 1, 2, 3}},
		{"not", ColumnTest{Values: []string{"web"}, Negate: true}, []int{0, 1, 2, 3}},
	} {
		for _, pages := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/pages=%v", tc.name, pages), func(t *testing.T) {
				tc.keep.Column = team
				req := Request{Strings: []string{team}, Keep: []ColumnTest{tc.keep}, noPagePath: !pages}
				readRowGroups(t, path, req, rows, len(groups), tc.read)
			})
		}
	}
}
