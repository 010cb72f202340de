package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// xlsxResult is mixedResult with an account id that a number would lose the leading zero of.
func xlsxResult(t *testing.T) *report.Result {
	r := mixedResult(t)
	r.Groups[0].Key = []string{"011254002932", "web"}
	// --usage: a quantity, and a group whose units mix.
	r.Usage = true
	hours, _, err := money.ParseString("1234.5")
	if err != nil {
		t.Fatal(err)
	}
	r.Groups[0].Usage = report.Usage{Rows: 2, Amount: money.SumOf(hours), Unit: "Hrs"}
	r.Groups[1].Usage = report.Usage{Rows: 2, Amount: money.SumOf(hours), Unit: report.MixedUnits}
	return r
}

// TestXLSX reads the workbook back: one sheet per section, ids as text, money and counts as
// numbers equal to the csv's, rates as percentages, totals on their own sheet.
func TestXLSX(t *testing.T) {
	r := xlsxResult(t)
	var buf bytes.Buffer
	if err := Write(&buf, r, Options{Format: "xlsx", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"groups", "totals", "summary"}) {
		t.Fatalf("sheets %v", got)
	}
	csvRows := csvOf(t, r)
	groups, totals := csvRows[:len(r.Groups)+1], append([][]string{csvRows[0]}, csvRows[len(r.Groups)+1:]...)
	for sheet, want := range map[string][][]string{"groups": groups, "totals": totals} {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(want) {
			t.Fatalf("%s: %d rows, want %d", sheet, len(rows), len(want))
		}
		for i, row := range rows {
			for j, v := range row {
				if !sameCell(v, want[i][j]) {
					t.Errorf("%s row %d column %s: %q, csv has %q", sheet, i+1, want[0][j], v, want[i][j])
				}
			}
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header row not frozen: %+v, %v", sheet, panes, err)
		}
	}
	types := map[string]excelize.CellType{"A2": excelize.CellTypeInlineString, "C2": excelize.CellTypeInlineString,
		"D2": excelize.CellTypeUnset, "E2": excelize.CellTypeUnset, "K2": excelize.CellTypeUnset, "L2": excelize.CellTypeInlineString}
	for cell, want := range types {
		if got, err := f.GetCellType("groups", cell); err != nil || got != want {
			t.Errorf("groups %s: cell type %v, want %v (%v)", cell, got, want, err)
		}
	}
	if v, _ := f.GetCellValue("groups", "A2"); v != "011254002932" {
		t.Errorf("account id %q, want its leading zero kept", v)
	}
	if v, _ := f.GetCellValue("groups", "E2"); v != "3,400.00 USD" {
		t.Errorf("money shown as %q, want 3,400.00 USD", v)
	}
	if v, _ := f.GetCellValue("groups", "K2"); v != "1234.5" {
		t.Errorf("usage shown as %q, want 1234.5", v)
	}
	if v, _ := f.GetCellValue("groups", "I2"); v != "32.00%" {
		t.Errorf("savings rate shown as %q, want 32.00%%", v)
	}
	summary, err := f.GetRows("summary", excelize.Options{RawCellValue: true})
	if err != nil || len(summary) != 1+len(r.Summaries) {
		t.Fatalf("summary: %d rows, %v", len(summary), err)
	}
	if got := summary[1][:3]; !slices.Equal(got, []string{"2026-10", "EUR", "1"}) {
		t.Errorf("summary row %v", got)
	}
}

