package render

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/report"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// The table's own labels for the last two columns: the csv names ("savings_rate",
// "over_on_demand") alone would push a one-dimension table past 80 columns.
const (
	tablePricedLabel = "priced"
	tableRateLabel   = "rate"
	tableOverLabel   = "over"
	tableOverMarker  = "over"
	tableTotalLabel  = "TOTAL"
)

// minDimWidth is the narrowest a dimension column gets when the table must fit o.Width.
const minDimWidth = 6

const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiReset = "\x1b[0m"
)

// writeTable prints an aligned, borderless table for terminals: numbers right-aligned with
// thousands separators, a rule under the header and above the totals. priced, the actual
// cost of the usage that has a public price, sits beside on_demand so that savings reads as
// on_demand − priced. When o.Width > 0 and the table is wider, columns give way in the order
// of tableDrops (a note under the table names them), then the rule of fitWidth applies;
// ids are never cut.
func writeTable(w io.Writer, r *report.Result, o Options) error {
	format := o.moneyFormat(2)
	grouped := func(s money.Sum) string { return thousands(format(s)) }
	nd := len(r.Dimensions)
	header := make([]string, 0, nd+9)
	for _, d := range r.Dimensions {
		header = append(header, cleanCell(d))
	}
	header = append(header, colCurrency, colRows, colCost, colUnblended, colOnDemand, tablePricedLabel, colSavings, tableRateLabel, tableOverLabel)
	overCol := len(header) - 1
	if r.Usage {
		header = append(header, colUsage, "unit")
	}

	row := func(key []string, g *report.Group) []string {
		c := cellsOf(g, grouped, true)
		out := make([]string, 0, len(header))
		for _, k := range fitKey(key, nd) {
			out = append(out, cleanCell(k))
		}
		out = append(out, c.currency, thousands(c.rows), c.cost, c.unblended, c.onDemand, grouped(g.PricedCost), c.savings, c.rate, "")
		if c.over {
			out[len(out)-1] = tableOverMarker
		}
		if r.Usage {
			u := usageCells(g)
			out = append(out, thousands(u[0]), cleanCell(u[1]))
		}
		return out
	}
	var body, totals [][]string
	for _, g := range r.Groups {
		body = append(body, row(g.Key, g))
	}
	if showTotals(r) {
		for _, t := range r.Totals {
			totals = append(totals, row(totalKey(r.Dimensions, tableTotalLabel), t))
		}
	}
	t := textTable{header: header, rows: body, totals: totals, right: make([]bool, len(header))}
	for i := nd + 1; i < overCol; i++ {
		t.right[i] = true
	}
	if r.Usage {
		t.right[overCol+1] = true
	}
	hidden := t.dropToFit(tableDrops(r, nd), o.Width)

	// Fit the width before colour codes go in; tablewriter measures without them anyway.
	var cut []int
	for i, d := range r.Dimensions {
		if !idDimensions[d] {
			cut = append(cut, i)
		}
	}
	t.gap = fitWidth(append(append([][]string{t.header}, t.rows...), t.totals...), cut, o.Width)

	if o.Color {
		over := slices.Index(t.header, tableOverLabel)
		for i, h := range t.header {
			t.header[i] = ansiBold + h + ansiReset
		}
		for _, cells := range append(t.rows, t.totals...) {
			if m := &cells[max(over, 0)]; over >= 0 && *m != "" {
				*m = ansiRed + *m + ansiReset
			}
		}
	}
	if err := t.print(w); err != nil {
		return err
	}
	if len(hidden) > 0 {
		_, err := fmt.Fprintf(w, "(%s hidden to fit %d columns; --wide shows them)\n", strings.Join(hidden, ", "), o.Width)
		return err
	}
	return nil
}

// idDimensions are the dimensions whose values are identifiers: a cut id names nothing, so the
// table never shortens them.
var idDimensions = map[string]bool{"account": true, "payer": true, "resource": true, "invoice": true, "commitment": true}

