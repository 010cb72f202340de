package cur

// SetPagePath turns the Parquet page-level path on or off for the tests and benchmarks of
// the external test package, and returns the function that restores it.
func SetPagePath(on bool) (restore func()) {
	old := parquetPages
	parquetPages = on
	return func() { parquetPages = old }
}

// UsesPagePath reports whether r reads Parquet through the page-level path.
func UsesPagePath(r Reader) bool {
	pr, ok := r.(*parquetReader)
	return ok && pr.pages != nil
}

// RenderBatch renders a batch as text for comparisons, checking its shape.
var RenderBatch = renderBatch
