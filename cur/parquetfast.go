package cur

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// parquetPages lets the Parquet reader decode pages itself when every requested column is a
// flat column of a type it knows (see newPagePath); tests turn it off to compare the result
// with the pqarrow path.
var parquetPages = true

// pageRing is how many batches the page path keeps: one with the caller, the others decoded
// ahead while the caller works.
const pageRing = 3

// pagePath is the page-level path of a parquetReader: one pageLeaf per needed column,
// decoded in parallel, a batch or two ahead of the caller.
type pagePath struct {
	r      *parquetReader
	leaves []*pageLeaf
	strs   []pageName
	amts   []pageName
	jobs   int

	started bool
	ready   chan pageBatch
	free    chan *Batch
	stop    chan struct{}
	done    chan struct{}
	cur     *Batch
	closed  bool
}

// pageName is one requested name: the leaves that answer it, in order of preference.
type pageName struct {
	sources []*pageLeaf
	cols    []string // how messages name each source
	direct  bool     // its only source decodes straight into the batch column
}

type pageBatch struct {
	b       *Batch
	rg      int
	rounded int64
	err     error
}

// pageKind says how a leaf's stored values read, after the Arrow type pqarrow gives them.
type pageKind uint8

const (
	pkBytes    pageKind = iota // text or binary as stored
	pkInt                      // integers of up to 64 bits, intType says which
	pkUint64                   // unsigned 64-bit integers
	pkFloat32                  // FLOAT
	pkFloat64                  // DOUBLE
	pkTime                     // timestamps, unit says which
	pkDate                     // days since 1970
	pkDecInt                   // DECIMAL stored in INT32 or INT64
	pkDecBytes                 // DECIMAL stored big-endian in (FIXED_LEN_)BYTE_ARRAY
)

// Flags of a converted amount.
const (
	amtOK      = 1 << iota // a value (not empty text)
	amtRounded             // digits past the tenth decimal were dropped
	amtBad                 // not convertible: the row is an error
)

// amtEvent is a row whose amount was rounded or bad; rows without one need no more care.
type amtEvent struct {
	row     int
	rounded bool
	err     error
}

// pageLeaf is one column of the file and what it becomes: text, an amount, or both.
type pageLeaf struct {
	col     pageColumn
	name    string // the column as written
	kind    pageKind
	intType arrow.Type
	unit    arrow.TimeUnit
	scale   int32
	dec256  bool
	pad     bool // integer account ids get their 12-digit form back

	wantStr, wantAmt bool
	strOwner         int // the name whose column the text decodes into; -1: ownStr
	amtOwner         int
	str              *StringColumn // where text goes this batch
	amt              *AmountColumn // where amounts go this batch
	ownStr           StringColumn  // when the text is not a batch column of its own
	ownAmt           AmountColumn
	events           []amtEvent

	// the current row group's dictionary, converted once
	dstr    []string // text of each entry, trimmed
	dcode   []uint32 // per entry: its code in this batch + 1; 0 when not yet given one
	dsame   []uint32 // per entry: the first entry of the same text
	touched []uint32 // entries given a code this batch
	damt    []Amount
	dflag   []uint8
	clean   bool // every entry is a value, neither rounded nor bad: rows need no flags
	derr    map[int]error

	intern      map[string]uint32 // text → code for values of PLAIN pages
	internReady bool              // intern holds this batch's codes
	last        uint64            // the previous PLAIN integer and its code
	lastCode    uint32
	haveLast    bool

	valid   []bool
	idx     []uint32
	vals    []uint64
	bufs    [][]byte
	scratch []byte
}

