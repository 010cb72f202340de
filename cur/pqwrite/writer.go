// Package pqwrite streams rows into a Parquet file through arrow-go: typed columns (text,
// exact DECIMAL money, doubles, timestamps, CUR 2.0 maps), row groups of bounded size, so that
// memory stays flat however long the file. normalize's Parquet output and the sample bills
// are written with it.
package pqwrite

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/curnorm/curnorm/cur/money"
)

// Type is the Parquet type a Writer column is written as.
type Type int

// Column types of a Writer.
const (
	String    Type = iota // UTF8 text
	Double                // money as DOUBLE, the way AWS writes it
	Decimal               // money as DECIMAL(38,10), exact
	Int64                 // INT64
	Timestamp             // TIMESTAMP(MILLIS, UTC)
	StringMap             // MAP<string,string>, CUR 2.0's product, resource_tags, ...
	DoubleMap             // MAP<string,double>, CUR 2.0's discount
)

func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Double:
		return "double"
	case Decimal:
		return "decimal(38,10)"
	case Int64:
		return "int64"
	case Timestamp:
		return "timestamp"
	case StringMap:
		return "map<string,string>"
	case DoubleMap:
		return "map<string,double>"
	}
	return "unknown"
}

// Column is one column of a Writer.
type Column struct {
	Name string
	Type Type
}

// MaxRowGroupRows caps the row groups a Writer writes: a reader holds at most one row
// group's pages, so this bounds its memory as well as the writer's.
const MaxRowGroupRows = 250_000

// writeBatchRows and writeBatchBytes bound the rows a Writer buffers in Arrow builders
// before handing them to the Parquet encoder; the byte cap keeps very wide rows from growing
// the buffer past a few tens of megabytes.
const (
	writeBatchRows  = 65_536
	writeBatchBytes = 16 << 20
)

// Options are the knobs of New; the zero value is usable.
type Options struct {
	// RowGroupRows is the most rows a row group holds: default and maximum MaxRowGroupRows.
	RowGroupRows int
	// Compression is "snappy" (default, as AWS writes), "zstd", "gzip" or "none".
	Compression string
	// alloc, for tests, replaces the allocator (a checked one catches leaks).
	alloc memory.Allocator
}

// defaultAlloc is the allocator of Parquet writers; tests give a checked one (Options.alloc) to
// catch leaks.
var defaultAlloc memory.Allocator = memory.DefaultAllocator

// Writer streams rows into a Parquet file: set the cells of a row, then EndRow. Rows
// are buffered column by column and encoded in batches into row groups of at most
// RowGroupRows rows, so memory stays flat however many rows are written. A batch is encoded
// on a goroutine of its own while the next one fills. It is not safe for concurrent use.
type Writer struct {
	cols   []Column
	schema *arrow.Schema
	fw     *pqarrow.FileWriter
	b      []colBuilder
	set    []int64 // row number that last set each column
	row    int64   // 1-based number of the row being filled

	batchRows   int
	batchBytes  int // text bytes buffered, plus rowOverhead per row
	rowOverhead int // the builders' fixed bytes per row: offsets, values, validity
	rgRows      int // rows in the open row group
	rgMax       int
	err         error
	closed      bool

	jobs   chan encodeJob // to the encoding goroutine
	done   chan struct{}  // closed when it has finished
	encMu  sync.Mutex
	encErr error // the encoding goroutine's first error
}

type encodeJob struct {
	rec         arrow.RecordBatch
	newRowGroup bool
}

type colBuilder struct {
	str  *array.StringBuilder
	f64  *array.Float64Builder
	dec  *array.Decimal128Builder
	i64  *array.Int64Builder
	ts   *array.TimestampBuilder
	mp   *array.MapBuilder
	keys *array.StringBuilder
	sval *array.StringBuilder
	fval *array.Float64Builder

	// the last timestamp text parsed, since CUR dates repeat row after row
	lastText string
	lastMs   int64
}

func (c *colBuilder) builder() array.Builder {
	switch {
	case c.str != nil:
		return c.str
	case c.f64 != nil:
		return c.f64
	case c.dec != nil:
		return c.dec
	case c.i64 != nil:
		return c.i64
	case c.ts != nil:
		return c.ts
	}
	return c.mp
}

var tsType = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}

