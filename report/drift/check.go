package drift

import (
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// Drift rules compare the new side of a Diff with the old; findings look at the new bill alone.

// Drift rule names.
const (
	RuleMaxIncrease     = "max-increase"
	RuleMaxDecrease     = "max-decrease"
	RuleMaxNewGroupCost = "max-new-group-cost"
)

// Limit is a drift threshold: a share of the old cost, an amount in the group's currency, or
// both. With both, a move breaks the limit only when it breaks each: the amount is a noise
// floor that keeps small groups from failing on a large percentage of little money.
type Limit struct {
	Pct  *big.Rat // a fraction: 10% is 1/10; nil when not given
	Abs  *big.Rat // nil when not given
	Text string   // as given: "10%", "500", "10% and 500"
}

// IsSet reports whether any threshold was given.
func (l Limit) IsSet() bool { return l.Pct != nil || l.Abs != nil }

var limitText = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?%?$`)

// ParseLimit reads the values of a --max-increase or --max-decrease flag: "10%" and/or "500",
// at most one of each.
func ParseLimit(flag string, specs []string) (Limit, error) {
	var l Limit
	var texts []string
	for _, s := range specs {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !limitText.MatchString(s) {
			return Limit{}, fmt.Errorf("--%s %q: want a percentage such as 10%% or an amount such as 500", flag, s)
		}
		pct := strings.HasSuffix(s, "%")
		v, _ := new(big.Rat).SetString(strings.TrimSuffix(s, "%"))
		switch {
		case pct && l.Pct != nil, !pct && l.Abs != nil:
			return Limit{}, fmt.Errorf("--%s: give at most one percentage and one amount", flag)
		case pct:
			l.Pct = v.Quo(v, big.NewRat(100, 1))
		default:
			l.Abs = v
		}
		texts = append(texts, s)
	}
	sort.Slice(texts, func(i, j int) bool { return strings.HasSuffix(texts[i], "%") && !strings.HasSuffix(texts[j], "%") })
	l.Text = strings.Join(texts, " and ")
	return l, nil
}

// ParseAmount reads a non-negative amount flag such as --min-cost into a Limit with Abs set;
// "" gives a Limit that is not set.
func ParseAmount(flag, s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Limit{}, nil
	}
	if !limitText.MatchString(s) || strings.HasSuffix(s, "%") {
		return Limit{}, fmt.Errorf("--%s %q: want an amount such as 500", flag, s)
	}
	v, _ := new(big.Rat).SetString(s)
	return Limit{Abs: v, Text: s}, nil
}

var shareText = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?%$|^[0-9]*\.[0-9]+$|^[01]$`)

// ParseShare reads a threshold between 0 and 1 such as --min-utilization: a percentage
// ("90%", "87.5%") or a fraction ("0.9"), into a Limit with Pct set; "" gives a Limit that is
// not set. Anything above 100% (190%, 1.5) or not a number is refused.
func ParseShare(flag, s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Limit{}, nil
	}
	if !shareText.MatchString(s) {
		return Limit{}, fmt.Errorf("--%s %q: want a percentage such as 90%% or a fraction such as 0.9", flag, s)
	}
	v, _ := new(big.Rat).SetString(strings.TrimSuffix(s, "%"))
	if strings.HasSuffix(s, "%") {
		v.Quo(v, big.NewRat(100, 1))
	}
	if v.Cmp(big.NewRat(1, 1)) > 0 {
		return Limit{}, fmt.Errorf("--%s %q: a share cannot exceed 100%% (write 90%% or 0.9)", flag, s)
	}
	return Limit{Pct: v, Text: s}, nil
}

// ParseDays reads a number of days such as --expiring: "30d" or "30", into a Limit with Abs
// set; "" gives a Limit that is not set.
func ParseDays(flag, s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Limit{}, nil
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(s, "d"), 10, 31)
	if err != nil {
		return Limit{}, fmt.Errorf("--%s %q: want a number of days such as 30d", flag, s)
	}
	return Limit{Abs: new(big.Rat).SetInt64(int64(n)), Text: s}, nil
}