// newPagePath returns the page-level path for r, or nil when some requested column needs
// the pqarrow path: a map, a nested or repeated column, an encoding or type it does not
// decode, or encryption.
func newPagePath(r *parquetReader, src io.ReaderAt) *pagePath {
	if !parquetPages || r.skip {
		return nil // rows with bad cells are skipped by the pqarrow path only
	}
	meta := r.pf.MetaData()
	sc := meta.Schema
	for _, fd := range r.fields {
		if fd.nested || len(fd.leaves) != 1 {
			return nil
		}
	}
	p := &pagePath{r: r, jobs: 1}
	if parquetParallel {
		p.jobs = runtime.GOMAXPROCS(0)
	}
	leafOf := map[*pqField]*pageLeaf{}
	leaf := func(s *pqSource) *pageLeaf {
		if l := leafOf[s.field]; l != nil {
			return l
		}
		li := s.field.leaves[0]
		descr := sc.Column(li)
		if descr.MaxRepetitionLevel() != 0 || descr.MaxDefinitionLevel() > 1 {
			return nil
		}
		if s.field.index >= len(r.fr.Manifest.Fields) {
			return nil
		}
		l := &pageLeaf{name: r.schema.RawColumns[s.field.index], pad: s.pad}
		if !l.setKind(r.fr.Manifest.Fields[s.field.index].Field.Type, descr) || !pageChunksReadable(meta, li) {
			return nil
		}
		l.col = pageColumn{leaf: li, typ: descr.PhysicalType(), width: descr.TypeLength(), maxDef: descr.MaxDefinitionLevel(),
			pf: r.pf, src: src, props: pageStreamProps(), onDict: l.setDictionary}
		leafOf[s.field] = l
		p.leaves = append(p.leaves, l)
		return l
	}
	plan := func(pc *pqColumn, amount bool) (pageName, bool) {
		var n pageName
		for _, s := range pc.sources {
			if s.key != "" {
				return n, false
			}
			l := leaf(s)
			if l == nil || (amount && !l.amountable()) {
				return n, false
			}
			if amount {
				l.wantAmt = true
			} else {
				l.wantStr = true
			}
			n.sources = append(n.sources, l)
			n.cols = append(n.cols, s.column)
		}
		return n, true
	}
	for _, pc := range r.strs {
		n, ok := plan(pc, false)
		if !ok {
			return nil
		}
		p.strs = append(p.strs, n)
	}
	for _, pc := range r.amts {
		n, ok := plan(pc, true)
		if !ok {
			return nil
		}
		p.amts = append(p.amts, n)
	}
	// A leaf decodes straight into the first name it alone answers; other names copy.
	for _, l := range p.leaves {
		l.strOwner, l.amtOwner = -1, -1
		l.str, l.amt = &l.ownStr, &l.ownAmt
	}
	for i := range p.strs {
		if n := &p.strs[i]; len(n.sources) == 1 && n.sources[0].strOwner < 0 {
			n.direct, n.sources[0].strOwner = true, i
		}
	}
	for i := range p.amts {
		if n := &p.amts[i]; len(n.sources) == 1 && n.sources[0].amtOwner < 0 {
			n.direct, n.sources[0].amtOwner = true, i
		}
	}
	return p
}

// pageStreamProps are the properties of the streams page readers read column chunks
// through: a small buffer, since whole pages are read past it straight into the page
// reader's own buffer.
func pageStreamProps() *parquet.ReaderProperties {
	props := parquet.NewReaderProperties(parquetAlloc)
	props.BufferedStreamEnabled = true
	props.BufferSize = 64 << 10
	return props
}

// pageChunksReadable reports whether every chunk of leaf li is unencrypted and uses only
// the encodings the page path decodes.
func pageChunksReadable(meta *metadata.FileMetaData, li int) bool {
	for rg := 0; rg < meta.NumRowGroups(); rg++ {
		cc, err := meta.RowGroup(rg).ColumnChunk(li)
		if err != nil || cc.CryptoMetadata() != nil {
			return false
		}
		for _, e := range cc.Encodings() {
			switch e {
			case parquet.Encodings.Plain, parquet.Encodings.PlainDict, parquet.Encodings.RLEDict, parquet.Encodings.RLE:
			default:
				return false
			}
		}
	}
	return true
}

// setKind chooses how values read from the Arrow type pqarrow gives the column, so that both
// paths turn a value into the same text and amount; false for types left to pqarrow.
func (l *pageLeaf) setKind(t arrow.DataType, descr *schema.Column) bool {
	if d, ok := t.(*arrow.DictionaryType); ok {
		t = d.ValueType
	}
	phys := descr.PhysicalType()
	switch dt := t.(type) {
	case *arrow.StringType, *arrow.LargeStringType, *arrow.BinaryType, *arrow.LargeBinaryType:
		l.kind = pkBytes
		return phys == parquet.Types.ByteArray
	case *arrow.FixedSizeBinaryType:
		l.kind = pkBytes
		return phys == parquet.Types.FixedLenByteArray
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type,
		*arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type:
		l.kind, l.intType = pkInt, t.ID()
		return phys == parquet.Types.Int32 || phys == parquet.Types.Int64
	case *arrow.Uint64Type:
		l.kind = pkUint64
		return phys == parquet.Types.Int64
	case *arrow.Float32Type:
		l.kind = pkFloat32
		return phys == parquet.Types.Float
	case *arrow.Float64Type:
		l.kind = pkFloat64
		return phys == parquet.Types.Double
	case *arrow.TimestampType:
		l.kind, l.unit = pkTime, dt.Unit
		return phys == parquet.Types.Int64
	case *arrow.Date32Type:
		l.kind = pkDate
		return phys == parquet.Types.Int32
	case *arrow.Decimal128Type, *arrow.Decimal256Type:
		l.scale = t.(arrow.DecimalType).GetScale()
		_, l.dec256 = t.(*arrow.Decimal256Type)
		switch phys {
		case parquet.Types.Int32, parquet.Types.Int64:
			l.kind = pkDecInt
			return !l.dec256
		case parquet.Types.ByteArray, parquet.Types.FixedLenByteArray:
			l.kind = pkDecBytes
			return true
		}
	}
	return false
}

