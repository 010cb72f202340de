package report

import (
	"context"

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

// Normalize streams every row of every source, in order, to sink with its actual cost under
// the metric, the cost's source label, its public on-demand cost and, on priced usage rows,
// the savings against it. Under the gross metrics a CUR 2.0 row's discount columns are part of
// its actual cost, so the rows sum to the report's total.
func Normalize(ctx context.Context, sources []cur.Source, o NormalizeOptions, sink RowSink) (NormalizeStats, error) {
	var st NormalizeStats
	cols := o.Columns
	if len(cols) == 0 {
		cols = DefaultNormalizeColumns
	}
	dims := make([]Dimension, len(cols))
	names := make([]string, 0, len(cols)+len(NormalizeColumnNames))
	amount := make([]bool, 0, cap(names))
	for i, c := range cols {
		dims[i] = normalizeColumn(c)
		names = append(names, c)
		amount = append(amount, false)
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
		n, w, skipped, err := normalizeFile(ctx, src, o, dims, cells, sink)
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
			st.Skipped = append(st.Skipped, unreadableFile(src, 0, err))
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

func normalizeFile(ctx context.Context, src cur.Source, o NormalizeOptions, dims []Dimension, cells []Cell, sink RowSink) (int64, []string, []cur.SkipCount, error) {
	ropts := &Options{Metric: o.Metric, Dims: dims, IncludeSplitCost: o.IncludeSplitCost, AccountNames: o.AccountNames}
	fr, req := newFileRollup(ropts)
	req.SkipBadRows = o.SkipBadRows
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
	od := cur.EvalPublicOnDemand
	base := make([]int, len(fr.dims))
	for k, d := range fr.dims {
		base[k] = len(d.values.text)
	}
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
			for k, d := range fr.dims {
				cells[k] = Cell{Text: d.values.text[d.at(b, c, m, i, false)]}
			}
			k := len(fr.dims)
			cost := c.Cost[m][i]
			if m.CountsDiscountColumn() {
				cost += c.Discount[i]
			}
			cells[k] = Cell{Amount: cost, IsAmount: true}
			cells[k+1] = Cell{Text: labels[c.Label[m][i]]}
			odCol := &b.Amounts[od]
			cells[k+2] = Cell{Amount: odCol.Values[i], IsAmount: true, Empty: !odCol.IsSet(i)}
			cells[k+3] = Cell{IsAmount: true, Empty: true}
			if c.Priced[i] {
				cells[k+3] = Cell{Amount: c.OnDemand[i] - c.Cost[m][i], IsAmount: true}
			}
			if err := sink.Row(cells); err != nil {
				return rows, nil, nil, err
			}
			rows++
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
