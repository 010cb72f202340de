package report

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
)

// rollupVersion counts changes to how a rollup groups and sums line items that the pricing
// rule table does not show (how a CUR 2.0 discount becomes a row of its own, say); it is part
// of RulesVersion.
const rollupVersion = 1

// RulesVersion names the rules a rollup was priced and grouped with: the rollup's version and
// a digest of the pricing rule table of every metric (pricing.Rules, which mirrors the
// evaluator). Report documents carry it, and Merge takes only parts of the same rules.
var RulesVersion = rulesVersion()

func rulesVersion() string {
	h := xxhash.New()
	for _, m := range pricing.Metrics {
		for _, r := range pricing.Rules(m) {
			fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00%s\n", m, r.Kind, r.Items, r.Value, r.Label)
		}
	}
	return fmt.Sprintf("rollup/%d rules/%016x", rollupVersion, h.Sum64())
}

// AccountNamesDigest identifies an --account-names mapping: rollups made with different ones
// group accounts differently.
func AccountNamesDigest(names map[string]string) string {
	h := xxhash.New()
	for _, id := range slices.Sorted(maps.Keys(names)) {
		h.WriteString(id + "\x00" + names[id] + "\n")
	}
	return fmt.Sprintf("xxh64:%016x", h.Sum64())
}

// ErrPartMismatch: parts made with different metrics, dimensions, filters or options, or
// with --top, which cannot be merged into one rollup.
var ErrPartMismatch = errors.New("parts do not match")

// Part is one rollup to merge and the name its errors give (its file).
type Part struct {
	Name   string
	Result *Result
}

// Merge combines rollups of disjoint inputs, each made with the same metric, dimensions,
// filters, options and rules and with Options.Identify, into the rollup one Run over all their
// inputs gives: the same groups, sums, summaries, warnings and files, in the same order (files
// in cur/discover's: billing period, then path). It merges them as Run merges the partial
// rollups of its files, then sorts the groups by opts.Sort and folds them by opts.Top (of opts, only Sort, Top and AllowDuplicates are read:
// the rest comes from the parts). Sums are exact, so the order of parts does not matter.
// Parts made with Options.AllowEmpty may hold no row; when none holds one, the error wraps
// ErrEmptySelection, as Run's would.
//
// A part made with --top, or whose inputs are not identified, is refused, and so are parts
// that differ in metric, dimensions, filters, --include-split-cost or --account-names (all
// wrapping ErrPartMismatch) and an input in two parts, by name or, unless
// opts.AllowDuplicates, by content (cur.ErrDuplicateInput). Merge takes the parts' groups
// and summaries over: the parts are not to be used afterwards.
func Merge(parts []Part, opts Options) (*Result, error) {
	if len(parts) == 0 {
		return nil, errors.New("no parts to merge")
	}
	for _, p := range parts {
		if err := mergeable(p); err != nil {
			return nil, err
		}
	}
	first := parts[0]
	var diffs []string
	for _, p := range parts[1:] {
		diffs = append(diffs, partDiffs(first, p)...)
	}
	if len(diffs) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrPartMismatch, strings.Join(diffs, "; "))
	}
	inputs, err := mergeInputs(parts, opts.AllowDuplicates)
	if err != nil {
		return nil, err
	}

	total := newPartial()
	for _, p := range parts {
		total.merge(partialOf(p.Result))
	}
	r0 := first.Result
	if len(r0.Filters) > 0 && total.kept == 0 {
		return nil, fmt.Errorf("%w the filters in any part, so there is nothing to report: --filter %s", ErrEmptySelection, strings.Join(r0.Filters, " and --filter "))
	}
	o := Options{Metric: r0.Metric, Sort: opts.Sort, Top: opts.Top, IncludeSplitCost: r0.IncludeSplitCost, Usage: r0.Usage, AllProviders: r0.AllProviders}
	for _, d := range r0.Dimensions {
		o.Dims = append(o.Dims, Dimension{Name: d})
	}
	for _, f := range r0.Filters {
		o.Filters = append(o.Filters, Filter{Text: f})
	}
	var use *AccountNameUse
	if r0.AccountNames != nil {
		// An id of the mapping matches no account of the whole bill when it matched none of
		// any part; result() words the warnings from these ids as Run does from the mapping.
		count := map[string]int{}
		for _, p := range parts {
			for _, id := range p.Result.AccountNames.Unmatched {
				count[id]++
			}
		}
		var unmatched []string
		o.AccountNames = map[string]string{}
		for _, id := range slices.Sorted(maps.Keys(count)) {
			if count[id] == len(parts) {
				unmatched = append(unmatched, id)
				o.AccountNames[id] = ""
			}
		}
		use = &AccountNameUse{Digest: r0.AccountNames.Digest, Accounts: total.accounts, Unmatched: nonNilStrings(unmatched)}
	}
	res := total.result(&o)
	res.AccountNames = use
	res.Inputs = inputs
	for _, in := range inputs {
		res.Files = append(res.Files, in.Name)
	}
	return res, nil
}