// amountable reports the kinds whose values can be money; pqarrow refuses the others row by
// row, which is left to it.
func (l *pageLeaf) amountable() bool {
	switch l.kind {
	case pkTime, pkDate:
		return false
	case pkBytes:
		return l.col.typ == parquet.Types.ByteArray
	}
	return true
}

// toInt reads a physical integer as the Arrow integer type pqarrow gives it.
func (l *pageLeaf) toInt(v uint64) int64 {
	switch l.intType {
	case arrow.INT8:
		return int64(int8(v))
	case arrow.INT16:
		return int64(int16(v))
	case arrow.INT32:
		return int64(int32(v))
	case arrow.UINT8:
		return int64(uint8(v))
	case arrow.UINT16:
		return int64(uint16(v))
	case arrow.UINT32:
		return int64(uint32(v))
	}
	return int64(v)
}

// text appends the text of one stored value (fixed-width bits v or bytes b), as cellText
// gives it for the Arrow value pqarrow would have made.
func (l *pageLeaf) text(dst []byte, v uint64, b []byte) ([]byte, error) {
	switch l.kind {
	case pkBytes:
		return append(dst, b...), nil
	case pkInt:
		return appendInt(dst, l.toInt(v), l.pad), nil
	case pkUint64:
		if v > math.MaxInt64 {
			return strconv.AppendUint(dst, v, 10), nil
		}
		return appendInt(dst, int64(v), l.pad), nil
	case pkFloat32:
		return strconv.AppendFloat(dst, float64(math.Float32frombits(uint32(v))), 'g', -1, 32), nil
	case pkFloat64:
		return strconv.AppendFloat(dst, math.Float64frombits(v), 'g', -1, 64), nil
	case pkTime:
		return appendTime(dst, arrow.Timestamp(int64(v)).ToTime(l.unit)), nil
	case pkDate:
		return appendDate(dst, time.Unix(int64(int32(v))*86400, 0)), nil
	case pkDecInt:
		return append(dst, decimal128.FromI64(int64(v)).ToString(l.scale)...), nil
	}
	n, err := l.decimalBytes(b)
	if err != nil {
		return dst, err
	}
	if l.dec256 {
		return append(dst, decimal256.FromBigInt(n).ToString(l.scale)...), nil
	}
	return append(dst, decimal128.FromBigInt(n).ToString(l.scale)...), nil
}

// decimalBytes reads a big-endian two's complement DECIMAL of 1 to 16 (32) bytes.
func (l *pageLeaf) decimalBytes(b []byte) (*big.Int, error) {
	limit := 16
	if l.dec256 {
		limit = 32
	}
	if len(b) < 1 || len(b) > limit {
		return nil, fmt.Errorf("%w of %d bytes", errDecimal, len(b))
	}
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
	}
	return n, nil
}

// amount converts one stored value to money as cellAmount does. A value is amtOK unless it
// is empty text; err marks a value that is not money (the row is then an error).
func (l *pageLeaf) amount(v uint64, b []byte) (a Amount, flags uint8, err error) {
	var rounded bool
	switch l.kind {
	case pkBytes:
		t := bytes.TrimSpace(b)
		if len(t) == 0 {
			return 0, 0, nil // REQUIRED columns hold "" where a nullable one would hold NULL
		}
		a, rounded, err = ParseAmount(t)
	case pkInt:
		a, err = AmountFromInt(l.toInt(v))
	case pkUint64:
		if v > math.MaxInt64 {
			return 0, 0, &NumError{Text: strconv.FormatUint(v, 10), Err: ErrOutOfRange}
		}
		a, err = AmountFromInt(int64(v))
	case pkFloat32:
		f := float64(math.Float32frombits(uint32(v)))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			_, _, err = AmountFromFloat(f)
			return 0, 0, err
		}
		l.scratch = strconv.AppendFloat(l.scratch[:0], f, 'g', -1, 32)
		a, rounded, err = ParseAmount(l.scratch)
	case pkFloat64:
		a, rounded, err = floatAmount(math.Float64frombits(v))
	case pkDecInt:
		a, rounded, err = decimalAmount(int64(v), l.scale)
	case pkDecBytes:
		var n *big.Int
		if n, err = l.decimalBytes(b); err != nil {
			return 0, 0, err
		}
		if !l.dec256 && n.IsInt64() {
			a, rounded, err = decimalAmount(n.Int64(), l.scale)
		} else {
			a, rounded, err = AmountFromDecimal(n, l.scale)
		}
	}
	if err != nil {
		return 0, 0, err
	}
	flags = amtOK
	if rounded {
		flags |= amtRounded
	}
	return a, flags, nil
}

