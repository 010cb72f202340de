package render

import (
	"bufio"
	"io"
	"strings"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/report"
)

// pivotFormats are the formats of a pivoted rollup: tables, for people and spreadsheets.
var pivotFormats = formats[*report.Pivot]{{"table", writePivotTable}, {"csv", writePivotCSV},
	{"markdown", writePivotMarkdown}, {"xlsx", writePivotXLSX}}

// PivotFormats lists the --format values of WritePivot.
var PivotFormats = pivotFormats.names()

// WritePivot prints p in o.Format: per group, its cost in each period and the change from the
// period before.
func WritePivot(w io.Writer, p *report.Pivot, o Options) error { return pivotFormats.write(w, p, o) }

// partialMark follows the name of a period whose bill is not whole.
const partialMark = " (partial)"

// pivotGrid lays p out: the dimensions, the currency, then each period's cost followed, from
// the second period on, by its change from the one before.
func pivotGrid(p *report.Pivot, o Options, text func(string) string, amount func(money.Sum) string) grid {
	g := grid{name: "pivot", header: append(mapText(p.Dimensions, text), colCurrency)}
	for range p.Dimensions {
		g.kinds = append(g.kinds, cellText)
	}
	g.kinds = append(g.kinds, cellCurrency)
	for i, period := range p.Periods {
		name := period
		if p.Partial[i] {
			name += partialMark
		}
		g.header = append(g.header, name)
		g.kinds = append(g.kinds, cellMoney)
		if i > 0 {
			g.header = append(g.header, "change "+period)
			g.kinds = append(g.kinds, cellMoney)
		}
	}
	row := func(key []string, r *report.PivotRow) []string {
		out := append(mapText(fitKey(key, len(p.Dimensions)), text), text(r.Currency))
		for i, c := range r.Cost {
			out = append(out, amount(c))
			if i > 0 {
				change := c
				change.SubSum(r.Cost[i-1])
				out = append(out, amount(change))
			}
		}
		return out
	}
	for _, r := range p.Rows {
		g.rows = append(g.rows, row(r.Key, r))
	}
	if len(p.Dimensions) > 0 {
		for _, t := range p.Totals {
			g.totals = append(g.totals, row(totalKey(p.Dimensions, csvTotalLabel), t))
		}
	}
	return g
}

func writePivotCSV(w io.Writer, p *report.Pivot, o Options) error {
	return pivotGrid(p, o, o.text, o.moneyFormat(-1)).writeCSV(w)
}

func writePivotXLSX(w io.Writer, p *report.Pivot, o Options) error {
	g := pivotGrid(p, o, keepText, o.moneyFormat(-1))
	return writeWorkbook(w, g, totalsGrid(g))
}

func writePivotMarkdown(w io.Writer, p *report.Pivot, o Options) error {
	bw := bufio.NewWriter(w)
	g := pivotGrid(p, o, o.text, o.moneyFormat(2))
	rule := make([]string, len(g.header))
	for i, k := range g.kinds {
		rule[i] = "---"
		if k == cellMoney {
			rule[i] = "---:"
		}
	}
	mdRow(bw, mdCells(g.header))
	bw.WriteString("|" + strings.Join(rule, "|") + "|\n")
	for _, r := range g.rows {
		mdRow(bw, mdCells(r))
	}
	for _, r := range g.totals {
		mdRow(bw, mdBold(mdCells(r)))
	}
	return bw.Flush()
}

func writePivotTable(w io.Writer, p *report.Pivot, o Options) error {
	format := o.moneyFormat(2)
	g := pivotGrid(p, o, cleanCell, func(s money.Sum) string { return thousands(format(s)) })
	t := textTable{header: g.header, rows: g.rows, right: make([]bool, len(g.header))}
	for i, k := range g.kinds {
		t.right[i] = k == cellMoney
	}
	for _, r := range g.totals {
		r[0] = tableTotalLabel
		t.totals = append(t.totals, r)
	}
	return t.print(w)
}
