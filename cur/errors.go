package cur

import (
	"errors"
	"fmt"
	"strings"
)

// Error classes; main maps them to exit codes. Every error a reader returns wraps one of these
// inside an *Error that names the place.
var (
	// ErrUnsupportedFormat: not a CUR file curnorm can read (FOCUS, a non-CUR CSV, garbage).
	ErrUnsupportedFormat = errors.New("unsupported format")
	// ErrMissingColumn: a column the run needs is not in the file.
	ErrMissingColumn = errors.New("missing column")
	// ErrBadValue: a cell that cannot be read as its type.
	ErrBadValue = errors.New("bad value")
	// ErrCorrupt: a damaged or truncated file (gzip, zip, Parquet).
	ErrCorrupt = errors.New("corrupt or truncated file")
	// ErrMixedAssemblies: files of two deliveries of one billing period.
	ErrMixedAssemblies = errors.New("mixed assemblies")
	// ErrNoInput: nothing to read (an empty folder, an empty file).
	ErrNoInput = errors.New("no input")
)

// Error names the place of a failure: file, and where known the CSV line, the Parquet row
// group, the column and the byte offset. Zero values are unknown places, as in
// encoding/csv.ParseError: build one with FileError and the At/In methods.
type Error struct {
	File string
	Line int64 // 1-based CSV line; 0 when unknown
	// RowGroup is the Parquet row group counted from 1; 0 when unknown or not Parquet.
	// Messages number row groups from 0, as Parquet tools do.
	RowGroup int
	Column   string
	Offset   int64 // byte offset in the (decompressed) stream; 0 when unknown
	Err      error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.RowGroup > 0 {
		fmt.Fprintf(&b, ": row group %d", e.RowGroup-1)
	}
	if e.Offset > 0 {
		fmt.Fprintf(&b, ": offset %d", e.Offset)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %s", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// classed joins a class sentinel with the detail error so errors.Is finds both.
type classed struct {
	class  error
	detail error
}

func (c *classed) Error() string   { return c.detail.Error() }
func (c *classed) Unwrap() []error { return []error{c.class, c.detail} }

// FileError is the one way to build an Error: err in file, of class (one of the Err
// sentinels, or nil when err already wraps one); the At and In methods add the place.
func FileError(file string, class error, err error) *Error {
	if class != nil && !errors.Is(err, class) {
		err = &classed{class: class, detail: err}
	}
	return &Error{File: file, Err: err}
}

// FileErrorf is FileError with a formatted message.
func FileErrorf(file string, class error, format string, args ...any) *Error {
	return FileError(file, class, fmt.Errorf(format, args...))
}

// AtLine sets the 1-based CSV line.
func (e *Error) AtLine(line int64) *Error { e.Line = line; return e }

// AtRowGroup sets the Parquet row group by its 0-based index.
func (e *Error) AtRowGroup(index int) *Error { e.RowGroup = index + 1; return e }

// InColumn sets the column.
func (e *Error) InColumn(column string) *Error { e.Column = column; return e }
