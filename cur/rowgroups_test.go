package cur

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

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

// TestKeepPassesOverRowGroups checks that a reader given Request.Keep leaves unread exactly the
// row groups whose statistics exclude every row, on both Parquet paths, and still counts
// their rows.
func TestKeepPassesOverRowGroups(t *testing.T) {
	const rows = 1000
	at := [][]string{{"111111111111"}, {"111111111111", "222222222222"}, {"222222222222"},
		{"333333333333", ""}, {"444444444444"}, {""}, {" 555555555555"}}
	path := writeClustered(t, at, rows)
	for _, tc := range []struct {
		name string
		keep ColumnTest
		read []int // row groups read
	}{
		{"equal", ColumnTest{Values: []string{"222222222222"}}, []int{1, 2, 6}},
		{"two values", ColumnTest{Values: []string{"111111111111", "444444444444"}}, []int{0, 1, 4, 6}},
		{"absent", ColumnTest{Values: []string{"999999999999"}}, []int{6}},
		{"spaced", ColumnTest{Values: []string{"555555555555"}}, []int{6}},
		{"none", ColumnTest{Values: []string{""}}, []int{3, 5, 6}}, // 6 may start with a space
		{"not equal", ColumnTest{Values: []string{"222222222222"}, Negate: true}, []int{0, 1, 3, 4, 5, 6}},
		{"not none", ColumnTest{Values: []string{""}, Negate: true}, []int{0, 1, 2, 3, 4, 6}},
		{"not spaced", ColumnTest{Values: []string{"555555555555"}, Negate: true}, []int{0, 1, 2, 3, 4, 5}},
	} {
		for _, pages := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/pages=%v", tc.name, pages), func(t *testing.T) {
				tc.keep.Column = ColAccount
				req := Request{Strings: []string{ColAccount}, Amounts: []string{ColUnblended}, Keep: []ColumnTest{tc.keep},
					noPagePath: !pages}
				rd, err := Open(Source{Path: path}, req)
				if err != nil {
					t.Fatal(err)
				}
				defer rd.Close()
				var read []int
				for rd.Next() {
					b := rd.Batch()
					if g := int((b.FirstRow - 1) / rows); !slices.Contains(read, g) {
						read = append(read, g)
					}
				}
				if err := rd.Err(); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(read, tc.read) {
					t.Errorf("row groups read %v, want %v", read, tc.read)
				}
				if got := rd.Rows(); got != int64(len(at)*rows) {
					t.Errorf("Rows() = %d, want %d", got, len(at)*rows)
				}
				if UsesPagePath(rd) != pages {
					t.Errorf("page path %v, want %v", UsesPagePath(rd), pages)
				}
			})
		}
	}
}
