// Package sqlquery writes SQL that computes what curnorm computes, for engines that hold CUR
// where it lies (Athena, Trino, Spark, DuckDB): the rollup of report, a view of line items with
// their actual cost and source, and the reconciliation of the bill summary. The cost rules
// come from the pricing rule table and the dimensions from report's own definitions, so the
// SQL changes with them (docs/sql.md).
package sqlquery

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// Options say what a query computes: report's metric, dimensions, filters and split cost
// rule, over Table, whose columns are Columns.
type Options struct {
	Dialect          Dialect
	Metric           pricing.Metric
	Dims             []report.Dimension
	Filters          []report.Filter
	IncludeSplitCost bool
	Table            string
	Columns          Columns
	// Version is curnorm's version, which the header cites.
	Version string
}

// ErrNoSQLForm: a dimension that a query cannot compute from the table.
var ErrNoSQLForm = errors.New("no SQL form")

// Rollup is the query whose result has report --format csv's columns (group keys, currency,
// rows, cost, unblended, on_demand, savings, savings_rate, over_on_demand) and priced_cost,
// one row per group and currency, costliest first.
func Rollup(o Options) (string, error) {
	b, err := newBuilder(o, false)
	if err != nil {
		return "", err
	}
	d := o.Dialect
	var w strings.Builder
	b.header(&w, "the rollup of report --format csv")
	w.WriteString(b.with())
	keys := make([]string, len(o.Dims))
	discountKeys := make([]string, len(o.Dims))
	for i := range o.Dims {
		keys[i] = b.dimValue(i, false)
		discountKeys[i] = b.dimValue(i, true)
	}
	part := func(keys []string, rows, cost, unblended, onDemand, priced string) string {
		var cols []string
		for i, k := range keys {
			cols = append(cols, fmt.Sprintf("%s AS %s", k, d.Ident(fmt.Sprintf("key_%d", i+1))))
		}
		return strings.Join(append(cols, "currency", rows+" AS line_items", cost+" AS cost", unblended+" AS unblended",
			onDemand+" AS on_demand", priced+" AS priced_cost"), ",\n    ")
	}
	fmt.Fprintf(&w, ",\nparts AS (\n  SELECT\n    %s\n  FROM costs%s", part(keys, "1", "actual_cost", "unblended_cost",
		"public_on_demand_cost", "CASE WHEN priced_usage THEN actual_cost ELSE "+b.zero()+" END"), b.where(""))
	if b.discount {
		// A CUR 2.0 row's discount columns count as a discount row of their own.
		fmt.Fprintf(&w, "\n  UNION ALL\n  SELECT\n    %s\n  FROM costs%s", part(discountKeys, "0", "discount_cost", "discount_cost",
			b.zero(), b.zero()), b.where("discount_cost <> 0"))
	}
	w.WriteString("\n)\nSELECT\n")
	var sel, group []string
	for i, dim := range o.Dims {
		k := d.Ident(fmt.Sprintf("key_%d", i+1))
		sel = append(sel, fmt.Sprintf("%s AS %s", k, d.Ident(dim.Name)))
		group = append(group, k)
	}
	sum := func(col string) string { return d.money("SUM(" + col + ")") }
	savings := fmt.Sprintf("%s - %s", sum("on_demand"), sum("priced_cost"))
	sel = append(sel,
		"currency AS "+d.Ident("currency"),
		"CAST(SUM(line_items) AS "+d.Integer+") AS "+d.Ident("rows"),
		sum("cost")+" AS "+d.Ident("cost"),
		sum("unblended")+" AS "+d.Ident("unblended"),
		sum("on_demand")+" AS "+d.Ident("on_demand"),
		sum("priced_cost")+" AS "+d.Ident("priced_cost"),
		d.money(savings)+" AS "+d.Ident("savings"),
		fmt.Sprintf("CASE WHEN SUM(on_demand) = 0 THEN NULL ELSE %s END AS %s",
			d.money("("+savings+") / "+sum("on_demand")), d.Ident("savings_rate")),
		"SUM(priced_cost) > SUM(on_demand) AS "+d.Ident("over_on_demand"))
	w.WriteString("  " + strings.Join(sel, ",\n  ") + "\nFROM parts\nGROUP BY " + strings.Join(append(group, "currency"), ", "))
	order := []string{fmt.Sprintf("%d DESC", len(o.Dims)+3)}
	for i := range len(o.Dims) + 1 {
		order = append(order, fmt.Sprint(i+1))
	}
	w.WriteString("\nORDER BY " + strings.Join(order, ", ") + "\n")
	return w.String(), nil
}

