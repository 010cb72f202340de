// Package pricing holds the cost rules: the metrics (amortized, simple, unblended, the net
// ones, blended), how each prices every kind of line item and labels it, and the Evaluator
// that applies them to a batch of rows. docs/metrics.md states the same rules for people;
// Rules says them in words for explain.
package pricing

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
)

// Metric is a rule that turns a line item into a cost (docs/metrics.md).
type Metric int

// The metrics, in the order summaries list them.
const (
	Amortized Metric = iota
	Simple
	Unblended
	NetUnblended
	NetAmortized
	Blended
	numMetrics
)

// Metrics lists every metric.
var Metrics = []Metric{Amortized, Simple, Unblended, NetUnblended, NetAmortized, Blended}

var metricNames = [...]string{"amortized", "simple", "unblended", "net-unblended", "net-amortized", "blended"}

func (m Metric) String() string { return metricNames[m] }

// MetricNames lists the names --metric accepts.
func MetricNames() []string { return metricNames[:] }

// ParseMetric reads a metric name.
func ParseMetric(s string) (Metric, error) {
	for i, n := range metricNames {
		if strings.EqualFold(s, n) {
			return Metric(i), nil
		}
	}
	return 0, fmt.Errorf("unknown metric %q (valid: %s)", s, strings.Join(metricNames[:], ", "))
}

// Kind is how the rules of docs/metrics.md see a line item.
type Kind uint8

// Kinds of line items.
const (
	KindOther Kind = iota // any type without a rule of its own: unblended
	KindUsage
	KindDiscountedUsage
	KindSPCoveredUsage
	KindSPNegation
	KindSPRecurringFee
	KindSPUpfrontFee
	KindRIFee
	KindRIUpfrontFee       // a Fee row carrying a reservation ARN
	KindReturnedSPRefund   // refund of a returned Savings Plan's one-time fee
	KindSplitCost          // EKS/ECS split cost rows restating instance cost
	KindDiscount           // *Discount rows (net metrics treat them apart)
	KindCUR2DiscountColumn // the discount columns of a CUR 2.0 row, counted as a row of its own
)

// NumKinds is the number of kinds: a Kind is below it.
const NumKinds = int(KindCUR2DiscountColumn) + 1

// IsUsage reports the kinds compared with public on-demand cost.
func (k Kind) IsUsage() bool {
	return k == KindUsage || k == KindDiscountedUsage || k == KindSPCoveredUsage
}

// Amount columns the rules read, by role; evalAmounts names them.
const (
	aUnblended = iota
	aBlended
	aNetUnblended
	aRIEffective
	aRINetEffective
	aSPEffective
	aSPNetEffective
	aSPTotalCommitment
	aSPUsedCommitment
	aSPAmortizedUpfront
	aSPRecurring
	aSPNetAmortizedUpfront
	aSPNetRecurring
	aRIUnusedUpfront
	aRIUnusedRecurring
	aRINetUnusedUpfront
	aRINetUnusedRecurring
	aRIAmortizedUpfrontFee
	aPublicOD
	aTotalDiscount
	aEffective // FOCUS's EffectiveCost; present only in FOCUS files, as the two below
	aListUnitPrice
	aXOnDemand
	numEvalAmounts
)

