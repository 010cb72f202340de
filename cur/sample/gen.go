package sample

import (
	"fmt"
	"math/rand/v2"

	"github.com/curnorm/curnorm/cur/money"
)

// row is one line item on its way to a sink; gen reuses it for every row.
type row struct {
	id      [4]uint64
	acct    int
	h0, h1  int // usage start and end, in hours from the start of the period
	prod    *product
	res     resKind
	resReg  int
	resHash uint64
	resText string // a resource id given as text (fee rows carry their plan's ARN)
	team    int    // index into teams; an empty entry when untagged
	env     int
	costCat int
	s       [numS]string
	a       [numA]money.Amount
	has     uint64 // bit i: a[i] is set
}

func (r *row) set(i int, v money.Amount) {
	r.a[i] = v
	r.has |= 1 << i
}

// sink writes rows in one flavour.
type sink interface {
	row(r *row) error
	close() error
	// abort stops writing after a failed row; it returns the writer's own error, if any.
	abort() error
}

// gen writes the rows of one part.
type gen struct {
	b    *bill
	part int
	r    *rand.Rand
	spR  []*rand.Rand
	riR  []*rand.Rand
	s    sink
	row  row
}

const (
	untaggedTeam = 6 // teams[6] == ""
	untaggedEnv  = 4 // envs[4] == ""
)

func newGen(b *bill, part int, s sink) *gen {
	g := &gen{b: b, part: part, r: b.rand(streamMain, uint64(part)), s: s}
	for j := range b.plans {
		g.spR = append(g.spR, b.rand(streamSP, uint64(part)<<16|uint64(j)))
	}
	for i := range b.ris {
		g.riR = append(g.riR, b.rand(streamRI, uint64(part)<<16|uint64(i)))
	}
	return g
}

// begin starts a row of the given type.
func (g *gen) begin(typ string, acct int, p *product, h0, h1 int) *row {
	r := &g.row
	*r = row{}
	for i := range r.id {
		r.id[i] = g.r.Uint64()
	}
	r.acct, r.prod, r.h0, r.h1 = acct, p, h0, h1
	r.team, r.env, r.costCat = untaggedTeam, untaggedEnv, g.b.accounts[acct].team
	r.s[sType] = typ
	r.s[sBillingEntity] = "AWS"
	r.s[sLegalEntity] = "Amazon Web Services, Inc."
	r.s[sProductCode] = p.svcCode
	r.s[sUsageType] = p.usageType
	r.s[sOperation] = p.operation
	return r
}

// resource gives the row resource k of a kind in an account and region; the resource's hash
// names it and decides its tags, so it keeps them all month.
func (g *gen) resource(r *row, kind resKind, acct, reg, k int) {
	if kind == resNone {
		return
	}
	r.res, r.resReg = kind, reg
	r.resHash = mix(uint64(g.b.o.Seed) ^ mix(uint64(kind)<<48|uint64(acct)<<20|uint64(reg)<<12|uint64(k)))
	r.team = int(r.resHash % uint64(len(teams)))
	r.env = int(r.resHash >> 8 % uint64(len(envs)))
	if teams[r.team] != "" {
		r.costCat = r.team
	}
	switch kind {
	case resInstance, resVolume, resDB, resNAT:
		r.s[sAZ] = regions[reg].code + string("abc"[r.resHash>>20%3])
	}
}

// priced fills the usage and price columns of a usage row.
func (r *row) priced(q, unblRate, unbl money.Amount) {
	p := r.prod
	r.set(aUsage, q)
	r.set(aUnblRate, unblRate)
	r.set(aUnbl, unbl)
	r.set(aBlRate, unblRate)
	r.set(aBl, unbl)
	if p.norm > 0 {
		r.set(aNormFactor, p.norm)
		r.set(aNormUsage, mul(q, p.norm))
	}
	if p.rate > 0 {
		r.set(aPublicOD, mul(q, p.rate))
		r.set(aPublicRate, p.rate)
		r.s[sPricingCurrency] = "USD"
		r.s[sRateCode] = p.rateCode
		r.s[sRateID] = p.rateID
	}
	r.s[sDesc] = p.desc
}

func (g *gen) emit() error { return g.s.row(&g.row) }

