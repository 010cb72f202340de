package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
)

// DefaultNormalizeColumns are the columns normalize copies when --columns is not given.
var DefaultNormalizeColumns = []string{"billing-period", "line_item_usage_start_date", "account", "line-item-type",
	"service", "usage-type", "operation", "resource", "region", "currency", cur.ColUnblended}

// NormalizeColumnNames are the columns normalize adds to every row.
var NormalizeColumnNames = []string{"actual_cost", "actual_cost_source", "on_demand_cost", "savings"}

// CellType is the type of an output column: its cells' field and its Parquet type.
type CellType uint8

// Output column types.
const (
	CellText   CellType = iota // Text
	CellAmount                 // Amount, exact: DECIMAL(38,10) in Parquet
	CellTime                   // Time in milliseconds since 1970 UTC, and Text its RFC 3339 form
)

// Cell is one output value; Empty marks an empty cell (NULL in Parquet) of any type.
type Cell struct {
	Text   string
	Amount money.Amount
	Time   int64
	Empty  bool
}

// RowSink receives normalized rows. Cells are reused between calls.
type RowSink interface {
	Header(names []string, types []CellType) error
	Row(cells []Cell) error
}

// NormalizeOptions steer Normalize.
type NormalizeOptions struct {
	Metric           pricing.Metric
	Columns          []string // dimension names (docs/columns.md) or canonical/legacy column names
	IncludeSplitCost bool
	AccountNames     map[string]string
	// SkipBadRows skips unreadable rows and files as Options.SkipBadRows does. A file that
	// fails half way contributes no row: its rows are held in a temporary file until it has
	// been read to its end, and those it had delivered count as skipped.
	SkipBadRows bool
	// AllowDuplicates writes the rows of files of identical content each; without it such
	// files fail the run (cur.ErrDuplicateInput) once the second has been read.
	AllowDuplicates bool
}

// NormalizeStats is what Normalize did: Rows counts the rows written, CUR 2.0 discount rows
// included.
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

// copiedType is the type of a copied column of that canonical name. Money is exact: the
// columns the cost rules read, every *_cost and *_fee column and CUR 2.0's discount columns.
// Dates (*_date) are instants. Everything else, ids, rates and usage quantities included,
// stays text as written.
func copiedType(col string) CellType {
	switch {
	case slices.Contains(pricing.AmountColumns(), col) || strings.HasSuffix(col, "_cost") ||
		strings.HasSuffix(col, "_fee") || strings.HasPrefix(col, "discount_"):
		return CellAmount
	case strings.HasSuffix(col, "_date"):
		return CellTime
	}
	return CellText
}

// NormalizeHeader returns the output column names for a --columns list (nil: the default
// columns) and their types: each entry in snake_case, then NormalizeColumnNames. The names are
// the same in every output format.
func NormalizeHeader(columns []string) ([]string, []CellType, error) {
	if len(columns) == 0 {
		columns = DefaultNormalizeColumns
	}
	names := make([]string, 0, len(columns)+len(NormalizeColumnNames))
	types := make([]CellType, 0, cap(names))
	given := map[string]string{}
	for _, c := range columns {
		n := cur.Snake(c)
		if slices.Contains(NormalizeColumnNames, n) {
			return nil, nil, fmt.Errorf("column %q is one normalize adds", c)
		}
		if prev, ok := given[n]; ok {
			return nil, nil, fmt.Errorf("columns %q and %q are both output column %s", prev, c, n)
		}
		given[n] = c
		t := CellText // dimensions are text
		if _, err := ParseDimension(c); err != nil {
			t = copiedType(n)
		}
		names, types = append(names, n), append(types, t)
	}
	names = append(names, NormalizeColumnNames...)
	types = append(types, CellAmount, CellText, CellAmount, CellAmount)
	return names, types, nil
}

