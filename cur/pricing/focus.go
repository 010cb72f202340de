package pricing

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
)

// A FOCUS file carries each charge's cost ready (docs/focus.md, "FOCUS as input"): its rows have
// no negation, fee or true-up of their own to undo, so the line item rules of Eval do not apply.
// amortized is EffectiveCost, unblended BilledCost, public on-demand ListCost; the other metrics
// have no FOCUS column and are refused. Public on-demand is compared on usage with a public
// price only: FOCUS sets a charge's ListCost to its BilledCost when ListUnitPrice is null, and
// counting those rows would compare a cost with itself.

// ErrNoFOCUSMeaning is returned for a metric a FOCUS file cannot answer.
var ErrNoFOCUSMeaning = errors.New("metric has no FOCUS column")

// focusReads is the cost column of each metric a FOCUS file answers: evalFOCUS reads it and
// FOCUSRule names it.
var focusReads = map[Metric]struct {
	role int
	name string
}{Amortized: {aEffective, "EffectiveCost"}, Unblended: {aUnblended, "BilledCost"}}

// ReadsFOCUS reports the metrics a FOCUS file answers.
func (m Metric) ReadsFOCUS() bool {
	_, ok := focusReads[m]
	return ok
}

// FOCUSColumns returns the roles (for Evaluator.AmountColumn) and FOCUS names of the cost
// columns explain sums on a FOCUS file.
func FOCUSColumns() (idx []int, names []string) {
	return []int{aUnblended, aEffective, aPublicOD}, []string{"BilledCost", "EffectiveCost", "ListCost"}
}

// FOCUSRule says in words what metric m does with a FOCUS row that Eval labelled label.
func FOCUSRule(m Metric, label string) Rule {
	r := Rule{Kind: KindOther, Label: label, Value: focusReads[m].name}
	if label == LabelOtherProvider {
		r.Value = "0 (a charge of another provider: curnorm prices AWS charges only)"
	}
	return r
}

// CheckFOCUS refuses a metric with no FOCUS meaning.
func CheckFOCUS(m Metric) error {
	if m.ReadsFOCUS() {
		return nil
	}
	return fmt.Errorf("%w: a FOCUS file answers amortized (EffectiveCost) and unblended (BilledCost), not %s", ErrNoFOCUSMeaning, m)
}

// FOCUS source labels: the column a row's cost comes from.
const (
	LabelEffective     = "Effective Cost"
	LabelBilled        = "Billed Cost"
	LabelOtherProvider = "Excluded: Other Provider"
)

// awsProviders are the ProviderName values of AWS's own charges; an empty one is taken as AWS.
var awsProviders = []string{"", "AWS", "Amazon Web Services"}

// foreign counts the rows of one provider and currency that a FOCUS file holds besides AWS's.
type foreign struct {
	provider, currency string
}

// evalFOCUS prices a batch of a FOCUS file. Its type column holds CommitmentDiscountStatus
// where set, else ChargeCategory (cur's column map).
func (e *Evaluator) evalFOCUS(b *cur.Batch) *Costs {
	c := &e.out
	c.grow(b.Len)
	types := b.Str(e.str[sType])
	e.typeEntries(types, kindOfFOCUS, LabelEffective, LabelBilled)
	other := e.label(LabelOtherProvider)
	providers, categories, currencies := b.Str(e.str[sProvider]), b.Str(e.str[sCommitmentCategory]), b.Str(e.str[sCurrency])
	aws := make([]bool, len(providers.Dict))
	for j, p := range providers.Dict {
		aws[j] = e.AllProviders || slices.Contains(awsProviders, p)
	}
	billed, effective := b.Amt(e.amt[focusReads[Unblended].role]), b.Amt(e.amt[focusReads[Amortized].role])
	list := b.Amt(e.amt[aPublicOD])
	// The column that says a row has a public price; without either, every usage row has one.
	hasPrice := b.Amt(e.amt[aListUnitPrice])
	if !hasPrice.Present {
		hasPrice = b.Amt(e.amt[aXOnDemand])
	}
	for i := range b.Len {
		code := types.Codes[i]
		k := e.kinds[code]
		if k == KindSPRecurringFee && categories.Value(i) == "Usage" {
			k = KindRIFee // an unused reservation, not an unused Savings Plan
		}
		amort, unbl := effective.Values[i], billed.Values[i]
		lblA, lblU := e.typeLbl[0][code], e.typeLbl[1][code]
		if !aws[providers.Codes[i]] {
			key := foreign{providers.Value(i), currencies.Value(i)}
			s := e.foreign[key]
			s.rows++
			s.billed.Add(unbl)
			e.foreign[key] = s
			k, amort, unbl, lblA, lblU = KindOther, 0, 0, other, other
		}
		c.Kind[i] = k
		od := list.Values[i]
		priced := k.IsUsage() && od > 0 && (!hasPrice.Present || hasPrice.Valid[i])
		if !priced {
			od = 0
		}
		c.Priced[i], c.OnDemand[i] = priced, od
		c.Discount[i], c.TrueUp[i] = 0, 0
		for m := range c.Cost {
			c.Cost[m][i] = 0
			if !e.SkipLabels {
				c.Label[m][i] = lblU
			}
		}
		c.Cost[Amortized][i], c.Cost[Unblended][i] = amort, unbl
		if !e.SkipLabels {
			c.Label[Amortized][i] = lblA
		}
	}
	return c
}

// kindOfFOCUS is how the summary sees a FOCUS row: usage (used commitment included) is compared
// with ListCost, and an unused commitment counts as one (a Savings Plan's unless its
// CommitmentDiscountCategory says Usage, a reservation's).
func kindOfFOCUS(t string) Kind {
	switch t {
	case "Usage", "Used":
		return KindUsage
	case "Unused":
		return KindSPRecurringFee
	}
	return KindOther
}

// foreignSum is what a FOCUS file held of one other provider.
type foreignSum struct {
	rows   int64
	billed money.Sum
}

// Absorb moves what o met (absent columns, rows of other providers) into e, so that the
// evaluators of one file's consumers report it once: Assumptions of e then covers both.
func (e *Evaluator) Absorb(o *Evaluator) {
	maps.Copy(e.missing, o.missing)
	for k, s := range o.foreign {
		mine := e.foreign[k]
		mine.rows += s.rows
		mine.billed.AddSum(s.billed)
		e.foreign[k] = mine
	}
	clear(o.foreign)
}

// foreignWarnings say, per provider and currency, what rows of other providers were left out.
func (e *Evaluator) foreignWarnings() []string {
	out := make([]string, 0, len(e.foreign))
	for _, k := range slices.SortedFunc(maps.Keys(e.foreign), func(a, b foreign) int {
		return cmp.Or(cmp.Compare(a.provider, b.provider), cmp.Compare(a.currency, b.currency))
	}) {
		s := e.foreign[k]
		rows := "rows"
		if s.rows == 1 {
			rows = "row"
		}
		out = append(out, fmt.Sprintf("%d %s of provider %s left out (BilledCost %s %s): curnorm prices AWS charges only",
			s.rows, rows, k.provider, s.billed.String(), k.currency))
	}
	return out
}
