package cur

// WithPagePath returns req with the Parquet page-level path allowed or not, for the tests and
// benchmarks of the external test package.
func WithPagePath(req Request, on bool) Request {
	req.noPagePath = !on
	return req
}

// UsesPagePath reports whether r reads Parquet through the page-level path.
func UsesPagePath(r Reader) bool {
	pr, ok := r.(*parquetReader)
	return ok && pr.pages != nil
}

// RenderBatch renders a batch of a request as text for comparisons, checking its shape.
var RenderBatch = renderBatch
