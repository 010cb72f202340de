package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/report"
)

// CommitmentFormats are the formats of the commitments command, with or without --coverage.
var CommitmentFormats = []string{"table", "csv", "json", "markdown", "xlsx"}

// commitmentHeader names the columns of the commitments table and csv, in order.
var commitmentHeader = []string{"period", "currency", "kind", "type", "arn", "region", "commitment", "used", "unused",
	"utilisation", "covered_on_demand", "covered_cost", "savings", "end", "days_left"}

// CommitmentSchemaVersion names the JSON document of the commitments command.
const CommitmentSchemaVersion = "curnorm.commitments/v1"

// noCommitmentsText is what every human format says of bills without commitments.
const noCommitmentsText = "no Savings Plan or reservation in these bills"

// WriteCommitments prints commitments in o.Format: one row per commitment, period and
// currency, then (table, markdown, json) a total per period, currency and kind. Days left
// count from now. Utilisation is a fraction in csv and json, a percentage in the table and
// markdown.
func WriteCommitments(w io.Writer, res *report.CommitmentResult, o Options, now time.Time) error {
	switch o.Format {
	case "csv":
		return writeCommitmentsCSV(w, res, o, now)
	case "json":
		return writeCommitmentsJSON(w, res, now)
	case "markdown":
		return writeCommitmentsMarkdown(w, res, o, now)
	case "xlsx":
		g := commitmentsGrid(res.Commitments, o, keepText, now)
		totals := commitmentsGrid(commitmentTotals(res.Commitments), o, keepText, now)
		totals.name = "totals"
		return writeWorkbook(w, g, totals)
	}
	return writeCommitmentsTable(w, res, o, now)
}

// The table's own columns and labels: the main figures, in 80 columns with amounts up to
// millions. csv, json and markdown carry every column under its full name.
var commitmentTableHeader = []string{"period", "cur", "kind", "id", "commitment", "used", "unused", "util", "savings", "days"}

// tableKinds are the kinds as the table prints them.
var tableKinds = map[report.CommitmentKind]string{report.SavingsPlan: "SP", report.Reservation: "RI"}

// arnID is the last part of an ARN, the commitment's id: "sp-1" of
// "arn:aws:savingsplans::1:savingsplan/sp-1"; the ARN itself when it has no such part.
func arnID(arn string) string {
	if i := strings.LastIndexAny(arn, "/:"); i >= 0 && i < len(arn)-1 {
		return arn[i+1:]
	}
	return arn
}

// commitmentTableCells are a commitment's table cells.
func commitmentTableCells(c *report.Commitment, m func(money.Sum) string, now time.Time, total bool) []string {
	days := ""
	if d, ok := c.DaysLeft(now); ok {
		days = strconv.Itoa(d)
	}
	id := cleanCell(arnID(c.ARN))
	if total {
		id = tableTotalLabel
	}
	u := c.Utilisation()
	return []string{cleanCell(c.Period), cleanCell(c.Currency), tableKinds[c.Kind], id, m(c.Commitment), m(c.Used), m(c.Unused),
		rateText(u, u != nil, true), m(c.Savings()), days}
}

// commitmentCells are a commitment's cells, money printed by m and rates for people or not.
func commitmentCells(c *report.Commitment, m func(money.Sum) string, human bool, now time.Time) []string {
	days := ""
	if d, ok := c.DaysLeft(now); ok {
		days = strconv.Itoa(d)
	}
	u := c.Utilisation()
	return []string{c.Period, c.Currency, string(c.Kind), c.Type, c.ARN, c.Region, m(c.Commitment), m(c.Used), m(c.Unused),
		rateText(u, u != nil, human), m(c.CoveredOnDemand), m(c.CoveredCost), m(c.Savings()), c.End, days}
}