// View is a CREATE OR REPLACE VIEW of the table's line items with the dimension columns,
// currency, the line item type and kind, unblended cost, actual_cost and actual_cost_source
// under the metric, public on-demand cost over priced usage rows (0 elsewhere), and
// discount_cost, a CUR 2.0 row's discount counted as a discount row of its own (0 elsewhere,
// and under the net metrics): the figures of a rollup are sums of actual_cost + discount_cost.
func View(o Options, name string) (string, error) {
	b, err := newBuilder(o, false)
	if err != nil {
		return "", err
	}
	d := o.Dialect
	var w strings.Builder
	b.header(&w, "a view of line items with their actual cost")
	fmt.Fprintf(&w, "CREATE OR REPLACE VIEW %s AS\n%s\nSELECT\n", name, b.with())
	var sel []string
	for i, dim := range o.Dims {
		sel = append(sel, fmt.Sprintf("%s AS %s", b.dimValue(i, false), d.Ident(dim.Name)))
	}
	sel = append(sel,
		"currency AS "+d.Ident("currency"),
		d.Ident(pricing.TypeColumn)+" AS "+d.Ident("line_item_type"),
		"cost_kind AS "+d.Ident("cost_kind"),
		"unblended_cost AS "+d.Ident("unblended_cost"),
		"actual_cost AS "+d.Ident("actual_cost"),
		"actual_cost_source AS "+d.Ident("actual_cost_source"),
		"public_on_demand_cost AS "+d.Ident("public_on_demand_cost"),
		"discount_cost AS "+d.Ident("discount_cost"))
	w.WriteString("  " + strings.Join(sel, ",\n  ") + "\nFROM costs" + b.where("") + "\n")
	return w.String(), nil
}

