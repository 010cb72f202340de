package sample

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
)

var flavours = []cur.Flavour{cur.LegacyCSV, cur.LegacyParquet, cur.CUR2CSV, cur.CUR2Parquet}

// totals is what a bill adds up to when read back through curnorm's own reader and metrics.
type totals struct {
	rows      int64
	metric    [8]money.Sum // by index in pricing.Metrics
	unblended money.Sum
	amortized money.Sum
	trueUp    money.Sum
	upfront   money.Sum
	refunds   money.Sum
	types     map[string]int
	kinds     map[pricing.Kind]int
	overOD    int // priced usage rows that cost more than on-demand
	unpriced  int // usage rows without a public price
	spot      int
	flavour   cur.Flavour
}

func readTotals(t *testing.T, paths []string) *totals {
	t.Helper()
	tot := &totals{types: map[string]int{}, kinds: map[pricing.Kind]int{}}
	for _, p := range paths {
		ev := pricing.NewEvaluator(false)
		req := ev.Request()
		typeCol, usageCol, unblCol := req.AskString(cur.ColLineItemType), req.AskString(cur.ColUsageType), req.AskAmount(cur.ColUnblended)
		rd, err := cur.Open(cur.Source{Path: p}, req)
		if err != nil {
			t.Fatalf("open %s: %v", p, err)
		}
		tot.flavour = rd.Schema().Flavour
		for rd.Next() {
			b := rd.Batch()
			c := ev.Eval(b)
			types, usage := b.Str(typeCol), b.Str(usageCol)
			unbl := b.Amt(unblCol)
			for i := 0; i < b.Len; i++ {
				for m, metric := range pricing.Metrics {
					tot.metric[m].Add(c.Cost[metric][i])
					if metric.CountsDiscountColumn() {
						tot.metric[m].Add(c.Discount[i])
					}
				}
				u := unbl.Values[i]
				tot.unblended.Add(u)
				tot.amortized.Add(c.Cost[pricing.Amortized][i])
				tot.trueUp.Add(c.TrueUp[i])
				switch c.Kind[i] {
				case pricing.KindSPUpfrontFee, pricing.KindRIUpfrontFee:
					tot.upfront.Add(u)
				case pricing.KindReturnedSPRefund:
					tot.refunds.Add(u)
				}
				tot.types[types.Value(i)]++
				tot.kinds[c.Kind[i]]++
				if c.Priced[i] && c.Cost[pricing.Amortized][i] > c.OnDemand[i] {
					tot.overOD++
				}
				if c.Kind[i] == pricing.KindUsage && !c.Priced[i] {
					tot.unpriced++
				}
				if strings.Contains(usage.Value(i), "SpotUsage") {
					tot.spot++
				}
			}
		}
		if err := rd.Err(); err != nil {
			t.Fatalf("read %s: %v", p, err)
		}
		if rd.Rounded() != 0 {
			t.Errorf("%s: %d amounts rounded on reading", p, rd.Rounded())
		}
		tot.rows += rd.Rows()
		rd.Close()
	}
	return tot
}

func smallOptions(f cur.Flavour) Options {
	return Options{Flavour: f, Rows: 3000, Accounts: 6, Month: "2026-10", Seed: 7, Parts: 2, Final: true}
}

