package focus_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report/focus"
	"github.com/curnorm/curnorm/report/focus/focustest"
	"github.com/curnorm/curnorm/report/internal/reporttest"
	"github.com/curnorm/curnorm/report/render"
)

// bills are every fixture and shared sample bill, both flavours; absent samples are left out.
func bills(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"../../testdata/bills/*.csv", "../../testdata/demo/*.csv.gz", "../testdata/normalize/*.csv"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	for _, s := range [][]string{{"worked", "bill-legacy.csv"}, {"worked", "bill-cur2.csv"}, {"cur2", "sample_cur2.csv"},
		{"cur2", "sample_cur2.parquet"}, {"legacy-csv", "sample-anonymous-aws-export-dataset.csv"}} {
		t.Run("sample/"+s[1], func(t *testing.T) { out = append(out, reporttest.SharedSample(t, s...)) })
	}
	if len(out) < 7 {
		t.Fatalf("only %d bills found", len(out))
	}
	return out
}

// convert writes the FOCUS rows of path as CSV and as Parquet and reads both back; they must
// hold the same cells.
func convert(t *testing.T, path string, m pricing.Metric) (header []string, rows [][]string) {
	return convertWith(t, path, focus.Options{Metric: m})
}

func convertWith(t *testing.T, path string, o focus.Options) (header []string, rows [][]string) {
	t.Helper()
	src := []cur.Source{{Path: path}}
	var buf bytes.Buffer
	cs := render.NewCSVSink(&buf)
	cs.NoFormulaEscape = true
	st, err := focus.Convert(context.Background(), src, o, cs)
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(recs)-1) != st.Rows {
		t.Errorf("%d rows read back, Convert counted %d", len(recs)-1, st.Rows)
	}
	pq := filepath.Join(t.TempDir(), "focus.parquet")
	f, err := os.Create(pq)
	if err != nil {
		t.Fatal(err)
	}
	ps := render.NewParquetSink(f)
	if _, err := focus.Convert(context.Background(), src, o, ps); err != nil {
		t.Fatal(err)
	}
	if err := ps.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	precs, _ := reporttest.ReadParquet(t, pq)
	if !slices.EqualFunc(recs, precs, slices.Equal) {
		t.Errorf("CSV and Parquet output differ:\ncsv %q\nparquet %q", recs[:min(3, len(recs))], precs[:min(3, len(precs))])
	}
	return recs[0], recs[1:]
}

// sumBy sums column c per BillingCurrency over the rows keep accepts.
func sumBy(t *testing.T, header []string, rows [][]string, c string, keep func(get func(string) string) bool) map[string]string {
	t.Helper()
	idx := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %s", name)
		}
		return i
	}
	sums := map[string]*money.Sum{}
	for _, r := range rows {
		get := func(name string) string { return r[idx(name)] }
		if !keep(get) {
			continue
		}
		a, _, err := money.ParseString(get(c))
		if err != nil {
			t.Fatalf("%s %q: %v", c, get(c), err)
		}
		cur := get("BillingCurrency")
		if sums[cur] == nil {
			sums[cur] = new(money.Sum)
		}
		sums[cur].Add(a)
	}
	out := map[string]string{}
	for k, v := range sums {
		out[k] = v.String()
	}
	return out
}