// errDecimal marks a DECIMAL of a byte length no DECIMAL has: a damaged file, as pqarrow
// calls it.
var errDecimal = errors.New("parquet: DECIMAL")

// setDictionary converts a chunk's dictionary page once: each entry's trimmed text and
// amount.
func (l *pageLeaf) setDictionary(data []byte, n int) error {
	l.dstr, l.dcode, l.dsame = l.dstr[:0], l.dcode[:0], l.dsame[:0]
	l.damt, l.dflag = l.damt[:0], l.dflag[:0]
	l.clean = true
	clear(l.derr)
	if !l.wantStr && l.kind == pkFloat64 {
		return l.floatDictionary(data, n)
	}
	var first map[string]uint32
	if l.wantStr {
		first = make(map[string]uint32, min(n, 1<<16))
	}
	err := dictValues(l.col.typ, l.col.width, data, n, func(i int, v uint64, b []byte) error {
		if l.wantStr {
			var err error
			if l.scratch, err = l.text(l.scratch[:0], v, b); err != nil {
				return err
			}
			t := bytes.TrimSpace(l.scratch)
			same := uint32(i)
			if j, ok := first[string(t)]; ok {
				same = j
				l.dstr = append(l.dstr, l.dstr[j])
			} else {
				s := string(t)
				first[s] = same
				l.dstr = append(l.dstr, s)
			}
			l.dsame = append(l.dsame, same)
			code := uint32(0)
			if len(t) == 0 {
				code = 1 // code 0, for good: empty text is no value
			}
			l.dcode = append(l.dcode, code)
		}
		if l.wantAmt {
			a, f, err := l.amount(v, b)
			if err != nil {
				if errors.Is(err, errDecimal) {
					return err
				}
				if l.derr == nil {
					l.derr = map[int]error{}
				}
				l.derr[i] = err
				f = amtBad
			}
			l.damt = append(l.damt, a)
			l.dflag = append(l.dflag, f)
			l.clean = l.clean && f == amtOK
		}
		return nil
	})
	l.touched = l.touched[:0]
	return err
}

// floatDictionary is setDictionary for the common case of DOUBLE money: no text, one tight
// loop.
func (l *pageLeaf) floatDictionary(data []byte, n int) error {
	if n < 0 || n > len(data)/8 {
		return errPlainData
	}
	l.damt, l.dflag = grow(l.damt, n), grow(l.dflag, n)
	for i := range l.damt {
		a, rounded, err := floatAmount(math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:])))
		f := uint8(amtOK)
		switch {
		case err != nil:
			if l.derr == nil {
				l.derr = map[int]error{}
			}
			l.derr[i] = err
			f = amtBad
		case rounded:
			f |= amtRounded
		}
		l.damt[i], l.dflag[i] = a, f
		l.clean = l.clean && f == amtOK
	}
	return nil
}

// startBatch readies the leaf's outputs for n rows.
func (l *pageLeaf) startBatch(n int) {
	if l.wantStr {
		c := l.str
		c.Codes = grow(c.Codes, n)
		c.Dict = append(c.Dict[:0], "")
		for _, e := range l.touched {
			l.dcode[e] = 0
		}
		l.touched = l.touched[:0]
		l.internReady = false
		l.haveLast = false
	}
	if l.wantAmt {
		l.amt.Values = grow(l.amt.Values, n)
		l.amt.Valid = grow(l.amt.Valid, n)
		l.events = l.events[:0]
	}
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, max(n, BatchRows))
	}
	return s[:n]
}

// decode reads the next n rows of the column into the leaf's outputs, run by run: CUR
// columns hold long runs of NULLs and of repeated values, which fill whole ranges of rows.
func (l *pageLeaf) decode(n int) error {
	l.startBatch(n)
	l.valid = grow(l.valid, BatchRows)
	l.idx = grow(l.idx, BatchRows)
	for done := 0; done < n; {
		k, err := l.col.rows(n - done)
		if err != nil {
			return err
		}
		if l.col.maxDef == 0 {
			err = l.defined(done, k)
		}
		for r := 0; r < k && l.col.maxDef > 0 && err == nil; {
			var cnt int
			var defined, mixed bool
			if cnt, defined, mixed, err = l.col.defRun(k-r, l.valid); err != nil {
				break
			}
			switch {
			case mixed:
				err = l.someDefined(done+r, l.valid[:cnt])
			case defined:
				err = l.defined(done+r, cnt)
			default:
				l.nulls(done+r, cnt)
			}
			r += cnt
		}
		if err != nil {
			return err
		}
		done += k
	}
	return nil
}