// Reconciliation is the query of the bill summary's reconciliation, per billing period and
// currency: Σ unblended = Σ amortized + true-up + upfront fees + excluded refunds + split
// cost, with the metric's total beside (docs/metrics.md). reconciles is NULL under filters,
// where the identity need not hold.
func Reconciliation(o Options) (string, error) {
	b, err := newBuilder(o, true)
	if err != nil {
		return "", err
	}
	d := o.Dialect
	var w strings.Builder
	b.header(&w, "the reconciliation of unblended with amortized cost")
	w.WriteString(b.with())
	// Rows are priced in their own kind, but split cost rows left out count as split cost.
	effKind := "CASE WHEN split_cost_row THEN " + d.String(pricing.KindSplitCost.String()) + " ELSE cost_kind END"
	role := func(r pricing.ReconRole) string {
		var kinds []string
		for k := range pricing.Kind(pricing.KindCUR2DiscountColumn + 1) {
			if k.Recon() == r {
				kinds = append(kinds, d.String(k.String()))
			}
		}
		return fmt.Sprintf("CASE WHEN %s IN (%s) THEN unblended_cost ELSE %s END", effKind, strings.Join(kinds, ", "), b.zero())
	}
	withDiscount := func(col string, m pricing.Metric) string {
		if b.discount && m.CountsDiscountColumn() {
			return col + " + discount_cost"
		}
		return col
	}
	var trueUp []string
	for k := range pricing.Kind(pricing.KindCUR2DiscountColumn + 1) {
		if t, ok := pricing.TrueUp(k); ok {
			trueUp = append(trueUp, fmt.Sprintf("WHEN cost_kind = %s THEN %s", d.String(k.String()), b.term(t)))
		}
	}
	fmt.Fprintf(&w, ",\nterms AS (\n  SELECT\n    billing_period, currency, %s AS invoice_id,\n    %s AS unblended,\n    %s AS metric_cost,\n    %s AS amortized,\n    %s AS true_up,\n    %s AS upfront_fees,\n    %s AS excluded_refunds,\n    %s AS split_cost\n  FROM costs%s\n)\n",
		d.Ident(cur.ColInvoiceID),
		withDiscount("unblended_cost", pricing.Unblended), withDiscount("actual_cost", o.Metric), withDiscount("amortized_cost", pricing.Amortized),
		"CASE "+strings.Join(trueUp, " ")+" ELSE "+b.zero()+" END",
		role(pricing.ReconUpfrontFee), role(pricing.ReconExcludedRefund), role(pricing.ReconSplitCost), b.where(""))
	sum := func(col string) string { return d.money("SUM(" + col + ")") }
	residual := d.money(fmt.Sprintf("%s - (%s + %s + %s + %s + %s)", sum("unblended"), sum("amortized"), sum("true_up"),
		sum("upfront_fees"), sum("excluded_refunds"), sum("split_cost")))
	holds := fmt.Sprintf("ABS(%s) <= GREATEST(%s, %s)", residual, d.money("0.01"), d.money("COUNT(*) * 0.00000001"))
	if len(o.Filters) > 0 {
		holds = "CAST(NULL AS BOOLEAN)"
	}
	sel := []string{
		"billing_period AS " + d.Ident("billing_period"),
		"currency AS " + d.Ident("currency"),
		"CAST(COUNT(*) AS " + d.Integer + ") AS " + d.Ident("rows"),
		"CAST(SUM(CASE WHEN invoice_id = '' THEN 1 ELSE 0 END) AS " + d.Integer + ") AS " + d.Ident("rows_without_invoice"),
		sum("unblended") + " AS " + d.Ident("unblended"),
		sum("metric_cost") + " AS " + d.Ident(o.Metric.String()),
		sum("amortized") + " AS " + d.Ident("amortized"),
		sum("true_up") + " AS " + d.Ident("true_up"),
		sum("upfront_fees") + " AS " + d.Ident("upfront_fees"),
		sum("excluded_refunds") + " AS " + d.Ident("excluded_refunds"),
		sum("split_cost") + " AS " + d.Ident("split_cost"),
		residual + " AS " + d.Ident("residual"),
		holds + " AS " + d.Ident("reconciles"),
	}
	if o.Metric == pricing.Amortized {
		sel = slices.Delete(sel, 5, 6) // amortized is the metric
	}
	w.WriteString("SELECT\n  " + strings.Join(sel, ",\n  ") + "\nFROM terms\nGROUP BY billing_period, currency\nORDER BY 1, 2\n")
	return w.String(), nil
}

// builder writes the stages every query shares: line_items (the columns read, typed, with
// the dimension values), kinds (each row's kind of line item) and costs (its cost and source
// under the metric).
type builder struct {
	o        Options
	d        Dialect
	discount bool // the metric counts CUR 2.0 discount columns and the table has them
	recon    bool
	absent   []string // amount columns the table lacks, read as 0
	noText   []string // text columns the table lacks, read as empty
	texts    []string // text columns line_items selects
	amounts  []string // amount columns line_items selects
	dims     []string // per dimension: its value in line_items ("" for source)
	filters  []string // per filter: its dimension's value
}

