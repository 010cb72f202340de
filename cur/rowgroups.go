package cur

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/curnorm/curnorm/cur/internal/pqpage"
)

// ColumnTest is a condition every row the caller keeps meets: the text of column Column
// (canonical name; trimmed; "" for an empty cell or a null) is one of Values, or with Negate
// none of them. A reader may pass over the rows it proves fail it, and counts them as read.
type ColumnTest struct {
	Column string
	Values []string
	Negate bool
	// Date, "month" or "day", tests the month (PeriodOf) or the day (DayOf) of the cell's text
	// rather than the text.
	Date string
}

// passes reports whether a cell whose trimmed text is text meets the test; not for tests of a
// date.
func (t *ColumnTest) passes(text []byte) bool {
	for _, v := range t.Values {
		if string(text) == v {
			return !t.Negate
		}
	}
	return t.Negate
}

// of is what the test compares of a cell whose trimmed text is s.
func (t *ColumnTest) of(s string) string {
	switch t.Date {
	case "month":
		return PeriodOf(s)
	case "day":
		return DayOf(s)
	}
	return s
}

// skippedRowGroups marks the row groups of a Parquet file whose statistics, or the texts of
// their dictionaries (read through dicts), prove that no row meets every test of keep. Flat
// columns of legacy and CUR 2.0 files take part, text and, for tests of a month or day,
// timestamps and dates; and, by dictionaries alone, the keys of CUR 2.0 maps of text: a test of = on texts none of which is empty fails a row group none of
// whose maps the name resolves to holds one of the texts among its values. FOCUS rows of
// other providers are counted from every row.
func skippedRowGroups(meta *metadata.FileMetaData, fl Flavour, columns []string, keep []ColumnTest,
	dicts *dictTexts) []bool {
	if len(keep) == 0 || fl == FOCUS {
		return nil
	}
	sc := meta.Schema
	leafOf := map[int]int{}      // top-level field → its leaf, for flat text fields
	timeOf := map[int]int{}      // the same for flat timestamps and dates, whose text is a date
	mapLeaves := map[int][]int{} // top-level group → its leaves: a MAP's key and value
	for j := 0; j < sc.NumColumns(); j++ {
		d := sc.Column(j)
		top := sc.Root().FieldIndexByField(sc.ColumnRoot(j))
		if top < 0 {
			continue
		}
		if _, group := sc.ColumnRoot(j).(*schema.GroupNode); group {
			mapLeaves[top] = append(mapLeaves[top], j)
			continue
		}
		if d.MaxRepetitionLevel() != 0 || d.MaxDefinitionLevel() > 1 {
			continue
		}
		switch {
		case d.PhysicalType() == parquet.Types.ByteArray && d.SortOrder() == schema.SortUNSIGNED:
			leafOf[top] = j
		default:
			if _, ok := dateOf(d); ok {
				timeOf[top] = j
			}
		}
	}
	var tests []chunkTest
	for _, t := range keep {
		places := resolve(fl, columns, t.Column)
		if ct, ok := mapTest(sc, t, places, mapLeaves); ok {
			tests = append(tests, ct)
			continue
		}
		if len(places) != 1 || places[0].key != "" {
			continue
		}
		j, ok := leafOf[places[0].col]
		if k, typed := timeOf[places[0].col]; typed && t.Date != "" {
			j, ok = k, true
		}
		if !ok {
			continue
		}
		tests = append(tests, chunkTest{test: t, leaves: []int{j}})
	}
	if len(tests) == 0 {
		return nil
	}
	out := make([]bool, meta.NumRowGroups())
	for rg := range out {
		g := meta.RowGroup(rg)
		out[rg] = slices.ContainsFunc(tests, func(ct chunkTest) bool { return !ct.canHold(g, rg, sc, false, dicts) })
	}
	// Then the dictionaries of the row groups left, which are read: all of them are named
	// first, so that a remote file fetches them at once.
	var leaves []int
	for _, ct := range tests {
		if ct.byDictionary(sc) {
			leaves = append(leaves, ct.leaves...)
		}
	}
	if len(leaves) == 0 {
		return out
	}
	for rg := range out {
		if !out[rg] {
			dicts.ahead(rg, leaves)
		}
	}
	for rg := range out {
		if !out[rg] {
			g := meta.RowGroup(rg)
			out[rg] = slices.ContainsFunc(tests, func(ct chunkTest) bool { return !ct.canHold(g, rg, sc, true, dicts) })
		}
	}
	return out
}

// chunkTest is a test of keep and the leaves it reads: one flat column's, or the value leaves
// of the maps a key is looked up in (mapValues).
type chunkTest struct {
	test      ColumnTest
	leaves    []int
	mapValues bool
}

