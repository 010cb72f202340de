package render

import (
	"encoding/csv"
	"io"
)

// grid is a table as the csv and xlsx writers lay it out: a header, data rows and total rows,
// every cell as text with the kind of its column, so that xlsx can type what csv writes.
type grid struct {
	name   string // the xlsx sheet's name
	header []string
	kinds  []cellKind // per column
	rows   [][]string
	totals [][]string // after the rows in csv; on a sheet of their own in xlsx
}

// cellKind is what a column holds.
type cellKind uint8

const (
	cellText     cellKind = iota // a group key: text even when it looks like a number
	cellCurrency                 // a currency code
	cellCount                    // an integer
	cellMoney                    // an amount, exact decimal text
	cellRate                     // a fraction, shown as a percentage
	cellQuantity                 // a decimal that is not money (usage amounts)
	cellBool
)

// writeCSV prints the header, the rows and the totals (RFC 4180).
func (g grid) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(g.header)
	cw.WriteAll(g.rows) // flushes
	cw.WriteAll(g.totals)
	return cw.Error()
}

// mapText applies text to every cell.
func mapText(cells []string, text func(string) string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = text(c)
	}
	return out
}