var evalAmounts = [numEvalAmounts]string{
	aUnblended:             cur.ColUnblended,
	aBlended:               "line_item_blended_cost",
	aNetUnblended:          "line_item_net_unblended_cost",
	aRIEffective:           cur.ColRIEffective,
	aRINetEffective:        "reservation_net_effective_cost",
	aSPEffective:           cur.ColSPEffective,
	aSPNetEffective:        "savings_plan_net_savings_plan_effective_cost",
	aSPTotalCommitment:     "savings_plan_total_commitment_to_date",
	aSPUsedCommitment:      "savings_plan_used_commitment",
	aSPAmortizedUpfront:    "savings_plan_amortized_upfront_commitment_for_billing_period",
	aSPRecurring:           "savings_plan_recurring_commitment_for_billing_period",
	aSPNetAmortizedUpfront: "savings_plan_net_amortized_upfront_commitment_for_billing_period",
	aSPNetRecurring:        "savings_plan_net_recurring_commitment_for_billing_period",
	aRIUnusedUpfront:       "reservation_unused_amortized_upfront_fee_for_billing_period",
	aRIUnusedRecurring:     "reservation_unused_recurring_fee",
	aRINetUnusedUpfront:    "reservation_net_unused_amortized_upfront_fee_for_billing_period",
	aRINetUnusedRecurring:  "reservation_net_unused_recurring_fee",
	aRIAmortizedUpfrontFee: "reservation_amortized_upfront_fee_for_billing_period",
	aPublicOD:              cur.ColPublicOD,
	aTotalDiscount:         cur.ColTotalDiscount,
	aEffective:             cur.ColEffectiveCost,
	aListUnitPrice:         cur.ColListUnitPrice,
	aXOnDemand:             cur.ColXOnDemandCost,
}

// String columns the rules read, by role; evalStrings names them.
const (
	sType = iota
	sRIARN
	sProductCode
	sDescription
	sOperation
	sProvider           // FOCUS only, as the two below
	sCommitmentCategory // tells an unused reservation from an unused Savings Plan
	sCurrency           // names the currency of other providers' rows left out
	numEvalStrings
)

var evalStrings = [numEvalStrings]string{sType: cur.ColLineItemType, sRIARN: cur.ColRIARN,
	sProductCode: cur.ColProductCode, sDescription: cur.ColDescription, sOperation: cur.ColOperation,
	sProvider: cur.ColProviderName, sCommitmentCategory: cur.ColCommitmentCategory, sCurrency: cur.ColCurrency}

// AmountColumns lists every amount column the rules read, for callers that parse them all.
func AmountColumns() []string { return evalAmounts[:] }

// condTypes maps each column a kind's conditions test to the line item types of those kinds:
// Eval reads it on those rows alone (a reservation ARN on Fee rows), so a reader may leave
// it unread on the others (cur.Request.Where). A column a kind matched by a type suffix
// tests is left out: it is read on every row.
var condTypes = func() map[string][]string {
	m := map[string][]string{}
	whole := map[string]bool{}
	for _, k := range kindMatches {
		for _, c := range k.Conds {
			if k.Type == "" {
				whole[c.Column] = true
			} else if !slices.Contains(m[c.Column], k.Type) {
				m[c.Column] = append(m[c.Column], k.Type)
			}
		}
	}
	for c := range whole {
		delete(m, c)
	}
	return m
}()

// Ask asks req for the columns the evaluator reads and keeps their handles: Eval reads batches
// of req only. With MetricOnly, the columns no rule of Metric reads are asked as "", never
// parsed; costs under the other metrics are then not meaningful.
func (e *Evaluator) Ask(req *cur.Request) {
	strs, amts := evalStrings, evalAmounts
	if e.MetricOnly {
		strs, amts = e.metricColumns()
	}
	for k, name := range strs {
		if types := condTypes[name]; len(types) > 0 {
			e.str[k] = req.AskStringWhere(name, cur.ColumnTest{Column: cur.ColLineItemType, Values: types})
		} else {
			e.str[k] = req.AskString(name)
		}
	}
	for k, name := range amts {
		e.amt[k] = req.AskAmount(name)
	}
}

// Request is a new request of the evaluator's columns alone (Ask).
func (e *Evaluator) Request() cur.Request {
	var req cur.Request
	e.Ask(&req)
	return req
}

