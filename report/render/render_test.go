package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// amt parses a decimal literal of a test fixture.
func amt(t testing.TB, s string) money.Sum {
	t.Helper()
	a, _, err := money.ParseString(s)
	if err != nil {
		t.Fatalf("fixture amount %q: %v", s, err)
	}
	return money.SumOf(a)
}

// byMetric fills the six metric totals; net-unblended and blended follow unblended and
// net-amortized follows amortized, as on a bill without net columns or blended rates.
func byMetric(t testing.TB, amortized, simple, unblended string) [6]money.Sum {
	var m [6]money.Sum
	m[pricing.Amortized] = amt(t, amortized)
	m[pricing.Simple] = amt(t, simple)
	m[pricing.Unblended] = amt(t, unblended)
	m[pricing.NetUnblended] = m[pricing.Unblended]
	m[pricing.NetAmortized] = m[pricing.Amortized]
	m[pricing.Blended] = m[pricing.Unblended]
	return m
}

type groupSpec struct {
	key                                         []string
	currency                                    string
	rows                                        int64
	cost, unblended, onDemand, priced, unpriced string
	unpricedRows                                int64
	folded                                      int
}

func buildGroup(t testing.TB, s groupSpec) *report.Group {
	return &report.Group{
		Key: s.key, Currency: s.currency, Rows: s.rows,
		Cost: amt(t, s.cost), Unblended: amt(t, s.unblended),
		OnDemand: amt(t, s.onDemand), PricedCost: amt(t, s.priced),
		UnpricedRows: s.unpricedRows, UnpricedCost: amt(t, s.unpriced),
		Folded: s.folded,
	}
}

