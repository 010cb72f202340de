package cur

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