// metricColumns are the evaluator's columns trimmed to what Metric reads, the rest "".
func (e *Evaluator) metricColumns() (strs [numEvalStrings]string, amts [numEvalAmounts]string) {
	strs, amts = evalStrings, evalAmounts
	m := e.Metric
	if m == NetAmortized {
		return strs, amts // its net columns fall back to every gross one
	}
	// EffectiveCost is always asked: a batch that has it is a FOCUS file's (Eval).
	need := map[string]bool{cur.ColUnblended: true, cur.ColPublicOD: true, cur.ColEffectiveCost: true,
		cur.ColListUnitPrice: true, cur.ColXOnDemandCost: true}
	for _, c := range MetricColumns(m) {
		need[c] = true
	}
	if m.CountsDiscountColumn() {
		need[cur.ColTotalDiscount] = true
	}
	for i, c := range amts {
		if !need[c] {
			amts[i] = ""
		}
	}
	if m != Amortized {
		// Only amortized tells fees and refunds apart; the operation stays, since split cost
		// rows are never priced usage under any metric.
		for _, i := range []int{sRIARN, sProductCode, sDescription} {
			strs[i] = ""
		}
	}
	return strs, amts
}

// TypeColumn is the line item type column the evaluator asked for.
func (e *Evaluator) TypeColumn() cur.StringCol { return e.str[sType] }

// AmountColumn is the handle of the amount column at index i of KindColumns.
func (e *Evaluator) AmountColumn(i int) cur.AmountCol { return e.amt[i] }

// MetricColumns lists the amount columns a metric reads, for inspect and warnings.
func MetricColumns(m Metric) []string {
	var idx []int
	switch m {
	case Amortized:
		idx = []int{aUnblended, aRIEffective, aSPEffective, aSPTotalCommitment, aSPUsedCommitment, aRIUnusedUpfront, aRIUnusedRecurring}
	case Simple:
		idx = []int{aUnblended, aRIEffective, aSPEffective}
	case Unblended:
		idx = []int{aUnblended}
	case NetUnblended:
		idx = []int{aNetUnblended}
	case NetAmortized:
		idx = []int{aNetUnblended, aRINetEffective, aSPNetEffective, aSPTotalCommitment, aSPUsedCommitment,
			aSPNetRecurring, aSPNetAmortizedUpfront, aRINetUnusedUpfront, aRINetUnusedRecurring}
	case Blended:
		idx = []int{aBlended}
	}
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = evalAmounts[j]
	}
	return out
}

// Costs is the evaluation of one batch: per row, its kind, its cost under every metric and the
// figures the on-demand check and the reconciliation need. Slices are reused between batches.
type Costs struct {
	Len  int
	Kind []Kind
	// Label[m][i] indexes Evaluator.Labels: the actual_cost_source of row i under metric m.
	Label [numMetrics][]uint16
	// Cost[m][i] is row i's cost under metric m.
	Cost [numMetrics][]money.Amount
	// Discount[i] is a CUR 2.0 row's discount_total_discount, counted as a discount row of its
	// own under the gross metrics (0 elsewhere).
	Discount []money.Amount
	// OnDemand[i] is the public on-demand cost of a priced usage row, else 0.
	OnDemand []money.Amount
	// Priced[i]: a usage row with a public on-demand cost above 0.
	Priced []bool
	// TrueUp[i]: −amortized upfront commitment (SP recurring fee rows) or −amortized upfront fee
	// (RIFee rows), the reconciliation term (docs/metrics.md, Reconciliation).
	TrueUp []money.Amount
}