// commitmentTotals sums the commitments per period, currency and kind, in their order.
func commitmentTotals(cs []*report.Commitment) []*report.Commitment {
	var out []*report.Commitment
	for _, c := range cs {
		if n := len(out); n == 0 || out[n-1].Period != c.Period || out[n-1].Currency != c.Currency || out[n-1].Kind != c.Kind {
			out = append(out, &report.Commitment{Period: c.Period, Currency: c.Currency, Kind: c.Kind, ARN: tableTotalLabel})
		}
		t := out[len(out)-1]
		t.FeeRows += c.FeeRows
		t.BadFeeRows += c.BadFeeRows
		for _, p := range [][2]*money.Sum{{&t.Commitment, &c.Commitment}, {&t.Used, &c.Used}, {&t.Unused, &c.Unused},
			{&t.CoveredOnDemand, &c.CoveredOnDemand}, {&t.CoveredCost, &c.CoveredCost}} {
			p[0].AddSum(*p[1])
		}
	}
	return out
}

func writeCommitmentsTable(w io.Writer, res *report.CommitmentResult, o Options, now time.Time) error {
	if len(res.Commitments) == 0 {
		_, err := fmt.Fprintln(w, noCommitmentsText)
		return err
	}
	m := o.moneyFormat(2)
	tt := textTable{header: append([]string{}, commitmentTableHeader...), right: make([]bool, len(commitmentTableHeader))}
	for i := 4; i < len(tt.right); i++ {
		tt.right[i] = true
	}
	for _, c := range res.Commitments {
		tt.rows = append(tt.rows, commitmentTableCells(c, m, now, false))
	}
	for _, t := range commitmentTotals(res.Commitments) {
		tt.totals = append(tt.totals, commitmentTableCells(t, m, now, true))
	}
	tt.gap = fitWidth(append(append([][]string{tt.header}, tt.rows...), tt.totals...), []int{3}, o.Width)
	return tt.print(w)
}

// writeCommitmentsMarkdown prints every column of csv as a GitHub pipe table, money to the
// precision of the table and rates as percentages, then the totals in bold.
func writeCommitmentsMarkdown(w io.Writer, res *report.CommitmentResult, o Options, now time.Time) error {
	if len(res.Commitments) == 0 {
		_, err := fmt.Fprintln(w, noCommitmentsText)
		return err
	}
	bw := bufio.NewWriter(w)
	m := o.moneyFormat(2)
	align := make([]string, len(commitmentHeader))
	for i := range align {
		align[i] = "---"
		if i >= 6 && i != 13 {
			align[i] = "---:"
		}
	}
	mdHead(bw, o, nil, commitmentHeader, align)
	row := func(c *report.Commitment, bold bool) {
		cells := commitmentCells(c, m, true, now)
		for i := range cells[:6] {
			cells[i] = mdEscape(o.text(cells[i]))
		}
		cells[13] = mdEscape(o.text(cells[13]))
		if bold {
			mdBold(cells)
		}
		mdRow(bw, cells)
	}
	for _, c := range res.Commitments {
		row(c, false)
	}
	for _, t := range commitmentTotals(res.Commitments) {
		row(t, true)
	}
	return bw.Flush()
}

func writeCommitmentsCSV(w io.Writer, res *report.CommitmentResult, o Options, now time.Time) error {
	return commitmentsGrid(res.Commitments, o, o.text, now).writeCSV(w)
}

// commitmentsGrid lays commitments out as csv and xlsx do; text prepares text cells.
func commitmentsGrid(cs []*report.Commitment, o Options, text func(string) string, now time.Time) grid {
	g := grid{name: "commitments", header: commitmentHeader, kinds: []cellKind{cellText, cellCurrency, cellText, cellText,
		cellText, cellText, cellMoney, cellMoney, cellMoney, cellRate, cellMoney, cellMoney, cellMoney, cellText, cellCount}}
	m := o.moneyFormat(-1)
	for _, c := range cs {
		cells := commitmentCells(c, m, false, now)
		for i, k := range g.kinds {
			if k == cellText || k == cellCurrency {
				cells[i] = text(cells[i])
			}
		}
		g.rows = append(g.rows, cells)
	}
	return g
}

// commitmentDoc is the JSON document: money as exact decimal text, rates as fractions.
type commitmentDoc struct {
	Schema      string           `json:"schema"`
	Commitments []commitmentJSON `json:"commitments"`
	Totals      []commitmentJSON `json:"totals"`
	Skipped     []cur.SkipCount  `json:"skipped"`
}

