package render

import (
	"bytes"
	"io"
	"strings"
	"unicode"

	"github.com/curnorm/curnorm/report"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// The table's own labels for the last two columns: the csv names ("savings_rate",
// "over_on_demand") alone would push a one-dimension table past 80 columns.
const (
	tableRateLabel  = "rate"
	tableOverLabel  = "over"
	tableOverMarker = "over"
	tableTotalLabel = "TOTAL"
)

// minDimWidth is the narrowest a dimension column gets when the table must fit o.Width.
const minDimWidth = 6

const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiReset = "\x1b[0m"
)

// writeTable prints an aligned, borderless table for terminals: numbers right-aligned, a rule
// under the header and above the totals. When o.Width > 0 and the table is wider, the gap
// between columns narrows to one space, then dimension values are cut with "…"; numbers never
// are.
func writeTable(w io.Writer, r *report.Result, o Options) error {
	money := o.moneyFormat(2)
	nd := len(r.Dimensions)
	header := make([]string, 0, nd+8)
	for _, d := range r.Dimensions {
		header = append(header, cleanCell(d))
	}
	header = append(header, colCurrency, colRows, colCost, colUnblended, colOnDemand, colSavings, tableRateLabel, tableOverLabel)
	ncol := len(header)

	row := func(key []string, g *report.Group) []string {
		c := cellsOf(g, money, true)
		out := make([]string, 0, ncol)
		for _, k := range fitKey(key, nd) {
			out = append(out, cleanCell(k))
		}
		out = append(out, c.currency)
		out = append(out, c.numbers()...)
		if c.over {
			out = append(out, tableOverMarker)
		} else {
			out = append(out, "")
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

	// Fit the width before colour codes go in; tablewriter measures without them anyway.
	dims := make([]int, nd)
	for i := range dims {
		dims[i] = i
	}
	gap := fitWidth(append(append([][]string{header}, body...), totals...), dims, o.Width)

	if o.Color {
		for i, h := range header {
			header[i] = ansiBold + h + ansiReset
		}
		for _, cells := range append(body, totals...) {
			if m := &cells[ncol-1]; *m != "" {
				*m = ansiRed + *m + ansiReset
			}
		}
	}

	right := make([]bool, ncol)
	for i := nd + 1; i < ncol-1; i++ {
		right[i] = true
	}
	return textTable{header: header, rows: body, totals: totals, right: right, gap: gap}.print(w)
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

// truncateCell cuts s to at most limit display columns, ending in "…" when cut.
func truncateCell(s string, limit int) string {
	if width(s) <= limit {
		return s
	}
	const ellipsis = "…"
	room := limit - width(ellipsis)
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := width(string(r))
		if used+rw > room {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	return b.String() + ellipsis
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