// Days is a Limit of ParseDays as a number of days; -1 when it is not set.
func (l Limit) Days() int {
	if l.Abs == nil {
		return -1
	}
	return int(l.Abs.Num().Int64())
}

// breaks reports whether a move of size move (≥ 0) away from old breaks the limit. A
// percentage of an old cost of 0 is unbounded, so any move breaks it.
func (l Limit) breaks(move, old *big.Rat) bool {
	if move.Sign() <= 0 {
		return false
	}
	pct := l.Pct != nil && (old.Sign() == 0 || new(big.Rat).Quo(move, new(big.Rat).Abs(old)).Cmp(l.Pct) > 0)
	abs := l.Abs != nil && move.Cmp(l.Abs) > 0
	switch {
	case l.Pct != nil && l.Abs != nil:
		return pct && abs
	case l.Pct != nil:
		return pct
	}
	return abs
}

// CheckOptions are the drift rules and the findings that fail a check.
type CheckOptions struct {
	MaxIncrease, MaxDecrease Limit
	// MinCost (an amount), when set, exempts groups whose old and new cost are both below it
	// in absolute value from every group rule; totals are always checked.
	MinCost Limit
	// MaxNewGroupCost (an amount), when set, fails groups absent from the old side that cost
	// more, and the totals of currencies absent from it. New groups and currencies are judged
	// by this rule only.
	MaxNewGroupCost Limit
	// MinUtilization (a share), when set, judges the finding low-utilization on every
	// commitment whose fee is in the bill; MinCoverage (a share) judges low-coverage on the
	// groups of --by (the currency totals without --by); Expiring (days) judges
	// expiring-commitment on every commitment with an end date. A finding whose threshold is
	// not set is not judged and not reported.
	MinUtilization, MinCoverage, Expiring Limit
	// Now is when the expiry is counted from; the zero time means time.Now().
	Now time.Time
	// FailOn names the findings that fail the check when they fire.
	FailOn []string
}

// NeedsCommitments reports whether a finding reads the commitments (report.Commitments)
// of the bill; NeedsCoverage, whether one reads the groups' coverage (report.Options.Coverage).
func (o CheckOptions) NeedsCommitments() bool { return o.MinUtilization.IsSet() || o.Expiring.IsSet() }

// NeedsCoverage: see NeedsCommitments.
func (o CheckOptions) NeedsCoverage() bool { return o.MinCoverage.IsSet() }

// ThresholdFlag names the flag, without its dashes, whose threshold judges a finding
// (min-utilization for low-utilization, ...); "" for the findings judged without one.
func ThresholdFlag(name string) string {
	switch name {
	case FindingLowUtilization:
		return "min-utilization"
	case FindingLowCoverage:
		return "min-coverage"
	case FindingExpiring:
		return "expiring"
	}
	return ""
}

// thresholdOf is the threshold a finding is judged by; the zero Limit for findings without one.
func (o CheckOptions) thresholdOf(name string) Limit {
	switch name {
	case FindingLowUtilization:
		return o.MinUtilization
	case FindingLowCoverage:
		return o.MinCoverage
	case FindingExpiring:
		return o.Expiring
	}
	return Limit{}
}

// HasRules reports whether any drift rule is set.
func (o CheckOptions) HasRules() bool {
	return o.MaxIncrease.IsSet() || o.MaxDecrease.IsSet() || o.MaxNewGroupCost.IsSet()
}

// RuleResult is one drift rule applied to one currency's total, or to its groups.
type RuleResult struct {
	Rule     string // RuleMaxIncrease, ...
	Limit    string // the threshold as given
	Currency string
	Groups   bool // the groups of --by; false: the currency total
	Checked  int  // totals or groups the rule looked at
	Ignored  int  // groups exempted by --min-cost
	Failures []*Change
}

// Passed reports whether nothing broke the rule.
func (r *RuleResult) Passed() bool { return len(r.Failures) == 0 }