type commitmentJSON struct {
	Period          string    `json:"billing_period"`
	Currency        string    `json:"currency"`
	Kind            string    `json:"kind"`
	Type            string    `json:"type,omitempty"`
	ARN             string    `json:"arn,omitempty"`
	Region          string    `json:"region,omitempty"`
	Term            string    `json:"term,omitempty"`
	Start           string    `json:"start,omitempty"`
	End             string    `json:"end,omitempty"`
	DaysLeft        *int      `json:"days_left,omitempty"`
	InBill          bool      `json:"commitment_in_bill"`
	BadFeeRows      int64     `json:"bad_fee_rows"`
	Commitment      money.Sum `json:"commitment"`
	Used            money.Sum `json:"used"`
	Unused          money.Sum `json:"unused"`
	Utilisation     *string   `json:"utilisation"`
	CoveredRows     int64     `json:"covered_rows"`
	CoveredOnDemand money.Sum `json:"covered_on_demand"`
	CoveredCost     money.Sum `json:"covered_cost"`
	Savings         money.Sum `json:"savings"`
}

func commitmentJSONOf(c *report.Commitment, now time.Time) commitmentJSON {
	j := commitmentJSON{Period: c.Period, Currency: c.Currency, Kind: string(c.Kind), Type: c.Type, ARN: c.ARN, Region: c.Region,
		Term: c.Term, Start: c.Start, End: c.End, InBill: c.FeeRows > 0, BadFeeRows: c.BadFeeRows, Commitment: c.Commitment, Used: c.Used, Unused: c.Unused,
		CoveredRows: c.CoveredRows, CoveredOnDemand: c.CoveredOnDemand, CoveredCost: c.CoveredCost, Savings: c.Savings()}
	if d, ok := c.DaysLeft(now); ok {
		j.DaysLeft = &d
	}
	if u := c.Utilisation(); u != nil {
		j.Utilisation = ratePtr(u, true)
	}
	return j
}

