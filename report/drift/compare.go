// Package drift compares two rollups of report and judges a bill: Compare matches their
// groups (scaled to a common span of days when a month is still open), Check applies the
// drift rules and the findings. Results are data — kinds, keys, periods, currencies, rows and
// amounts — that report/render puts into words; a baseline document is read by render too.
package drift

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// CompareMode says how two sides that cover different parts of their billing periods are made
// comparable.
type CompareMode int

const (
	// CompareAuto is run-rate when either side is provisional, total when both are final.
	CompareAuto CompareMode = iota
	// CompareRunRate scales each side to its full billing period by the days its usage covers.
	CompareRunRate
	// CompareSameDays cuts the side that covers more days to the days the other covers.
	CompareSameDays
	// CompareTotal compares the sums as they are.
	CompareTotal
)

var compareNames = [...]string{"auto", "run-rate", "same-days", "total"}

func (m CompareMode) String() string { return compareNames[m] }

// CompareModes lists the values --compare accepts.
var CompareModes = []string{"run-rate", "same-days", "total"}

// ParseCompareMode reads a --compare value; "" is CompareAuto.
func ParseCompareMode(s string) (CompareMode, error) {
	if s == "" {
		return CompareAuto, nil
	}
	for i, n := range compareNames {
		if n == s && CompareMode(i) != CompareAuto {
			return CompareMode(i), nil
		}
	}
	return CompareAuto, fmt.Errorf("unknown --compare %q (valid: %s)", s, strings.Join(CompareModes, ", "))
}

// ErrCannotCompare is wrapped by Compare's errors about a mode the sides do not allow.
var ErrCannotCompare = errors.New("cannot compare")

// Side is one side of a comparison: a rollup, and the CUR files it came from unless it was
// read from a baseline document.
type Side struct {
	Name     string // the paths or the baseline file, for messages
	Result   *report.Result
	Baseline bool         // report.Result was read from a report document
	Sources  []cur.Source // the CUR files, so the rollup can run again cut to fewer days
}

// Coverage is how much of its billing period a side's usage covers.
type Coverage struct {
	Periods       []string // billing periods, sorted
	FirstUsageDay string
	LastUsageDay  string
	Final         bool // every period has its invoice id (true for an empty side)
	// Days counts the days from the start of the billing period to the last usage day, and
	// PeriodDays the days of the period; both are 0 unless the side holds exactly one
	// billing period and its rows carry usage dates.
	Days, PeriodDays int
}

// CoverageOf measures a rollup's coverage from its summaries.
func CoverageOf(r *report.Result) Coverage {
	c := Coverage{Final: true}
	seen := map[string]bool{}
	for _, s := range r.Summaries {
		p := s.Period
		if p == "" {
			p = cur.PeriodOf(s.LastUsageDay)
		}
		if p != "" && !seen[p] {
			seen[p] = true
			c.Periods = append(c.Periods, p)
		}
		c.Final = c.Final && s.Final()
		if s.FirstUsageDay != "" && (c.FirstUsageDay == "" || s.FirstUsageDay < c.FirstUsageDay) {
			c.FirstUsageDay = s.FirstUsageDay
		}
		c.LastUsageDay = max(c.LastUsageDay, s.LastUsageDay)
	}
	sort.Strings(c.Periods)
	if len(c.Periods) != 1 || c.LastUsageDay == "" {
		return c
	}
	start, err1 := time.Parse("2006-01", c.Periods[0])
	last, err2 := time.Parse(time.DateOnly, c.LastUsageDay)
	if err1 != nil || err2 != nil {
		return c
	}
	c.PeriodDays = start.AddDate(0, 1, -1).Day()
	c.Days = min(max(int(last.Sub(start).Hours()/24)+1, 1), c.PeriodDays)
	return c
}

// Text describes the coverage in a few words: "2026-10, final" or "2026-10, provisional,
// 15 of 31 days".
func (c Coverage) Text() string {
	parts := []string{strings.Join(c.Periods, ", ")}
	if len(c.Periods) == 0 {
		parts[0] = "no billing period"
	}
	if c.Final {
		parts = append(parts, "final")
	} else {
		parts = append(parts, "provisional")
	}
	if c.PeriodDays > 0 && !c.Final {
		parts = append(parts, fmt.Sprintf("%d of %d days", c.Days, c.PeriodDays))
	}
	return strings.Join(parts, ", ")
}

