package report

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur"
)

// ErrEmptySelection: the filters kept no row. A report or a check over nothing would pass for
// a bill that costs nothing, so it is a mistake in the call, not an empty result.
var ErrEmptySelection = errors.New("no row matches")

// keepTests are the filters a reader can test on one column's statistics: those of a
// dimension that is one column, as it is or as its month or day (billing-period, month,
// day). Passing rows over would leave out of the names of --account-names the accounts of
// those rows, so it is off with them.
func keepTests(opts *Options) []cur.ColumnTest {
	if opts.readAll || opts.AccountNames != nil {
		return nil
	}
	var out []cur.ColumnTest
	for _, f := range opts.Filters {
		d := f.Dim
		if d.kind != dimColumn || len(d.columns) != 1 {
			continue
		}
		t := cur.ColumnTest{Column: d.columns[0], Values: f.Values, Negate: f.Negate}
		switch d.transform {
		case nil:
		case byMonth:
			t.Date = "month"
		case byDay:
			t.Date = "day"
		default:
			continue
		}
		out = append(out, t)
	}
	return out
}

// filterSeen is what the files that kept no row tell of one filter: which of its values the
// data holds, values of the data close to the ones it lacks, and a few values to show.
type filterSeen struct {
	found []bool          // per Filter.Values
	near  map[string]bool // data values that differ from a missing one in case or leading zeros
	some  []string        // the first values of the data, sorted, at most shownValues
}

const shownValues = 5

// seen describes a filter from the values a file held.
func (f *filterEval) seen() filterSeen {
	fs := filterSeen{found: make([]bool, len(f.f.Values)), near: map[string]bool{}}
	var data []string
	for id, ok := range f.present {
		if ok && f.d.values.text[id] != "" {
			data = append(data, f.d.values.text[id])
		}
	}
	for k, v := range f.f.Values {
		id, ok := f.d.values.ids[v]
		fs.found[k] = ok && int(id) < len(f.present) && f.present[id]
		if fs.found[k] {
			continue
		}
		for _, d := range data {
			if isNear(v, d) {
				fs.near[d] = true
			}
		}
	}
	slices.Sort(data)
	fs.some = data[:min(len(data), shownValues)]
	return fs
}

// isNear reports a value a user may have meant: the same but for case or leading zeros (an
// account id that passed through a spreadsheet).
func isNear(typed, value string) bool {
	return strings.EqualFold(typed, value) ||
		(typed != "" && value != "" && strings.TrimLeft(typed, "0") == strings.TrimLeft(value, "0"))
}

func (fs *filterSeen) merge(o filterSeen) {
	for k := range fs.found {
		fs.found[k] = fs.found[k] || o.found[k]
	}
	for v := range o.near {
		fs.near[v] = true
	}
	fs.some = append(fs.some, o.some...)
	slices.Sort(fs.some)
	fs.some = slices.Compact(fs.some)
	fs.some = fs.some[:min(len(fs.some), shownValues)]
}

// emptySelection explains why the filters kept no row: the values no row holds, with the near
// ones that exist, or else that the filters hold apart but not together.
func emptySelection(filters []Filter, seen []filterSeen) error {
	var lines []string
	for i, f := range filters {
		if f.Negate {
			continue
		}
		var missing []string
		for k, v := range f.Values {
			if !seen[i].found[k] {
				missing = append(missing, shown(v))
			}
		}
		if len(missing) == 0 {
			continue
		}
		line := fmt.Sprintf("--filter %s: no row has %s %s", f.Text, f.Dim.Name, strings.Join(missing, " or "))
		if near := slices.Sorted(maps.Keys(seen[i].near)); len(near) > 0 {
			line += "; did you mean " + strings.Join(near, ", ") + "?"
		} else if len(seen[i].some) > 0 {
			line += " (values include " + strings.Join(seen[i].some, ", ") + ")"
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		texts := make([]string, len(filters))
		for i, f := range filters {
			texts[i] = "--filter " + f.Text
		}
		lines = append(lines, strings.Join(texts, " and ")+": each value occurs, but no row meets every filter")
	}
	return fmt.Errorf("%w the filters, so there is nothing to report: %s", ErrEmptySelection, strings.Join(lines, "; "))
}

func shown(v string) string {
	if v == "" {
		return None
	}
	return v
}
