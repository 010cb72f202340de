package sample

import (
	"fmt"
	"hash/fnv"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
)

const (
	unit         = money.Amount(10_000_000_000) // 1 in Amount units
	hoursPerYear = 8760
	resourcesPer = 12 // resources of one kind per account and region
)

// product is everything a row takes from its product: the product/* attributes, usage type,
// rates, and its text as the layout writes it.
type product struct {
	svcCode   string
	usageType string // with the region prefix
	operation string
	unit      string
	region    int // -1: none
	rate      money.Amount
	unbl      money.Amount
	desc      string
	norm      money.Amount // normalization size factor of instance hours, else 0
	sku       string
	rateCode  string
	rateID    string
	vals      []string // by productAttrs
	mapKeys   []string // CUR 2.0 product map, sorted by key, non-empty values only
	mapVals   []string
	block     []byte // CSV text of the layout's product-only columns
}

type account struct {
	id, name string
	team     int // cost category of rows without a team tag
}

type savingsPlan struct {
	id, arn         string
	acct            int
	compute         bool
	family          string
	region          int // -1: any (Compute Savings Plan)
	eligible        []int
	discount        int64 // per mille off on-demand
	payment         string
	years           int
	start, end      string
	startsThisMonth bool
	weight          int
	util            int64 // per mille of the commitment the bill uses
	rates           [][]money.Amount
	prod            *product

	used                               money.Amount // Σ effective cost of its covered rows
	hourly, hourlyUp                   money.Amount
	total, recurring, amortUp, upfront money.Amount
}

type reservation struct {
	id, arn, sub    string
	acct            int
	v, reg          int
	rds             bool
	class           string
	payment         string
	years           int
	a, f            money.Amount // hourly amortized upfront and recurring fee per reservation
	start, end      string
	boughtThisMonth bool
	weight          int
	util            int64
	prod            *product
	norm            money.Amount
	duDesc          string

	hoursUsed money.Amount
	count     int64
}

// Row categories drawn for the body of a part.
const (
	catUsage = iota
	catSP    // a covered row and its negation
	catDU
	catSpot
	catMarket
	catCredit
	catTax
	numCats
)

type partPlan struct {
	rows int
	n    [numCats]int
	sp   []int // covered rows per plan
	ri   []int // discounted rows per reservation
}

// bill is what every part of a generated bill shares; it is read-only once built.
type bill struct {
	o        Options
	layout   *layout
	start    time.Time
	hours    int // the hours the bill covers: the month's, or up to Options.Through
	period   int // the month's hours
	startMs  int64
	invoice  string
	accounts []account
	acctCum  []int
	varCum   []int
	instCum  []int
	regCum   []int
	plans    []*savingsPlan
	ris      []*reservation
	returned *savingsPlan
	feeRows  int
	parts    []partPlan

	usage [][]*product // [variant][region]
	spot  [][]*product // [instance variant][region]
	tax   []*product   // [service]
	mkt   []*product

	hourText      []string // hours+1 timestamps, as the layout writes them
	hourInterval  []string
	monthInterval string
	tagJSON       [2][][]string // resource_tags and tags as CSV cells, [team][env]
	tagKV         [2][][][2][]string
	costCatJSON   []string
	costCatKV     [][2][]string
}

// mix is splitmix64's finaliser: seeds of the random streams and resource ids come from it.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Random streams: each part, plan and reservation draws from its own, so parts can be written
// in any order and a plan's usage can be summed before its rows are written.
const (
	streamBill = iota + 1
	streamMain
	streamSP
	streamRI
	streamResource
)

func (b *bill) rand(kind, n uint64) *rand.Rand {
	s := uint64(b.o.Seed)
	return rand.New(rand.NewPCG(mix(s^mix(kind)), mix(n^(kind<<56)^0x5851f42d4c957f2d)))
}