// allDefined is the validity of rows whose values are all defined.
var allDefined = func() []bool {
	v := make([]bool, BatchRows)
	for i := range v {
		v[i] = true
	}
	return v
}()

// entries is the size of the current dictionary.
func (l *pageLeaf) entries() uint32 {
	if l.wantStr {
		return uint32(len(l.dsame))
	}
	return uint32(len(l.damt))
}

func (l *pageLeaf) badIndex(e uint32) error {
	return fmt.Errorf("parquet: dictionary index %d of %d entries", e, l.entries())
}

// defined fills m rows from base whose values are all defined.
func (l *pageLeaf) defined(base, m int) error {
	if !l.col.dict {
		return l.plainRows(base, allDefined[:m], m)
	}
	for m > 0 {
		cnt, e, packed, err := l.col.indexRun(m, l.idx)
		if err != nil {
			return err
		}
		if packed {
			err = l.lookup(base, l.idx[:cnt])
		} else {
			err = l.fill(base, cnt, e)
		}
		if err != nil {
			return err
		}
		base, m = base+cnt, m-cnt
	}
	return nil
}

// nulls fills m NULL rows from base.
func (l *pageLeaf) nulls(base, m int) {
	if l.wantStr {
		clear(l.str.Codes[base : base+m])
	}
	if l.wantAmt {
		clear(l.amt.Values[base : base+m])
		clear(l.amt.Valid[base : base+m])
	}
}

// fill gives m rows from base dictionary entry e.
func (l *pageLeaf) fill(base, m int, e uint32) error {
	if e >= l.entries() {
		return l.badIndex(e)
	}
	if l.wantStr {
		c := l.dcode[e]
		if c == 0 {
			c = l.newCode(e)
		}
		codes := l.str.Codes[base : base+m]
		for i := range codes {
			codes[i] = c - 1
		}
	}
	if l.wantAmt {
		a, f := l.damt[e], l.dflag[e]
		vals, oks := l.amt.Values[base:base+m], l.amt.Valid[base:base+m]
		for i := range vals {
			vals[i], oks[i] = a, f&amtOK != 0
		}
		if f&(amtRounded|amtBad) != 0 {
			for i := range m {
				l.event(base+i, e)
			}
		}
	}
	return nil
}

// lookup fills rows from base with dictionary entries idx, one per row.
func (l *pageLeaf) lookup(base int, idx []uint32) error {
	var top uint32
	for _, e := range idx {
		top = max(top, e)
	}
	if len(idx) > 0 && top >= l.entries() {
		return l.badIndex(top)
	}
	if l.wantStr {
		codes := l.str.Codes[base : base+len(idx)]
		dcode := l.dcode
		for i, e := range idx {
			c := dcode[e]
			if c == 0 {
				c = l.newCode(e)
			}
			codes[i] = c - 1
		}
	}
	if l.wantAmt {
		vals, oks := l.amt.Values[base:base+len(idx)], l.amt.Valid[base:base+len(idx)]
		damt, dflag := l.damt, l.dflag
		if l.clean {
			for i, e := range idx {
				vals[i] = damt[e]
			}
			for i := range oks {
				oks[i] = true
			}
			return nil
		}
		for i, e := range idx {
			f := dflag[e]
			vals[i], oks[i] = damt[e], f&amtOK != 0
			if f&(amtRounded|amtBad) != 0 {
				l.event(base+i, e)
			}
		}
	}
	return nil
}

// someDefined fills rows from base of which valid marks those with a value.
func (l *pageLeaf) someDefined(base int, valid []bool) error {
	m := 0
	for _, ok := range valid {
		if ok {
			m++
		}
	}
	if !l.col.dict {
		return l.plainRows(base, valid, m)
	}
	idx := l.idx[:m]
	if err := l.col.idx.read(idx); err != nil {
		return err
	}
	var top uint32
	for _, e := range idx {
		top = max(top, e)
	}
	if m > 0 && top >= l.entries() {
		return l.badIndex(top)
	}
	if l.wantStr {
		codes := l.str.Codes[base : base+len(valid)]
		j := 0
		for i, ok := range valid {
			if !ok {
				codes[i] = 0
				continue
			}
			e := idx[j]
			j++
			c := l.dcode[e]
			if c == 0 {
				c = l.newCode(e)
			}
			codes[i] = c - 1
		}
	}
	if l.wantAmt {
		vals, oks := l.amt.Values[base:base+len(valid)], l.amt.Valid[base:base+len(valid)]
		j := 0
		for i, ok := range valid {
			if !ok {
				vals[i], oks[i] = 0, false
				continue
			}
			e := idx[j]
			j++
			f := l.dflag[e]
			vals[i], oks[i] = l.damt[e], f&amtOK != 0
			if f&(amtRounded|amtBad) != 0 {
				l.event(base+i, e)
			}
		}
	}
	return nil
}

