package cur

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/curnorm/curnorm/cur/internal/pqpage"
	"github.com/curnorm/curnorm/cur/money"
)

// growingAllocator grows buffers by a quarter more than asked: a page reader's buffer, which
// meets pages of every size, then grows a few times per file instead of at each new largest
// page, each time leaving the old buffer as garbage.
type growingAllocator struct{ memory.Allocator }

func (a growingAllocator) Reallocate(size int, b []byte) []byte {
	if size > len(b) {
		size += size / 4
	}
	return a.Allocator.Reallocate(size, b)
}

// defaultAlloc is the allocator of Parquet readers; tests give a checked one (Request.alloc)
// to catch leaks.
var defaultAlloc memory.Allocator = memory.DefaultAllocator

// parquetReader streams a Parquet CUR row group by row group, reading only the top-level
// fields the request resolves to, so memory stays flat however large the file grows.
type parquetReader struct {
	name   string
	pf     *file.Reader
	fr     *pqarrow.FileReader
	schema Schema

	fields []*pqField // the top-level fields the request needs
	strs   []*pqColumn
	amts   []*pqColumn

	rg     int   // current row group
	rgOpen bool  // readers for rg are open
	rgLeft int64 // rows of rg not yet delivered

	batch   Batch
	rows    int64
	seen    int64 // rows read, skipped ones included
	rounded atomic.Int64
	skip    bool
	skips   skips
	pages   *pagePath   // the page-level path, when every requested column allows it
	ahead   *chunkAhead // names row groups' chunks to an Object that fetches ahead; nil for files
	err     error
	done    bool
	closed  bool
	fp      Fingerprint
	fpOK    bool
	cores   int // Request.Cores resolved
	// serial keeps a batch's columns on one goroutine (Request.serial); otherwise the reader
	// decodes and converts them on several cores, running those goroutines itself rather than
	// setting pqarrow's Parallel, so that a panic on a damaged page is recovered into an error
	// instead of ending the process.
	serial bool
	// noPagePath reads through pqarrow even where the page path could (Request.noPagePath).
	noPagePath bool
	alloc      memory.Allocator
	// passOver marks the row groups Request.Keep leaves unread (nil: none).
	passOver []bool
	// where is Request.Where by index of strs: the rows a column is read on.
	where map[int]pqWhere
}

// pqWhere is a column read only on the rows where strs[col] is one of values.
type pqWhere struct {
	col    int
	values []string
}

// pqField is one needed top-level field and its reader within the current row group.
type pqField struct {
	index  int   // top-level field of the file
	leaves []int // its leaf columns
	nested bool  // a group (MAP) rather than one leaf
	rr     pqarrow.RecordReader
	col    arrow.Array // the current batch's values, owned by rr
}

// pqColumn is one requested name: where its values come from, in order of preference.
type pqColumn struct {
	sources []*pqSource
	in      interner
	scratch []byte
	dcodes  []uint32 // dictionary index → code+1 for the current batch
	bad     []pqBad  // rows of the current batch whose cell could not be read (SkipBadRows)
}

// pqBad is a row to skip and why.
type pqBad struct {
	row    int
	reason string
	err    error
}

// pqSource is one place of a requested name within the file.
type pqSource struct {
	field  *pqField
	key    string // Snake-form map key, "" for a flat column
	pad    bool   // integer account ids get their 12-digit form back
	column string // how messages name the source

	keyMatch map[string]bool              // MAP key as written → whether Snake(key) == key
	cells    map[string]map[string]string // JSON text cell → parsed map, per batch
}

