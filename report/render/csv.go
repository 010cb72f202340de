package render

import (
	"encoding/csv"
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
	cw := csv.NewWriter(w)
	money := o.moneyFormat(-1)
	header := append(o.texts(r.Dimensions),
		colCurrency, colRows, colCost, colUnblended, colOnDemand, colSavings, colSavingsRate, colOverOnDemand)
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, 0, len(header))
	write := func(key []string, g *report.Group) error {
		c := cellsOf(g, money, false)
		row = append(row[:0], o.texts(fitKey(key, len(r.Dimensions)))...)
		row = append(row, o.text(c.currency))
		row = append(row, c.numbers()...)
		row = append(row, strconv.FormatBool(c.over))
		return cw.Write(row)
	}
	for _, g := range r.Groups {
		if err := write(g.Key, g); err != nil {
			return err
		}
	}
	if showTotals(r) {
		key := totalKey(r.Dimensions, csvTotalLabel)
		for _, t := range r.Totals {
			if err := write(key, t); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
