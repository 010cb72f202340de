// Package pqfooter trims a Parquet footer before it is decoded, knowing nothing of CUR: a
// footer holds the metadata of every column chunk of every row group, which a reader that
// reads a few columns of a wide file would otherwise decode (and keep) whole. The footer is
// a FileMetaData struct in Thrift's compact protocol
// (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md); the
// struct and field numbers are those of the Parquet format's parquet.thrift.
package pqfooter

import (
	"encoding/binary"
	"errors"
)

// ErrEncrypted: the footer has encrypted columns, whose metadata this package leaves alone.
var ErrEncrypted = errors.New("parquet: encrypted columns")

var errDamaged = errors.New("parquet: damaged footer")

// Field numbers of parquet.thrift.
const (
	fileRowGroups           = 4 // FileMetaData.row_groups
	fileEncryptionAlgorithm = 8 // FileMetaData.encryption_algorithm
	rowGroupColumns         = 1 // RowGroup.columns
	chunkMetaData           = 3 // ColumnChunk.meta_data
	chunkOffsetIndexOffset  = 4 // ColumnChunk.offset_index_offset, then its length and the column index's
	chunkColumnIndexLength  = 7
	chunkCryptoMetadata     = 8 // ColumnChunk.crypto_metadata
	chunkEncryptedMetadata  = 9 // ColumnChunk.encrypted_column_metadata
)

// Compact protocol types.
const (
	tStop   = 0
	tTrue   = 1
	tFalse  = 2
	tByte   = 3
	tI16    = 4
	tI32    = 5
	tI64    = 6
	tDouble = 7
	tBinary = 8
	tList   = 9
	tSet    = 10
	tMap    = 11
	tStruct = 12
)

// maxDepth bounds the nesting a damaged footer could ask of the walk.
const maxDepth = 32

// SchemaOnly returns the start of footer up to its row groups, written as none: the file's
// schema and row count, enough to decide which columns to keep before Trim, read without
// walking the rest.
func SchemaOnly(footer []byte) ([]byte, error) {
	return walkFile(footer, nil, true)
}

// Trim returns footer with the chunk metadata of every leaf column i for which keep[i] is
// false (or beyond keep) left out of every row group: what is left names each chunk's file
// offset only, and a reader fails on those chunks rather than read them. The file's schema,
// row groups, row counts and the metadata of the kept chunks are as they were. A footer of
// encrypted columns is refused with ErrEncrypted.
func Trim(footer []byte, keep []bool) ([]byte, error) {
	return walkFile(footer, keep, false)
}

// walker copies compact-protocol bytes from in to out, value by value.
type walker struct {
	in  []byte
	pos int
	out []byte
}

func walkFile(footer []byte, keep []bool, schemaOnly bool) ([]byte, error) {
	w := &walker{in: footer, out: make([]byte, 0, len(footer))}
	last, lastOut := int16(0), int16(0)
	for {
		id, typ, err := w.fieldHeader(&last)
		if err != nil {
			return nil, err
		}
		if typ == tStop {
			w.out = append(w.out, tStop)
			return w.out, nil
		}
		switch {
		case id == fileEncryptionAlgorithm:
			return nil, ErrEncrypted
		case id == fileRowGroups && typ == tList && schemaOnly:
			w.out = appendFieldHeader(w.out, &lastOut, id, typ)
			return append(w.out, tStruct, tStop), nil // a list of no structs, and the end
		case id == fileRowGroups && typ == tList:
			w.out = appendFieldHeader(w.out, &lastOut, id, typ)
			if err := w.rowGroups(keep); err != nil {
				return nil, err
			}
		default:
			if err := w.copyField(&lastOut, id, typ); err != nil {
				return nil, err
			}
		}
	}
}

// rowGroups copies the list of row groups, trimming each.
func (w *walker) rowGroups(keep []bool) error {
	return w.structs(func(int) error { return w.rowGroup(keep) })
}