func arrowType(t Type) (arrow.DataType, error) {
	switch t {
	case String:
		return arrow.BinaryTypes.String, nil
	case Double:
		return arrow.PrimitiveTypes.Float64, nil
	case Decimal:
		return &arrow.Decimal128Type{Precision: 38, Scale: money.Scale}, nil
	case Int64:
		return arrow.PrimitiveTypes.Int64, nil
	case Timestamp:
		return tsType, nil
	case StringMap:
		return arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), nil
	case DoubleMap:
		return arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Float64), nil
	}
	return nil, fmt.Errorf("unknown column type %d", int(t))
}

// noClose hides the destination's Close: the Parquet library closes a writer that has one,
// and the caller owns w.
type noClose struct{ io.Writer }

// New starts a Parquet file on w with the given columns, all nullable.
func New(w io.Writer, cols []Column, o Options) (*Writer, error) {
	rg := o.RowGroupRows
	if rg <= 0 || rg > MaxRowGroupRows {
		rg = MaxRowGroupRows
	}
	var codec compress.Compression
	switch strings.ToLower(o.Compression) {
	case "", "snappy":
		codec = compress.Codecs.Snappy
	case "zstd":
		codec = compress.Codecs.Zstd
	case "gzip":
		codec = compress.Codecs.Gzip
	case "none", "uncompressed":
		codec = compress.Codecs.Uncompressed
	default:
		return nil, fmt.Errorf("parquet writer: unknown compression %q (valid: snappy, zstd, gzip, none)", o.Compression)
	}
	if len(cols) == 0 {
		return nil, errors.New("parquet writer: no columns")
	}
	mem := cmp.Or[memory.Allocator](o.alloc, defaultAlloc)
	fields := make([]arrow.Field, len(cols))
	seen := make(map[string]bool, len(cols))
	for i, c := range cols {
		if c.Name == "" || seen[c.Name] {
			return nil, fmt.Errorf("parquet writer: column %d: empty or repeated name %q", i, c.Name)
		}
		seen[c.Name] = true
		dt, err := arrowType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("parquet writer: column %s: %w", c.Name, err)
		}
		fields[i] = arrow.Field{Name: c.Name, Type: dt, Nullable: true}
	}
	pw := &Writer{
		cols:   append([]Column(nil), cols...),
		schema: arrow.NewSchema(fields, nil),
		b:      make([]colBuilder, len(cols)),
		set:    make([]int64, len(cols)),
		row:    1,
		rgMax:  rg,
	}
	for i, c := range cols {
		cb := &pw.b[i]
		switch c.Type {
		case String:
			cb.str = array.NewStringBuilder(mem)
		case Double:
			cb.f64 = array.NewFloat64Builder(mem)
		case Decimal:
			cb.dec = array.NewDecimal128Builder(mem, fields[i].Type.(*arrow.Decimal128Type))
		case Int64:
			cb.i64 = array.NewInt64Builder(mem)
		case Timestamp:
			cb.ts = array.NewTimestampBuilder(mem, tsType)
		case StringMap, DoubleMap:
			cb.mp = array.NewMapBuilderWithType(mem, fields[i].Type.(*arrow.MapType))
			cb.keys = cb.mp.KeyBuilder().(*array.StringBuilder)
			if c.Type == StringMap {
				cb.sval = cb.mp.ItemBuilder().(*array.StringBuilder)
			} else {
				cb.fval = cb.mp.ItemBuilder().(*array.Float64Builder)
			}
		}
	}
	props := parquet.NewWriterProperties(
		parquet.WithAllocator(mem),
		parquet.WithCompression(codec),
		parquet.WithMaxRowGroupLength(int64(rg)),
		parquet.WithDictionaryDefault(true),
	)
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem))
	fw, err := pqarrow.NewFileWriter(pw.schema, noClose{w}, props, arrProps)
	if err != nil {
		pw.release()
		return nil, fmt.Errorf("parquet writer: %w", err)
	}
	pw.fw = fw
	pw.rowOverhead = 9 * len(cols)
	pw.jobs, pw.done = make(chan encodeJob), make(chan struct{})
	go pw.encode()
	return pw, nil
}