// newCode gives dictionary entry e (and the entries of the same text) a code in this batch,
// returning it + 1.
func (l *pageLeaf) newCode(e uint32) uint32 {
	s := l.dsame[e]
	c := l.dcode[s]
	if c == 0 {
		c = uint32(len(l.str.Dict)) + 1
		l.str.Dict = append(l.str.Dict, l.dstr[s])
		l.dcode[s] = c
		l.touched = append(l.touched, s)
		if l.internReady {
			l.intern[l.dstr[s]] = c - 1
		}
	}
	if s != e {
		l.dcode[e] = c
		l.touched = append(l.touched, e)
	}
	return c
}

func (l *pageLeaf) event(row int, e uint32) {
	ev := amtEvent{row: row, rounded: l.dflag[e]&amtRounded != 0}
	if l.dflag[e]&amtBad != 0 {
		ev.err = l.derr[int(e)]
	}
	l.events = append(l.events, ev)
}

// plainRows fills rows from base, of which valid marks those with a value, from the page's
// next PLAIN values.
func (l *pageLeaf) plainRows(base int, valid []bool, m int) error {
	var vals []uint64
	l.bufs = l.bufs[:0]
	if size := plainSize(l.col.typ, l.col.width); size > 0 {
		raw, err := l.col.fixed(m, size)
		if err != nil {
			return err
		}
		if l.col.typ == parquet.Types.FixedLenByteArray {
			for j := 0; j < m; j++ {
				l.bufs = append(l.bufs, raw[j*size:(j+1)*size])
			}
		} else {
			l.vals = grow(l.vals, BatchRows)
			vals = l.vals[:m]
			for j := range vals {
				vals[j], _ = plainValue(l.col.typ, raw[j*size:(j+1)*size])
			}
		}
	} else {
		for j := 0; j < m; j++ {
			b, err := l.col.byteArray()
			if err != nil {
				return err
			}
			l.bufs = append(l.bufs, b)
		}
	}
	if l.wantStr {
		if err := l.plainStrings(l.str.Codes[base:base+len(valid)], valid, vals); err != nil {
			return err
		}
	}
	if l.wantAmt {
		return l.plainAmounts(base, valid, vals)
	}
	return nil
}

// plainStrings sets the codes of PLAIN values: fixed-width vals, or else l.bufs.
func (l *pageLeaf) plainStrings(codes []uint32, valid []bool, vals []uint64) error {
	l.readyIntern()
	j := 0
	for i, ok := range valid {
		if !ok {
			codes[i] = 0
			continue
		}
		var v uint64
		var b []byte
		if vals != nil {
			v = vals[j]
			if l.haveLast && v == l.last {
				codes[i] = l.lastCode
				j++
				continue
			}
		} else {
			b = l.bufs[j]
		}
		j++
		var err error
		if l.scratch, err = l.text(l.scratch[:0], v, b); err != nil {
			return err
		}
		codes[i] = l.internCode(bytes.TrimSpace(l.scratch))
		if vals != nil {
			l.last, l.lastCode, l.haveLast = v, codes[i], true
		}
	}
	return nil
}

// plainAmounts sets the amounts of PLAIN values: fixed-width vals, or else l.bufs.
func (l *pageLeaf) plainAmounts(base int, valid []bool, vals []uint64) error {
	out, oks := l.amt.Values[base:base+len(valid)], l.amt.Valid[base:base+len(valid)]
	j := 0
	for i, ok := range valid {
		if !ok {
			out[i], oks[i] = 0, false
			continue
		}
		var a Amount
		var f uint8
		var err error
		if l.kind == pkFloat64 {
			var rounded bool
			if a, rounded, err = floatAmount(math.Float64frombits(vals[j])); err == nil {
				f = amtOK
				if rounded {
					f |= amtRounded
				}
			}
		} else if vals != nil {
			a, f, err = l.amount(vals[j], nil)
		} else {
			a, f, err = l.amount(0, l.bufs[j])
		}
		j++
		if err != nil {
			if errors.Is(err, errDecimal) {
				return err
			}
			l.events = append(l.events, amtEvent{row: base + i, err: err})
		} else if f&amtRounded != 0 {
			l.events = append(l.events, amtEvent{row: base + i, rounded: true})
		}
		out[i], oks[i] = a, f&amtOK != 0
	}
	return nil
}