// openParquet reads the footer of f (of size bytes, -1 when unknown) and prepares a reader of
// the requested columns. The reader owns f from here on, whether f is the named file, an
// unlinked copy of standard input or an Object: Close closes it, and so does a failed open.
// pre, when not nil, is told of the ranges before they are read.
func openParquet(name string, f randomAccess, size int64, pre Prefetcher, req Request) (rd Reader, err error) {
	r := &parquetReader{name: name, skip: req.SkipBadRows, skips: skips{file: name}, cores: req.cores(),
		serial: req.serial, noPagePath: req.noPagePath}
	defer func() {
		if p := recover(); p != nil {
			err = FileErrorf(name, ErrCorrupt, "parquet: %v", p)
		}
		if err != nil {
			r.release()
			if r.pf != nil {
				r.pf.Close() // closes f
			} else {
				f.Close()
			}
			rd = nil
		}
	}()
	alloc := cmp.Or[memory.Allocator](req.alloc, defaultAlloc)
	r.alloc = alloc
	props := parquet.NewReaderProperties(growingAllocator{alloc})
	// Stream pages instead of loading whole column chunks: memory follows the page size, not
	// the row group size.
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	if pre != nil && size > 0 {
		n := min(size, footerAhead)
		pre.Prefetch([]ByteRange{{Off: size - n, Len: n}})
	}
	pf, err := openParquetFile(name, f, size, props, &req)
	if err != nil {
		return nil, FileError(name, ErrCorrupt, err)
	}
	r.pf = pf
	if size >= 0 && req.Fingerprint {
		fp, err := parquetFingerprint(f, size)
		r.fp, r.fpOK = fp, err == nil
	}
	meta := pf.MetaData()
	sc := meta.Schema
	root := sc.Root()
	nf := root.NumFields()
	r.schema.RawColumns = make([]string, nf)
	r.schema.Columns = make([]string, nf)
	for i := 0; i < nf; i++ {
		r.schema.RawColumns[i] = root.Field(i).Name()
		r.schema.Columns[i] = Snake(r.schema.RawColumns[i])
	}
	r.schema.Compression = "none"
	// The first leaf whose chunk metadata the footer kept says how the file is compressed.
	for j := 0; meta.NumRowGroups() > 0 && j < sc.NumColumns(); j++ {
		if cc, err := meta.RowGroup(0).ColumnChunk(j); err == nil {
			if c := strings.ToLower(cc.Compression().String()); c != "uncompressed" {
				r.schema.Compression = c
			}
			break
		}
	}
	fl, err := detectFlavour(name, r.schema.Columns, true)
	if err != nil {
		return nil, err
	}
	r.schema.Flavour = fl
	if !req.SkipBadRows {
		dicts := &dictTexts{pf: pf, src: f, alloc: alloc, cols: map[int]*pqpage.Column{}, pre: pre}
		defer dicts.close()
		r.passOver = skippedRowGroups(meta, fl, r.schema.Columns, req.Keep, dicts)
	}

	leaves := make([][]int, nf)
	for j := 0; j < sc.NumColumns(); j++ {
		if top := root.FieldIndexByField(sc.ColumnRoot(j)); top >= 0 {
			leaves[top] = append(leaves[top], j)
		}
	}
	arrProps := pqarrow.ArrowReadProperties{BatchSize: BatchRows}
	byIndex := map[int]*pqField{}
	column := func(name string) *pqColumn {
		c := &pqColumn{}
		for _, p := range resolve(r.schema.Flavour, r.schema.Columns, name) {
			if len(leaves[p.col]) == 0 {
				continue
			}
			fd := byIndex[p.col]
			if fd == nil {
				_, group := root.Field(p.col).(*schema.GroupNode)
				fd = &pqField{index: p.col, leaves: leaves[p.col], nested: group}
				byIndex[p.col] = fd
				r.fields = append(r.fields, fd)
			}
			s := &pqSource{field: fd, key: p.key, column: r.schema.RawColumns[p.col]}
			if p.key != "" {
				s.column += "[" + p.key + "]"
			} else {
				s.pad = strings.HasSuffix(r.schema.Columns[p.col], "_account_id")
				if l := leaves[p.col]; !req.noReadDict && !fd.nested && sc.Column(l[0]).PhysicalType() == parquet.Types.ByteArray {
					arrProps.SetReadDict(l[0], true)
				}
			}
			c.sources = append(c.sources, s)
		}
		return c
	}
	for _, n := range req.Strings {
		r.strs = append(r.strs, column(n))
	}
	for _, n := range req.Amounts {
		r.amts = append(r.amts, column(n))
	}
	for c, t := range req.Where {
		if j := slices.Index(req.Strings, t.Column); j >= 0 && !t.Negate && int(c) < len(req.Strings) {
			if r.where == nil {
				r.where = map[int]pqWhere{}
			}
			r.where[int(c)] = pqWhere{col: j, values: t.Values}
		}
	}
	fr, err := pqarrow.NewFileReader(pf, arrProps, alloc)
	if err != nil {
		return nil, FileError(name, ErrUnsupportedFormat, fmt.Errorf("parquet schema: %w", err))
	}
	r.fr = fr
	if pre != nil {
		r.ahead = &chunkAhead{pre: pre, meta: meta, pass: r.passOver}
		for _, fd := range r.fields {
			r.ahead.leaves = append(r.ahead.leaves, fd.leaves...)
		}
	}
	r.pages = newPagePath(r, f)
	return r, nil
}