// tableDrop is a column the table may hide to fit the terminal, and what the note says of it.
type tableDrop struct{ column, note string }

// tableDrops lists, least useful first, the columns the report table may hide: a currency
// column that holds one currency and an over column that is empty lose nothing, then the
// row counts, then unblended (the bill's view, which the summary also gives).
func tableDrops(r *report.Result, nd int) []tableDrop {
	var out []tableDrop
	if len(r.Totals) == 1 {
		out = append(out, tableDrop{colCurrency, colCurrency + " (all " + r.Totals[0].Currency + ")"})
	}
	over := false
	for _, g := range r.Groups {
		over = over || g.OverOnDemand()
	}
	if !over {
		out = append(out, tableDrop{tableOverLabel, tableOverLabel + " (no group over on-demand)"})
	}
	return append(out, tableDrop{colRows, colRows}, tableDrop{colUnblended, colUnblended})
}

// dropToFit hides the drops' columns, in order, while the table is wider than maxWidth at the
// narrowest gap, and returns the notes of those it hid.
func (tt *textTable) dropToFit(drops []tableDrop, maxWidth int) []string {
	var notes []string
	for _, d := range drops {
		if maxWidth <= 0 || tt.minWidth() <= maxWidth {
			break
		}
		i := slices.Index(tt.header, d.column)
		if i < 0 {
			continue
		}
		tt.header = slices.Delete(tt.header, i, i+1)
		tt.right = slices.Delete(tt.right, i, i+1)
		for k := range tt.rows {
			tt.rows[k] = slices.Delete(tt.rows[k], i, i+1)
		}
		for k := range tt.totals {
			tt.totals[k] = slices.Delete(tt.totals[k], i, i+1)
		}
		notes = append(notes, d.note)
	}
	return notes
}

// minWidth is the table's width with one space between columns.
func (tt *textTable) minWidth() int {
	widths := make([]int, len(tt.header))
	for _, cells := range append(append([][]string{tt.header}, tt.rows...), tt.totals...) {
		for i, c := range cells {
			widths[i] = max(widths[i], width(c))
		}
	}
	return sumInts(widths) + len(widths) - 1
}

// thousands groups the integer digits of a decimal number in threes: 1234567.5 → 1,234,567.5.
func thousands(s string) string {
	digits := strings.TrimLeft(s, "-")
	end := strings.IndexByte(digits, '.')
	if end < 0 {
		end = len(digits)
	}
	if end <= 3 || strings.Trim(digits[:end], "0123456789") != "" {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:len(s)-len(digits)])
	for i := 0; i < end; i++ {
		if i > 0 && (end-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(digits[i])
	}
	b.WriteString(digits[end:])
	return b.String()
}

// textTable is the one table printer of render, for every command's table format: columns
// gap spaces apart, a dashed rule under the header and, when there are totals, above them;
// no borders and no trailing blanks. Widths are display widths (see width).
type textTable struct {
	header       []string
	rows, totals [][]string
	right        []bool // the columns aligned right
	gap          int    // spaces between columns; 0 means 2
}

// width is how many terminal columns s takes: East Asian wide runes count two, ANSI colour
// codes none. Every layout of render measures text with it.
func width(s string) int { return twwidth.Width(s) }