// Evaluator applies the rules of docs/metrics.md batch by batch. It is not safe for concurrent use; give
// each worker its own and merge their Labels by text.
type Evaluator struct {
	IncludeSplitCost bool
	// AllProviders prices every row of a FOCUS file by its cost columns, whatever its provider;
	// else only AWS's rows count and the others are left out with a warning.
	AllProviders bool
	// Metric is the metric whose absent columns are worth a warning.
	Metric Metric
	// MetricOnly has Eval fill Cost and Label of Metric and of Unblended alone, for runs
	// without a bill summary (Ask then asks for fewer columns); the other metrics' figures and TrueUp
	// are then left as they were.
	MetricOnly bool
	// SkipLabels leaves Costs.Label unset, for callers that never look at a row's source.
	SkipLabels bool

	// the columns Ask asked for, by role (sType..., aUnblended...)
	str [numEvalStrings]cur.StringCol
	amt [numEvalAmounts]cur.AmountCol

	labels  []string
	kinds   []Kind      // per type-dictionary entry of the current batch
	split   []bool      // per operation-dictionary entry: a split cost row not counted
	typeLbl [3][]uint16 // per type-dictionary entry: "Unblended Cost[: T]", "Blended Cost[: T]", "Net Unblended Cost[: T]" (FOCUS: "Effective Cost[: T]", "Billed Cost[: T]")
	out     Costs
	missing map[string]string // column → what was assumed
	foreign map[foreign]foreignSum
}

// NewEvaluator returns an evaluator; includeSplitCost counts split cost rows at their cost.
func NewEvaluator(includeSplitCost bool) *Evaluator {
	e := &Evaluator{IncludeSplitCost: includeSplitCost, missing: map[string]string{}, foreign: map[foreign]foreignSum{}}
	for _, l := range fixedLabels {
		e.label(l)
	}
	return e
}

// Source labels spelled as the cost rules (docs/metrics.md) have them.
const (
	LabelUnblended      = "Unblended Cost"
	LabelRIEffective    = "Reservation Effective Cost"
	LabelSPEffective    = "Savings Plan Effective Cost"
	LabelSPNegation     = "Excluded: Savings Plan Negation"
	LabelUnusedSP       = "Unused Savings Plan Commitment"
	LabelUpfrontFee     = "Excluded: Upfront Fee (amortized)"
	LabelUnusedRI       = "Unused Reservation Fee"
	LabelReturnedRefund = "Excluded: Returned Savings Plan Refund"
	LabelSplitCost      = "Excluded: Split Cost Row"
	LabelBlended        = "Blended Cost"
	LabelNetUnblended   = "Net Unblended Cost"
	LabelCUR2Discount   = "Unblended Cost: Discount"
)

// Label indices of the fixed labels, which NewEvaluator registers first, in this order: the
// per-row rules use them without a lookup.
const (
	lblUnblended uint16 = iota
	lblRIEffective
	lblSPEffective
	lblSPNegation
	lblUnusedSP
	lblUpfrontFee
	lblUnusedRI
	lblReturnedRefund
	lblSplitCost
	lblCUR2Discount
)

var fixedLabels = [...]string{lblUnblended: LabelUnblended, lblRIEffective: LabelRIEffective, lblSPEffective: LabelSPEffective,
	lblSPNegation: LabelSPNegation, lblUnusedSP: LabelUnusedSP, lblUpfrontFee: LabelUpfrontFee, lblUnusedRI: LabelUnusedRI,
	lblReturnedRefund: LabelReturnedRefund, lblSplitCost: LabelSplitCost, lblCUR2Discount: LabelCUR2Discount}

// label returns the index of a label text, adding it if new. A bill has a few dozen labels at
// most, and a batch looks up three per line item type: a scan is enough.
func (e *Evaluator) label(s string) uint16 {
	if i := slices.Index(e.labels, s); i >= 0 {
		return uint16(i)
	}
	e.labels = append(e.labels, s)
	return uint16(len(e.labels) - 1)
}

// Labels returns the label texts that Costs.Label indexes.
func (e *Evaluator) Labels() []string { return e.labels }

// LabelIndex returns the index of a label text, adding it if new.
func (e *Evaluator) LabelIndex(s string) uint16 { return e.label(s) }

