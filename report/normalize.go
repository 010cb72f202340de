package report

import (
	"context"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur"
)

// DefaultNormalizeColumns are the columns normalize copies when --columns is not given.
var DefaultNormalizeColumns = []string{"billing-period", "line_item_usage_start_date", "account", "line-item-type",
	"service", "usage-type", "operation", "resource", "region", "currency", cur.ColUnblended}

// NormalizeColumnNames are the columns normalize adds to every row.
var NormalizeColumnNames = []string{"actual_cost", "actual_cost_source", "public_on_demand_cost", "savings"}

// Cell is one output value: text, or an exact amount, or empty.
type Cell struct {
	Text     string
	Amount   cur.Amount
	IsAmount bool
	Empty    bool
}

// RowSink receives normalized rows. Cells are reused between calls.
type RowSink interface {
	Header(names []string, amount []bool) error
	Row(cells []Cell) error
}

// NormalizeOptions steer Normalize.
type NormalizeOptions struct {
	Metric           cur.Metric
	Columns          []string // dimension names (spec §4) or canonical/legacy column names
	IncludeSplitCost bool
	AccountNames     map[string]string
	// SkipBadRows skips unreadable rows and files as Options.SkipBadRows does; rows a file
	// delivered before it failed are already written and stay.
	SkipBadRows bool
}

// NormalizeStats is what Normalize did: rows written = rows read − SkippedRows(Skipped).
type NormalizeStats struct {
	Rows     int64
	Warnings []string
	Skipped  []cur.SkipCount // sorted by file and reason
}

// normalizeColumn resolves a --columns entry: a dimension name, else a column of that name.
func normalizeColumn(name string) Dimension {
	if d, err := ParseDimension(name); err == nil {
		return d
	}
	return Dimension{Name: name, columns: []string{cur.Snake(name)}}
}

// isAmountColumn reports a copied column that holds money, which normalize reads and writes
// as an exact amount: the columns the cost rules read, every *_cost and *_fee column, and
// CUR 2.0's discount columns.
func isAmountColumn(col string) bool {
	return slices.Contains(cur.EvalRequest(nil).Amounts, col) || strings.HasSuffix(col, "_cost") ||
		strings.HasSuffix(col, "_fee") || strings.HasPrefix(col, "discount_")
}

// outColumn is one copied column of normalize's output: a dimension's text, or an amount.
type outColumn struct {
	dim    int    // index into the file rollup's dimensions; -1 for an amount
	amount string // canonical name of an amount column
}

// Normalize streams every row of every source, in order, to sink with its actual cost under
// the metric, the label of the rule that priced it (as report --by source has it), its public
// on-demand cost and, on priced usage rows, the savings against it. Under the gross metrics a
// CUR 2.0 row's discount_total_discount comes out as a row of its own after it, as report
// counts it: line item type Discount, label "Unblended Cost: Discount", actual and unblended
// cost the discount, the other columns those of the row. So the rows sum to the report's
// total, and both flavours of a bill give the same rows.
func Normalize(ctx context.Context, sources []cur.Source, o NormalizeOptions, sink RowSink) (NormalizeStats, error) {
	var st NormalizeStats
	cols := o.Columns
	if len(cols) == 0 {
		cols = DefaultNormalizeColumns
	}
	var dims []Dimension
	out := make([]outColumn, len(cols))
	names := make([]string, 0, len(cols)+len(NormalizeColumnNames))
	amount := make([]bool, 0, cap(names))
	for i, c := range cols {
		d := normalizeColumn(c)
		isAmount := d.kind == dimColumn && d.transform == nil && len(d.columns) == 1 && isAmountColumn(d.columns[0])
		if isAmount {
			out[i] = outColumn{dim: -1, amount: d.columns[0]}
		} else {
			out[i] = outColumn{dim: len(dims)}
			dims = append(dims, d)
		}
		names = append(names, c)
		amount = append(amount, isAmount)
	}
	names = append(names, NormalizeColumnNames...)
	amount = append(amount, true, false, true, true)
	if err := sink.Header(names, amount); err != nil {
		return st, err
	}
	seen := map[string]bool{}
	cells := make([]Cell, len(names))
	var first error
	unreadable := 0
	for _, src := range sources {
		n, w, skipped, err := normalizeFile(ctx, src, o, dims, out, cells, sink)
		st.Rows += n
		st.Skipped = append(st.Skipped, skipped...)
		for _, x := range w {
			if !seen[x] {
				seen[x] = true
				st.Warnings = append(st.Warnings, x)
			}
		}
		// Sink errors (the output) are never *cur.Error, so never skipped.
		if err != nil && o.SkipBadRows && skippable(err) {
			st.Skipped = append(st.Skipped, unreadableFile(src, err))
			if unreadable++; first == nil {
				first = err
			}
			continue
		}
		if err != nil {
			return st, err
		}
	}
	if unreadable == len(sources) && st.Rows == 0 && first != nil {
		return st, first // nothing was read: skipping would hide the failure
	}
	st.Skipped = sortSkipped(st.Skipped)
	return st, nil
}