// passes reports whether row group rg is left unread (Request.Keep).
func (r *parquetReader) passes(rg int) bool { return rg < len(r.passOver) && r.passOver[rg] }

func (r *parquetReader) Schema() *Schema { return &r.schema }
func (r *parquetReader) Batch() *Batch   { return &r.batch }

// Err is the reader's failure, or the page path's.
func (r *parquetReader) Err() error {
	if r.err == nil && r.pages != nil {
		return r.pages.failure()
	}
	return r.err
}

// Rows counts the rows delivered, by pqarrow or by the page path.
func (r *parquetReader) Rows() int64 {
	if r.pages != nil {
		return r.rows + r.pages.taken()
	}
	return r.rows
}

// rowGroup is the row group being read, for errors.
func (r *parquetReader) rowGroup() int {
	if r.pages != nil {
		return r.pages.rowGroup()
	}
	return r.rg
}

// Rounded counts the amount cells that had more than 10 decimals.
func (r *parquetReader) Rounded() int64 {
	if r.pages != nil {
		return r.rounded.Load() + r.pages.roundedCells()
	}
	return r.rounded.Load()
}

// Skipped counts the rows skipped under Request.SkipBadRows.
func (r *parquetReader) Skipped() []SkipCount { return r.skips.list() }

// Fingerprint is the footer's, known from the start.
func (r *parquetReader) Fingerprint() (Fingerprint, bool) { return r.fp, r.fpOK }

// Close releases the column readers and closes the file.
func (r *parquetReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.release()
	if r.pf != nil {
		return r.pf.Close()
	}
	return nil
}

// release drops the readers of the current row group.
func (r *parquetReader) release() {
	if r.pages != nil {
		r.pages.close()
	}
	for _, fd := range r.fields {
		fd.col = nil
		if fd.rr != nil {
			fd.rr.Release()
			fd.rr = nil
		}
	}
	r.rgOpen = false
}

// Share lets n goroutines take batches at once on the page path, the only one that decodes
// ahead of its caller.
func (r *parquetReader) Share(n int) bool {
	return r.pages != nil && r.pages.share(n)
}

// Take returns the next batch to one of the goroutines of Share. A damaged file fails here
// as in Next, never with a panic.
func (r *parquetReader) Take() (b *Batch) {
	if r.closed {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			r.pages.fail(FileErrorf(r.name, ErrCorrupt, "parquet: %v", p))
			b = nil
		}
	}()
	b, _ = r.pages.take()
	return b
}

// Give hands back a batch from Take.
func (r *parquetReader) Give(b *Batch) {
	r.pages.giveBack(b)
}

func (r *parquetReader) Next() bool {
	for r.next() {
		if r.batch.Len > 0 {
			return true
		}
	}
	return false
}

// next reads one batch; with SkipBadRows every row of it may have been skipped.
func (r *parquetReader) next() (ok bool) {
	if r.err != nil || r.done || r.closed {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			r.fail(FileErrorf(r.name, ErrCorrupt, "parquet: %v", p).AtRowGroup(r.rowGroup()))
			ok = false
		}
	}()
	if r.pages != nil {
		b := r.pages.next()
		if b == nil {
			r.done = r.Err() == nil
			r.release()
			return false
		}
		r.batch = *b
		return true
	}
	n, err := r.load()
	if err != nil {
		r.fail(err)
		return false
	}
	if n == 0 {
		r.done = true
		r.release()
		return false
	}
	b := &r.batch
	b.reset(len(r.strs), len(r.amts), n)
	b.FirstRow = r.rows + 1
	b.Len = n
	errs := make([]error, len(r.strs)+len(r.amts))
	r.each(len(errs), func(i int) {
		if i < len(r.strs) {
			errs[i] = r.fillStrings(&b.Strings[i], r.strs[i], n)
		} else {
			j := i - len(r.strs)
			errs[i] = r.fillAmounts(&b.Amounts[j], r.amts[j], n)
		}
	}, errs)
	for _, err := range errs {
		if err != nil {
			r.fail(err)
			return false
		}
	}
	r.seen += int64(n)
	if r.skip {
		r.dropBad(b)
	}
	r.rows += int64(b.Len)
	return true
}

// dropBad removes the rows whose cells could not be read from b and counts each once, under
// the reason of its first bad column in request order.
func (r *parquetReader) dropBad(b *Batch) {
	first := map[int]pqBad{}
	for _, pc := range append(append([]*pqColumn(nil), r.strs...), r.amts...) {
		for _, x := range pc.bad {
			if _, ok := first[x.row]; !ok {
				first[x.row] = x
			}
		}
	}
	if len(first) == 0 {
		return
	}
	rows := make([]int, 0, len(first))
	for i := range first {
		rows = append(rows, i)
	}
	sort.Ints(rows)
	for _, i := range rows {
		r.skips.add(first[i].err, first[i].reason)
	}
	b.drop(rows)
}