// readyIntern makes intern hold the codes given so far this batch, once PLAIN values appear.
func (l *pageLeaf) readyIntern() {
	if l.internReady {
		return
	}
	if l.intern == nil {
		l.intern = make(map[string]uint32, 64)
	} else {
		clear(l.intern)
	}
	for i, s := range l.str.Dict[1:] {
		l.intern[s] = uint32(i + 1)
	}
	l.internReady = true
}

// internCode is the code of text t in this batch, added on first sight.
func (l *pageLeaf) internCode(t []byte) uint32 {
	if len(t) == 0 {
		return 0
	}
	if c, ok := l.intern[string(t)]; ok {
		return c
	}
	s := string(t)
	c := uint32(len(l.str.Dict))
	l.str.Dict = append(l.str.Dict, s)
	l.intern[s] = c
	return c
}

// newBatch makes one of the batches the path decodes into. Columns no source answers stay
// zero, as nothing writes them.
func (p *pagePath) newBatch() *Batch {
	b := &Batch{Strings: make([]StringColumn, len(p.strs)), Amounts: make([]AmountColumn, len(p.amts))}
	for i := range b.Strings {
		b.Strings[i] = StringColumn{Present: len(p.strs[i].sources) > 0, Codes: make([]uint32, BatchRows), Dict: make([]string, 1, 64)}
	}
	for i := range b.Amounts {
		b.Amounts[i] = AmountColumn{Present: len(p.amts[i].sources) > 0, Values: make([]Amount, BatchRows), Valid: make([]bool, BatchRows)}
	}
	return b
}

// next is parquetReader.Next on the page path.
func (p *pagePath) next(r *parquetReader) bool {
	if !p.started {
		p.start()
	}
	if p.cur != nil {
		p.free <- p.cur
		p.cur = nil
	}
	res, ok := <-p.ready
	if !ok {
		r.done = true
		r.release()
		return false
	}
	r.rg = res.rg
	if res.err != nil {
		r.fail(res.err)
		return false
	}
	p.cur = res.b
	r.batch = *res.b
	r.rows += int64(res.b.Len)
	r.seen += int64(res.b.Len)
	r.rounded.Add(res.rounded)
	return true
}

// start begins decoding on a goroutine of its own.
func (p *pagePath) start() {
	p.started = true
	p.ready = make(chan pageBatch, pageRing)
	p.free = make(chan *Batch, pageRing)
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	for i := 0; i < pageRing; i++ {
		p.free <- p.newBatch()
	}
	go p.decodeAll()
}

// decodeAll decodes the file batch by batch until its end, an error or close.
func (p *pagePath) decodeAll() {
	defer close(p.done)
	defer close(p.ready)
	r := p.r
	var rows int64
	rg := 0
	send := func(res pageBatch) bool {
		select {
		case p.ready <- res:
			return res.err == nil
		case <-p.stop:
			return false
		}
	}
	defer func() {
		if v := recover(); v != nil {
			send(pageBatch{rg: rg, err: p.corrupt(rg, "", fmt.Errorf("parquet: %v", v))})
		}
	}()
	for ; rg < r.pf.NumRowGroups(); rg++ {
		left := r.pf.MetaData().RowGroup(rg).NumRows()
		if left < 0 {
			send(pageBatch{rg: rg, err: p.corrupt(rg, "", fmt.Errorf("parquet: negative row count %d", left))})
			return
		}
		if left == 0 {
			continue
		}
		if err := p.open(rg); err != nil {
			send(pageBatch{rg: rg, err: err})
			return
		}
		for left > 0 {
			n := int(min(left, BatchRows))
			var b *Batch
			select {
			case b = <-p.free:
			case <-p.stop:
				return
			}
			if !send(p.decodeBatch(b, rg, n, rows)) {
				return
			}
			rows += int64(n)
			left -= int64(n)
		}
	}
}