func newBill(opts Options) (*bill, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	start, err := monthStart(opts.Month)
	if err != nil {
		return nil, err
	}
	l, err := newLayout(opts.Flavour)
	if err != nil {
		return nil, err
	}
	b := &bill{o: opts, layout: l, start: start, startMs: start.UnixMilli()}
	b.period = int(start.AddDate(0, 1, 0).Sub(start) / time.Hour)
	b.hours = b.period
	if opts.Through != "" {
		day, err := time.Parse(time.DateOnly, opts.Through)
		if err != nil || day.Before(start) || !day.Before(start.AddDate(0, 1, 0)) {
			return nil, fmt.Errorf("sample: --through %q: want a day of %s, as YYYY-MM-DD", opts.Through, opts.Month)
		}
		b.hours = int(day.AddDate(0, 0, 1).Sub(start) / time.Hour)
	}
	r := b.rand(streamBill, 0)
	if opts.Final {
		b.invoice = fmt.Sprintf("%04d%02d%07d", start.AddDate(0, 1, 0).Year(), int(start.AddDate(0, 1, 0).Month()), 1_000_000+r.IntN(9_000_000))
	} else {
		r.IntN(9_000_000)
	}
	b.texts()
	b.makeAccounts(r)
	b.makeProducts()
	b.makePlans(r)
	b.makeReservations(r)
	b.returned = b.newPlan(r, -1)
	if err := b.planParts(); err != nil {
		return nil, err
	}
	b.prepass()
	b.settle()
	if err := b.renderBlocks(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bill) texts() {
	form := "2006-01-02T15:04:05Z"
	if b.o.Flavour == cur.CUR2CSV {
		form = "2006-01-02T15:04:05.000Z"
	}
	b.hourText = make([]string, b.period+1)
	z := make([]string, b.period+1)
	for h := 0; h <= b.period; h++ {
		t := b.start.Add(time.Duration(h) * time.Hour)
		b.hourText[h] = t.Format(form)
		z[h] = t.Format("2006-01-02T15:04:05Z")
	}
	b.hourInterval = make([]string, b.hours)
	for h := 0; h < b.hours; h++ {
		b.hourInterval[h] = z[h] + "/" + z[h+1]
	}
	b.monthInterval = z[0] + "/" + z[b.period]
	b.regCum = cumulative(len(regions), func(i int) int { return regions[i].weight })
	b.varCum = cumulative(len(variants), func(i int) int { return variants[i].weight })
	b.instCum = cumulative(numInstanceVariants, func(i int) int { return variants[i].weight })
}

func cumulative(n int, w func(int) int) []int {
	out := make([]int, n)
	t := 0
	for i := range out {
		t += w(i)
		out[i] = t
	}
	return out
}

func pick(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	return sort.SearchInts(cum, x+1)
}

func (b *bill) makeAccounts(r *rand.Rand) {
	seen := map[string]bool{}
	for i := 0; i < b.o.Accounts; i++ {
		var id string
		for {
			n := 100_000_000_000 + r.Int64N(900_000_000_000)
			if i == 1 {
				n = 10_000_000_000 + r.Int64N(90_000_000_000) // a leading zero, as real ids have
			}
			id = fmt.Sprintf("%012d", n)
			if !seen[id] {
				break
			}
		}
		seen[id] = true
		name := fmt.Sprintf("member-%04d", i)
		if i < len(accountNames) {
			name = accountNames[i]
		}
		b.accounts = append(b.accounts, account{id: id, name: name, team: i % 6})
	}
	b.acctCum = cumulative(len(b.accounts), func(i int) int { return 1000/(i+1) + 20 })
}

// roundTo rounds a non-negative amount half-even to a multiple of step units.
func roundTo(a, step money.Amount) money.Amount {
	q, rem := a/step, a%step
	if 2*rem > step || (2*rem == step && q%2 == 1) {
		q++
	}
	return q * step
}

const step4 = money.Amount(1_000_000) // 0.0001

// mul is a×b rounded half-even to 10 decimals, for non-negative a and b.
func mul(a, b money.Amount) money.Amount {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, rem := bits.Div64(hi, lo, uint64(unit))
	if 2*rem > uint64(unit) || (2*rem == uint64(unit) && q%2 == 1) {
		q++
	}
	return money.Amount(q)
}

// scale is a×n/d rounded half-even to step.
func scale(a money.Amount, n, d int64, step money.Amount) money.Amount {
	v := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(n))
	v.Quo(v, big.NewInt(d))
	return roundTo(money.Amount(v.Int64()), step)
}

