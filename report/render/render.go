// Package render prints what report and report/drift compute: rollups, diffs and checks as
// a table for terminals, CSV, JSON, NDJSON, Markdown or JUnit XML, the bill summary for
// stderr, and normalize's rows as CSV or Parquet. The JSON documents (curnorm.report/v1,
// curnorm.diff/v2, curnorm.check/v2) are declared here once, and a report document is read
// back here as a baseline.
package render

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/drift"
)

// Options steer the output writers.
type Options struct {
	Format    string // one of Formats (or CheckFormats for WriteCheck); "" is "table"
	Precision int    // decimals of money; -1 = the format's default (table, markdown: 2; csv, json: exact)
	Color     bool   // ANSI bold header and red over-on-demand marker (table only)
	Width     int    // terminal width the table should fit; 0 = unknown
	// NoFormulaEscape writes text cells of csv and markdown as they are, for programs that
	// read them; by default they go through SpreadsheetSafe.
	NoFormulaEscape bool
	// Version names the program in the html page ("curnorm v1.2.0").
	Version string
}

// text prepares a text cell (a group key, a currency) of csv or markdown.
func (o Options) text(s string) string {
	if o.NoFormulaEscape {
		return s
	}
	return SpreadsheetSafe(s)
}

// texts applies text to every cell of a key.
func (o Options) texts(key []string) []string {
	out := make([]string, len(key))
	for i, k := range key {
		out[i] = o.text(k)
	}
	return out
}

// ErrUnknownFormat is returned by the writers for a format they do not know.
var ErrUnknownFormat = errors.New("unknown format")

// format is one output format of a kind of value: its name (the --format value) and writer.
type format[T any] struct {
	name  string
	write func(io.Writer, T, Options) error
}

// formats are the output formats of one kind of value, in the order help lists them.
type formats[T any] []format[T]

// names lists the formats' names.
func (fs formats[T]) names() []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// write prints v in o.Format ("" is "table").
func (fs formats[T]) write(w io.Writer, v T, o Options) error {
	name := cmp.Or(o.Format, "table")
	for _, f := range fs {
		if f.name == name {
			return f.write(w, v, o)
		}
	}
	return fmt.Errorf("%w %q (valid: %s)", ErrUnknownFormat, o.Format, strings.Join(fs.names(), ", "))
}

// The formats of rollups, diffs and checks.
var (
	resultFormats = formats[*report.Result]{{"table", writeTable}, {"csv", writeCSV}, {"json", writeJSON},
		{"ndjson", writeNDJSON}, {"markdown", writeMarkdown}, {"xlsx", writeXLSX}, {"html", writeHTML}}
	diffFormats = formats[*drift.Diff]{{"table", writeDiffTable}, {"csv", writeDiffCSV}, {"json", writeDiffJSON},
		{"ndjson", writeDiffNDJSON}, {"markdown", writeDiffMarkdown}, {"xlsx", writeDiffXLSX}}
	checkFormats = formats[*drift.CheckResult]{{"table", writeCheckText}, {"markdown", writeCheckMarkdown},
		{"json", writeCheckJSON}, {"junit", writeCheckJUnit}, {"xlsx", writeCheckXLSX}}
)

// Formats lists the --format values of Write, DiffFormats those of WriteDiff (no html page)
// and CheckFormats those of WriteCheck.
var (
	Formats      = resultFormats.names()
	DiffFormats  = diffFormats.names()
	CheckFormats = checkFormats.names()
)

// Rates (savings rate, effective savings rate, a change's growth) are fractions where programs
// read them (csv, json, ndjson: 0.1248) and percentages where people do (table, markdown, the
// summary: 12.5%), in every command.
const (
	rateDigitsMachine = 10 // decimals of a fraction
	pctDigitsHuman    = 1  // decimals of a percentage
)

// rateFraction prints a rate for programs: "0.1248000000".
func rateFraction(r *big.Rat) string { return money.FormatRat(r, rateDigitsMachine) }

// ratePercent prints a rate for people: "12.5%".
func ratePercent(r *big.Rat) string { return percentNumber(r) + "%" }

// percentNumber is the number of a percentage, without its sign: "12.5".
func percentNumber(r *big.Rat) string {
	return money.FormatRat(new(big.Rat).Mul(r, big.NewRat(100, 1)), pctDigitsHuman)
}