func newBuilder(o Options, recon bool) (*builder, error) {
	if o.Table == "" {
		return nil, fmt.Errorf("no table to read (--table)")
	}
	if len(o.Dims) > report.MaxDimensions {
		return nil, fmt.Errorf("at most %d dimensions", report.MaxDimensions)
	}
	b := &builder{o: o, d: o.Dialect, recon: recon}
	b.discount = o.Metric.CountsDiscountColumn() || recon
	b.discount = b.discount && o.Columns.Has(pricing.DiscountColumn)
	b.text(pricing.TypeColumn)
	b.text(pricing.OperationColumn)
	for _, m := range pricing.KindMatches() {
		for _, c := range m.Conds {
			b.text(c.Column)
		}
	}
	b.amount(cur.ColUnblended)
	b.amount(pricing.PublicOnDemandColumn)
	if b.discount {
		b.amount(pricing.DiscountColumn)
	}
	metrics := []pricing.Metric{o.Metric}
	if recon {
		metrics = append(metrics, pricing.Amortized)
		b.text(cur.ColInvoiceID)
		for k := range pricing.Kind(pricing.KindCUR2DiscountColumn + 1) {
			if t, ok := pricing.TrueUp(k); ok {
				b.termColumns(t)
			}
		}
	}
	for _, m := range metrics {
		for _, k := range append(m.RuleKinds(), pricing.KindSplitCost) {
			r := m.Rule(k)
			for _, t := range r.Cost.Terms {
				b.termColumns(t)
			}
			if r.Cost.ScaleNetCommitment {
				for _, c := range pricing.NetCommitmentColumns() {
					b.amount(c)
				}
			}
		}
	}
	for _, dim := range o.Dims {
		v, err := b.dimension(dim)
		if err != nil {
			return nil, err
		}
		b.dims = append(b.dims, v)
	}
	for _, f := range o.Filters {
		v, err := b.dimension(f.Dim)
		if err != nil {
			return nil, fmt.Errorf("filter %s: %w", f.Text, err)
		}
		b.filters = append(b.filters, v)
	}
	for _, a := range b.amounts {
		if !o.Columns.Has(a) {
			b.absent = append(b.absent, a)
		}
	}
	for _, t := range b.texts {
		if !o.Columns.Has(t) && !slices.Contains(b.noText, t) {
			b.noText = append(b.noText, t)
		}
	}
	return b, nil
}

func (b *builder) text(name string) {
	if !slices.Contains(b.texts, name) {
		b.texts = append(b.texts, name)
	}
}

func (b *builder) amount(name string) {
	if !slices.Contains(b.amounts, name) {
		b.amounts = append(b.amounts, name)
	}
}

func (b *builder) termColumns(t pricing.Term) {
	b.amount(t.Column)
	if t.Fallback != "" {
		b.amount(t.Fallback)
	}
}

// read is the text of a canonical column as a reader finds it: the first non-empty of its
// places, NULL when all are empty or the table lacks it.
func (b *builder) read(name string) string { return b.readKey(name, "") }

// readKey is read, trying the key as written (mapKey) before its snake_case form in maps.
func (b *builder) readKey(name, mapKey string) string {
	var parts []string
	for _, p := range b.o.Columns.places(name) {
		keys := []string{p.Key}
		if p.Key != "" && mapKey != "" && mapKey != p.Key {
			keys = []string{mapKey, p.Key}
		}
		for _, k := range keys {
			v := b.d.Ident(p.Column)
			if k != "" {
				v = b.d.MapGet(v, k)
			}
			parts = append(parts, "NULLIF("+b.d.text(v)+", '')")
		}
	}
	switch len(parts) {
	case 0:
		if !slices.Contains(b.noText, name) {
			b.noText = append(b.noText, name)
		}
		return "CAST(NULL AS " + b.d.Text + ")"
	case 1:
		return parts[0]
	}
	return "COALESCE(" + strings.Join(parts, ", ") + ")"
}

// readMoney is an amount column as money: NULL where the cell is empty, 0 where the table
// lacks the column (an absent column counts as 0, and a NULL would drop a whole sum).
func (b *builder) readMoney(name string) string {
	var parts []string
	for _, p := range b.o.Columns.places(name) {
		v := b.d.Ident(p.Column)
		if p.Key != "" {
			v = b.d.MapGet(v, p.Key)
		}
		parts = append(parts, b.d.money(v))
	}
	switch len(parts) {
	case 0:
		return b.zero()
	case 1:
		return parts[0]
	}
	return "COALESCE(" + strings.Join(parts, ", ") + ")"
}

func (b *builder) zero() string { return b.d.money("0") }

