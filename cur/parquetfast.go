package cur

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/curnorm/curnorm/cur/internal/pqpage"
	"github.com/curnorm/curnorm/cur/money"
)

// The ring of batches the page path keeps: one with the caller, the others decoded ahead
// while the caller works. Up to pageRingMax deep, to ride over the start of a row group where
// the cost columns convert their dictionaries before giving a row (a ring of 3 left the
// caller waiting there: 20% slower on 5M rows); at most pageRingBytes, so that requests of
// many columns keep memory flat.
const (
	pageRingMax   = 16
	pageRingMin   = 4
	pageRingBytes = 12 << 20
)

// pagePath is the page-level path of a parquetReader: one pageLeaf per needed column. A
// task decodes one column of one batch; the file's cores (Request.Cores) less its consumers
// as workers, and the consumers while they wait for a batch, run them, the oldest batch first,
// up to a ring of batches ahead of the caller. So there are never more busy goroutines than
// cores, and the caller, whose rollup is the one part that cannot be split, is never left
// waiting for a core behind decoders (a goroutine per column left it waiting: 20-30% slower
// on 5M rows).
type pagePath struct {
	// what it reads: the file, its name for errors, and the reader's share of the cores
	name   string
	pf     *file.Reader
	serial bool
	cores  int
	ahead  *chunkAhead

	leaves []*pageLeaf
	strs   []pageName
	amts   []pageName

	started bool
	batches []pageBatch // every batch of the file, in order
	slots   []pageSlot
	wg      sync.WaitGroup
	closed  bool

	consumers int // goroutines taking batches (Share), 1 for Next

	mu        sync.Mutex
	wake      *sync.Cond // a task ended, a consumer gave a slot back, or the path closes
	nextK     []int      // per leaf: the batch it decodes next
	busy      []bool     // per leaf: a task of it runs
	slotBatch []int      // per slot: the batch it holds or awaits
	k         int        // the batch taken next
	held      int        // the slot Next's caller holds; -1 for none
	failed    bool       // a batch failed: no more are taken
	failedAt  int        // the first batch that failed
	err       error      // the failure of batch failedAt
	stuck     int        // the first batch a leaf failed to decode: later ones never complete
	stopped   bool
	rows      int64        // rows of the batches taken, and of the row groups passed over before them
	tail      int64        // rows of the row groups passed over after the last batch
	passOver  []bool       // parquetReader.passOver
	rg        atomic.Int64 // row group of the last batch taken; read without p.mu after a panic
	rounded   atomic.Int64 // amount cells rounded past 10 decimals
}

// pageBatch is where one batch lies: n rows of row group rg, the first of them being row
// first+1 of the file.
type pageBatch struct {
	rg, n int
	first int64
	open  bool  // its rows start the row group
	pass  int64 // rows of the row groups passed over just before it
}

// pageSlot is one batch of the ring and what its tasks reported.
type pageSlot struct {
	b       *Batch
	pending int     // tasks still to run for it
	errs    []error // per leaf
}

// pageName is one requested name: the leaves that answer it, in order of preference.
type pageName struct {
	sources []*pageLeaf
	cols    []string // how messages name each source
	direct  bool     // its only source decodes straight into the batch column
}

