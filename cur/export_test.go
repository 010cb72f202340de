package cur

// SetPagePath turns the Parquet page-level path on or off for a benchmark of the external
// test package and returns the function that restores it.
func SetPagePath(on bool) (restore func()) {
	old := parquetPages
	parquetPages = on
	return func() { parquetPages = old }
}