// Normalize streams every row of every source, in order, to sink with its actual cost under
// the metric, the label of the rule that priced it (as report --by source has it), the
// on-demand cost report counts (the public on-demand cost of priced usage rows, see
// docs/metrics.md, "Checks against on-demand"; empty elsewhere) and on those rows the savings
// against it. Under the gross metrics a CUR 2.0 row's discount_total_discount comes out as a
// row of its own after it, as report counts it: line item type Discount, label "Unblended
// Cost: Discount", actual and unblended cost the discount, the other columns those of the row. So the rows sum to the report's totals, and
// both flavours of a bill give the same rows.
func Normalize(ctx context.Context, sources []cur.Source, o NormalizeOptions, sink RowSink) (NormalizeStats, error) {
	var st NormalizeStats
	names, types, err := NormalizeHeader(o.Columns)
	if err != nil {
		return st, err
	}
	cols := o.Columns
	if len(cols) == 0 {
		cols = DefaultNormalizeColumns
	}
	var dims []Dimension
	out := make([]outColumn, len(cols))
	for i, c := range cols {
		out[i] = outColumn{name: names[i], typ: types[i], dim: -1}
		if types[i] == CellAmount {
			out[i].amount = cur.Snake(c)
			continue
		}
		out[i].dim = len(dims)
		dims = append(dims, normalizeColumn(c))
	}
	if err := sink.Header(names, types); err != nil {
		return st, err
	}
	// Without skip rows stream straight to the sink; with it each file's rows wait in the
	// spool until the file is known to be whole.
	var to rowWriter = sink
	var spool *rowSpool
	if o.SkipBadRows {
		spool = newRowSpool(types)
		defer spool.Close()
		to = spool
	}
	seen := map[string]bool{}
	cells := make([]Cell, len(names))
	var first error
	unreadable := 0
	contents := make([]*cur.Fingerprint, len(sources))
	fingerprint := make([]bool, len(sources))
	if !o.AllowDuplicates {
		fingerprint = cur.SameSizes(sources)
	}
	for i, src := range sources {
		fs, err := normalizeFile(ctx, src, o, dims, out, cells, to, fingerprint[i])
		st.Skipped = append(st.Skipped, fs.skipped...)
		for _, x := range fs.warnings {
			if !seen[x] {
				seen[x] = true
				st.Warnings = append(st.Warnings, x)
			}
		}
		// Sink errors (the output) are never *cur.Error, so never skipped.
		if err != nil && o.SkipBadRows && skippable(err) {
			if err := spool.Reset(); err != nil {
				return st, err
			}
			st.Skipped = append(st.Skipped, unreadableFile(src, fs.read, err))
			if unreadable++; first == nil {
				first = err
			}
			continue
		}
		if err != nil {
			return st, err
		}
		if contents[i] = fs.content; !o.AllowDuplicates {
			if err := cur.Duplicates(sourceNames(sources[:i+1]), contents[:i+1]); err != nil {
				return st, err
			}
		}
		if spool != nil {
			if err := spool.Replay(ctx, sink); err != nil {
				return st, err
			}
		}
		st.Rows += fs.written
	}
	if unreadable == len(sources) && st.Rows == 0 && first != nil {
		return st, first // nothing was read: skipping would hide the failure
	}
	st.Skipped = sortSkipped(st.Skipped)
	return st, nil
}

// outColumn is one copied column of normalize's output: a dimension's text or instant, or an
// amount column of the file.
type outColumn struct {
	name   string
	typ    CellType
	dim    int    // index into the file rollup's dimensions; -1 for an amount
	amount string // canonical name of an amount column
}

// instant is a date value parsed once per batch: milliseconds since 1970 UTC and its RFC 3339
// text; ok is false for text that is not a date.
type instant struct {
	ms   int64
	text string
	ok   bool
}

// rowWriter takes the rows of one file: the sink, or the spool in front of it.
type rowWriter interface {
	Row(cells []Cell) error
}

// fileStats is what normalizeFile did with one file: rows written, rows its reader delivered,
// warnings, and rows skipped. When the file fails to be read, skipped leaves out the rows
// delivered and skipped here: the caller counts every delivered row.
type fileStats struct {
	written, read int64
	warnings      []string
	skipped       []cur.SkipCount
	content       *cur.Fingerprint
}

// normalizer writes the rows of one file.
type normalizer struct {
	fr       *fileRollup
	src      cur.Source
	m        pricing.Metric
	out      []outColumn
	amountAt []cur.AmountCol // per output column: its amount column
	instants [][]instant     // per output column of dates: per value id of its dimension
	cells    []Cell
	sink     rowWriter
	badDates cur.SkipCount
}

func normalizeFile(ctx context.Context, src cur.Source, o NormalizeOptions, dims []Dimension, out []outColumn, cells []Cell, sink rowWriter, fingerprint bool) (fileStats, error) {
	var fs fileStats
	ropts := &Options{Metric: o.Metric, Dims: dims, IncludeSplitCost: o.IncludeSplitCost, AccountNames: o.AccountNames}
	fr, req := newFileRollup(ropts)
	// newFileRollup leaves labels out unless grouping by source; every normalized row has one.
	fr.ev.SkipLabels = false
	req.SkipBadRows, req.Fingerprint = o.SkipBadRows, fingerprint
	nz := &normalizer{fr: fr, src: src, m: o.Metric, out: out, cells: cells, sink: sink,
		amountAt: make([]cur.AmountCol, len(out)), instants: make([][]instant, len(out)),
		badDates: cur.SkipCount{File: src.Name(), Reason: cur.SkipBadValue}}
	// Copied amounts are read as amounts, after the evaluator's own columns.
	for k, oc := range out {
		if oc.dim >= 0 {
			continue
		}
		nz.amountAt[k] = req.AskAmount(oc.amount)
	}
	r, err := cur.Open(src, req)
	if err != nil {
		return fs, err
	}
	defer r.Close()
	if fs.warnings, _, err = fr.checkSchema(src, r.Schema()); err != nil {
		return fs, err
	}
	if err := curOnly(src, r, "normalize"); err != nil {
		return fs, err
	}
	base := make([]int, len(fr.dims))
	for k, d := range fr.dims {
		base[k] = len(d.values.text)
	}
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return fs, err
		}
		b := r.Batch()
		c := fr.ev.Eval(b)
		for k, d := range fr.dims {
			d.forget(base[k])
			d.prepare(b, fr.ev)
		}
		nz.parseDates()
		n, err := nz.batch(b, c, o.SkipBadRows)
		fs.written += n
		if err != nil {
			fs.read = r.Rows()
			return fs, err
		}
	}
	fs.read = r.Rows()
	fs.warnings = append(fs.warnings, fr.fileWarnings(src, r)...)
	for _, a := range fr.ev.Assumptions() {
		fs.warnings = append(fs.warnings, src.Name()+": "+a)
	}
	fs.skipped = skippedOf(src, r)
	if err := r.Err(); err != nil {
		return fs, err
	}
	if nz.badDates.Rows > 0 {
		fs.skipped = append(fs.skipped, nz.badDates)
	}
	if fp, ok := r.Fingerprint(); ok {
		fs.content = &fp
	}
	return fs, nil
}

