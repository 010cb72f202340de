package cur

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"io"
	"math"
	"math/bits"
	"slices"

	"github.com/curnorm/curnorm/cur/money"
)

// csvBufferSize is the read buffer's starting size; it doubles for longer records. Tests
// shrink it (Request.csvBufferSize) to push records across buffer boundaries.
const csvBufferSize = 1 << 20

// MaxRecordBytes bounds one CSV record, so a file without line ends cannot eat all memory.
const MaxRecordBytes = 64 << 20

var bom = []byte{0xEF, 0xBB, 0xBF}

// csvReader reads legacy and CUR 2.0 CSV (RFC 4180) with its own byte scanner: it splits every
// record but converts only the fields the request needs, straight from the read buffer.
type csvReader struct {
	name   string
	schema Schema
	src    io.Reader
	closer io.Closer
	// fingerprint of the file below src (see Fingerprint); nil when unknown
	fingerprint func() (Fingerprint, bool)

	buf      []byte // read buffer; buf[pos:end] is unread
	pos, end int
	eof      bool
	line     int64 // physical line where the next record starts
	offset   int64 // bytes consumed before buf[0]

	slot       []int    // physical column → index into field, or -1
	lastNeeded int      // highest physical column the request needs, -1 for none
	nextWanted []int    // per physical column: the first needed one from it on, MaxInt for none
	field      [][]byte // the needed fields of the current record
	quoted     []bool   // field[i] was quoted: doubled quotes still to undo
	scratch    [][]byte // unescape buffers, one per needed field
	recLine    int64    // line the last record started on
	all        bool     // reading the header: keep every field in names
	names      []string

	strPlaces [][]place
	amtPlaces [][]place
	// absentStr and absentAmt are the requested columns no column of the file answers: they
	// stay zero, so a batch only stretches them to its length (padAbsent) rather than
	// converting them row by row.
	absentStr, absentAmt []int
	interners            []interner
	// mapCells caches parsed map cells per physical column for one batch: the same product or
	// tag JSON repeats on many rows.
	mapCells map[int]map[string]map[string]string

	// keep are the tests of Request.Keep on one column each: a record that fails one is
	// passed over before its other fields are converted, and counted as read.
	keep []csvKeep

	batch   Batch
	rows    int64
	passed  int64 // rows passed over by keep
	rounded int64
	skip    bool
	skips   skips
	err     error
	done    bool
}

// fingerprint, when not nil, tells the content's fingerprint once src is read to its end.
func newCSVReader(name, compression string, src io.Reader, closer io.Closer, fingerprint func() (Fingerprint, bool), req Request) (Reader, error) {
	r := &csvReader{name: name, src: src, closer: closer, fingerprint: fingerprint, buf: make([]byte, cmp.Or(req.csvBufferSize, csvBufferSize)), line: 1,
		skip: req.SkipBadRows, skips: skips{file: name}}
	header, err := r.header()
	if err != nil {
		closer.Close()
		return nil, err
	}
	r.schema = Schema{Compression: compression, RawColumns: header, Columns: make([]string, len(header))}
	for i, h := range header {
		r.schema.Columns[i] = Snake(h)
	}
	if r.schema.Flavour, err = detectFlavour(name, r.schema.Columns, false); err != nil {
		closer.Close()
		return nil, err
	}
	r.slot = make([]int, len(header))
	for i := range r.slot {
		r.slot[i] = -1
	}
	use := func(names []string) [][]place {
		out := make([][]place, len(names))
		for i, n := range names {
			out[i] = resolve(r.schema.Flavour, r.schema.Columns, n)
			for _, p := range out[i] {
				if r.slot[p.col] < 0 {
					r.slot[p.col] = len(r.field)
					r.field = append(r.field, nil)
					r.quoted = append(r.quoted, false)
					r.scratch = append(r.scratch, nil)
				}
			}
		}
		return out
	}
	r.strPlaces = use(req.Strings)
	r.amtPlaces = use(req.Amounts)
	for i, p := range r.strPlaces {
		if len(p) == 0 {
			r.absentStr = append(r.absentStr, i)
		}
	}
	for i, p := range r.amtPlaces {
		if len(p) == 0 {
			r.absentAmt = append(r.absentAmt, i)
		}
	}
	r.lastNeeded = -1
	r.nextWanted = make([]int, len(r.slot))
	next := math.MaxInt
	for i := len(r.slot) - 1; i >= 0; i-- {
		if r.slot[i] >= 0 {
			next = i
			r.lastNeeded = max(r.lastNeeded, i)
		}
		r.nextWanted[i] = next
	}
	r.interners = make([]interner, len(req.Strings))
	r.mapCells = map[int]map[string]map[string]string{}
	if !r.skip && r.schema.Flavour != FOCUS {
		// As on Parquet: under SkipBadRows every row is counted, and FOCUS rows of other
		// providers are counted from every row.
		for _, t := range req.Keep {
			places := resolve(r.schema.Flavour, r.schema.Columns, t.Column)
			if len(places) > 0 && !slices.ContainsFunc(places, func(p place) bool { return r.slot[p.col] < 0 }) {
				r.keep = append(r.keep, csvKeep{places: places, test: t})
			}
		}
	}
	return r, nil
}

