package render

import (
	"io"
	"strconv"

	"github.com/curnorm/curnorm/report"
)

// csvTotalLabel marks total rows in the first dimension column: parenthesised like (none) and
// (other), so it cannot be mistaken for a real dimension value.
const csvTotalLabel = "(total)"

// writeCSV prints one header row, the groups, then one total row per currency (RFC 4180).
// Money is exact by default; nothing but the table goes into the file. Text cells are made
// spreadsheet-safe unless o.NoFormulaEscape; numeric cells never are.
func writeCSV(w io.Writer, r *report.Result, o Options) error {
	return resultGrid(r, o, o.text).writeCSV(w)
}

// resultGrid is the rollup as the csv and xlsx writers lay it out; text prepares text cells.
func resultGrid(r *report.Result, o Options, text func(string) string) grid {
	money := o.moneyFormat(-1)
	g := grid{name: "groups", header: append(mapText(r.Dimensions, text),
		colCurrency, colRows, colCost, colUnblended, colOnDemand, colSavings, colSavingsRate, colOverOnDemand)}
	for range r.Dimensions {
		g.kinds = append(g.kinds, cellText)
	}
	g.kinds = append(g.kinds, cellCurrency, cellCount, cellMoney, cellMoney, cellMoney, cellMoney, cellRate, cellBool)
	if r.Usage {
		g.header = append(g.header, usageHeader...)
		g.kinds = append(g.kinds, cellQuantity, cellText)
	}
	row := func(key []string, gr *report.Group) []string {
		c := cellsOf(gr, money, false)
		out := append(mapText(fitKey(key, len(r.Dimensions)), text), text(c.currency))
		out = append(append(out, c.numbers()...), strconv.FormatBool(c.over))
		if r.Usage {
			u := usageCells(gr)
			out = append(out, u[0], text(u[1]))
		}
		return out
	}
	for _, gr := range r.Groups {
		g.rows = append(g.rows, row(gr.Key, gr))
	}
	if showTotals(r) {
		key := totalKey(r.Dimensions, csvTotalLabel)
		for _, t := range r.Totals {
			g.totals = append(g.totals, row(key, t))
		}
	}
	return g
}
