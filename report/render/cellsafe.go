package render

// SpreadsheetSafe neutralises a text cell that a spreadsheet would run as a formula when it
// opens a CSV file or a pasted table: a value starting with "=", "+", "-", "@", tab or
// carriage return gets a single quote in front (OWASP's rule for CSV injection). Tag values,
// account names and resource ids are written by whoever can tag a resource, so they must not
// become formulas in an analyst's spreadsheet. Numeric cells must not go through it: a
// negative amount is a number, not a formula.
func SpreadsheetSafe(s string) string {
	if s != "" && isFormulaTrigger(s[0]) {
		return "'" + s
	}
	return s
}

// isFormulaTrigger reports whether a cell starting with c is read as a formula.
func isFormulaTrigger(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