// dimension is a dimension's value in line_items, "" for source, whose value is the label.
func (b *builder) dimension(dim report.Dimension) (string, error) {
	f := dim.Form()
	none := b.d.String(report.None)
	switch f.Kind {
	case report.DimensionSource:
		return "", nil
	case report.DimensionPurchaseOption:
		po := report.PurchaseOptions
		return fmt.Sprintf("CASE WHEN %s IS NOT NULL THEN %s WHEN %s IS NOT NULL THEN %s WHEN %s LIKE '%%Spot%%' THEN %s ELSE %s END",
			b.read(f.Columns[0]), b.d.String(po[0]), b.read(f.Columns[1]), b.d.String(po[1]), b.read(f.Columns[2]),
			b.d.String(po[2]), b.d.String(po[3])), nil
	case report.DimensionAccountName:
		if !b.o.Columns.Has(f.Columns[0]) {
			return "", fmt.Errorf("%w for %s: the table has no %s (legacy CUR names accounts only through report --account-names)",
				ErrNoSQLForm, dim.Name, f.Columns[0])
		}
		return fmt.Sprintf("COALESCE(%s, %s, %s)", b.read(f.Columns[0]), b.read(report.AccountColumn), none), nil
	case report.DimensionService:
		return fmt.Sprintf("CASE WHEN %s = %s AND %s IS NOT NULL THEN %s ELSE COALESCE(%s, %s) END",
			b.read(report.BillingEntityColumn), b.d.String(report.MarketplaceEntity), b.read(f.Columns[1]),
			b.read(f.Columns[1]), b.read(f.Columns[0]), none), nil
	case report.DimensionColumn:
	default:
		return "", fmt.Errorf("%w for dimension %s", ErrNoSQLForm, dim.Name)
	}
	var parts []string
	for _, c := range f.Columns {
		v := b.readKey(c, f.MapKey)
		switch f.Transform {
		case "":
		case "month":
			v = "NULLIF(substr(" + v + ", 1, 7), '')"
		case "day":
			v = "NULLIF(substr(" + v + ", 1, 10), '')"
		default:
			return "", fmt.Errorf("%w for dimension %s (its values are %s of a column)", ErrNoSQLForm, dim.Name, f.Transform)
		}
		parts = append(parts, v)
	}
	return "COALESCE(" + strings.Join(append(parts, none), ", ") + ")", nil
}

// dimValue is dimension i's value in the costs stage; discountPart asks for the value of a
// row's CUR 2.0 discount part.
func (b *builder) dimValue(i int, discountPart bool) string {
	if v := b.o.Dims[i].Form().DiscountValue; discountPart && v != "" {
		return b.d.String(v)
	}
	if b.dims[i] == "" {
		return "actual_cost_source"
	}
	return b.d.Ident(fmt.Sprintf("dim_%d", i+1))
}

// where keeps the rows of the filters, and cond when given.
func (b *builder) where(cond string) string {
	var conds []string
	for i, f := range b.o.Filters {
		v := "actual_cost_source"
		if b.filters[i] != "" {
			v = b.d.Ident(fmt.Sprintf("filter_%d", i+1))
		}
		var vals []string
		for _, s := range f.Values {
			if s == "" {
				s = report.None
			}
			vals = append(vals, b.d.String(s))
		}
		op := "IN"
		if f.Negate {
			op = "NOT IN"
		}
		conds = append(conds, fmt.Sprintf("%s %s (%s)", v, op, strings.Join(vals, ", ")))
	}
	if cond != "" {
		conds = append(conds, cond)
	}
	if len(conds) == 0 {
		return ""
	}
	return "\n  WHERE " + strings.Join(conds, "\n    AND ")
}

// term is a rule's summand over the line_items columns: the column where set, else its
// fallback where set, else 0.
func (b *builder) term(t pricing.Term) string {
	var parts []string
	for _, c := range []string{t.Column, t.Fallback} {
		if c != "" && !slices.Contains(b.absent, c) {
			parts = append(parts, b.d.Ident(c))
		}
	}
	v := b.zero()
	if len(parts) > 0 {
		v = "COALESCE(" + strings.Join(append(parts, v), ", ") + ")"
	}
	if t.Negate {
		v = "-" + v
	}
	return v
}

