// Package report turns streams of CUR batches into rollups: exact sums per group of the chosen
// dimensions, checked against public on-demand cost, with a bill-level summary and the
// reconciliation of docs/metrics.md. It also explains, inspects and normalizes bills;
// report/drift compares rollups and report/render prints them.
package report

import (
	"math/big"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
)

// None is how an empty dimension value is shown.
const None = "(none)"

// Other is the key of the row that --top folds the remaining groups into.
const Other = "(other)"

// Result is a finished rollup.
type Result struct {
	Metric     pricing.Metric
	Dimensions []string // as given to --by
	Filters    []string // as given to --filter
	Groups     []*Group // sorted as asked; amounts of one currency per group
	Totals     []*Group // one per currency, sorted by currency; Key is nil
	Summaries  []*Summary
	Files      []string
	Warnings   []string // absent columns and what was assumed, etc.
	// Skipped counts the rows and files left out under Options.SkipBadRows, sorted by file
	// and reason; rows read = the summaries' rows (unfiltered) + SkippedRows(Skipped).
	Skipped []cur.SkipCount

	// What Merge needs beyond the figures: the options they depend on and what was read.
	IncludeSplitCost bool
	Usage            bool    // groups carry their usage quantity (Options.Usage)
	AllProviders     bool    // a FOCUS file's other providers counted (Options.AllProviders)
	Top              int     // --top the groups were folded with; 0 keeps every group
	Inputs           []Input // with Options.Identify: one per file of Files, in that order
	// AccountNames is set when --account-names named accounts.
	AccountNames *AccountNameUse
}

// Input identifies one file a rollup read: its name as in Result.Files, the billing period
// discovery placed it in, and its content's fingerprint (nil when the file was not read to
// its end, as a file skipped under --on-error skip).
type Input struct {
	Name        string
	Period      string
	Fingerprint *cur.Fingerprint
}

// AccountNameUse is what a rollup made of --account-names: the mapping's digest (rollups
// of different mappings group accounts differently), the accounts of the bills that took
// their name from it (whether it had one), and its ids that matched no account.
type AccountNameUse struct {
	Digest    string
	Accounts  map[string]bool
	Unmatched []string
}

// Rows is the number of line items the rollup counted, in every currency.
func (r *Result) Rows() int64 {
	var n int64
	for _, t := range r.Totals {
		n += t.Rows
	}
	return n
}

// Group is one row of the rollup: the sums of every line item whose dimension values are Key.
type Group struct {
	Key      []string // one value per dimension, None for empty
	Currency string
	Rows     int64
	// Cost is the sum under the chosen metric.
	Cost      money.Sum
	Unblended money.Sum
	// OnDemand and PricedCost cover priced usage rows only (docs/metrics.md, "Checks against
	// on-demand"): public on-demand cost and their cost under the metric.
	OnDemand   money.Sum
	PricedCost money.Sum
	// Unpriced usage: rows without a public price and their cost.
	UnpricedRows int64
	UnpricedCost money.Sum
	// CoveredRI and CoveredSP are the public on-demand cost of the priced usage rows a
	// reservation or a Savings Plan covered, filled when Options.Coverage asks; OnDemand less
	// both is the usage left on demand.
	CoveredRI, CoveredSP money.Sum
	// Usage is the usage quantity of the group's usage rows, filled when Options.Usage asks.
	Usage Usage
	// Folded counts the groups an (other) row holds; 0 for ordinary groups.
	Folded int
	// Series is the cost per usage day ("2026-10-01", or None), with Options.Series.
	Series map[string]money.Sum
}

// Savings is on-demand minus the actual cost of priced usage.
func (g *Group) Savings() money.Sum {
	s := g.OnDemand
	s.SubSum(g.PricedCost)
	return s
}

// SavingsRate is Savings / OnDemand; ok is false when OnDemand is 0.
func (g *Group) SavingsRate() (r *big.Rat, ok bool) {
	if g.OnDemand.Sign() == 0 {
		return nil, false
	}
	return new(big.Rat).Quo(g.Savings().Rat(), g.OnDemand.Rat()), true
}

// OverOnDemand reports priced usage that cost more than public on-demand.
func (g *Group) OverOnDemand() bool { return g.PricedCost.Cmp(g.OnDemand) > 0 }

// Add folds o's rows and sums into g, as a rollup merges two partial groups.
func (g *Group) Add(o *Group) {
	g.Rows += o.Rows
	g.Cost.AddSum(o.Cost)
	g.Unblended.AddSum(o.Unblended)
	g.OnDemand.AddSum(o.OnDemand)
	g.PricedCost.AddSum(o.PricedCost)
	g.UnpricedRows += o.UnpricedRows
	g.UnpricedCost.AddSum(o.UnpricedCost)
	g.CoveredRI.AddSum(o.CoveredRI)
	g.CoveredSP.AddSum(o.CoveredSP)
	g.Usage.Add(o.Usage)
	if o.Series != nil && g.Series == nil {
		g.Series = map[string]money.Sum{}
	}
	for day, c := range o.Series {
		s := g.Series[day]
		s.AddSum(c)
		g.Series[day] = s
	}
}

// Coverage is the share of priced usage, at public on-demand prices, that reservations and
// Savings Plans covered (spend-based, as Cost Explorer's Savings Plans coverage); nil when
// there was no priced usage.
func (g *Group) Coverage() *big.Rat {
	if g.OnDemand.IsZero() {
		return nil
	}
	covered := g.CoveredRI
	covered.AddSum(g.CoveredSP)
	return new(big.Rat).Quo(covered.Rat(), g.OnDemand.Rat())
}