// runRate is the factor that scales a side to its full period: PeriodDays / Days, 1 when the
// side is final.
func (c Coverage) runRate(name string) (*big.Rat, error) {
	if c.Final {
		return big.NewRat(1, 1), nil
	}
	if len(c.Periods) != 1 {
		return nil, fmt.Errorf("%w: --compare run-rate scales one billing period, and %s holds %d (%s); use --filter billing-period=... or --compare total",
			ErrCannotCompare, name, len(c.Periods), strings.Join(c.Periods, ", "))
	}
	if c.Days == 0 {
		return nil, fmt.Errorf("%w: --compare run-rate needs usage dates, and %s has none; use --compare total", ErrCannotCompare, name)
	}
	return big.NewRat(int64(c.PeriodDays), int64(c.Days)), nil
}

// SideInfo describes one side as compared.
type SideInfo struct {
	Name     string
	Baseline bool
	Files    []string
	Coverage Coverage // after any same-days cut
	// Factor scales the side's costs: PeriodDays/Days under run-rate, else 1.
	Factor *big.Rat
	// CutToDays > 0 says same-days kept only the first CutToDays days of the side's period.
	CutToDays int
}

// Diff compares two rollups group by group.
type Diff struct {
	Metric     pricing.Metric
	Dimensions []string
	Filters    []string
	Mode       CompareMode // as applied, never CompareAuto
	Old, New   SideInfo
	// Groups are ordered by currency, then by absolute delta, largest first, then by key.
	Groups []*Change
	// Totals come one per currency, sorted by currency.
	Totals []*Change
	// Types are the line item types of the bill-level summaries, Key holding the type,
	// ordered like Groups: they show what moved a restated month (late credits, refunds).
	Types []*Change
}

// Restatement reports two deliveries of one billing period.
func (d *Diff) Restatement() bool {
	o, n := d.Old.Coverage.Periods, d.New.Coverage.Periods
	return len(o) == 1 && len(n) == 1 && o[0] == n[0]
}

// Moved reports whether any group, total or line item type changed.
func (d *Diff) Moved() bool {
	for _, cs := range [][]*Change{d.Groups, d.Totals, d.Types} {
		for _, c := range cs {
			if c.Status() != StatusSame {
				return true
			}
		}
	}
	return false
}

// Status says how a group moved.
type Status string

// Statuses of a Change.
const (
	StatusNew  Status = "new"  // absent from the old side
	StatusGone Status = "gone" // absent from the new side
	StatusUp   Status = "up"
	StatusDown Status = "down"
	StatusSame Status = "same"
)

// Change is one group (or total, or line item type) on both sides, after scaling.
type Change struct {
	Key          []string
	Currency     string
	Old, New     *big.Rat // exact; 0 on a side the group is absent from
	InOld, InNew bool
}

// Delta is New − Old.
func (c *Change) Delta() *big.Rat { return new(big.Rat).Sub(c.New, c.Old) }

// Ratio is Delta / |Old|, so its sign is the direction of the move even for negative costs
// such as credits; ok is false when Old is 0.
func (c *Change) Ratio() (r *big.Rat, ok bool) {
	if c.Old.Sign() == 0 {
		return nil, false
	}
	return new(big.Rat).Quo(c.Delta(), new(big.Rat).Abs(c.Old)), true
}

// Status classifies the change.
func (c *Change) Status() Status {
	switch {
	case !c.InOld && c.InNew:
		return StatusNew
	case c.InOld && !c.InNew:
		return StatusGone
	}
	switch c.New.Cmp(c.Old) {
	case 1:
		return StatusUp
	case -1:
		return StatusDown
	}
	return StatusSame
}

