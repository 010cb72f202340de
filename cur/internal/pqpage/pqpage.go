// Package pqpage reads one flat Parquet column page by page, knowing nothing of CUR: arrow-go
// parses page headers and decompresses, and this package decodes definition levels (the
// RLE/bit-packed hybrid), dictionary indices and PLAIN values straight from the page bytes.
// The encodings are those of the Parquet format specification
// (https://parquet.apache.org/docs/file-format/data-pages/encodings/).
package pqpage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// Errors of damaged pages.
var (
	errRLE = errors.New("parquet: damaged RLE/bit-packed run")
	// ErrPlainData: a page or dictionary holds fewer PLAIN bytes than its values need.
	ErrPlainData = errors.New("parquet: PLAIN values end early")
)

// rleReader decodes Parquet's RLE / bit-packed hybrid encoding, used for definition levels
// and dictionary indices, of values of one bit width (0 to 32).
type rleReader struct {
	data   []byte
	pos    int // where the next run header starts
	width  int
	mask   uint64
	repeat int    // values left in the current RLE run
	value  uint32 // the RLE run's value
	packed int    // values left in the current bit-packed run
	bit    int    // bit offset in data of the next bit-packed value
}

func (r *rleReader) reset(data []byte, width int) {
	*r = rleReader{data: data, width: width, mask: 1<<uint(width) - 1}
}

// run starts the next run.
func (r *rleReader) run() error {
	var h uint64
	if r.pos < len(r.data) && r.data[r.pos] < 0x80 {
		// A header of one byte, as that of every run of fewer than 64 values or groups is:
		// the levels of a map with a few entries a row are mostly such runs.
		h = uint64(r.data[r.pos])
		r.pos++
	} else {
		var n int
		h, n = binary.Uvarint(r.data[r.pos:])
		if n <= 0 || h>>1 > math.MaxInt32 {
			return errRLE
		}
		r.pos += n
	}
	count := int(h >> 1)
	if h&1 == 0 {
		nb := (r.width + 7) / 8
		if r.pos+nb > len(r.data) {
			return errRLE
		}
		var v uint32
		if nb == 1 {
			v = uint32(r.data[r.pos])
		} else {
			for i := 0; i < nb; i++ {
				v |= uint32(r.data[r.pos+i]) << (8 * i)
			}
		}
		if uint64(v) > r.mask {
			return errRLE
		}
		r.pos += nb
		r.repeat, r.value = count, v
		return nil
	}
	// count groups of 8 values; writers may leave the padding of the last group out.
	nbytes := count * r.width
	if avail := len(r.data) - r.pos; nbytes > avail {
		nbytes = avail
		if r.width > 0 {
			count = min(count*8, avail*8/r.width)
		} else {
			count *= 8
		}
	} else {
		count *= 8
	}
	r.packed, r.bit = count, r.pos*8
	r.pos += nbytes
	return nil
}

// read fills dst with the next len(dst) values and returns the largest.
func (r *rleReader) read(dst []uint32) (uint32, error) {
	var top uint32
	for len(dst) > 0 {
		switch {
		case r.repeat > 0:
			k := min(r.repeat, len(dst))
			v := r.value
			for i := range dst[:k] {
				dst[i] = v
			}
			top = max(top, v)
			r.repeat -= k
			dst = dst[k:]
		case r.packed > 0:
			k := min(r.packed, len(dst))
			top = max(top, r.unpack(dst[:k]))
			r.packed -= k
			dst = dst[k:]
		default:
			if r.pos >= len(r.data) {
				return 0, errRLE
			}
			if err := r.run(); err != nil {
				return 0, err
			}
		}
	}
	return top, nil
}