// Summary holds bill-level figures for one billing period and currency.
type Summary struct {
	Period   string // "2026-10"; "" when the rows carry no billing period
	Currency string
	Rows     int64
	// ByMetric is the total under every metric, indexed by pricing.Metric.
	ByMetric     [6]money.Sum
	OnDemand     money.Sum // priced usage rows, public on-demand
	PricedCost   money.Sum // priced usage rows under the chosen metric
	UnpricedRows int64
	UnpricedCost money.Sum
	UnusedSP     money.Sum // unused Savings Plan commitment
	UnusedRI     money.Sum // unused reservation fees
	// Reconciliation terms (docs/metrics.md, "Reconciliation"), all from gross columns.
	TrueUp          money.Sum
	UpfrontFees     money.Sum
	ExcludedRefunds money.Sum
	SplitCost       money.Sum // unblended of split cost rows left out of amortized
	// Filtered is set when --filter (or a usage-day limit) left rows out: the reconciliation
	// is then n/a.
	Filtered bool
	// FOCUS is set when FOCUS files gave the period's rows: they carry no reconciliation
	// terms (docs/focus.md, "FOCUS as input"), so the reconciliation is n/a.
	FOCUS bool
	// RowsWithoutInvoice > 0 means the period is provisional.
	RowsWithoutInvoice int64
	FirstUsageDay      string
	LastUsageDay       string
	// Types counts rows and sums per line item type, sorted by type.
	Types []*TypeSummary
}

// TypeSummary is one line item type within a Summary.
type TypeSummary struct {
	Type     string
	Rows     int64
	ByMetric [6]money.Sum
}

// Final reports a closed period: every row carries an invoice id.
func (s *Summary) Final() bool { return s.Rows > 0 && s.RowsWithoutInvoice == 0 }

// Savings is on-demand minus the actual cost of priced usage.
func (s *Summary) Savings() money.Sum {
	v := s.OnDemand
	v.SubSum(s.PricedCost)
	return v
}

// EffectiveSavingsRate is 1 − (priced cost + unused SP + unused RI) / on-demand
// (docs/metrics.md); ok is false when on-demand is 0.
func (s *Summary) EffectiveSavingsRate() (r *big.Rat, ok bool) {
	if s.OnDemand.Sign() == 0 {
		return nil, false
	}
	paid := s.PricedCost
	paid.AddSum(s.UnusedSP)
	paid.AddSum(s.UnusedRI)
	q := new(big.Rat).Quo(paid.Rat(), s.OnDemand.Rat())
	return q.Sub(big.NewRat(1, 1), q), true
}

// Residual is Σ unblended − (Σ amortized + true-up + upfront fees + excluded refunds + split cost).
func (s *Summary) Residual() money.Sum {
	r := s.ByMetric[pricing.Unblended]
	for _, t := range []money.Sum{s.ByMetric[pricing.Amortized], s.TrueUp, s.UpfrontFees, s.ExcludedRefunds, s.SplitCost} {
		r.SubSum(t)
	}
	return r
}

// ReconciliationApplies is false on filtered rollups, where the identity need not hold, and on
// FOCUS input, which has none of its terms.
func (s *Summary) ReconciliationApplies() bool { return !s.Filtered && !s.FOCUS }

// ReconciliationHolds reports |residual| ≤ max(0.01, 1e-8 × rows): real bills leave a few
// 1e-6 of rounding.
func (s *Summary) ReconciliationHolds() bool {
	tol := big.NewRat(1, 100)
	if byRows := new(big.Rat).SetFrac64(s.Rows, 100_000_000); byRows.Cmp(tol) > 0 {
		tol = byRows
	}
	res := s.Residual().Rat()
	return res.Abs(res).Cmp(tol) <= 0
}

// The columns of the usage quantity.
const (
	ColUsageAmount = "line_item_usage_amount"
	ColPricingUnit = "pricing_unit"
)

// MixedUnits is the unit of a group whose usage rows are priced in more than one unit, whose
// quantities do not add up.
const MixedUnits = "(mixed)"

// Usage is the usage quantity of a group's usage rows (Usage, DiscountedUsage and
// SavingsPlanCoveredUsage: fees, credits and negations are not usage), in their pricing unit.
type Usage struct {
	Rows   int64
	Amount money.Sum
	// Unit is the rows' pricing unit ("" when they have none), or MixedUnits.
	Unit string
}

// Quantity is the usage amount and its unit; ok is false when the group has no usage rows or
// its rows mix units.
func (u Usage) Quantity() (amount money.Sum, unit string, ok bool) {
	return u.Amount, u.Unit, u.Rows > 0 && u.Unit != MixedUnits
}

func (u *Usage) add(unit string, a money.Amount) {
	u.Amount.Add(a)
	u.join(unit)
	u.Rows++
}

// Add folds o into u.
func (u *Usage) Add(o Usage) {
	if o.Rows == 0 {
		return
	}
	u.Amount.AddSum(o.Amount)
	u.join(o.Unit)
	u.Rows += o.Rows
}

func (u *Usage) join(unit string) {
	if u.Rows == 0 {
		u.Unit = unit
	} else if u.Unit != unit {
		u.Unit = MixedUnits
	}
}