// parseDates parses the values the date columns' dimensions hold for the current batch.
func (nz *normalizer) parseDates() {
	for k, oc := range nz.out {
		if oc.typ != CellTime {
			continue
		}
		vals := nz.fr.dims[oc.dim].values.text
		ins := nz.instants[k][:0]
		for _, v := range vals {
			var in instant
			if t, ok := parseInstant(v); ok {
				in.ms = t.UnixMilli()
				in.text, in.ok = time.UnixMilli(in.ms).UTC().Format(time.RFC3339Nano), true
			}
			ins = append(ins, in)
		}
		nz.instants[k] = ins
	}
}

// dateLayouts are the ways CUR writes a date: RFC 3339 (legacy CSV, Parquet as read),
// without a zone or with a space (CUR 2.0 CSV), or a day alone. A date without a zone is UTC.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00", time.DateOnly}

func parseInstant(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// batch writes the rows of a batch; a date that is not one fails the file, or under skip
// skips its row.
func (nz *normalizer) batch(b *cur.Batch, c *pricing.Costs, skip bool) (int64, error) {
	var rows int64
	countsDiscount := nz.m.CountsDiscountColumn()
	for i := 0; i < b.Len; i++ {
		if err := nz.copied(b, c, i, false); err != nil {
			if !skip {
				return rows, err
			}
			if nz.badDates.Rows++; nz.badDates.First == "" {
				nz.badDates.First = err.Error()
			}
			continue
		}
		nz.added(b, c, i)
		if err := nz.sink.Row(nz.cells); err != nil {
			return rows, err
		}
		rows++
		if !countsDiscount || c.Discount[i] == 0 {
			continue
		}
		nz.copied(b, c, i, true) // the row's dates were read above
		k := len(nz.out)
		nz.cells[k] = Cell{Amount: c.Discount[i]}
		nz.cells[k+1] = Cell{Text: pricing.LabelCUR2Discount}
		nz.cells[k+2] = Cell{Empty: true}
		nz.cells[k+3] = Cell{Empty: true}
		if err := nz.sink.Row(nz.cells); err != nil {
			return rows, err
		}
		rows++
	}
	return rows, nil
}

// copied fills the copied columns of row i, or of its CUR 2.0 discount part: that part's
// unblended cost is the discount, its other amounts empty.
func (nz *normalizer) copied(b *cur.Batch, c *pricing.Costs, i int, discountPart bool) error {
	for j, oc := range nz.out {
		cell := &nz.cells[j]
		switch {
		case oc.dim >= 0:
			d := nz.fr.dims[oc.dim]
			id := d.at(b, c, nz.m, i, discountPart)
			if oc.typ == CellText {
				*cell = Cell{Text: d.values.text[id]}
				continue
			}
			in := nz.instants[j][id]
			if !in.ok && id != 0 {
				return cur.FileError(nz.src.Name(), nil, fmt.Errorf("row %d: %w: not a date: %q", b.FirstRow+int64(i), cur.ErrBadValue, d.values.text[id])).InColumn(oc.name)
			}
			*cell = Cell{Time: in.ms, Text: in.text, Empty: id == 0}
		case discountPart && oc.amount == cur.ColUnblended:
			*cell = Cell{Amount: c.Discount[i]}
		case discountPart:
			*cell = Cell{Empty: true}
		default:
			col := b.Amt(nz.amountAt[j])
			*cell = Cell{Amount: col.Values[i], Empty: !col.IsSet(i)}
		}
	}
	return nil
}

// added fills the columns normalize adds to row i.
func (nz *normalizer) added(b *cur.Batch, c *pricing.Costs, i int) {
	k, m := len(nz.out), nz.m
	nz.cells[k] = Cell{Amount: c.Cost[m][i]}
	nz.cells[k+1] = Cell{Text: nz.fr.ev.Labels()[c.Label[m][i]]}
	nz.cells[k+2] = Cell{Empty: true}
	nz.cells[k+3] = Cell{Empty: true}
	if c.Priced[i] {
		nz.cells[k+2] = Cell{Amount: c.OnDemand[i]}
		nz.cells[k+3] = Cell{Amount: c.OnDemand[i] - c.Cost[m][i]}
	}
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
