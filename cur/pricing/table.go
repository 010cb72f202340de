package pricing

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur"
)

// The rule table: the cost rules of docs/metrics.md as data. Every engine reads it: the SQL
// generator (report/sqlquery) turns it into CASE expressions, TestTableIsEval interprets it
// over every fixture row and requires the figures of Evaluator.Eval, whose per-row code is
// kept hand-tuned for speed. A rule changed here and not in Eval, or the reverse, fails.

// Match says which line items are of a kind: the line item type is Type (or ends in
// TypeSuffix), and every condition on the row's text columns holds. Kinds are tried in the
// order of KindMatches; a row no match takes is KindOther.
type Match struct {
	Kind       Kind
	Type       string
	TypeSuffix string
	Conds      []Cond
}

// Cond is a test on one text column of a row: non-empty, or starting or ending with a text.
type Cond struct {
	Column   string
	NonEmpty bool
	Prefix   string
	Suffix   string
}

// Term is one summand of a cost: the value of Column where the cell is set, else that of
// Fallback where set, else 0; Negate subtracts it.
type Term struct {
	Column   string
	Fallback string
	Negate   bool
}

// Cost is the value a rule gives a line item: the sum of Terms (none: 0). With
// ScaleNetCommitment the sum is scaled by (net recurring + net amortized upfront commitment)
// / (their gross twins), unless no net cell is set or the gross sum is 0.
type Cost struct {
	Terms              []Term
	ScaleNetCommitment bool
}

// Label is a rule's actual_cost_source: Text, or when empty ByType for Usage rows and
// ByType + ": " + the line item type for the others.
type Label struct {
	Text   string
	ByType string
}

// TableRule is what one metric does with one kind of line item.
type TableRule struct {
	Cost  Cost
	Label Label
}

// Of is the label of a line item of type t under the rule.
func (l Label) Of(t string) string {
	switch {
	case l.Text != "":
		return l.Text
	case t == "Usage":
		return l.ByType
	}
	return l.ByType + ": " + t
}

const returnedSPRefundPrefix = "Refund for one-time fee for Savings Plan ID"

var kindMatches = []Match{
	{Kind: KindUsage, Type: "Usage"},
	{Kind: KindDiscountedUsage, Type: "DiscountedUsage"},
	{Kind: KindSPCoveredUsage, Type: "SavingsPlanCoveredUsage"},
	{Kind: KindSPNegation, Type: "SavingsPlanNegation"},
	{Kind: KindSPRecurringFee, Type: "SavingsPlanRecurringFee"},
	{Kind: KindSPUpfrontFee, Type: "SavingsPlanUpfrontFee"},
	{Kind: KindRIFee, Type: "RIFee"},
	{Kind: KindRIUpfrontFee, Type: "Fee", Conds: []Cond{{Column: cur.ColRIARN, NonEmpty: true}}},
	{Kind: KindReturnedSPRefund, Type: "Refund", Conds: []Cond{{Column: cur.ColProductCode, Suffix: "SavingsPlans"},
		{Column: cur.ColDescription, Prefix: returnedSPRefundPrefix}}},
	{Kind: KindDiscount, TypeSuffix: "Discount"},
}

// KindMatches lists how line items are told apart, in the order they are tried.
func KindMatches() []Match { return kindMatches }

// SplitOperations are the operations of split cost rows, which restate instance cost per pod
// or task; they are never priced usage, and the metrics of ExcludesSplitCost count them at 0
// unless split cost is included.
var splitOperations = []string{"EKSPod-EC2", "ECSTask-EC2"}

// SplitOperations lists the line_item_operation values of split cost rows.
func SplitOperations() []string { return splitOperations }

// PricedKinds are the kinds compared with public on-demand cost (Kind.IsUsage).
var pricedKinds = []Kind{KindUsage, KindDiscountedUsage, KindSPCoveredUsage}

// PricedKinds lists the kinds whose rows, with a public on-demand cost above 0 and not split
// cost rows left out, are priced usage.
func PricedKinds() []Kind { return pricedKinds }

// metricTable is one metric's rules: a rule per kind, KindOther's for the kinds it leaves out.
type metricTable struct {
	rules map[Kind]TableRule
	// discountColumn: a CUR 2.0 row's discount_total_discount counts as a discount row of its own.
	discountColumn bool
	// excludesSplit: split cost rows take KindSplitCost's rule unless split cost is included.
	excludesSplit bool
}

