package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/drift"
)

// The xlsx writers put each section on a sheet of its own: the data a pivot table sums (the
// groups, the changes) never holds a total row. Text cells are typed as text, so account ids
// keep their leading zeros and nothing runs as a formula; money is a number in a currency
// format (exact to a double's 15 significant digits: csv and json carry the exact decimals);
// rates are percentages.

func writeXLSX(w io.Writer, r *report.Result, o Options) error {
	g := resultGrid(r, o, keepText)
	return writeWorkbook(w, g, totalsGrid(g), summaryGrid(r, o))
}

func writeDiffXLSX(w io.Writer, d *drift.Diff, o Options) error {
	g := diffGrid(d, o, keepText)
	return writeWorkbook(w, g, totalsGrid(g))
}

func keepText(s string) string { return s }

// totalsGrid moves a grid's totals to a grid of their own.
func totalsGrid(g grid) grid {
	return grid{name: "totals", header: g.header, kinds: g.kinds, rows: g.totals}
}

// summaryGrid is the bill summary of WriteSummary, one row per billing period and currency.
func summaryGrid(r *report.Result, o Options) grid {
	money := o.moneyFormat(-1)
	g := grid{name: "summary", header: []string{"billing_period", "currency", colRows, "final"},
		kinds: []cellKind{cellText, cellCurrency, cellCount, cellBool}}
	for _, m := range pricing.Metrics {
		g.header = append(g.header, m.String())
		g.kinds = append(g.kinds, cellMoney)
	}
	g.header = append(g.header, colOnDemand, "priced_cost", colSavings, colSavingsRate, "effective_savings_rate",
		"unused_savings_plans", "unused_reservations", "reconciliation")
	g.kinds = append(g.kinds, cellMoney, cellMoney, cellMoney, cellRate, cellRate, cellMoney, cellMoney, cellText)
	for _, s := range r.Summaries {
		row := []string{periodText(s), s.Currency, strconv.FormatInt(s.Rows, 10), strconv.FormatBool(s.Final())}
		for _, m := range pricing.Metrics {
			v := money(s.ByMetric[m])
			if s.FOCUS && !m.ReadsFOCUS() {
				v = "" // no FOCUS column gives it
			}
			row = append(row, v)
		}
		rate, rateOK := summarySavingsRate(s)
		esr, esrOK := s.EffectiveSavingsRate()
		row = append(row, money(s.OnDemand), money(s.PricedCost), money(s.Savings()), rateText(rate, rateOK, false),
			rateText(esr, esrOK, false), money(s.UnusedSP), money(s.UnusedRI), reconciliationVerdict(s))
		g.rows = append(g.rows, row)
	}
	return g
}

// writeWorkbook writes one sheet per grid, in order, each with a frozen header row; a grid's
// currency column, if any, sets its money cells' number format.
func writeWorkbook(w io.Writer, grids ...grid) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	for i, g := range grids {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", g.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(g.name); err != nil {
			return err
		}
		if err := writeSheet(f, st, g); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", g.name, err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "curnorm", Created: docTime, Modified: docTime}); err != nil {
		return err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	return sortedZip(w, bytes.NewReader(buf.Bytes()), int64(buf.Len()))
}

// docTime dates every workbook alike: output depends on the bill alone.
const docTime = "2006-01-02T00:00:00Z"

// sortedZip copies a zip archive with its entries sorted by name: the library writes them in
// map order, and the same report must give the same bytes every time.
func sortedZip(w io.Writer, data io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(data, size)
	if err != nil {
		return err
	}
	files := slices.SortedFunc(slices.Values(zr.File), func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	zw := zip.NewWriter(w)
	for _, f := range files {
		raw, err := f.OpenRaw()
		if err != nil {
			return err
		}
		out, err := zw.CreateRaw(&f.FileHeader)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, raw); err != nil {
			return err
		}
	}
	return zw.Close()
}

// sheetStyles are the workbook's cell styles, money formats made per currency as met.
type sheetStyles struct {
	f              *excelize.File
	header, rate   int
	moneyByCurrncy map[string]int
}

func newSheetStyles(f *excelize.File) (*sheetStyles, error) {
	st := &sheetStyles{f: f, moneyByCurrncy: map[string]int{}}
	var err error
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return nil, err
	}
	if st.rate, err = f.NewStyle(&excelize.Style{NumFmt: 10}); err != nil { // 0.00%
		return nil, err
	}
	return st, nil
}

// money returns the style of amounts in a currency: thousands separators, two decimals shown
// (the cell keeps all of them), the currency code after the number.
func (st *sheetStyles) money(currency string) (int, error) {
	if id, ok := st.moneyByCurrncy[currency]; ok {
		return id, nil
	}
	format := "#,##0.00"
	if currency != "" {
		format += ` "` + currency + `"`
	}
	id, err := st.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err == nil {
		st.moneyByCurrncy[currency] = id
	}
	return id, err
}

