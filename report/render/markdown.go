package render

import (
	"bufio"
	"io"
	"strings"
	"unicode"

	"github.com/curnorm/curnorm/report"
)

// mdEscape keeps user data (tags, resource ids) literal in a GitHub Markdown table cell: it
// escapes what would end the cell or start inline markup, and folds line breaks into spaces.
// "_" inside a word starts no emphasis in GitHub Markdown, so only a "_" at a word edge is
// escaped, which keeps names such as user_cost_center readable in the source.
func mdEscape(s string) string {
	if !strings.ContainsAny(s, "\\|`*_~<>[]\r\n") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch r {
		case '\\', '|', '`', '*', '~', '<', '>', '[', ']':
			b.WriteByte('\\')
		case '_':
			if i == 0 || i == len(rs)-1 || !isWordRune(rs[i-1]) || !isWordRune(rs[i+1]) {
				b.WriteByte('\\')
			}
		case '\r':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				continue
			}
			r = ' '
		case '\n':
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// writeMarkdown prints a GitHub-flavoured pipe table (numbers right-aligned, totals in bold),
// then a short summary per billing period and currency, then any warnings.
func writeMarkdown(w io.Writer, r *report.Result, o Options) error {
	bw := bufio.NewWriter(w)
	money := o.moneyFormat(2)
	nd := len(r.Dimensions)

	// The fixed names have "_" only inside words, where GitHub starts no emphasis.
	head := []string{colCurrency, colRows, colCost, colUnblended, colOnDemand, colSavings, colSavingsRate, colOverOnDemand}
	align := []string{"---", "---:", "---:", "---:", "---:", "---:", "---:", ":---:"}
	if r.Usage {
		head, align = append(head, usageHeader...), append(align, "---:", "---")
	}
	mdHead(bw, o, r.Dimensions, head, align)
	ncol := len(r.Dimensions) + len(head)

	row := func(key []string, g *report.Group, bold bool) {
		c := cellsOf(g, money, true)
		cells := make([]string, 0, ncol)
		for _, k := range fitKey(key, nd) {
			cells = append(cells, mdEscape(o.text(k)))
		}
		cells = append(cells, mdEscape(o.text(c.currency)))
		cells = append(cells, c.numbers()...)
		if c.over {
			cells = append(cells, tableOverMarker)
		} else {
			cells = append(cells, "")
		}
		if r.Usage {
			u := usageCells(g)
			cells = append(cells, u[0], mdEscape(o.text(u[1])))
		}
		if bold {
			mdBold(cells)
		}
		mdRow(bw, cells)
	}
	for _, g := range r.Groups {
		row(g.Key, g, false)
	}
	if showTotals(r) {
		for _, t := range r.Totals {
			row(totalKey(r.Dimensions, tableTotalLabel), t, true)
		}
	}

	if len(r.Summaries) > 0 {
		bw.WriteString("\n## Summary\n")
	}
	for _, s := range r.Summaries {
		st := summarize(r, s, money)
		bw.WriteString("\n### " + mdEscape(st.title) + "\n\n")
		bw.WriteString("- " + mdEscape(st.status) + "\n")
		totals := make([]string, 0, len(st.metrics))
		for _, m := range st.metrics {
			t := mdEscape(m.name + " " + m.value)
			if m.chosen {
				t = "**" + t + "** (chosen)"
			}
			totals = append(totals, t)
		}
		bw.WriteString("- totals: " + strings.Join(totals, ", ") + "\n")
		for _, f := range st.facts {
			bw.WriteString("- " + mdEscape(f) + "\n")
		}
	}
	if len(r.Warnings) > 0 {
		bw.WriteString("\n## Warnings\n\n")
		for _, wn := range r.Warnings {
			bw.WriteString("- " + mdEscape(wn) + "\n")
		}
	}
	return bw.Flush()
}

func mdCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = mdEscape(c)
	}
	return out
}

// mdRow prints one pipe-table row; empty cells stay empty.
func mdRow(bw *bufio.Writer, cells []string) {
	bw.WriteString("|")
	for _, c := range cells {
		if c == "" {
			bw.WriteString(" |")
			continue
		}
		bw.WriteString(" " + c + " |")
	}
	bw.WriteString("\n")
}

// mdBold makes the non-empty cells bold, in place, and returns them.
func mdBold(cells []string) []string {
	for i, v := range cells {
		if v != "" {
			cells[i] = "**" + v + "**"
		}
	}
	return cells
}

// mdHead prints the header row of a pipe table, the dimension columns (text cells, left
// aligned) before the fixed names, and its alignment row, rules holding the fixed columns'.
func mdHead(bw *bufio.Writer, o Options, dims, names, rules []string) {
	header := make([]string, 0, len(dims)+len(names))
	rule := make([]string, 0, len(dims)+len(rules))
	for _, d := range dims {
		header = append(header, mdEscape(o.text(d)))
		rule = append(rule, "---")
	}
	mdRow(bw, append(header, names...))
	bw.WriteString("|" + strings.Join(append(rule, rules...), "|") + "|\n")
}