// ceilDiv is ⌈a×n / d⌉ for non-negative values.
func ceilDiv(a money.Amount, n, d int64) int64 {
	v := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(n))
	q, r := new(big.Int).QuoRem(v, big.NewInt(d), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

func hashText(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return mix(h.Sum64())
}

const skuAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func skuOf(parts ...string) string {
	h := hashText(parts...)
	var s [16]byte
	for i := range s {
		s[i] = skuAlphabet[h%32]
		h = h/32 ^ mix(h+uint64(i))<<40
	}
	return string(s[:])
}

func familyName(f string) string {
	switch f[0] {
	case 'c':
		return "Compute optimized"
	case 'r':
		return "Memory optimized"
	}
	return "General purpose"
}

type prodSpec struct {
	svc           service
	usageType, op string
	unit, family  string
	reg           int
	rate, unbl    money.Amount
	inst          *instance
	extra         []string
	desc          string
	transfer      bool
}

func (b *bill) newProduct(p prodSpec) *product {
	pr := &product{svcCode: p.svc.code, operation: p.op, unit: p.unit, region: p.reg, rate: p.rate, unbl: p.unbl, desc: p.desc}
	pr.usageType = p.usageType
	regCode := ""
	if p.reg >= 0 && p.usageType != "" {
		pr.usageType = regions[p.reg].prefix + p.usageType
		regCode = regions[p.reg].code
	}
	vals := make([]string, len(productAttrs))
	set := func(k, v string) {
		i, ok := attrIndex[k]
		if !ok {
			panic("sample: unknown product attribute " + k)
		}
		vals[i] = v
	}
	set("ProductName", p.svc.name)
	set("servicecode", p.svc.code)
	set("servicename", p.svc.name)
	if pr.usageType != "" {
		set("usagetype", pr.usageType)
		set("operation", p.op)
		set("productFamily", p.family)
		pr.sku = skuOf(pr.usageType, p.op, p.svc.code)
		set("sku", pr.sku)
		pr.rateCode = pr.sku + ".JRTCKXETXF.6YS6EN2CT7"
		pr.rateID = fmt.Sprintf("%d", 10_000_000+hashText(pr.sku)%90_000_000)
	}
	if p.reg >= 0 {
		set("region", regCode)
		set("regionCode", regCode)
		set("location", regions[p.reg].name)
		set("locationType", "AWS Region")
	}
	if p.transfer {
		set("fromLocation", regions[p.reg].name)
		set("fromLocationType", "AWS Region")
		set("fromRegionCode", regCode)
		set("toLocation", "External")
		set("toLocationType", "Other")
		set("location", "")
		set("locationType", "")
	}
	if in := p.inst; in != nil {
		pr.norm = mustAmount(in.norm)
		set("instanceType", in.typ)
		set("instanceFamily", familyName(in.family))
		set("instanceTypeFamily", in.family)
		set("vcpu", in.vcpu)
		set("memory", in.memory)
		set("ecu", in.ecu)
		set("physicalProcessor", in.processor)
		set("networkPerformance", in.network)
		set("normalizationSizeFactor", in.norm)
	}
	for i := 0; i+1 < len(p.extra); i += 2 {
		set(p.extra[i], p.extra[i+1])
	}
	pr.vals = vals
	// CUR 2.0: every attribute that is not a flat column is a key of the product map.
	type kv struct{ k, v string }
	var kvs []kv
	for i, a := range productAttrs {
		key := strings.TrimPrefix(cur.Snake("product/"+a), "product_")
		if cur2Flat[key] || vals[i] == "" {
			continue
		}
		kvs = append(kvs, kv{key, vals[i]})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].k < kvs[j].k })
	for _, e := range kvs {
		pr.mapKeys = append(pr.mapKeys, e.k)
		pr.mapVals = append(pr.mapVals, e.v)
	}
	return pr
}