// reportTotals are a report's totals per currency under the metrics FOCUS output takes,
// and its on-demand.
func reportTotals(t *testing.T, path string) (byMetric map[pricing.Metric]map[string]string, onDemand map[string]string) {
	res := reporttest.Run(t, path, pricing.Amortized)
	byMetric = map[pricing.Metric]map[string]string{}
	sums := map[pricing.Metric]map[string]*money.Sum{}
	od := map[string]*money.Sum{}
	for _, s := range res.Summaries {
		for _, x := range []pricing.Metric{pricing.Unblended, pricing.Amortized, pricing.NetUnblended, pricing.NetAmortized} {
			if sums[x] == nil {
				sums[x] = map[string]*money.Sum{}
			}
			if sums[x][s.Currency] == nil {
				sums[x][s.Currency] = new(money.Sum)
			}
			sums[x][s.Currency].AddSum(s.ByMetric[x])
		}
		if od[s.Currency] == nil {
			od[s.Currency] = new(money.Sum)
		}
		od[s.Currency].AddSum(s.OnDemand)
	}
	for x, per := range sums {
		byMetric[x] = map[string]string{}
		for c, v := range per {
			byMetric[x][c] = v.String()
		}
	}
	onDemand = map[string]string{}
	for c, v := range od {
		if !v.IsZero() {
			onDemand[c] = v.String()
		}
	}
	return byMetric, onDemand
}

func nonZero(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if v != "0" {
			out[k] = v
		}
	}
	return out
}

// TestConvertIdentities: on every fixture and sample, both flavours, under amortized and
// net-amortized, Σ EffectiveCost is report's total under the metric, Σ BilledCost its
// unblended (or net unblended) total, and Σ ListCost over priced usage report's on-demand; the
// rows pass the conformance rules but those docs/focus.md waives for the bill.
func TestConvertIdentities(t *testing.T) {
	for _, path := range bills(t) {
		for _, m := range []pricing.Metric{pricing.Amortized, pricing.NetAmortized} {
			t.Run(filepath.Base(path)+"/"+m.String(), func(t *testing.T) {
				header, rows := convert(t, path, m)
				all := func(func(string) string) bool { return true }
				totals, od := reportTotals(t, path)
				billedMetric := pricing.Unblended
				if m == pricing.NetAmortized {
					billedMetric = pricing.NetUnblended
				}
				for name, pair := range map[string][2]map[string]string{
					"EffectiveCost": {sumBy(t, header, rows, "EffectiveCost", all), totals[m]},
					"BilledCost":    {sumBy(t, header, rows, "BilledCost", all), totals[billedMetric]},
					"ListCost": {nonZero(sumBy(t, header, rows, "ListCost", func(get func(string) string) bool {
						return get("x_OnDemandCost") != ""
					})), od},
				} {
					if !maps.Equal(nonZero(pair[0]), nonZero(pair[1])) {
						t.Errorf("Σ %s = %v, report %v", name, pair[0], pair[1])
					}
				}
				waived := focus.Waived(schemaOf(t, path), m)
				broken := map[string]int{}
				for _, v := range focustest.Validate(header, rows) {
					if _, ok := waived[v.Rule]; ok {
						continue
					}
					if broken[v.Rule]++; broken[v.Rule] <= 3 {
						t.Errorf("%v", v)
					}
				}
				if len(broken) > 0 {
					t.Errorf("rules broken (times): %v", broken)
				}
			})
		}
	}
}