func normalizeFile(ctx context.Context, src cur.Source, o NormalizeOptions, dims []Dimension, out []outColumn, cells []Cell, sink RowSink) (int64, []string, []cur.SkipCount, error) {
	ropts := &Options{Metric: o.Metric, Dims: dims, IncludeSplitCost: o.IncludeSplitCost, AccountNames: o.AccountNames}
	fr, req := newFileRollup(ropts)
	// newFileRollup leaves labels out unless grouping by source; every normalized row has one.
	fr.ev.SkipLabels = false
	req.SkipBadRows = o.SkipBadRows
	// Copied amounts are read as amounts, after the evaluator's own columns.
	amountAt := make([]int, len(out))
	for k, oc := range out {
		if oc.dim >= 0 {
			continue
		}
		if amountAt[k] = slices.Index(req.Amounts, oc.amount); amountAt[k] < 0 {
			amountAt[k] = len(req.Amounts)
			req.Amounts = append(req.Amounts, oc.amount)
		}
	}
	r, err := cur.Open(src, req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer r.Close()
	warnings, err := fr.checkSchema(src, r.Schema())
	if err != nil {
		return 0, nil, nil, err
	}
	m := o.Metric
	countsDiscount := m.CountsDiscountColumn()
	base := make([]int, len(fr.dims))
	for k, d := range fr.dims {
		base[k] = len(d.values.text)
	}
	k := len(out)
	var rows int64
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return rows, nil, nil, err
		}
		b := r.Batch()
		c := fr.ev.Eval(b)
		for k, d := range fr.dims {
			d.forget(base[k])
			d.prepare(b, fr.ev)
		}
		labels := fr.ev.Labels()
		for i := 0; i < b.Len; i++ {
			discountPart := false
			for {
				for j, oc := range out {
					switch {
					case oc.dim >= 0:
						d := fr.dims[oc.dim]
						cells[j] = Cell{Text: d.values.text[d.at(b, c, m, i, discountPart)]}
					case discountPart && oc.amount == cur.ColUnblended:
						cells[j] = Cell{Amount: c.Discount[i], IsAmount: true}
					case discountPart:
						cells[j] = Cell{IsAmount: true, Empty: true}
					default:
						col := &b.Amounts[amountAt[j]]
						cells[j] = Cell{Amount: col.Values[i], IsAmount: true, Empty: !col.IsSet(i)}
					}
				}
				if discountPart {
					cells[k] = Cell{Amount: c.Discount[i], IsAmount: true}
					cells[k+1] = Cell{Text: cur.LabelCUR2Discount}
					cells[k+2] = Cell{IsAmount: true, Empty: true}
					cells[k+3] = Cell{IsAmount: true, Empty: true}
				} else {
					cells[k] = Cell{Amount: c.Cost[m][i], IsAmount: true}
					cells[k+1] = Cell{Text: labels[c.Label[m][i]]}
					odCol := &b.Amounts[cur.EvalPublicOnDemand]
					cells[k+2] = Cell{Amount: odCol.Values[i], IsAmount: true, Empty: !odCol.IsSet(i)}
					cells[k+3] = Cell{IsAmount: true, Empty: true}
					if c.Priced[i] {
						cells[k+3] = Cell{Amount: c.OnDemand[i] - c.Cost[m][i], IsAmount: true}
					}
				}
				if err := sink.Row(cells); err != nil {
					return rows, nil, nil, err
				}
				rows++
				if discountPart || !countsDiscount || c.Discount[i] == 0 {
					break
				}
				discountPart = true
			}
		}
	}
	warnings = append(warnings, fr.fileWarnings(src, r)...)
	for _, a := range fr.ev.Assumptions() {
		warnings = append(warnings, src.Name()+": "+a)
	}
	return rows, warnings, skippedOf(src, r), r.Err()
}

// forget drops the values a dimension interned past its first n. Normalize needs them for one
// batch only; kept for a whole file they would grow with its distinct resource ids and
// amounts, which is to say with its rows.
func (d *dimEval) forget(n int) {
	v := d.values
	if len(v.text) == n {
		return
	}
	v.text = v.text[:n]
	clear(v.ids)
	for i, s := range v.text {
		v.ids[s] = uint32(i)
	}
	d.labelIDs = d.labelIDs[:0]
}