func (g *gen) run() error {
	if g.part == 0 {
		if err := g.fees(); err != nil {
			return err
		}
	}
	pp := &g.b.parts[g.part]
	left := pp.n
	total := 0
	for _, n := range left {
		total += n
	}
	spLeft := append([]int(nil), pp.sp...)
	riLeft := append([]int(nil), pp.ri...)
	for ; total > 0; total-- {
		c := 0
		for x := g.r.IntN(total); x >= left[c]; c++ {
			x -= left[c]
		}
		var err error
		switch c {
		case catUsage:
			err = g.usage()
		case catSP:
			err = g.covered(pickLeft(g.r, spLeft, left[c]))
		case catDU:
			err = g.discounted(pickLeft(g.r, riLeft, left[c]))
		case catSpot:
			err = g.spot()
		case catMarket:
			err = g.market()
		case catCredit:
			err = g.credit()
		case catTax:
			err = g.tax()
		}
		left[c]--
		if err != nil {
			return err
		}
	}
	return nil
}

// pickLeft draws an index in proportion to the counts left and takes one from it.
func pickLeft(r *rand.Rand, left []int, total int) int {
	x := r.IntN(total)
	i := 0
	for ; x >= left[i]; i++ {
		x -= left[i]
	}
	left[i]--
	return i
}

func (g *gen) qty(k qtyKind) money.Amount {
	r := g.r
	switch k {
	case qHours:
		return g.b.hoursQty(r)
	case qStorage:
		return money.Amount(1 + r.Int64N(20_000_000_000))
	case qRequests:
		return money.Amount(1+r.Int64N(200_000)) * unit
	case qGB:
		// Mostly small transfers, a few large ones: up to 10 GB in an hour.
		x := r.Int64N(100_000)
		return money.Amount(1 + x*x/100_000*x/100)
	case qGBSec:
		return money.Amount(100+r.Int64N(20_000_000)) * 10_000_000
	}
	return money.Amount(1 + r.Int64N(1_000_000_000)) // qMetrics
}

func (g *gen) usage() error {
	b, rr := g.b, g.r
	vi := pick(rr, b.varCum)
	v := &variants[vi]
	acct, reg, k, h := b.pickAccount(rr), pick(rr, b.regCum), rr.IntN(resourcesPer), rr.IntN(b.hours)
	q := g.qty(v.qty)
	p := b.usage[vi][reg]
	r := g.begin("Usage", acct, p, h, h+1)
	g.resource(r, v.res, acct, reg, k)
	r.priced(q, p.unbl, mul(q, p.unbl))
	r.s[sTerm] = "OnDemand"
	return g.emit()
}

func (g *gen) spot() error {
	b, rr := g.b, g.r
	vi := pick(rr, b.instCum)
	acct, reg, k, h := b.pickAccount(rr), pick(rr, b.regCum), rr.IntN(resourcesPer), rr.IntN(b.hours)
	q := money.Amount(100+rr.IntN(9901)) * step4 // Spot instances come and go within the hour
	p := b.spot[vi][reg]
	r := g.begin("Usage", acct, p, h, h+1)
	g.resource(r, resInstance, acct, reg, k)
	r.priced(q, p.unbl, mul(q, p.unbl))
	return g.emit()
}

func (g *gen) market() error {
	b, rr := g.b, g.r
	m := rr.IntN(len(b.mkt))
	acct, k, h := b.pickAccount(rr), rr.IntN(resourcesPer), rr.IntN(b.hours)
	q := b.hoursQty(rr)
	p := b.mkt[m]
	r := g.begin("Usage", acct, p, h, h+1)
	g.resource(r, resInstance, acct, 0, k)
	r.s[sBillingEntity] = "AWS Marketplace"
	r.s[sLegalEntity] = marketplace[m].seller
	r.priced(q, p.unbl, mul(q, p.unbl))
	return g.emit()
}

func (g *gen) credit() error {
	b, rr := g.b, g.r
	acct, svc := b.pickAccount(rr), rr.IntN(numServices)
	amt := -money.Amount(100_000_000 + rr.Int64N(100_000_000_000)) // up to 10, ten decimals
	r := g.begin("Credit", acct, b.tax[svc], 0, b.hours)
	r.set(aUnbl, amt)
	r.set(aBl, amt)
	r.s[sDesc] = []string{"AWS Promotional Credit", "AWS Activate Credits", "Service Level Agreement Credit"}[rr.IntN(3)]
	return g.emit()
}

