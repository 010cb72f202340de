package report

import (
	"context"
	"sort"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
)

// ExplainRow is what explain shows for one line item type (split by the rule that applies)
// and currency. Of a FOCUS file it shows a ChargeCategory, or a commitment's
// CommitmentDiscountStatus where set (Type, as the line-item-type dimension reads it), and
// Rule is pricing.FOCUSRule's.
type ExplainRow struct {
	Type     string
	Kind     pricing.Kind
	Currency string
	FOCUS    bool
	Category string // FOCUS: the ChargeCategory
	Rows     int64
	// Columns are the sums of the columns the rules can pick from for this kind.
	Columns []ColumnSum
	Rule    pricing.Rule // what the chosen metric does
	// ByMetric is the cost under every metric, indexed by pricing.Metric.
	ByMetric [6]money.Sum
}

// ColumnSum is the sum of one column over an ExplainRow's line items.
type ColumnSum struct {
	Column  string
	Present bool
	Sum     money.Sum
}

// Explain reads every source and sums, per line item type and rule, the candidate columns and
// the resulting cost under every metric, so a user sees which column each metric used and
// where simple and amortized part ways. Files of identical content are refused unless
// allowDuplicates.
func Explain(ctx context.Context, sources []cur.Source, metric pricing.Metric, includeSplitCost, allowDuplicates bool) ([]*ExplainRow, error) {
	type key struct {
		typ, category, currency, label string
		kind                           pricing.Kind
	}
	type acc struct {
		row     *ExplainRow
		sums    []money.Sum
		present []bool
	}
	rows := map[key]*acc{}
	rules := map[pricing.Kind]pricing.Rule{}
	for _, r := range pricing.Rules(metric) {
		rules[r.Kind] = r
	}
	contents := make([]*cur.Fingerprint, len(sources))
	fingerprint := make([]bool, len(sources))
	if !allowDuplicates {
		fingerprint = cur.SameSizes(sources)
	}
	for i, src := range sources {
		ev := pricing.NewEvaluator(includeSplitCost)
		req := ev.Request()
		currencyCol, categoryCol := req.AskString(cur.ColCurrency), req.AskString(colChargeCategory)
		req.Fingerprint = fingerprint[i]
		r, err := cur.Open(src, req)
		if err != nil {
			return nil, err
		}
		focus := r.Schema().Flavour == cur.FOCUS
		if focus {
			if err := pricing.CheckFOCUS(metric); err != nil {
				r.Close()
				return nil, cur.FileError(src.Name(), nil, err)
			}
		}
		// The amount columns the rules read, by the index KindColumns gives.
		amounts := make([]*cur.AmountColumn, len(pricing.AmountColumns()))
		for r.Next() {
			if err := ctx.Err(); err != nil {
				r.Close()
				return nil, err
			}
			b := r.Batch()
			c := ev.Eval(b)
			for j := range amounts {
				amounts[j] = b.Amt(ev.AmountColumn(j))
			}
			types, currencies, categories := b.Str(ev.TypeColumn()), b.Str(currencyCol), b.Str(categoryCol)
			for i := 0; i < b.Len; i++ {
				k := key{typ: types.Value(i), currency: currencies.Value(i), kind: c.Kind[i]}
				if focus {
					k.category, k.label = categories.Value(i), ev.Labels()[c.Label[metric][i]]
				}
				a := rows[k]
				if a == nil {
					row := &ExplainRow{Type: k.typ, Kind: k.kind, Currency: k.currency, Rule: rules[k.kind]}
					if focus {
						row.FOCUS, row.Category, row.Rule = true, k.category, pricing.FOCUSRule(metric, k.label)
						row.Rule.Items = focusItems(k.category, k.typ)
					}
					a = &acc{row: row, sums: make([]money.Sum, len(amounts)), present: make([]bool, len(amounts))}
					rows[k] = a
				}
				a.row.Rows++
				for m := range a.row.ByMetric {
					a.row.ByMetric[m].Add(c.Cost[m][i])
				}
				for j, col := range amounts {
					if col.Present {
						a.present[j] = true
						a.sums[j].Add(col.Values[i])
					}
				}
			}
		}
		err = r.Err()
		if fp, ok := r.Fingerprint(); ok {
			contents[i] = &fp
		}
		r.Close()
		if err != nil {
			return nil, err
		}
	}
	if !allowDuplicates {
		if err := duplicates(sources, contents); err != nil {
			return nil, err
		}
	}
	var out []*ExplainRow
	for _, a := range rows {
		idx, names := pricing.KindColumns(a.row.Kind)
		if a.row.FOCUS {
			idx, names = pricing.FOCUSColumns()
		}
		for n, j := range idx {
			a.row.Columns = append(a.row.Columns, ColumnSum{Column: names[n], Present: a.present[j], Sum: a.sums[j]})
		}
		out = append(out, a.row)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Currency != b.Currency {
			return a.Currency < b.Currency
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Rule.Label < b.Rule.Label
	})
	return out, nil
}

// colChargeCategory is FOCUS's ChargeCategory; a CUR has no such column.
const colChargeCategory = "charge_category"

// focusItems names the FOCUS rows of a ChargeCategory and type (CommitmentDiscountStatus
// where set, else the category).
func focusItems(category, typ string) string {
	if typ == category {
		return "ChargeCategory " + category
	}
	return "ChargeCategory " + category + ", CommitmentDiscountStatus " + typ
}
