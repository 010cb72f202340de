package render

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/curnorm/curnorm/report"
)

// xlsxMaxRows is the most rows a worksheet holds, its header row included.
const xlsxMaxRows = 1 << 20

// XLSXSink writes normalized rows as an Excel workbook, streamed: the library spills rows to
// a temporary file past a few MB, so a bill of millions of rows is not held in memory. Text
// cells stay text (ids keep their leading zeros, nothing runs as a formula), amounts are
// numbers in the row's currency format, dates are dates. A sheet that fills up continues on
// the next ("rows 2", ...), each with the header row.
type XLSXSink struct {
	w        io.Writer
	f        *excelize.File
	st       *sheetStyles
	date     int
	sw       *excelize.StreamWriter
	names    []string
	types    []report.CellType
	currency int // the currency column, or -1
	sheets   int
	row      int // the last row written on the current sheet
	maxRows  int // rows a sheet holds, header included
	cells    []any
}

// NewXLSXSink returns a sink writing to w; call Flush at the end.
func NewXLSXSink(w io.Writer) *XLSXSink { return &XLSXSink{w: w, maxRows: xlsxMaxRows} }

// Header starts the workbook and its first sheet.
func (s *XLSXSink) Header(names []string, types []report.CellType) error {
	s.f = excelize.NewFile()
	var err error
	if s.st, err = newSheetStyles(s.f); err != nil {
		return err
	}
	format := "yyyy-mm-dd hh:mm:ss"
	if s.date, err = s.f.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
		return err
	}
	s.names, s.types = names, types
	s.currency = slices.Index(names, "currency")
	s.cells = make([]any, len(names))
	return s.nextSheet()
}

// nextSheet flushes the current sheet, if any, and starts the next with the header row.
func (s *XLSXSink) nextSheet() error {
	if s.sw != nil {
		if err := s.sw.Flush(); err != nil {
			return err
		}
	}
	s.sheets++
	name := "rows"
	if s.sheets > 1 {
		name = fmt.Sprintf("rows %d", s.sheets)
		if _, err := s.f.NewSheet(name); err != nil {
			return err
		}
	} else if err := s.f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	var err error
	if s.sw, err = s.f.NewStreamWriter(name); err != nil {
		return err
	}
	if err := s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(s.names))
	for i, h := range s.names {
		header[i] = excelize.Cell{StyleID: s.st.header, Value: h}
		if err := s.sw.SetColWidth(i+1, i+1, float64(max(10, min(40, len(h)+2)))); err != nil {
			return err
		}
	}
	s.row = 1
	return s.sw.SetRow("A1", header)
}

// Row writes one row.
func (s *XLSXSink) Row(cells []report.Cell) error {
	if s.row == s.maxRows {
		if err := s.nextSheet(); err != nil {
			return err
		}
	}
	currency := ""
	if s.currency >= 0 {
		currency = cells[s.currency].Text
	}
	for i, c := range cells {
		switch {
		case c.Empty:
			s.cells[i] = nil
		case s.types[i] == report.CellAmount:
			x, err := strconv.ParseFloat(c.Amount.String(), 64)
			if err != nil {
				return err
			}
			style, err := s.st.money(currency)
			if err != nil {
				return err
			}
			s.cells[i] = excelize.Cell{StyleID: style, Value: x + 0} // + 0: no -0.00
		case s.types[i] == report.CellTime:
			s.cells[i] = excelize.Cell{StyleID: s.date, Value: time.UnixMilli(c.Time).UTC()}
		default:
			s.cells[i] = c.Text
		}
	}
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, s.cells)
}

// Flush finishes the workbook and writes it, its zip entries in name order so that the same
// rows give the same bytes.
func (s *XLSXSink) Flush() error {
	if s.f == nil {
		return nil
	}
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return err
	}
	if err := s.f.SetDocProps(&excelize.DocProperties{Creator: "curnorm", Created: docTime, Modified: docTime}); err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "curnorm-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	// The library's writers assemble the archive in memory; its zip writer hook sends the
	// archive to the file instead, so memory stays flat however many rows there are.
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(tmp) })
	if _, err := s.f.WriteToBuffer(); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	return sortedZip(s.w, tmp, size)
}