// bad deals with a cell that cannot be read: under SkipBadRows its row is marked to be
// skipped, else the error ends the read.
func (r *parquetReader) bad(pc *pqColumn, s *pqSource, row int, reason string, err error) error {
	e := r.badValue(s, row, err)
	if !r.skip {
		return e
	}
	pc.bad = append(pc.bad, pqBad{row: row, reason: reason, err: e})
	return nil
}

func (r *parquetReader) fail(err error) {
	r.err = err
	r.release()
}

// each runs f(0..n-1), on several goroutines when that pays. A panic in f becomes errs[i].
func (r *parquetReader) each(n int, f func(i int), errs []error) {
	run := func(i int) {
		defer func() {
			if p := recover(); p != nil {
				errs[i] = FileErrorf(r.name, ErrCorrupt, "parquet: %v", p).AtRowGroup(r.rg)
			}
		}()
		f(i)
	}
	workers := min(n, r.cores)
	if r.serial || workers <= 1 {
		for i := 0; i < n; i++ {
			run(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				run(i)
			}
		})
	}
	wg.Wait()
}

// load advances every needed field by one batch and returns its row count; 0 at the end.
func (r *parquetReader) load() (int, error) {
	nrg := r.pf.NumRowGroups()
	for r.rg < nrg {
		if !r.rgOpen {
			if n := r.pf.MetaData().RowGroup(r.rg).NumRows(); n == 0 || n > 0 && r.passes(r.rg) {
				r.rows, r.seen = r.rows+n, r.seen+n
				r.rg++
				continue
			}
			if err := r.openRowGroup(); err != nil {
				return 0, err
			}
		}
		if len(r.fields) == 0 {
			if r.rgLeft > 0 {
				n := int(min(r.rgLeft, BatchRows))
				r.rgLeft -= int64(n)
				return n, nil
			}
			r.rgOpen = false
			r.rg++
			continue
		}
		errs := make([]error, len(r.fields))
		r.each(len(r.fields), func(i int) {
			fd := r.fields[i]
			fd.col = nil
			if fd.rr.Next() {
				fd.col = fd.rr.RecordBatch().Column(0)
				warm(fd.col)
			} else if err := fd.rr.Err(); err != nil {
				errs[i] = r.corrupt(r.schema.RawColumns[fd.index], err)
			}
		}, errs)
		for _, err := range errs {
			if err != nil {
				return 0, err
			}
		}
		n := -1
		for _, fd := range r.fields {
			l := 0
			if fd.col != nil {
				l = fd.col.Len()
			}
			if n >= 0 && l != n {
				return 0, r.corrupt(r.schema.RawColumns[fd.index], fmt.Errorf("parquet: columns disagree on the row count (%d and %d)", n, l))
			}
			n = l
		}
		if int64(n) > r.rgLeft {
			return 0, r.corrupt("", fmt.Errorf("parquet: row group holds more rows than its metadata says"))
		}
		r.rgLeft -= int64(n)
		if n > 0 {
			return n, nil
		}
		if r.rgLeft != 0 {
			return 0, r.corrupt("", fmt.Errorf("parquet: row group ends %d rows early", r.rgLeft))
		}
		r.release()
		r.rg++
	}
	return 0, nil
}

// warm builds the parts of arr that Arrow creates on first use, so that the columns of a batch
// can then read arr from several goroutines.
func warm(arr arrow.Array) {
	switch a := arr.(type) {
	case *array.Dictionary:
		warm(a.Dictionary())
	case *array.Map:
		warm(a.Keys())
		warm(a.Items())
	}
}

func (r *parquetReader) openRowGroup() error {
	r.rgLeft = r.pf.MetaData().RowGroup(r.rg).NumRows()
	if r.rgLeft < 0 {
		return r.corrupt("", fmt.Errorf("parquet: negative row count %d", r.rgLeft))
	}
	r.ahead.reach(r.rg)
	// Arrow opens the leaves of a nested field on goroutines of its own, where a panic on damaged
	// chunk metadata could not be recovered: open them here first, where it can.
	rgr := r.pf.RowGroup(r.rg)
	for _, fd := range r.fields {
		if !fd.nested {
			continue
		}
		for _, leaf := range fd.leaves {
			pr, err := rgr.GetColumnPageReader(leaf)
			if pr != nil {
				pr.Close()
			}
			if err != nil {
				return r.corrupt(r.schema.RawColumns[fd.index], err)
			}
		}
	}
	rgs := []int{r.rg}
	for _, fd := range r.fields {
		rr, err := r.fr.GetRecordReader(context.Background(), fd.leaves, rgs)
		if err != nil {
			return r.corrupt(r.schema.RawColumns[fd.index], err)
		}
		fd.rr = rr
	}
	r.rgOpen = true
	return nil
}

