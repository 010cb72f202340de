package render

import (
	"bufio"
	"io"
	"strings"

	"github.com/curnorm/curnorm/report"
)

// CSVSink writes normalized rows as RFC 4180 CSV with one header row: amounts in full
// precision, dates in RFC 3339 (UTC), empty cells empty.
type CSVSink struct {
	// NoFormulaEscape writes text cells as they are instead of SpreadsheetSafe, for programs
	// that read the file; amounts and dates are never changed either way.
	NoFormulaEscape bool

	bw    *bufio.Writer
	types []report.CellType
	buf   []byte
}

// NewCSVSink returns a sink writing to w; call Flush at the end.
func NewCSVSink(w io.Writer) *CSVSink {
	return &CSVSink{bw: bufio.NewWriterSize(w, 1<<16)}
}

// Header writes the header row.
func (s *CSVSink) Header(names []string, types []report.CellType) error {
	s.types = types
	s.buf = s.buf[:0]
	for i, n := range names {
		if i > 0 {
			s.buf = append(s.buf, ',')
		}
		s.buf = appendCSVField(s.buf, n)
	}
	s.buf = append(s.buf, '\n')
	_, err := s.bw.Write(s.buf)
	return err
}

// Row writes one row. Text cells become SpreadsheetSafe unless NoFormulaEscape.
func (s *CSVSink) Row(cells []report.Cell) error {
	s.buf = s.buf[:0]
	for i, c := range cells {
		if i > 0 {
			s.buf = append(s.buf, ',')
		}
		switch {
		case c.Empty:
		case s.types[i] == report.CellAmount:
			s.buf = c.Amount.Append(s.buf)
		case s.types[i] == report.CellTime:
			s.buf = append(s.buf, c.Text...)
		default:
			text := c.Text
			if !s.NoFormulaEscape {
				text = SpreadsheetSafe(text)
			}
			s.buf = appendCSVField(s.buf, text)
		}
	}
	s.buf = append(s.buf, '\n')
	_, err := s.bw.Write(s.buf)
	return err
}

// appendCSVField appends s quoted as encoding/csv quotes a field: when it holds a comma, a
// quote or a line break, or starts with a space or tab.
func appendCSVField(dst []byte, s string) []byte {
	if s == "" || (!strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[0] != '\t') {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// Flush writes out what is buffered.
func (s *CSVSink) Flush() error { return s.bw.Flush() }