func TestBillReconciles(t *testing.T) {
	for _, f := range flavours {
		t.Run(f.String(), func(t *testing.T) {
			o := smallOptions(f)
			paths, err := Generate(t.TempDir(), o)
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != 2 {
				t.Fatalf("%d files", len(paths))
			}
			tot := readTotals(t, paths)
			if tot.flavour != f {
				t.Errorf("read back as %v", tot.flavour)
			}
			if tot.rows != int64(o.Rows) {
				t.Errorf("%d rows, want %d", tot.rows, o.Rows)
			}
			// Spec §3: Σ unblended = Σ amortized + true-up + upfront fees + excluded refunds.
			rhs := tot.amortized
			rhs.AddSum(tot.trueUp)
			rhs.AddSum(tot.upfront)
			rhs.AddSum(tot.refunds)
			if tot.unblended.Cmp(rhs) != 0 {
				t.Errorf("unblended %s != amortized %s + true-up %s + upfront %s + refunds %s = %s",
					tot.unblended, tot.amortized, tot.trueUp, tot.upfront, tot.refunds, rhs)
			}
			for _, typ := range []string{"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation",
				"SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "RIFee", "Fee", "Credit", "Tax", "Refund"} {
				if tot.types[typ] == 0 {
					t.Errorf("no %s rows", typ)
				}
			}
			for _, k := range []pricing.Kind{pricing.KindRIUpfrontFee, pricing.KindReturnedSPRefund, pricing.KindSPUpfrontFee} {
				if tot.kinds[k] == 0 {
					t.Errorf("no rows of kind %d", k)
				}
			}
			if tot.types["SavingsPlanCoveredUsage"] != tot.types["SavingsPlanNegation"] {
				t.Errorf("%d covered rows but %d negations", tot.types["SavingsPlanCoveredUsage"], tot.types["SavingsPlanNegation"])
			}
			if tot.overOD == 0 {
				t.Error("no priced usage row costs more than on-demand")
			}
			if tot.unpriced == 0 {
				t.Error("no usage row without a public price")
			}
			if tot.spot == 0 {
				t.Error("no Spot usage")
			}
			if tot.trueUp.Sign() == 0 || tot.upfront.Sign() == 0 || tot.refunds.Sign() == 0 {
				t.Errorf("a reconciliation term is 0: true-up %s, upfront %s, refunds %s", tot.trueUp, tot.upfront, tot.refunds)
			}
		})
	}
}

// TestCommitments checks the bill the way AWS's fee rows describe it: each plan's covered rows
// sum to its used commitment, and each reservation's usage plus its unused fees equals the
// fees of the period.
func TestCommitments(t *testing.T) {
	for _, f := range []cur.Flavour{cur.LegacyCSV, cur.CUR2Parquet} {
		t.Run(f.String(), func(t *testing.T) {
			paths, err := Generate(t.TempDir(), smallOptions(f))
			if err != nil {
				t.Fatal(err)
			}
			req := cur.Request{
				Strings: []string{cur.ColLineItemType, cur.ColSPARN, cur.ColRIARN},
				Amounts: []string{cur.ColUnblended, cur.ColSPEffective, "savings_plan_used_commitment",
					"savings_plan_total_commitment_to_date", "savings_plan_recurring_commitment_for_billing_period",
					"savings_plan_amortized_upfront_commitment_for_billing_period", cur.ColRIEffective,
					"reservation_amortized_upfront_fee_for_billing_period", "reservation_unused_amortized_upfront_fee_for_billing_period",
					"reservation_unused_recurring_fee"},
			}
			type plan struct{ covered, negated, effective, used, total, recurring, amortUp, fee money.Sum }
			type ri struct{ effective, unused, period money.Sum }
			plans, ris := map[string]*plan{}, map[string]*ri{}
			for _, p := range paths {
				rd, err := cur.Open(cur.Source{Path: p}, req)
				if err != nil {
					t.Fatal(err)
				}
				for rd.Next() {
					b := rd.Batch()
					a := func(k, i int) money.Amount { return b.Amounts[k].Values[i] }
					for i := 0; i < b.Len; i++ {
						typ, sp, rarn := b.Strings[0].Value(i), b.Strings[1].Value(i), b.Strings[2].Value(i)
						if sp != "" && plans[sp] == nil {
							plans[sp] = &plan{}
						}
						if rarn != "" && ris[rarn] == nil {
							ris[rarn] = &ri{}
						}
						switch typ {
						case "SavingsPlanCoveredUsage":
							plans[sp].covered.Add(a(0, i))
							plans[sp].effective.Add(a(1, i))
						case "SavingsPlanNegation":
							plans[sp].negated.Add(a(0, i))
						case "SavingsPlanRecurringFee":
							pl := plans[sp]
							pl.used.Add(a(2, i))
							pl.total.Add(a(3, i))
							pl.recurring.Add(a(4, i))
							pl.amortUp.Add(a(5, i))
							pl.fee.Add(a(0, i))
						case "DiscountedUsage":
							if a(0, i) != 0 {
								t.Errorf("DiscountedUsage with unblended %s", a(0, i))
							}
							ris[rarn].effective.Add(a(6, i))
						case "RIFee":
							r := ris[rarn]
							r.unused.Add(a(8, i))
							r.unused.Add(a(9, i))
							r.period.Add(a(7, i))
							r.period.Add(a(0, i))
						}
					}
				}
				if err := rd.Err(); err != nil {
					t.Fatal(err)
				}
				rd.Close()
			}
			underused := 0
			for arn, pl := range plans {
				if pl.total.IsZero() {
					continue // the returned plan: no fee row, no usage
				}
				if pl.effective.Cmp(pl.used) != 0 {
					t.Errorf("%s: covered effective cost %s, used commitment %s", arn, pl.effective, pl.used)
				}
				if n := pl.negated.Neg(); pl.covered.Cmp(n) != 0 {
					t.Errorf("%s: covered %s, negated %s", arn, pl.covered, pl.negated)
				}
				if pl.used.Cmp(pl.total) > 0 {
					t.Errorf("%s: used %s above total %s", arn, pl.used, pl.total)
				}
				if pl.used.Cmp(pl.total) < 0 {
					underused++
				}
				sum := pl.recurring
				sum.AddSum(pl.amortUp)
				if sum.Cmp(pl.total) != 0 || pl.fee.Cmp(pl.recurring) != 0 {
					t.Errorf("%s: total %s, recurring %s + amortized %s, fee %s", arn, pl.total, pl.recurring, pl.amortUp, pl.fee)
				}
			}
			if underused == 0 {
				t.Error("every plan is fully used")
			}
			if len(ris) == 0 {
				t.Fatal("no reservations")
			}
			for arn, r := range ris {
				sum := r.effective
				sum.AddSum(r.unused)
				if sum.Cmp(r.period) != 0 {
					t.Errorf("%s: effective %s + unused %s != amortized upfront + recurring %s", arn, r.effective, r.unused, r.period)
				}
			}
		})
	}
}