// cost is a rule's cost expression.
func (b *builder) cost(c pricing.Cost) string {
	if len(c.Terms) == 0 {
		return b.zero()
	}
	terms := make([]string, len(c.Terms))
	for i, t := range c.Terms {
		terms[i] = b.term(t)
	}
	v := b.d.money(strings.Join(terms, " + "))
	if !c.ScaleNetCommitment {
		return v
	}
	cols := pricing.NetCommitmentColumns()
	var unset []string
	for _, n := range cols[:2] {
		if !slices.Contains(b.absent, n) {
			unset = append(unset, b.d.Ident(n)+" IS NULL")
		}
	}
	if len(unset) == 0 {
		return v // no net commitment column: the gross figure
	}
	num := b.term(pricing.Term{Column: cols[0]}) + " + " + b.term(pricing.Term{Column: cols[1]})
	den := b.term(pricing.Term{Column: cols[2]}) + " + " + b.term(pricing.Term{Column: cols[3]})
	return fmt.Sprintf("CASE WHEN (%s) OR %s = 0 THEN %s ELSE %s END", strings.Join(unset, " AND "), den, v,
		b.d.money(fmt.Sprintf("%s * (%s) / (%s)", v, num, den)))
}

// label is a rule's actual_cost_source expression.
func (b *builder) label(l pricing.Label) string {
	if l.Text != "" {
		return b.d.String(l.Text)
	}
	t := b.d.Ident(pricing.TypeColumn)
	return fmt.Sprintf("CASE WHEN %s = 'Usage' THEN %s ELSE %s || %s END", t, b.d.String(l.ByType), b.d.String(l.ByType+": "), t)
}

// byKind is a CASE over the row's kind: split cost rows left out first, where the metric
// treats them apart, then each kind the metric has a rule of its own for.
func (b *builder) byKind(m pricing.Metric, of func(pricing.TableRule) string) string {
	kinds := m.RuleKinds()
	split := m.ExcludesSplitCost() && !b.o.IncludeSplitCost
	if len(kinds) == 1 && !split {
		return of(m.Rule(pricing.KindOther)) // one rule for every row
	}
	var w strings.Builder
	w.WriteString("CASE")
	if split {
		fmt.Fprintf(&w, "\n      WHEN split_cost_row THEN %s", of(m.Rule(pricing.KindSplitCost)))
	}
	for _, k := range kinds[:len(kinds)-1] {
		fmt.Fprintf(&w, "\n      WHEN cost_kind = %s THEN %s", b.d.String(k.String()), of(m.Rule(k)))
	}
	fmt.Fprintf(&w, "\n      ELSE %s\n    END", of(m.Rule(pricing.KindOther)))
	return w.String()
}

// kindCase tells the kind of a row by the table's matches.
func (b *builder) kindCase() string {
	var w strings.Builder
	t := b.d.Ident(pricing.TypeColumn)
	w.WriteString("CASE")
	for _, m := range pricing.KindMatches() {
		var conds []string
		if m.Type != "" {
			conds = append(conds, t+" = "+b.d.String(m.Type))
		} else {
			conds = append(conds, b.endsWith(t, m.TypeSuffix))
		}
		for _, c := range m.Conds {
			col := b.d.Ident(c.Column)
			if c.NonEmpty {
				conds = append(conds, col+" <> ''")
			}
			if c.Prefix != "" {
				conds = append(conds, fmt.Sprintf("substr(%s, 1, %d) = %s", col, utf8.RuneCountInString(c.Prefix), b.d.String(c.Prefix)))
			}
			if c.Suffix != "" {
				conds = append(conds, b.endsWith(col, c.Suffix))
			}
		}
		fmt.Fprintf(&w, "\n      WHEN %s THEN %s", strings.Join(conds, " AND "), b.d.String(m.Kind.String()))
	}
	fmt.Fprintf(&w, "\n      ELSE %s\n    END", b.d.String(pricing.KindOther.String()))
	return w.String()
}

func (b *builder) endsWith(col, suffix string) string {
	n := utf8.RuneCountInString(suffix)
	return fmt.Sprintf("(length(%s) >= %d AND substr(%s, length(%s) - %d) = %s)", col, n, col, col, n-1, b.d.String(suffix))
}