// Column names shared by the csv, json and markdown writers, after the dimension columns.
const (
	colCurrency     = "currency"
	colRows         = "rows"
	colUsage        = "usage"
	colUsageUnit    = "usage_unit"
	colCost         = "cost"
	colUnblended    = "unblended"
	colOnDemand     = "on_demand"
	colSavings      = "savings"
	colSavingsRate  = "savings_rate"
	colOverOnDemand = "over_on_demand"
)

// Write prints r in o.Format to w. Groups keep the order of r.Groups; totals follow, one per
// currency, never summed across currencies.
func Write(w io.Writer, r *report.Result, o Options) error { return resultFormats.write(w, r, o) }

// WriteSummary prints the bill-level summary for people (it belongs on stderr): per billing
// period and currency the totals under every metric, the on-demand check, unused commitment
// and the reconciliation; then r.Warnings, one "warning: " line each. Money is exact unless
// o.Precision >= 0.
func WriteSummary(w io.Writer, r *report.Result, o Options) error {
	bw := bufio.NewWriter(w)
	money := o.moneyFormat(-1)
	for i, s := range r.Summaries {
		if i > 0 {
			bw.WriteString("\n")
		}
		st := summarize(r, s, money)
		fmt.Fprintf(bw, "%s: %s\n", st.title, st.status)
		nameW, valW := 0, 0
		for _, m := range st.metrics {
			nameW = max(nameW, width(m.name))
			valW = max(valW, width(m.value))
		}
		for _, m := range st.metrics {
			line := fmt.Sprintf("  %-*s  %*s", nameW, m.name, valW, m.value)
			if m.chosen {
				line += "  (chosen)"
			}
			bw.WriteString(line + "\n")
		}
		for _, f := range st.facts {
			bw.WriteString("  " + f + "\n")
		}
	}
	for _, wn := range r.Warnings {
		bw.WriteString("warning: " + wn + "\n")
	}
	return bw.Flush()
}

// moneyFormat returns the money formatter for a format whose default precision is def
// (-1: exact). Both branches never print "-0".
func (o Options) moneyFormat(def int) func(money.Sum) string {
	prec := o.Precision
	if prec < 0 {
		prec = def
	}
	if prec < 0 {
		return money.Sum.String
	}
	return func(s money.Sum) string { return s.Format(prec) }
}

// rateText prints a rate as a percentage for people or a fraction for programs, or "" when
// it is undefined (on-demand 0).
func rateText(r *big.Rat, ok bool, human bool) string {
	switch {
	case !ok:
		return ""
	case human:
		return ratePercent(r)
	}
	return rateFraction(r)
}

// groupCells is one group row as text, shared by the tabular writers.
type groupCells struct {
	currency, rows                           string
	cost, unblended, onDemand, savings, rate string
	over                                     bool
}

func cellsOf(g *report.Group, money func(money.Sum) string, human bool) groupCells {
	rate, ok := g.SavingsRate()
	return groupCells{
		currency:  g.Currency,
		rows:      strconv.FormatInt(g.Rows, 10),
		cost:      money(g.Cost),
		unblended: money(g.Unblended),
		onDemand:  money(g.OnDemand),
		savings:   money(g.Savings()),
		rate:      rateText(rate, ok, human),
		over:      g.OverOnDemand(),
	}
}

// numbers lists the numeric cells in column order.
func (c groupCells) numbers() []string {
	return []string{c.rows, c.cost, c.unblended, c.onDemand, c.savings, c.rate}
}

// usageHeader and usageCells are the columns --usage adds after the others: a group's usage
// quantity and its unit. The quantity is empty when the group has no usage rows, or rows in
// more than one unit (the unit then says report.MixedUnits): such amounts do not add up.
var usageHeader = []string{colUsage, colUsageUnit}

func usageCells(g *report.Group) []string {
	amount, unit, ok := g.Usage.Quantity()
	if !ok {
		return []string{"", unit}
	}
	return []string{amount.String(), unit}
}

// fitKey returns key with exactly n cells, so a malformed group cannot shift columns.
func fitKey(key []string, n int) []string {
	if len(key) == n {
		return key
	}
	out := make([]string, n)
	copy(out, key)
	return out
}

// showTotals reports whether total rows add anything: without dimensions every group already
// is its currency's total.
func showTotals(r *report.Result) bool { return len(r.Dimensions) > 0 }

