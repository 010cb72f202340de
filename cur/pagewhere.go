package cur

import "slices"

// leafWhere limits a leaf on the page path to some rows of each batch: those whose batch
// column name holds one of values (Request.Where), or, for a MAP key, those no earlier source
// of the leaf's name answered. It waits for the leaves after, which decode what it tests. A
// MAP key reads no entry of the other rows; a flat column passes over their dictionary
// indices (PLAIN pages are read whole).
type leafWhere struct {
	after  []int // in pagePath.leaves
	name   int   // the batch column tested; -1 for none
	values []string
	empty  []*pageLeaf // earlier sources of the name
	want   []bool      // this batch's rows to read
	codes  []bool      // per code of the column: whether it is one of values
}

// limitRows limits the leaves that answer one name alone: to the rows of r.where when the
// column tested is decoded straight into its batch column by a flat leaf, and, for MAP keys,
// to the rows the earlier sources of the name leave empty.
func (p *pagePath) limitRows(r *parquetReader) {
	alone := func(l *pageLeaf) bool {
		uses := 0
		for _, m := range append(slices.Clone(p.strs), p.amts...) {
			if slices.Contains(m.sources, l) {
				uses++
			}
		}
		return uses == 1
	}
	for i, w := range r.where {
		n, test := &p.strs[i], &p.strs[w.col]
		if len(n.sources) != 1 || !alone(n.sources[0]) || !test.direct || test.sources[0].mk != nil {
			continue
		}
		n.sources[0].where = &leafWhere{after: []int{slices.Index(p.leaves, test.sources[0])}, name: w.col, values: w.values}
	}
	for _, n := range p.strs {
		for k, l := range n.sources {
			if k == 0 || l.mk == nil || !alone(l) || l.where != nil {
				continue
			}
			w := &leafWhere{name: -1, empty: n.sources[:k]}
			for _, e := range w.empty {
				w.after = append(w.after, slices.Index(p.leaves, e))
			}
			l.where = w
		}
	}
}

// ready reports whether leaf j may decode batch k: a leaf limited to some rows waits for the
// leaves that say which.
func (p *pagePath) ready(j, k int) bool {
	if w := p.leaves[j].where; w != nil {
		for _, a := range w.after {
			if p.nextK[a] <= k {
				return false
			}
		}
	}
	return true
}

// span returns how many rows from row from, up to row to, are alike in want, and whether
// they are wanted.
func (w *leafWhere) span(from, to int) (int, bool) {
	want := w.want[from]
	i := from + 1
	for i < to && w.want[i] == want {
		i++
	}
	return i - from, want
}

// rows sets want to the n rows of batch b, of slot s, to read.
func (w *leafWhere) rows(b *Batch, s, n int) {
	w.want = grow(w.want, n)
	if w.name < 0 {
		for i := range w.want {
			w.want[i] = true
		}
	} else {
		c := &b.Strings[w.name]
		w.codes = grow(w.codes, len(c.Dict))
		for k, v := range c.Dict {
			w.codes[k] = k > 0 && slices.Contains(w.values, v)
		}
		for i, code := range c.Codes[:n] {
			w.want[i] = code < uint32(len(w.codes)) && w.codes[code]
		}
	}
	for _, e := range w.empty {
		for i, code := range e.strOf(b, s).Codes[:n] {
			w.want[i] = w.want[i] && code == 0
		}
	}
}