// unpack reads len(dst) bit-packed values at r.bit and returns the largest, so that callers
// check dictionary indices without another pass.
func (r *rleReader) unpack(dst []uint32) uint32 {
	w, mask, bit, data := r.width, r.mask, r.bit, r.data
	if w == 0 {
		clear(dst)
		return 0
	}
	var top uint32
	i := 0
	if w <= 7 {
		// Eight values from one 8-byte load: at most 56 bits after at most 7 skipped.
		m := uint64(mask)
		for safe := len(data) - 8; i+8 <= len(dst) && bit>>3 <= safe; i += 8 {
			x := binary.LittleEndian.Uint64(data[bit>>3:]) >> uint(bit&7)
			d := dst[i : i+8 : i+8]
			d[0], d[1], d[2], d[3] = uint32(x&m), uint32(x>>w&m), uint32(x>>(2*w)&m), uint32(x>>(3*w)&m)
			d[4], d[5], d[6], d[7] = uint32(x>>(4*w)&m), uint32(x>>(5*w)&m), uint32(x>>(6*w)&m), uint32(x>>(7*w)&m)
			top = max(top, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7])
			bit += 8 * w
		}
	}
	// Whole 8-byte loads while they stay inside the data; a value spans at most 39 bits.
	for safe := len(data) - 8; i < len(dst) && bit>>3 <= safe; i++ {
		v := uint32(binary.LittleEndian.Uint64(data[bit>>3:]) >> uint(bit&7) & mask)
		dst[i], top = v, max(top, v)
		bit += w
	}
	for ; i < len(dst); i++ {
		var word uint64
		for b, j := bit>>3, 0; j < 8 && b+j < len(data); j++ {
			word |= uint64(data[b+j]) << (8 * j)
		}
		v := uint32(word >> uint(bit&7) & mask)
		dst[i], top = v, max(top, v)
		bit += w
	}
	r.bit = bit
	return top
}