// mapTest is t as a test of the value leaves of the maps places are keys of, when it can be
// one: every place a key of a MAP of text values, and t a test of = on texts none of which is
// empty (a row without the key reads "").
func mapTest(sc *schema.Schema, t ColumnTest, places []place, mapLeaves map[int][]int) (chunkTest, bool) {
	if len(places) == 0 || t.Negate || t.Date != "" || slices.Contains(t.Values, "") {
		return chunkTest{}, false
	}
	ct := chunkTest{test: t, mapValues: true}
	for _, p := range places {
		l := mapLeaves[p.col]
		if p.key == "" || len(l) != 2 || sc.Column(l[1]).PhysicalType() != parquet.Types.ByteArray {
			return chunkTest{}, false
		}
		ct.leaves = append(ct.leaves, l[1])
	}
	return ct, true
}

// byDictionary reports whether the test reads dictionaries: of map values, or of a flat text
// column tested on its text.
func (ct *chunkTest) byDictionary(sc *schema.Schema) bool {
	return ct.mapValues || ct.test.Date == "" && sc.Column(ct.leaves[0]).PhysicalType() == parquet.Types.ByteArray
}

// canHold reports whether row group rg (g) may hold a row meeting the test: by the chunk's
// statistics or, with byDict, its dictionary; for map values, whether a dictionary of one of
// them holds a text that passes.
func (ct *chunkTest) canHold(g *metadata.RowGroupMetaData, rg int, sc *schema.Schema, byDict bool, dicts *dictTexts) bool {
	if !ct.mapValues {
		return canHoldChunk(g, rg, ct.leaves[0], sc.Column(ct.leaves[0]), &ct.test, byDict, dicts)
	}
	if !byDict {
		return true // a map's leaves have no statistics of a key's values
	}
	for _, leaf := range ct.leaves {
		if holds, ok := dicts.holds(rg, leaf, ct.test.passes); holds || !ok {
			return true
		}
	}
	return false
}

// dictTexts reads the dictionaries of text chunks, a column reader per leaf kept across row
// groups.
type dictTexts struct {
	pf    *file.Reader
	src   io.ReaderAt
	alloc memory.Allocator
	cols  map[int]*pqpage.Column
	pre   Prefetcher // of a remote file, nil for a local one
}

// ahead names to the Prefetcher of a remote file the dictionary pages of the chunks of leaves
// in row group rg that holds reads; a local file reads each when it is tested.
func (d *dictTexts) ahead(rg int, leaves []int) {
	if d.pre == nil {
		return
	}
	var ranges []ByteRange
	meta := d.pf.MetaData()
	for _, li := range leaves {
		cc, err := meta.RowGroup(rg).ColumnChunk(li)
		if err != nil || !pqpage.DictionaryOnly(cc) {
			continue
		}
		if start, n, ok := pqpage.DictionaryRange(meta, rg, li); ok {
			ranges = append(ranges, ByteRange{Off: start, Len: n})
		}
	}
	if len(ranges) > 0 {
		d.pre.Prefetch(ranges)
	}
}

// errHeld ends a walk over a dictionary at its first text that passes.
var errHeld = errors.New("a text passes")

// holds reports whether the dictionary of the chunk of leaf (BYTE_ARRAY) in row group rg holds
// a text (trimmed) that passes; ok is false when the footer does not show its every data page
// to hold dictionary indices, or the dictionary cannot be read (the rows are then read, and
// fail there).
func (d *dictTexts) holds(rg, leaf int, passes func(text []byte) bool) (holds, ok bool) {
	cc, err := d.pf.MetaData().RowGroup(rg).ColumnChunk(leaf)
	if err != nil || !pqpage.DictionaryOnly(cc) {
		return false, false
	}
	c := d.cols[leaf]
	if c == nil {
		c = &pqpage.Column{Leaf: leaf, Type: parquet.Types.ByteArray, File: d.pf, Src: d.src, Props: pageStreamProps(d.alloc)}
		d.cols[leaf] = c
	}
	data, n, err := c.Dictionary(rg)
	if err != nil || data == nil {
		return false, false
	}
	err = pqpage.DictValues(parquet.Types.ByteArray, 0, data, n, func(_ int, _ uint64, b []byte) error {
		if passes(bytes.TrimSpace(b)) {
			return errHeld
		}
		return nil
	})
	if errors.Is(err, errHeld) {
		return true, true
	}
	return false, err == nil
}

func (d *dictTexts) close() {
	for _, c := range d.cols {
		c.Close()
	}
}

// canHoldChunk reports whether the chunk of leaf in row group rg (g) may hold a row meeting t,
// by its statistics or, with byDict, by its dictionary's texts.
func canHoldChunk(g *metadata.RowGroupMetaData, rg, leaf int, d *schema.Column, t *ColumnTest, byDict bool,
	dicts *dictTexts) bool {
	cc, err := g.ColumnChunk(leaf)
	if err != nil {
		return true
	}
	st, err := cc.Statistics()
	if err != nil {
		st = nil
	}
	if !byDict {
		r, ok := chunkText{}, false
		if st != nil {
			r, ok = textRange(st, d)
		}
		return !ok || canHold(r, g.NumRows(), t)
	}
	if t.Date != "" || d.PhysicalType() != parquet.Types.ByteArray {
		return true
	}
	// A null reads "": it is there unless the statistics count none.
	if (st == nil || !st.HasNullCount() || st.NullCount() > 0) && slices.Contains(t.Values, "") != t.Negate {
		return true
	}
	holds, ok := dicts.holds(rg, leaf, t.passes)
	return holds || !ok
}

