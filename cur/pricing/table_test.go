package pricing

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/sample"
)

// tableRow reads one row of a batch by column name, through the evaluator's handles: a rule
// of the table that reads a column the evaluator does not ask for fails the test.
type tableRow struct {
	t  *testing.T
	e  *Evaluator
	b  *cur.Batch
	i  int
	am map[string]int
	st map[string]int
}

func (r tableRow) text(col string) string {
	k, ok := r.st[col]
	if !ok {
		r.t.Fatalf("the rule table reads text column %s, which the evaluator does not ask for", col)
	}
	return r.b.Str(r.e.str[k]).Value(r.i)
}

func (r tableRow) amount(col string) (money.Amount, bool) {
	k, ok := r.am[col]
	if !ok {
		r.t.Fatalf("the rule table reads amount column %s, which the evaluator does not ask for", col)
	}
	c := r.b.Amt(r.e.amt[k])
	return c.Values[r.i], c.IsSet(r.i)
}

// interpret prices one row by the table alone: the reference the evaluator must agree with.
func interpret(r tableRow, m Metric, includeSplit bool) (k Kind, cost money.Amount, label string, priced bool, trueUp money.Amount) {
	typ := r.text(TypeColumn)
	k = KindOther
	for _, mt := range KindMatches() {
		if typ != mt.Type && (mt.TypeSuffix == "" || !strings.HasSuffix(typ, mt.TypeSuffix)) {
			continue
		}
		ok := true
		for _, c := range mt.Conds {
			v := r.text(c.Column)
			ok = ok && (!c.NonEmpty || v != "") && strings.HasPrefix(v, c.Prefix) && strings.HasSuffix(v, c.Suffix)
		}
		if ok {
			k = mt.Kind
			break
		}
	}
	split := !includeSplit && slices.Contains(SplitOperations(), r.text(OperationColumn))
	od, _ := r.amount(PublicOnDemandColumn)
	priced = slices.Contains(PricedKinds(), k) && od > 0 && !split
	if t, ok := TrueUp(k); ok {
		trueUp = r.term(t)
	}
	rk := k
	if split && m.ExcludesSplitCost() {
		rk = KindSplitCost
	}
	rule := m.Rule(rk)
	for _, t := range rule.Cost.Terms {
		cost += r.term(t)
	}
	if rule.Cost.ScaleNetCommitment {
		cols := NetCommitmentColumns()
		netRec, setRec := r.amount(cols[0])
		netUp, setUp := r.amount(cols[1])
		rec, _ := r.amount(cols[2])
		up, _ := r.amount(cols[3])
		if (setRec || setUp) && rec+up != 0 {
			cost = cost.MulDiv(int64(netRec+netUp), int64(rec+up))
		}
	}
	if split {
		k = KindSplitCost
	}
	return k, cost, rule.Label.Of(typ), priced, trueUp
}

func (r tableRow) term(t Term) money.Amount {
	v, set := r.amount(t.Column)
	if !set && t.Fallback != "" {
		v, _ = r.amount(t.Fallback)
	}
	if t.Negate {
		return -v
	}
	return v
}

// tableFiles are every fixture and sample bill of the repository and the shared samples,
// and generated legacy and CUR 2.0 Parquet bills.
func tableFiles(t *testing.T) []string {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	var files []string
	for _, pat := range []string{"testdata/bills/*.csv", "testdata/demo/*", "report/testdata/normalize/*.csv",
		"../shared/samples/*/*.csv", "../shared/samples/*/*.parquet"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		files = append(files, m...)
	}
	var b strings.Builder
	b.WriteString(metricHeader + "\n")
	for _, c := range metricCases {
		b.WriteString(c.row + "\n")
	}
	dir := t.TempDir()
	cases := filepath.Join(dir, "metric-cases.csv")
	if err := os.WriteFile(cases, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, cases)
	for _, f := range []cur.Flavour{cur.LegacyParquet, cur.CUR2Parquet} {
		out, err := sample.Generate(filepath.Join(dir, f.String()), sample.Options{Flavour: f, Rows: 3000, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, out...)
	}
	return files
}

// TestTableIsEval prices every row of every fixture by the rule table and by Evaluator.Eval
// and requires the same kind, cost, label, on-demand and true-up under every metric.
func TestTableIsEval(t *testing.T) {
	am, st := map[string]int{}, map[string]int{}
	for k, c := range evalAmounts {
		am[c] = k
	}
	for k, c := range evalStrings {
		st[c] = k
	}
	rows := 0
	for _, path := range tableFiles(t) {
		for _, include := range []bool{false, true} {
			ev := NewEvaluator(include)
			r, err := cur.Open(cur.Source{Path: path}, ev.Request())
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				b := r.Batch()
				c := ev.Eval(b)
				for i := range b.Len {
					row := tableRow{t: t, e: ev, b: b, i: i, am: am, st: st}
					for _, m := range Metrics {
						k, cost, label, priced, trueUp := interpret(row, m, include)
						got := [...]string{fmt.Sprint(c.Kind[i]), c.Cost[m][i].String(), ev.Labels()[c.Label[m][i]],
							c.OnDemand[i].String(), c.TrueUp[i].String()}
						od := money.Amount(0)
						if priced {
							od, _ = row.amount(PublicOnDemandColumn)
						}
						want := [...]string{fmt.Sprint(k), cost.String(), label, od.String(), trueUp.String()}
						if got != want || c.Priced[i] != priced {
							t.Fatalf("%s row %d, %s (split included %v): eval gives kind, cost, label, on-demand, true-up %q priced %v; the table %q priced %v",
								filepath.Base(path), rows+i, m, include, got, c.Priced[i], want, priced)
						}
					}
				}
				rows += b.Len
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			r.Close()
		}
	}
	t.Logf("%d rows priced alike", rows)
}
