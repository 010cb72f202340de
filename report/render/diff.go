package render

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/report/drift"
)

// Column names of the diff writers, after the dimension columns and currency.
const (
	colOld       = "old"
	colNew       = "new"
	colDelta     = "delta"
	colDeltaRate = "delta_rate" // a fraction of the old cost
	colStatus    = "status"
	colType      = "line_item_type"
	// Human formats print the percentage with its unit in the header.
	humanDeltaPct = "delta %"
	humanType     = "line item type"
)

// ratMoney returns the formatter of exact amounts for a format whose default precision is def;
// exact means rounded half-even to 10 decimals, the precision of CUR, with no trailing zeros.
func (o Options) ratMoney(def int) func(*big.Rat) string {
	prec := o.Precision
	if prec < 0 {
		prec = def
	}
	if prec < 0 || prec > money.Scale {
		return func(r *big.Rat) string { return trimFraction(money.FormatRat(r, money.Scale)) }
	}
	return func(r *big.Rat) string { return money.FormatRat(r, prec) }
}

// trimFraction drops trailing fractional zeros: "12.5000" → "12.5", "3.000" → "3".
func trimFraction(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// signed puts "+" before a positive amount, so a delta reads as one.
func signed(s string) string {
	if s != "" && s[0] != '-' && strings.Trim(s, "0.") != "" {
		return "+" + s
	}
	return s
}

// rateOfChange prints a change's ratio to its old cost, signed as a percentage for people
// ("+40.0%") or as a fraction for programs ("0.4000000000"); "" when the old cost is 0.
func rateOfChange(c *drift.Change, human bool) string {
	r, ok := c.Ratio()
	switch {
	case !ok:
		return ""
	case human:
		return signed(percentNumber(r)) + "%"
	}
	return rateFraction(r)
}

// factorText prints a scale factor exactly, as a fraction when it is not whole: "31/15".
func factorText(f *big.Rat) string {
	if f.IsInt() {
		return f.Num().String()
	}
	return f.String()
}

// sideText describes one side: "baseline base.json (2026-09, final)".
func sideText(s drift.SideInfo) string {
	var b strings.Builder
	if s.Baseline {
		b.WriteString("baseline ")
	}
	b.WriteString(s.Name)
	b.WriteString(" (" + s.Coverage.Text())
	if s.CutToDays > 0 {
		fmt.Fprintf(&b, ", cut to its first %d days", s.CutToDays)
	}
	if s.Factor.Cmp(big.NewRat(1, 1)) != 0 {
		b.WriteString(", scaled ×" + factorText(s.Factor))
	}
	b.WriteString(")")
	return b.String()
}

// Context says in one line what a diff compared and how.
func Context(d *drift.Diff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "old %s; new %s; compare %s, metric %s", sideText(d.Old), sideText(d.New), d.Mode, d.Metric)
	if len(d.Dimensions) > 0 {
		b.WriteString(", by " + strings.Join(d.Dimensions, ","))
	}
	if len(d.Filters) > 0 {
		b.WriteString(", filter " + strings.Join(d.Filters, " "))
	}
	if d.Restatement() {
		b.WriteString("; both sides hold " + d.New.Coverage.Periods[0] + " (a restatement)")
	}
	return b.String()
}

// WriteDiff prints d in o.Format (the formats of Write). Groups come first, then one total
// per currency, then the line item types (not in csv, which stays one rectangular table:
// run diff --by line-item-type for them).
func WriteDiff(w io.Writer, d *drift.Diff, o Options) error { return diffFormats.write(w, d, o) }

// changeCells is one change as text: currency, old, new, delta, delta %, status.
func changeCells(c *drift.Change, money func(*big.Rat) string, human bool) []string {
	delta := money(c.Delta())
	if human {
		delta = signed(delta)
	}
	return []string{c.Currency, money(c.Old), money(c.New), delta, rateOfChange(c, human), string(c.Status())}
}