// totalKey is the key printed on a total row: label in the first dimension column.
func totalKey(dims []string, label string) []string {
	k := make([]string, len(dims))
	if len(k) > 0 {
		k[0] = label
	}
	return k
}

// summaryText is one Summary in words, shared by WriteSummary and the markdown writer.
type summaryText struct {
	title   string // "2026-10 USD"
	status  string // "19 rows, final, usage 2026-10-01 to 2026-10-31"
	metrics []metricTotal
	facts   []string
}

type metricTotal struct {
	name, value string
	chosen      bool
}

func summarize(r *report.Result, s *report.Summary, money func(money.Sum) string) summaryText {
	var st summaryText
	st.title = periodText(s) + " " + s.Currency
	status := []string{countText(s.Rows, "row")}
	if s.Final() {
		status = append(status, "final")
	} else {
		status = append(status, fmt.Sprintf("provisional (%s without invoice id)", countText(s.RowsWithoutInvoice, "row")))
	}
	switch {
	case s.FirstUsageDay != "" && s.FirstUsageDay != s.LastUsageDay:
		status = append(status, "usage "+s.FirstUsageDay+" to "+s.LastUsageDay)
	case s.FirstUsageDay != "":
		status = append(status, "usage "+s.FirstUsageDay)
	}
	st.status = strings.Join(status, ", ")
	for _, m := range pricing.Metrics {
		if s.FOCUS && !m.ReadsFOCUS() {
			continue // no FOCUS column gives it
		}
		st.metrics = append(st.metrics, metricTotal{name: m.String(), value: money(s.ByMetric[m]), chosen: m == r.Metric})
	}

	rateOr := func(q *big.Rat, ok bool) string {
		if !ok {
			return "n/a (no on-demand cost)"
		}
		return ratePercent(q)
	}
	sv := s.Savings()
	rate, ok := summarySavingsRate(s)
	st.facts = append(st.facts,
		fmt.Sprintf("priced usage: on-demand %s, %s %s, savings %s, savings rate %s",
			money(s.OnDemand), r.Metric, money(s.PricedCost), money(sv), rateOr(rate, ok)))
	esr, ok := s.EffectiveSavingsRate()
	st.facts = append(st.facts,
		"effective savings rate (unused commitment included): "+rateOr(esr, ok),
		fmt.Sprintf("unpriced usage (no public price): %s, cost %s", countText(s.UnpricedRows, "row"), money(s.UnpricedCost)),
		fmt.Sprintf("unused commitment: Savings Plans %s, reservations %s", money(s.UnusedSP), money(s.UnusedRI)),
		"reconciliation: "+reconciliationText(s, money))
	return st
}

// reconciliationText states the identity of docs/metrics.md ("Reconciliation") with its
// figures and verdict.
func reconciliationText(s *report.Summary, money func(money.Sum) string) string {
	if !s.ReconciliationApplies() {
		return reconciliationVerdict(s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "unblended %s = amortized %s + true-up %s + upfront fees %s + excluded refunds %s",
		money(s.ByMetric[pricing.Unblended]), money(s.ByMetric[pricing.Amortized]), money(s.TrueUp),
		money(s.UpfrontFees), money(s.ExcludedRefunds))
	if !s.SplitCost.IsZero() {
		fmt.Fprintf(&b, " + split cost %s", money(s.SplitCost))
	}
	fmt.Fprintf(&b, " (residual %s): %s", money(s.Residual()), reconciliationVerdict(s))
	return b.String()
}

// reconciliationVerdict is the reconciliation's outcome in a word or two.
func reconciliationVerdict(s *report.Summary) string {
	switch {
	case s.FOCUS:
		return "n/a (FOCUS input)"
	case !s.ReconciliationApplies():
		return "n/a (filtered)"
	case s.ReconciliationHolds():
		return "holds"
	}
	return "does not hold"
}

// summarySavingsRate is savings over on-demand of a summary's priced usage; not ok without
// on-demand cost.
func summarySavingsRate(s *report.Summary) (rate *big.Rat, ok bool) {
	if s.OnDemand.Sign() == 0 {
		return nil, false
	}
	return new(big.Rat).Quo(s.Savings().Rat(), s.OnDemand.Rat()), true
}

func countText(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.FormatInt(n, 10) + " " + word + "s"
}
