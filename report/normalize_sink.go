package report

import (
	"bufio"
	"encoding/csv"
	"io"
)

// CSVSink writes normalized rows as RFC 4180 CSV with one header row; amounts keep their full
// precision and empty cells stay empty.
type CSVSink struct {
	bw  *bufio.Writer
	w   *csv.Writer
	rec []string
}

// NewCSVSink returns a sink writing to w; call Flush at the end.
func NewCSVSink(w io.Writer) *CSVSink {
	bw := bufio.NewWriterSize(w, 1<<16)
	return &CSVSink{bw: bw, w: csv.NewWriter(bw)}
}

// Header writes the header row.
func (s *CSVSink) Header(names []string, _ []bool) error {
	s.rec = make([]string, len(names))
	return s.w.Write(names)
}

// Row writes one row.
func (s *CSVSink) Row(cells []Cell) error {
	for i, c := range cells {
		switch {
		case c.Empty:
			s.rec[i] = ""
		case c.IsAmount:
			s.rec[i] = c.Amount.String()
		default:
			s.rec[i] = c.Text
		}
	}
	return s.w.Write(s.rec)
}

// Flush writes out what is buffered.
func (s *CSVSink) Flush() error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return err
	}
	return s.bw.Flush()
}