// csvKeep is a test of Request.Keep on the value convert reads from places.
type csvKeep struct {
	places []place
	test   ColumnTest
}

// fails reports whether the current record, which starts on line, fails a test of keep, on
// the text convert makes of it. A cell that cannot be read fails none: converting the row
// reports it.
func (r *csvReader) fails(line int64) bool {
	for i := range r.keep {
		t := &r.keep[i].test
		raw, s, _, err := r.value(r.keep[i].places, line)
		if err != nil {
			continue
		}
		var ok bool
		switch {
		case t.Date != "":
			if raw != nil {
				s = string(bytes.TrimSpace(raw))
			}
			ok = slices.Contains(t.Values, t.of(s)) != t.Negate
		case raw != nil:
			ok = t.passes(bytes.TrimSpace(raw))
		default:
			ok = t.passes([]byte(s))
		}
		if !ok {
			return true
		}
	}
	return false
}

func (r *csvReader) Schema() *Schema { return &r.schema }
func (r *csvReader) Batch() *Batch   { return &r.batch }
func (r *csvReader) Err() error      { return r.err }
func (r *csvReader) Rows() int64     { return r.rows + r.passed }

// Rounded counts cells that had more than 10 decimals.
func (r *csvReader) Rounded() int64 { return r.rounded }

// Skipped counts the rows skipped under Request.SkipBadRows.
func (r *csvReader) Skipped() []SkipCount { return r.skips.list() }

func (r *csvReader) Close() error { return r.closer.Close() }

// Fingerprint is known once the file was read to its end without error.
func (r *csvReader) Fingerprint() (Fingerprint, bool) {
	if r.fingerprint == nil || r.err != nil || !r.done {
		return Fingerprint{}, false
	}
	return r.fingerprint()
}

// header reads the first record: the column names, trimmed, BOM removed.
func (r *csvReader) header() ([]string, error) {
	if err := r.fill(0); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(r.buf[:r.end], bom) {
		r.pos = len(bom)
	}
	r.all = true
	ok, _, _, err := r.record()
	r.all = false
	if err != nil {
		return nil, err
	}
	names := r.names
	r.names = nil
	if !ok || len(names) == 0 || (len(names) == 1 && names[0] == "") {
		return nil, FileErrorf(r.name, ErrNoInput, "empty file: no header row")
	}
	return names, nil
}

// fill reads more input, keeping buf[keep:end] at the front of the buffer.
func (r *csvReader) fill(keep int) error {
	if keep > 0 {
		n := copy(r.buf, r.buf[keep:r.end])
		r.offset += int64(keep)
		r.pos -= keep
		r.end = n
	}
	if r.end == len(r.buf) {
		if len(r.buf) >= MaxRecordBytes {
			return FileErrorf(r.name, ErrBadValue, "record longer than %d MiB", MaxRecordBytes>>20).AtLine(r.line)
		}
		nb := make([]byte, 2*len(r.buf))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if err == io.EOF {
			r.eof = true
			return nil
		}
		if err != nil {
			e := FileError(r.name, ErrCorrupt, err)
			e.Offset = r.offset + int64(r.end)
			return e
		}
		if n > 0 {
			return nil
		}
	}
}

