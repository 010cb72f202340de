package cur

import (
	"sync"

	"github.com/apache/arrow-go/v18/parquet/metadata"

	"github.com/curnorm/curnorm/cur/internal/pqpage"
)

// ByteRange is Len bytes of an object from offset Off.
type ByteRange struct{ Off, Len int64 }

// Prefetcher is what the io.ReaderAt of an Object's Random may also be. The Parquet reader
// names the ranges it is about to read (the footer, then each row group's projected column
// chunks) before reading them, so that a remote object can fetch them ahead, several at once,
// and answer the ReadAt calls that follow from memory. Prefetch must not wait for the
// fetches, and ReadAt must still answer any offset. Local files have no need of it.
type Prefetcher interface {
	Prefetch(ranges []ByteRange)
}

// footerAhead is how much of a Parquet object's end is asked for first: the footer's length
// and, for most files, the footer itself, in one request rather than two.
const footerAhead = 64 << 10

// chunkAhead names the projected column chunks of each row group to a Prefetcher, once per
// row group: the first reader to reach row group rg names it and the next one, so that the
// next row group arrives while this one is decoded.
type chunkAhead struct {
	pre    Prefetcher
	meta   *metadata.FileMetaData
	leaves []int
	pass   []bool // the row groups left unread (Request.Keep): never fetched

	mu   sync.Mutex
	next int // the first row group not yet named
}

// reach is called, from any goroutine, before a chunk of row group rg is read.
func (a *chunkAhead) reach(rg int) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	// Row groups are read in order; one skipped (it has no rows) need not be fetched.
	for a.next = max(a.next, rg); a.next <= min(rg+1, a.meta.NumRowGroups()-1); a.next++ {
		if a.next < len(a.pass) && a.pass[a.next] {
			continue
		}
		ranges := make([]ByteRange, 0, len(a.leaves))
		for _, li := range a.leaves {
			// A damaged chunk's range is left out: its read reports it.
			if start, n, err := pqpage.ChunkRange(a.meta, a.next, li); err == nil && n > 0 {
				ranges = append(ranges, ByteRange{start, n})
			}
		}
		a.pre.Prefetch(ranges)
	}
}
