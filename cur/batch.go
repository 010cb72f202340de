package cur

import "github.com/curnorm/curnorm/cur/money"

// BatchRows is how many rows a reader puts in one Batch at most.
const BatchRows = 8192

// Batch is a block of rows in columnar form: the columns a Request asked for, in its order.
// A reader reuses its Batch: the values are valid until the next call to Next.
type Batch struct {
	Len     int
	Strings []StringColumn
	Amounts []AmountColumn
	// FirstRow is the 1-based number of the batch's first data row among the rows its reader
	// delivered (skipped rows are not numbered).
	FirstRow int64
}

// StringColumn holds text values as indices into a dictionary local to the batch, so grouping
// works on small integers and repeated values are stored once.
type StringColumn struct {
	// Present is false when no column of the file answers the name; every row is then "".
	Present bool
	// Codes[i] indexes Dict for row i.
	Codes []uint32
	// Dict[0] is always "" (empty or NULL).
	Dict []string
}

// Str is the text column a Request handed out as c.
func (b *Batch) Str(c StringCol) *StringColumn { return &b.Strings[c] }

// Amt is the amount column a Request handed out as c.
func (b *Batch) Amt(c AmountCol) *AmountColumn { return &b.Amounts[c] }

// Value returns row i's text.
func (c *StringColumn) Value(i int) string { return c.Dict[c.Codes[i]] }

// AmountColumn holds exact money values.
type AmountColumn struct {
	// Present is false when the file has no such column; every row then reads as absent.
	Present bool
	Values  []money.Amount
	// Valid[i] is false where the cell was empty or NULL (Values[i] is then 0).
	Valid []bool
}

// IsSet reports whether row i has a value (present column, non-empty cell).
func (c *AmountColumn) IsSet(i int) bool { return c.Present && c.Valid[i] }

// reset prepares the batch for n rows of the given request shape, reusing its storage.
func (b *Batch) reset(nStrings, nAmounts, capacity int) {
	if len(b.Strings) != nStrings {
		b.Strings = make([]StringColumn, nStrings)
	}
	if len(b.Amounts) != nAmounts {
		b.Amounts = make([]AmountColumn, nAmounts)
	}
	for i := range b.Strings {
		c := &b.Strings[i]
		if cap(c.Codes) < capacity {
			c.Codes = make([]uint32, 0, capacity)
		}
		c.Codes = c.Codes[:0]
		if c.Dict == nil {
			c.Dict = make([]string, 1, 64)
		}
		c.Dict = c.Dict[:1]
	}
	for i := range b.Amounts {
		c := &b.Amounts[i]
		if cap(c.Values) < capacity {
			c.Values = make([]money.Amount, 0, capacity)
			c.Valid = make([]bool, 0, capacity)
		}
		c.Values, c.Valid = c.Values[:0], c.Valid[:0]
	}
	b.Len = 0
}

// truncate cuts every column back to n rows: it takes back the cells a CSV row appended
// before one of its cells failed.
func (b *Batch) truncate(n int) {
	for i := range b.Strings {
		c := &b.Strings[i]
		c.Codes = c.Codes[:n]
	}
	for i := range b.Amounts {
		c := &b.Amounts[i]
		c.Values, c.Valid = c.Values[:n], c.Valid[:n]
	}
}

// drop removes the rows at the given ascending indices from every column.
func (b *Batch) drop(rows []int) {
	if len(rows) == 0 {
		return
	}
	for i := range b.Strings {
		c := &b.Strings[i]
		c.Codes = dropRows(c.Codes, rows)
	}
	for i := range b.Amounts {
		c := &b.Amounts[i]
		c.Values, c.Valid = dropRows(c.Values, rows), dropRows(c.Valid, rows)
	}
	b.Len -= len(rows)
}

func dropRows[T any](s []T, rows []int) []T {
	w, d := 0, 0
	for i := range s {
		if d < len(rows) && rows[d] == i {
			d++
			continue
		}
		s[w] = s[i]
		w++
	}
	return s[:w]
}

// interner gives each distinct text of one column and batch its dictionary code.
type interner struct {
	codes map[string]uint32
	last  uint32 // code of the previous value: CUR rows come in runs of equal values
}

func (in *interner) reset() {
	if in.codes == nil {
		in.codes = make(map[string]uint32, 64)
	} else {
		clear(in.codes)
	}
	in.last = 0
}

// code returns the code of b in c.Dict, adding it on first sight. The lookup does not allocate.
func (in *interner) code(c *StringColumn, b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	if c.Dict[in.last] == string(b) {
		return in.last
	}
	if k, ok := in.codes[string(b)]; ok {
		in.last = k
		return k
	}
	s := string(b)
	k := uint32(len(c.Dict))
	c.Dict = append(c.Dict, s)
	in.codes[s] = k
	in.last = k
	return k
}

// codeString is code for a string already allocated.
func (in *interner) codeString(c *StringColumn, s string) uint32 {
	if s == "" {
		return 0
	}
	if k, ok := in.codes[s]; ok {
		return k
	}
	k := uint32(len(c.Dict))
	c.Dict = append(c.Dict, s)
	in.codes[s] = k
	return k
}

// Clone returns a deep copy of b, which outlives the reader's next batch.
func (b *Batch) Clone() *Batch {
	dst := &Batch{Len: b.Len, FirstRow: b.FirstRow}
	for _, c := range b.Strings {
		dst.Strings = append(dst.Strings, StringColumn{Present: c.Present,
			Codes: append([]uint32(nil), c.Codes...), Dict: append([]string(nil), c.Dict...)})
	}
	for _, c := range b.Amounts {
		dst.Amounts = append(dst.Amounts, AmountColumn{Present: c.Present,
			Values: append([]money.Amount(nil), c.Values...), Valid: append([]bool(nil), c.Valid...)})
	}
	return dst
}