// Compare matches the groups of two sides and scales them as mode asks. Under
// CompareSameDays the side covering more days is rolled up again from its CUR files with
// opts (the options both sides were made with) and UsageDays set; a baseline document cannot
// be cut, so that is an error wrapping ErrCannotCompare, as is run-rate on a side without a
// single billing period. Sides that were not rolled up alike give an error wrapping
// ErrBaselineMismatch (see Compatible).
func Compare(ctx context.Context, oldSide, newSide *Side, mode CompareMode, opts report.Options) (*Diff, error) {
	if err := Compatible(oldSide, newSide); err != nil {
		return nil, err
	}
	oc, nc := CoverageOf(oldSide.Result), CoverageOf(newSide.Result)
	if mode == CompareAuto {
		mode = CompareTotal
		if !oc.Final || !nc.Final {
			mode = CompareRunRate
		}
	}
	d := &Diff{
		Metric: newSide.Result.Metric, Dimensions: newSide.Result.Dimensions, Filters: newSide.Result.Filters, Mode: mode,
		Old: SideInfo{Name: oldSide.Name, Baseline: oldSide.Baseline, Files: oldSide.Result.Files, Coverage: oc, Factor: big.NewRat(1, 1)},
		New: SideInfo{Name: newSide.Name, Baseline: newSide.Baseline, Files: newSide.Result.Files, Coverage: nc, Factor: big.NewRat(1, 1)},
	}
	oldRes, newRes := oldSide.Result, newSide.Result
	var err error
	switch mode {
	case CompareRunRate:
		if d.Old.Factor, err = oc.runRate(oldSide.Name); err != nil {
			return nil, err
		}
		if d.New.Factor, err = nc.runRate(newSide.Name); err != nil {
			return nil, err
		}
	case CompareSameDays:
		for _, s := range []struct {
			side *Side
			c    Coverage
		}{{oldSide, oc}, {newSide, nc}} {
			if s.c.PeriodDays == 0 {
				return nil, fmt.Errorf("%w: --compare same-days needs one billing period with usage dates on each side, and %s holds %s",
					ErrCannotCompare, s.side.Name, s.c.Text())
			}
		}
		switch {
		case oc.Days > nc.Days:
			if oldRes, err = cutToDays(ctx, oldSide, nc.Days, opts); err != nil {
				return nil, err
			}
			d.Old.CutToDays, d.Old.Coverage = nc.Days, CoverageOf(oldRes)
		case nc.Days > oc.Days:
			if newRes, err = cutToDays(ctx, newSide, oc.Days, opts); err != nil {
				return nil, err
			}
			d.New.CutToDays, d.New.Coverage = oc.Days, CoverageOf(newRes)
		}
	}
	d.Groups = matchGroups(oldRes.Groups, newRes.Groups, d.Old.Factor, d.New.Factor)
	d.Totals = matchGroups(oldRes.Totals, newRes.Totals, d.Old.Factor, d.New.Factor)
	d.Types = matchGroups(typeGroups(oldRes), typeGroups(newRes), d.Old.Factor, d.New.Factor)
	sortChanges(d.Groups)
	sort.Slice(d.Totals, func(i, j int) bool { return d.Totals[i].Currency < d.Totals[j].Currency })
	sortChanges(d.Types)
	return d, nil
}

func cutToDays(ctx context.Context, s *Side, days int, opts report.Options) (*report.Result, error) {
	if s.Baseline {
		return nil, fmt.Errorf("%w: --compare same-days cuts %s to its first %d days, which needs its CUR files, not a report document; give the CUR files or use --compare run-rate",
			ErrCannotCompare, s.Name, days)
	}
	opts.UsageDays, opts.Top = days, 0
	return report.Run(ctx, s.Sources, opts)
}

// typeGroups turns the line item types of every summary into one group per currency and type,
// costed under the result's metric.
func typeGroups(r *report.Result) []*report.Group {
	by := map[string]*report.Group{}
	for _, s := range r.Summaries {
		for _, t := range s.Types {
			k := s.Currency + "\x00" + t.Type
			g, ok := by[k]
			if !ok {
				name := t.Type
				if name == "" {
					name = report.None
				}
				g = &report.Group{Key: []string{name}, Currency: s.Currency}
				by[k] = g
			}
			g.Rows += t.Rows
			g.Cost.AddSum(t.ByMetric[r.Metric])
		}
	}
	out := make([]*report.Group, 0, len(by))
	for _, k := range slices.Sorted(maps.Keys(by)) {
		out = append(out, by[k])
	}
	return out
}