// Assumptions lists, sorted, the columns that were absent where a rule needed them and what was
// assumed instead, each once however many rows met it; then the rows of other providers than
// AWS that a FOCUS file held and were left out.
func (e *Evaluator) Assumptions() []string {
	out := make([]string, 0, len(e.missing))
	for c, what := range e.missing {
		out = append(out, fmt.Sprintf("column %s is absent: %s", c, what))
	}
	sort.Strings(out)
	return append(out, e.foreignWarnings()...)
}

// kindOfType is the kind of a line item type by the table's matches on the type alone; the
// kinds that also test other columns are told apart row by row in Eval.
func kindOfType(t string) Kind {
	for _, m := range kindMatches {
		if len(m.Conds) == 0 && (t == m.Type || m.TypeSuffix != "" && strings.HasSuffix(t, m.TypeSuffix)) {
			return m.Kind
		}
	}
	return KindOther
}

// grow makes every output slice n long.
func (c *Costs) grow(n int) {
	if cap(c.Kind) < n {
		c.Kind = make([]Kind, n)
		for m := range c.Cost {
			c.Cost[m] = make([]money.Amount, n)
			c.Label[m] = make([]uint16, n)
		}
		c.Discount = make([]money.Amount, n)
		c.OnDemand = make([]money.Amount, n)
		c.Priced = make([]bool, n)
		c.TrueUp = make([]money.Amount, n)
	}
	c.Len = n
	c.Kind = c.Kind[:n]
	for m := range c.Cost {
		c.Cost[m] = c.Cost[m][:n]
		c.Label[m] = c.Label[m][:n]
	}
	c.Discount, c.OnDemand, c.Priced, c.TrueUp = c.Discount[:n], c.OnDemand[:n], c.Priced[:n], c.TrueUp[:n]
}

