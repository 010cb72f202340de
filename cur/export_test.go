package cur

import "slices"

// WithPagePath returns req with the Parquet page-level path allowed or not, for the tests and
// benchmarks of the external test package.
func WithPagePath(req Request, on bool) Request {
	req.noPagePath = !on
	return req
}

// WithWholeFooter returns req with a Parquet file's footer decoded whole (true) or trimmed to
// the columns req reads, as users get.
func WithWholeFooter(req Request, whole bool) Request {
	req.wholeFooter = whole
	return req
}

// UsesPagePath reports whether r reads Parquet through the page-level path.
func UsesPagePath(r Reader) bool {
	pr, ok := r.(*parquetReader)
	return ok && pr.pages != nil
}

// RenderBatch renders a batch of a request as text for comparisons, checking its shape.
var RenderBatch = renderBatch

// PoisonPooledBuffers makes every batch buffer given back to the pool hold values no decode
// writes, so that a row a later file leaves unwritten shows in what it reads.
func PoisonPooledBuffers(on bool) { poisonPooled.Store(on) }

// PoisonCode is the text code that fills a poisoned buffer.
const PoisonCode = poisonCode

// PooledCodes takes a text-code buffer from the pool and gives it back, for the tests to see
// what a closed reader left there.
func PooledCodes() []uint32 {
	s := codesPool.get()
	out := slices.Clone(s)
	codesPool.put(s, poisonCode)
	return out
}