// encode writes batches into the file until jobs closes.
func (w *Writer) encode() {
	defer close(w.done)
	for j := range w.jobs {
		if w.encodeErr() == nil {
			var err error
			if j.newRowGroup {
				err = w.fw.NewBufferedRowGroupChecked()
			}
			if err == nil {
				err = w.fw.WriteBuffered(j.rec)
			}
			if err != nil {
				w.encMu.Lock()
				w.encErr = fmt.Errorf("parquet writer: %w", err)
				w.encMu.Unlock()
			}
		}
		j.rec.Release()
	}
}

func (w *Writer) encodeErr() error {
	w.encMu.Lock()
	defer w.encMu.Unlock()
	return w.encErr
}

// Columns returns the writer's columns.
func (w *Writer) Columns() []Column { return w.cols }

// mark claims column col for the current row; false (and an error kept for EndRow) when the
// index is out of range, the type does not accept the value or the cell was already set.
// Sets of column types, for mark.
const (
	anyType   = 1<<String | 1<<Double | 1<<Decimal | 1<<Int64 | 1<<Timestamp | 1<<StringMap | 1<<DoubleMap
	mapTypes  = 1<<StringMap | 1<<DoubleMap
	flatTypes = anyType &^ mapTypes
)

func (w *Writer) mark(col int, what string, ok uint) bool {
	if w.err != nil {
		return false
	}
	if col < 0 || col >= len(w.cols) {
		w.err = fmt.Errorf("parquet writer: row %d: no column %d", w.row, col)
		return false
	}
	if ok&(1<<w.cols[col].Type) == 0 {
		w.err = fmt.Errorf("parquet writer: row %d: column %s is %s, cannot take %s", w.row, w.cols[col].Name, w.cols[col].Type, what)
		return false
	}
	if w.set[col] == w.row {
		w.err = fmt.Errorf("parquet writer: row %d: column %s set twice", w.row, w.cols[col].Name)
		return false
	}
	w.set[col] = w.row
	return true
}

func (w *Writer) cellErr(col int, err error) {
	if w.err == nil {
		w.err = fmt.Errorf("parquet writer: row %d: column %s: %w", w.row, w.cols[col].Name, err)
	}
}

// SetString sets a cell from text. "" is written as an empty string, not NULL (use SetNull).
// Non-text columns parse the text: DOUBLE and DECIMAL as a decimal number, INT64 as an
// integer, TIMESTAMP as RFC 3339 in UTC ("2006-01-02T15:04:05Z", fractions allowed).
func (w *Writer) SetString(col int, s string) {
	if !w.mark(col, "text", flatTypes) {
		return
	}
	cb := &w.b[col]
	switch w.cols[col].Type {
	case String:
		cb.str.Append(s)
		w.batchBytes += len(s)
	case Double, Decimal:
		a, _, err := money.ParseString(s)
		if err != nil {
			w.cellErr(col, err)
			return
		}
		w.appendAmount(cb, w.cols[col].Type, a)
	case Int64:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			w.cellErr(col, err)
			return
		}
		cb.i64.Append(v)
	case Timestamp:
		if s != cb.lastText || cb.lastText == "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				w.cellErr(col, err)
				return
			}
			cb.lastText, cb.lastMs = strings.Clone(s), t.UnixMilli()
		}
		cb.ts.Append(arrow.Timestamp(cb.lastMs))
	}
}

// SetBytes sets a text cell from bytes, which are copied: writers that render text into a
// scratch buffer need no string per cell.
func (w *Writer) SetBytes(col int, b []byte) {
	if !w.mark(col, "text", 1<<String) {
		return
	}
	w.b[col].str.BinaryBuilder.Append(b)
	w.batchBytes += len(b)
}

// SetAmount sets a money cell: exact in a DECIMAL column; in a DOUBLE column the double
// nearest to the exact decimal, which prints back as the same decimal for amounts of up to 15
// significant digits; in a text column its decimal text.
func (w *Writer) SetAmount(col int, a money.Amount) {
	if !w.mark(col, "an amount", 1<<Double|1<<Decimal|1<<String) {
		return
	}
	cb := &w.b[col]
	if w.cols[col].Type == String {
		var buf [32]byte
		cb.str.BinaryBuilder.Append(a.Append(buf[:0]))
		w.batchBytes += 12
		return
	}
	w.appendAmount(cb, w.cols[col].Type, a)
}

func (w *Writer) appendAmount(cb *colBuilder, t Type, a money.Amount) {
	if t == Decimal {
		cb.dec.Append(decimal128.FromI64(int64(a)))
		return
	}
	cb.f64.Append(a.NearestFloat())
}

