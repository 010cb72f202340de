package render

import (
	"bytes"
	"encoding/csv"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/curnorm/curnorm/report"
)

func pivotFixture(t *testing.T) *report.Pivot {
	row := func(key, currency string, costs ...string) *report.PivotRow {
		r := &report.PivotRow{Currency: currency}
		if key != "" {
			r.Key = []string{key}
		}
		for _, c := range costs {
			r.Cost = append(r.Cost, amt(t, c))
		}
		return r
	}
	return &report.Pivot{Dimensions: []string{"service"}, Periods: []string{"2026-09", "2026-10", "2026-11"},
		Partial: []bool{false, false, true},
		Rows:    []*report.PivotRow{row("AmazonEC2", "USD", "10", "11.255", "7.5"), row("=cmd", "USD", "0", "2", "1")},
		Totals:  []*report.PivotRow{row("", "USD", "10", "13.255", "8.5")}}
}

// TestPivotCSV reads the pivot back: a column per period, the partial one marked, each change
// the exact difference of its period and the one before, formulas escaped.
func TestPivotCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WritePivot(&b, pivotFixture(t), Options{Format: "csv", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"service", "currency", "2026-09", "2026-10", "change 2026-10", "2026-11 (partial)", "change 2026-11"}
	if !slices.Equal(rows[0], header) || len(rows) != 4 {
		t.Fatalf("csv:\n%q", rows)
	}
	if rows[2][0] != "'=cmd" || rows[3][0] != "(total)" {
		t.Errorf("keys %q, %q", rows[2][0], rows[3][0])
	}
	for _, r := range rows[1:] {
		n := make([]*big.Rat, len(r))
		for i := 2; i < len(r); i++ {
			var ok bool
			if n[i], ok = new(big.Rat).SetString(r[i]); !ok {
				t.Fatalf("%q: not a number", r[i])
			}
		}
		// change column: the period before it minus the period before that one
		for c, from := range map[int][2]int{4: {3, 2}, 6: {5, 3}} {
			if d := new(big.Rat).Sub(n[from[0]], n[from[1]]); d.Cmp(n[c]) != 0 {
				t.Errorf("%s %s = %s, want %s", r[0], header[c], r[c], d.FloatString(4))
			}
		}
	}
}

// TestPivotXLSX: the workbook holds the csv's figures as numbers, the totals on a sheet of their own.
func TestPivotXLSX(t *testing.T) {
	var x, c bytes.Buffer
	p := pivotFixture(t)
	if err := WritePivot(&x, p, Options{Format: "xlsx", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	if err := WritePivot(&c, p, Options{Format: "csv", Precision: -1, NoFormulaEscape: true}); err != nil {
		t.Fatal(err)
	}
	want, _ := csv.NewReader(&c).ReadAll()
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows("pivot", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	totals, _ := f.GetRows("totals", excelize.Options{RawCellValue: true})
	got = append(got, totals[1:]...)
	if len(got) != len(want) {
		t.Fatalf("workbook rows %q, csv %q", got, want)
	}
	for i := range want {
		for j := range want[i] {
			g, w := got[i][j], want[i][j]
			if i > 0 && j >= 2 {
				gf, _ := strconv.ParseFloat(g, 64)
				wf, _ := strconv.ParseFloat(w, 64)
				g, w = strconv.FormatFloat(gf, 'f', 6, 64), strconv.FormatFloat(wf, 'f', 6, 64)
			}
			if g != w {
				t.Errorf("row %d column %d: workbook %q, csv %q", i, j, got[i][j], want[i][j])
			}
		}
	}
}

// TestPivotForPeople: table and markdown round to cents and mark the partial month and the totals.
func TestPivotForPeople(t *testing.T) {
	for format, want := range map[string][]string{
		"table":    {"2026-11 (partial)", "change 2026-11", "TOTAL", "13.26", "-4.76"},
		"markdown": {"| 2026-11 (partial) |", "|---|---|---:|", "| **(total)** | **USD** | **10.00** |", "| -3.76 |"},
	} {
		var b bytes.Buffer
		if err := WritePivot(&b, pivotFixture(t), Options{Format: format, Precision: -1}); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s lacks %q:\n%s", format, w, b.String())
			}
		}
	}
}