func (tt textTable) print(w io.Writer) error {
	ncol := len(tt.header)
	gap := tt.gap
	if gap == 0 {
		gap = 2
	}
	align := make(tw.Alignment, ncol)
	for i := range align {
		align[i] = tw.AlignLeft
		if tt.right[i] {
			align[i] = tw.AlignRight
		}
	}
	sep := strings.Repeat(" ", gap)
	symbols := tw.NewSymbolCustom("curnorm").WithColumn(sep).WithCenter(sep).WithRow("-").
		WithMidLeft("").WithMidRight("")
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: symbols,
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.On, BetweenRows: tw.Off, ShowHeader: tw.On, ShowFooter: tw.On},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.On, ShowFooterLine: tw.On},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithFooterAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithFooterAutoWrap(tw.WrapNone),
		tablewriter.WithAlignment(align),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithFooterAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithPadding(tw.PaddingNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithTrimLine(tw.Off),
	)
	t.Header(tt.header)
	for _, cells := range tt.rows {
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	if len(tt.totals) > 0 {
		// The footer is a single row; one line per total inside each cell keeps the totals
		// apart and aligned.
		foot := make([]string, ncol)
		for i := range foot {
			parts := make([]string, len(tt.totals))
			for j, cells := range tt.totals {
				parts[j] = cells[i]
			}
			foot[i] = strings.Join(parts, "\n")
		}
		t.Footer(foot)
	}
	if err := t.Render(); err != nil {
		return err
	}
	// Padding of the last column would leave trailing blanks on every line.
	lines := strings.SplitAfter(buf.String(), "\n")
	var out strings.Builder
	for _, l := range lines {
		nl := strings.HasSuffix(l, "\n")
		out.WriteString(strings.TrimRight(l, " \n"))
		if nl {
			out.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// fitWidth is the width rule of every table: when width > 0 and the table of rows is wider,
// the gap between columns narrows to one space, then the values of the first cut columns
// columns named by cut (dimension values, names) are cut with "…", widest first, none below
// minDimWidth; the other columns (numbers) never are. It cuts rows in place and returns the
// gap.
func fitWidth(rows [][]string, cut []int, maxWidth int) int {
	gap := 2
	if maxWidth <= 0 || len(rows) == 0 {
		return gap
	}
	ncol := len(rows[0])
	widths := make([]int, ncol)
	for _, cells := range rows {
		for i, c := range cells {
			widths[i] = max(widths[i], width(c))
		}
	}
	total := func() int {
		n := gap * (ncol - 1)
		for _, wd := range widths {
			n += wd
		}
		return n
	}
	if total() > maxWidth {
		gap = 1
	}
	if total() > maxWidth && len(cut) > 0 {
		cutWidths := make([]int, len(cut))
		for j, i := range cut {
			cutWidths[j] = widths[i]
		}
		limit := dimLimit(cutWidths, maxWidth-(total()-sumInts(cutWidths)))
		for _, cells := range rows {
			for _, i := range cut {
				cells[i] = truncateCell(cells[i], limit)
			}
		}
	}
	return gap
}

// dimLimit is the widest a dimension column may be so that all of them fit budget: the
// widest columns give way first, none below minDimWidth.
func dimLimit(widths []int, budget int) int {
	hi := 0
	for _, wd := range widths {
		hi = max(hi, wd)
	}
	for limit := hi; limit > minDimWidth; limit-- {
		n := 0
		for _, wd := range widths {
			n += min(wd, limit)
		}
		if n <= budget {
			return limit
		}
	}
	return minDimWidth
}

// truncateCell shortens s to at most limit display columns by cutting its middle, which keeps
// both the start and the end of a name recognisable: AmazonElasticContainerService becomes
// AmazonElas…erService.
func truncateCell(s string, limit int) string {
	if width(s) <= limit {
		return s
	}
	const ellipsis = "…"
	room := limit - width(ellipsis)
	runes := []rune(s)
	// The end gets half the room, the start the rest of it (wide runes may leave a column).
	tail, used := len(runes), 0
	for tail > 0 && used+width(string(runes[tail-1])) <= room/2 {
		used += width(string(runes[tail-1]))
		tail--
	}
	head, headRoom := 0, room-used
	used = 0
	for head < tail && used+width(string(runes[head])) <= headRoom {
		used += width(string(runes[head]))
		head++
	}
	return string(runes[:head]) + ellipsis + string(runes[tail:])
}

// cleanCell keeps a value on one line and stops it from carrying terminal escape sequences.
func cleanCell(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

func sumInts(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