func gross(col string) Cost { return Cost{Terms: []Term{{Column: col}}} }

// netOf is the net column, else its gross twin where the net cell is empty or absent.
func netOf(netCol, grossCol string) Cost {
	return Cost{Terms: []Term{{Column: netCol, Fallback: grossCol}}}
}

var (
	zero    = Cost{}
	byType  = func(base string) Label { return Label{ByType: base} }
	fixed   = func(text string) Label { return Label{Text: text} }
	unbl    = evalAmounts[aUnblended]
	netUnbl = evalAmounts[aNetUnblended]
	a       = func(role int) string { return evalAmounts[role] }
)

// amortizedRules is the amortized table; net swaps each column for its net twin.
func amortizedRules(net bool) map[Kind]TableRule {
	pick := func(grossRole, netRole int) Cost {
		if net {
			return netOf(a(netRole), a(grossRole))
		}
		return gross(a(grossRole))
	}
	unusedSP := Cost{Terms: []Term{{Column: a(aSPTotalCommitment)}, {Column: a(aSPUsedCommitment), Negate: true}}, ScaleNetCommitment: net}
	unusedRI := Cost{Terms: []Term{{Column: a(aRIUnusedUpfront)}, {Column: a(aRIUnusedRecurring)}}}
	if net {
		unusedRI = Cost{Terms: []Term{{Column: a(aRINetUnusedUpfront), Fallback: a(aRIUnusedUpfront)},
			{Column: a(aRINetUnusedRecurring), Fallback: a(aRIUnusedRecurring)}}}
	}
	other := TableRule{pick(aUnblended, aNetUnblended), byType(LabelUnblended)}
	discount := other
	if net {
		discount.Cost = gross(netUnbl) // net value or 0: the discount is inside the other rows' net cost
	}
	return map[Kind]TableRule{
		KindOther:            other,
		KindDiscount:         discount,
		KindDiscountedUsage:  {pick(aRIEffective, aRINetEffective), fixed(LabelRIEffective)},
		KindSPCoveredUsage:   {pick(aSPEffective, aSPNetEffective), fixed(LabelSPEffective)},
		KindSPNegation:       {zero, fixed(LabelSPNegation)},
		KindSPRecurringFee:   {unusedSP, fixed(LabelUnusedSP)},
		KindSPUpfrontFee:     {zero, fixed(LabelUpfrontFee)},
		KindRIUpfrontFee:     {zero, fixed(LabelUpfrontFee)},
		KindRIFee:            {unusedRI, fixed(LabelUnusedRI)},
		KindReturnedSPRefund: {zero, fixed(LabelReturnedRefund)},
		KindSplitCost:        {zero, fixed(LabelSplitCost)},
	}
}

var table = [numMetrics]metricTable{
	Amortized: {rules: amortizedRules(false), discountColumn: true, excludesSplit: true},
	Simple: {rules: map[Kind]TableRule{
		KindOther:           {gross(unbl), byType(LabelUnblended)},
		KindDiscountedUsage: {gross(a(aRIEffective)), fixed(LabelRIEffective)},
		KindSPCoveredUsage:  {gross(a(aSPEffective)), fixed(LabelSPEffective)},
	}, discountColumn: true},
	Unblended: {rules: map[Kind]TableRule{KindOther: {gross(unbl), byType(LabelUnblended)}}, discountColumn: true},
	NetUnblended: {rules: map[Kind]TableRule{
		KindOther:    {netOf(netUnbl, unbl), byType(LabelNetUnblended)},
		KindDiscount: {gross(netUnbl), byType(LabelNetUnblended)},
	}},
	NetAmortized: {rules: amortizedRules(true), excludesSplit: true},
	Blended:      {rules: map[Kind]TableRule{KindOther: {gross(a(aBlended)), byType(LabelBlended)}}, discountColumn: true},
}

// Rule returns what metric m does with line items of kind k (KindSplitCost: split cost rows
// left out, which only the metrics of ExcludesSplitCost treat apart).
func (m Metric) Rule(k Kind) TableRule {
	if r, ok := table[m].rules[k]; ok {
		return r
	}
	return table[m].rules[KindOther]
}