func (r *parquetReader) corrupt(column string, err error) *Error {
	return FileError(r.name, ErrCorrupt, err).AtRowGroup(r.rg).InColumn(column)
}

func (r *parquetReader) badValue(s *pqSource, row int, err error) *Error {
	return FileErrorf(r.name, ErrBadValue, "row %d: %w", r.seen+int64(row)+1, err).AtRowGroup(r.rg).InColumn(s.column)
}

// fillStrings sets c to n rows of text; each row takes its first non-empty source.
func (r *parquetReader) fillStrings(c *StringColumn, pc *pqColumn, n int) error {
	c.Present = len(pc.sources) > 0
	c.Codes = c.Codes[:n]
	clear(c.Codes)
	pc.in.reset()
	pc.bad = pc.bad[:0]
	for k, s := range pc.sources {
		arr := s.field.col
		if arr == nil {
			continue
		}
		only := k > 0 // later sources fill only rows still empty
		if s.key != "" {
			if err := r.mapStrings(c, pc, s, arr, n, only); err != nil {
				return err
			}
			continue
		}
		pc.flatStrings(c, s, arr, n, only)
	}
	return nil
}

func (pc *pqColumn) flatStrings(c *StringColumn, s *pqSource, arr arrow.Array, n int, only bool) {
	codes := c.Codes
	switch a := arr.(type) {
	case *array.String:
		for i := 0; i < n; i++ {
			if (only && codes[i] != 0) || a.IsNull(i) {
				continue
			}
			codes[i] = pc.codeView(c, strings.TrimSpace(a.Value(i)))
		}
	case *array.Dictionary:
		dict := a.Dictionary()
		if cap(pc.dcodes) < dict.Len() {
			pc.dcodes = make([]uint32, dict.Len())
		}
		dc := pc.dcodes[:dict.Len()]
		clear(dc)
		for i := 0; i < n; i++ {
			if (only && codes[i] != 0) || a.IsNull(i) {
				continue
			}
			d := a.GetValueIndex(i)
			if dc[d] == 0 {
				var ok bool
				pc.scratch, ok = cellText(pc.scratch[:0], dict, d, s.pad)
				code := uint32(0)
				if ok {
					code = pc.in.code(c, bytes.TrimSpace(pc.scratch))
				}
				dc[d] = code + 1
			}
			codes[i] = dc[d] - 1
		}
	case *array.Int64:
		// CUR rows come sorted by time and account, so a value often repeats the previous one.
		last, lastCode, have := int64(0), uint32(0), false
		for i := 0; i < n; i++ {
			if (only && codes[i] != 0) || a.IsNull(i) {
				continue
			}
			v := a.Value(i)
			if !have || v != last {
				pc.scratch = appendInt(pc.scratch[:0], v, s.pad)
				last, lastCode, have = v, pc.in.code(c, pc.scratch), true
			}
			codes[i] = lastCode
		}
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		last, lastCode, have := arrow.Timestamp(0), uint32(0), false
		for i := 0; i < n; i++ {
			if (only && codes[i] != 0) || a.IsNull(i) {
				continue
			}
			v := a.Value(i)
			if !have || v != last {
				pc.scratch = appendTime(pc.scratch[:0], v.ToTime(unit))
				last, lastCode, have = v, pc.in.code(c, pc.scratch), true
			}
			codes[i] = lastCode
		}
	default:
		for i := 0; i < n; i++ {
			if only && codes[i] != 0 {
				continue
			}
			var ok bool
			pc.scratch, ok = cellText(pc.scratch[:0], arr, i, s.pad)
			if ok {
				codes[i] = pc.in.code(c, bytes.TrimSpace(pc.scratch))
			}
		}
	}
}

// codeView is interner.code for a string that aliases Arrow memory: it is copied only when new.
func (pc *pqColumn) codeView(c *StringColumn, s string) uint32 {
	if s == "" {
		return 0
	}
	if k, ok := pc.in.codes[s]; ok {
		return k
	}
	return pc.in.codeString(c, strings.Clone(s))
}