// scan results.
const (
	scanOK   = iota // a record was split
	scanMore        // the buffer ends before the record does
	scanEOF         // no more records
)

// record splits the next record, reading more input as needed, and skips blank lines. It
// returns the number of fields and the line the record starts on.
func (r *csvReader) record() (ok bool, nfields int, line int64, err error) {
	for {
		switch st, n, err := r.scan(); {
		case err != nil:
			return false, 0, 0, err
		case st == scanEOF:
			return false, 0, 0, nil
		case st == scanOK && n < 0:
			continue // blank line
		case st == scanOK:
			return true, n, r.recLine, nil
		}
		if r.eof {
			return false, 0, 0, FileErrorf(r.name, ErrCorrupt, "file ends inside a quoted field").AtLine(r.line)
		}
		if err := r.fill(r.pos); err != nil {
			return false, 0, 0, err
		}
	}
}

// lineEnd is the index of the next '\n' at or after from, r.end for a last line without one,
// or -1 when more input is needed to tell.
func (r *csvReader) lineEnd(from int) int {
	if k := bytes.IndexByte(r.buf[from:r.end], '\n'); k >= 0 {
		return from + k
	}
	if r.eof {
		return r.end
	}
	return -1
}

// scan splits the record at r.pos in one pass. Fields the request needs go to r.field (or,
// while reading the header, every field to r.names). Commas are found eight bytes at a time;
// past the last needed column a stretch without quotes is only counted, not split: most of a
// CUR's hundred columns are never looked at. A blank line gives scanOK with n = -1.
func (r *csvReader) scan() (st int, n int, err error) {
	b := r.buf[:r.end]
	pos := r.pos
	if pos >= r.end && r.eof {
		return scanEOF, 0, nil
	}
	nl := r.lineEnd(pos)
	if nl < 0 {
		return scanMore, 0, nil
	}
	if nl == pos || (nl == pos+1 && b[pos] == '\r') {
		r.pos, r.line = min(nl+1, r.end), r.line+1
		return scanOK, -1, nil
	}
	lines := int64(1)
	col, start := 0, pos
	last := r.lastNeeded
	all, slot, nextWanted := r.all, r.slot, r.nextWanted
	if all {
		last = len(b) // keep every field
	}
	// wanted reports the fields put keeps, inline: most fields are not, and a call per
	// field costs more than the scan.
	wanted := func(col int) bool { return all || (uint(col) < uint(len(slot)) && slot[col] >= 0) }
fields:
	for {
		if start < nl && b[start] == '"' {
			i := start + 1
			for {
				k := bytes.IndexByte(b[i:], '"')
				if k < 0 {
					return scanMore, 0, nil
				}
				i += k
				if i+1 < len(b) && b[i+1] == '"' {
					i += 2
					continue
				}
				if i+1 >= len(b) && !r.eof {
					return scanMore, 0, nil // a quote at the buffer's end may be the first of ""
				}
				break
			}
			if i > nl {
				lines += int64(bytes.Count(b[start+1:i], []byte{'\n'}))
				if nl = r.lineEnd(i); nl < 0 {
					return scanMore, 0, nil
				}
			}
			r.put(col, b[start+1:i], true)
			col++
			// Text between the closing quote and the next comma is ignored.
			k := bytes.IndexByte(b[i+1:nl], ',')
			if k < 0 {
				break
			}
			start = i + 1 + k + 1
			continue
		}
		// Unquoted fields: walk the line a word at a time, emitting a field for every comma,
		// until a field opens with a quote or nothing more is needed.
		for i := start; ; i += 8 {
			if col > last {
				if rest := b[start:nl]; bytes.IndexByte(rest, '"') < 0 {
					col += bytes.Count(rest, []byte{','}) + 1
					break fields
				}
			}
			if i+8 > nl {
				k := nextComma(b, i, nl)
				for k < nl {
					if wanted(col) {
						r.put(col, b[start:k], false)
					}
					col++
					start = k + 1
					if start < nl && b[start] == '"' {
						continue fields
					}
					k = nextComma(b, start, nl)
				}
				f := b[start:nl]
				if len(f) > 0 && f[len(f)-1] == '\r' {
					f = f[:len(f)-1]
				}
				r.put(col, f, false)
				col++
				break fields
			}
			w := binary.LittleEndian.Uint64(b[i:])
			t := w ^ commas
			m := ^(((t & low7) + low7) | t | low7)
			if m != 0 && !all {
				// Every field this word ends is one nobody asked for, and none opens with a
				// quote: count them all at once.
				q := w ^ quotes
				if n := bits.OnesCount64(m); ^(((q&low7)+low7)|q|low7) == 0 && (col >= len(nextWanted) || nextWanted[col] >= col+n) {
					col += n
					start = i + (63-bits.LeadingZeros64(m))>>3 + 1
					if start < nl && b[start] == '"' {
						continue fields
					}
					continue
				}
			}
			for ; m != 0; m &= m - 1 {
				k := i + bits.TrailingZeros64(m)>>3
				if wanted(col) {
					r.put(col, b[start:k], false)
				}
				col++
				start = k + 1
				if start < nl && b[start] == '"' {
					continue fields
				}
			}
		}
	}
	r.recLine = r.line
	r.line += lines
	r.pos = min(nl+1, r.end)
	return scanOK, col, nil
}