// RuleKinds lists the kinds metric m has a rule of its own for, in the order of the kinds,
// KindOther last.
func (m Metric) RuleKinds() []Kind {
	var out []Kind
	for _, k := range ruleKinds {
		if _, ok := table[m].rules[k]; ok && k != KindOther {
			out = append(out, k)
		}
	}
	return append(out, KindOther)
}

// ExcludesSplitCost reports the metrics that count split cost rows at 0 unless split cost is
// included.
func (m Metric) ExcludesSplitCost() bool { return table[m].excludesSplit }

// trueUps are the reconciliation's true-up terms per kind (docs/metrics.md, Reconciliation).
var trueUps = map[Kind]Term{
	KindSPRecurringFee: {Column: a(aSPAmortizedUpfront), Negate: true},
	KindRIFee:          {Column: a(aRIAmortizedUpfrontFee), Negate: true},
}

// TrueUp returns the reconciliation's true-up term of a kind; ok is false for kinds without.
func TrueUp(k Kind) (t Term, ok bool) {
	t, ok = trueUps[k]
	return t, ok
}

// NetCommitmentColumns are the columns ScaleNetCommitment reads: net recurring, net amortized
// upfront, gross recurring, gross amortized upfront.
func NetCommitmentColumns() [4]string {
	return [4]string{a(aSPNetRecurring), a(aSPNetAmortizedUpfront), a(aSPRecurring), a(aSPAmortizedUpfront)}
}

// DiscountColumn is the CUR 2.0 column that gross metrics count as a discount row of its own.
const DiscountColumn = cur.ColTotalDiscount

// PublicOnDemandColumn is the column of public on-demand cost.
const PublicOnDemandColumn = cur.ColPublicOD

// TypeColumn, OperationColumn: the text columns every rule reads.
const (
	TypeColumn      = cur.ColLineItemType
	OperationColumn = cur.ColOperation
)

// Version is a digest of the rule table: two builds that price rows alike share it.
func Version() string { return tableVersion }

var tableVersion = func() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\n%q\n%v\n%v\n", kindMatches, splitOperations, pricedKinds, reconRoles)
	for _, m := range Metrics {
		t := table[m]
		fmt.Fprintf(&b, "%s %v %v\n", m, t.discountColumn, t.excludesSplit)
		for _, k := range slices.Sorted(maps.Keys(t.rules)) {
			fmt.Fprintf(&b, "  %d %+v\n", k, t.rules[k])
		}
	}
	for _, k := range []Kind{KindSPRecurringFee, KindRIFee} {
		fmt.Fprintf(&b, "trueup %d %+v\n", k, trueUps[k])
	}
	sum := sha256.Sum256([]byte(b.String()))
	return fmt.Sprintf("sha256:%x", sum[:8])
}()

var kindNames = [...]string{KindOther: "Other", KindUsage: "Usage", KindDiscountedUsage: "DiscountedUsage",
	KindSPCoveredUsage: "SavingsPlanCoveredUsage", KindSPNegation: "SavingsPlanNegation",
	KindSPRecurringFee: "SavingsPlanRecurringFee", KindSPUpfrontFee: "SavingsPlanUpfrontFee", KindRIFee: "RIFee",
	KindRIUpfrontFee: "RIUpfrontFee", KindReturnedSPRefund: "ReturnedSavingsPlanRefund", KindSplitCost: "SplitCost",
	KindDiscount: "Discount", KindCUR2DiscountColumn: "CUR2DiscountColumn"}

// String names a kind in one word, as generated SQL labels it.
func (k Kind) String() string { return kindNames[k] }

// ReconRole is the part a kind's unblended cost plays in the reconciliation of unblended with
// amortized cost (docs/metrics.md, Reconciliation), besides the true-up.
type ReconRole uint8

// Reconciliation roles.
const (
	ReconNone           ReconRole = iota
	ReconUpfrontFee               // an upfront fee, amortized into the usage it covers
	ReconExcludedRefund           // a refund amortized leaves out
	ReconSplitCost                // a split cost row amortized leaves out
)

var reconRoles = [...]ReconRole{KindSPUpfrontFee: ReconUpfrontFee, KindRIUpfrontFee: ReconUpfrontFee,
	KindReturnedSPRefund: ReconExcludedRefund, KindSplitCost: ReconSplitCost, KindCUR2DiscountColumn: ReconNone}

// Recon returns the reconciliation role of a kind.
func (k Kind) Recon() ReconRole { return reconRoles[k] }
