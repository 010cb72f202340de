package render

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/report"
)

// TestXLSXSink writes rows past a sheet's capacity (made 3 rows here) and reads them back:
// every sheet starts with the header, ids stay text, amounts are numbers, dates are dates,
// empty cells are empty, and the same rows give the same bytes.
func TestXLSXSink(t *testing.T) {
	names := []string{"account", "line_item_usage_start_date", "currency", "actual_cost"}
	types := []report.CellType{report.CellText, report.CellTime, report.CellText, report.CellAmount}
	start := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	amounts := []string{"1234.5678", "-0.5", "0", "7", "12.25"}
	write := func() []byte {
		var buf bytes.Buffer
		s := NewXLSXSink(&buf)
		s.maxRows = 3
		if err := s.Header(names, types); err != nil {
			t.Fatal(err)
		}
		for i, a := range amounts {
			amt, _, err := money.ParseString(a)
			if err != nil {
				t.Fatal(err)
			}
			cells := []report.Cell{{Text: "011254002932"}, {Time: start.AddDate(0, 0, i).UnixMilli()}, {Text: "USD"}, {Amount: amt}}
			if i == 2 {
				cells[3].Empty = true
			}
			if err := s.Row(cells); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	data := write()
	if !bytes.Equal(data, write()) {
		t.Error("the same rows gave different bytes")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"rows", "rows 2", "rows 3"}) {
		t.Fatalf("sheets %v", got)
	}
	var values []string
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], names) {
			t.Errorf("%s header %q", sheet, rows[0])
		}
		for _, r := range rows[1:] {
			if r[0] != "011254002932" || r[2] != "USD" {
				t.Errorf("%s row %q: id or currency changed", sheet, r)
			}
			values = append(values, r[len(r)-1])
		}
	}
	if want := []string{"1234.5678", "-0.5", "USD", "7", "12.25"}; !slices.Equal(values, want) {
		t.Errorf("last cells %q, want %q (the empty amount leaves the row ending at its currency)", values, want)
	}
	if typ, _ := f.GetCellType("rows", "D2"); typ != excelize.CellTypeUnset {
		t.Errorf("amount cell type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue("rows", "B2"); v != "2026-10-02 00:00:00" {
		t.Errorf("date shown as %q", v)
	}
	if v, _ := f.GetCellValue("rows", "D2"); v != "1,234.57 USD" {
		t.Errorf("amount shown as %q", v)
	}
}

// BenchmarkXLSXSink writes normalize-shaped rows to a workbook and reports the peak heap
// sampled every 8,192 rows: streamed, it stays flat as the rows grow (compare rows=50000
// with rows=200000), where a sheet held in memory would grow with them.
func BenchmarkXLSXSink(b *testing.B) {
	names := []string{"account", "line_item_usage_start_date", "service", "usage_type", "currency", "actual_cost", "unblended_cost"}
	types := []report.CellType{report.CellText, report.CellTime, report.CellText, report.CellText, report.CellText, report.CellAmount, report.CellAmount}
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for _, n := range []int{50_000, 200_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			var peak uint64
			var ms runtime.MemStats
			for b.Loop() {
				runtime.GC()
				s := NewXLSXSink(io.Discard)
				if err := s.Header(names, types); err != nil {
					b.Fatal(err)
				}
				for i := range n {
					cells := []report.Cell{{Text: fmt.Sprintf("%012d", i%50)}, {Time: start + int64(i%720)*3_600_000},
						{Text: "AmazonEC2"}, {Text: "BoxUsage:m5.large"}, {Text: "USD"},
						{Amount: money.Amount(i) * 1_234_567}, {Amount: money.Amount(i) * 2_345_678}}
					if err := s.Row(cells); err != nil {
						b.Fatal(err)
					}
					if i%8192 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
					}
				}
				if err := s.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}