// with writes the shared stages.
func (b *builder) with() string {
	d := b.d
	var cols []string
	for _, t := range b.texts {
		cols = append(cols, fmt.Sprintf("COALESCE(%s, '') AS %s", b.read(t), d.Ident(t)))
	}
	for _, a := range b.amounts {
		cols = append(cols, b.readMoney(a)+" AS "+d.Ident(a))
	}
	for i, v := range b.dims {
		if v != "" {
			cols = append(cols, v+" AS "+d.Ident(fmt.Sprintf("dim_%d", i+1)))
		}
	}
	for i, v := range b.filters {
		if v != "" {
			cols = append(cols, v+" AS "+d.Ident(fmt.Sprintf("filter_%d", i+1)))
		}
	}
	cols = append(cols, fmt.Sprintf("COALESCE(%s, '') AS currency", b.read(cur.ColCurrency)))
	if b.recon {
		cols = append(cols, fmt.Sprintf("COALESCE(substr(%s, 1, 7), '') AS billing_period", b.read(cur.ColPeriodStart)))
	}
	split := "FALSE"
	if !b.o.IncludeSplitCost {
		var ops []string
		for _, op := range pricing.SplitOperations() {
			ops = append(ops, d.String(op))
		}
		split = fmt.Sprintf("%s IN (%s)", d.Ident(pricing.OperationColumn), strings.Join(ops, ", "))
	}
	od := d.Ident(pricing.PublicOnDemandColumn)
	var priced []string
	for _, k := range pricing.PricedKinds() {
		priced = append(priced, d.String(k.String()))
	}
	pricedCond := fmt.Sprintf("cost_kind IN (%s) AND NOT split_cost_row AND COALESCE(%s, 0) > 0", strings.Join(priced, ", "), od)
	costs := []string{
		"COALESCE(" + d.Ident(cur.ColUnblended) + ", " + b.zero() + ") AS unblended_cost",
		b.byKind(b.o.Metric, func(r pricing.TableRule) string { return b.cost(r.Cost) }) + " AS actual_cost",
		b.byKind(b.o.Metric, func(r pricing.TableRule) string { return b.label(r.Label) }) + " AS actual_cost_source",
		fmt.Sprintf("CASE WHEN %s THEN %s ELSE %s END AS public_on_demand_cost", pricedCond, od, b.zero()),
		pricedCond + " AS priced_usage",
	}
	disc := b.zero()
	if b.discount {
		disc = "COALESCE(" + d.Ident(pricing.DiscountColumn) + ", " + b.zero() + ")"
	}
	costs = append(costs, disc+" AS discount_cost")
	if b.recon {
		costs = append(costs, b.byKind(pricing.Amortized, func(r pricing.TableRule) string { return b.cost(r.Cost) })+" AS amortized_cost")
	}
	return fmt.Sprintf(`WITH line_items AS (
  SELECT
    %s
  FROM %s
),
kinds AS (
  SELECT
    *,
    %s AS cost_kind,
    %s AS split_cost_row
  FROM line_items
),
costs AS (
  SELECT
    *,
    %s
  FROM kinds
)`, strings.Join(cols, ",\n    "), b.o.Table, b.kindCase(), split, strings.Join(costs, ",\n    "))
}

// header writes the comment that says what produced the query and what it assumed.
func (b *builder) header(w *strings.Builder, what string) {
	o := b.o
	fmt.Fprintf(w, "-- curnorm %s: %s, in the %s dialect (%s)\n", o.Version, what, o.Dialect.Name, o.Dialect.Engines)
	var by []string
	for _, d := range o.Dims {
		by = append(by, d.Name)
	}
	var filters []string
	for _, f := range o.Filters {
		filters = append(filters, f.Text)
	}
	split := "excluded"
	if o.IncludeSplitCost {
		split = "included"
	}
	fmt.Fprintf(w, "-- metric %s; by %s; filters %s; split cost rows %s\n", o.Metric, orNone(by), orNone(filters), split)
	fmt.Fprintf(w, "-- rule table %s; columns of %s; money is %s from the first cast to the final sum\n",
		pricing.Version(), o.Columns.From, o.Dialect.Decimal)
	if len(b.absent) > 0 {
		fmt.Fprintf(w, "-- absent from the table, read as 0: %s\n", strings.Join(b.absent, ", "))
	}
	if len(b.noText) > 0 {
		fmt.Fprintf(w, "-- absent from the table, read as empty: %s\n", strings.Join(b.noText, ", "))
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
