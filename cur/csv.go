package cur

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

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

	buf      []byte // read buffer; buf[pos:end] is unread
	pos, end int
	eof      bool
	line     int64 // physical line where the next record starts
	offset   int64 // bytes consumed before buf[0]

	slot    []int    // physical column → index into field, or -1
	field   [][]byte // the needed fields of the current record
	scratch [][]byte // unescape buffers, one per needed field

	strPlaces [][]place
	amtPlaces [][]place
	interners []interner
	// mapCells caches parsed map cells per physical column for one batch: the same product or
	// tag JSON repeats on many rows.
	mapCells map[int]map[string]map[string]string

	batch   Batch
	rows    int64
	rounded int64
	err     error
	done    bool
}

func newCSVReader(name, compression string, src io.Reader, closer io.Closer, req Request) (Reader, error) {
	r := &csvReader{name: name, src: src, closer: closer, buf: make([]byte, 1<<20), line: 1}
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
			out[i] = resolve(r.schema.Columns, n)
			for _, p := range out[i] {
				if r.slot[p.col] < 0 {
					r.slot[p.col] = len(r.field)
					r.field = append(r.field, nil)
					r.scratch = append(r.scratch, nil)
				}
			}
		}
		return out
	}
	r.strPlaces = use(req.Strings)
	r.amtPlaces = use(req.Amounts)
	r.interners = make([]interner, len(req.Strings))
	r.mapCells = map[int]map[string]map[string]string{}
	return r, nil
}

func (r *csvReader) Schema() *Schema { return &r.schema }
func (r *csvReader) Batch() *Batch   { return &r.batch }
func (r *csvReader) Err() error      { return r.err }
func (r *csvReader) Rows() int64     { return r.rows }

// Rounded counts cells that had more than 10 decimals.
func (r *csvReader) Rounded() int64 { return r.rounded }

func (r *csvReader) Close() error { return r.closer.Close() }

// header reads the first record: the column names, trimmed, BOM removed.
func (r *csvReader) header() ([]string, error) {
	var names []string
	if err := r.fill(0); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(r.buf[:r.end], bom) {
		r.pos = len(bom)
	}
	ok, err := r.record(func(i int, b []byte, quoted bool) {
		if quoted {
			b = unquote(nil, b)
		}
		names = append(names, string(bytes.TrimSpace(b)))
	})
	if err != nil {
		return nil, err
	}
	if !ok || len(names) == 0 || (len(names) == 1 && names[0] == "") {
		return nil, fileErrf(r.name, ErrNoInput, "empty file: no header row")
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
			return fileErrf(r.name, ErrBadValue, "line %d: record longer than %d MiB", r.line, MaxRecordBytes>>20)
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
			e := fileErr(r.name, ErrCorrupt, err)
			e.Offset = r.offset + int64(r.end)
			return e
		}
		if n > 0 {
			return nil
		}
	}
}

// record scans one record and calls emit(column, value, quoted) for each field; value aliases
// the read buffer (quoted fields still hold their doubled quotes when quoted is true). It
// returns false at the end of input. Empty lines are skipped.
func (r *csvReader) record(emit func(i int, b []byte, quoted bool)) (bool, error) {
	for {
		start := r.pos
		lines, ends, ok := r.scan(start, emit)
		if ok {
			r.line += lines
			if ends == start+1 || (ends == start+2 && r.buf[start] == '\r') {
				r.pos = ends // blank line
				continue
			}
			r.pos = ends
			return true, nil
		}
		if r.eof {
			if start >= r.end {
				return false, nil
			}
			// Last record without a line end.
			lines, ends, ok = r.scanFinal(start, emit)
			if !ok {
				return false, &Error{File: r.name, Line: r.line, RowGroup: -1, Err: &classed{class: ErrCorrupt, detail: errors.New("file ends inside a quoted field")}}
			}
			r.line += lines
			r.pos = ends
			return true, nil
		}
		if err := r.fill(start); err != nil {
			return false, err
		}
	}
}

// scan tries to split the record at buf[start:]; ok is false when the buffer ends first.
// It calls emit only once the whole record is in the buffer.
func (r *csvReader) scan(start int, emit func(int, []byte, bool)) (lines int64, next int, ok bool) {
	end, lines, ok := r.recordEnd(start, false)
	if !ok {
		return 0, 0, false
	}
	r.split(start, end, emit)
	return lines, end + 1, true
}