// regionalRate is a us-east-1 price in region reg; instance hours keep 4 decimals, so that
// the Savings Plan and reservation sums stay exact in a DOUBLE.
func regionalRate(base money.Amount, reg int, hourly bool) money.Amount {
	step := money.Amount(1)
	if hourly {
		step = step4
	}
	return scale(base, regions[reg].factor, 10000, step)
}

func (b *bill) makeProducts() {
	b.usage = make([][]*product, len(variants))
	for vi := range variants {
		v := &variants[vi]
		b.usage[vi] = make([]*product, len(regions))
		for reg := range regions {
			hourly := v.inst != nil
			rate := regionalRate(mustAmount(v.rate), reg, hourly)
			unbl := rate
			if v.unbl != 1000 {
				unbl = scale(rate, v.unbl, 1000, 1)
			}
			desc := fmt.Sprintf("$%s per %s for %s in %s", rate.String(), v.unit, v.usageType, regions[reg].name)
			switch {
			case v.svc == svcEC2 && v.inst != nil:
				desc = fmt.Sprintf("$%s per On Demand Linux %s Instance Hour", rate.String(), v.inst.typ)
			case v.svc == svcRDS && v.inst != nil:
				desc = fmt.Sprintf("$%s per RDS %s Single-AZ instance hour (or partial hour) running PostgreSQL", rate.String(), v.inst.typ)
			}
			extra := v.extra
			if v.svc == svcEC2 && v.inst != nil {
				extra = append(append([]string(nil), extra...), "availabilityZone", "NA")
			}
			b.usage[vi][reg] = b.newProduct(prodSpec{svc: services[v.svc], usageType: v.usageType, op: v.operation, unit: v.unit,
				family: v.family, reg: reg, rate: rate, unbl: unbl, inst: v.inst, extra: extra, desc: desc,
				transfer: strings.HasPrefix(v.usageType, "DataTransfer")})
		}
	}
	b.spot = make([][]*product, numInstanceVariants)
	for vi := 0; vi < numInstanceVariants; vi++ {
		v := &variants[vi]
		b.spot[vi] = make([]*product, len(regions))
		for reg := range regions {
			od := b.usage[vi][reg].rate
			sp := roundTo(scale(od, 31, 100, 1), step4)
			extra := append(append([]string(nil), v.extra...), "marketoption", "Spot")
			b.spot[vi][reg] = b.newProduct(prodSpec{svc: services[svcEC2], usageType: "SpotUsage:" + v.inst.typ, op: "RunInstances:SV001",
				unit: "Hrs", family: "Compute Instance", reg: reg, rate: od, unbl: sp, inst: v.inst, extra: extra,
				desc: fmt.Sprintf("$%s per Hour for Linux/UNIX Spot %s in %s", sp.String(), v.inst.typ, regions[reg].code)})
		}
	}
	b.tax = make([]*product, numServices)
	for s := range services {
		b.tax[s] = b.newProduct(prodSpec{svc: services[s], reg: -1})
	}
	for _, m := range marketplace {
		rate := mustAmount(m.rate)
		b.mkt = append(b.mkt, b.newProduct(prodSpec{svc: service{m.code, m.name}, usageType: m.usageType, op: "Hourly",
			unit: "Hrs", family: "", reg: 0, unbl: rate,
			desc: fmt.Sprintf("$%s per hour for %s", m.rate, m.name)}))
	}
}

func (b *bill) pickAccount(r *rand.Rand) int { return pick(r, b.acctCum) }

func uuidOf(r *rand.Rand) string {
	x, y := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", x>>32, x>>16&0xffff, x&0x0fff|0x4000, y>>48&0x3fff|0x8000, y&0xffffffffffff)
}

