package cur

import (
	"bytes"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// ColumnTest is a condition every row the caller keeps meets: the text of column Column
// (canonical name; trimmed; "" for an empty cell or a null) is one of Values, or with Negate
// none of them. A reader may pass over the rows it proves fail it, and counts them as read.
type ColumnTest struct {
	Column string
	Values []string
	Negate bool
}

// skippedRowGroups marks the row groups of a Parquet file whose statistics prove that no row
// meets every test of keep. Only flat text columns of legacy and CUR 2.0 files take part: a
// map key has no statistics, and FOCUS rows of other providers are counted from every row.
func skippedRowGroups(meta *metadata.FileMetaData, fl Flavour, columns []string, keep []ColumnTest) []bool {
	if len(keep) == 0 || fl == FOCUS {
		return nil
	}
	sc := meta.Schema
	leafOf := map[int]int{} // top-level field → its leaf, for flat text fields
	for j := 0; j < sc.NumColumns(); j++ {
		d := sc.Column(j)
		top := sc.Root().FieldIndexByField(sc.ColumnRoot(j))
		if _, group := sc.ColumnRoot(j).(*schema.GroupNode); !group && top >= 0 && d.MaxRepetitionLevel() == 0 &&
			d.MaxDefinitionLevel() <= 1 && d.PhysicalType() == parquet.Types.ByteArray && d.SortOrder() == schema.SortUNSIGNED {
			leafOf[top] = j
		}
	}
	var tests []ColumnTest
	var leaves []int
	for _, t := range keep {
		places := resolve(fl, columns, t.Column)
		if len(places) != 1 || places[0].key != "" {
			continue
		}
		j, ok := leafOf[places[0].col]
		if !ok {
			continue
		}
		tests, leaves = append(tests, t), append(leaves, j)
	}
	if len(tests) == 0 {
		return nil
	}
	out := make([]bool, meta.NumRowGroups())
	for rg := range out {
		g := meta.RowGroup(rg)
		for k, t := range tests {
			cc, err := g.ColumnChunk(leaves[k])
			if err != nil {
				break
			}
			st, err := cc.Statistics()
			if err != nil || st == nil {
				continue
			}
			if bs, ok := st.(*metadata.ByteArrayStatistics); ok && !canHold(bs, g.NumRows(), t) {
				out[rg] = true
				break
			}
		}
	}
	return out
}

// canHold reports whether a chunk of rows rows with statistics st may hold a row meeting t.
// A cell's text is its trimmed bytes, so a cell matching v is v with white space around it:
// v followed by more bytes, or a cell starting with a byte that begins a space.
func canHold(st *metadata.ByteArrayStatistics, rows int64, t ColumnTest) bool {
	if !st.HasNullCount() {
		return true
	}
	nulls := st.NullCount()
	if !st.HasMinMax() {
		// Every value null: each row's text is "".
		if nulls != rows {
			return true
		}
		return slices.Contains(t.Values, "") != t.Negate
	}
	lo, hi := []byte(st.Min()), []byte(st.Max())
	if t.Negate {
		// Skipped only when every row holds one excluded text.
		if !bytes.Equal(lo, hi) {
			return true
		}
		if nulls > 0 && !slices.Contains(t.Values, "") {
			return true
		}
		return !slices.Contains(t.Values, strings.TrimSpace(string(lo)))
	}
	spaced := startsSpaced(lo, hi)
	for _, v := range t.Values {
		switch {
		case v == "" && (nulls > 0 || len(lo) == 0 || spaced):
			return true
		case v != "" && (spaced || bytes.Compare(hi, []byte(v)) >= 0 && (bytes.Compare(lo, []byte(v)) <= 0 || bytes.HasPrefix(lo, []byte(v)))):
			return true
		}
	}
	return false
}

// spaceLeads are the first bytes of the characters strings.TrimSpace removes.
var spaceLeads = []byte{'\t', '\n', '\v', '\f', '\r', ' ', 0xC2, 0xE1, 0xE2, 0xE3}

// startsSpaced reports whether some value between lo and hi may start with white space.
func startsSpaced(lo, hi []byte) bool {
	for _, b := range spaceLeads {
		if (len(lo) == 0 || lo[0] <= b) && len(hi) > 0 && hi[0] >= b {
			return true
		}
	}
	return false
}