// TestFlavoursAgree: the legacy and CUR 2.0 flavours, CSV and Parquet, of the same Options hold
// the same bill, so every metric totals the same.
func TestFlavoursAgree(t *testing.T) {
	var first *totals
	for _, f := range flavours {
		o := smallOptions(f)
		o.Gzip = f == cur.CUR2CSV
		paths, err := Generate(t.TempDir(), o)
		if err != nil {
			t.Fatal(err)
		}
		tot := readTotals(t, paths)
		if first == nil {
			first = tot
			continue
		}
		for m, metric := range pricing.Metrics {
			if tot.metric[m].Cmp(first.metric[m]) != 0 {
				t.Errorf("%v: %s total %s, %v has %s", f, metric, tot.metric[m], first.flavour, first.metric[m])
			}
		}
		if tot.rows != first.rows {
			t.Errorf("%v: %d rows, %v has %d", f, tot.rows, first.flavour, first.rows)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, f := range flavours {
		t.Run(f.String(), func(t *testing.T) {
			o := smallOptions(f)
			o.Gzip = true
			a, err := Generate(t.TempDir(), o)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Generate(t.TempDir(), o)
			if err != nil {
				t.Fatal(err)
			}
			for i := range a {
				x, _ := os.ReadFile(a[i])
				y, _ := os.ReadFile(b[i])
				if len(x) == 0 || !bytes.Equal(x, y) {
					t.Errorf("part %d differs between runs (%d and %d bytes)", i, len(x), len(y))
				}
				var w bytes.Buffer
				if err := Write(&w, o, i); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(w.Bytes(), x) {
					t.Errorf("Write of part %d differs from Generate's file", i)
				}
			}
			o.Seed++
			c, err := Generate(t.TempDir(), o)
			if err != nil {
				t.Fatal(err)
			}
			x, _ := os.ReadFile(a[0])
			y, _ := os.ReadFile(c[0])
			if bytes.Equal(x, y) {
				t.Error("another seed gives the same file")
			}
		})
	}
}

func TestColumns(t *testing.T) {
	want := map[cur.Flavour][2]int{cur.LegacyCSV: {110, 125}, cur.LegacyParquet: {110, 125}, cur.CUR2CSV: {100, 135}, cur.CUR2Parquet: {100, 135}}
	for _, f := range flavours {
		names, err := Names(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(names); n < want[f][0] || n > want[f][1] {
			t.Errorf("%v: %d columns", f, n)
		}
		has := map[string]bool{}
		for _, n := range names {
			has[n] = true
		}
		switch f {
		case cur.LegacyCSV:
			for _, n := range []string{"lineItem/UnblendedCost", "reservation/ReservationARN", "resourceTags/user:Team", "costCategory/Team", "pricing/publicOnDemandCost"} {
				if !has[n] {
					t.Errorf("%v lacks %s", f, n)
				}
			}
		case cur.LegacyParquet:
			for _, n := range []string{"line_item_unblended_cost", "reservation_reservation_a_r_n", "resource_tags_user_team", "cost_category_team", "product_product_name"} {
				if !has[n] {
					t.Errorf("%v lacks %s", f, n)
				}
			}
		default:
			for _, n := range []string{"bill_payer_account_name", "line_item_usage_account_name", "product", "resource_tags", "tags",
				"cost_category", "discount", "discount_total_discount", "product_servicecode", "product_region_code", "product_instance_type"} {
				if !has[n] {
					t.Errorf("%v lacks %s", f, n)
				}
			}
			flat := 0
			for _, n := range names {
				if strings.HasPrefix(n, "product_") {
					flat++
				}
			}
			if flat != 21 || has["product_product_name"] || has["product_region"] {
				t.Errorf("%v: %d flat product columns", f, flat)
			}
		}
	}
}

// TestDimensions reads the columns reports group by, in both flavours.
func TestDimensions(t *testing.T) {
	for _, f := range []cur.Flavour{cur.CUR2CSV, cur.CUR2Parquet, cur.LegacyParquet} {
		paths, err := Generate(t.TempDir(), smallOptions(f))
		if err != nil {
			t.Fatal(err)
		}
		cols := []string{cur.ColAccount, "product_product_name", "product_region_code", "product_region", cur.TagColumn("Team"),
			cur.TagColumn("Env"), cur.CostCategoryColumn("Team"), cur.ColUsageStart, cur.ColInvoiceID}
		rd, err := cur.Open(cur.Source{Path: paths[0]}, cur.Request{Strings: cols})
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]map[string]bool, len(cols))
		for i := range seen {
			seen[i] = map[string]bool{}
		}
		for rd.Next() {
			b := rd.Batch()
			for k := range cols {
				for i := 0; i < b.Len; i++ {
					seen[k][b.Strings[k].Value(i)] = true
				}
			}
		}
		if err := rd.Err(); err != nil {
			t.Fatal(err)
		}
		rd.Close()
		for k, c := range cols {
			if len(seen[k]) < 2 && c != cur.ColInvoiceID {
				t.Errorf("%v: %s has values %v", f, c, seen[k])
			}
		}
		if !seen[4][""] || !seen[4]["web"] && !seen[4]["data"] {
			t.Errorf("%v: team tags %v", f, seen[4])
		}
		leadingZero := false
		for a := range seen[0] {
			if len(a) != 12 {
				t.Errorf("%v: account %q", f, a)
			}
			leadingZero = leadingZero || a[0] == '0'
		}
		if !leadingZero {
			t.Errorf("%v: no account id with a leading zero", f)
		}
		for d := range seen[7] {
			if !strings.HasPrefix(d, "2026-10-") {
				t.Errorf("%v: usage start %q", f, d)
			}
		}
		if len(seen[8]) != 1 || seen[8][""] {
			t.Errorf("%v: invoice ids %v", f, seen[8])
		}
	}
}

func TestParquetRowGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 300,000 rows")
	}
	paths, err := Generate(t.TempDir(), Options{Flavour: cur.CUR2Parquet, Rows: 300_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(paths[0], false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if n := pf.NumRowGroups(); n < 2 {
		t.Errorf("%d row groups", n)
	}
	if n := pf.NumRows(); n != 300_000 {
		t.Errorf("%d rows", n)
	}
}

func TestOptions(t *testing.T) {
	bad := []Options{
		{Rows: 10},
		{Rows: 1000, Month: "2026-13"},
		{Rows: 1000, Parts: 200},
		{Rows: 1000, Accounts: -1},
		{Rows: 1000, Flavour: 9},
	}
	for _, o := range bad {
		if _, err := Generate(t.TempDir(), o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	names := map[cur.Flavour]string{cur.LegacyCSV: "r-1.csv.gz", cur.LegacyParquet: "r-1.snappy.parquet",
		cur.CUR2CSV: "r-00001.csv.gz", cur.CUR2Parquet: "r-00001.snappy.parquet"}
	for f, want := range names {
		if got := FileName(Options{Flavour: f, Gzip: true, Report: "r"}, 0); got != want {
			t.Errorf("%v: %s, want %s", f, got, want)
		}
	}
	// Defaults give a usable bill.
	paths, err := Generate(filepath.Join(t.TempDir(), "new"), Options{})
	if err != nil || len(paths) != 1 {
		t.Fatalf("%v %v", paths, err)
	}
}

// failingWriter fails once n bytes are written.
type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteFails(t *testing.T) {
	for _, f := range flavours {
		o := Options{Flavour: f, Rows: 20_000, Gzip: true}
		if err := Write(&failingWriter{n: 4096}, o, 0); !errors.Is(err, errDiskFull) {
			t.Errorf("%v: %v, want the writer's error", f, err)
		}
	}
}

// TestManyBills: small and odd-sized bills of many seeds hold exactly Rows rows and reconcile.
func TestManyBills(t *testing.T) {
	for seed := int64(0); seed < 12; seed++ {
		for _, c := range []struct{ rows, parts, accounts int }{{40, 1, 1}, {157, 3, 2}, {2001, 2, 30}} {
			o := Options{Flavour: flavours[seed%4], Rows: c.rows, Parts: c.parts, Accounts: c.accounts, Seed: seed, Month: "2024-02"}
			paths, err := Generate(t.TempDir(), o)
			if err != nil {
				t.Fatalf("%+v: %v", o, err)
			}
			tot := readTotals(t, paths)
			rhs := tot.amortized
			rhs.AddSum(tot.trueUp)
			rhs.AddSum(tot.upfront)
			rhs.AddSum(tot.refunds)
			if tot.rows != int64(c.rows) || tot.unblended.Cmp(rhs) != 0 {
				t.Errorf("%+v: %d rows, unblended %s, reconciled %s", o, tot.rows, tot.unblended, rhs)
			}
		}
	}
}

// TestMonthToDate: a bill made --through a day holds usage up to the end of that day, no
// invoice id, the whole month as its billing period, and still reconciles; Through with
// Final, or a day outside the month, is refused.
func TestMonthToDate(t *testing.T) {
	for _, f := range flavours {
		t.Run(f.String(), func(t *testing.T) {
			o := Options{Flavour: f, Rows: 3000, Accounts: 4, Month: "2026-12", Through: "2026-12-14", Seed: 7}
			paths, err := Generate(t.TempDir(), o)
			if err != nil {
				t.Fatal(err)
			}
			tot := readTotals(t, paths)
			rhs := tot.amortized
			rhs.AddSum(tot.trueUp)
			rhs.AddSum(tot.upfront)
			rhs.AddSum(tot.refunds)
			if tot.unblended.Cmp(rhs) != 0 {
				t.Errorf("unblended %s != %s: the month-to-date bill does not reconcile", tot.unblended, rhs)
			}
			req := cur.Request{}
			start, end, periodEnd, invoice := req.AskString(cur.ColUsageStart), req.AskString("line_item_usage_end_date"),
				req.AskString("bill_billing_period_end_date"), req.AskString(cur.ColInvoiceID)
			rd, err := cur.Open(cur.Source{Path: paths[0]}, req)
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			last := ""
			for rd.Next() {
				b := rd.Batch()
				for i := range b.Len {
					last = max(last, b.Str(start).Value(i), b.Str(end).Value(i))
					if p := b.Str(periodEnd).Value(i); !strings.HasPrefix(p, "2027-01-01") {
						t.Fatalf("billing period ends %q, want 2027-01-01", p)
					}
					if inv := b.Str(invoice).Value(i); inv != "" {
						t.Fatalf("invoice id %q on a month-to-date bill", inv)
					}
				}
			}
			if err := rd.Err(); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(last, "2026-12-15T00:00:00") && !strings.HasPrefix(last, "2026-12-15 00:00:00") {
				t.Errorf("last usage time %q, want the end of 2026-12-14", last)
			}
		})
	}
	for _, o := range []Options{{Month: "2026-12", Through: "2026-12-14", Final: true}, {Month: "2026-12", Through: "2026-11-30"}} {
		if _, err := Generate(t.TempDir(), o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