// mergeable refuses a part that cannot be merged on its own: made with --top, or without the
// identities of its inputs.
func mergeable(p Part) error {
	r := p.Result
	folded := slices.ContainsFunc(r.Groups, func(g *Group) bool { return g.Folded > 0 })
	if r.Top > 0 || folded {
		return fmt.Errorf("%w: %s was written with --top %d, which folded groups into %s: write the parts without --top and give --top to merge",
			ErrPartMismatch, p.Name, r.Top, Other)
	}
	if len(r.Inputs) != len(r.Files) {
		return cur.FileErrorf(p.Name, cur.ErrUnsupportedFormat, "lists %d files but identifies %d: not a part curnorm report --format json wrote", len(r.Files), len(r.Inputs))
	}
	for i, in := range r.Inputs {
		if in.Name != r.Files[i] {
			return cur.FileErrorf(p.Name, cur.ErrBadValue, "input %d is %q but file %d %q", i+1, in.Name, i+1, r.Files[i])
		}
	}
	return nil
}

// partDiffs names what p does differently from first.
func partDiffs(first, p Part) []string {
	a, b := first.Result, p.Result
	var diffs []string
	differ := func(what, x, y string) {
		if x != y {
			diffs = append(diffs, fmt.Sprintf("%s differs (%s: %s; %s: %s)", what, first.Name, x, p.Name, y))
		}
	}
	list := func(s []string) string {
		if len(s) == 0 {
			return "none"
		}
		return strings.Join(s, ", ")
	}
	names := func(u *AccountNameUse) string {
		if u == nil {
			return "none"
		}
		return u.Digest
	}
	differ("metric", a.Metric.String(), b.Metric.String())
	differ("--by", list(a.Dimensions), list(b.Dimensions))
	differ("--filter", list(a.Filters), list(b.Filters))
	differ("--include-split-cost", fmt.Sprint(a.IncludeSplitCost), fmt.Sprint(b.IncludeSplitCost))
	differ("--account-names", names(a.AccountNames), names(b.AccountNames))
	differ("--usage", fmt.Sprint(a.Usage), fmt.Sprint(b.Usage))
	differ("--all-providers", fmt.Sprint(a.AllProviders), fmt.Sprint(b.AllProviders))
	return diffs
}

// mergeInputs lists the inputs of every part in the order Run reads them (by billing period,
// then path: cur/discover's order), refusing an input found in two parts.
func mergeInputs(parts []Part, allowDuplicates bool) ([]Input, error) {
	type seen struct {
		part int
		name string
	}
	byName := map[string]int{}
	byContent := map[cur.Fingerprint]seen{}
	var out []Input
	for i, p := range parts {
		for _, in := range p.Result.Inputs {
			if j, ok := byName[in.Name]; ok {
				return nil, cur.FileErrorf(p.Name, cur.ErrDuplicateInput, "%w: %s is in %s too: it would be counted twice (a file in two parts is refused even with --allow-duplicates)",
					cur.ErrDuplicateInput, in.Name, parts[j].Name)
			}
			byName[in.Name] = i
			if in.Fingerprint != nil && !allowDuplicates {
				if s, ok := byContent[*in.Fingerprint]; ok {
					return nil, cur.FileErrorf(p.Name, cur.ErrDuplicateInput, "%w: %s holds the same content as %s (in %s), which would be counted twice (--allow-duplicates counts both)",
						cur.ErrDuplicateInput, in.Name, s.name, parts[s.part].Name)
				}
				byContent[*in.Fingerprint] = seen{i, in.Name}
			}
			out = append(out, in)
		}
	}
	path := func(name string) string {
		if name == (cur.Source{Path: "-"}).Name() {
			return "-"
		}
		return name
	}
	slices.SortFunc(out, func(a, b Input) int {
		if c := strings.Compare(a.Period, b.Period); c != 0 {
			return c
		}
		return strings.Compare(path(a.Name), path(b.Name))
	})
	return out, nil
}

// partialOf turns a finished rollup back into a partial, as a file's rollup is before Run
// merges it.
func partialOf(r *Result) *partial {
	p := newPartial()
	for _, g := range r.Groups {
		k := groupKeyText(g.Currency, g.Key)
		if mine, ok := p.groups[k]; ok {
			mine.Add(g)
		} else {
			p.groups[k] = g
		}
	}
	for _, s := range r.Summaries {
		k := s.Period + "\x00" + s.Currency
		types := map[string]*TypeSummary{}
		for _, t := range s.Types {
			types[t.Type] = t
		}
		s.Types = nil
		one := newPartial()
		one.summaries[k], one.types[k] = s, types
		p.merge(one)
	}
	for _, w := range r.Warnings {
		if r.AccountNames != nil && strings.HasPrefix(w, accountNamesWarning) {
			continue // worded again from the merged accounts
		}
		p.warnings[w] = true
	}
	p.skipped = slices.Clone(r.Skipped)
	p.rows = r.Rows()
	p.kept = p.rows
	if r.AccountNames != nil {
		maps.Copy(p.accounts, r.AccountNames.Accounts)
	}
	return p
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
