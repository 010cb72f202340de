package cur

import (
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
)

// TestPagePathFlatWhere: flat text columns limited to the rows of one line item type give
// those rows what pqarrow reads, and on dictionary pages leave the others unread (PLAIN ones
// are read whole); a column also asked whole, or also read as an amount, is read on every row.
func TestPagePathFlatWhere(t *testing.T) {
	const nrows = 23000
	for _, tc := range []struct {
		name  string
		props []parquet.WriterProperty
		plain bool // every page PLAIN: nothing to pass over
	}{
		{"dictionary v1", []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy)}, false},
		{"v2 small pages", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2), parquet.WithDataPageSize(2048),
			parquet.WithMaxRowGroupLength(10000)}, false},
		{"dictionary falls back to plain", []parquet.WriterProperty{parquet.WithDictionaryPageSizeLimit(1024), parquet.WithDataPageSize(4096),
			parquet.WithMaxRowGroupLength(9000)}, false},
		{"plain", []parquet.WriterProperty{parquet.WithDictionaryDefault(false)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTypesParquet(t, nrows, tc.props, false)
			fee := ColumnTest{Column: "line_item_line_item_type", Values: []string{"Fee"}}
			var req Request
			typ := req.AskString("line_item_line_item_type")
			limited := []StringCol{
				req.AskStringWhere("s_opt", fee),    // nullable, a few values
				req.AskStringWhere("s_unique", fee), // nearly every value its own
				req.AskStringWhere("s_spaces", fee), // required: no definition levels
				req.AskStringWhere("i32", fee),      // integers as text
			}
			whole := req.AskStringWhere("fsb", fee)
			req.AskString("fsb")
			money := req.AskStringWhere("line_item_unblended_cost", fee)
			req.AskAmount("line_item_unblended_cost")
			if len(req.Where) != len(limited)+1 {
				t.Fatalf("Where %v: want %d limited columns", req.Where, len(limited)+1)
			}
			read, passed := 0, 0
			bothPaths(t, path, req, func(w, s *Batch) {
				for i := range w.Len {
					row := w.FirstRow + int64(i)
					for _, c := range []StringCol{whole, money} {
						if got, want := s.Str(c).Value(i), w.Str(c).Value(i); got != want {
							t.Fatalf("row %d, column %d read whole: %q, want %q", row, c, got, want)
						}
					}
					isFee := w.Str(typ).Value(i) == "Fee"
					for _, c := range limited {
						got, want := s.Str(c).Value(i), w.Str(c).Value(i)
						switch {
						case isFee || tc.plain:
							if got != want {
								t.Fatalf("row %d, column %d: %q, want %q", row, c, got, want)
							}
							if isFee {
								read++
							}
						case got == "" && want != "":
							passed++
						case got != want: // a PLAIN page is read whole
							t.Fatalf("row %d outside the test, column %d: %q, want %q or nothing", row, c, got, want)
						}
					}
				}
			})
			if read == 0 || passed == 0 && !tc.plain {
				t.Errorf("%d cells read, %d passed over: the test shows nothing", read, passed)
			}
		})
	}
}

// bothPaths reads path with req through pqarrow (every row of every column) and through the
// page path, and hands each pair of batches to check.
func bothPaths(t *testing.T, path string, req Request, check func(whole, some *Batch)) {
	t.Helper()
	whole, err := Open(Source{Path: path}, WithPagePath(req, false))
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	some, err := Open(Source{Path: path}, req)
	if err != nil {
		t.Fatal(err)
	}
	defer some.Close()
	if !UsesPagePath(some) {
		t.Fatal("the page path did not take the file")
	}
	for whole.Next() {
		if !some.Next() {
			t.Fatalf("page path ends early: %v", some.Err())
		}
		check(whole.Batch(), some.Batch())
	}
	if some.Next() || whole.Err() != nil || some.Err() != nil {
		t.Fatalf("ends: %v, %v", whole.Err(), some.Err())
	}
}