// totalsOf sums groups per currency, in currency order, the way a rollup does.
func totalsOf(gs []*report.Group) []*report.Group {
	var out []*report.Group
	by := map[string]*report.Group{}
	for _, g := range gs {
		tot, ok := by[g.Currency]
		if !ok {
			tot = &report.Group{Currency: g.Currency}
			by[g.Currency] = tot
			out = append(out, tot)
		}
		tot.Add(g)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Currency < out[j-1].Currency; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// workedResult is the worked bill of samples/worked/EXPECTED.md rolled up by account under
// the amortized metric.
func workedResult(t testing.TB) *report.Result {
	groups := []*report.Group{
		buildGroup(t, groupSpec{key: []string{"111111111111"}, currency: "USD", rows: 12,
			cost: "7480", unblended: "7480", onDemand: "9160", priced: "6160", unpricedRows: 1, unpriced: "50"}),
		buildGroup(t, groupSpec{key: []string{"222222222222"}, currency: "USD", rows: 7,
			cost: "910", unblended: "10260", onDemand: "1660", priced: "750", unpriced: "0"}),
	}
	types := []struct {
		name                         string
		rows                         int64
		amortized, simple, unblended string
	}{
		{"Credit", 1, "-30", "-30", "-30"},
		{"DiscountedUsage", 3, "730", "730", "0"},
		{"Fee", 1, "0", "10200", "10200"},
		{"RIFee", 1, "120", "0", "0"},
		{"Refund", 1, "0", "-500", "-500"},
		{"SavingsPlanCoveredUsage", 2, "6000", "6000", "9000"},
		{"SavingsPlanNegation", 2, "0", "-9000", "-9000"},
		{"SavingsPlanRecurringFee", 1, "1200", "7200", "7200"},
		{"SavingsPlanUpfrontFee", 1, "0", "500", "500"},
		{"Tax", 2, "140", "140", "140"},
		{"Usage", 4, "230", "230", "230"},
	}
	s := &report.Summary{
		Period: "2026-10", Currency: "USD", Rows: 19,
		ByMetric:     byMetric(t, "8390", "15470", "17740"),
		OnDemand:     amt(t, "10820"),
		PricedCost:   amt(t, "6910"),
		UnpricedRows: 1, UnpricedCost: amt(t, "50"),
		UnusedSP: amt(t, "1200"), UnusedRI: amt(t, "120"),
		TrueUp: amt(t, "-850"), UpfrontFees: amt(t, "10700"), ExcludedRefunds: amt(t, "-500"),
		FirstUsageDay: "2026-10-01", LastUsageDay: "2026-10-01",
	}
	for _, ty := range types {
		s.Types = append(s.Types, &report.TypeSummary{Type: ty.name, Rows: ty.rows, ByMetric: byMetric(t, ty.amortized, ty.simple, ty.unblended)})
	}
	return &report.Result{
		Metric:     pricing.Amortized,
		Dimensions: []string{"account"},
		Groups:     groups,
		Totals:     totalsOf(groups),
		Summaries:  []*report.Summary{s},
		Files:      []string{"bill-legacy.csv"},
	}
}

// longTeam is a tag value far wider than a terminal column.
const longTeam = "platform|infrastructure-and-reliability-engineering-with-a-very-long-name"

// mixedResult has two currencies, an over-on-demand group, an (other) row, a value with a
// pipe, amounts that round to zero from below, and filtered, provisional summaries.
func mixedResult(t testing.TB) *report.Result {
	groups := []*report.Group{
		buildGroup(t, groupSpec{key: []string{"i-a1", "web"}, currency: "USD", rows: 2,
			cost: "3400", unblended: "0", onDemand: "5000", priced: "3400", unpriced: "0"}),
		buildGroup(t, groupSpec{key: []string{"i-b3", longTeam}, currency: "USD", rows: 1,
			cost: "130", unblended: "0", onDemand: "100", priced: "130", unpriced: "0"}),
		buildGroup(t, groupSpec{key: []string{"i-tiny", report.None}, currency: "USD", rows: 3,
			cost: "0.0014", unblended: "-0.0001", onDemand: "0.001", priced: "0.0014", unpriced: "0"}),
		buildGroup(t, groupSpec{key: []string{report.Other, report.Other}, currency: "USD", rows: 9,
			cost: "20.125", unblended: "20.125", onDemand: "0", priced: "0", unpricedRows: 9, unpriced: "20.125", folded: 4}),
		buildGroup(t, groupSpec{key: []string{"i-eu1", "web"}, currency: "EUR", rows: 1,
			cost: "42.5", unblended: "42.5", onDemand: "0", priced: "0", unpricedRows: 1, unpriced: "42.5"}),
	}
	usd := &report.Summary{
		Period: "2026-10", Currency: "USD", Rows: 15, RowsWithoutInvoice: 15,
		ByMetric:     byMetric(t, "3550.1264", "3550.1264", "20.1249"),
		OnDemand:     amt(t, "5100.001"),
		PricedCost:   amt(t, "3530.0014"),
		UnpricedRows: 9, UnpricedCost: amt(t, "20.125"),
		SplitCost: amt(t, "12.5"),
		Filtered:  true, FirstUsageDay: "2026-10-01", LastUsageDay: "2026-10-17",
	}
	eur := &report.Summary{
		Period: "2026-10", Currency: "EUR", Rows: 1, RowsWithoutInvoice: 1,
		ByMetric:     byMetric(t, "42.5", "42.5", "42.5"),
		UnpricedRows: 1, UnpricedCost: amt(t, "42.5"),
		Filtered: true, FirstUsageDay: "2026-10-03", LastUsageDay: "2026-10-03",
	}
	return &report.Result{
		Metric:     pricing.Amortized,
		Dimensions: []string{"resource", "tag:Team"},
		Filters:    []string{"service=AmazonEC2"},
		Groups:     groups,
		Totals:     totalsOf(groups),
		Summaries:  []*report.Summary{eur, usd},
		Files:      []string{"eu.csv", "us.csv"},
		Warnings:   []string{"eu.csv: no pricing_public_on_demand_cost column: on-demand taken as 0"},
	}
}

func render(t *testing.T, r *report.Result, o Options, summary bool) string {
	t.Helper()
	var b bytes.Buffer
	var err error
	if summary {
		err = WriteSummary(&b, r, o)
	} else {
		err = Write(&b, r, o)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteGolden(t *testing.T) {
	fixtures := map[string]func(testing.TB) *report.Result{"worked": workedResult, "mixed": mixedResult}
	cases := []struct {
		name    string
		fixture string
		opts    Options
		summary bool
	}{
		{"worked.table", "worked", Options{Format: "table", Precision: -1}, false},
		{"worked.csv", "worked", Options{Format: "csv", Precision: -1}, false},
		{"worked.json", "worked", Options{Format: "json", Precision: -1}, false},
		{"worked.ndjson", "worked", Options{Format: "ndjson", Precision: -1}, false},
		{"worked.md", "worked", Options{Format: "markdown", Precision: -1}, false},
		{"worked.summary", "worked", Options{Format: "table", Precision: -1}, true},
		{"mixed.table", "mixed", Options{Format: "table", Precision: -1}, false},
		{"mixed.table-80", "mixed", Options{Format: "table", Precision: -1, Width: 80}, false},
		{"mixed.table-color", "mixed", Options{Format: "table", Precision: -1, Color: true}, false},
		{"mixed.csv", "mixed", Options{Format: "csv", Precision: -1}, false},
		{"mixed.json", "mixed", Options{Format: "json", Precision: -1}, false},
		{"mixed.ndjson", "mixed", Options{Format: "ndjson", Precision: -1}, false},
		{"mixed.md", "mixed", Options{Format: "markdown", Precision: -1}, false},
		{"mixed.summary", "mixed", Options{Format: "table", Precision: -1}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := render(t, fixtures[c.fixture](t), c.opts, c.summary)
			path := filepath.Join("testdata", "golden", c.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

func TestWriteSummaryWorkedBill(t *testing.T) {
	got := render(t, workedResult(t), Options{Precision: -1}, true)
	for _, want := range []string{
		"2026-10 USD: 19 rows, final",
		"reconciliation: unblended 17740 = amortized 8390 + true-up -850 + upfront fees 10700 + excluded refunds -500 (residual 0): holds",
		"on-demand 10820, amortized 6910, savings 3910, savings rate 36.1%",
		"effective savings rate (unused commitment included): 23.9%",
		"unpriced usage (no public price): 1 row, cost 50",
		"unused commitment: Savings Plans 1200, reservations 120",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "split cost") {
		t.Errorf("split cost term printed though it is zero:\n%s", got)
	}
	mixed := render(t, mixedResult(t), Options{Precision: -1}, true)
	for _, want := range []string{"reconciliation: n/a (filtered)", "provisional (15 rows without invoice id)",
		"warning: eu.csv: no pricing_public_on_demand_cost column"} {
		if !strings.Contains(mixed, want) {
			t.Errorf("summary lacks %q:\n%s", want, mixed)
		}
	}
}

func TestWriteJSONTypes(t *testing.T) {
	for _, fix := range []func(testing.TB) *report.Result{workedResult, mixedResult} {
		r := fix(t)
		out := render(t, r, Options{Format: "json", Precision: -1}, false)

		// Top-level keys in the documented order.
		wantTop := []string{"schema", "metric", "dimensions", "filters", "options", "rules", "files", "inputs", "currencies",
			"periods", "groups", "totals", "summary", "warnings", "skipped"}
		if got := objectKeys(t, []byte(out)); strings.Join(got, ",") != strings.Join(wantTop, ",") {
			t.Errorf("top-level keys %v, want %v", got, wantTop)
		}

		var doc struct {
			Groups  []map[string]json.RawMessage `json:"groups"`
			Totals  []map[string]json.RawMessage `json:"totals"`
			Summary []map[string]json.RawMessage `json:"summary"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Groups) != len(r.Groups) || len(doc.Totals) != len(r.Totals) {
			t.Fatalf("%d groups, %d totals; want %d, %d", len(doc.Groups), len(doc.Totals), len(r.Groups), len(r.Totals))
		}
		money := []string{"cost", "unblended", "on_demand", "priced_cost", "savings", "unpriced_cost"}
		for i, g := range doc.Groups {
			for _, f := range money {
				mustString(t, g, f)
			}
			mustStringOrNull(t, g, "savings_rate")
			if keys := objectKeys(t, g["key"]); strings.Join(keys, ",") != strings.Join(r.Dimensions, ",") {
				t.Errorf("group %d key order %v, want %v", i, keys, r.Dimensions)
			}
			var over bool
			if err := json.Unmarshal(g["over_on_demand"], &over); err != nil {
				t.Errorf("group %d over_on_demand: %v", i, err)
			}
			var cost string
			json.Unmarshal(g["cost"], &cost)
			if cost != r.Groups[i].Cost.String() {
				t.Errorf("group %d cost %q, want exact %q", i, cost, r.Groups[i].Cost.String())
			}
		}
		for _, g := range doc.Totals {
			if _, ok := g["key"]; ok {
				t.Error("total carries a key")
			}
			for _, f := range money {
				mustString(t, g, f)
			}
		}
		for _, s := range doc.Summary {
			for _, f := range []string{"on_demand", "priced_cost", "savings", "unused_sp_commitment", "unused_ri_fee"} {
				mustString(t, s, f)
			}
			mustStringOrNull(t, s, "effective_savings_rate")
			var metrics map[string]json.RawMessage
			if err := json.Unmarshal(s["metrics"], &metrics); err != nil {
				t.Fatal(err)
			}
			for _, m := range pricing.Metrics {
				mustString(t, metrics, m.String())
			}
			if keys := objectKeys(t, s["metrics"]); strings.Join(keys, ",") != strings.Join(pricing.MetricNames(), ",") {
				t.Errorf("metrics key order %v", keys)
			}
		}
	}
}

func TestWriteJSONWorkedFigures(t *testing.T) {
	out := render(t, workedResult(t), Options{Format: "json", Precision: -1}, false)
	var doc struct {
		Summary []struct {
			Metrics              map[string]string `json:"metrics"`
			EffectiveSavingsRate *string           `json:"effective_savings_rate"`
			Reconciliation       struct {
				Residual string `json:"residual"`
				Holds    *bool  `json:"holds"`
				Applies  bool   `json:"applies"`
			} `json:"reconciliation"`
		} `json:"summary"`
		Totals []struct {
			Cost        string  `json:"cost"`
			SavingsRate *string `json:"savings_rate"`
		} `json:"totals"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Summary[0]
	if s.Metrics["amortized"] != "8390" || s.Metrics["simple"] != "15470" || s.Metrics["unblended"] != "17740" {
		t.Errorf("metrics %v", s.Metrics)
	}
	if s.EffectiveSavingsRate == nil || *s.EffectiveSavingsRate != "0.2393715342" {
		t.Errorf("effective savings rate %v", s.EffectiveSavingsRate)
	}
	if s.Reconciliation.Residual != "0" || s.Reconciliation.Holds == nil || !*s.Reconciliation.Holds || !s.Reconciliation.Applies {
		t.Errorf("reconciliation %+v", s.Reconciliation)
	}
	if doc.Totals[0].Cost != "8390" || doc.Totals[0].SavingsRate == nil || *doc.Totals[0].SavingsRate != "0.3613678373" {
		t.Errorf("total %+v", doc.Totals[0])
	}

	mixed := render(t, mixedResult(t), Options{Format: "json", Precision: -1}, false)
	var m struct {
		Summary []struct {
			Reconciliation map[string]json.RawMessage `json:"reconciliation"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(mixed), &m); err != nil {
		t.Fatal(err)
	}
	if got := string(m.Summary[0].Reconciliation["holds"]); got != "null" {
		t.Errorf("filtered reconciliation holds = %s, want null", got)
	}
}

func TestWriteNDJSON(t *testing.T) {
	r := mixedResult(t)
	out := render(t, r, Options{Format: "ndjson", Precision: -1}, false)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(r.Groups)+len(r.Totals) {
		t.Fatalf("%d lines, want %d", len(lines), len(r.Groups)+len(r.Totals))
	}
	for i, l := range lines {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if string(obj["metric"]) != `"amortized"` {
			t.Errorf("line %d metric %s", i+1, obj["metric"])
		}
		isTotal := i >= len(r.Groups)
		if got := string(obj["total"]) == "true"; got != isTotal {
			t.Errorf("line %d total=%v, want %v", i+1, got, isTotal)
		}
		mustString(t, obj, "cost")
	}
}

func TestWriteCSV(t *testing.T) {
	for _, fix := range []func(testing.TB) *report.Result{workedResult, mixedResult} {
		r := fix(t)
		out := render(t, r, Options{Format: "csv", Precision: -1}, false)
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := append(append([]string(nil), r.Dimensions...),
			"currency", "rows", "cost", "unblended", "on_demand", "savings", "savings_rate", "over_on_demand")
		if strings.Join(recs[0], ",") != strings.Join(header, ",") {
			t.Errorf("header %v, want %v", recs[0], header)
		}
		if want := 1 + len(r.Groups) + len(r.Totals); len(recs) != want {
			t.Errorf("%d records, want %d", len(recs), want)
		}
		headers := 0
		for _, rec := range recs {
			if rec[0] == header[0] {
				headers++
			}
		}
		if headers != 1 {
			t.Errorf("%d header rows", headers)
		}
		costCol := len(r.Dimensions) + 2
		for i, g := range r.Groups {
			if got := recs[1+i][costCol]; got != g.Cost.String() {
				t.Errorf("row %d cost %q, want exact %q", i+1, got, g.Cost.String())
			}
		}
	}
	// A value with a comma and a quote survives the round trip.
	r := workedResult(t)
	r.Groups[0].Key = []string{`a,"b"`}
	recs, err := csv.NewReader(strings.NewReader(render(t, r, Options{Format: "csv", Precision: 2}, false))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[1][0] != `a,"b"` || recs[1][3] != "7480.00" {
		t.Errorf("row %v", recs[1])
	}
}

func TestWriteTwoCurrencies(t *testing.T) {
	r := mixedResult(t)
	var usd, eur *report.Group
	for _, tot := range r.Totals {
		switch tot.Currency {
		case "USD":
			usd = tot
		case "EUR":
			eur = tot
		}
	}
	if usd == nil || eur == nil || len(r.Totals) != 2 {
		t.Fatal("fixture must hold USD and EUR totals")
	}
	across := usd.Cost
	across.AddSum(eur.Cost)

	cases := []struct {
		format string
		prec   int
		count  func(string) int
	}{
		{"table", 2, func(s string) int { return countLines(s, func(l string) bool { return strings.HasPrefix(l, "TOTAL") }) }},
		{"markdown", 2, func(s string) int { return strings.Count(s, "| **TOTAL** |") }},
		{"csv", -1, func(s string) int { return strings.Count(s, "\n(total),") }},
		{"ndjson", -1, func(s string) int { return strings.Count(s, `"total":true`) }},
		{"json", -1, func(s string) int {
			var d struct{ Totals []json.RawMessage }
			json.Unmarshal([]byte(s), &d)
			return len(d.Totals)
		}},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			out := render(t, r, Options{Format: c.format, Precision: -1}, false)
			if n := c.count(out); n != 2 {
				t.Errorf("%d total rows, want 2:\n%s", n, out)
			}
			if strings.Contains(out, across.Format(c.prec)) {
				t.Errorf("output holds the cross-currency sum %s:\n%s", across.Format(c.prec), out)
			}
			if c.format == "table" || c.format == "markdown" {
				usdCost, eurCost := usd.Cost.Format(2), eur.Cost.Format(2)
				if c.format == "table" {
					usdCost, eurCost = thousands(usdCost), thousands(eurCost)
				}
				if !strings.Contains(out, usdCost) || !strings.Contains(out, eurCost) {
					t.Errorf("per-currency totals missing:\n%s", out)
				}
			}
		})
	}
}

func TestWriteTableWidth(t *testing.T) {
	r := mixedResult(t)
	for _, width := range []int{80, 60} {
		out := render(t, r, Options{Format: "table", Precision: -1, Width: width}, false)
		fits := width == 80 // at 60 the numbers alone are wider; they must stay whole anyway
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if n := utf8.RuneCountInString(l); fits && n > width {
				t.Errorf("width %d: line of %d columns: %q", width, n, l)
			}
		}
		if !strings.Contains(out, "…") {
			t.Errorf("width %d: long tag value not truncated:\n%s", width, out)
		}
		for _, num := range []string{"3,400.00", "5,000.00", "3,550.13", "5,100.00", "32.0%", "-30.00"} {
			if !strings.Contains(out, num) {
				t.Errorf("width %d: number %s cut or missing:\n%s", width, num, out)
			}
		}
	}
	wide := render(t, r, Options{Format: "table", Precision: -1}, false)
	if !strings.Contains(wide, longTeam) {
		t.Errorf("without a width the value must stay whole:\n%s", wide)
	}
	if strings.Contains(wide, "\x1b[") {
		t.Error("ANSI codes without Color")
	}
	colored := render(t, r, Options{Format: "table", Precision: -1, Color: true}, false)
	if !strings.Contains(colored, ansiRed+tableOverMarker+ansiReset) || !strings.Contains(colored, ansiBold+"currency"+ansiReset) {
		t.Errorf("colour codes missing:\n%q", colored)
	}
}

func TestWriteNoNegativeZero(t *testing.T) {
	negZero := regexp.MustCompile(`(^|[^0-9.])-0(\.0+)?([^0-9.]|$)`)
	for _, fix := range []func(testing.TB) *report.Result{workedResult, mixedResult} {
		r := fix(t)
		for _, f := range Formats {
			if f == "xlsx" {
				continue // a zip archive; TestXLSX reads it back
			}
			for _, prec := range []int{-1, 0, 2} {
				out := render(t, r, Options{Format: f, Precision: prec}, false)
				if m := negZero.FindString(out); m != "" {
					t.Errorf("%s precision %d prints %q:\n%s", f, prec, m, out)
				}
			}
		}
		for _, prec := range []int{-1, 0, 2} {
			out := render(t, r, Options{Precision: prec}, true)
			if m := negZero.FindString(out); m != "" {
				t.Errorf("summary precision %d prints %q:\n%s", prec, m, out)
			}
		}
	}
}

func TestWriteMarkdownEscapes(t *testing.T) {
	out := render(t, mixedResult(t), Options{Format: "markdown", Precision: -1}, false)
	if !strings.Contains(out, `platform\|infrastructure`) {
		t.Errorf("pipe not escaped:\n%s", out)
	}
	header := strings.SplitN(out, "\n", 3)
	if cells := strings.Count(header[0], "|"); cells != strings.Count(header[1], "|") {
		t.Errorf("header and rule differ in cells:\n%s\n%s", header[0], header[1])
	}
	if !strings.Contains(header[1], "---:") {
		t.Errorf("numbers not right-aligned: %s", header[1])
	}
}

func TestMarkdownEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"web", "web"},
		{"a|b", `a\|b`},
		{"user_cost_center", "user_cost_center"},
		{"_draft_", `\_draft\_`},
		{"*x*", `\*x\*`},
		{`c:\tmp`, `c:\\tmp`},
		{"two\r\nlines\nhere", "two lines here"},
		{"<b>[x]</b>", `\<b\>\[x\]\</b\>`},
	}
	for _, c := range cases {
		if got := mdEscape(c.in); got != c.want {
			t.Errorf("mdEscape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, workedResult(t), Options{Format: "xml"})
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("err = %v, want ErrUnknownFormat", err)
	}
}

func TestWriteEmptyResult(t *testing.T) {
	r := &report.Result{Metric: pricing.Amortized, Dimensions: []string{"service"}}
	for _, f := range Formats {
		if err := Write(&bytes.Buffer{}, r, Options{Format: f, Precision: -1}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	out := render(t, r, Options{Format: "json", Precision: -1}, false)
	// Options not given are null; lists are never.
	lists := strings.NewReplacer(`"account_names": null`, "", `"precision": null`, "").Replace(out)
	if !strings.Contains(out, `"groups": []`) || !strings.Contains(out, `"inputs": []`) || strings.Contains(lists, "null") {
		t.Errorf("empty lists must print as []:\n%s", out)
	}
}

// objectKeys lists the keys of the JSON object in data, in document order.
func objectKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", data)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func mustString(t *testing.T, obj map[string]json.RawMessage, field string) {
	t.Helper()
	var s string
	if err := json.Unmarshal(obj[field], &s); err != nil {
		t.Errorf("%s = %s, want a JSON string", field, obj[field])
	}
}

func mustStringOrNull(t *testing.T, obj map[string]json.RawMessage, field string) {
	t.Helper()
	raw, ok := obj[field]
	if !ok {
		t.Errorf("%s missing", field)
		return
	}
	if string(raw) == "null" {
		return
	}
	mustString(t, obj, field)
}

func countLines(s string, keep func(string) bool) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if keep(l) {
			n++
		}
	}
	return n
}

// Diff writes the formats of report but the html page, in the same order.
func TestDiffWritesTheFormatsOfReport(t *testing.T) {
	want := slices.DeleteFunc(slices.Clone(Formats), func(f string) bool { return f == "html" })
	if got := diffFormats.names(); !slices.Equal(got, want) || !slices.Equal(DiffFormats, want) {
		t.Errorf("diff formats %v, report formats %v", got, Formats)
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[string]string{
		"0.00": "0.00", "999.99": "999.99", "1000.00": "1,000.00", "-1234567.891": "-1,234,567.891",
		"123456": "123,456", "-100": "-100", "12": "12", "1234": "1,234",
	} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTruncateCellMiddle: a long name keeps its start and its end, and fits its limit.
func TestTruncateCellMiddle(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"AmazonElasticContainerService", 20, "AmazonElas…erService"},
		{"AmazonEC2", 20, "AmazonEC2"},
		{"platform|infrastructure", 7, "pla…ure"},
		{"東京リージョン", 7, "東京…ン"},
	} {
		got := truncateCell(tc.in, tc.limit)
		if got != tc.want || width(got) > tc.limit {
			t.Errorf("truncateCell(%q, %d) = %q (width %d), want %q", tc.in, tc.limit, got, width(got), tc.want)
		}
	}
}