// readLevels reads len(valid) definition levels of a column whose maximum level is 1, setting
// valid[i] for the defined ones, and returns how many are.
func (r *rleReader) readLevels(valid []bool) (int, error) {
	n := 0
	for len(valid) > 0 {
		switch {
		case r.repeat > 0:
			k := min(r.repeat, len(valid))
			set := r.value == 1
			for i := range valid[:k] {
				valid[i] = set
			}
			if set {
				n += k
			}
			r.repeat -= k
			valid = valid[k:]
		case r.packed > 0:
			k := min(r.packed, len(valid))
			bit, data, v := r.bit, r.data, valid[:k]
			for len(v) > 0 && (bit&7 != 0 || len(v) < 8) {
				set := data[bit>>3]>>uint(bit&7)&1 == 1
				v[0] = set
				if set {
					n++
				}
				v, bit = v[1:], bit+1
			}
			// Whole bytes: eight levels each.
			for ; len(v) >= 8; v, bit = v[8:], bit+8 {
				b := data[bit>>3]
				w := v[:8:8]
				w[0], w[1], w[2], w[3] = b&1 != 0, b&2 != 0, b&4 != 0, b&8 != 0
				w[4], w[5], w[6], w[7] = b&16 != 0, b&32 != 0, b&64 != 0, b&128 != 0
				n += bits.OnesCount8(b)
			}
			for ; len(v) > 0; v, bit = v[1:], bit+1 {
				set := data[bit>>3]>>uint(bit&7)&1 == 1
				v[0] = set
				if set {
					n++
				}
			}
			r.bit = bit
			r.packed -= k
			valid = valid[k:]
		default:
			if r.pos >= len(r.data) {
				return 0, errRLE
			}
			if err := r.run(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// Column walks the data pages of one column across row groups: a flat column (no repetition,
// definition level 0 or 1), read by rows (Rows, DefRun, IndexRun), or a dictionary-encoded
// leaf of a repeated group such as a MAP's keys or values (MaxRep 1), read by Pick. A
// dictionary page is handed to OnDict as soon as it is read. Set the exported fields, then
// Open a row group.
type Column struct {
	Leaf   int          // the leaf column's index in the file
	Type   parquet.Type // its physical type
	Width  int          // FIXED_LEN_BYTE_ARRAY byte width
	MaxDef int16
	MaxRep int16 // 0 for a flat column, 1 for a leaf of a repeated group
	File   *file.Reader
	Src    io.ReaderAt
	Props  *parquet.ReaderProperties // of the page streams
	OnDict func(data []byte, n int) error

	br parquet.BufferedReader
	pr file.PageReader

	rowsLeft int64 // Rows of the current row group's chunk not yet read (a map's value leaf: not yet begun; unused on its key leaf)
	// MaxRep 1: the chunk's level entries in pages not yet started, so that its end is known
	// when its last row goes on into a page of its own
	levelsLeft int64

	left    int // Rows (for MaxRep 1: level entries) left in the current data page
	def     rleReader
	rep     rleReader
	lv      levels   // a map's value leaf: a block of its levels (a key leaf's are only compared with them)
	vals    []uint32 // MaxRep 1: indices of a block's defined entries
	dict    bool     // the page holds dictionary indices
	idx     rleReader
	plain   []byte
	hasDict bool // the chunk has had its dictionary page

	// A map's key leaf: levels of its page passed over by SkipMapRows and not yet read, and
	// how many keys the value leaf counted in them (sameLevels checks them when it next reads)
	passedLevels, passedKeys int
}

// Dict reports whether the current page holds dictionary indices rather than PLAIN values.
func (c *Column) Dict() bool { return c.dict }

// Indices reads dictionary indices of the current page into dst and returns the largest.
func (c *Column) Indices(dst []uint32) (uint32, error) { return c.idx.read(dst) }

// SkipIndices passes over the next n dictionary indices of the current page unread, for rows
// the caller does not need.
func (c *Column) SkipIndices(n int) error { return c.idx.skip(n) }

// Close releases the page reader of the current row group.
func (c *Column) Close() {
	if c.pr != nil {
		c.pr.Close()
		c.pr = nil
	}
}

// ChunksReadable reports whether every chunk of leaf li is unencrypted and uses only the
// encodings Column decodes.
func ChunksReadable(meta *metadata.FileMetaData, li int) bool {
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

// DictionaryPages reports whether the footer shows every data page of leaf li's chunks to hold
// dictionary indices, or no value at all (a chunk of NULLs, which writers store PLAIN), as
// Pick needs; false when the footer does not say.
func DictionaryPages(meta *metadata.FileMetaData, li int) bool {
	for rg := 0; rg < meta.NumRowGroups(); rg++ {
		cc, err := meta.RowGroup(rg).ColumnChunk(li)
		if err != nil || !DictionaryOnly(cc) {
			return false
		}
	}
	return true
}

// DictionaryOnly is DictionaryPages for one chunk.
func DictionaryOnly(cc *metadata.ColumnChunkMetaData) bool {
	stats := cc.EncodingStats()
	if len(stats) == 0 {
		return false
	}
	for _, st := range stats {
		// Page types of the format: 0 DATA_PAGE, 1 INDEX_PAGE, 2 DICTIONARY_PAGE, 3 DATA_PAGE_V2.
		if t := int(st.PageType); (t == 0 || t == 3) && st.Encoding != parquet.Encodings.RLEDict &&
			st.Encoding != parquet.Encodings.PlainDict && !allNull(cc) {
			return false
		}
	}
	return true
}

// allNull reports whether a chunk's statistics count every value NULL.
func allNull(cc *metadata.ColumnChunkMetaData) bool {
	st, err := cc.Statistics()
	return err == nil && st != nil && st.HasNullCount() && st.NullCount() == cc.NumValues()
}

// ChunkRange is where the chunk of leaf li in row group rg lies in the file: the bytes its
// pages are read from, as arrow-go reads them.
func ChunkRange(meta *metadata.FileMetaData, rg, li int) (start, length int64, err error) {
	cc, err := meta.RowGroup(rg).ColumnChunk(li)
	if err != nil {
		return 0, 0, err
	}
	start = cc.DataPageOffset()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
		start = cc.DictionaryPageOffset()
	}
	length = cc.TotalCompressedSize()
	if start < 0 || length < 0 {
		return 0, 0, fmt.Errorf("parquet: column chunk at %d of %d bytes", start, length)
	}
	if meta.WriterVersion().LessThan(metadata.Parquet816FixedVersion) {
		// Old parquet-mr left the dictionary page header out of the chunk size (PARQUET-816).
		if size := meta.GetSourceFileSize(); size > start+length {
			length += min(100, size-start-length)
		}
	}
	return start, length, nil
}

// Open positions the column at the start of row group rg.
func (c *Column) Open(rg int) error {
	start, length, err := ChunkRange(c.File.MetaData(), rg, c.Leaf)
	if err != nil {
		return err
	}
	return c.open(rg, start, length)
}

// open positions the column at the start of row group rg, reading the chunk's pages from
// the length bytes at start.
func (c *Column) open(rg int, start, length int64) error {
	rgm := c.File.MetaData().RowGroup(rg)
	cc, err := rgm.ColumnChunk(c.Leaf)
	if err != nil {
		return err
	}
	if c.pr == nil {
		// The first row group's reader is kept and Reset for the others, so its buffers for
		// compressed and decompressed pages are allocated once.
		if c.pr, err = c.File.RowGroup(rg).GetColumnPageReader(c.Leaf); err != nil {
			return err
		}
		if c.br, err = c.Props.GetStream(c.Src, start, length); err != nil {
			return err
		}
	}
	c.br.Reset(io.NewSectionReader(c.Src, start, length))
	c.pr.Reset(c.br, cc.NumValues(), cc.Compression(), nil)
	c.rowsLeft, c.levelsLeft = rgm.NumRows(), cc.NumValues()
	c.left, c.hasDict = 0, false
	c.lv.reset()
	return nil
}

// DictionaryRange is where the dictionary page of the chunk of leaf li in row group rg lies
// in the file, header and all: from its offset to the first data page's; false when the
// footer does not place one there.
func DictionaryRange(meta *metadata.FileMetaData, rg, li int) (start, length int64, ok bool) {
	cc, err := meta.RowGroup(rg).ColumnChunk(li)
	if err != nil || !cc.HasDictionaryPage() {
		return 0, 0, false
	}
	start, end := cc.DictionaryPageOffset(), cc.DataPageOffset()
	return start, end - start, start > 0 && end > start
}

// Dictionary reads the dictionary page the chunk of row group rg starts with, reading no
// byte past it where the footer says where it ends (DictionaryRange): its PLAIN values
// (DictValues reads them, until the column reads on) and their count; nil when the chunk
// starts with a data page. OnDict is not called; Open positions the column for its rows.
func (c *Column) Dictionary(rg int) ([]byte, int, error) {
	start, length, ok := DictionaryRange(c.File.MetaData(), rg, c.Leaf)
	var err error
	if !ok {
		start, length, err = ChunkRange(c.File.MetaData(), rg, c.Leaf)
	}
	if err == nil {
		err = c.open(rg, start, length)
	}
	if err != nil {
		return nil, 0, err
	}
	if !c.pr.Next() {
		return nil, 0, c.pr.Err()
	}
	p, ok := c.pr.Page().(*file.DictionaryPage)
	if !ok {
		return nil, 0, nil
	}
	if err := plainDictionary(p); err != nil {
		return nil, 0, err
	}
	return p.Data(), int(p.NumValues()), nil
}

// plainDictionary checks that a dictionary page holds PLAIN values, the one encoding the
// format allows it.
func plainDictionary(p *file.DictionaryPage) error {
	if e := parquet.Encoding(p.Encoding()); e != parquet.Encodings.Plain && e != parquet.Encodings.PlainDict {
		return fmt.Errorf("parquet: dictionary page encoded %s", e)
	}
	return nil
}

// next reads pages until a data page with rows, handing dictionary pages to onDict.
func (c *Column) next() error {
	for {
		if !c.pr.Next() {
			if err := c.pr.Err(); err != nil {
				return err
			}
			if c.MaxRep > 0 {
				return fmt.Errorf("parquet: column chunk ends %d levels early", c.levelsLeft)
			}
			return fmt.Errorf("parquet: column chunk ends %d rows early", c.rowsLeft)
		}
		switch p := c.pr.Page().(type) {
		case *file.DictionaryPage:
			if c.hasDict {
				return errors.New("parquet: second dictionary page in a column chunk")
			}
			if err := plainDictionary(p); err != nil {
				return err
			}
			c.hasDict = true
			if err := c.OnDict(p.Data(), int(p.NumValues())); err != nil {
				return err
			}
		case *file.DataPageV1:
			data := p.Data()
			if c.MaxRep > 0 && p.RepetitionLevelEncoding() != parquet.Encodings.RLE {
				return fmt.Errorf("parquet: repetition levels encoded %s", p.RepetitionLevelEncoding())
			}
			if c.MaxDef > 0 && p.DefinitionLevelEncoding() != parquet.Encodings.RLE {
				return fmt.Errorf("parquet: definition levels encoded %s", p.DefinitionLevelEncoding())
			}
			var rep, def []byte
			var err error
			if c.MaxRep > 0 {
				if rep, data, err = prefixed(data); err != nil {
					return err
				}
			}
			if c.MaxDef > 0 {
				if def, data, err = prefixed(data); err != nil {
					return err
				}
			}
			if err := c.page(parquet.Encoding(p.Encoding()), rep, def, data, int(p.NumValues())); err != nil {
				return err
			}
			if c.left > 0 {
				return nil
			}
		case *file.DataPageV2:
			data := p.Data()
			rl, dl := int(p.RepetitionLevelByteLen()), int(p.DefinitionLevelByteLen())
			if rl < 0 || dl < 0 || rl > len(data)-dl || (rl != 0 && c.MaxRep == 0) {
				return errRLE
			}
			n := int(p.NumRows())
			if c.MaxRep > 0 {
				n = int(p.NumValues())
			}
			if err := c.page(parquet.Encoding(p.Encoding()), data[:rl], data[rl:rl+dl], data[rl+dl:], n); err != nil {
				return err
			}
			if c.left > 0 {
				return nil
			}
		}
	}
}

// prefixed splits a DataPage v1 level section (its length, then its runs) off data.
func prefixed(data []byte) (levels, rest []byte, err error) {
	if len(data) < 4 {
		return nil, nil, errRLE
	}
	n := int(binary.LittleEndian.Uint32(data))
	if n < 0 || n > len(data)-4 {
		return nil, nil, errRLE
	}
	return data[4 : 4+n], data[4+n:], nil
}

// page starts a data page of n rows (for MaxRep 1: n level entries) whose levels are rep and
// def and whose value section is data.
func (c *Column) page(enc parquet.Encoding, rep, def, data []byte, n int) error {
	if c.MaxRep == 0 {
		if c.MaxDef > 0 {
			c.def.reset(def, 1)
		}
		return c.values(enc, data, n)
	}
	if n < 0 || int64(n) > c.levelsLeft {
		return fmt.Errorf("parquet: page of %d levels where %d remain in the chunk", n, c.levelsLeft)
	}
	c.levelsLeft -= int64(n)
	c.rep.reset(rep, bits.Len16(uint16(c.MaxRep)))
	c.def.reset(def, bits.Len16(uint16(c.MaxDef)))
	c.lv.reset()
	c.passedLevels, c.passedKeys = 0, 0
	switch enc {
	case parquet.Encodings.RLEDict, parquet.Encodings.PlainDict:
		if err := c.dictIndices(data, n); err != nil {
			return err
		}
	case parquet.Encodings.Plain:
		c.dict = false // a page of NULLs (Pick fails on a value)
	default:
		return fmt.Errorf("parquet: values of a repeated column encoded %s", enc)
	}
	c.left = n
	return nil
}

// values starts a data page of rows rows of a flat column whose value section is data.
func (c *Column) values(enc parquet.Encoding, data []byte, rows int) error {
	if rows < 0 || int64(rows) > c.rowsLeft {
		return fmt.Errorf("parquet: page of %d rows where %d remain in the row group", rows, c.rowsLeft)
	}
	switch enc {
	case parquet.Encodings.Plain:
		c.dict, c.plain = false, data
	case parquet.Encodings.RLEDict, parquet.Encodings.PlainDict:
		if err := c.dictIndices(data, rows); err != nil {
			return err
		}
	default:
		return fmt.Errorf("parquet: values encoded %s", enc)
	}
	c.left = rows
	c.rowsLeft -= int64(rows)
	return nil
}

// dictIndices starts the dictionary indices of a page of n levels or rows.
func (c *Column) dictIndices(data []byte, n int) error {
	if !c.hasDict {
		return errors.New("parquet: dictionary-encoded page without a dictionary")
	}
	switch {
	case len(data) > 0 && data[0] > 32:
		return errRLE
	case len(data) > 0:
		c.idx.reset(data[1:], int(data[0]))
	case n > 0 && c.MaxDef == 0:
		return errRLE
	default:
		c.idx.reset(nil, 0)
	}
	c.dict = true
	return nil
}

// Rows makes the current page's next rows available, reading the next page when the
// current one is used up, and returns how many of the n wanted it holds. The caller then
// walks their definition levels with defRun and takes their values.
func (c *Column) Rows(n int) (int, error) {
	if c.left == 0 {
		if err := c.next(); err != nil {
			return 0, err
		}
	}
	k := min(n, c.left)
	c.left -= k
	return k, nil
}

// DefRun returns the next run of at most n definition levels: RLE runs come whole (all
// defined or all null); a bit-packed run's levels are written to valid, mixed is set and
// values counts the defined ones.
func (c *Column) DefRun(n int, valid []bool) (count, values int, defined, mixed bool, err error) {
	d := &c.def
	for d.repeat == 0 && d.packed == 0 {
		if d.pos >= len(d.data) {
			return 0, 0, false, false, errRLE
		}
		if err := d.run(); err != nil {
			return 0, 0, false, false, err
		}
	}
	if d.repeat > 0 {
		count = min(d.repeat, n)
		d.repeat -= count
		return count, 0, d.value == 1, false, nil
	}
	count = min(d.packed, n)
	if values, err = d.readLevels(valid[:count]); err != nil {
		return 0, 0, false, false, err
	}
	return count, values, false, true, nil
}

// IndexRun returns the next run of at most n dictionary indices: an RLE run as its value
// and length, or bit-packed indices written to dst (packed set) and the largest of them.
func (c *Column) IndexRun(n int, dst []uint32) (count int, value uint32, packed bool, err error) {
	r := &c.idx
	for r.repeat == 0 && r.packed == 0 {
		if r.pos >= len(r.data) {
			return 0, 0, false, errRLE
		}
		if err := r.run(); err != nil {
			return 0, 0, false, err
		}
	}
	if r.repeat > 0 {
		count = min(r.repeat, n)
		r.repeat -= count
		return count, r.value, false, nil
	}
	count = min(r.packed, n)
	value = r.unpack(dst[:count])
	r.packed -= count
	return count, value, true, nil
}

// Fixed takes m PLAIN values of size bytes each.
func (c *Column) Fixed(m, size int) ([]byte, error) {
	n := m * size
	if n > len(c.plain) {
		return nil, ErrPlainData
	}
	b := c.plain[:n]
	c.plain = c.plain[n:]
	return b, nil
}

// ByteArray takes one PLAIN BYTE_ARRAY value.
func (c *Column) ByteArray() ([]byte, error) {
	if len(c.plain) < 4 {
		return nil, ErrPlainData
	}
	n := binary.LittleEndian.Uint32(c.plain)
	if uint64(n) > uint64(len(c.plain)-4) {
		return nil, ErrPlainData
	}
	b := c.plain[4 : 4+n]
	c.plain = c.plain[4+n:]
	return b, nil
}

// size is the PLAIN size of one value of a fixed-width type; 0 for BYTE_ARRAY.
func PlainSize(t parquet.Type, width int) int {
	switch t {
	case parquet.Types.Int32, parquet.Types.Float:
		return 4
	case parquet.Types.Int64, parquet.Types.Double:
		return 8
	case parquet.Types.FixedLenByteArray:
		return width
	}
	return 0
}

// DictValues splits a PLAIN dictionary page into n values, calling f for each with its
// fixed-width bits (sign-extended for INT32) or its bytes.
func DictValues(t parquet.Type, width int, data []byte, n int, f func(i int, v uint64, b []byte) error) error {
	if n < 0 {
		return ErrPlainData
	}
	if size := PlainSize(t, width); size > 0 {
		if n > len(data)/size {
			return ErrPlainData
		}
		for i := 0; i < n; i++ {
			v, b := PlainValue(t, data[i*size:(i+1)*size])
			if err := f(i, v, b); err != nil {
				return err
			}
		}
		return nil
	}
	for i := 0; i < n; i++ {
		if len(data) < 4 {
			return ErrPlainData
		}
		l := binary.LittleEndian.Uint32(data)
		if uint64(l) > uint64(len(data)-4) {
			return ErrPlainData
		}
		if err := f(i, 0, data[4:4+l]); err != nil {
			return err
		}
		data = data[4+l:]
	}
	return nil
}

// PlainValue decodes one fixed-width PLAIN value.
func PlainValue(t parquet.Type, b []byte) (uint64, []byte) {
	switch t {
	case parquet.Types.Int32:
		return uint64(int64(int32(binary.LittleEndian.Uint32(b)))), nil
	case parquet.Types.Float:
		return uint64(binary.LittleEndian.Uint32(b)), nil
	case parquet.Types.Int64, parquet.Types.Double:
		return binary.LittleEndian.Uint64(b), nil
	}
	return 0, b
}

// levels is a block of a repeated column's repetition and definition levels.
type levels struct {
	rep, def [512]uint32
	n, at    int // levels in the block, and the next one
}

func (l *levels) reset() { l.n, l.at = 0, 0 }

// fill decodes the next block of at most left levels, of which no definition level may
// pass maxDef.
func (l *levels) fill(rep, def *rleReader, left int, maxDef uint32) error {
	n := min(left, len(l.rep))
	if _, err := rep.read(l.rep[:n]); err != nil {
		return err
	}
	if def.width == 0 {
		clear(l.def[:n])
	} else if top, err := def.read(l.def[:n]); err != nil {
		return err
	} else if top > maxDef {
		return errRLE
	}
	l.n, l.at = n, 0
	return nil
}

// skip passes over the next n values.
func (r *rleReader) skip(n int) error {
	for n > 0 {
		switch {
		case r.repeat > 0:
			k := min(r.repeat, n)
			r.repeat -= k
			n -= k
		case r.packed > 0:
			k := min(r.packed, n)
			r.packed -= k
			r.bit += k * r.width
			n -= k
		default:
			if r.pos >= len(r.data) {
				return errRLE
			}
			if err := r.run(); err != nil {
				return err
			}
		}
	}
	return nil
}

// match reads the next len(want) levels and reports whether each is min(want[i], limit): a
// map's key leaf's levels against those of its value leaf, capped at the key's maximum.
func (r *rleReader) match(want []uint32, limit uint32) (bool, error) {
	var buf [64]uint32
	for len(want) > 0 {
		diff := uint32(0)
		switch {
		case r.repeat > 0:
			k := min(r.repeat, len(want))
			for _, w := range want[:k] {
				diff |= min(w, limit) ^ r.value
			}
			r.repeat -= k
			want = want[k:]
		case r.packed > 0:
			k := min(r.packed, len(want), len(buf))
			r.unpack(buf[:k])
			for i, v := range buf[:k] {
				diff |= min(want[i], limit) ^ v
			}
			r.packed -= k
			want = want[k:]
		default:
			if r.pos >= len(r.data) {
				return false, errRLE
			}
			if err := r.run(); err != nil {
				return false, err
			}
		}
		if diff != 0 {
			return false, nil
		}
	}
	return true, nil
}

// countEntries passes over the next n definition levels of a map's value leaf and returns
// how many reach key, the level of an entry with a key, and how many equal top, the largest
// level allowed (an entry with a value).
func (r *rleReader) countEntries(n int, key, top uint32) (keys, values int, err error) {
	if r.width == 0 {
		return n * b2i(key == 0), n * b2i(top == 0), nil
	}
	var buf [64]uint32
	for n > 0 {
		switch {
		case r.repeat > 0:
			k := min(r.repeat, n)
			if r.value > top {
				return 0, 0, errRLE
			}
			keys += k * b2i(r.value >= key)
			values += k * b2i(r.value == top)
			r.repeat -= k
			n -= k
		case r.packed > 0:
			k := min(r.packed, n, len(buf))
			if r.unpack(buf[:k]) > top {
				return 0, 0, errRLE
			}
			for _, v := range buf[:k] {
				keys += b2i(v >= key)
				values += b2i(v == top)
			}
			r.packed -= k
			n -= k
		default:
			if r.pos >= len(r.data) {
				return 0, 0, errRLE
			}
			if err := r.run(); err != nil {
				return 0, 0, err
			}
		}
	}
	return keys, values, nil
}

// passRows reads repetition levels (of width 1) up to, not including, the one that starts row
// rows+1, and at most limit of them; it returns how many it read and how many rows they
// started (levels of 0).
func (r *rleReader) passRows(rows, limit int) (n, started int, err error) {
	for n < limit {
		switch {
		case r.repeat > 0 && r.value != 0:
			k := min(r.repeat, limit-n)
			r.repeat -= k
			n += k
		case r.repeat > 0:
			k := min(r.repeat, limit-n, rows-started)
			if k == 0 {
				return n, started, nil
			}
			r.repeat -= k
			n, started = n+k, started+k
		case r.packed > 0:
			k := min(r.packed, limit-n)
			bit, data, end := r.bit, r.data, r.bit+k
			for bit < end {
				if bit&7 == 0 && end-bit >= 64 && bit>>3+8 <= len(data) {
					// 64 levels at once.
					if z := 64 - bits.OnesCount64(binary.LittleEndian.Uint64(data[bit>>3:])); started+z <= rows {
						started += z
						bit += 64
						continue
					}
				}
				if bit&7 == 0 && end-bit >= 8 {
					// A whole byte of levels: its zeros start rows.
					if z := 8 - bits.OnesCount8(data[bit>>3]); started+z <= rows {
						started += z
						bit += 8
						continue
					}
				}
				if data[bit>>3]>>uint(bit&7)&1 == 0 {
					if started == rows {
						break
					}
					started++
				}
				bit++
			}
			read := bit - r.bit
			r.bit, r.packed, n = bit, r.packed-read, n+read
			if bit < end {
				return n, started, nil
			}
		default:
			if r.pos >= len(r.data) {
				return n, started, errRLE
			}
			if err := r.run(); err != nil {
				return n, started, err
			}
		}
	}
	return n, started, nil
}