func (r *csvReader) scanFinal(start int, emit func(int, []byte, bool)) (int64, int, bool) {
	end, lines, ok := r.recordEnd(start, true)
	if !ok {
		return 0, 0, false
	}
	r.split(start, end, emit)
	return lines, r.end, true
}

// recordEnd finds the index of the '\n' ending the record at start (or r.end when atEOF and
// the record is unterminated) and counts its physical lines.
func (r *csvReader) recordEnd(start int, atEOF bool) (int, int64, bool) {
	b := r.buf[:r.end]
	i := start
	var lines int64 = 1
	for {
		// Outside quotes: the next quote or line end decides.
		j := bytes.IndexAny(b[i:], "\"\n")
		if j < 0 {
			if atEOF {
				return r.end, lines, true
			}
			return 0, 0, false
		}
		i += j
		if b[i] == '\n' {
			return i, lines, true
		}
		// Inside quotes: skip to the closing quote; "" is an escaped quote.
		i++
		for {
			k := bytes.IndexByte(b[i:], '"')
			if k < 0 {
				return 0, 0, false
			}
			lines += int64(bytes.Count(b[i:i+k], []byte{'\n'}))
			i += k + 1
			if i < len(b) && b[i] == '"' {
				i++
				continue
			}
			if i >= len(b) && !atEOF {
				return 0, 0, false // cannot tell "" from " yet
			}
			break
		}
	}
}

// split cuts buf[start:end] (one complete record, without its '\n') into fields.
func (r *csvReader) split(start, end int, emit func(int, []byte, bool)) {
	b := r.buf[start:end]
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	col := 0
	for {
		if len(b) > 0 && b[0] == '"' {
			// Quoted field: up to the quote not followed by another quote.
			i := 1
			for i < len(b) {
				if b[i] == '"' {
					if i+1 < len(b) && b[i+1] == '"' {
						i += 2
						continue
					}
					break
				}
				i++
			}
			emit(col, b[1:min(i, len(b))], true)
			i++ // past the closing quote; anything before the comma is kept out
			k := bytes.IndexByte(b[min(i, len(b)):], ',')
			if k < 0 {
				return
			}
			b = b[min(i, len(b))+k+1:]
			col++
			continue
		}
		k := bytes.IndexByte(b, ',')
		if k < 0 {
			emit(col, b, false)
			return
		}
		emit(col, b[:k], false)
		b = b[k+1:]
		col++
	}
}

// unquote returns a quoted field's text with doubled quotes made single.
func unquote(dst, b []byte) []byte {
	if bytes.IndexByte(b, '"') < 0 {
		return b
	}
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
		line := r.line
		nfields := 0
		for i := range r.field {
			r.field[i] = nil
		}
		ok, err := r.record(func(i int, v []byte, quoted bool) {
			nfields = i + 1
			if i < ncols {
				if s := r.slot[i]; s >= 0 {
					if quoted {
						r.scratch[s] = unquote(r.scratch[s][:0], v)
						v = r.scratch[s]
					}
					r.field[s] = v
				}
			}
		})
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			r.done = true
			break
		}
		if nfields < ncols {
			r.err = &Error{File: r.name, Line: line, RowGroup: -1, Err: &classed{class: ErrBadValue,
				detail: fmt.Errorf("row has %d fields, the header has %d", nfields, ncols)}}
			return false
		}
		if err := r.convert(b, line); err != nil {
			r.err = err
			return false
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
			return nil, "", p.col, &Error{File: r.name, Line: line, RowGroup: -1, Column: r.schema.RawColumns[p.col],
				Err: &classed{class: ErrBadValue, detail: err}}
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
		a, rounded, err := ParseAmount(raw)
		if err != nil {
			return &Error{File: r.name, Line: line, RowGroup: -1, Column: r.schema.RawColumns[col],
				Err: &classed{class: ErrBadValue, detail: err}}
		}
		if rounded {
			r.rounded++
		}
		c.Values = append(c.Values, a)
		c.Valid = append(c.Valid, true)
	}
	return nil
}
