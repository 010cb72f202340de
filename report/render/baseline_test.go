package render

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report/drift"
	"github.com/curnorm/curnorm/report/internal/reporttest"
)

// TestBaselineRoundTrip writes the golden rollups as JSON, reads them back and writes them
// again: the document must not change.
func TestBaselineRoundTrip(t *testing.T) {
	for _, name := range []string{"worked", "mixed"} {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "golden", name+".json.golden"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := ReadBaseline(bytes.NewReader(want), name+".json")
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := Write(&got, res, Options{Format: "json", Precision: -1}); err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf("read back and written again, the document changed:\n%s", got.String())
			}
		})
	}
}

func TestBaselineKeepsCoverage(t *testing.T) {
	dir := t.TempDir()
	p := reporttest.WriteBill(t, dir, "mtd.csv", reporttest.Header+
		",2026-11-01T00:00:00Z,111111111111,Usage,2026-11-03T00:00:00Z,AmazonEC2,i-1,USD,10,10\n"+
		"INV,2026-11-01T00:00:00Z,111111111111,Usage,2026-11-09T00:00:00Z,AmazonEC2,i-1,USD,10,10\n")
	res := reporttest.Run(t, p, pricing.Amortized, "service")
	var doc bytes.Buffer
	if err := Write(&doc, res, Options{Format: "json", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadBaseline(&doc, "mtd.json")
	if err != nil {
		t.Fatal(err)
	}
	s := back.Summaries[0]
	if s.Final() || s.RowsWithoutInvoice != 1 || s.FirstUsageDay != "2026-11-03" || s.LastUsageDay != "2026-11-09" {
		t.Errorf("summary read back: final %v, %d rows without invoice, usage %s to %s",
			s.Final(), s.RowsWithoutInvoice, s.FirstUsageDay, s.LastUsageDay)
	}
	if c := drift.CoverageOf(back); c.Days != 9 || c.PeriodDays != 30 || c.Final {
		t.Errorf("coverage read back: %+v", c)
	}
}

func TestReadBaselineErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		class     error
		msg       string
	}{
		{"other version", `{"schema": "curnorm.report/v9"}`, cur.ErrUnsupportedFormat, `baseline schema "curnorm.report/v9"; this curnorm reads "curnorm.report/v2"`},
		{"bad fingerprint", `{"schema": "curnorm.report/v2", "metric": "amortized", "inputs": [{"name": "a.csv", "size": 3, "fingerprint": "md5:00"}]}`, cur.ErrBadValue, `input 1: fingerprint "md5:00": want xxh64: and 16 hex digits`},
		{"fingerprint without size", `{"schema": "curnorm.report/v2", "metric": "amortized", "inputs": [{"name": "a.csv", "fingerprint": "xxh64:0000000000000000"}]}`, cur.ErrBadValue, `input 1: size and fingerprint must both be given or both null`},
		{"no schema", `{"metric": "amortized"}`, cur.ErrUnsupportedFormat, `not a report document (no "schema")`},
		{"not json", `{"schema": `, cur.ErrBadValue, "not a report document"},
		{"bad metric", `{"schema": "curnorm.report/v1", "metric": "cheapest"}`, cur.ErrBadValue, `unknown metric "cheapest"`},
		{"bad money", `{"schema": "curnorm.report/v1", "metric": "amortized", "totals": [{"currency": "USD", "cost": "1e3"}]}`, cur.ErrBadValue, `total 1: cost: invalid number "1e3"`},
		{"too precise", `{"schema": "curnorm.report/v1", "metric": "amortized", "totals": [{"currency": "USD", "cost": "0.00000000001"}]}`, cur.ErrBadValue, "more than 10 decimals"},
		{"key", `{"schema": "curnorm.report/v1", "metric": "amortized", "dimensions": ["service"], "groups": [{"key": {"account": "1"}}]}`, cur.ErrBadValue, `group 1: key has no "service"`},
		{"summary without period", `{"schema": "curnorm.report/v1", "metric": "amortized", "summary": [{"period": "2026-10", "currency": "USD"}]}`, cur.ErrBadValue, "no matching entry in periods"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadBaseline(strings.NewReader(tc.doc), "b.json")
			if !errors.Is(err, tc.class) || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "b.json: ") {
				t.Errorf("got %v, want %v containing %q", err, tc.class, tc.msg)
			}
		})
	}
}

func TestIsBaseline(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"base.json":     "\n  {\"schema\": \"curnorm.report/v1\"}",
		"late.json":     `{"metric": "amortized", "groups": [{"x": [1, {"y": 2}]}], "schema": "curnorm.report/v1"}`,
		"manifest.json": `{"assemblyId": "a", "reportKeys": ["x.csv.gz"]}`,
		"bill.csv":      reporttest.Header,
		"nested.json":   `{"groups": {"schema": "x"}}`,
		"empty.json":    "",
	}
	for name, text := range files {
		reporttest.WriteBill(t, dir, name, text)
	}
	for name, want := range map[string]bool{"base.json": true, "late.json": true, "manifest.json": false,
		"bill.csv": false, "nested.json": false, "empty.json": false, "missing.json": false, ".": false} {
		got, err := IsBaseline(filepath.Join(dir, name))
		if err != nil || got != want {
			t.Errorf("IsBaseline(%s) = %v, %v; want %v", name, got, err, want)
		}
	}
	if got, _ := IsBaseline("-"); got {
		t.Error("standard input taken for a baseline")
	}
}

// TestBaselineOfFOCUS: the report document of FOCUS input says so, lists the metrics FOCUS
// answers, and reads back with its reconciliation not applying and its totals.
func TestBaselineOfFOCUS(t *testing.T) {
	p := reporttest.WriteBill(t, t.TempDir(), "focus.csv", "BilledCost,EffectiveCost,ListCost,ChargeCategory,BillingCurrency,BillingPeriodStart,x_ServiceCode\n"+
		"10,8,12,Usage,USD,2026-10-01T00:00:00Z,AmazonEC2\n3,3,0,Tax,USD,2026-10-01T00:00:00Z,\n")
	res := reporttest.Run(t, p, pricing.Amortized, "service")
	var doc bytes.Buffer
	if err := Write(&doc, res, Options{Format: "json", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.String(), `"focus": true`) || strings.Contains(doc.String(), `"simple"`) {
		t.Errorf("document of FOCUS input:\n%s", doc.String())
	}
	back, err := ReadBaseline(&doc, "focus.json")
	if err != nil {
		t.Fatal(err)
	}
	s := back.Summaries[0]
	if !s.FOCUS || s.ReconciliationApplies() || s.ByMetric[pricing.Amortized].String() != "11" ||
		s.ByMetric[pricing.Unblended].String() != "13" || s.OnDemand.String() != "12" {
		t.Errorf("summary read back: focus %v, reconciliation applies %v, amortized %s, unblended %s, on-demand %s",
			s.FOCUS, s.ReconciliationApplies(), s.ByMetric[pricing.Amortized], s.ByMetric[pricing.Unblended], s.OnDemand)
	}
}