// Severities of findings.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Finding names: stable, for --fail-on and for machines reading the output.
const (
	FindingReconciliation = "reconciliation"         // unblended ≠ amortized + true-up + upfront fees + excluded refunds
	FindingOverOnDemand   = "over-on-demand"         // priced usage groups that cost more than public on-demand
	FindingUnpricedUsage  = "unpriced-usage"         // usage rows without a public on-demand price
	FindingUnknownType    = "unknown-line-item-type" // line item types outside AWS's documented list
	FindingCurrencies     = "multiple-currencies"    // the bill holds more than one currency
	FindingProvisional    = "provisional"            // rows without an invoice id: AWS may still restate the month
	FindingSkippedRows    = "skipped-rows"           // rows or files --on-error skip left out
	FindingLowUtilization = "low-utilization"        // commitments used below --min-utilization
	FindingLowCoverage    = "low-coverage"           // groups whose coverage is below --min-coverage
	FindingExpiring       = "expiring-commitment"    // commitments ending within --expiring days
)

// Why a finding could not be judged (Finding.NotApplicable); render puts them into words.
const (
	NotApplicableFiltered      = "filtered"           // --filter left rows out (reconciliation)
	NotApplicableFOCUS         = "focus"              // FOCUS input has no reconciliation terms
	NotApplicableNoCommitments = "no-commitments"     // no Savings Plan or reservation in the bill
	NotApplicableNoFees        = "no-commitment-fees" // commitments, but none with its fee in the bill
	NotApplicableNoEndDates    = "no-end-dates"       // commitments, but none with an end date
	NotApplicableNoPricedUsage = "no-priced-usage"    // no group with priced usage
)

// FindingNames lists every finding --fail-on accepts, in report order.
func FindingNames() []string {
	return []string{FindingReconciliation, FindingOverOnDemand, FindingUnpricedUsage, FindingUnknownType,
		FindingCurrencies, FindingProvisional, FindingSkippedRows, FindingLowUtilization, FindingLowCoverage,
		FindingExpiring}
}