func (r *parquetReader) mapStrings(c *StringColumn, pc *pqColumn, s *pqSource, arr arrow.Array, n int, only bool) error {
	if m, ok := arr.(*array.Map); ok {
		keys, items := m.Keys(), m.Items()
		for i := 0; i < n; i++ {
			if (only && c.Codes[i] != 0) || m.IsNull(i) {
				continue
			}
			start, end := m.ValueOffsets(i)
			for j := int(start); j < int(end); j++ {
				if !s.matches(keys, j) {
					continue
				}
				var ok bool
				pc.scratch, ok = cellText(pc.scratch[:0], items, j, false)
				if t := bytes.TrimSpace(pc.scratch); ok && len(t) > 0 {
					c.Codes[i] = pc.in.code(c, t)
					break
				}
			}
		}
		return nil
	}
	s.resetCells()
	for i := 0; i < n; i++ {
		if only && c.Codes[i] != 0 {
			continue
		}
		v, err := s.jsonValue(arr, i, &pc.scratch)
		if err != nil {
			if err := r.bad(pc, s, i, SkipBadMapCell, err); err != nil {
				return err
			}
			continue
		}
		c.Codes[i] = pc.in.codeString(c, strings.TrimSpace(v))
	}
	return nil
}

// matches reports whether MAP key j answers the source's key, computing Snake once per
// distinct key.
func (s *pqSource) matches(keys arrow.Array, j int) bool {
	var k string
	switch a := keys.(type) {
	case *array.String:
		k = a.Value(j)
	default:
		b, ok := cellText(nil, keys, j, false)
		if !ok {
			return false
		}
		k = string(b)
	}
	if m, ok := s.keyMatch[k]; ok {
		return m
	}
	if s.keyMatch == nil || len(s.keyMatch) > 1<<14 {
		s.keyMatch = make(map[string]bool)
	}
	m := Snake(k) == s.key
	s.keyMatch[strings.Clone(k)] = m
	return m
}

func (s *pqSource) resetCells() {
	if s.cells == nil {
		s.cells = make(map[string]map[string]string)
	} else {
		clear(s.cells)
	}
}

// jsonValue looks the source's key up in a map stored as JSON text (some writers, DuckDB among
// them, store CUR 2.0 maps as strings). Text that is not a JSON object holds no keys.
func (s *pqSource) jsonValue(arr arrow.Array, i int, scratch *[]byte) (string, error) {
	var ok bool
	*scratch, ok = cellText((*scratch)[:0], arr, i, false)
	t := bytes.TrimSpace(*scratch)
	if !ok || len(t) == 0 || t[0] != '{' {
		return "", nil
	}
	m, hit := s.cells[string(t)]
	if !hit {
		var err error
		if m, err = parseMapCell(t); err != nil {
			return "", err
		}
		s.cells[string(t)] = m
	}
	return m[s.key], nil
}

// fillAmounts sets c to n rows of money; each row takes its first non-empty source.
func (r *parquetReader) fillAmounts(c *AmountColumn, pc *pqColumn, n int) error {
	c.Present = len(pc.sources) > 0
	c.Values, c.Valid = c.Values[:n], c.Valid[:n]
	clear(c.Values)
	clear(c.Valid)
	pc.bad = pc.bad[:0]
	var rounded int64
	defer func() { r.rounded.Add(rounded) }()
	for k, s := range pc.sources {
		arr := s.field.col
		if arr == nil {
			continue
		}
		only := k > 0
		if s.key != "" {
			if err := r.mapAmounts(c, pc, s, arr, n, only, &rounded); err != nil {
				return err
			}
			continue
		}
		switch a := arr.(type) {
		case *array.Float64:
			for i := 0; i < n; i++ {
				if (only && c.Valid[i]) || a.IsNull(i) {
					continue
				}
				v, rd, err := money.FromFloat(a.Value(i))
				if err != nil {
					if err := r.bad(pc, s, i, SkipBadValue, err); err != nil {
						return err
					}
					continue
				}
				if rd {
					rounded++
				}
				c.Values[i], c.Valid[i] = v, true
			}
		default:
			for i := 0; i < n; i++ {
				if only && c.Valid[i] {
					continue
				}
				v, ok, rd, err := cellAmount(arr, i, &pc.scratch)
				if err != nil {
					if err := r.bad(pc, s, i, SkipBadValue, err); err != nil {
						return err
					}
					continue
				}
				if rd {
					rounded++
				}
				c.Values[i], c.Valid[i] = v, ok
			}
		}
	}
	return nil
}