// commitmentStart is the start of a commitment bought this month, or a random earlier day
// that keeps it active all month.
func (b *bill) commitmentStart(r *rand.Rand, years int, now bool) (string, string) {
	s := b.start
	if !now {
		s = s.AddDate(0, 0, -1-r.IntN(years*365-40)).Add(time.Duration(r.IntN(86400)) * time.Second)
	}
	e := s.AddDate(years, 0, 0).Add(-time.Second)
	return s.Format("2006-01-02T15:04:05.000Z"), e.Format("2006-01-02T15:04:05.000Z")
}

var payments = []string{"No Upfront", "Partial Upfront", "All Upfront"}

func (b *bill) makePlans(r *rand.Rand) {
	n := min(max(2+b.o.Rows/400_000, 2), 12)
	for j := 0; j < n; j++ {
		b.plans = append(b.plans, b.newPlan(r, j))
	}
}

// newPlan draws plan j; j < 0 is the plan bought and returned this month.
func (b *bill) newPlan(r *rand.Rand, j int) *savingsPlan {
	pl := &savingsPlan{id: uuidOf(r), acct: 0, region: -1, weight: 1 + r.IntN(10)}
	switch {
	case j < 0:
		pl.compute, pl.years, pl.payment, pl.startsThisMonth, pl.util = true, 1, "All Upfront", true, 1000
	case j == 0:
		pl.compute, pl.years, pl.payment, pl.util = true, 1, "No Upfront", 1000
	case j == 1:
		pl.family, pl.region, pl.years, pl.payment, pl.startsThisMonth, pl.util = "m5", 0, 3, "Partial Upfront", true, 780
	default:
		pl.compute = r.IntN(2) == 0
		if !pl.compute {
			pl.family = []string{"m5", "t3", "c5"}[r.IntN(3)]
			pl.region = pick(r, b.regCum)
		}
		pl.years = []int{1, 3}[r.IntN(2)]
		pl.payment = payments[r.IntN(3)]
		pl.startsThisMonth = r.IntN(6) == 0
		pl.util = int64(950 + r.IntN(51))
		if r.IntN(3) == 0 {
			pl.util = int64(600 + r.IntN(300)) // an underused plan
		}
		if r.IntN(2) == 0 {
			pl.acct = b.pickAccount(r)
		}
	}
	pl.arn = fmt.Sprintf("arn:aws:savingsplans::%s:savingsplan/%s", b.accounts[pl.acct].id, pl.id)
	pl.start, pl.end = b.commitmentStart(r, pl.years, pl.startsThisMonth)
	switch {
	case pl.compute && pl.years == 1:
		pl.discount = 280
	case pl.compute:
		pl.discount = 460
	case pl.years == 1:
		pl.discount = 400
	default:
		pl.discount = 610
	}
	pl.discount += map[string]int64{"No Upfront": 0, "Partial Upfront": 15, "All Upfront": 30}[pl.payment]
	for vi := 0; vi < numInstanceVariants; vi++ {
		if pl.compute || variants[vi].inst.family == pl.family {
			pl.eligible = append(pl.eligible, vi)
		}
	}
	pl.rates = make([][]money.Amount, numInstanceVariants)
	for vi := range pl.rates {
		pl.rates[vi] = make([]money.Amount, len(regions))
		for reg := range regions {
			rt := scale(b.usage[vi][reg].rate, 1000-pl.discount, 1000, step4)
			pl.rates[vi][reg] = max(rt, step4)
		}
	}
	kind, code := "ComputeSP", "ComputeSavingsPlans"
	if !pl.compute {
		kind = "EC2InstanceSP"
	}
	ut := fmt.Sprintf("%s:%dyr%s", kind, pl.years, strings.ReplaceAll(pl.payment, " ", ""))
	pl.prod = b.newProduct(prodSpec{svc: service{code, "Savings Plans for AWS Compute usage"}, usageType: ut, op: "",
		unit: "Hrs", family: "Savings Plan", reg: -1})
	return pl
}

// paysUpfront reports a plan bought this month with an upfront payment: it has an upfront fee
// row.
func (pl *savingsPlan) paysUpfront() bool { return pl.startsThisMonth && pl.payment != "No Upfront" }