func writeSheet(f *excelize.File, st *sheetStyles, g grid) error {
	sw, err := f.NewStreamWriter(g.name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(g.header))
	for i, h := range g.header {
		header[i] = excelize.Cell{StyleID: st.header, Value: h}
		if err := sw.SetColWidth(i+1, i+1, float64(max(10, min(40, len(h)+2)))); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	currencyCol := -1
	for i, k := range g.kinds {
		if k == cellCurrency {
			currencyCol = i
			break
		}
	}
	for n, row := range g.rows {
		currency := ""
		if currencyCol >= 0 {
			currency = row[currencyCol]
		}
		cells := make([]any, len(row))
		for i, v := range row {
			if cells[i], err = st.cell(g.kinds[i], v, currency); err != nil {
				return fmt.Errorf("row %d, column %s: %w", n+2, g.header[i], err)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if len(g.rows) > 0 && len(g.header) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(g.header), len(g.rows)+1)
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: g.name, StyleName: "TableStyleLight9"}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell types one text cell of a column of kind k.
func (st *sheetStyles) cell(k cellKind, v, currency string) (any, error) {
	if v == "" {
		return nil, nil
	}
	switch k {
	case cellCount:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err
	case cellMoney:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, err
		}
		x += 0 // -0 would show as "-0.00"
		style, err := st.money(currency)
		return excelize.Cell{StyleID: style, Value: x}, err
	case cellRate:
		x, err := strconv.ParseFloat(v, 64)
		return excelize.Cell{StyleID: st.rate, Value: x}, err
	case cellQuantity:
		x, err := strconv.ParseFloat(v, 64)
		return x, err
	case cellBool:
		b, err := strconv.ParseBool(v)
		return b, err
	}
	return v, nil
}

// writeCheckXLSX puts a check on sheets: the verdict, the rules with what each saw, every
// group that moved with the rules it broke, and the findings one item per row.
func writeCheckXLSX(w io.Writer, c *drift.CheckResult, o Options) error {
	money := o.ratMoney(-1)
	verdict := grid{name: "check", header: []string{"passed", "verdict", "metric", "by", "rules", "compared"},
		kinds: []cellKind{cellBool, cellText, cellText, cellText, cellText, cellText}}
	compared := "no baseline: findings only"
	if c.Diff != nil {
		compared = Context(c.Diff)
	}
	verdict.rows = [][]string{{strconv.FormatBool(c.Passed()), Verdict(c), c.Metric.String(), strings.Join(c.Dimensions, ","), rulesText(c), compared}}

	rules := grid{name: "rules", header: []string{"rule", colCurrency, "scope", "limit", "passed", "checked", "failed", "detail"},
		kinds: []cellKind{cellText, cellCurrency, cellText, cellText, cellBool, cellCount, cellCount, cellText}}
	for _, r := range c.Rules {
		scope := "total"
		if r.Groups {
			scope = "groups"
		}
		rules.rows = append(rules.rows, []string{r.Rule, r.Currency, scope, r.Limit, strconv.FormatBool(r.Passed()),
			strconv.Itoa(r.Checked), strconv.Itoa(len(r.Failures)), ruleDetail(r, money)})
	}
	grids := []grid{verdict, rules}

	if c.Diff != nil {
		changes := diffGrid(c.Diff, o, keepText)
		failed := failedRules(c)
		changes.header, changes.kinds = append(changes.header, "failed"), append(changes.kinds, cellText)
		for i, g := range c.Diff.Groups {
			changes.rows[i] = append(changes.rows[i], failed[g])
		}
		for i := range changes.totals {
			changes.totals[i] = append(changes.totals[i], "")
		}
		grids = append(grids, changes, totalsGrid(changes))
	}

	sumMoney := o.moneyFormat(-1)
	findings := grid{name: "findings", header: []string{"finding", "severity", "fired", "fails", "not_applicable", "limit", colCurrency, "amount", "detail"},
		kinds: []cellKind{cellText, cellText, cellBool, cellBool, cellText, cellText, cellCurrency, cellMoney, cellText}}
	for _, f := range c.Findings {
		head := []string{f.Name, f.Severity, strconv.FormatBool(f.Fired), strconv.FormatBool(f.Fails), "", f.Limit}
		if f.NotApplicable {
			head[4] = notApplicableText(f)
		}
		if len(f.Items) == 0 {
			findings.rows = append(findings.rows, append(head, "", "", ""))
		}
		for i := range f.Items {
			it := &f.Items[i]
			amount := ""
			if f.Measure != "" {
				amount = sumMoney(it.Amount)
			}
			findings.rows = append(findings.rows, append(slices.Clone(head), it.Currency, amount, findingDetail(f, it, c.Dimensions, sumMoney)))
		}
	}
	return writeWorkbook(w, append(grids, findings)...)
}
