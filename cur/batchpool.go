package cur

import (
	"sync"
	"sync/atomic"

	"github.com/curnorm/curnorm/cur/money"
)

// The column buffers of the page path's batches, and its leaves' scratch of a batch's rows,
// outlive the file they were decoded from: a bill split into many files would otherwise
// allocate a ring of batches per file (megabytes that the kernel and the runtime zero, and the
// collector then sweeps). A reused buffer holds the last file's values: decoding writes every
// row of a batch, as it does when the ring comes round within one file.
var (
	codesPool  bufferPool[uint32]
	valuesPool bufferPool[money.Amount]
	validPool  bufferPool[bool]
)

// bufferPool holds buffers of BatchRows elements.
type bufferPool[T any] struct{ p sync.Pool }

func (bp *bufferPool[T]) get() []T {
	if s, ok := bp.p.Get().(*[]T); ok {
		return *s
	}
	return make([]T, BatchRows)
}

// put keeps s for a later get. With poisonPooled (set by tests) it is overwritten with poison
// first, so that a row the next batch leaves unwritten shows.
func (bp *bufferPool[T]) put(s []T, poison T) {
	s = s[:cap(s)]
	if len(s) != BatchRows {
		return
	}
	if poisonPooled.Load() {
		for i := range s {
			s[i] = poison
		}
	}
	bp.p.Put(&s)
}

var poisonPooled atomic.Bool

// poisonCode is the text code of a poisoned buffer, far past any dictionary.
const poisonCode = 0xdeadbeef

// releaseBatch gives back the buffers that b's sourced columns decode into.
func releaseBatch(b *Batch) {
	for i := range b.Strings {
		if c := &b.Strings[i]; c.Present {
			codesPool.put(c.Codes, poisonCode)
			c.Codes = nil
		}
	}
	for i := range b.Amounts {
		if c := &b.Amounts[i]; c.Present {
			valuesPool.put(c.Values, -7777777)
			validPool.put(c.Valid, true)
			c.Values, c.Valid = nil, nil
		}
	}
}