// Eval evaluates every metric on a batch of a request the evaluator asked (Ask). The result is
// valid until the next call.
func (e *Evaluator) Eval(b *cur.Batch) *Costs {
	if b.Amt(e.amt[aEffective]).Present {
		return e.evalFOCUS(b)
	}
	c := &e.out
	c.grow(b.Len)
	types := b.Str(e.str[sType])
	e.typeEntries(types, kindOfType, LabelUnblended, LabelBlended, LabelNetUnblended)
	ops := b.Str(e.str[sOperation])
	e.split = e.split[:0]
	for _, op := range ops.Dict {
		e.split = append(e.split, isSplitOperation(op) && !e.IncludeSplitCost)
	}
	e.noteMissing(b)
	var am [numEvalAmounts]*cur.AmountColumn
	for k := range am {
		am[k] = b.Amt(e.amt[k])
	}
	val := func(col, i int) money.Amount { return am[col].Values[i] } // 0 where absent or empty
	// net returns the net column's value, or the gross one where the net cell is absent.
	net := func(netCol, grossCol, i int) money.Amount {
		if am[netCol].IsSet(i) {
			return am[netCol].Values[i]
		}
		return am[grossCol].Values[i]
	}
	riARN := b.Str(e.str[sRIARN])
	// The columns every row reads, as slices of the batch's length: the loop then indexes
	// them without reloading and rechecking them.
	n := b.Len
	typeCodes, opCodes := types.Codes[:n], ops.Codes[:n]
	unblV, riEffV, spEffV := am[aUnblended].Values[:n], am[aRIEffective].Values[:n], am[aSPEffective].Values[:n]
	odV, discV := am[aPublicOD].Values[:n], am[aTotalDiscount].Values[:n]
	kindOut, discOut := c.Kind[:n], c.Discount[:n]
	pricedOut, odOut := c.Priced[:n], c.OnDemand[:n]
	costU, lblU := c.Cost[Unblended][:n], c.Label[Unblended][:n]
	costS, lblS := c.Cost[Simple][:n], c.Label[Simple][:n]
	labels := !e.SkipLabels
	all := !e.MetricOnly
	wantSimple := all || e.Metric == Simple
	wantBlended := all || e.Metric == Blended
	wantNet := all || e.Metric == NetUnblended || e.Metric == NetAmortized
	wantAmortized := all || e.Metric == Amortized || e.Metric == NetAmortized
	// Unblended cost and the CUR 2.0 discount column pass through whatever the row.
	copy(costU, unblV)
	copy(discOut, discV)
	for i := range n {
		code := typeCodes[i]
		k := e.kinds[code]
		switch {
		case k == KindOther && types.Dict[code] == "Fee" && riARN.Codes[i] != 0:
			k = KindRIUpfrontFee
		case k == KindOther && types.Dict[code] == "Refund" && e.isReturnedSPRefund(b, i):
			k = KindReturnedSPRefund
		}
		split := e.split[opCodes[i]]
		kindOut[i] = k
		typeLabel := e.typeLbl[0][code]
		unbl := unblV[i]
		if labels {
			lblU[i] = typeLabel
		}
		var netUnbl money.Amount
		if wantNet {
			netUnbl = net(aNetUnblended, aUnblended, i)
			if k == KindDiscount && !am[aNetUnblended].IsSet(i) {
				netUnbl = 0 // the discount already sits inside the other rows' net cost
			}
			c.Cost[NetUnblended][i] = netUnbl
			if labels {
				c.Label[NetUnblended][i] = e.typeLbl[2][code]
			}
		}
		if wantSimple {
			// simple: the literal three-branch rule.
			simple, simpleLbl := unbl, typeLabel
			switch k {
			case KindDiscountedUsage:
				simple, simpleLbl = riEffV[i], lblRIEffective
			case KindSPCoveredUsage:
				simple, simpleLbl = spEffV[i], lblSPEffective
			}
			costS[i] = simple
			if labels {
				lblS[i] = simpleLbl
			}
		}
		if wantBlended {
			c.Cost[Blended][i] = val(aBlended, i)
			if labels {
				c.Label[Blended][i] = e.typeLbl[1][code]
			}
		}

		// amortized and net-amortized share the table; net swaps each column for its twin.
		if split {
			kindOut[i] = KindSplitCost
		}
		// On-demand cost counts for usage rows with a public price that are not split cost
		// rows.
		od := odV[i]
		priced := k.IsUsage() && od > 0 && !split
		if !priced {
			od = 0
		}
		pricedOut[i], odOut[i] = priced, od
		if !wantAmortized {
			continue
		}
		amort, netAmort, lbl := unbl, netUnbl, typeLabel
		var trueUp money.Amount
		switch k {
		case KindDiscountedUsage:
			amort, netAmort, lbl = val(aRIEffective, i), net(aRINetEffective, aRIEffective, i), lblRIEffective
		case KindSPCoveredUsage:
			amort, netAmort, lbl = val(aSPEffective, i), net(aSPNetEffective, aSPEffective, i), lblSPEffective
		case KindSPNegation:
			amort, netAmort, lbl = 0, 0, lblSPNegation
		case KindSPRecurringFee:
			unused := val(aSPTotalCommitment, i) - val(aSPUsedCommitment, i)
			amort, netAmort, lbl = unused, scaleNetCommitment(unused, &am, i), lblUnusedSP
			trueUp = -val(aSPAmortizedUpfront, i)
		case KindSPUpfrontFee, KindRIUpfrontFee:
			amort, netAmort, lbl = 0, 0, lblUpfrontFee
		case KindRIFee:
			amort = val(aRIUnusedUpfront, i) + val(aRIUnusedRecurring, i)
			netAmort = net(aRINetUnusedUpfront, aRIUnusedUpfront, i) + net(aRINetUnusedRecurring, aRIUnusedRecurring, i)
			lbl = lblUnusedRI
			trueUp = -val(aRIAmortizedUpfrontFee, i)
		case KindReturnedSPRefund:
			amort, netAmort, lbl = 0, 0, lblReturnedRefund
		}
		if split {
			amort, netAmort, lbl = 0, 0, lblSplitCost
		}
		c.Cost[Amortized][i], c.Cost[NetAmortized][i] = amort, netAmort
		if labels {
			c.Label[Amortized][i], c.Label[NetAmortized][i] = lbl, lbl
		}
		c.TrueUp[i] = trueUp
	}
	return c
}