// SetFloat64 sets a DOUBLE cell.
func (w *Writer) SetFloat64(col int, f float64) {
	if !w.mark(col, "a double", 1<<Double) {
		return
	}
	w.b[col].f64.Append(f)
}

// SetInt64 sets an INT64 cell, or a TIMESTAMP cell in milliseconds since 1970 UTC.
func (w *Writer) SetInt64(col int, v int64) {
	if !w.mark(col, "an integer", 1<<Int64|1<<Timestamp) {
		return
	}
	cb := &w.b[col]
	if cb.ts != nil {
		cb.ts.Append(arrow.Timestamp(v))
		return
	}
	cb.i64.Append(v)
}

// SetNull sets a cell to NULL, which is also what a cell not set in a row becomes.
func (w *Writer) SetNull(col int) {
	if !w.mark(col, "NULL", anyType) {
		return
	}
	w.b[col].builder().AppendNull()
}

// SetMap sets a map cell from parallel keys and values, in the given order (an empty map when
// keys is empty). A MAP<string,double> column takes values as decimal text; "" is a NULL value.
func (w *Writer) SetMap(col int, keys []string, values []string) {
	if !w.mark(col, "a map", mapTypes) {
		return
	}
	cb := &w.b[col]
	if len(keys) != len(values) {
		w.cellErr(col, fmt.Errorf("%d keys but %d values", len(keys), len(values)))
		cb.mp.AppendNull()
		return
	}
	cb.mp.Append(true)
	for i, k := range keys {
		cb.keys.Append(k)
		w.batchBytes += len(k) + len(values[i])
		if cb.sval != nil {
			cb.sval.Append(values[i])
			continue
		}
		if values[i] == "" {
			cb.fval.AppendNull()
			continue
		}
		a, _, err := money.ParseString(values[i])
		if err != nil {
			w.cellErr(col, err)
			cb.fval.AppendNull()
			continue
		}
		cb.fval.Append(a.NearestFloat())
	}
}

// EndRow completes the current row: columns not set in it are NULL. Every few tens of
// thousands of rows the buffered rows are encoded into the file.
func (w *Writer) EndRow() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("parquet writer: EndRow after Close")
	}
	for i := range w.b {
		if w.set[i] != w.row {
			w.b[i].builder().AppendNull()
		}
	}
	w.row++
	w.batchRows++
	w.batchBytes += w.rowOverhead
	if w.batchRows >= writeBatchRows || w.batchRows >= w.rgMax-w.rgRows || w.batchBytes >= writeBatchBytes {
		return w.flush()
	}
	return nil
}

// flush hands the buffered rows to the encoder; a batch never overflows the open row group,
// which closes when full.
func (w *Writer) flush() error {
	if err := w.encodeErr(); err != nil {
		w.err = err
		return err
	}
	if w.batchRows == 0 {
		return nil
	}
	arrs := make([]arrow.Array, len(w.b))
	for i := range w.b {
		arrs[i] = w.b[i].builder().NewArray()
	}
	rec := array.NewRecordBatch(w.schema, arrs, int64(w.batchRows))
	for _, a := range arrs {
		a.Release()
	}
	w.jobs <- encodeJob{rec: rec, newRowGroup: w.rgRows == 0}
	w.rgRows += w.batchRows
	if w.rgRows >= w.rgMax {
		w.rgRows = 0
	}
	w.batchRows, w.batchBytes = 0, 0
	return nil
}

// Close writes the buffered rows and the file footer. It does not close the io.Writer. A row
// begun but not ended is an error.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	defer w.release()
	if w.err == nil {
		// The cells of an unfinished row are already in some builders: writing them would
		// leave columns of different lengths.
		for i := range w.set {
			if w.set[i] == w.row {
				w.err = errors.New("parquet writer: Close with a row not ended")
				break
			}
		}
	}
	if w.err == nil {
		w.flush()
	}
	close(w.jobs)
	<-w.done
	if w.err == nil {
		w.err = w.encodeErr()
	}
	if err := w.fw.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("parquet writer: %w", err)
	}
	return w.err
}

func (w *Writer) release() {
	for i := range w.b {
		if b := w.b[i].builder(); b != nil {
			b.Release()
		}
	}
}
