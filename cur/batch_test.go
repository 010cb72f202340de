package cur

import (
	"testing"

	"github.com/curnorm/curnorm/cur/money"
)

// TestBatchClone: a clone keeps its rows when the reader reuses the batch it came from.
func TestBatchClone(t *testing.T) {
	b := &Batch{Len: 2, FirstRow: 7,
		Strings: []StringColumn{{Present: true, Codes: []uint32{1, 0}, Dict: []string{"", "Usage"}}},
		Amounts: []AmountColumn{{Present: true, Values: []money.Amount{5, 0}, Valid: []bool{true, false}}}}
	c := b.Clone()
	b.Strings[0].Codes[0], b.Strings[0].Dict[1] = 0, "Tax"
	b.Amounts[0].Values[0], b.Amounts[0].Valid[0] = 9, false
	if c.Len != 2 || c.FirstRow != 7 || c.Strings[0].Value(0) != "Usage" || c.Strings[0].Value(1) != "" ||
		c.Amounts[0].Values[0] != 5 || !c.Amounts[0].Valid[0] || c.Amounts[0].Valid[1] || !c.Strings[0].Present {
		t.Fatalf("clone changed with its source: %+v", c)
	}
}
