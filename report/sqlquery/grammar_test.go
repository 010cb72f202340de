package sqlquery

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/internal/sqlcheck"
	"github.com/curnorm/curnorm/report"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files under testdata/golden")

// queries are the rollup, view and reconciliation of o, by name.
func queries(t *testing.T, o Options) map[string]string {
	t.Helper()
	out := map[string]string{}
	var err error
	if out["rollup"], err = Rollup(o); err != nil {
		t.Fatal(err)
	}
	if out["view"], err = View(o, "curnorm_costs"); err != nil {
		t.Fatal(err)
	}
	if out["reconciliation"], err = Reconciliation(o); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustOptions(t *testing.T, dialect, flavour string, m pricing.Metric, by, filters []string) Options {
	t.Helper()
	d, err := ParseDialect(dialect)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := FlavourColumns(flavour)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Dialect: d, Metric: m, Table: "cur_db.cur_table", Columns: cols, Version: "test"}
	for _, n := range by {
		dim, err := report.ParseDimension(n)
		if err != nil {
			t.Fatal(err)
		}
		o.Dims = append(o.Dims, dim)
	}
	if o.Filters, err = report.ParseFilters(filters); err != nil {
		t.Fatal(err)
	}
	return o
}

// grammarOf is the dt-sql-parser grammar that checks a dialect: Athena's engine is Trino's.
func grammarOf(dialect string) string {
	if dialect == "spark" {
		return "spark"
	}
	return "trino"
}

// TestGrammarsAccept parses the Athena, Trino and Spark SQL of every metric, dimension set and
// filter set, over both flavours' columns, with each dialect's grammar; a broken statement
// shows that the grammars do reject.
func TestGrammarsAccept(t *testing.T) {
	ck := sqlcheck.New(t)
	var j sqlcheck.Job
	for _, dialect := range []string{"athena", "trino", "spark"} {
		for _, flavour := range Flavours {
			add := func(m pricing.Metric, by, filters []string) {
				o := mustOptions(t, dialect, flavour, m, by, filters)
				if by != nil && by[0] == "account-name" && flavour == "legacy" {
					return // refused: legacy CUR has no account names (TestDuckDBAgreesWithReport)
				}
				for what, sql := range queries(t, o) {
					id := fmt.Sprintf("%s %s %s %s by %s filters %s", dialect, flavour, m, what, strings.Join(by, ","), strings.Join(filters, " "))
					// The grammars take one statement; the view is its own.
					j.Parse = append(j.Parse, sqlcheck.Parse{ID: id, Dialect: grammarOf(dialect), SQL: sql})
				}
			}
			for _, m := range pricing.Metrics {
				for _, by := range dimSets {
					add(m, by, nil)
				}
			}
			for _, f := range filterSets {
				add(pricing.Amortized, []string{"service"}, f)
			}
		}
	}
	broken := len(j.Parse)
	for _, g := range []string{"trino", "spark"} {
		j.Parse = append(j.Parse, sqlcheck.Parse{ID: "broken " + g, Dialect: g, SQL: "SELECT CASE WHEN x THEN 1 FROM t GROUP"})
	}
	res := ck.Do(t, j)
	if len(res.Parse) != len(j.Parse) {
		t.Fatalf("%d statements parsed, want %d", len(res.Parse), len(j.Parse))
	}
	for i, p := range res.Parse {
		switch {
		case i >= broken && len(p.Errors) == 0:
			t.Errorf("%s: the grammar accepts a broken statement", p.ID)
		case i < broken && len(p.Errors) > 0:
			t.Errorf("%s: %s", p.ID, strings.Join(p.Errors, "; "))
		}
	}
	t.Logf("%d statements parsed by the Trino and Spark grammars", broken)
}

// TestGolden keeps the SQL of a few cases under testdata/golden — the rollup in each
// dialect's own text, a legacy view and a reconciliation — so that a change to the generated text shows
// in review. go test ./report/sqlquery -update rewrites them.
func TestGolden(t *testing.T) {
	type golden struct{ dialect, flavour, what string }
	var cases []golden
	// Athena's text is Trino's under another header: one golden file stands for both.
	for _, d := range []string{"athena", "spark", "duckdb"} {
		cases = append(cases, golden{d, "cur2", "rollup"})
	}
	cases = append(cases, golden{"athena", "legacy", "view"}, golden{"spark", "cur2", "reconciliation"})
	for _, c := range cases {
		o := mustOptions(t, c.dialect, c.flavour, pricing.Amortized, []string{"service", "tag:Team", "cost-category:Project"}, []string{"line-item-type!=Tax"})
		sql := queries(t, o)[c.what]
		path := filepath.Join("testdata", "golden", fmt.Sprintf("%s-%s-%s.sql", c.dialect, c.flavour, c.what))
		if *update {
			if err := os.WriteFile(path, []byte(sql), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./report/sqlquery -update writes it)", err)
		}
		if string(want) != sql {
			t.Errorf("%s is not what the generator writes now; run go test ./report/sqlquery -update and review the diff", path)
		}
	}
}