// leafOut is what a leaf keeps of one batch: its text and amounts when they are not a batch
// column of their own, and the rows whose amount was rounded or bad.
type leafOut struct {
	str    StringColumn
	amt    AmountColumn
	events []amtEvent
	// zero is how many leading rows of the slot's output are known to hold no code and no
	// amount, so that a sparse column's NULL runs (most of the reservation and Savings Plan
	// columns) are not cleared batch after batch.
	zero int
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
	col     pqpage.Column
	name    string // the column as written
	kind    pageKind
	intType arrow.Type
	unit    arrow.TimeUnit
	scale   int32
	dec256  bool
	pad     bool // integer account ids get their 12-digit form back

	mk    *mapKey    // set when the leaf reads one key of a MAP, whose values col holds
	where *leafWhere // when set, the rows to read

	wantStr, wantAmt bool
	strOwner         int // the name whose column the text decodes into; -1: outs
	amtOwner         int
	str              *StringColumn // where text goes this batch
	amt              *AmountColumn // where amounts go this batch
	out              *leafOut      // outs[this batch's slot]
	outs             []leafOut     // per slot

	// the current row group's dictionary, converted once
	dstr    []string // text of each entry, trimmed
	dcode   []uint32 // per entry: its code in this batch + 1; 0 when not yet given one
	dsame   []uint32 // per entry: the first entry of the same text
	touched []uint32 // entries given a code this batch
	damt    []money.Amount
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
	if r.noPagePath || r.skip {
		return nil // rows with bad cells are skipped by the pqarrow path only
	}
	p := &pagePath{name: r.name, pf: r.pf, serial: r.serial, cores: r.cores, ahead: r.ahead, consumers: 1, held: -1,
		passOver: r.passOver}
	type source struct {
		field *pqField
		key   string
	}
	leafOf := map[source]*pageLeaf{}
	leaf := func(s *pqSource) *pageLeaf {
		if l := leafOf[source{s.field, s.key}]; l != nil {
			return l
		}
		var l *pageLeaf
		if s.key != "" {
			l = newMapLeaf(r, s, src)
		} else {
			l = newFlatLeaf(r, s, src)
		}
		if l != nil {
			leafOf[source{s.field, s.key}] = l
			p.leaves = append(p.leaves, l)
		}
		return l
	}
	plan := func(pc *pqColumn, amount bool) (pageName, bool) {
		var n pageName
		for _, s := range pc.sources {
			if s.key != "" && amount {
				return n, false // money under a map key stays with pqarrow
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
	p.limitRows(r)
	return p
}

// newFlatLeaf returns the leaf of the flat column s.field, or nil when the page path does not
// read it.
func newFlatLeaf(r *parquetReader, s *pqSource, src io.ReaderAt) *pageLeaf {
	if s.field.nested || len(s.field.leaves) != 1 || s.field.index >= len(r.fr.Manifest.Fields) {
		return nil
	}
	meta := r.pf.MetaData()
	li := s.field.leaves[0]
	descr := meta.Schema.Column(li)
	if descr.MaxRepetitionLevel() != 0 || descr.MaxDefinitionLevel() > 1 {
		return nil
	}
	l := &pageLeaf{name: r.schema.RawColumns[s.field.index], pad: s.pad}
	if !l.setKind(r.fr.Manifest.Fields[s.field.index].Field.Type, descr) || !pqpage.ChunksReadable(meta, li) {
		return nil
	}
	l.col = pqpage.Column{Leaf: li, Type: descr.PhysicalType(), Width: descr.TypeLength(), MaxDef: descr.MaxDefinitionLevel(),
		File: r.pf, Src: src, Props: pageStreamProps(r.alloc), OnDict: l.setDictionary}
	return l
}

// pageStreamProps are the properties of the streams page readers read column chunks
// through: a small buffer, since whole pages are read past it straight into the page
// reader's own buffer.
func pageStreamProps(alloc memory.Allocator) *parquet.ReaderProperties {
	props := parquet.NewReaderProperties(growingAllocator{alloc})
	props.BufferedStreamEnabled = true
	props.BufferSize = 64 << 10
	return props
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
		return l.col.Type == parquet.Types.ByteArray
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
func (l *pageLeaf) amount(v uint64, b []byte) (a money.Amount, flags uint8, err error) {
	var rounded bool
	switch l.kind {
	case pkBytes:
		t := bytes.TrimSpace(b)
		if len(t) == 0 {
			return 0, 0, nil // REQUIRED columns hold "" where a nullable one would hold NULL
		}
		a, rounded, err = money.Parse(t)
	case pkInt:
		a, err = money.FromInt(l.toInt(v))
	case pkUint64:
		if v > math.MaxInt64 {
			return 0, 0, &money.NumError{Text: strconv.FormatUint(v, 10), Err: money.ErrOutOfRange}
		}
		a, err = money.FromInt(int64(v))
	case pkFloat32:
		f := float64(math.Float32frombits(uint32(v)))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			_, _, err = money.FromFloat(f)
			return 0, 0, err
		}
		l.scratch = strconv.AppendFloat(l.scratch[:0], f, 'g', -1, 32)
		a, rounded, err = money.Parse(l.scratch)
	case pkFloat64:
		a, rounded, err = money.FromFloat(math.Float64frombits(v))
	case pkDecInt:
		a, rounded, err = money.FromDecimal64(int64(v), l.scale)
	case pkDecBytes:
		var n *big.Int
		if n, err = l.decimalBytes(b); err != nil {
			return 0, 0, err
		}
		if !l.dec256 && n.IsInt64() {
			a, rounded, err = money.FromDecimal64(n.Int64(), l.scale)
		} else {
			a, rounded, err = money.FromDecimal(n, l.scale)
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
	err := pqpage.DictValues(l.col.Type, l.col.Width, data, n, func(i int, v uint64, b []byte) error {
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
		return pqpage.ErrPlainData
	}
	l.damt, l.dflag = grow(l.damt, n), grow(l.dflag, n)
	for i := range l.damt {
		v := math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		if a, ok := money.FloatUnits(v); ok {
			l.damt[i], l.dflag[i] = a, amtOK
			continue
		}
		a, rounded, err := money.FromFloat(v)
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
		l.out.events = l.out.events[:0]
	}
}

// grow returns s with length n, reallocated when too short: to a batch's size at least,
// and a quarter more than n for the dictionaries, whose sizes vary from row group to row group.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, max(n+n/4, BatchRows))
	}
	return s[:n]
}

// rowBuffers gives the leaf its scratch for a batch's rows (definition levels, dictionary
// indices) from the pools of the batches' columns, which have the same sizes: taken anew
// for each file, they would be most of what a small file allocates.
func (l *pageLeaf) rowBuffers() {
	if l.idx == nil {
		l.valid, l.idx = validPool.get(), codesPool.get()
	}
}

// releaseRowBuffers gives back the leaf's scratch once its file is done.
func (l *pageLeaf) releaseRowBuffers() {
	if l.idx != nil {
		validPool.put(l.valid, true)
		codesPool.put(l.idx, poisonCode)
		l.valid, l.idx = nil, nil
	}
}

// decode reads the next n rows of the column into the leaf's outputs, run by run: CUR
// columns hold long runs of NULLs and of repeated values, which fill whole ranges of rows.
// A leaf limited to some rows (where) passes over the others' dictionary indices unread.
func (l *pageLeaf) decode(n int) error {
	if l.mk != nil {
		return l.decodeMap(n)
	}
	l.startBatch(n)
	l.rowBuffers()
	allNull := true
	for done := 0; done < n; {
		k, err := l.col.Rows(n - done)
		if err != nil {
			return err
		}
		for r := 0; r < k; {
			m, want := k-r, true
			if l.where != nil && l.col.Dict() {
				m, want = l.where.span(done+r, done+k)
			}
			var some bool
			if want {
				some, err = l.rows(done+r, m)
			} else {
				err = l.pass(done+r, m)
			}
			if err != nil {
				return err
			}
			allNull = allNull && !some
			r += m
		}
		done += k
	}
	if allNull {
		l.out.zero = max(l.out.zero, n)
	} else {
		l.out.zero = 0
	}
	return nil
}

// rows decodes m rows from base, all on the current page, and reports whether any held a
// value.
func (l *pageLeaf) rows(base, m int) (some bool, err error) {
	if l.col.MaxDef == 0 {
		return true, l.defined(base, m)
	}
	for r := 0; r < m; {
		cnt, values, defined, mixed, err := l.col.DefRun(m-r, l.valid)
		if err != nil {
			return some, err
		}
		switch {
		case mixed:
			err = l.someDefined(base+r, l.valid[:cnt], values)
			some = some || values > 0
		case defined:
			err = l.defined(base+r, cnt)
			some = true
		default:
			l.nulls(base+r, cnt)
		}
		if err != nil {
			return some, err
		}
		r += cnt
	}
	return some, nil
}

// pass leaves m rows from base, all on a dictionary page, empty, passing over their indices.
func (l *pageLeaf) pass(base, m int) error {
	values := m
	if l.col.MaxDef > 0 {
		values = 0
		for r := 0; r < m; {
			cnt, some, defined, mixed, err := l.col.DefRun(m-r, l.valid)
			if err != nil {
				return err
			}
			switch {
			case mixed:
				values += some
			case defined:
				values += cnt
			}
			r += cnt
		}
	}
	l.nulls(base, m)
	return l.col.SkipIndices(values)
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
	if !l.col.Dict() {
		return l.plainRows(base, allDefined[:m], m)
	}
	for m > 0 {
		cnt, e, packed, err := l.col.IndexRun(m, l.idx)
		if err != nil {
			return err
		}
		if packed {
			err = l.lookup(base, l.idx[:cnt], e)
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
	if base+m <= l.out.zero {
		return
	}
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

// lookup fills rows from base with dictionary entries idx, one per row; top is the largest.
func (l *pageLeaf) lookup(base int, idx []uint32, top uint32) error {
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
			copy(oks, allDefined)
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

// someDefined fills rows from base of which valid marks the m with a value.
func (l *pageLeaf) someDefined(base int, valid []bool, m int) error {
	if !l.col.Dict() {
		return l.plainRows(base, valid, m)
	}
	idx := l.idx[:m]
	top, err := l.col.Indices(idx)
	if err != nil {
		return err
	}
	if m > 0 && top >= l.entries() {
		return l.badIndex(top)
	}
	if l.wantStr {
		l.someCodes(base, valid, idx)
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

// someCodes sets the codes of rows from base, of which valid marks those with a value and idx
// gives those values' dictionary entries, in order.
func (l *pageLeaf) someCodes(base int, valid []bool, idx []uint32) {
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
	l.out.events = append(l.out.events, ev)
}

// plainRows fills rows from base, of which valid marks those with a value, from the page's
// next PLAIN values.
func (l *pageLeaf) plainRows(base int, valid []bool, m int) error {
	if l.kind == pkFloat64 && !l.wantStr {
		raw, err := l.col.Fixed(m, 8)
		if err != nil {
			return err
		}
		l.plainDoubles(base, valid, raw)
		return nil
	}
	var vals []uint64
	l.bufs = l.bufs[:0]
	if size := pqpage.PlainSize(l.col.Type, l.col.Width); size > 0 {
		raw, err := l.col.Fixed(m, size)
		if err != nil {
			return err
		}
		if l.col.Type == parquet.Types.FixedLenByteArray {
			for j := 0; j < m; j++ {
				l.bufs = append(l.bufs, raw[j*size:(j+1)*size])
			}
		} else {
			l.vals = grow(l.vals, BatchRows)
			vals = l.vals[:m]
			for j := range vals {
				vals[j], _ = pqpage.PlainValue(l.col.Type, raw[j*size:(j+1)*size])
			}
		}
	} else {
		for j := 0; j < m; j++ {
			b, err := l.col.ByteArray()
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

// plainDoubles is plainRows for DOUBLE money, the common PLAIN column (writers leave costs
// of many distinct values without a dictionary): one loop straight from the page bytes.
func (l *pageLeaf) plainDoubles(base int, valid []bool, raw []byte) {
	out, oks := l.amt.Values[base:base+len(valid)], l.amt.Valid[base:base+len(valid)]
	j := 0
	for i, ok := range valid {
		if !ok {
			out[i], oks[i] = 0, false
			continue
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(raw[j:]))
		j += 8
		a, fast := money.FloatUnits(f)
		if !fast {
			var rounded bool
			var err error
			if a, rounded, err = money.FromFloat(f); err != nil || rounded {
				l.out.events = append(l.out.events, amtEvent{row: base + i, rounded: rounded, err: err})
			}
			if err != nil {
				out[i], oks[i] = 0, false
				continue
			}
		}
		out[i], oks[i] = a, true
	}
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
		var a money.Amount
		var f uint8
		var err error
		if l.kind == pkFloat64 {
			fv := math.Float64frombits(vals[j])
			var ok, rounded bool
			if a, ok = money.FloatUnits(fv); ok {
				f = amtOK
			} else if a, rounded, err = money.FromFloat(fv); err == nil {
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
			l.out.events = append(l.out.events, amtEvent{row: base + i, err: err})
		} else if f&amtRounded != 0 {
			l.out.events = append(l.out.events, amtEvent{row: base + i, rounded: true})
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

// newBatch makes one of the batches the path decodes into. Columns no source answers share
// zero buffers, as nothing writes them.
func (p *pagePath) newBatch(zero *Batch) *Batch {
	b := &Batch{Strings: make([]StringColumn, len(p.strs)), Amounts: make([]AmountColumn, len(p.amts))}
	for i := range b.Strings {
		b.Strings[i] = StringColumn{Codes: zero.Strings[0].Codes, Dict: zero.Strings[0].Dict}
		if len(p.strs[i].sources) > 0 {
			b.Strings[i] = StringColumn{Present: true, Codes: codesPool.get(), Dict: make([]string, 1, 64)}
		}
	}
	for i := range b.Amounts {
		b.Amounts[i] = AmountColumn{Values: zero.Amounts[0].Values, Valid: zero.Amounts[0].Valid}
		if len(p.amts[i].sources) > 0 {
			b.Amounts[i] = AmountColumn{Present: true, Values: valuesPool.get(), Valid: validPool.get()}
		}
	}
	return b
}

// ringSize is how deep a ring of batches of this request may be.
func (p *pagePath) ringSize() int {
	slot := 1 // bytes of a batch row
	for _, nm := range p.strs {
		if len(nm.sources) > 0 {
			slot += 4
		}
	}
	for _, nm := range p.amts {
		if len(nm.sources) > 0 {
			slot += 9
		}
	}
	return max(pageRingMin, min(pageRingMax, pageRingBytes/(slot*BatchRows)))
}

// start lists the file's batches, makes the ring and starts the workers.
func (p *pagePath) start() {
	p.started = true
	meta := p.pf.MetaData()
	var first, pass int64
	for rg := 0; rg < meta.NumRowGroups(); rg++ {
		rows := meta.RowGroup(rg).NumRows()
		if rg < len(p.passOver) && p.passOver[rg] {
			first, pass = first+rows, pass+rows
			continue
		}
		for at := int64(0); at < rows; at += BatchRows {
			n := int(min(rows-at, BatchRows))
			p.batches = append(p.batches, pageBatch{rg: rg, n: n, first: first, open: at == 0, pass: pass})
			first, pass = first+int64(n), 0
		}
	}
	p.tail = pass
	p.wake = sync.NewCond(&p.mu)
	p.nextK, p.busy = make([]int, len(p.leaves)), make([]bool, len(p.leaves))
	zero := &Batch{Strings: []StringColumn{{Codes: make([]uint32, BatchRows), Dict: []string{""}}},
		Amounts: []AmountColumn{{Values: make([]money.Amount, BatchRows), Valid: make([]bool, BatchRows)}}}
	p.slots = make([]pageSlot, max(p.ringSize(), 2*p.consumers))
	p.slotBatch, p.stuck = make([]int, len(p.slots)), len(p.batches)
	for i := range p.slots {
		sl := &p.slots[i]
		sl.b, sl.errs, sl.pending = p.newBatch(zero), make([]error, len(p.leaves)), len(p.leaves)
		p.slotBatch[i] = i
	}
	for _, l := range p.leaves {
		l.outs = make([]leafOut, len(p.slots))
	}
	// The file's cores are shared with the consumers, each of which also decodes while it
	// waits.
	workers := 0
	if !p.serial {
		workers = p.cores - p.consumers
	}
	for range min(workers, len(p.leaves)) {
		p.wg.Go(p.work)
	}
}

// work runs tasks until the path closes.
func (p *pagePath) work() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for !p.stopped {
		if !p.runTask() {
			p.wake.Wait()
		}
	}
}

// runTask runs the task of the oldest batch that has one ready, unlocking p.mu while it
// decodes; false when none is ready. The caller holds p.mu.
func (p *pagePath) runTask() bool {
	i, k := -1, len(p.batches)
	for j, nk := range p.nextK {
		if !p.busy[j] && nk < k && p.slotBatch[nk%len(p.slots)] == nk && p.ready(j, nk) {
			i, k = j, nk
		}
	}
	if i < 0 {
		return false
	}
	p.busy[i] = true
	p.mu.Unlock()
	s := k % len(p.slots)
	sl, bt := &p.slots[s], p.batches[k]
	err := p.decodeInto(p.leaves[i], sl, s, bt.rg, bt.n, bt.open)
	p.mu.Lock()
	p.busy[i] = false
	p.nextK[i]++
	if err != nil {
		p.nextK[i] = len(p.batches) // the consumers stop at this batch
		p.stuck = min(p.stuck, k)
	}
	sl.errs[i] = err
	sl.pending--
	p.wake.Broadcast()
	return true
}

// decodeInto decodes the next n rows of leaf l into slot s, first positioning the leaf at
// row group rg when open is set.
func (p *pagePath) decodeInto(l *pageLeaf, sl *pageSlot, s, rg, n int, open bool) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = p.corrupt(rg, l.name, fmt.Errorf("parquet: %v", v))
		}
	}()
	if open {
		p.ahead.reach(rg)
		if err := l.col.Open(rg); err != nil {
			return p.corrupt(rg, l.name, err)
		}
		if l.mk != nil {
			if err := l.mk.open(rg); err != nil {
				return p.corrupt(rg, l.name, err)
			}
		}
	}
	l.out = &l.outs[s]
	l.str, l.amt = l.strOf(sl.b, s), l.amtOf(sl.b, s)
	if l.where != nil {
		l.where.rows(sl.b, s, n)
	}
	if err := l.decode(n); err != nil {
		return p.corrupt(rg, l.name, err)
	}
	return nil
}

// strOf and amtOf are where leaf l puts the text and amounts of batch b, of slot s.
func (l *pageLeaf) strOf(b *Batch, s int) *StringColumn {
	if l.strOwner >= 0 {
		return &b.Strings[l.strOwner]
	}
	return &l.outs[s].str
}

func (l *pageLeaf) amtOf(b *Batch, s int) *AmountColumn {
	if l.amtOwner >= 0 {
		return &b.Amounts[l.amtOwner]
	}
	return &l.outs[s].amt
}

// next is parquetReader.Next on the page path: the caller gives back the batch it held and
// takes the next; nil at the end or after a failure (failure).
func (p *pagePath) next() *Batch {
	if p.held >= 0 {
		p.give(p.held)
		p.held = -1
	}
	b, s := p.take()
	if b != nil {
		p.held = s
	}
	return b
}

// share readies the path for n consumers (SharedReader.Share); false once it has started.
func (p *pagePath) share(n int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started || n < 1 {
		return false
	}
	p.consumers = n
	return true
}

// fail records a failure met outside the path's own work, such as a panic in take.
func (p *pagePath) fail(err error) {
	p.mu.Lock()
	p.failLocked(-1, err)
	p.mu.Unlock()
}

// failure is the error the path stopped on, nil while it has not.
func (p *pagePath) failure() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// taken returns the rows of the batches taken so far.
func (p *pagePath) taken() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rows
}

// rowGroup is the row group of the last batch taken; it takes no lock, so a reader that
// recovers from a panic can name it.
func (p *pagePath) rowGroup() int { return int(p.rg.Load()) }

// roundedCells counts the amount cells rounded past 10 decimals.
func (p *pagePath) roundedCells() int64 { return p.rounded.Load() }

// giveBack hands back a batch from take (SharedReader.Give).
func (p *pagePath) giveBack(b *Batch) { p.give(p.slotOf(b)) }

// take returns the next batch and its slot once its leaves decoded it, decoding meanwhile;
// nil at the end or after a failure, which it records.
func (p *pagePath) take() (*Batch, int) {
	if !p.startOnce() {
		return nil, -1
	}
	p.mu.Lock()
	if p.failed || p.k >= len(p.batches) {
		if !p.failed {
			p.rows, p.tail = p.rows+p.tail, 0
		}
		p.mu.Unlock()
		return nil, -1
	}
	k := p.k
	p.k++
	s := k % len(p.slots)
	sl := &p.slots[s]
	for sl.pending > 0 || p.slotBatch[s] != k {
		if k > p.stuck {
			p.mu.Unlock()
			return nil, -1 // the consumer of batch stuck reports the failure
		}
		if !p.runTask() {
			p.wake.Wait()
		}
	}
	p.mu.Unlock()
	bt := p.batches[k]
	var err error
	for _, e := range sl.errs {
		if e != nil {
			err = e // the first leaf's error, as the file orders its columns
			break
		}
	}
	b := sl.b
	var rounded int64
	if err == nil {
		b.Len, b.FirstRow = bt.n, bt.first+1
		rounded, err = p.complete(b, s, bt.rg, bt.n)
	}
	p.rounded.Add(rounded)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.failLocked(k, err)
		return nil, -1
	}
	if p.failed {
		return nil, -1
	}
	p.rg.Store(int64(bt.rg))
	p.rows += int64(bt.n) + bt.pass
	return b, s
}

// startOnce starts the path on the first take; false when the file's row groups cannot be
// read. The deferred unlock leaves p.mu free should the start panic on a damaged footer.
func (p *pagePath) startOnce() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.started {
		if err := p.checkRowGroups(); err != nil {
			p.failLocked(-1, err)
			return false
		}
		p.start()
	}
	return true
}

// failLocked records the failure of batch k; the caller holds p.mu. Of the batches taken
// before the failure stops the takes, the first in file order gives the error, so consumers
// of a shared path report what Next would. The readers are released by Next's caller, or by
// Close once every consumer is done.
func (p *pagePath) failLocked(k int, err error) {
	if !p.failed || k < p.failedAt {
		p.failed, p.failedAt, p.err = true, k, err
	}
}

// give hands slot s back: its next batch may be decoded into it.
func (p *pagePath) give(s int) {
	p.mu.Lock()
	sl := &p.slots[s]
	clear(sl.errs)
	sl.pending = len(p.leaves)
	p.slotBatch[s] += len(p.slots)
	p.wake.Broadcast()
	p.mu.Unlock()
}

// slotOf is the slot of a batch from take.
func (p *pagePath) slotOf(b *Batch) int {
	for s := range p.slots {
		if p.slots[s].b == b {
			return s
		}
	}
	panic("cur: Give of a batch this reader did not hand out")
}

// checkRowGroups refuses a file whose metadata gives a row group a negative row count.
func (p *pagePath) checkRowGroups() error {
	meta := p.pf.MetaData()
	for rg := 0; rg < meta.NumRowGroups(); rg++ {
		if n := meta.RowGroup(rg).NumRows(); n < 0 {
			p.rg.Store(int64(rg))
			return p.corrupt(rg, "", fmt.Errorf("parquet: negative row count %d", n))
		}
	}
	return nil
}

func (p *pagePath) corrupt(rg int, column string, err error) *Error {
	return FileError(p.name, ErrCorrupt, err).AtRowGroup(rg).InColumn(column)
}

// complete finishes batch b, of slot s, once its leaves decoded it: names not decoded in place
// are filled from their leaves, rounded cells counted and the first bad one reported.
func (p *pagePath) complete(b *Batch, s, rg, n int) (int64, error) {
	for i := range p.strs {
		c, nm := &b.Strings[i], &p.strs[i]
		c.Codes = c.Codes[:n]
		if !nm.direct && c.Present {
			p.mergeStrings(b, c, nm, s)
		}
	}
	var rounded int64
	for i := range p.amts {
		c, nm := &b.Amounts[i], &p.amts[i]
		c.Values, c.Valid = c.Values[:n], c.Valid[:n]
		if !c.Present {
			continue
		}
		r, err := p.fillAmounts(b, c, nm, s, rg)
		rounded += r
		if err != nil {
			return rounded, err
		}
	}
	return rounded, nil
}

// mergeStrings fills a name's column from its leaves: each row takes its first non-empty
// source.
func (p *pagePath) mergeStrings(b *Batch, c *StringColumn, nm *pageName, s int) {
	codes := c.Codes
	clear(codes)
	c.Dict = c.Dict[:1]
	var in interner
	in.reset()
	var remap []uint32
	for _, l := range nm.sources {
		src := l.strOf(b, s)
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

// fillAmounts completes a name's column: counts rounded cells, reports the first bad one and,
// for names not decoded in place, takes each row from its first source that has a value.
func (p *pagePath) fillAmounts(b *Batch, c *AmountColumn, nm *pageName, s, rg int) (int64, error) {
	var rounded int64
	if nm.direct {
		for _, ev := range nm.sources[0].outs[s].events {
			if ev.err != nil {
				return rounded, p.badValue(nm.cols[0], b, rg, ev.row, ev.err)
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
		src := l.amtOf(b, s)
		for _, ev := range l.outs[s].events {
			if c.Valid[ev.row] {
				continue
			}
			if ev.err != nil {
				return rounded, p.badValue(nm.cols[k], b, rg, ev.row, ev.err)
			}
			if ev.rounded {
				rounded++
			}
		}
		for i := range c.Values {
			if !c.Valid[i] && src.Valid[i] {
				c.Values[i], c.Valid[i] = src.Values[i], true
			}
		}
	}
	return rounded, nil
}

// badValue reports row i of batch b, of row group rg, as an error of column.
func (p *pagePath) badValue(column string, b *Batch, rg, i int, err error) *Error {
	return FileErrorf(p.name, ErrBadValue, "row %d: %w", b.FirstRow+int64(i), err).AtRowGroup(rg).InColumn(column)
}

// close stops the leaves' goroutines and releases the page readers.
func (p *pagePath) close() {
	if p.closed {
		return
	}
	p.closed = true
	if p.started {
		p.mu.Lock()
		p.stopped = true
		p.wake.Broadcast()
		p.mu.Unlock()
		p.wg.Wait()
		for i := range p.slots {
			releaseBatch(p.slots[i].b)
		}
		for _, l := range p.leaves {
			l.releaseRowBuffers()
		}
	}
	for _, l := range p.leaves {
		l.col.Close()
		if l.mk != nil {
			l.mk.col.Close()
		}
	}
}