func (g *gen) tax() error {
	b, rr := g.b, g.r
	acct, svc := b.pickAccount(rr), rr.IntN(numServices)
	amt := money.Amount(1+rr.Int64N(500)) * 100_000_000 // up to 5, in cents
	r := g.begin("Tax", acct, b.tax[svc], 0, b.hours)
	r.set(aUnbl, amt)
	r.set(aBl, amt)
	r.s[sDesc] = "Tax for product code " + services[svc].code
	r.s[sTaxType] = "USSalesTax"
	r.s[sLegalEntity] = "Amazon Web Services, Inc."
	return g.emit()
}

// covered writes a Savings Plan covered row and its negation.
func (g *gen) covered(j int) error {
	b := g.b
	pl := b.plans[j]
	d := b.drawSP(g.spR[j], pl)
	h := g.r.IntN(b.hours)
	p := b.usage[d.v][d.reg]
	u := mul(d.q, p.rate)
	r := g.begin("SavingsPlanCoveredUsage", d.acct, p, h, h+1)
	g.resource(r, resInstance, d.acct, d.reg, d.k)
	r.priced(d.q, p.rate, u)
	r.s[sTerm] = "OnDemand"
	r.s[sSPARN] = pl.arn
	r.set(aSPRate, pl.rates[d.v][d.reg])
	r.set(aSPEff, mul(d.q, pl.rates[d.v][d.reg]))
	if err := g.emit(); err != nil {
		return err
	}
	r = g.begin("SavingsPlanNegation", d.acct, p, h, h+1)
	g.resource(r, resInstance, d.acct, d.reg, d.k)
	r.priced(d.q, p.rate, -u)
	r.s[sSPARN] = pl.arn
	r.s[sDesc] = "SavingsPlanNegation used by AccountId : " + b.accounts[pl.acct].id + " and UsageSku : " + p.sku
	return g.emit()
}

// discounted writes a reservation's covered (DiscountedUsage) row.
func (g *gen) discounted(i int) error {
	b := g.b
	ri := b.ris[i]
	d := b.drawDU(g.riR[i], ri)
	h := g.r.IntN(b.hours)
	p := b.usage[ri.v][ri.reg]
	r := g.begin("DiscountedUsage", d.acct, p, h, h+1)
	kind := resInstance
	if ri.rds {
		kind = resDB
	}
	g.resource(r, kind, d.acct, d.reg, d.k)
	r.priced(d.q, 0, 0)
	qa, qf := mul(d.q, ri.a), mul(d.q, ri.f)
	r.set(aRIAmortUsage, qa)
	r.set(aRIRecurUsage, qf)
	r.set(aRIEff, qa+qf)
	r.s[sRIARN] = ri.arn
	g.reservationTerms(r, ri)
	r.s[sDesc] = ri.duDesc
	return g.emit()
}

func (ri *reservation) what() string {
	if ri.rds {
		return "PostgreSQL, " + variants[ri.v].inst.typ + " reserved instance applied"
	}
	return "Linux/UNIX (Amazon VPC), " + variants[ri.v].inst.typ + " reserved instance applied"
}

func (g *gen) reservationTerms(r *row, ri *reservation) {
	r.s[sTerm] = "Reserved"
	r.s[sLease] = fmt.Sprintf("%dyr", ri.years)
	r.s[sOfferingClass] = ri.class
	r.s[sPurchaseOption] = ri.payment
}

// fees writes the rows AWS bills once a month: Savings Plan and reservation fees, upfront
// payments of commitments bought this month, and the plan bought and returned.
func (g *gen) fees() error {
	b := g.b
	hours := money.Amount(b.hours)
	for _, pl := range b.plans {
		r := g.begin("SavingsPlanRecurringFee", pl.acct, pl.prod, 0, b.hours)
		r.resText = pl.arn
		r.set(aUsage, hours*unit)
		r.set(aUnblRate, pl.hourly-pl.hourlyUp)
		r.set(aUnbl, pl.recurring)
		r.set(aBlRate, pl.hourly-pl.hourlyUp)
		r.set(aBl, pl.recurring)
		r.set(aSPTotal, pl.total)
		r.set(aSPUsed, pl.used)
		r.set(aSPAmortUp, pl.amortUp)
		r.set(aSPRecur, pl.recurring)
		g.planTerms(r, pl)
		r.s[sDesc] = fmt.Sprintf("%s hourly commitment, %d-year %s %s", pl.hourly.String(), pl.years, pl.payment, planName(pl))
		if err := g.emit(); err != nil {
			return err
		}
		if pl.paysUpfront() {
			if err := g.planUpfront(pl); err != nil {
				return err
			}
		}
	}
	for _, ri := range b.ris {
		if err := g.riFee(ri); err != nil {
			return err
		}
		if ri.boughtThisMonth && ri.a > 0 {
			r := g.begin("Fee", ri.acct, ri.prod, 0, b.hours)
			r.set(aUnbl, ri.upfrontValue())
			r.set(aBl, ri.upfrontValue())
			r.s[sRIARN] = ri.arn
			g.reservationTerms(r, ri)
			r.s[sTerm] = ""
			r.s[sDesc] = fmt.Sprintf("Sign up charge for subscription: %s, planId: %d", ri.sub, 2_000_000+hashText(ri.id)%1_000_000)
			if err := g.emit(); err != nil {
				return err
			}
		}
	}
	ret := b.returned
	if err := g.planUpfront(ret); err != nil {
		return err
	}
	r := g.begin("Refund", ret.acct, ret.prod, 0, b.hours)
	r.resText = ret.arn
	r.set(aUnbl, -ret.upfront)
	r.set(aBl, -ret.upfront)
	r.s[sDesc] = "Refund for one-time fee for Savings Plan ID " + ret.id
	return g.emit()
}