// typeEntries fills, per entry of the batch's type dictionary, its kind and its labels
// "base[: T]" for each base (typeLbl).
func (e *Evaluator) typeEntries(types *cur.StringColumn, kindOf func(string) Kind, bases ...string) {
	for j, base := range bases {
		e.typeLbl[j] = e.typeLbl[j][:0]
		for _, t := range types.Dict {
			l := base
			if t != "Usage" {
				l += ": " + t
			}
			e.typeLbl[j] = append(e.typeLbl[j], e.label(l))
		}
	}
	e.kinds = e.kinds[:0]
	for _, t := range types.Dict {
		e.kinds = append(e.kinds, kindOf(t))
	}
}

// scaleNetCommitment turns unused SP commitment into its net figure: CUR has no net commitment
// columns, so scale by (net recurring + net amortized upfront) / (gross recurring + gross
// amortized upfront), keeping the gross figure when that denominator is 0 (docs/metrics.md).
func scaleNetCommitment(unused money.Amount, am *[numEvalAmounts]*cur.AmountColumn, i int) money.Amount {
	if !am[aSPNetRecurring].IsSet(i) && !am[aSPNetAmortizedUpfront].IsSet(i) {
		return unused
	}
	den := int64(am[aSPRecurring].Values[i]) + int64(am[aSPAmortizedUpfront].Values[i])
	if den == 0 {
		return unused
	}
	num := int64(am[aSPNetRecurring].Values[i]) + int64(am[aSPNetAmortizedUpfront].Values[i])
	return unused.MulDiv(num, den)
}

// CountsDiscountColumn reports the gross metrics, which count a CUR 2.0 row's
// discount_total_discount as a discount row of its own so that both flavours of one bill agree;
// the net metrics already have the discount inside their net columns.
func (m Metric) CountsDiscountColumn() bool { return table[m].discountColumn }

func isSplitOperation(op string) bool { return slices.Contains(splitOperations, op) }

func (e *Evaluator) isReturnedSPRefund(b *cur.Batch, i int) bool {
	return strings.HasSuffix(b.Str(e.str[sProductCode]).Value(i), "SavingsPlans") &&
		strings.HasPrefix(b.Str(e.str[sDescription]).Value(i), returnedSPRefundPrefix)
}

// noteMissing records, once, absent columns that rows of this batch would have read.
func (e *Evaluator) noteMissing(b *cur.Batch) {
	var has [KindCUR2DiscountColumn + 1]bool
	for _, k := range e.kinds {
		has[k] = true
	}
	reads := map[string]bool{}
	for _, c := range MetricColumns(e.Metric) {
		reads[c] = true
	}
	need := func(col int, what string) {
		if reads[evalAmounts[col]] && !b.Amt(e.amt[col]).Present {
			if _, seen := e.missing[evalAmounts[col]]; !seen {
				e.missing[evalAmounts[col]] = what
			}
		}
	}
	need(aUnblended, "every row's unblended cost counted as 0")
	if has[KindDiscountedUsage] {
		need(aRIEffective, "DiscountedUsage rows counted at 0 under amortized and simple")
	}
	if has[KindSPCoveredUsage] {
		need(aSPEffective, "SavingsPlanCoveredUsage rows counted at 0 under amortized and simple")
	}
	if has[KindSPRecurringFee] {
		need(aSPTotalCommitment, "unused Savings Plan commitment counted as 0")
		need(aSPUsedCommitment, "Savings Plan commitment counted as unused")
	}
	if has[KindRIFee] {
		need(aRIUnusedUpfront, "unused RI upfront fee counted as 0")
		need(aRIUnusedRecurring, "unused RI recurring fee counted as 0")
	}
}
