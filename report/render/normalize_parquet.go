package render

import (
	"io"

	"github.com/curnorm/curnorm/cur/pqwrite"
	"github.com/curnorm/curnorm/report"
)

// ParquetSink writes normalized rows as Parquet with typed columns: amounts as DECIMAL(38,10),
// so no value passes through a float; dates as TIMESTAMP(MILLIS, UTC); text as UTF8 strings.
// Empty cells are NULL. Row groups are capped by the writer, so memory stays flat.
type ParquetSink struct {
	out   io.Writer
	pw    *pqwrite.Writer
	types []report.CellType
}

// NewParquetSink returns a sink writing Parquet to w; call Flush at the end.
func NewParquetSink(w io.Writer) *ParquetSink { return &ParquetSink{out: w} }

// parquetTypes are the Parquet column types of the cell types.
var parquetTypes = [...]pqwrite.Type{report.CellText: pqwrite.String, report.CellAmount: pqwrite.Decimal, report.CellTime: pqwrite.Timestamp}

// Header fixes the schema.
func (s *ParquetSink) Header(names []string, types []report.CellType) error {
	cols := make([]pqwrite.Column, len(names))
	for i, n := range names {
		cols[i] = pqwrite.Column{Name: n, Type: parquetTypes[types[i]]}
	}
	pw, err := pqwrite.New(s.out, cols, pqwrite.Options{})
	if err != nil {
		return err
	}
	s.pw, s.types = pw, types
	return nil
}

// Row writes one row.
func (s *ParquetSink) Row(cells []report.Cell) error {
	for i, c := range cells {
		switch {
		case c.Empty:
			s.pw.SetNull(i)
		case s.types[i] == report.CellAmount:
			s.pw.SetAmount(i, c.Amount)
		case s.types[i] == report.CellTime:
			s.pw.SetInt64(i, c.Time)
		default:
			s.pw.SetString(i, c.Text)
		}
	}
	return s.pw.EndRow()
}

// Flush writes the last row group and the footer.
func (s *ParquetSink) Flush() error {
	if s.pw == nil {
		return nil
	}
	return s.pw.Close()
}