// open positions every leaf at row group rg.
func (p *pagePath) open(rg int) (err error) {
	for _, l := range p.leaves {
		func() {
			defer func() {
				if v := recover(); v != nil {
					err = p.corrupt(rg, l.name, fmt.Errorf("parquet: %v", v))
				}
			}()
			if e := l.col.open(rg); e != nil {
				err = p.corrupt(rg, l.name, e)
			}
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *pagePath) corrupt(rg int, column string, err error) *Error {
	return &Error{File: p.r.name, RowGroup: rg, Column: column, Err: &classed{class: ErrCorrupt, detail: err}}
}

// decodeBatch decodes n rows of row group rg, the first being row first+1 of the file.
func (p *pagePath) decodeBatch(b *Batch, rg, n int, first int64) (res pageBatch) {
	res = pageBatch{b: b, rg: rg}
	defer func() {
		if v := recover(); v != nil {
			res.err = p.corrupt(rg, "", fmt.Errorf("parquet: %v", v))
		}
	}()
	b.Len, b.FirstRow = n, first+1
	for _, l := range p.leaves {
		if l.strOwner >= 0 {
			l.str = &b.Strings[l.strOwner]
		}
		if l.amtOwner >= 0 {
			l.amt = &b.Amounts[l.amtOwner]
		}
	}
	errs := make([]error, len(p.leaves))
	p.parallel(len(p.leaves), func(i int) {
		defer func() {
			if v := recover(); v != nil {
				errs[i] = fmt.Errorf("parquet: %v", v)
			}
		}()
		errs[i] = p.leaves[i].decode(n)
	})
	for i, err := range errs {
		if err != nil {
			res.err = p.corrupt(rg, p.leaves[i].name, err)
			return res
		}
	}
	for i := range p.strs {
		c, nm := &b.Strings[i], &p.strs[i]
		c.Codes = c.Codes[:n]
		if !nm.direct && c.Present {
			p.mergeStrings(c, nm, n)
		}
	}
	for i := range p.amts {
		c, nm := &b.Amounts[i], &p.amts[i]
		c.Values, c.Valid = c.Values[:n], c.Valid[:n]
		if !c.Present {
			continue
		}
		rounded, err := p.fillAmounts(c, nm, n, rg, first)
		res.rounded += rounded
		if err != nil {
			res.err = err
			return res
		}
	}
	return res
}

// parallel runs f(0..n-1) on up to p.jobs goroutines.
func (p *pagePath) parallel(n int, f func(i int)) {
	workers := min(n, p.jobs)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

// mergeStrings fills a name's column from its leaves: each row takes its first non-empty
// source.
func (p *pagePath) mergeStrings(c *StringColumn, nm *pageName, n int) {
	codes := c.Codes
	clear(codes)
	c.Dict = c.Dict[:1]
	var in interner
	in.reset()
	var remap []uint32
	for _, l := range nm.sources {
		src := l.str
		remap = append(remap[:0], make([]uint32, len(src.Dict))...)
		for i := range codes {
			sc := src.Codes[i]
			if codes[i] != 0 || sc == 0 {
				continue
			}
			m := remap[sc]
			if m == 0 {
				m = in.codeString(c, src.Dict[sc]) + 1
				remap[sc] = m
			}
			codes[i] = m - 1
		}
	}
}

// fillAmounts completes a name's column after its leaves decoded: counts rounded cells,
// reports the first bad one and, for names not decoded in place, takes each row from its
// first source that has a value.
func (p *pagePath) fillAmounts(c *AmountColumn, nm *pageName, n, rg int, first int64) (int64, error) {
	var rounded int64
	if nm.direct {
		for _, ev := range nm.sources[0].events {
			if ev.err != nil {
				return rounded, p.badValue(rg, nm.cols[0], first, ev.row, ev.err)
			}
			if ev.rounded {
				rounded++
			}
		}
		return rounded, nil
	}
	clear(c.Values)
	clear(c.Valid)
	for k, l := range nm.sources {
		src := l.amt
		for _, ev := range l.events {
			if c.Valid[ev.row] {
				continue
			}
			if ev.err != nil {
				return rounded, p.badValue(rg, nm.cols[k], first, ev.row, ev.err)
			}
			if ev.rounded {
				rounded++
			}
		}
		for i := 0; i < n; i++ {
			if !c.Valid[i] && src.Valid[i] {
				c.Values[i], c.Valid[i] = src.Values[i], true
			}
		}
	}
	return rounded, nil
}

func (p *pagePath) badValue(rg int, column string, first int64, row int, err error) *Error {
	return &Error{File: p.r.name, RowGroup: rg, Column: column,
		Err: &classed{class: ErrBadValue, detail: fmt.Errorf("row %d: %w", first+int64(row)+1, err)}}
}

// close stops decoding and releases the page readers.
func (p *pagePath) close() {
	if p.closed {
		return
	}
	p.closed = true
	if p.started {
		close(p.stop)
		<-p.done
	}
	for _, l := range p.leaves {
		if l.col.pr != nil {
			l.col.pr.Close()
		}
	}
}