// ParseFailOn reads --fail-on: finding names, or "all". A finding judged by a threshold of
// o (low-utilization, ...) named without that threshold is an error; "all" leaves it out.
func ParseFailOn(specs []string, o CheckOptions) ([]string, error) {
	names, err := parseFailOn(specs)
	if err != nil {
		return nil, err
	}
	all := slices.ContainsFunc(specs, func(s string) bool { return strings.TrimSpace(s) == "all" })
	var out []string
	for _, n := range names {
		if flag := ThresholdFlag(n); flag != "" && !o.thresholdOf(n).IsSet() {
			if all {
				continue
			}
			return nil, fmt.Errorf("--fail-on %s needs its threshold: give --%s", n, flag)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseFailOn(specs []string) ([]string, error) {
	valid := FindingNames()
	var out []string
	seen := map[string]bool{}
	for _, s := range specs {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		if s == "all" {
			for _, s := range specs {
				if s = strings.TrimSpace(s); s != "" && s != "all" && !slices.Contains(valid, s) {
					return nil, fmt.Errorf("unknown finding %q in --fail-on (valid: %s, all)", s, strings.Join(valid, ", "))
				}
			}
			return valid, nil
		}
		ok := false
		for _, v := range valid {
			ok = ok || v == s
		}
		if !ok {
			return nil, fmt.Errorf("unknown finding %q in --fail-on (valid: %s, all)", s, strings.Join(valid, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

// documentedTypes are the line item types AWS documents for lineItem/LineItemType.
var documentedTypes = map[string]bool{
	"Usage": true, "DiscountedUsage": true, "SavingsPlanCoveredUsage": true, "SavingsPlanNegation": true,
	"SavingsPlanRecurringFee": true, "SavingsPlanUpfrontFee": true, "RIFee": true, "Fee": true,
	"Credit": true, "Refund": true, "Tax": true, "BundledDiscount": true, "EdpDiscount": true,
	"PrivateRateDiscount": true, "RiVolumeDiscount": true, "SppDiscount": true,
	"DistributorDiscount": true, "Discount": true, "FlatRateSubscription": true,
	// FOCUS input: ChargeCategory, or a commitment's CommitmentDiscountStatus (docs/focus.md).
	"Purchase": true, "Adjustment": true, "Used": true, "Unused": true,
}

// Finding is one check of the bill itself.
type Finding struct {
	Name     string
	Severity string
	Fired    bool // it has items
	// Fails is set when the finding fired and --fail-on chose it.
	Fails bool
	// NotApplicable says the finding could not be judged: the reconciliation on a bill whose
	// rows were filtered, low-utilization on a bill without commitments, ...; Reason says why
	// (NotApplicableFiltered, ...).
	NotApplicable bool
	Reason        string
	// Limit is the threshold the finding was judged by, as given ("90%", "30d"); "" for the
	// findings without one. Checked counts the commitments or groups it judged, Unjudged
	// those it could not: a commitment whose fee is not in the bill (low-utilization) or
	// that has no end date (expiring-commitment), a group without priced usage
	// (low-coverage).
	Limit             string
	Checked, Unjudged int
	// Measure names what its items' Amount holds ("excess", "residual", ...); "" when the
	// items carry no amount.
	Measure string
	Items   []FindingItem
}

// FindingItem is one thing a finding points at. Which fields are set depends on the
// finding: a group (Key, Group), a billing period (Period, Summary), a line item type
// (Type), a currency, or an input file (File, Skip).
type FindingItem struct {
	File     string   // the input file, for skipped-rows
	Key      []string // the group, for findings about groups
	Period   string   // the billing period, for findings about periods
	Type     string   // the line item type, for unknown-line-item-type
	Currency string
	Rows     int64
	Amount   money.Sum // what the finding's Measure names
	// The figures the item comes from, for outputs that show more than Amount.
	Group   *report.Group   // over-on-demand, unpriced-usage by group
	Summary *report.Summary // reconciliation, unpriced-usage by period, provisional
	Skip    *cur.SkipCount  // skipped-rows
	// Commitment is the Savings Plan or reservation, for low-utilization (in Period) and
	// expiring-commitment (its last period in the bill); DaysLeft, for the latter, the whole
	// days from CheckOptions.Now to its end.
	Commitment *report.Commitment
	DaysLeft   int
}

// CheckResult is the outcome of Check.
type CheckResult struct {
	Metric     pricing.Metric
	Dimensions []string
	Filters    []string
	Files      []string
	Diff       *Diff // nil without a baseline
	// Options are the rules as given, which the outputs state even where no total or group
	// was there to apply them to.
	Options  CheckOptions
	Rules    []*RuleResult
	Findings []*Finding
}

// Passed reports whether every rule held and no finding chosen with --fail-on fired.
func (c *CheckResult) Passed() bool { return c.FailedRules() == 0 && c.FailingFindings() == 0 }

// FailedRules counts the rule results that failed.
func (c *CheckResult) FailedRules() int {
	n := 0
	for _, r := range c.Rules {
		if !r.Passed() {
			n++
		}
	}
	return n
}

// FailingFindings counts the findings that fail the check.
func (c *CheckResult) FailingFindings() int {
	n := 0
	for _, f := range c.Findings {
		if f.Fails {
			n++
		}
	}
	return n
}

// Check applies the drift rules of o to d (when there is a baseline) and judges the findings
// on res, the new bill as read (before any same-days cut), rolled up with
// report.Options.Coverage when o.NeedsCoverage. cm holds the bill's commitments, read with
// report.Commitments when o.NeedsCommitments (nil otherwise).
func Check(res *report.Result, d *Diff, o CheckOptions, cm *report.CommitmentResult) *CheckResult {
	c := &CheckResult{Metric: res.Metric, Dimensions: res.Dimensions, Filters: res.Filters, Files: res.Files, Diff: d, Options: o}
	if d != nil {
		c.Rules = checkRules(d, o)
	}
	failOn := map[string]bool{}
	for _, n := range o.FailOn {
		failOn[n] = true
	}
	all := findings(res)
	if o.NeedsCommitments() && cm == nil {
		cm = &report.CommitmentResult{}
	}
	if o.MinUtilization.IsSet() {
		all = append(all, lowUtilization(cm.Commitments, o.MinUtilization))
	}
	if o.MinCoverage.IsSet() {
		all = append(all, lowCoverage(res, o.MinCoverage))
	}
	if o.Expiring.IsSet() {
		now := o.Now
		if now.IsZero() {
			now = time.Now()
		}
		all = append(all, expiring(cm.Commitments, o.Expiring, now))
	}
	for _, f := range all {
		f.Fired = len(f.Items) > 0
		f.Fails = f.Fired && failOn[f.Name]
		c.Findings = append(c.Findings, f)
	}
	return c
}

func checkRules(d *Diff, o CheckOptions) []*RuleResult {
	var out []*RuleResult
	limits := []struct {
		rule  string
		limit Limit
		dir   int // +1: increases, -1: decreases
	}{{RuleMaxIncrease, o.MaxIncrease, 1}, {RuleMaxDecrease, o.MaxDecrease, -1}}
	move := func(c *Change, dir int) *big.Rat {
		m := c.Delta()
		if dir < 0 {
			m.Neg(m)
		}
		return m
	}
	for _, t := range d.Totals {
		// A currency absent from the old side has no cost to grow from: like a new group, it
		// is judged by --max-new-group-cost only. A gone one is a drop like a gone group.
		newCurrency := t.Status() == StatusNew
		for _, l := range limits {
			if !l.limit.IsSet() || newCurrency {
				continue
			}
			r := &RuleResult{Rule: l.rule, Limit: l.limit.Text, Currency: t.Currency, Checked: 1}
			if l.limit.breaks(move(t, l.dir), t.Old) {
				r.Failures = append(r.Failures, t)
			}
			out = append(out, r)
		}
		if newCurrency && o.MaxNewGroupCost.IsSet() {
			r := &RuleResult{Rule: RuleMaxNewGroupCost, Limit: o.MaxNewGroupCost.Text, Currency: t.Currency, Checked: 1}
			if t.New.Cmp(o.MaxNewGroupCost.Abs) > 0 {
				r.Failures = append(r.Failures, t)
			}
			out = append(out, r)
		}
		if len(d.Dimensions) == 0 {
			continue
		}
		var groups []*Change
		for _, g := range d.Groups {
			if g.Currency == t.Currency {
				groups = append(groups, g)
			}
		}
		for _, l := range limits {
			if l.limit.IsSet() && !newCurrency {
				out = append(out, groupRule(groups, l.rule, l.limit.Text, t.Currency, o.MinCost, func(g *Change) (bool, bool) {
					if g.Status() == StatusNew {
						return false, false
					}
					return true, l.limit.breaks(move(g, l.dir), g.Old)
				}))
			}
		}
		if o.MaxNewGroupCost.IsSet() {
			limit := o.MaxNewGroupCost.Abs
			out = append(out, groupRule(groups, RuleMaxNewGroupCost, o.MaxNewGroupCost.Text, t.Currency, o.MinCost, func(g *Change) (bool, bool) {
				if g.Status() != StatusNew {
					return false, false
				}
				return true, g.New.Cmp(limit) > 0
			}))
		}
	}
	return out
}

// UnjudgedCurrencies lists the totals of currencies absent from the baseline that no rule
// judged (only --max-new-group-cost does), so that the outputs still show them.
func (c *CheckResult) UnjudgedCurrencies() []*Change {
	if c.Diff == nil {
		return nil
	}
	judged := map[string]bool{}
	for _, r := range c.Rules {
		if !r.Groups {
			judged[r.Currency] = true
		}
	}
	var out []*Change
	for _, t := range c.Diff.Totals {
		if t.Status() == StatusNew && !judged[t.Currency] {
			out = append(out, t)
		}
	}
	return out
}

// groupRule applies judge to the groups of one currency: judge says whether a group is
// subject to the rule and whether it breaks it.
func groupRule(groups []*Change, rule, limit, currency string, minCost Limit, judge func(*Change) (subject, breaks bool)) *RuleResult {
	r := &RuleResult{Rule: rule, Limit: limit, Currency: currency, Groups: true}
	for _, g := range groups {
		subject, breaks := judge(g)
		if !subject {
			continue
		}
		if minCost.IsSet() && new(big.Rat).Abs(g.Old).Cmp(minCost.Abs) < 0 && new(big.Rat).Abs(g.New).Cmp(minCost.Abs) < 0 {
			r.Ignored++
			continue
		}
		r.Checked++
		if breaks {
			r.Failures = append(r.Failures, g)
		}
	}
	return r
}

// findings judges every finding on the bill as read.
func findings(res *report.Result) []*Finding {
	recon := &Finding{Name: FindingReconciliation, Severity: SeverityError, Measure: "residual"}
	applies := 0
	for _, s := range res.Summaries {
		if !s.ReconciliationApplies() {
			continue
		}
		applies++
		if !s.ReconciliationHolds() {
			recon.Items = append(recon.Items, FindingItem{Period: s.Period, Currency: s.Currency, Rows: s.Rows, Amount: s.Residual(), Summary: s})
		}
	}
	if applies == 0 && len(res.Summaries) > 0 {
		recon.NotApplicable, recon.Reason = true, NotApplicableFiltered
		if !slices.ContainsFunc(res.Summaries, func(s *report.Summary) bool { return !s.FOCUS }) {
			recon.Reason = NotApplicableFOCUS
		}
	}

	over := &Finding{Name: FindingOverOnDemand, Severity: SeverityWarning, Measure: "excess"}
	groups := res.Groups
	if len(res.Dimensions) == 0 {
		groups = res.Totals
	}
	for _, g := range groups {
		if !g.OverOnDemand() {
			continue
		}
		excess := g.PricedCost
		excess.SubSum(g.OnDemand)
		over.Items = append(over.Items, FindingItem{Key: g.Key, Currency: g.Currency, Rows: g.Rows, Amount: excess, Group: g})
	}
	sortItems(over.Items)

	unpriced := &Finding{Name: FindingUnpricedUsage, Severity: SeverityInfo, Measure: "unpriced cost"}
	if len(res.Dimensions) > 0 {
		for _, g := range res.Groups {
			if g.UnpricedRows > 0 {
				unpriced.Items = append(unpriced.Items, FindingItem{Key: g.Key, Currency: g.Currency, Rows: g.UnpricedRows, Amount: g.UnpricedCost, Group: g})
			}
		}
	} else {
		for _, s := range res.Summaries {
			if s.UnpricedRows > 0 {
				unpriced.Items = append(unpriced.Items, FindingItem{Period: s.Period, Currency: s.Currency, Rows: s.UnpricedRows, Amount: s.UnpricedCost, Summary: s})
			}
		}
	}
	sortItems(unpriced.Items)

	unknown := &Finding{Name: FindingUnknownType, Severity: SeverityWarning, Measure: "cost"}
	byType := map[string]*FindingItem{}
	for _, s := range res.Summaries {
		for _, t := range s.Types {
			if documentedTypes[t.Type] {
				continue
			}
			name := t.Type
			if name == "" {
				name = report.None
			}
			k := name + "\x00" + s.Currency
			it, ok := byType[k]
			if !ok {
				it = &FindingItem{Type: name, Currency: s.Currency}
				byType[k] = it
			}
			it.Rows += t.Rows
			it.Amount.AddSum(t.ByMetric[res.Metric])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(byType)) {
		unknown.Items = append(unknown.Items, *byType[k])
	}

	currencies := &Finding{Name: FindingCurrencies, Severity: SeverityWarning, Measure: "cost"}
	if len(res.Totals) > 1 {
		for _, t := range res.Totals {
			currencies.Items = append(currencies.Items, FindingItem{Currency: t.Currency, Rows: t.Rows, Amount: t.Cost, Group: t})
		}
	}

	prov := &Finding{Name: FindingProvisional, Severity: SeverityInfo}
	for _, s := range res.Summaries {
		if !s.Final() {
			prov.Items = append(prov.Items, FindingItem{Period: s.Period, Currency: s.Currency, Rows: s.RowsWithoutInvoice, Summary: s})
		}
	}

	skipped := &Finding{Name: FindingSkippedRows, Severity: SeverityError}
	for i := range res.Skipped {
		sc := &res.Skipped[i]
		skipped.Items = append(skipped.Items, FindingItem{File: sc.File, Rows: sc.Rows, Skip: sc})
	}

	out := []*Finding{recon, over, unpriced, unknown, currencies, prov, skipped}
	for _, f := range out {
		f.Fired = len(f.Items) > 0
	}
	return out
}

// lowUtilization judges each commitment whose fee is in the bill: it fires on those whose
// utilisation is below min, their unused commitment as the amount, largest first.
func lowUtilization(cs []*report.Commitment, min Limit) *Finding {
	f := &Finding{Name: FindingLowUtilization, Severity: SeverityWarning, Measure: "unused", Limit: min.Text}
	for _, c := range cs {
		u := c.Utilisation()
		if c.FeeRows == 0 || u == nil {
			f.Unjudged++
			continue
		}
		f.Checked++
		if u.Cmp(min.Pct) < 0 {
			f.Items = append(f.Items, FindingItem{Period: c.Period, Currency: c.Currency, Rows: c.FeeRows, Amount: c.Unused, Commitment: c})
		}
	}
	sortItems(f.Items)
	switch {
	case len(cs) == 0:
		f.NotApplicable, f.Reason = true, NotApplicableNoCommitments
	case f.Checked == 0:
		f.NotApplicable, f.Reason = true, NotApplicableNoFees
	}
	return f
}

// lowCoverage judges the coverage of each group of --by (each currency total without
// --by) that has priced usage: it fires on those below min, the usage left on demand as
// the amount, largest first.
func lowCoverage(res *report.Result, min Limit) *Finding {
	f := &Finding{Name: FindingLowCoverage, Severity: SeverityWarning, Measure: "left on demand", Limit: min.Text}
	groups := res.Groups
	if len(res.Dimensions) == 0 {
		groups = res.Totals
	}
	for _, g := range groups {
		c := g.Coverage()
		if c == nil {
			f.Unjudged++
			continue
		}
		f.Checked++
		if c.Cmp(min.Pct) < 0 {
			left := g.OnDemand
			left.SubSum(g.CoveredRI)
			left.SubSum(g.CoveredSP)
			f.Items = append(f.Items, FindingItem{Key: g.Key, Currency: g.Currency, Rows: g.Rows, Amount: left, Group: g})
		}
	}
	sortItems(f.Items)
	if f.Checked == 0 {
		f.NotApplicable, f.Reason = true, NotApplicableNoPricedUsage
	}
	return f
}

// expiring judges each commitment (once, at its last billing period in the bill) that has
// an end date: it fires on those ending within the limit's days from now, not those that
// have ended, soonest first.
func expiring(cs []*report.Commitment, within Limit, now time.Time) *Finding {
	f := &Finding{Name: FindingExpiring, Severity: SeverityWarning, Limit: within.Text}
	last := map[string]*report.Commitment{}
	var arns []string
	for _, c := range cs {
		if prev, ok := last[c.ARN]; !ok || c.Period >= prev.Period {
			if !ok {
				arns = append(arns, c.ARN)
			}
			last[c.ARN] = c
		}
	}
	days := within.Days()
	for _, arn := range arns {
		c := last[arn]
		left, ok := c.DaysLeft(now)
		if !ok {
			f.Unjudged++
			continue
		}
		f.Checked++
		if left >= 0 && left <= days {
			f.Items = append(f.Items, FindingItem{Period: c.Period, Currency: c.Currency, Rows: c.FeeRows + c.CoveredRows, Commitment: c, DaysLeft: left})
		}
	}
	sort.SliceStable(f.Items, func(i, j int) bool {
		a, b := f.Items[i], f.Items[j]
		if a.DaysLeft != b.DaysLeft {
			return a.DaysLeft < b.DaysLeft
		}
		return a.Commitment.ARN < b.Commitment.ARN
	})
	switch {
	case len(cs) == 0:
		f.NotApplicable, f.Reason = true, NotApplicableNoCommitments
	case f.Checked == 0:
		f.NotApplicable, f.Reason = true, NotApplicableNoEndDates
	}
	return f
}

// sortItems orders findings' items by amount, largest first, then currency and key.
func sortItems(items []FindingItem) {
	sort.SliceStable(items, func(i, j int) bool {
		if c := items[i].Amount.Cmp(items[j].Amount); c != 0 {
			return c > 0
		}
		if items[i].Currency != items[j].Currency {
			return items[i].Currency < items[j].Currency
		}
		return slices.Compare(items[i].Key, items[j].Key) < 0
	})
}