func (pl *savingsPlan) offering() string {
	if pl.compute {
		return "ComputeSavingsPlans"
	}
	return "EC2InstanceSavingsPlans"
}

func (b *bill) makeReservations(r *rand.Rand) {
	n := min(max(3+b.o.Rows/300_000, 3), 16)
	for i := 0; i < n; i++ {
		ri := &reservation{weight: 1 + r.IntN(10), class: "standard", years: 1, util: int64(700 + r.IntN(301))}
		over := false
		switch i {
		case 0:
			ri.v, ri.reg, ri.payment, ri.boughtThisMonth, ri.util = vM5Large, 0, "All Upfront", true, 950
		case 1:
			ri.v, ri.reg, ri.payment, ri.rds, ri.util = vDBR6gLarge, 0, "Partial Upfront", true, 880
		case 2:
			// Bought for more than the instance now costs on demand: its usage shows up above
			// the public price.
			ri.v, ri.reg, ri.payment, ri.class, ri.years, ri.util, over = vT3Medium, 1, "No Upfront", "convertible", 3, 1000, true
		default:
			ri.v, ri.reg = pick(r, b.instCum), pick(r, b.regCum)
			ri.payment = payments[r.IntN(3)]
			if r.IntN(3) == 0 {
				ri.class = "convertible"
			}
			ri.years = []int{1, 3}[r.IntN(2)]
			ri.boughtThisMonth = r.IntN(8) == 0
		}
		if r.IntN(3) == 0 {
			ri.acct = b.pickAccount(r)
		}
		reg := regions[ri.reg].code
		acct := b.accounts[ri.acct].id
		ri.id = uuidOf(r)
		ri.sub = fmt.Sprintf("%d", 1_000_000_000+r.Int64N(9_000_000_000))
		v := &variants[ri.v]
		if ri.rds {
			ri.arn = fmt.Sprintf("arn:aws:rds:%s:%s:ri:%s", reg, acct, "ri-"+ri.id[:8]+"-postgres")
		} else {
			ri.arn = fmt.Sprintf("arn:aws:ec2:%s:%s:reserved-instances/%s", reg, acct, ri.id)
		}
		ri.start, ri.end = b.commitmentStart(r, ri.years, ri.boughtThisMonth)
		od := b.usage[ri.v][ri.reg].rate
		per := map[[2]int]int64{{0, 1}: 620, {0, 3}: 420, {1, 1}: 700, {1, 3}: 520}[[2]int{boolInt(ri.class == "convertible"), ri.years}]
		if over {
			per = 1200
		}
		eff := scale(od, per, 1000, 1)
		switch ri.payment {
		case "All Upfront":
			ri.a = max(roundTo(eff, step4), step4)
		case "Partial Upfront":
			ri.a = max(roundTo(eff/2, step4), step4)
			ri.f = max(roundTo(eff-ri.a, step4), step4)
		default:
			ri.f = max(roundTo(scale(eff, 105, 100, 1), step4), step4)
		}
		ri.norm = mustAmount(v.inst.norm)
		ri.duDesc = fmt.Sprintf("USD %s hourly fee per %s", (ri.a + ri.f).String(), ri.what())
		svc := services[svcEC2]
		if ri.rds {
			svc = services[svcRDS]
		}
		ri.prod = b.newProduct(prodSpec{svc: svc, usageType: "HeavyUsage:" + v.inst.typ, op: v.operation, unit: "Hrs",
			family: v.family, reg: ri.reg, inst: v.inst, extra: v.extra})
		b.ris = append(b.ris, ri)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// planParts splits the rows among parts and, within each, among categories, plans and
// reservations; the monthly fee rows go first in part 0.
func (b *bill) planParts() error {
	b.feeRows = len(b.plans) + len(b.ris) + 2 // recurring fees, RI fees, the returned plan's fee and refund
	for _, pl := range b.plans {
		if pl.paysUpfront() {
			b.feeRows++
		}
	}
	for _, ri := range b.ris {
		if ri.boughtThisMonth && ri.a > 0 {
			b.feeRows++
		}
	}
	const minBody = 8
	if need := b.feeRows + minBody*b.o.Parts; b.o.Rows < need {
		return fmt.Errorf("sample: %d rows cannot hold a bill in %d parts: need at least %d", b.o.Rows, b.o.Parts, need)
	}
	spW := make([]int, len(b.plans))
	for j, pl := range b.plans {
		spW[j] = pl.weight
	}
	riW := make([]int, len(b.ris))
	for i, ri := range b.ris {
		riW[i] = ri.weight
	}
	per, extra := b.o.Rows/b.o.Parts, b.o.Rows%b.o.Parts
	b.parts = make([]partPlan, b.o.Parts)
	for p := range b.parts {
		pp := &b.parts[p]
		pp.rows = per
		if p < extra {
			pp.rows++
		}
		body := pp.rows
		if p == 0 {
			body -= b.feeRows
		}
		n := &pp.n
		n[catSP] = max(body*22/200, 1)
		n[catDU] = max(body*8/100, 1)
		n[catSpot] = max(body*3/100, 1)
		n[catMarket] = max(body/100, 1)
		n[catCredit] = max(body/1000, 1)
		n[catTax] = max(body*2/1000, 1)
		n[catUsage] = body - 2*n[catSP] - n[catDU] - n[catSpot] - n[catMarket] - n[catCredit] - n[catTax]
		if n[catUsage] < 1 {
			return fmt.Errorf("sample: part %d has too few rows (%d)", p+1, pp.rows)
		}
		pp.sp = split(n[catSP], spW)
		pp.ri = split(n[catDU], riW)
	}
	return nil
}

// split shares n out in proportion to the weights, the remainder to the first ones.
func split(n int, w []int) []int {
	t := 0
	for _, x := range w {
		t += x
	}
	out := make([]int, len(w))
	left := n
	for i, x := range w {
		out[i] = n * x / t
		left -= out[i]
	}
	for i := 0; left > 0; i = (i + 1) % len(out) {
		out[i]++
		left--
	}
	return out
}

// A covered or discounted row's draw: everything that decides its cost comes from the plan's
// or reservation's own stream, so prepass can sum the costs before any row is written.
type draw struct {
	acct, v, reg, k int
	q               money.Amount
}

func (b *bill) hoursQty(r *rand.Rand) money.Amount {
	if r.IntN(100) < 85 {
		return unit
	}
	return money.Amount(500+r.IntN(9500)) * step4
}

func (b *bill) drawSP(r *rand.Rand, pl *savingsPlan) draw {
	d := draw{acct: b.pickAccount(r), v: pl.eligible[r.IntN(len(pl.eligible))], reg: pl.region}
	if d.reg < 0 {
		d.reg = pick(r, b.regCum)
	}
	d.k = r.IntN(resourcesPer)
	d.q = b.hoursQty(r)
	return d
}

func (b *bill) drawDU(r *rand.Rand, ri *reservation) draw {
	d := draw{acct: b.pickAccount(r), v: ri.v, reg: ri.reg}
	d.k = r.IntN(resourcesPer)
	d.q = b.hoursQty(r)
	return d
}

func (b *bill) prepass() {
	for p := range b.parts {
		for j, pl := range b.plans {
			r := b.rand(streamSP, uint64(p)<<16|uint64(j))
			for k := 0; k < b.parts[p].sp[j]; k++ {
				d := b.drawSP(r, pl)
				pl.used += mul(d.q, pl.rates[d.v][d.reg])
			}
		}
		for i, ri := range b.ris {
			r := b.rand(streamRI, uint64(p)<<16|uint64(i))
			for k := 0; k < b.parts[p].ri[i]; k++ {
				ri.hoursUsed += b.drawDU(r, ri).q
			}
		}
	}
}

// settle sizes every commitment from the usage it covers: a plan's hourly commitment is the
// smallest tenth of a cent that its utilisation target allows, a reservation's count the
// fewest instances that hold its hours.
func (b *bill) settle() {
	hours := int64(b.hours)
	const milli = money.Amount(10_000_000) // 0.001
	for _, pl := range append(append([]*savingsPlan(nil), b.plans...), b.returned) {
		if pl == b.returned {
			// Returned within days of buying: a plan sized like the bill's first one.
			pl.hourly = max(b.plans[0].hourly/3/milli*milli, milli)
		} else {
			pl.hourly = max(money.Amount(ceilDiv(pl.used, 1000, pl.util*hours*int64(milli)))*milli, milli)
		}
		switch pl.payment {
		case "All Upfront":
			pl.hourlyUp = pl.hourly
		case "Partial Upfront":
			pl.hourly = max(pl.hourly, 2*milli) // both parts non-zero
			pl.hourlyUp = pl.hourly / 2 / milli * milli
		}
		pl.total = pl.hourly * money.Amount(hours)
		pl.amortUp = pl.hourlyUp * money.Amount(hours)
		pl.recurring = pl.total - pl.amortUp
		if pl.paysUpfront() {
			pl.upfront = pl.hourlyUp * money.Amount(hoursPerYear*pl.years)
		}
	}
	for _, ri := range b.ris {
		ri.count = max(ceilDiv(ri.hoursUsed, 1000, ri.util*hours*int64(unit)), 1)
	}
}

func (b *bill) renderBlocks() error {
	b.tagTables()
	if b.o.Flavour == cur.LegacyParquet || b.o.Flavour == cur.CUR2Parquet {
		return nil
	}
	all := [][]*product{b.tax, b.mkt}
	all = append(all, b.usage...)
	all = append(all, b.spot...)
	for _, pl := range append(append([]*savingsPlan(nil), b.plans...), b.returned) {
		all = append(all, []*product{pl.prod})
	}
	for _, ri := range b.ris {
		all = append(all, []*product{ri.prod})
	}
	cs := &csvSink{b: b, l: b.layout}
	for _, ps := range all {
		for _, p := range ps {
			p.block = cs.productBlock(p)
		}
	}
	return nil
}

// tagTables renders the CUR 2.0 tag and cost category maps of every tag combination once.
func (b *bill) tagTables() {
	for w := 0; w < 2; w++ {
		b.tagJSON[w] = make([][]string, len(teams))
		b.tagKV[w] = make([][][2][]string, len(teams))
		for t := range teams {
			b.tagJSON[w][t] = make([]string, len(envs))
			b.tagKV[w][t] = make([][2][]string, len(envs))
			for e := range envs {
				k, v := tagMap(w, t, e)
				b.tagJSON[w][t][e] = string(appendCSV(nil, jsonObject(k, v)))
				b.tagKV[w][t][e] = [2][]string{k, v}
			}
		}
	}
	for t := range teams {
		k, v := b.costCatMap(t)
		b.costCatJSON = append(b.costCatJSON, string(appendCSV(nil, jsonObject(k, v))))
		b.costCatKV = append(b.costCatKV, [2][]string{k, v})
	}
}

// tagMap is a row's resource_tags (which 0) or tags (which 1) map: resource_tags keys are the
// AWS rule's snake_case of the tag, tags keys keep the legacy header.
func tagMap(which, team, env int) (keys, vals []string) {
	add := func(k, v string) {
		if v != "" {
			keys, vals = append(keys, k), append(vals, v)
		}
	}
	if which == 0 {
		add("user_env", envs[env])
		add("user_team", teams[team])
	} else {
		add("resourceTags/user:Env", envs[env])
		add("resourceTags/user:Team", teams[team])
	}
	return keys, vals
}

func (b *bill) costCatMap(team int) ([]string, []string) {
	return []string{"Team"}, []string{teams[team]}
}

func jsonObject(keys, vals []string) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(jsonString(k))
		sb.WriteByte(':')
		sb.WriteString(jsonString(vals[i]))
	}
	sb.WriteByte('}')
	return sb.String()
}

func jsonString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(c)
		case c < 0x20:
			fmt.Fprintf(&sb, `\u%04x`, c)
		default:
			sb.WriteRune(c)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