// structs copies the header of a list of structs and has each copy its i-th element.
func (w *walker) structs(each func(i int) error) error {
	n, elem, err := w.listHeader()
	if err != nil {
		return err
	}
	if elem != tStruct {
		return errDamaged
	}
	w.out = appendListHeader(w.out, n, tStruct)
	for i := range n {
		if err := each(i); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) rowGroup(keep []bool) error {
	last, lastOut := int16(0), int16(0)
	for {
		id, typ, err := w.fieldHeader(&last)
		if err != nil {
			return err
		}
		if typ == tStop {
			w.out = append(w.out, tStop)
			return nil
		}
		if id != rowGroupColumns || typ != tList {
			if err := w.copyField(&lastOut, id, typ); err != nil {
				return err
			}
			continue
		}
		w.out = appendFieldHeader(w.out, &lastOut, id, typ)
		if err := w.structs(func(i int) error { return w.chunk(i < len(keep) && keep[i]) }); err != nil {
			return err
		}
	}
}

// chunk copies one ColumnChunk, without its metadata and page index offsets unless kept.
func (w *walker) chunk(kept bool) error {
	last, lastOut := int16(0), int16(0)
	for {
		id, typ, err := w.fieldHeader(&last)
		if err != nil {
			return err
		}
		switch {
		case typ == tStop:
			w.out = append(w.out, tStop)
			return nil
		case id == chunkCryptoMetadata || id == chunkEncryptedMetadata:
			return ErrEncrypted
		case !kept && (id == chunkMetaData || id >= chunkOffsetIndexOffset && id <= chunkColumnIndexLength):
			if err := w.skip(typ, 0); err != nil {
				return err
			}
		default:
			if err := w.copyField(&lastOut, id, typ); err != nil {
				return err
			}
		}
	}
}

// copyField writes the header of field id afresh (the fields before it may have been left
// out, and a header holds the distance from the last) and copies its value as it is.
func (w *walker) copyField(lastOut *int16, id int16, typ byte) error {
	w.out = appendFieldHeader(w.out, lastOut, id, typ)
	start := w.pos
	if err := w.skip(typ, 0); err != nil {
		return err
	}
	w.out = append(w.out, w.in[start:w.pos]...)
	return nil
}

// fieldHeader reads a field's header: its number (from the last one's, or written out) and
// type; tStop ends the struct. A boolean field's value is its type.
func (w *walker) fieldHeader(last *int16) (int16, byte, error) {
	b, err := w.byte()
	if err != nil || b == tStop {
		return 0, tStop, err
	}
	typ, delta := b&0x0f, int16(b>>4)
	if typ > tStruct {
		return 0, 0, errDamaged
	}
	if delta == 0 {
		v, err := w.varint()
		if err != nil {
			return 0, 0, err
		}
		id := unzigzag(v)
		if id != int64(int16(id)) {
			return 0, 0, errDamaged
		}
		*last = int16(id)
	} else {
		*last += delta
	}
	return *last, typ, nil
}

func appendFieldHeader(out []byte, last *int16, id int16, typ byte) []byte {
	if d := int(id) - int(*last); d > 0 && d <= 15 {
		out = append(out, byte(d)<<4|typ)
	} else {
		out = append(out, typ)
		out = binary.AppendUvarint(out, zigzag(int64(id)))
	}
	*last = id
	return out
}

// listHeader reads a list's (or set's) size and element type.
func (w *walker) listHeader() (int, byte, error) {
	b, err := w.byte()
	if err != nil {
		return 0, 0, err
	}
	n, elem := int(b>>4), b&0x0f
	if n == 15 {
		v, err := w.varint()
		if err != nil {
			return 0, 0, err
		}
		if v > uint64(len(w.in)) {
			return 0, 0, errDamaged // every element takes a byte at least
		}
		n = int(v)
	}
	return n, elem, nil
}

func appendListHeader(out []byte, n int, elem byte) []byte {
	if n < 15 {
		return append(out, byte(n)<<4|elem)
	}
	return binary.AppendUvarint(append(out, 0xf0|elem), uint64(n))
}

// skip passes over a value of type typ as a field's: a boolean field's value is in its
// header (element passes over a list's booleans, a byte each).
func (w *walker) skip(typ byte, depth int) error {
	if depth > maxDepth {
		return errDamaged
	}
	switch typ {
	case tTrue, tFalse:
		return nil
	case tByte:
		_, err := w.byte()
		return err
	case tI16, tI32, tI64:
		_, err := w.varint()
		return err
	case tDouble:
		return w.advance(8)
	case tBinary:
		n, err := w.varint()
		if err != nil {
			return err
		}
		if n > uint64(len(w.in)) {
			return errDamaged
		}
		return w.advance(int(n))
	case tList, tSet:
		n, elem, err := w.listHeader()
		if err != nil {
			return err
		}
		return w.elements(n, elem, depth)
	case tMap:
		v, err := w.varint()
		if err != nil || v == 0 {
			return err
		}
		if v > uint64(len(w.in)) {
			return errDamaged
		}
		kv, err := w.byte()
		if err != nil {
			return err
		}
		for range v {
			if err := w.element(kv>>4, depth); err != nil {
				return err
			}
			if err := w.element(kv&0x0f, depth); err != nil {
				return err
			}
		}
		return nil
	case tStruct:
		var last int16
		for {
			_, t, err := w.fieldHeader(&last)
			if err != nil || t == tStop {
				return err
			}
			if err := w.skip(t, depth+1); err != nil {
				return err
			}
		}
	}
	return errDamaged
}

func (w *walker) elements(n int, elem byte, depth int) error {
	for range n {
		if err := w.element(elem, depth); err != nil {
			return err
		}
	}
	return nil
}

// element passes over one element of a list, set or map, where a boolean takes a byte.
func (w *walker) element(typ byte, depth int) error {
	if typ == tTrue || typ == tFalse {
		_, err := w.byte()
		return err
	}
	return w.skip(typ, depth+1)
}

func (w *walker) byte() (byte, error) {
	if w.pos >= len(w.in) {
		return 0, errDamaged
	}
	w.pos++
	return w.in[w.pos-1], nil
}

func (w *walker) advance(n int) error {
	if n > len(w.in)-w.pos {
		return errDamaged
	}
	w.pos += n
	return nil
}

func (w *walker) varint() (uint64, error) {
	v, n := binary.Uvarint(w.in[w.pos:])
	if n <= 0 {
		return 0, errDamaged
	}
	w.pos += n
	return v, nil
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }
