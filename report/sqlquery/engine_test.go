package sqlquery

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
	"github.com/curnorm/curnorm/internal/sqlcheck"
	"github.com/curnorm/curnorm/report"
)

// bill is a CUR file DuckDB reads through a view of canonical column names.
type bill struct {
	name, path string
	schema     *cur.Schema
}

// bills are every fixture and sample bill: the repository's CSV fixtures and demo, the shared
// samples when present (legacy CSV, CUR 2.0 CSV and Parquet, the worked bill in both
// flavours), and generated legacy CSV, legacy Parquet and CUR 2.0 Parquet bills.
func bills(t *testing.T) []bill {
	root := sqlcheck.Root()
	var paths []string
	for _, pat := range []string{"testdata/bills/*.csv", "testdata/demo/*.csv.gz", "report/testdata/normalize/*.csv",
		"../shared/samples/*/*.csv", "../shared/samples/*/*.parquet"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		paths = append(paths, m...)
	}
	dir := t.TempDir()
	for _, f := range []cur.Flavour{cur.LegacyCSV, cur.LegacyParquet, cur.CUR2Parquet} {
		out, err := sample.Generate(filepath.Join(dir, f.String()), sample.Options{Flavour: f, Rows: 4000, Seed: 3, Final: true})
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, out...)
	}
	var out []bill
	for _, p := range paths {
		r, err := cur.Open(cur.Source{Path: p}, cur.Request{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bill{name: strings.TrimPrefix(p, root+"/"), path: p, schema: r.Schema()})
		r.Close()
	}
	return out
}

// view makes DuckDB read a bill as a table of canonical column names, as Athena's CUR tables
// have them: CSV cells as text, CUR 2.0 CSV maps (JSON text) as maps.
func (b bill) view(name string) string {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	var cols []string
	seen := map[string]bool{}
	parquet := strings.HasSuffix(b.path, ".parquet")
	for i, c := range b.schema.Columns {
		if seen[c] {
			continue // a name AWS would have merged; the first stands for it
		}
		seen[c] = true
		v := doubleQuoted(b.schema.RawColumns[i])
		if cur.IsMapColumn(c) {
			// A map, or JSON text of one (CSV, and Parquet files that write maps as text).
			j := fmt.Sprintf(`CASE WHEN json_type(to_json(%s)) = 'OBJECT' THEN CAST(to_json(%s) AS VARCHAR) ELSE CAST(%s AS VARCHAR) END`, v, v, v)
			v = fmt.Sprintf(`CASE WHEN json_valid(%s) AND json_type(%s) = 'OBJECT' THEN CAST(json_transform(%s, '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR)) END`, j, j, j)
		}
		cols = append(cols, v+" AS "+doubleQuoted(c))
	}
	// The bills' CSV is what AWS writes, quotes doubled; strict mode would refuse the rows
	// curnorm reads (ragged ones included).
	from := fmt.Sprintf(`read_csv(%s, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = false, null_padding = true)`, quote(b.path))
	if parquet {
		from = fmt.Sprintf("read_parquet(%s)", quote(b.path))
	}
	return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT %s FROM %s", name, strings.Join(cols, ", "), from)
}

// dimSets are the --by sets every bill and metric is compared under.
var dimSets = [][]string{
	nil,
	{"service"},
	{"account", "line-item-type"},
	{"source"},
	{"tag:Team", "purchase-option"},
	{"cost-category:Team", "region"},
	{"billing-period", "day", "usage-type"},
	{"service-name", "operation"},
	{"account-name"},
	{"service-code", "commitment"},
	{"instance-type", "availability-zone", "pricing-unit"},
	{"billing-entity", "legal-entity", "invoice"},
	{"product-family", "instance-family", "column:product/region"},
}

// filterSets are --filter sets compared under the amortized metric.
var filterSets = [][]string{
	{"line-item-type!=Tax"},
	{"service=AmazonEC2,AmazonS3", "purchase-option!=Spot"},
	{"source=Unblended Cost"},
}

type sqlCase struct {
	bill    bill
	table   string
	metric  pricing.Metric
	by      []string
	filters []string
}

func (c sqlCase) String() string {
	return fmt.Sprintf("%s --metric %s --by %s --filter %s", c.bill.name, c.metric, strings.Join(c.by, ","), strings.Join(c.filters, " --filter "))
}

func (c sqlCase) options(t *testing.T) (Options, report.Options) {
	// AllowEmpty: a dimension whose column the bill lacks is (none) on every row, as the
	// query's typed NULL makes it, where report would refuse it.
	ro := report.Options{Metric: c.metric, Jobs: 1, AllowEmpty: true}
	for _, n := range c.by {
		d, err := report.ParseDimension(n)
		if err != nil {
			t.Fatal(err)
		}
		ro.Dims = append(ro.Dims, d)
	}
	var err error
	if ro.Filters, err = report.ParseFilters(c.filters); err != nil {
		t.Fatal(err)
	}
	d, _ := ParseDialect("duckdb")
	return Options{Dialect: d, Metric: c.metric, Dims: ro.Dims, Filters: ro.Filters, Table: c.table,
		Columns: SchemaColumns(c.bill.name, c.bill.schema), Version: "test"}, ro
}

// exact reads a DuckDB DECIMAL as a number; NULL is nil.
func exact(t *testing.T, s *string) *big.Rat {
	if s == nil {
		return nil
	}
	r, ok := new(big.Rat).SetString(*s)
	if !ok {
		t.Fatalf("not a number: %q", *s)
	}
	return r
}

func sameMoney(t *testing.T, got *string, want money.Sum) bool {
	g := exact(t, got)
	return g != nil && g.Cmp(want.Rat()) == 0
}

// TestDuckDBAgreesWithReport runs the DuckDB SQL of every bill, metric and dimension set (and
// a few filter sets) on a real DuckDB and requires report's groups and figures, exactly; the
// reconciliation and the view of each bill and metric likewise.
func TestDuckDBAgreesWithReport(t *testing.T) {
	ck := sqlcheck.New(t)
	var j sqlcheck.Job
	type pending struct {
		c    sqlCase
		kind string // rollup, recon, view
	}
	var cases []pending
	refused := 0
	all := bills(t)
	for i, b := range all {
		table := fmt.Sprintf("bill_%d", i)
		j.Run = append(j.Run, sqlcheck.Query{ID: "view " + table, SQL: b.view(table)})
		add := func(c sqlCase, kind string) {
			o, _ := c.options(t)
			var sql string
			var err error
			switch kind {
			case "rollup":
				sql, err = Rollup(o)
			case "recon":
				sql, err = Reconciliation(o)
			case "view":
				if sql, err = View(o, "costs_"+table); err == nil {
					sql += ";\nSELECT currency, CAST(SUM(actual_cost + discount_cost) AS DECIMAL(38,10)), CAST(SUM(public_on_demand_cost) AS DECIMAL(38,10)), CAST(SUM(unblended_cost + discount_cost) AS DECIMAL(38,10)) FROM costs_" + table + " GROUP BY currency ORDER BY currency"
				}
			}
			if errors.Is(err, ErrNoSQLForm) {
				refused++
				if b.schema.Has("line_item_usage_account_name") {
					t.Errorf("%s: refused although the bill has account names: %v", c, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			j.Run = append(j.Run, sqlcheck.Query{ID: fmt.Sprint(len(cases)), SQL: sql})
			cases = append(cases, pending{c, kind})
		}
		for _, m := range pricing.Metrics {
			for _, by := range dimSets {
				add(sqlCase{bill: b, table: table, metric: m, by: by}, "rollup")
			}
			add(sqlCase{bill: b, table: table, metric: m}, "recon")
			add(sqlCase{bill: b, table: table, metric: m, by: []string{"service", "source"}}, "view")
		}
		for _, f := range filterSets {
			add(sqlCase{bill: b, table: table, metric: pricing.Amortized, by: []string{"service"}, filters: f}, "rollup")
			add(sqlCase{bill: b, table: table, metric: pricing.Amortized, filters: f}, "recon")
		}
	}
	res := ck.Do(t, j)
	byID := map[string]int{}
	for i, r := range res.Run {
		byID[r.ID] = i
		if strings.HasPrefix(r.ID, "view ") && r.Error != "" {
			t.Fatalf("%s: %s", r.ID, r.Error)
		}
	}
	compared, groups := 0, 0
	for i, p := range cases {
		r := res.Run[byID[fmt.Sprint(i)]]
		if r.Error != "" {
			t.Errorf("%s %s: DuckDB: %s", p.kind, p.c, r.Error)
			continue
		}
		_, ro := p.c.options(t)
		rep, err := report.Run(context.Background(), []cur.Source{{Path: p.c.bill.path}}, ro)
		if errors.Is(err, report.ErrEmptySelection) {
			if len(r.Rows) != 0 {
				t.Errorf("%s: report keeps no row, DuckDB %d groups", p.c, len(r.Rows))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: report: %v", p.c, err)
		}
		switch p.kind {
		case "rollup":
			groups += compareRollup(t, p.c, rep, r.Rows)
		case "recon":
			compareRecon(t, p.c, rep, r.Rows)
		case "view":
			compareView(t, p.c, rep, r.Rows)
		}
		compared++
	}
	t.Logf("%d bills, %d queries compared (%d groups), %d refused for want of a column", len(all), compared, groups, refused)
}

func compareRollup(t *testing.T, c sqlCase, rep *report.Result, rows [][]*string) int {
	t.Helper()
	n := len(c.by)
	want := map[string]*report.Group{}
	for _, g := range rep.Groups {
		want[strings.Join(append(slices.Clone(g.Key), g.Currency), "\x00")] = g
	}
	if len(rows) != len(want) {
		t.Errorf("%s: DuckDB %d groups, report %d", c, len(rows), len(want))
	}
	for _, row := range rows {
		var key []string
		for _, k := range row[:n+1] {
			key = append(key, *k)
		}
		g := want[strings.Join(key, "\x00")]
		if g == nil {
			t.Errorf("%s: DuckDB group %q is not in report's", c, key)
			continue
		}
		f := row[n+1:]
		ok := *f[0] == fmt.Sprint(g.Rows) && sameMoney(t, f[1], g.Cost) && sameMoney(t, f[2], g.Unblended) &&
			sameMoney(t, f[3], g.OnDemand) && sameMoney(t, f[4], g.PricedCost) && sameMoney(t, f[5], g.Savings()) &&
			*f[7] == fmt.Sprint(g.OverOnDemand())
		rate, has := g.SavingsRate()
		if got := exact(t, f[6]); has != (got != nil) || has && !withinRate(got, rate) {
			ok = false
		}
		if !ok {
			t.Errorf("%s: group %q: DuckDB %v; report rows %d cost %s unblended %s on-demand %s priced %s savings %s rate %v over %v",
				c, key, deref(f), g.Rows, g.Cost, g.Unblended, g.OnDemand, g.PricedCost, g.Savings(), rate, g.OverOnDemand())
		}
	}
	return len(rows)
}

// withinRate: a savings rate agrees to the last of its 10 decimals (DuckDB divides decimals in
// binary floating point before the result is cast back to DECIMAL(38,10)).
func withinRate(got, want *big.Rat) bool {
	d := new(big.Rat).Sub(got, want)
	return d.Abs(d).Cmp(big.NewRat(1, 10_000_000_000)) <= 0
}

func deref(ss []*string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		if s == nil {
			out[i] = "NULL"
		} else {
			out[i] = *s
		}
	}
	return out
}

func compareRecon(t *testing.T, c sqlCase, rep *report.Result, rows [][]*string) {
	t.Helper()
	if len(rows) != len(rep.Summaries) {
		t.Errorf("%s: DuckDB %d periods and currencies, report %d", c, len(rows), len(rep.Summaries))
		return
	}
	for i, s := range rep.Summaries {
		row := rows[i]
		figs := []money.Sum{s.ByMetric[pricing.Unblended], s.ByMetric[c.metric], s.ByMetric[pricing.Amortized], s.TrueUp,
			s.UpfrontFees, s.ExcludedRefunds, s.SplitCost, s.Residual()}
		if c.metric == pricing.Amortized {
			figs = slices.Delete(figs, 1, 2)
		}
		ok := *row[0] == s.Period && *row[1] == s.Currency && *row[2] == fmt.Sprint(s.Rows) && *row[3] == fmt.Sprint(s.RowsWithoutInvoice)
		for k, f := range figs {
			ok = ok && sameMoney(t, row[4+k], f)
		}
		holds := row[len(row)-1]
		if s.ReconciliationApplies() {
			ok = ok && holds != nil && *holds == fmt.Sprint(s.ReconciliationHolds())
		} else {
			ok = ok && holds == nil
		}
		if !ok {
			t.Errorf("%s: reconciliation %s %s: DuckDB %v; report rows %d without invoice %d figures %v holds %v",
				c, s.Period, s.Currency, deref(row), s.Rows, s.RowsWithoutInvoice, figs, s.ReconciliationHolds())
		}
	}
}

func compareView(t *testing.T, c sqlCase, rep *report.Result, rows [][]*string) {
	t.Helper()
	if len(rows) != len(rep.Totals) {
		t.Errorf("%s: view: DuckDB %d currencies, report %d", c, len(rows), len(rep.Totals))
		return
	}
	for i, tot := range rep.Totals {
		row := rows[i]
		if *row[0] != tot.Currency || !sameMoney(t, row[1], tot.Cost) || !sameMoney(t, row[2], tot.OnDemand) || !sameMoney(t, row[3], tot.Unblended) {
			t.Errorf("%s: view totals %v; report %s cost %s on-demand %s unblended %s", c, deref(row), tot.Currency, tot.Cost, tot.OnDemand, tot.Unblended)
		}
	}
}