func schemaOf(t *testing.T, path string) *cur.Schema {
	r, err := cur.Open(cur.Source{Path: path}, cur.Request{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.Schema()
}

// TestWorkedBillFlavours: both flavours of the worked bill give the same FOCUS rows (the legacy
// one named through AccountNames): 19 line items less 2 negation rows plus 2 Unused rows, whose
// EffectiveCost is EXPECTED.md's unused commitment (SP 1200, RI 120).
func TestWorkedBillFlavours(t *testing.T) {
	names := map[string]string{"111111111111": "prod", "222222222222": "analytics"}
	lh, legacy := convertWith(t, reporttest.SharedSample(t, "worked", "bill-legacy.csv"), focus.Options{AccountNames: names})
	ch, cur2 := convertWith(t, reporttest.SharedSample(t, "worked", "bill-cur2.csv"), focus.Options{})
	if !slices.Equal(lh, ch) || !slices.EqualFunc(legacy, cur2, slices.Equal) {
		t.Errorf("flavours differ:\nlegacy %q\ncur2   %q", legacy, cur2)
	}
	if len(legacy) != 19 {
		t.Errorf("%d rows, want 19", len(legacy))
	}
	unused := sumBy(t, lh, legacy, "EffectiveCost", func(get func(string) string) bool {
		return get("CommitmentDiscountStatus") == "Unused"
	})
	spUnused := sumBy(t, lh, legacy, "EffectiveCost", func(get func(string) string) bool {
		return get("CommitmentDiscountStatus") == "Unused" && get("CommitmentDiscountCategory") == "Spend"
	})
	if unused["USD"] != "1320" || spUnused["USD"] != "1200" {
		t.Errorf("unused commitment %v, of Savings Plans %v; want 1320, 1200", unused, spUnused)
	}
	negations := sumBy(t, lh, legacy, "BilledCost", func(get func(string) string) bool {
		return get("x_LineItemType") == "SavingsPlanNegation" || get("ChargeCategory") == "Adjustment"
	})
	if len(negations) != 0 {
		t.Errorf("negation or adjustment rows written: %v", negations)
	}
}

// TestDiscountedCoveredUsage: a negotiated discount on Savings Plan covered usage is what the
// covered row bills, in both flavours and under both metrics; the negation cancels the rest,
// so no Adjustment row is written.
func TestDiscountedCoveredUsage(t *testing.T) {
	for _, file := range []string{"discount-legacy.csv", "discount-cur2.csv"} {
		for _, m := range []pricing.Metric{pricing.Amortized, pricing.NetAmortized} {
			header, rows := convert(t, filepath.Join("..", "testdata", "normalize", file), m)
			adj := sumBy(t, header, rows, "BilledCost", func(get func(string) string) bool { return get("ChargeCategory") == "Adjustment" })
			if len(adj) != 0 {
				t.Errorf("%s %s: adjustment rows %v", file, m, adj)
			}
		}
	}
}

// TestUnmatchedNegation: a Savings Plan negation its covered usage does not cancel comes out
// as one Adjustment row carrying the difference, so Σ BilledCost stays the unblended total.
func TestUnmatchedNegation(t *testing.T) {
	const bill = "bill/BillingPeriodStartDate,bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType," +
		"lineItem/UsageStartDate,lineItem/ProductCode,lineItem/CurrencyCode,lineItem/UnblendedCost," +
		"pricing/publicOnDemandCost,savingsPlan/SavingsPlanARN,savingsPlan/SavingsPlanEffectiveCost\n" +
		"2026-10-01T00:00:00Z,1,2,SavingsPlanCoveredUsage,2026-10-02T00:00:00Z,AmazonEC2,USD,40,40,sp,30\n" +
		"2026-10-01T00:00:00Z,1,2,SavingsPlanNegation,2026-10-02T00:00:00Z,AmazonEC2,USD,-50,,sp,\n" +
		"2026-10-01T00:00:00Z,1,2,Usage,2026-10-02T00:00:00Z,AmazonS3,USD,5,5,,\n"
	path := reporttest.WriteBill(t, t.TempDir(), "bill.csv", bill)
	header, rows := convert(t, path, pricing.Amortized)
	adj := sumBy(t, header, rows, "BilledCost", func(get func(string) string) bool { return get("ChargeCategory") == "Adjustment" })
	all := sumBy(t, header, rows, "BilledCost", func(func(string) string) bool { return true })
	if len(rows) != 3 || adj["USD"] != "-10" || all["USD"] != "-5" {
		t.Errorf("%d rows, adjustment %v, Σ BilledCost %v; want 3, -10, -5", len(rows), adj, all)
	}
}

// BenchmarkConvert converts the demo month to CSV.
func BenchmarkConvert(b *testing.B) {
	path := "../../testdata/demo/curnorm-sample-1.csv.gz"
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	var rows int64
	for b.Loop() {
		cs := render.NewCSVSink(io.Discard)
		st, err := focus.Convert(context.Background(), []cur.Source{{Path: path}}, focus.Options{}, cs)
		if err != nil {
			b.Fatal(err)
		}
		rows += st.Rows
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