// chunkText is what a chunk's statistics say of its cells' texts: the smallest and largest
// (none when every cell is null) and how many are null. Dates are rendered as the reader
// renders them, in time order.
type chunkText struct {
	lo, hi []byte
	minMax bool
	nulls  int64
	dates  bool // lo and hi are a timestamp's or date's text
}

// textRange reads a chunk's statistics; false when they do not count nulls or are of a type
// no test reads.
func textRange(st metadata.TypedStatistics, d *schema.Column) (chunkText, bool) {
	if !st.HasNullCount() {
		return chunkText{}, false
	}
	r := chunkText{nulls: st.NullCount(), minMax: st.HasMinMax()}
	switch s := st.(type) {
	case *metadata.ByteArrayStatistics:
		if r.minMax {
			r.lo, r.hi = []byte(s.Min()), []byte(s.Max())
		}
	case *metadata.Int64Statistics:
		dc, ok := dateOf(d)
		if !ok || dc.days {
			return r, false
		}
		r.dates = true
		if r.minMax {
			r.lo = appendTime(nil, arrow.Timestamp(s.Min()).ToTime(dc.unit))
			r.hi = appendTime(nil, arrow.Timestamp(s.Max()).ToTime(dc.unit))
		}
	case *metadata.Int32Statistics:
		if dc, ok := dateOf(d); !ok || !dc.days {
			return r, false
		}
		r.dates = true
		if r.minMax {
			r.lo = appendDate(nil, time.Unix(int64(s.Min())*86400, 0))
			r.hi = appendDate(nil, time.Unix(int64(s.Max())*86400, 0))
		}
	default:
		return r, false
	}
	return r, true
}

// dateColumn says how a flat TIMESTAMP or DATE column's values read as text.
type dateColumn struct {
	unit arrow.TimeUnit // of a TIMESTAMP
	days bool           // a DATE: days since 1970
}

// dateOf reports whether d is a TIMESTAMP (INT64) or DATE (INT32) column, and of what unit.
func dateOf(d *schema.Column) (dateColumn, bool) {
	switch lt := d.LogicalType().(type) {
	case schema.TimestampLogicalType:
		units := map[schema.TimeUnitType]arrow.TimeUnit{schema.TimeUnitMillis: arrow.Millisecond,
			schema.TimeUnitMicros: arrow.Microsecond, schema.TimeUnitNanos: arrow.Nanosecond}
		u, ok := units[lt.TimeUnit()]
		return dateColumn{unit: u}, ok && d.PhysicalType() == parquet.Types.Int64
	case schema.DateLogicalType:
		return dateColumn{days: true}, d.PhysicalType() == parquet.Types.Int32
	}
	return dateColumn{}, false
}

// canHold reports whether a chunk of rows rows whose texts r describes may hold a row
// meeting t.
func canHold(r chunkText, rows int64, t *ColumnTest) bool {
	if !r.minMax {
		// Every value null: each row's text is "".
		if r.nulls != rows {
			return true
		}
		return slices.Contains(t.Values, "") != t.Negate
	}
	if t.Date != "" {
		return canHoldDate(r, t)
	}
	if r.dates {
		return true
	}
	lo, hi, nulls := r.lo, r.hi, r.nulls
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

// canHoldDate is canHold for a test of the month or day of a date. A date column's months
// (days) run from that of its smallest to that of its largest value. Texts are bound only
// when the smallest and largest share the leading characters the month (day) is read from,
// without white space: then every text between them shares them, and so its month (day).
func canHoldDate(r chunkText, t *ColumnTest) bool {
	if !r.dates {
		n := periodChars
		if t.Date == "day" {
			n = dayChars
		}
		p := commonPrefix(r.lo, r.hi)
		if len(p) < n || startsSpaced(r.lo, r.hi) || bytes.ContainsFunc(p[:n], func(c rune) bool { return unicode.IsSpace(c) || c >= utf8.RuneSelf }) {
			return true
		}
	}
	lo, hi := t.of(string(r.lo)), t.of(string(r.hi))
	if t.Negate {
		return lo != hi || !slices.Contains(t.Values, lo) || (r.nulls > 0 && !slices.Contains(t.Values, ""))
	}
	if r.nulls > 0 && slices.Contains(t.Values, "") {
		return true
	}
	return slices.ContainsFunc(t.Values, func(v string) bool { return lo <= v && v <= hi })
}

func commonPrefix(a, b []byte) []byte {
	n := 0
	for n < min(len(a), len(b)) && a[n] == b[n] {
		n++
	}
	return a[:n]
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
