package cur

import (
	"fmt"
	"slices"
	"testing"
)

// TestFooterTrimmedToRequest: a Parquet reader keeps the chunk metadata of the columns its
// request reads, tests (Keep) or limits by (Where) and of no other, on both Parquet paths.
func TestFooterTrimmedToRequest(t *testing.T) {
	path := writeClustered(t, [][]string{{"111111111111"}, {"222222222222"}, {"333333333333"}}, 10)
	for _, tc := range []struct {
		req  Request
		kept []string
	}{
		{Request{Strings: []string{ColLineItemType}}, []string{ColLineItemType}},
		{Request{Amounts: []string{ColUnblended}, Keep: []ColumnTest{{Column: ColAccount, Values: []string{"222222222222"}}}},
			[]string{ColAccount, ColUnblended}},
		{Request{Strings: []string{""}, Amounts: []string{ColUnblended}, Where: map[StringCol]ColumnTest{0: {Column: ColLineItemType, Values: []string{"Usage"}}}},
			[]string{ColLineItemType, ColUnblended}},
	} {
		for _, pages := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/pages=%v", tc.kept, pages), func(t *testing.T) {
				tc.req.noPagePath = !pages
				rd, err := Open(Source{Path: path}, tc.req)
				if err != nil {
					t.Fatal(err)
				}
				defer rd.Close()
				rows := 0
				for rd.Next() {
					rows += rd.Batch().Len
				}
				if err := rd.Err(); err != nil {
					t.Fatal(err)
				}
				if want := 30 - 20*len(tc.req.Keep); rows != want {
					t.Errorf("%d rows read, want %d", rows, want)
				}
				meta := rd.(*parquetReader).pf.MetaData()
				for rg := range meta.NumRowGroups() {
					for leaf := range meta.Schema.NumColumns() {
						name := meta.Schema.Column(leaf).Name()
						_, err := meta.RowGroup(rg).ColumnChunk(leaf)
						if want := slices.Contains(tc.kept, name); (err == nil) != want {
							t.Errorf("row group %d, %s: chunk metadata kept %v, want %v", rg, name, err == nil, want)
						}
					}
				}
				if got := rd.Schema().Compression; got != "snappy" {
					t.Errorf("compression %q, want snappy", got)
				}
			})
		}
	}
}
