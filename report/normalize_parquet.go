package report

import (
	"io"

	"github.com/curnorm/curnorm/cur"
)

// ParquetSink writes normalized rows as Parquet: amounts as DECIMAL(38,10), so no value passes
// through a float; row groups are capped by the writer, so memory stays flat.
type ParquetSink struct {
	out io.Writer
	pw  *cur.ParquetWriter
}

// NewParquetSink returns a sink writing Parquet to w; call Flush at the end.
func NewParquetSink(w io.Writer) (*ParquetSink, error) { return &ParquetSink{out: w}, nil }

// Header fixes the schema.
func (s *ParquetSink) Header(names []string, amount []bool) error {
	cols := make([]cur.WriteColumn, len(names))
	for i, n := range names {
		cols[i] = cur.WriteColumn{Name: cur.Snake(n), Type: cur.ColString}
		if amount[i] {
			cols[i].Type = cur.ColDecimal
		}
	}
	pw, err := cur.NewParquetWriter(s.out, cols, cur.ParquetWriterOptions{})
	if err != nil {
		return err
	}
	s.pw = pw
	return nil
}

// Row writes one row.
func (s *ParquetSink) Row(cells []Cell) error {
	for i, c := range cells {
		switch {
		case c.Empty:
			s.pw.SetNull(i)
		case c.IsAmount:
			s.pw.SetAmount(i, c.Amount)
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
