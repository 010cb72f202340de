package render

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"math/big"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// The HTML report is one self-contained page: its style and its few lines of script are
// inline, its charts are inline SVG drawn here, and its Content-Security-Policy lets it fetch
// nothing. It embeds rollups, never rows, so its size follows the groups, and the charts show
// the chartTop costliest groups with the rest folded, so it stays small on any bill.

var (
	//go:embed html/page.tmpl
	pageTemplate string
	//go:embed html/page.css
	pageStyle string
	//go:embed html/page.js
	pageScript string

	pageTmpl = template.Must(template.New("page").Parse(pageTemplate))
	// scriptHash is the CSP source that allows the page's own script and no other.
	scriptHash = func() string {
		sum := sha256.Sum256([]byte(pageScript))
		return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	}()
)

// htmlPage is what the template shows.
type htmlPage struct {
	Title, Metric, By string
	Filters           []string
	Currencies        []htmlCurrency
	Table             htmlTable
	Rules             []pricing.Rule
	Files, Warnings   []string
	Periods, Version  string
	// Folded counts the groups the table folds into (other) past tableMax.
	Folded, TableMax int
	ScriptHash       string
	Style            template.CSS
	Script           template.JS
}

// htmlCurrency is the headline and charts of one currency.
type htmlCurrency struct {
	Headlines []htmlHeadline
	Charts    []htmlChart
}

type htmlHeadline struct {
	Title, Status string
	Figures       []htmlFigure
}

type htmlFigure struct {
	Name, Value string
	Chosen, Bad bool
}

type htmlTable struct {
	Header       []htmlCell
	Rows, Totals []htmlRow
}

type htmlRow struct {
	Cells []htmlCell
	Over  bool
}

type htmlCell struct {
	Text string
	Num  bool
}

// tableMax is the most groups of a currency the page's table lists; the rest fold into
// (other), so that a bill of a hundred thousand resources still makes a page of a few MB.
const tableMax = 1000

// writeHTML prints the rollup as one self-contained HTML page.
func writeHTML(w io.Writer, r *report.Result, o Options) error {
	all := r.Groups
	r = r.FoldTop(tableMax)
	p := htmlPage{Metric: r.Metric.String(), By: strings.Join(r.Dimensions, ", "), Filters: r.Filters,
		Rules: pricing.Rules(r.Metric), Files: r.Files, Warnings: r.Warnings, Version: cmp.Or(o.Version, "curnorm"),
		ScriptHash: scriptHash, Style: template.CSS(pageStyle), Script: template.JS(pageScript)}
	var periods []string
	for _, s := range r.Summaries {
		if pt := periodText(s); !slices.Contains(periods, pt) {
			periods = append(periods, pt)
		}
	}
	p.Periods = strings.Join(periods, ", ")
	p.Title = "Cost report"
	if p.Periods != "" {
		p.Title += " " + p.Periods
	}
	people := o.moneyFormat(2)
	for _, t := range r.Totals {
		var c htmlCurrency
		for _, s := range r.Summaries {
			if s.Currency == t.Currency {
				c.Headlines = append(c.Headlines, headlineOf(r, s, people))
			}
		}
		c.Charts = currencyCharts(r, t, people)
		p.Currencies = append(p.Currencies, c)
	}
	p.Table = tableOf(resultGrid(r, o, keepText))
	p.Folded, p.TableMax = len(all)-listed(all, r.Groups), tableMax
	return pageTmpl.Execute(w, p)
}

// headlineOf is a summary's figures: the chosen metric first, then what a reader checks.
func headlineOf(r *report.Result, s *report.Summary, money func(money.Sum) string) htmlHeadline {
	h := htmlHeadline{Title: periodText(s) + " " + s.Currency, Status: summarize(r, s, money).status}
	fig := func(name, value string) { h.Figures = append(h.Figures, htmlFigure{Name: name, Value: value}) }
	h.Figures = append(h.Figures, htmlFigure{Name: "actual cost (" + r.Metric.String() + ")",
		Value: money(s.ByMetric[r.Metric]), Chosen: true})
	fig("unblended", money(s.ByMetric[pricing.Unblended]))
	fig("public on-demand of priced usage", money(s.OnDemand))
	fig("savings", money(s.Savings()))
	rate, ok := summarySavingsRate(s)
	fig("savings rate", rateOrNA(rate, ok))
	esr, ok := s.EffectiveSavingsRate()
	fig("effective savings rate", rateOrNA(esr, ok))
	fig("unused Savings Plans", money(s.UnusedSP))
	fig("unused reservations", money(s.UnusedRI))
	verdict := reconciliationVerdict(s)
	h.Figures = append(h.Figures, htmlFigure{Name: "reconciliation", Value: verdict,
		Bad: s.ReconciliationApplies() && !s.ReconciliationHolds()})
	return h
}

// listed counts the groups of all that shown holds as they are.
func listed(all, shown []*report.Group) int {
	n := 0
	for _, g := range shown {
		if slices.Contains(all, g) {
			n++
		}
	}
	return n
}

func rateOrNA(r *big.Rat, ok bool) string {
	if !ok {
		return "n/a"
	}
	return ratePercent(r)
}

// tableOf is the csv grid as table cells: the same text, numbers aligned right.
func tableOf(g grid) htmlTable {
	var t htmlTable
	num := func(i int) bool { return i < len(g.kinds) && g.kinds[i] >= cellCount && g.kinds[i] <= cellRate }
	cells := func(row []string) []htmlCell {
		out := make([]htmlCell, len(row))
		for i, s := range row {
			out[i] = htmlCell{Text: s, Num: num(i)}
		}
		return out
	}
	t.Header = cells(g.header)
	overCol := len(g.header) - 1
	for _, row := range g.rows {
		t.Rows = append(t.Rows, htmlRow{Cells: cells(row), Over: row[overCol] == "true"})
	}
	for _, row := range g.totals {
		t.Totals = append(t.Totals, htmlRow{Cells: cells(row)})
	}
	return t
}