// matchGroups pairs groups of equal currency and key, scaling each side's cost by its factor.
func matchGroups(olds, news []*report.Group, fo, fn *big.Rat) []*Change {
	by := map[string]*Change{}
	var out []*Change
	get := func(g *report.Group) *Change {
		k := g.Currency + "\x00" + strings.Join(g.Key, "\x00")
		c, ok := by[k]
		if !ok {
			c = &Change{Key: g.Key, Currency: g.Currency, Old: new(big.Rat), New: new(big.Rat)}
			by[k] = c
			out = append(out, c)
		}
		return c
	}
	for _, g := range olds {
		c := get(g)
		c.Old.Add(c.Old, new(big.Rat).Mul(g.Cost.Rat(), fo))
		c.InOld = true
	}
	for _, g := range news {
		c := get(g)
		c.New.Add(c.New, new(big.Rat).Mul(g.Cost.Rat(), fn))
		c.InNew = true
	}
	return out
}

// sortChanges orders by currency, then by absolute delta, largest first, then by key.
func sortChanges(cs []*Change) {
	abs := make(map[*Change]*big.Rat, len(cs))
	for _, c := range cs {
		d := c.Delta()
		abs[c] = d.Abs(d)
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Currency != b.Currency {
			return a.Currency < b.Currency
		}
		if c := abs[a].Cmp(abs[b]); c != 0 {
			return c > 0
		}
		return slices.Compare(a.Key, b.Key) < 0
	})
}

// ErrBaselineMismatch is wrapped by the errors of Compatible: the two sides of a comparison
// were not rolled up alike, so their groups cannot be matched.
var ErrBaselineMismatch = errors.New("baseline does not match")

// Compatible reports how two sides of a comparison differ in metric, dimensions or filters
// when either is a baseline document: such sides cannot be compared group by group. The
// error wraps ErrBaselineMismatch and names every difference. Two sides rolled up from CUR
// files with the same options always match. Currencies need not match: a currency on one
// side only is new (or gone), like a group.
func Compatible(oldSide, newSide *Side) error {
	if !oldSide.Baseline && !newSide.Baseline {
		return nil
	}
	a, b := setupOf(oldSide.Name, oldSide.Result), setupOf(newSide.Name, newSide.Result)
	return mismatch(a, b, oldSide, newSide)
}

// MatchOptions reports how a baseline differs from the metric, dimensions and filters of the
// options a run is about to use; the error wraps ErrBaselineMismatch.
func MatchOptions(b *Side, opts report.Options) error {
	run := setup{name: "this run", metric: opts.Metric}
	for _, d := range opts.Dims {
		run.dims = append(run.dims, d.Name)
	}
	for _, f := range opts.Filters {
		run.filters = append(run.filters, f.Text)
	}
	return mismatch(setupOf(b.Name, b.Result), run, b)
}

// setup is what must agree between two sides for their groups to match.
type setup struct {
	name          string
	metric        pricing.Metric
	dims, filters []string
}

func setupOf(name string, r *report.Result) setup {
	return setup{name: name, metric: r.Metric, dims: r.Dimensions, filters: r.Filters}
}

func mismatch(x, y setup, baselines ...*Side) error {
	var diffs []string
	if x.metric != y.metric {
		diffs = append(diffs, fmt.Sprintf("metric differs (%s: %s; %s: %s)", x.name, x.metric, y.name, y.metric))
	}
	list := func(s []string) string {
		if len(s) == 0 {
			return "none"
		}
		return strings.Join(s, ", ")
	}
	type field struct {
		what string
		a, b []string
	}
	for _, f := range []field{{"dimensions", x.dims, y.dims}, {"filters", x.filters, y.filters}} {
		if list(f.a) != list(f.b) {
			diffs = append(diffs, fmt.Sprintf("%s differ (%s: %s; %s: %s)", f.what, x.name, list(f.a), y.name, list(f.b)))
		}
	}
	for _, b := range baselines {
		if b.Baseline && hasFolded(b.Result) {
			diffs = append(diffs, fmt.Sprintf("%s was written with --top, and its %s rows match nothing (write it without --top)", b.Name, report.Other))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrBaselineMismatch, strings.Join(diffs, "; "))
}

func hasFolded(r *report.Result) bool {
	for _, g := range r.Groups {
		if g.Folded > 0 {
			return true
		}
	}
	return false
}