// Byte patterns for finding commas eight bytes at a time.
const (
	commas = 0x2C2C2C2C2C2C2C2C
	quotes = 0x2222222222222222
	low7   = 0x7F7F7F7F7F7F7F7F
)

// nextComma returns the index of the first ',' in b[i:end], or end.
func nextComma(b []byte, i, end int) int {
	for ; i+8 <= end; i += 8 {
		t := binary.LittleEndian.Uint64(b[i:]) ^ commas
		if m := ^(((t & low7) + low7) | t | low7); m != 0 { // high bit of each byte that is a comma
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < end; i++ {
		if b[i] == ',' {
			return i
		}
	}
	return end
}

// put keeps field col of the current record if the request needs it.
func (r *csvReader) put(col int, v []byte, quoted bool) {
	if r.all {
		r.addName(v, quoted)
	} else if uint(col) < uint(len(r.slot)) {
		if s := r.slot[col]; s >= 0 {
			r.field[s], r.quoted[s] = v, quoted
		}
	}
}

// addName keeps a header field.
func (r *csvReader) addName(v []byte, quoted bool) {
	if quoted {
		v = unquote(nil, v)
	}
	r.names = append(r.names, string(bytes.TrimSpace(v)))
}

// unquote appends a quoted field's text, doubled quotes made single, to dst[:0]. It always
// copies: a field's scratch buffer must never alias the read buffer, which it would write
// into on a later row.
func unquote(dst, b []byte) []byte {
	dst = dst[:0]
	for i := 0; i < len(b); i++ {
		dst = append(dst, b[i])
		if b[i] == '"' && i+1 < len(b) && b[i+1] == '"' {
			i++
		}
	}
	return dst
}

func (r *csvReader) Next() bool {
	more := r.next()
	r.padAbsent(&r.batch)
	return more
}

// padAbsent gives the absent columns the batch's length. Nothing ever writes into them, so
// their storage (sized for BatchRows by reset) holds zeros: empty text, absent amounts.
func (r *csvReader) padAbsent(b *Batch) {
	for _, i := range r.absentStr {
		b.Strings[i].Codes = b.Strings[i].Codes[:b.Len]
	}
	for _, i := range r.absentAmt {
		c := &b.Amounts[i]
		c.Values, c.Valid = c.Values[:b.Len], c.Valid[:b.Len]
	}
}

func (r *csvReader) next() bool {
	if r.done || r.err != nil {
		return false
	}
	b := &r.batch
	b.reset(len(r.strPlaces), len(r.amtPlaces), BatchRows)
	b.FirstRow = r.rows + 1
	for i := range r.interners {
		r.interners[i].reset()
		b.Strings[i].Present = len(r.strPlaces[i]) > 0
	}
	for i := range b.Amounts {
		b.Amounts[i].Present = len(r.amtPlaces[i]) > 0
	}
	clear(r.mapCells)
	ncols := len(r.slot)
	for b.Len < BatchRows {
		clear(r.field)
		ok, nfields, line, err := r.record()
		if err != nil {
			// Here and below, the rows before a failure are delivered and the next call
			// reports it: Rows() then counts exactly the rows a caller saw.
			r.err = err
			return b.Len > 0
		}
		if !ok {
			r.done = true
			break
		}
		if nfields < ncols {
			err := FileErrorf(r.name, ErrBadValue, "row has %d fields, the header has %d", nfields, ncols).AtLine(line)
			if r.skip {
				r.skips.add(err, SkipNarrowRow)
				continue
			}
			r.err = err
			return b.Len > 0
		}
		for s, q := range r.quoted {
			if q && bytes.IndexByte(r.field[s], '"') >= 0 {
				r.scratch[s] = unquote(r.scratch[s], r.field[s])
				r.field[s] = r.scratch[s]
			}
		}
		if len(r.keep) > 0 && r.fails(line) {
			r.passed++
			continue
		}
		if err := r.convert(b, line); err != nil {
			b.truncate(b.Len) // the cells of the row converted before the bad one
			if r.skip {
				r.skips.add(err, SkipBadMapCell) // the cells convert reads are numbers or map cells
				continue
			}
			r.err = err
			return b.Len > 0
		}
		b.Len++
		r.rows++
	}
	return b.Len > 0
}

// value returns the first non-empty value among places for the current record.
func (r *csvReader) value(places []place, line int64) ([]byte, string, int, error) {
	for _, p := range places {
		v := r.field[r.slot[p.col]]
		if p.key == "" {
			if len(v) > 0 {
				return v, "", p.col, nil
			}
			continue
		}
		m, err := r.mapCell(p.col, v)
		if err != nil {
			return nil, "", p.col, FileError(r.name, ErrBadValue, err).AtLine(line).InColumn(r.schema.RawColumns[p.col])
		}
		if s := m[p.key]; s != "" {
			return nil, s, p.col, nil
		}
	}
	return nil, "", -1, nil
}

func (r *csvReader) mapCell(col int, v []byte) (map[string]string, error) {
	cells := r.mapCells[col]
	if cells == nil {
		cells = map[string]map[string]string{}
		r.mapCells[col] = cells
	}
	if m, ok := cells[string(v)]; ok {
		return m, nil
	}
	m, err := parseMapCell(v)
	if err != nil {
		return nil, err
	}
	cells[string(v)] = m
	return m, nil
}

// convert appends the current record's requested values to the batch.
func (r *csvReader) convert(b *Batch, line int64) error {
	for i, places := range r.strPlaces {
		if len(places) == 0 {
			continue // absent: padAbsent
		}
		c := &b.Strings[i]
		raw, s, _, err := r.value(places, line)
		if err != nil {
			return err
		}
		var code uint32
		if raw != nil {
			code = r.interners[i].code(c, bytes.TrimSpace(raw))
		} else {
			code = r.interners[i].codeString(c, s)
		}
		c.Codes = append(c.Codes, code)
	}
	for i, places := range r.amtPlaces {
		if len(places) == 0 {
			continue // absent: padAbsent
		}
		c := &b.Amounts[i]
		raw, s, col, err := r.value(places, line)
		if err != nil {
			return err
		}
		if raw == nil && s != "" {
			raw = []byte(s)
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			c.Values = append(c.Values, 0)
			c.Valid = append(c.Valid, false)
			continue
		}
		a, rounded, err := money.Parse(raw)
		if err != nil {
			return FileError(r.name, ErrBadValue, err).AtLine(line).InColumn(r.schema.RawColumns[col])
		}
		if rounded {
			r.rounded++
		}
		c.Values = append(c.Values, a)
		c.Valid = append(c.Valid, true)
	}
	return nil
}