func writeCommitmentsJSON(w io.Writer, res *report.CommitmentResult, now time.Time) error {
	doc := commitmentDoc{Schema: CommitmentSchemaVersion, Commitments: []commitmentJSON{}, Totals: []commitmentJSON{}, Skipped: []cur.SkipCount{}}
	for _, c := range res.Commitments {
		doc.Commitments = append(doc.Commitments, commitmentJSONOf(c, now))
	}
	for _, t := range commitmentTotals(res.Commitments) {
		j := commitmentJSONOf(t, now)
		j.ARN, j.InBill = "", true
		doc.Totals = append(doc.Totals, j)
	}
	doc.Skipped = append(doc.Skipped, res.Skipped...)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// coverageHeader names the coverage columns after the group keys.
var coverageHeader = []string{"currency", "on_demand", "covered_ri", "covered_sp", "left_on_demand", "coverage"}

// coverageGrid lays coverage out as csv and xlsx do, rows made by row.
func coverageGrid(r *report.Result, header []string, row func([]string, *report.Group) []string) grid {
	g := grid{name: "coverage", header: header}
	for range r.Dimensions {
		g.kinds = append(g.kinds, cellText)
	}
	g.kinds = append(g.kinds, cellCurrency, cellMoney, cellMoney, cellMoney, cellMoney, cellRate)
	for _, gr := range r.Groups {
		g.rows = append(g.rows, row(gr.Key, gr))
	}
	return g
}

// leftOnDemand is the priced usage of a group that no commitment covered.
func leftOnDemand(g *report.Group) money.Sum {
	left := g.OnDemand
	left.SubSum(g.CoveredRI)
	left.SubSum(g.CoveredSP)
	return left
}

// coverageCells are a group's coverage cells.
func coverageCells(g *report.Group, m func(money.Sum) string, human bool) []string {
	c := g.Coverage()
	return []string{g.Currency, m(g.OnDemand), m(g.CoveredRI), m(g.CoveredSP), m(leftOnDemand(g)), rateText(c, c != nil, human)}
}

// WriteCoverage prints how much of the priced usage of each group (at public on-demand
// prices) reservations and Savings Plans covered, from a rollup run with Options.Coverage:
// table or markdown (with a total per currency), csv or json.
func WriteCoverage(w io.Writer, r *report.Result, o Options) error {
	human := o.Format == "table" || o.Format == "markdown"
	m := o.moneyFormat(-1)
	if human {
		m = o.moneyFormat(2)
	}
	header := append(o.texts(r.Dimensions), coverageHeader...)
	row := func(key []string, g *report.Group) []string {
		cells := o.texts(fitKey(key, len(r.Dimensions)))
		if o.Format == "table" {
			for i, k := range cells {
				cells[i] = cleanCell(k)
			}
		}
		return append(cells, coverageCells(g, m, human)...)
	}
	switch o.Format {
	case "csv":
		return coverageGrid(r, header, row).writeCSV(w)
	case "xlsx":
		o.NoFormulaEscape = true // cells are typed: text never runs as a formula
		g := coverageGrid(r, append(o.texts(r.Dimensions), coverageHeader...), row)
		key := totalKey(r.Dimensions, csvTotalLabel)
		for _, t := range r.Totals {
			g.totals = append(g.totals, row(key, t))
		}
		return writeWorkbook(w, g, totalsGrid(g))
	case "json":
		type groupJSON struct {
			Key          map[string]string `json:"key"`
			Currency     string            `json:"currency"`
			OnDemand     money.Sum         `json:"on_demand"`
			CoveredRI    money.Sum         `json:"covered_ri"`
			CoveredSP    money.Sum         `json:"covered_sp"`
			LeftOnDemand money.Sum         `json:"left_on_demand"`
			Coverage     *string           `json:"coverage"`
		}
		of := func(g *report.Group) groupJSON {
			j := groupJSON{Key: map[string]string{}, Currency: g.Currency, OnDemand: g.OnDemand, CoveredRI: g.CoveredRI,
				CoveredSP: g.CoveredSP, LeftOnDemand: leftOnDemand(g)}
			for i, d := range r.Dimensions {
				if i < len(g.Key) {
					j.Key[d] = g.Key[i]
				}
			}
			if c := g.Coverage(); c != nil {
				j.Coverage = ratePtr(c, true)
			}
			return j
		}
		doc := struct {
			Schema     string      `json:"schema"`
			Dimensions []string    `json:"dimensions"`
			Groups     []groupJSON `json:"groups"`
			Totals     []groupJSON `json:"totals"`
		}{Schema: CoverageSchemaVersion, Dimensions: append([]string{}, r.Dimensions...), Groups: []groupJSON{}, Totals: []groupJSON{}}
		for _, g := range r.Groups {
			doc.Groups = append(doc.Groups, of(g))
		}
		for _, t := range r.Totals {
			doc.Totals = append(doc.Totals, of(t))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	case "markdown":
		bw := bufio.NewWriter(w)
		align := []string{"---"}
		for range coverageHeader[1:] {
			align = append(align, "---:")
		}
		mdHead(bw, o, r.Dimensions, coverageHeader, align)
		for _, g := range r.Groups {
			mdRow(bw, mdCells(row(g.Key, g)))
		}
		if showTotals(r) {
			for _, t := range r.Totals {
				mdRow(bw, mdBold(mdCells(row(totalKey(r.Dimensions, tableTotalLabel), t))))
			}
		}
		return bw.Flush()
	}
	tt := textTable{header: header, right: make([]bool, len(header))}
	for i := len(r.Dimensions) + 1; i < len(header); i++ {
		tt.right[i] = true
	}
	for _, g := range r.Groups {
		tt.rows = append(tt.rows, row(g.Key, g))
	}
	if showTotals(r) {
		for _, t := range r.Totals {
			tt.totals = append(tt.totals, row(totalKey(r.Dimensions, tableTotalLabel), t))
		}
	}
	dims := make([]int, len(r.Dimensions))
	for i := range dims {
		dims[i] = i
	}
	tt.gap = fitWidth(append(append([][]string{tt.header}, tt.rows...), tt.totals...), dims, o.Width)
	return tt.print(w)
}

// CoverageSchemaVersion names the JSON document of commitment coverage.
const CoverageSchemaVersion = "curnorm.coverage/v1"