func (r *parquetReader) mapAmounts(c *AmountColumn, pc *pqColumn, s *pqSource, arr arrow.Array, n int, only bool, rounded *int64) error {
	if m, ok := arr.(*array.Map); ok {
		items := m.Items()
	rows:
		for i := 0; i < n; i++ {
			if (only && c.Valid[i]) || m.IsNull(i) {
				continue
			}
			start, end := m.ValueOffsets(i)
			for j := int(start); j < int(end); j++ {
				if !s.matches(m.Keys(), j) {
					continue
				}
				v, ok, rd, err := cellAmount(items, j, &pc.scratch)
				if err != nil {
					if err := r.bad(pc, s, i, SkipBadValue, err); err != nil {
						return err
					}
					continue rows
				}
				if ok {
					if rd {
						*rounded++
					}
					c.Values[i], c.Valid[i] = v, true
					break
				}
			}
		}
		return nil
	}
	s.resetCells()
	for i := 0; i < n; i++ {
		if only && c.Valid[i] {
			continue
		}
		v, err := s.jsonValue(arr, i, &pc.scratch)
		if err != nil {
			if err := r.bad(pc, s, i, SkipBadMapCell, err); err != nil {
				return err
			}
			continue
		}
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		a, rd, err := money.ParseString(v)
		if err != nil {
			if err := r.bad(pc, s, i, SkipBadValue, err); err != nil {
				return err
			}
			continue
		}
		if rd {
			*rounded++
		}
		c.Values[i], c.Valid[i] = a, true
	}
	return nil
}

// cellText appends the text of arr[i] to dst (docs/columns.md, Values); ok is false for NULL. pad restores the
// 12-digit form of integer account ids.
func cellText(dst []byte, arr arrow.Array, i int, pad bool) ([]byte, bool) {
	if arr.IsNull(i) {
		return dst, false
	}
	switch a := arr.(type) {
	case *array.String:
		return append(dst, a.Value(i)...), true
	case *array.LargeString:
		return append(dst, a.Value(i)...), true
	case *array.StringView:
		return append(dst, a.Value(i)...), true
	case *array.Binary:
		return append(dst, a.Value(i)...), true
	case *array.LargeBinary:
		return append(dst, a.Value(i)...), true
	case *array.BinaryView:
		return append(dst, a.Value(i)...), true
	case *array.FixedSizeBinary:
		return append(dst, a.Value(i)...), true
	case *array.Dictionary:
		return cellText(dst, a.Dictionary(), a.GetValueIndex(i), pad)
	case *array.Int64:
		return appendInt(dst, a.Value(i), pad), true
	case *array.Int32:
		return appendInt(dst, int64(a.Value(i)), pad), true
	case *array.Int16:
		return appendInt(dst, int64(a.Value(i)), pad), true
	case *array.Int8:
		return appendInt(dst, int64(a.Value(i)), pad), true
	case *array.Uint64:
		if v := a.Value(i); v > math.MaxInt64 {
			return strconv.AppendUint(dst, v, 10), true
		}
		return appendInt(dst, int64(a.Value(i)), pad), true
	case *array.Uint32:
		return appendInt(dst, int64(a.Value(i)), pad), true
	case *array.Uint16:
		return appendInt(dst, int64(a.Value(i)), pad), true
	case *array.Uint8:
		return appendInt(dst, int64(a.Value(i)), pad), true
	case *array.Float64:
		return strconv.AppendFloat(dst, a.Value(i), 'g', -1, 64), true
	case *array.Float32:
		return strconv.AppendFloat(dst, float64(a.Value(i)), 'g', -1, 32), true
	case *array.Boolean:
		return strconv.AppendBool(dst, a.Value(i)), true
	case *array.Timestamp:
		return appendTime(dst, a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit)), true
	case *array.Date32:
		return appendDate(dst, time.Unix(int64(a.Value(i))*86400, 0)), true
	case *array.Date64:
		return appendDate(dst, time.UnixMilli(int64(a.Value(i)))), true
	case *array.Decimal128:
		return append(dst, a.Value(i).ToString(decScale(a))...), true
	case *array.Decimal256:
		return append(dst, a.Value(i).ToString(decScale(a))...), true
	case *array.Decimal64:
		return append(dst, a.Value(i).ToString(decScale(a))...), true
	case *array.Decimal32:
		return append(dst, a.Value(i).ToString(decScale(a))...), true
	}
	return append(dst, arr.ValueStr(i)...), true
}

func decScale(a arrow.Array) int32 { return a.DataType().(arrow.DecimalType).GetScale() }