// TestXLSXSecondReader opens the workbook with openpyxl, an implementation of its own.
func TestXLSXSecondReader(t *testing.T) {
	// Debian's python3-openpyxl serves the system interpreter, which another python3 on PATH
	// may hide.
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import openpyxl").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Skip("python3 with openpyxl is not installed: apt-get install python3-openpyxl")
	}
	r := xlsxResult(t)
	path := filepath.Join(t.TempDir(), "report.xlsx")
	var buf bytes.Buffer
	if err := Write(&buf, r, Options{Format: "xlsx", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
json.dump({ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}, sys.stdout, default=str)
`
	out, err := exec.Command(python, "-c", script, path).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	var sheets map[string][][]any
	if err := json.Unmarshal(out, &sheets); err != nil {
		t.Fatal(err)
	}
	want := csvOf(t, r)
	groups := sheets["groups"]
	if len(groups) != len(r.Groups)+1 {
		t.Fatalf("openpyxl sees %d rows on groups, want %d", len(groups), len(r.Groups)+1)
	}
	for i, row := range groups {
		for j, v := range row {
			got := ""
			switch v := v.(type) {
			case string:
				got = v
			case float64:
				got = strconv.FormatFloat(v, 'f', -1, 64)
			case bool:
				got = strconv.FormatBool(v)
			}
			if !sameCell(got, want[i][j]) {
				t.Errorf("openpyxl: groups row %d column %s: %v, csv has %q", i+1, want[0][j], v, want[i][j])
			}
		}
	}
	if id, ok := groups[1][0].(string); !ok || id != "011254002932" {
		t.Errorf("openpyxl reads the account id as %#v, want the text 011254002932", groups[1][0])
	}
}

// csvOf is r as the csv writer prints it, without formula escaping (xlsx types its cells).
func csvOf(t *testing.T, r *report.Result) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, Options{Format: "csv", Precision: -1, NoFormulaEscape: true}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// sameCell compares a cell read back with the csv's: numbers by value, to a double's
// precision; booleans as excelize reads them (1/0) or as text; the rest as text.
func sameCell(got, want string) bool {
	if got == want {
		return true
	}
	if w, err := strconv.ParseFloat(want, 64); err == nil {
		g, err := strconv.ParseFloat(got, 64)
		return err == nil && g == w
	}
	switch strings.ToLower(want) {
	case "true":
		return got == "1" || got == "TRUE"
	case "false":
		return got == "0" || got == "FALSE"
	}
	return false
}

// TestCheckXLSX reads a check workbook back: the verdict, one row per rule, the changes with
// the rules each group broke, totals apart, and one row per finding item with its amount as a
// number.
func TestCheckXLSX(t *testing.T) {
	c := goldenCheck(t)
	var buf bytes.Buffer
	if err := WriteCheck(&buf, c, Options{Format: "xlsx", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"check", "rules", "changes", "totals", "findings"}) {
		t.Fatalf("sheets %v", got)
	}
	rows := func(sheet string) [][]string {
		rs, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	check := rows("check")
	raw := map[bool]string{false: "0", true: "1"} // a boolean cell's raw value
	if len(check) != 2 || check[1][0] != raw[false] || check[1][1] != Verdict(c) || check[1][3] != "service" {
		t.Errorf("check sheet %q", check)
	}
	rules := rows("rules")
	if len(rules) != len(c.Rules)+1 || rules[0][0] != "rule" {
		t.Fatalf("rules sheet %q", rules)
	}
	for i, r := range c.Rules {
		if rules[i+1][0] != r.Rule || rules[i+1][4] != raw[r.Passed()] {
			t.Errorf("rules row %d %q, want %s passed=%v", i+1, rules[i+1], r.Rule, r.Passed())
		}
	}
	changes := rows("changes")
	if len(changes) != len(c.Diff.Groups)+1 || changes[0][len(changes[0])-1] != "failed" {
		t.Fatalf("changes sheet %q", changes)
	}
	if changes[1][0] != "AmazonEC2" || changes[1][len(changes[1])-1] != "max-increase 10%" {
		t.Errorf("first change %q, want AmazonEC2 failing max-increase 10%%", changes[1])
	}
	if totals := rows("totals"); len(totals) != len(c.Diff.Totals)+1 {
		t.Errorf("totals sheet %q", totals)
	}
	items := 0
	for _, fd := range c.Findings {
		items += max(len(fd.Items), 1)
	}
	findings := rows("findings")
	if len(findings) != items+1 {
		t.Fatalf("findings sheet: %d rows, want %d", len(findings), items+1)
	}
	over := slices.IndexFunc(findings, func(r []string) bool { return r[0] == "over-on-demand" })
	if over < 0 {
		t.Fatalf("no over-on-demand row in %q", findings)
	}
	if typ, _ := f.GetCellType("findings", "H"+strconv.Itoa(over+1)); typ != excelize.CellTypeUnset || findings[over][7] == "" {
		t.Errorf("over-on-demand amount %q is a %v cell, want a number", findings[over][7], typ)
	}
}

// TestXLSXSummaryOfFOCUS: the summary sheet of FOCUS input leaves the metrics FOCUS cannot
// answer blank and says why the reconciliation does not apply.
func TestXLSXSummaryOfFOCUS(t *testing.T) {
	p := reporttest.WriteBill(t, t.TempDir(), "focus.csv", "BilledCost,EffectiveCost,ListCost,ChargeCategory,BillingCurrency,BillingPeriodStart\n"+
		"10,8,12,Usage,USD,2026-10-01T00:00:00Z\n")
	var buf bytes.Buffer
	if err := Write(&buf, reporttest.Run(t, p, pricing.Amortized), Options{Format: "xlsx", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("summary", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("summary rows %q", rows)
	}
	got := map[string]string{}
	for j, h := range rows[0] {
		if j < len(rows[1]) {
			got[h] = rows[1][j]
		}
	}
	want := map[string]string{"amortized": "8", "unblended": "10", "simple": "", "net-amortized": "", "reconciliation": "n/a (FOCUS input)"}
	for h, w := range want {
		if got[h] != w {
			t.Errorf("summary %s = %q, want %q", h, got[h], w)
		}
	}
}
