package report

import "github.com/curnorm/curnorm/cur"

// curOnly refuses a FOCUS file for a command that works on a CUR's own line items (its types,
// negations, fees, commitment columns), which FOCUS rows no longer have (docs/focus.md).
func curOnly(src cur.Source, r cur.Reader, command string) error {
	if r.Schema().Flavour != cur.FOCUS {
		return nil
	}
	return cur.FileErrorf(src.Name(), cur.ErrUnsupportedFormat, "this is a FOCUS export: %s reads CUR files (report, inspect, check, diff and explain read FOCUS too)", command)
}
