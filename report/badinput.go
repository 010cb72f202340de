package report

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/curnorm/curnorm/cur"
)

// skippable reports a failure of one input file, which Options.SkipBadRows may skip; a
// cancelled run or a mistake in the options is never skipped.
func skippable(err error) bool {
	var e *cur.Error
	return errors.As(err, &e) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// unreadable returns what is left of a file that could not be read to its end: nothing of
// its sums, since a half-read file would be half counted, and its rows read (p's, or none
// when p is nil) counted as skipped beside the rows its reader skipped before the failure.
func (p *partial) unreadable(src cur.Source, err error) *partial {
	out := newPartial()
	var rows int64
	if p != nil {
		rows = p.rows
		out.skipped = p.skipped
	}
	out.skipped = append(out.skipped, unreadableFile(src, rows, err))
	return out
}

func unreadableFile(src cur.Source, rows int64, err error) cur.SkipCount {
	return cur.SkipCount{File: src.Name(), Reason: cur.SkipUnreadableFile, Rows: rows, First: err.Error()}
}

// duplicates refuses sources of identical content, which would be counted twice; contents[i]
// is nil when source i's content is unknown.
func duplicates(sources []cur.Source, contents []*cur.Fingerprint) error {
	return cur.Duplicates(sourceNames(sources), contents)
}

func sourceNames(sources []cur.Source) []string {
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = s.Name()
	}
	return names
}

func allErrors(errs []error) bool {
	for _, err := range errs {
		if err == nil {
			return false
		}
	}
	return true
}

// skippedOf is the reader's skip counts under the name the run gives the source (a zip
// reader names its entry too).
func skippedOf(src cur.Source, r cur.Reader) []cur.SkipCount {
	out := r.Skipped()
	for i := range out {
		out[i].File = src.Name()
	}
	return out
}

// sortSkipped orders skip counts by file, then reason, so output never depends on --jobs.
func sortSkipped(s []cur.SkipCount) []cur.SkipCount {
	sort.Slice(s, func(i, j int) bool {
		if s[i].File != s[j].File {
			return s[i].File < s[j].File
		}
		if s[i].Reason != s[j].Reason {
			return s[i].Reason < s[j].Reason
		}
		return s[i].First < s[j].First
	})
	return s
}

// SkippedRows is the number of rows skipped, an unreadable file's rows read before its
// failure included.
func SkippedRows(s []cur.SkipCount) int64 {
	var n int64
	for _, c := range s {
		n += c.Rows
	}
	return n
}

// fileWarnings are what a trusted reader of a file should hear about although the file was
// read: a file without line items (a header-only CSV may be a wrong or cut export), header
// names that appear twice (a row then takes the first non-empty cell, as for names that meet
// in one canonical form), and text that was not valid UTF-8.
func (fr *fileRollup) fileWarnings(src cur.Source, r cur.Reader) []string {
	var out []string
	if fr.invalidText() {
		out = append(out, src.Name()+": text that is not valid UTF-8 was shown with U+FFFD in place of the bad bytes")
	}
	if r.Err() == nil && r.Rows() == 0 && len(r.Skipped()) == 0 {
		out = append(out, src.Name()+": no line items (the file holds only its header)")
	}
	seen := map[string]int{}
	var order []string
	for _, c := range r.Schema().RawColumns {
		if seen[c]++; seen[c] == 2 {
			order = append(order, c)
		}
	}
	for _, c := range order {
		out = append(out, fmt.Sprintf("%s: column %q appears %d times: each row takes its first non-empty cell", src.Name(), c, seen[c]))
	}
	return out
}

// invalidText reports a value of the file that was not valid UTF-8.
func (fr *fileRollup) invalidText() bool {
	bad := fr.currencies.invalid || fr.periods.invalid || fr.types.invalid
	for _, d := range fr.dims {
		bad = bad || d.values.invalid
	}
	for _, f := range fr.filters {
		bad = bad || f.d.values.invalid
	}
	return bad
}