func writeDiffTable(w io.Writer, d *drift.Diff, o Options) error {
	money := o.ratMoney(2)
	nd := len(d.Dimensions)
	tt := textTable{header: make([]string, 0, nd+6)}
	for _, dim := range d.Dimensions {
		tt.header = append(tt.header, cleanCell(dim))
	}
	tt.header = append(tt.header, colCurrency, colOld, colNew, colDelta, humanDeltaPct, colStatus)
	tt.right = make([]bool, len(tt.header))
	for i := nd + 1; i < nd+5; i++ {
		tt.right[i] = true
	}
	for _, c := range d.Groups {
		cells := make([]string, 0, len(tt.header))
		for _, k := range fitKey(c.Key, nd) {
			cells = append(cells, cleanCell(k))
		}
		tt.rows = append(tt.rows, append(cells, changeCells(c, money, true)...))
	}
	if nd > 0 {
		for _, t := range d.Totals {
			tt.totals = append(tt.totals, append(totalKey(d.Dimensions, tableTotalLabel), changeCells(t, money, true)...))
		}
	}
	if err := tt.print(w); err != nil {
		return err
	}
	if len(d.Types) == 0 {
		return nil
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	types := textTable{header: []string{humanType, colCurrency, colOld, colNew, colDelta, humanDeltaPct, colStatus},
		right: []bool{false, false, true, true, true, true, false}}
	for _, c := range d.Types {
		types.rows = append(types.rows, append([]string{cleanCell(c.Key[0])}, changeCells(c, money, true)...))
	}
	return types.print(w)
}

func writeDiffCSV(w io.Writer, d *drift.Diff, o Options) error {
	return diffGrid(d, o, o.text).writeCSV(w)
}

// diffGrid is the diff as the csv and xlsx writers lay it out; text prepares text cells.
func diffGrid(d *drift.Diff, o Options, text func(string) string) grid {
	money := o.ratMoney(-1)
	nd := len(d.Dimensions)
	g := grid{name: "changes", header: append(mapText(d.Dimensions, text), colCurrency, colOld, colNew, colDelta, colDeltaRate, colStatus)}
	for range nd {
		g.kinds = append(g.kinds, cellText)
	}
	g.kinds = append(g.kinds, cellCurrency, cellMoney, cellMoney, cellMoney, cellRate, cellText)
	row := func(key []string, c *drift.Change) []string {
		cells := changeCells(c, money, false)
		cells[0] = text(cells[0])
		return append(mapText(key, text), cells...)
	}
	for _, c := range d.Groups {
		g.rows = append(g.rows, row(fitKey(c.Key, nd), c))
	}
	if nd > 0 {
		key := totalKey(d.Dimensions, csvTotalLabel)
		for _, t := range d.Totals {
			g.totals = append(g.totals, row(key, t))
		}
	}
	return g
}

func sideJSON(s drift.SideInfo) jsonSide {
	js := jsonSide{
		Name: s.Name, Baseline: s.Baseline, Files: nonNil(s.Files), Periods: nonNil(s.Coverage.Periods),
		FirstUsageDay: s.Coverage.FirstUsageDay, LastUsageDay: s.Coverage.LastUsageDay, Final: s.Coverage.Final,
		DaysCovered: s.Coverage.Days, DaysInPeriod: s.Coverage.PeriodDays, Factor: factorText(s.Factor),
	}
	if s.CutToDays > 0 {
		n := s.CutToDays
		js.CutToDays = &n
	}
	return js
}

// changeJSON converts a change; dims nil marks a total, and a one-element key with dims
// {colType} a line item type.
func changeJSON(c *drift.Change, dims []string, money func(*big.Rat) string) jsonChange {
	cells := changeCells(c, money, false)
	jc := jsonChange{Currency: c.Currency, Old: cells[1], New: cells[2], Delta: cells[3], Status: cells[5]}
	if cells[4] != "" {
		jc.DeltaRate = &cells[4]
	}
	switch {
	case len(dims) == 1 && dims[0] == colType:
		jc.Type = c.Key[0]
	case dims != nil:
		jc.Key = keyJSON(dims, c.Key)
	}
	return jc
}

// changesJSON converts a list of changes; see changeJSON for dims.
func changesJSON(cs []*drift.Change, dims []string, money func(*big.Rat) string) []jsonChange {
	out := make([]jsonChange, 0, len(cs))
	for _, c := range cs {
		out = append(out, changeJSON(c, dims, money))
	}
	return out
}

// groupDims is the dims argument of changeJSON for groups: never nil, so groups keep a key.
func groupDims(d *drift.Diff) []string { return nonNil(d.Dimensions) }

func diffJSON(d *drift.Diff, o Options) jsonDiffDoc {
	money := o.ratMoney(-1)
	return jsonDiffDoc{
		Schema: DiffSchemaVersion, Metric: d.Metric.String(), Dimensions: nonNil(d.Dimensions), Filters: nonNil(d.Filters),
		Compare: d.Mode.String(), Restatement: d.Restatement(), Moved: d.Moved(), Old: sideJSON(d.Old), New: sideJSON(d.New),
		Groups: changesJSON(d.Groups, groupDims(d), money), Totals: changesJSON(d.Totals, nil, money),
		Types: changesJSON(d.Types, []string{colType}, money),
	}
}

func writeDiffJSON(w io.Writer, d *drift.Diff, o Options) error {
	return encodeIndented(w, diffJSON(d, o))
}

// writeDiffNDJSON prints one line per group, total and line item type, each with its kind.
func writeDiffNDJSON(w io.Writer, d *drift.Diff, o Options) error {
	money := o.ratMoney(-1)
	enc := lineEncoder(w)
	for _, part := range []struct {
		kind string
		cs   []*drift.Change
		dims []string
	}{{"group", d.Groups, groupDims(d)}, {"total", d.Totals, nil}, {colType, d.Types, []string{colType}}} {
		for _, c := range part.cs {
			jc := changeJSON(c, part.dims, money)
			jc.Kind, jc.Metric = part.kind, d.Metric.String()
			if err := enc.Encode(jc); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeDiffMarkdown prints the context, a pipe table of the groups and totals, and the line
// item types.
func writeDiffMarkdown(w io.Writer, d *drift.Diff, o Options) error {
	bw := bufio.NewWriter(w)
	money := o.ratMoney(2)
	bw.WriteString(mdEscape(Context(d)) + "\n\n")
	writeChangeTable(bw, d, d.Groups, o, true, nil)
	if len(d.Types) > 0 {
		bw.WriteString("\n### Line item types\n\n")
		mdRow(bw, []string{humanType, colCurrency, colOld, colNew, colDelta, humanDeltaPct, colStatus})
		bw.WriteString("|---|---|---:|---:|---:|---:|---|\n")
		for _, c := range d.Types {
			mdRow(bw, mdChangeRow(c.Key, c, money, o))
		}
	}
	return bw.Flush()
}

// mdChangeRow is one change as Markdown cells: key and currency spreadsheet-safe unless
// o.NoFormulaEscape, then the figures.
func mdChangeRow(key []string, c *drift.Change, money func(*big.Rat) string, o Options) []string {
	cells := changeCells(c, money, true)
	cells[0] = o.text(cells[0])
	return mdCells(append(o.texts(key), cells...))
}

// writeChangeTable prints groups (and the totals when totals is set) as a pipe table. With
// failed (check's), a last column marks the groups that broke a rule with the rules' names.
func writeChangeTable(bw *bufio.Writer, d *drift.Diff, groups []*drift.Change, o Options, totals bool, failed map[*drift.Change]string) {
	money := o.ratMoney(2)
	nd := len(d.Dimensions)
	names := []string{colCurrency, colOld, colNew, colDelta, humanDeltaPct, colStatus}
	rules := []string{"---", "---:", "---:", "---:", "---:", "---"}
	if failed != nil {
		names, rules = append(names, "failed"), append(rules, "---")
	}
	mdHead(bw, o, d.Dimensions, names, rules)
	for _, c := range groups {
		cells := mdChangeRow(fitKey(c.Key, nd), c, money, o)
		if failed != nil {
			mark := ""
			if f := failed[c]; f != "" {
				mark = "❌ " + mdEscape(f)
			}
			cells = append(cells, mark)
		}
		mdRow(bw, cells)
	}
	if totals && nd > 0 {
		for _, t := range d.Totals {
			cells := mdChangeRow(totalKey(d.Dimensions, tableTotalLabel), t, money, o)
			mdRow(bw, mdBold(cells))
		}
	}
}