func planName(pl *savingsPlan) string {
	if pl.compute {
		return "Compute Savings Plan"
	}
	return "EC2 Instance Savings Plan (" + pl.family + ", " + regions[pl.region].code + ")"
}

func (g *gen) planTerms(r *row, pl *savingsPlan) {
	r.s[sSPARN] = pl.arn
	r.s[sSPStart] = pl.start
	r.s[sSPEnd] = pl.end
	r.s[sSPOffering] = pl.offering()
	r.s[sSPPayment] = pl.payment
	r.s[sSPTerm] = fmt.Sprintf("%dyr", pl.years)
	if pl.region >= 0 {
		r.s[sSPRegion] = regions[pl.region].name
		r.s[sSPFamily] = pl.family
	}
}

func (g *gen) planUpfront(pl *savingsPlan) error {
	r := g.begin("SavingsPlanUpfrontFee", pl.acct, pl.prod, 0, g.b.hours)
	r.resText = pl.arn
	r.set(aUnbl, pl.upfront)
	r.set(aBl, pl.upfront)
	g.planTerms(r, pl)
	r.s[sDesc] = fmt.Sprintf("Upfront fee, %d-year %s %s", pl.years, pl.payment, planName(pl))
	return g.emit()
}

func (ri *reservation) upfrontValue() money.Amount {
	return ri.a * money.Amount(ri.count*hoursPerYear*int64(ri.years))
}

// riFee writes a reservation's monthly fee row: its recurring fee in cash, and the parts of
// the period's amortized upfront and recurring fee that no usage took.
func (g *gen) riFee(ri *reservation) error {
	b := g.b
	held := money.Amount(ri.count * int64(b.hours)) // reserved hours
	amort, recur := ri.a*held, ri.f*held
	r := g.begin("RIFee", ri.acct, ri.prod, 0, b.hours)
	r.set(aUsage, held*unit)
	r.set(aUnblRate, ri.f)
	r.set(aUnbl, recur)
	r.set(aBlRate, ri.f)
	r.set(aBl, recur)
	r.set(aRIAmortPeriod, amort)
	r.set(aRIUnusedUp, amort-mul(ri.hoursUsed, ri.a))
	r.set(aRIUnusedRec, recur-mul(ri.hoursUsed, ri.f))
	unused := held*unit - ri.hoursUsed
	r.set(aRIUnusedQty, unused)
	r.set(aRIUnusedNorm, mul(unused, ri.norm))
	r.set(aRIUpfrontValue, ri.upfrontValue())
	r.s[sRIARN] = ri.arn
	r.s[sRIStart], r.s[sRIEnd] = ri.start, ri.end
	r.s[sRISub] = ri.sub
	r.s[sRIMod] = "Original"
	r.s[sRINum] = fmt.Sprint(ri.count)
	r.s[sRIUnitsPer] = fmt.Sprint(b.hours)
	r.s[sRITotUnits] = fmt.Sprint(int64(held))
	r.s[sRINormPer] = mul(money.Amount(b.hours)*unit, ri.norm).String()
	r.s[sRITotNorm] = mul(held*unit, ri.norm).String()
	g.reservationTerms(r, ri)
	r.s[sDesc] = fmt.Sprintf("USD %s hourly fee per %s", ri.f.String(), ri.what())
	return g.emit()
}
