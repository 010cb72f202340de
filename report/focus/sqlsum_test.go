package focus_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/internal/sqlcheck"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// TestSQLSumIsReport: a plain SQL SUM of BilledCost and EffectiveCost per service (x_ServiceCode,
// else ServiceName, as the service dimension reads a FOCUS file) and currency, run by DuckDB over a converted bill (CSV and Parquet), gives exactly what report
// --by service gives on the same file under unblended and amortized.
func TestSQLSumIsReport(t *testing.T) {
	ck := sqlcheck.New(t)
	var j sqlcheck.Job
	type want struct {
		file    string
		metrics [2]map[string]string // unblended, amortized
	}
	var wants []want
	for _, path := range bills(t) {
		for _, f := range writeFOCUS(t, path) {
			from := fmt.Sprintf("read_csv('%s', all_varchar = true)", f)
			if strings.HasSuffix(f, ".parquet") {
				from = fmt.Sprintf("read_parquet('%s')", f)
			}
			j.Run = append(j.Run, sqlcheck.Query{ID: fmt.Sprint(len(wants)), SQL: "SELECT COALESCE(NULLIF(x_ServiceCode, ''), ServiceName) AS service, " +
				"BillingCurrency, SUM(CAST(BilledCost AS DECIMAL(38,10))), SUM(CAST(EffectiveCost AS DECIMAL(38,10))) FROM " + from +
				" GROUP BY service, BillingCurrency"})
			w := want{file: filepath.Base(path) + " as " + filepath.Base(f)}
			for i, m := range []pricing.Metric{pricing.Unblended, pricing.Amortized} {
				w.metrics[i] = groupCosts(reporttest.Run(t, f, m, "service"))
			}
			wants = append(wants, w)
		}
	}
	res := ck.Do(t, j)
	if len(res.Run) != len(wants) {
		t.Fatalf("%d queries ran, want %d", len(res.Run), len(wants))
	}
	for i, r := range res.Run {
		w := wants[i]
		if r.Error != "" {
			t.Errorf("%s: %s", w.file, r.Error)
			continue
		}
		var got [2]map[string]string
		for m := range got {
			got[m] = map[string]string{}
		}
		for _, row := range r.Rows {
			key := deref(row[0]) + " " + deref(row[1])
			for m := range got {
				a, _, err := money.ParseString(deref(row[2+m]))
				if err != nil {
					t.Fatalf("%s: sum %q: %v", w.file, deref(row[2+m]), err)
				}
				got[m][key] = a.String()
			}
		}
		for m, name := range []string{"unblended", "amortized"} {
			if len(w.metrics[m]) < 2 {
				t.Fatalf("%s: %d services", w.file, len(w.metrics[m]))
			}
			if !maps.Equal(got[m], w.metrics[m]) {
				t.Errorf("%s under %s: SQL SUM gives\n%v\nreport gives\n%v", w.file, name, got[m], w.metrics[m])
			}
		}
	}
}

// groupCosts are a rollup's costs by group key and currency, without totals.
func groupCosts(res *report.Result) map[string]string {
	out := map[string]string{}
	for _, g := range res.Groups {
		out[strings.Join(g.Key, "|")+" "+g.Currency] = g.Cost.String()
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