// appendInt writes v in decimal; with pad, an account id written as a number gets the leading
// zeros of its 12-digit form back.
func appendInt(dst []byte, v int64, pad bool) []byte {
	if pad && v >= 0 && v < 1e11 {
		var buf [20]byte
		d := strconv.AppendInt(buf[:0], v, 10)
		for k := len(d); k < 12; k++ {
			dst = append(dst, '0')
		}
		return append(dst, d...)
	}
	return strconv.AppendInt(dst, v, 10)
}

// appendTime writes t in UTC as RFC 3339 with "Z", with a fraction only when there is one.
func appendTime(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, time.RFC3339Nano)
}

func appendDate(dst []byte, t time.Time) []byte {
	return append(t.UTC().AppendFormat(dst, "2006-01-02"), "T00:00:00Z"...)
}

var errNotNumber = errors.New("not a number column")

// cellAmount reads arr[i] as money (docs/columns.md, Values); ok is false for NULL or empty text.
func cellAmount(arr arrow.Array, i int, scratch *[]byte) (a money.Amount, ok, rounded bool, err error) {
	if arr.IsNull(i) {
		return 0, false, false, nil
	}
	switch x := arr.(type) {
	case *array.Float64:
		a, rounded, err = money.FromFloat(x.Value(i))
		return a, err == nil, rounded, err
	case *array.Float32:
		f := x.Value(i)
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			_, _, err = money.FromFloat(float64(f))
			return 0, false, false, err
		}
		// The shortest decimal of the float32 itself: 0.57f must not become 0.5699999928.
		*scratch = strconv.AppendFloat((*scratch)[:0], float64(f), 'g', -1, 32)
		a, rounded, err = money.Parse(*scratch)
		return a, err == nil, rounded, err
	case *array.Int64:
		a, err = money.FromInt(x.Value(i))
		return a, err == nil, false, err
	case *array.Int32:
		a, err = money.FromInt(int64(x.Value(i)))
		return a, err == nil, false, err
	case *array.Int16:
		a, err = money.FromInt(int64(x.Value(i)))
		return a, err == nil, false, err
	case *array.Int8:
		a, err = money.FromInt(int64(x.Value(i)))
		return a, err == nil, false, err
	case *array.Uint64:
		v := x.Value(i)
		if v > math.MaxInt64 {
			return 0, false, false, &money.NumError{Text: strconv.FormatUint(v, 10), Err: money.ErrOutOfRange}
		}
		a, err = money.FromInt(int64(v))
		return a, err == nil, false, err
	case *array.Uint32:
		a, err = money.FromInt(int64(x.Value(i)))
		return a, err == nil, false, err
	case *array.Uint16:
		a, err = money.FromInt(int64(x.Value(i)))
		return a, err == nil, false, err
	case *array.Uint8:
		a, err = money.FromInt(int64(x.Value(i)))
		return a, err == nil, false, err
	case *array.Decimal128:
		n, scale := x.Value(i), decScale(x)
		if hi, lo := n.HighBits(), n.LowBits(); (hi == 0 && lo <= math.MaxInt64) || (hi == -1 && lo > math.MaxInt64) {
			a, rounded, err = money.FromDecimal64(int64(lo), scale)
		} else {
			a, rounded, err = money.FromDecimal(n.BigInt(), scale)
		}
		return a, err == nil, rounded, err
	case *array.Decimal256:
		a, rounded, err = money.FromDecimal(x.Value(i).BigInt(), decScale(x))
		return a, err == nil, rounded, err
	case *array.Decimal64:
		a, rounded, err = money.FromDecimal64(int64(x.Value(i)), decScale(x))
		return a, err == nil, rounded, err
	case *array.Decimal32:
		a, rounded, err = money.FromDecimal64(int64(x.Value(i)), decScale(x))
		return a, err == nil, rounded, err
	case *array.Dictionary:
		return cellAmount(x.Dictionary(), x.GetValueIndex(i), scratch)
	case *array.String, *array.LargeString, *array.StringView, *array.Binary, *array.LargeBinary, *array.BinaryView:
		*scratch, _ = cellText((*scratch)[:0], arr, i, false)
		t := bytes.TrimSpace(*scratch)
		if len(t) == 0 {
			// REQUIRED columns hold "" where a nullable one would hold NULL.
			return 0, false, false, nil
		}
		a, rounded, err = money.Parse(t)
		return a, err == nil, rounded, err
	}
	return 0, false, false, fmt.Errorf("%w: %s", errNotNumber, arr.DataType())
}
