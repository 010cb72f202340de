package report

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
)

// MaxDimensions bounds --by; group keys are fixed-size arrays so the hot path does not allocate.
const MaxDimensions = 7

// Options steer a rollup.
type Options struct {
	Metric           pricing.Metric
	Dims             []Dimension
	Filters          []Filter
	IncludeSplitCost bool
	// AccountNames maps account ids to names for the account-name dimension of legacy bills.
	AccountNames map[string]string
	// Jobs is the number of files read at once (≥ 1).
	Jobs int
	// Sort is "cost", "name" or "savings"; "" is name when a dimension is a time (names of
	// time values sort chronologically), else cost.
	Sort string
	// Top keeps the Top costliest groups of each currency, whatever Sort says, and folds the
	// rest into one (other) group; 0 keeps every group.
	Top int
	// NoSummary: the caller shows no bill summary, so only the columns the chosen metric
	// reads are parsed and Result.Summaries stays empty.
	NoSummary bool
	// UsageDays, when > 0, keeps only rows whose usage started within the first UsageDays
	// days of their billing period, so a full month can be compared with a month to date
	// (check and diff --compare same-days). Rows without a usage date are kept.
	UsageDays int
	// Progress, when set, is called after each batch with the rows it held; SourceDone, when
	// set, when a source has been read to its end, with its rows. Both are called from the
	// reading goroutines, possibly at the same time.
	Progress   func(rows int)
	SourceDone func(src cur.Source, rows int64)
	// BytesRead, when set, is called as a CSV source is read, with the bytes of its content
	// as stored (cur.Request.OnRead), from the reading goroutines.
	BytesRead func(src cur.Source, n int)
	// Coverage fills the groups' CoveredRI and CoveredSP.
	Coverage bool
	// Usage fills the groups' usage quantity and unit (Group.Usage).
	Usage bool
	// AllProviders counts the rows of every provider of a FOCUS file, not AWS's alone.
	AllProviders bool
	// SkipBadRows (--on-error skip) skips rows whose cells cannot be read, and files that
	// cannot be read to their end, counting both in Result.Skipped. A file that fails half
	// way contributes nothing: the rows it delivered before the failure count as skipped.
	// When no file could be read at all, Run fails as without it.
	SkipBadRows bool
	// AllowDuplicates counts files of identical content once each instead of refusing them
	// (cur.ErrDuplicateInput).
	AllowDuplicates bool
	// AllowEmpty returns the empty rollup when the filters keep no row rather than failing
	// with ErrEmptySelection, and groups by a dimension whose columns no file has as (none)
	// rather than failing with cur.ErrMissingColumn: a part of a bill whose other parts may
	// hold the rows and the columns.
	AllowEmpty bool
	// Identify fingerprints every file, not only those whose size another shares, and lists
	// them in Result.Inputs: what a report document needs to be merged (Merge).
	Identify bool
	// Series fills each group's Series with its cost per usage day, in the same pass: what a
	// chart of cost over time needs, without a second read of the bill.
	Series bool

	// readAll reads every row group, as if no filter could pass one over (cur.Request.Keep).
	readAll bool
}

// ErrMissingAccountNames is returned for account-name on a legacy bill without --account-names.
var ErrMissingAccountNames = errors.New("account-name needs line_item_usage_account_name, which legacy CUR lacks: pass --account-names FILE (CSV of id,name)")

// Run reads every source and returns the rollup. Files are spread over opts.Jobs workers whose
// exact partial sums merge, so the result never depends on Jobs or on file order.
func Run(ctx context.Context, sources []cur.Source, opts Options) (*Result, error) {
	if len(opts.Dims) > MaxDimensions || opts.Series && len(opts.Dims) == MaxDimensions {
		return nil, fmt.Errorf("at most %d dimensions in --by", MaxDimensions)
	}
	if opts.Series {
		// The day is rolled up as one more dimension and folded into Series by result.
		day, err := ParseDimension("day")
		if err != nil {
			return nil, err
		}
		opts.Dims = append(slices.Clip(opts.Dims), day)
	}
	res, err := run(ctx, sources, opts)
	if errors.Is(err, errPassedOver) {
		// The rows the reader passed over hold what the explanation names: the values the
		// filters missed, or a map key that no row read had.
		opts.readAll = true
		res, err = run(ctx, sources, opts)
	}
	return res, err
}

// errPassedOver: a run whose readers passed over row groups kept no row, or met no row with a
// map key it groups or filters by: what it would report depends on the rows not read.
var errPassedOver = errors.New("filters kept no row, some rows unread")

func run(ctx context.Context, sources []cur.Source, opts Options) (*Result, error) {
	// The one place a run's goroutines are decided: jobs files at once, each with its share of
	// the cores, of which consumers roll up batches side by side and the reader may keep the
	// rest decoding.
	jobs := max(1, min(opts.Jobs, len(sources)))
	cores := max(1, runtime.GOMAXPROCS(0)/jobs)
	consumers := max(1, min(opts.Jobs, runtime.GOMAXPROCS(0))/jobs)
	// Each file's partial is merged as soon as it is done, so memory follows the groups, not
	// the number of files; exact sums make the merge order irrelevant.
	total := newPartial()
	var mu sync.Mutex
	errs := make([]error, len(sources))
	unreadable := make([]error, len(sources))
	contents := make([]*cur.Fingerprint, len(sources))
	fingerprint := make([]bool, len(sources))
	switch {
	case opts.Identify:
		for i := range fingerprint {
			fingerprint[i] = true
		}
	case !opts.AllowDuplicates:
		fingerprint = cur.SameSizes(sources)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var p *partial
				p, errs[i] = rollupFile(ctx, sources[i], &opts, cores, consumers, fingerprint[i])
				if errs[i] != nil && opts.SkipBadRows && skippable(errs[i]) {
					p = p.unreadable(sources[i], errs[i])
					unreadable[i], errs[i] = errs[i], nil
				}
				if errs[i] != nil {
					cancel()
					continue
				}
				contents[i] = p.content
				mu.Lock()
				total.merge(p)
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range sources {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	// Report the first failure in file order, not in the order workers met them.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if len(sources) > 0 && allErrors(unreadable) {
		return nil, unreadable[0] // nothing to report: skipping would hide the failure
	}
	if !opts.AllowDuplicates {
		if err := duplicates(sources, contents); err != nil {
			return nil, err
		}
	}
	passedOver := len(keepTests(&opts)) > 0
	if passedOver && slices.ContainsFunc(slices.Collect(maps.Values(total.lacking)), func(l *lack) bool { return l.mapKey }) {
		return nil, errPassedOver // the rows passed over may hold the map key no row read had
	}
	if err := total.lackedEverywhere(); err != nil && !opts.AllowEmpty {
		return nil, err
	}
	if len(opts.Filters) > 0 && total.rows > 0 && total.kept == 0 && passedOver {
		return nil, errPassedOver
	}
	if len(opts.Filters) > 0 && total.rows > 0 && total.kept == 0 && !opts.AllowEmpty {
		return nil, emptySelection(opts.Filters, total.filters)
	}
	res := total.result(&opts)
	for i, s := range sources {
		res.Files = append(res.Files, s.Name())
		if opts.Identify {
			res.Inputs = append(res.Inputs, Input{Name: s.Name(), Period: s.Period, Fingerprint: contents[i]})
		}
	}
	return res, nil
}

// partial is a rollup keyed by text, so partials of different workers merge exactly.
type partial struct {
	groups    map[string]*Group
	summaries map[string]*Summary
	types     map[string]map[string]*TypeSummary // summary key → type → sums
	warnings  map[string]bool
	skipped   []cur.SkipCount
	rows      int64 // rows delivered by the readers
	// content is the fingerprint of the one file a partial was read from, when known; merging
	// drops it.
	content *cur.Fingerprint
	// kept counts the rows the filters kept; while it is 0, filters tells what the files held
	// of each filter's values (one per Options.Filters).
	kept    int64
	filters []filterSeen
	// accounts are the account ids named through Options.AccountNames: whether each had a name.
	accounts map[string]bool
	// schemas counts the files whose columns were checked; lacking the files of those without
	// a dimension's columns, by dimension name.
	schemas int
	lacking map[string]*lack
}

// lack is a dimension whose columns some files do not have.
type lack struct {
	dim      Dimension
	files    int
	flavours map[cur.Flavour]bool
	near     map[string]string // the files' columns of the same family (tags, cost categories)
	// mapKey: the files have the columns only as keys of a CUR 2.0 map, which no row holds.
	mapKey bool
}

func newPartial() *partial {
	return &partial{groups: map[string]*Group{}, summaries: map[string]*Summary{},
		types: map[string]map[string]*TypeSummary{}, warnings: map[string]bool{}, accounts: map[string]bool{},
		lacking: map[string]*lack{}}
}

func groupKeyText(currency string, key []string) string {
	return currency + "\x00" + strings.Join(key, "\x00")
}

func (p *partial) merge(o *partial) {
	for k, g := range o.groups {
		if mine, ok := p.groups[k]; ok {
			mine.Add(g)
		} else {
			p.groups[k] = g
		}
	}
	for k, s := range o.summaries {
		mine, ok := p.summaries[k]
		if !ok {
			p.summaries[k] = s
			p.types[k] = o.types[k]
			continue
		}
		mine.addSummary(s)
		for t, ts := range o.types[k] {
			if m, ok := p.types[k][t]; ok {
				m.Rows += ts.Rows
				for i := range m.ByMetric {
					m.ByMetric[i].AddSum(ts.ByMetric[i])
				}
			} else {
				p.types[k][t] = ts
			}
		}
	}
	for w := range o.warnings {
		p.warnings[w] = true
	}
	p.skipped = append(p.skipped, o.skipped...)
	p.schemas += o.schemas
	for name, ol := range o.lacking {
		l, ok := p.lacking[name]
		if !ok {
			p.lacking[name] = ol
			continue
		}
		l.files += ol.files
		l.mapKey = l.mapKey || ol.mapKey
		maps.Copy(l.flavours, ol.flavours)
		maps.Copy(l.near, ol.near)
	}
	p.rows += o.rows
	p.kept += o.kept
	for id, named := range o.accounts {
		p.accounts[id] = p.accounts[id] || named
	}
	switch {
	case p.filters == nil:
		p.filters = o.filters
	case o.filters != nil:
		for i := range p.filters {
			p.filters[i].merge(o.filters[i])
		}
	}
}

func (s *Summary) addSummary(o *Summary) {
	s.Rows += o.Rows
	for i := range s.ByMetric {
		s.ByMetric[i].AddSum(o.ByMetric[i])
	}
	for _, pair := range [][2]*money.Sum{{&s.OnDemand, &o.OnDemand}, {&s.PricedCost, &o.PricedCost},
		{&s.UnpricedCost, &o.UnpricedCost}, {&s.UnusedSP, &o.UnusedSP}, {&s.UnusedRI, &o.UnusedRI},
		{&s.TrueUp, &o.TrueUp}, {&s.UpfrontFees, &o.UpfrontFees}, {&s.ExcludedRefunds, &o.ExcludedRefunds},
		{&s.SplitCost, &o.SplitCost}} {
		pair[0].AddSum(*pair[1])
	}
	s.UnpricedRows += o.UnpricedRows
	s.RowsWithoutInvoice += o.RowsWithoutInvoice
	s.Filtered = s.Filtered || o.Filtered
	s.FOCUS = s.FOCUS || o.FOCUS
	if o.FirstUsageDay != "" && (s.FirstUsageDay == "" || o.FirstUsageDay < s.FirstUsageDay) {
		s.FirstUsageDay = o.FirstUsageDay
	}
	if o.LastUsageDay > s.LastUsageDay {
		s.LastUsageDay = o.LastUsageDay
	}
}

// result sorts the partial into a Result.
func (p *partial) result(opts *Options) *Result {
	res := &Result{Metric: opts.Metric, Usage: opts.Usage, AllProviders: opts.AllProviders}
	dims := opts.Dims
	groups := p.groups
	if opts.Series {
		dims = dims[:len(dims)-1]
		groups = seriesGroups(p.groups, len(dims))
	}
	for _, d := range dims {
		res.Dimensions = append(res.Dimensions, d.Name)
	}
	for _, f := range opts.Filters {
		res.Filters = append(res.Filters, f.Text)
	}
	totals := map[string]*Group{}
	for _, g := range groups {
		res.Groups = append(res.Groups, g)
		t, ok := totals[g.Currency]
		if !ok {
			t = &Group{Currency: g.Currency}
			totals[g.Currency] = t
		}
		t.Add(g)
	}
	for _, c := range slices.Sorted(maps.Keys(totals)) {
		res.Totals = append(res.Totals, totals[c])
	}
	order := sortOrder(opts.Sort, dims)
	if opts.Top > 0 {
		sortGroups(res.Groups, "cost")
		res.Groups = foldTop(res.Groups, opts.Top, len(dims))
	}
	sortGroups(res.Groups, order)
	for _, k := range slices.Sorted(maps.Keys(p.summaries)) {
		s := p.summaries[k]
		for _, t := range slices.Sorted(maps.Keys(p.types[k])) {
			s.Types = append(s.Types, p.types[k][t])
		}
		res.Summaries = append(res.Summaries, s)
	}
	for _, w := range accountNameWarnings(opts.AccountNames, p.accounts) {
		p.warnings[w] = true
	}
	res.Warnings = slices.Sorted(maps.Keys(p.warnings))
	res.Skipped = sortSkipped(p.skipped)
	res.IncludeSplitCost, res.Top = opts.IncludeSplitCost, opts.Top
	if opts.AccountNames != nil {
		res.AccountNames = &AccountNameUse{Digest: AccountNamesDigest(opts.AccountNames), Accounts: p.accounts,
			Unmatched: unmatchedAccounts(opts.AccountNames, p.accounts)}
	}
	return res
}

// seriesGroups folds the last key cell of every group, its usage day, into the Series of a
// group keyed by the cells before it.
func seriesGroups(byDay map[string]*Group, dims int) map[string]*Group {
	out := map[string]*Group{}
	for _, g := range byDay {
		key := g.Key[:dims:dims]
		k := groupKeyText(g.Currency, key)
		sum, ok := out[k]
		if !ok {
			sum = &Group{Key: key, Currency: g.Currency, Series: map[string]money.Sum{}}
			out[k] = sum
		}
		day := *g
		day.Series = map[string]money.Sum{g.Key[dims]: g.Cost}
		sum.Add(&day)
	}
	return out
}

// Sorts lists the orders of groups Options.Sort accepts.
var Sorts = []string{"cost", "name", "savings"}

// sortOrder resolves Options.Sort for the dimensions of --by.
func sortOrder(sort string, dims []Dimension) string {
	if sort != "" {
		return sort
	}
	for _, d := range dims {
		if d.IsTime() {
			return "name"
		}
	}
	return "cost"
}

// sortGroups orders groups by currency, then by the chosen key, a currency's (other) group
// last; ties fall back to the dimension values so the order is total and output deterministic.
func sortGroups(gs []*Group, by string) {
	sort.Slice(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if a.Currency != b.Currency {
			return a.Currency < b.Currency
		}
		if (a.Folded > 0) != (b.Folded > 0) {
			return b.Folded > 0
		}
		var c int
		switch by {
		case "name":
		case "savings":
			c = b.Savings().Cmp(a.Savings())
		default:
			c = b.Cost.Cmp(a.Cost)
		}
		if c != 0 {
			return c < 0
		}
		return slices.Compare(a.Key, b.Key) < 0
	})
}

// foldTop keeps the first n groups of each currency and folds the rest into one (other) row per
// currency, so totals do not change.
func foldTop(gs []*Group, n, dims int) []*Group {
	var out []*Group
	var other *Group
	seen := 0
	for i, g := range gs {
		if i == 0 || g.Currency != gs[i-1].Currency {
			if other != nil {
				out = append(out, other)
			}
			other, seen = nil, 0
		}
		if seen < n {
			out = append(out, g)
			seen++
			continue
		}
		if other == nil {
			key := make([]string, dims)
			for k := range key {
				key[k] = Other
			}
			other = &Group{Key: key, Currency: g.Currency}
		}
		other.Add(g)
		other.Folded++
	}
	if other != nil {
		out = append(out, other)
	}
	return out
}

// valueSet interns the values of one dimension for a whole file: id 0 is "".
type valueSet struct {
	ids  map[string]uint32
	text []string
	// invalid is set once a value's invalid UTF-8 was replaced in text.
	invalid bool
}

func newValueSet() *valueSet { return &valueSet{ids: map[string]uint32{"": 0}, text: []string{""}} }

func (v *valueSet) id(s string) uint32 {
	if i, ok := v.ids[s]; ok {
		return i
	}
	i := uint32(len(v.text))
	// Every output format must stay valid UTF-8 (JSON above all), and all of them must show
	// a value alike: bad bytes become U+FFFD here, once per distinct value.
	shown := s
	if !utf8.ValidString(s) {
		shown, v.invalid = strings.ToValidUTF8(s, "\uFFFD"), true
	}
	v.text = append(v.text, shown)
	v.ids[s] = i
	return i
}

// dimEval finds a dimension's value id for each row of a batch, in two steps: local gives the
// row's index into ids, which prepare builds for the batch. Local indices are small and dense,
// so a batch can find its rows' groups in a grid rather than by hashing their keys.
type dimEval struct {
	dim    Dimension
	cols   []cur.StringCol // batch string columns, first non-empty wins
	values *valueSet
	// Per batch: the value id of each local index. For columns, local index offs[k] + code
	// stands for dictionary code code of column k, and 0 for a row whose columns are all empty.
	ids  []uint32
	offs []uint32
	// source
	labelIDs   []uint32 // evaluator label index → value id
	discountID uint32   // value of the CUR 2.0 discount part of a row
	// purchase-option
	spot []bool // per usage type code: contains "Spot"
	po   [4]uint32
	// service: the billing entity column, and each row's local index in this batch
	entityCol cur.StringCol
	rowLocal  []uint32
	rowBuf    []uint32
	// account-name
	names      map[string]string
	accountCol cur.StringCol
	accounts   map[string]bool // account ids that took their name from names: whether it had one
	// seen: a row of the file had a value in one of the columns (a CUR 2.0 map holds a key
	// only in rows that have it, so a misspelt tag is known by this alone).
	seen bool
}

func (d *dimEval) prepare(b *cur.Batch, ev *pricing.Evaluator) {
	switch d.dim.kind {
	case dimSource:
		for len(d.labelIDs) < len(ev.Labels()) {
			d.labelIDs = append(d.labelIDs, d.values.id(ev.Labels()[len(d.labelIDs)]))
		}
		d.ids = d.labelIDs
		return
	case dimPurchaseOption:
		ut := b.Str(d.cols[2])
		d.spot = d.spot[:0]
		for _, s := range ut.Dict {
			d.spot = append(d.spot, strings.Contains(s, "Spot"))
		}
		d.ids = d.po[:]
		return
	}
	d.ids, d.offs = append(d.ids[:0], 0), d.offs[:0]
	for _, c := range d.cols {
		d.offs = append(d.offs, uint32(len(d.ids)-1))
		for _, s := range b.Str(c).Dict[1:] {
			if d.dim.transform != nil {
				s = d.dim.transform.apply(s)
			}
			d.ids = append(d.ids, d.values.id(s))
		}
	}
	d.seen = d.seen || len(d.ids) > 1
	if d.dim.kind == dimService {
		d.prepareService(b)
	}
	if d.dim.kind == dimAccountName {
		// Rows without the CUR 2.0 column take their name from --account-names; an account
		// the file does not name shows its id, never one (none) for all of them.
		d.offs = append(d.offs, uint32(len(d.ids)))
		track := !b.Str(d.cols[0]).Present
		for _, id := range b.Str(d.accountCol).Dict {
			name, ok := d.names[id]
			if !ok {
				name = id
			}
			if track && id != "" {
				d.accounts[id] = ok
			}
			d.ids = append(d.ids, d.values.id(name))
		}
	}
}

// prepareService finds each row's service: its product code's local index (offs[0] is 0),
// or on a Marketplace row its product name's. A batch without Marketplace rows uses the
// product codes as they are.
func (d *dimEval) prepareService(b *cur.Batch) {
	codes := b.Str(d.cols[0]).Codes
	market := slices.Index(b.Str(d.entityCol).Dict, marketplace)
	if market <= 0 {
		d.rowLocal = codes
		return
	}
	entity, names := b.Str(d.entityCol).Codes, b.Str(d.cols[1]).Codes
	d.rowBuf = slices.Grow(d.rowBuf[:0], len(codes))[:len(codes)]
	for i, c := range codes {
		if entity[i] == uint32(market) && names[i] != 0 {
			c = d.offs[1] + names[i]
		}
		d.rowBuf[i] = c
	}
	d.rowLocal = d.rowBuf
}

// local returns row i's index into d.ids.
func (d *dimEval) local(b *cur.Batch, c *pricing.Costs, metric pricing.Metric, i int) uint32 {
	switch d.dim.kind {
	case dimSource:
		return uint32(c.Label[metric][i])
	case dimPurchaseOption:
		switch {
		case b.Str(d.cols[0]).Codes[i] != 0:
			return 0
		case b.Str(d.cols[1]).Codes[i] != 0:
			return 1
		case d.spot[b.Str(d.cols[2]).Codes[i]]:
			return 2
		}
		return 3
	}
	if d.dim.kind == dimService {
		return d.rowLocal[i]
	}
	for k, c := range d.cols {
		if code := b.Str(c).Codes[i]; code != 0 {
			return d.offs[k] + code
		}
	}
	if d.dim.kind == dimAccountName {
		return d.offs[len(d.cols)] + b.Str(d.accountCol).Codes[i]
	}
	return 0
}

// at returns row i's value id; discountPart asks for the value of the row's CUR 2.0 discount
// columns counted as a discount row of its own.
func (d *dimEval) at(b *cur.Batch, c *pricing.Costs, metric pricing.Metric, i int, discountPart bool) uint32 {
	if discountPart && d.discountID != 0 {
		return d.discountID
	}
	return d.ids[d.local(b, c, metric, i)]
}

// fileRollup accumulates one file with integer ids; it becomes a partial at the end.
type fileRollup struct {
	opts    *Options
	ev      *pricing.Evaluator
	dims    []*dimEval
	filters []*filterEval
	// batch string columns of the fields every rollup reads
	currencyCol, invoiceCol, periodCol, usageStartCol, typeCol cur.StringCol
	// with opts.Usage: the usage quantity and its pricing unit
	usageAmountCol cur.AmountCol
	unitCol        cur.StringCol

	currencies, periods, types *valueSet
	groups                     map[[MaxDimensions + 1]uint32]*Group
	recent                     [1 << recentBits]recentGroup
	// Per batch, the groups its rows have met, by cell: the currency's batch code and each
	// dimension's local index in mixed radix (gridSize: the radices). Off when the batch has
	// more than gridCells cells; rows then find their group by key.
	grid      []*Group
	gridSize  []uint32
	gridCodes [][]uint32 // per dimension of one column: that column's codes, else nil
	gridUsed  []uint32
	gridOn    bool
	cells     []uint32 // per row of the batch: its cell
	sumRows   []int32  // per batch: the rows kept, for the summary, when some are not
	sums      map[[2]uint32]*sumState
	// per batch
	currencyIDs, periodIDs, typeIDs []uint32
	days                            []int32
	// per batch, with opts.UsageDays only: days since 1970 of each usage start, of the first
	// of its month, and of each billing period start; -1 when not a date
	usageEpoch, usageMonthEpoch, periodEpoch []int32
	// cut is set once opts.UsageDays left a row out: the reconciliation no longer applies.
	cut bool
	// kept counts the rows the filters kept.
	kept int64
}

type sumState struct {
	s Summary
	// classes sums the rows by line item type, kind and whether priced, at classOf
	classes []sumClass
	first   int32 // yyyymmdd of first and last usage day; 0 when unknown
	last    int32
}

// sumClass sums the rows of one summary that share a line item type, a kind and whether they
// were priced. Every figure a row adds to follows from those three, so rows are only summed,
// without a branch, and the figures are decided once per class (sumState.fold).
type sumClass struct {
	rows       int64
	cost       [len(TypeSummary{}.ByMetric)]money.Sum
	onDemand   money.Sum
	trueUp     money.Sum
	discount   money.Sum
	discounted int64 // rows with a CUR 2.0 discount amount
}

// classesPerType is how many classes a line item type has: a kind each, priced or not.
const classesPerType = 2 * pricing.NumKinds

func classOf(typeID uint32, k pricing.Kind, priced bool) int {
	i := int(typeID)*classesPerType + int(k)<<1
	if priced {
		i++
	}
	return i
}

// reserve makes room for the classes of n line item types.
func (st *sumState) reserve(n int) {
	if need := n * classesPerType; len(st.classes) < need {
		st.classes = append(st.classes, make([]sumClass, need-len(st.classes))...)
	}
}

// fold adds the classes to the summary's figures and returns the sums per line item type id,
// discountType's taking the CUR 2.0 discount amounts under the gross metrics.
func (st *sumState) fold(metric pricing.Metric, discountType uint32) map[uint32]*TypeSummary {
	s := &st.s
	types := map[uint32]*TypeSummary{}
	typeSummary := func(id uint32) *TypeSummary {
		ts := types[id]
		if ts == nil {
			ts = &TypeSummary{}
			types[id] = ts
		}
		return ts
	}
	for i := range st.classes {
		cl := &st.classes[i]
		if cl.rows == 0 {
			continue
		}
		k, priced := pricing.Kind(i%classesPerType>>1), i&1 == 1
		ts := typeSummary(uint32(i / classesPerType))
		ts.Rows += cl.rows
		for m := range ts.ByMetric {
			ts.ByMetric[m].AddSum(cl.cost[m])
		}
		switch {
		case priced:
			s.OnDemand.AddSum(cl.onDemand)
			s.PricedCost.AddSum(cl.cost[metric])
		case k.IsUsage():
			s.UnpricedRows += cl.rows
			s.UnpricedCost.AddSum(cl.cost[metric])
		}
		switch k {
		case pricing.KindSPRecurringFee:
			s.UnusedSP.AddSum(cl.cost[pricing.Amortized])
		case pricing.KindRIFee:
			s.UnusedRI.AddSum(cl.cost[pricing.Amortized])
		}
		switch k.Recon() {
		case pricing.ReconUpfrontFee:
			s.UpfrontFees.AddSum(cl.cost[pricing.Unblended])
		case pricing.ReconExcludedRefund:
			s.ExcludedRefunds.AddSum(cl.cost[pricing.Unblended])
		case pricing.ReconSplitCost:
			s.SplitCost.AddSum(cl.cost[pricing.Unblended])
		}
		s.TrueUp.AddSum(cl.trueUp)
		if cl.discounted > 0 {
			dt := typeSummary(discountType)
			for _, m := range pricing.Metrics {
				if m.CountsDiscountColumn() {
					dt.ByMetric[m].AddSum(cl.discount)
				}
			}
		}
	}
	return types
}

type filterEval struct {
	f      *Filter
	d      *dimEval
	accept map[uint32]bool
	// present[id] is set once a batch held value id, so a selection that keeps nothing can
	// say which of its values the data lacks.
	present []bool
}

// notePresent marks the values of the batch just prepared.
func (f *filterEval) notePresent() {
	for _, id := range f.d.ids {
		for int(id) >= len(f.present) {
			f.present = append(f.present, false)
		}
		f.present[id] = true
	}
}

func (f *filterEval) keep(b *cur.Batch, c *pricing.Costs, m pricing.Metric, i int) bool {
	return f.accept[f.d.at(b, c, m, i, false)] != f.f.Negate
}

// newFileRollup prepares the rollup of one file and the request its reader needs.
func newFileRollup(opts *Options) (*fileRollup, cur.Request) {
	fr := &fileRollup{opts: opts, ev: pricing.NewEvaluator(opts.IncludeSplitCost),
		currencies: newValueSet(), periods: newValueSet(), types: newValueSet(),
		groups: map[[MaxDimensions + 1]uint32]*Group{}, sums: map[[2]uint32]*sumState{}}
	var req cur.Request
	fr.ev.Metric, fr.ev.MetricOnly, fr.ev.AllProviders = opts.Metric, opts.NoSummary, opts.AllProviders
	fr.ev.Ask(&req)
	col := req.AskString
	fr.currencyCol = col(cur.ColCurrency)
	if opts.NoSummary && opts.UsageDays == 0 {
		// The summary's columns are left out: one unparsed, empty column stands for them.
		fr.invoiceCol, fr.periodCol, fr.usageStartCol = col(""), col(""), col("")
	} else {
		fr.invoiceCol, fr.periodCol = col(cur.ColInvoiceID), col(cur.ColPeriodStart)
		fr.usageStartCol = col(cur.ColUsageStart)
	}
	fr.typeCol = fr.ev.TypeColumn()
	if opts.Usage {
		fr.usageAmountCol, fr.unitCol = req.AskAmount(ColUsageAmount), col(ColPricingUnit)
	}
	newDim := func(d Dimension) *dimEval {
		de := &dimEval{dim: d, values: newValueSet(), names: opts.AccountNames}
		for k, c := range d.columns {
			if d.kind == dimService && k == 1 {
				// Only a Marketplace row's service is its product's name, which CUR 2.0 keeps
				// among dozens of product attributes: the reader may pass the others over.
				de.cols = append(de.cols, req.AskStringWhere(c, cur.ColumnTest{Column: colBillingEntity, Values: []string{marketplace}}))
				continue
			}
			de.cols = append(de.cols, col(c))
		}
		if v := d.Form().DiscountValue; v != "" {
			de.discountID = de.values.id(v)
		}
		switch d.kind {
		case dimPurchaseOption:
			for k, s := range PurchaseOptions {
				de.po[k] = de.values.id(s)
			}
		case dimAccountName:
			de.accountCol = col(AccountColumn)
			de.accounts = map[string]bool{}
		case dimService:
			de.entityCol = col(colBillingEntity)
		}
		return de
	}
	for _, d := range opts.Dims {
		fr.dims = append(fr.dims, newDim(d))
	}
	for i := range opts.Filters {
		f := &opts.Filters[i]
		fe := &filterEval{f: f, d: newDim(f.Dim), accept: map[uint32]bool{}}
		for _, v := range f.Values {
			fe.accept[fe.d.values.id(v)] = true
		}
		fr.filters = append(fr.filters, fe)
	}
	req.Keep = keepTests(opts)
	// A row's source label is read only to group or filter by source.
	fr.ev.SkipLabels = true
	for _, d := range append(append([]Dimension(nil), opts.Dims...), filterDims(opts.Filters)...) {
		fr.ev.SkipLabels = fr.ev.SkipLabels && d.kind != dimSource
	}
	return fr, req
}

// checkSchema refuses a file the rollup cannot read, and notes and warns about the dimensions
// whose columns it lacks.
func (fr *fileRollup) checkSchema(src cur.Source, schema *cur.Schema) ([]string, map[string]*lack, error) {
	var warnings []string
	lacking := map[string]*lack{}
	opts := fr.opts
	for _, d := range append(append([]Dimension(nil), opts.Dims...), filterDims(opts.Filters)...) {
		if d.kind == dimAccountName && !schema.Has("line_item_usage_account_name") && opts.AccountNames == nil {
			return nil, nil, cur.FileError(src.Name(), nil, errors.Join(cur.ErrMissingColumn, ErrMissingAccountNames))
		}
		if (d.kind == dimColumn || d.kind == dimService) && len(d.columns) > 0 && !anyColumn(schema, d.columns) && lacking[d.Name] == nil {
			warnings = append(warnings, fmt.Sprintf("%s: no column for %s (%s): every row is %s", src.Name(), d.Name, strings.Join(d.columns, " or "), None))
			lacking[d.Name] = &lack{dim: d, files: 1, flavours: map[cur.Flavour]bool{schema.Flavour: true}, near: family(schema, d.columns[0])}
		}
	}
	if schema.Flavour == cur.FOCUS {
		if err := pricing.CheckFOCUS(opts.Metric); err != nil {
			return nil, nil, cur.FileError(src.Name(), nil, err)
		}
	}
	if !schema.Has(cur.ColUnblended) {
		return nil, nil, cur.FileError(src.Name(), nil, fmt.Errorf("%w: no unblended cost column (lineItem/UnblendedCost or line_item_unblended_cost)", cur.ErrMissingColumn)).InColumn(cur.ColUnblended)
	}
	return warnings, lacking, nil
}

// family names the schema's columns of col's family when it is a tag or cost category, the
// candidates for a misspelt key: canonical name → dimension as the file spells it.
func family(schema *cur.Schema, col string) map[string]string {
	out := map[string]string{}
	for _, f := range []struct{ prefix, dim string }{{"resource_tags_user_", "tag:"}, {"cost_category_", "cost-category:"}} {
		if !strings.HasPrefix(col, f.prefix) {
			continue
		}
		for i, c := range schema.Columns {
			if strings.HasPrefix(c, f.prefix) && i < len(schema.RawColumns) {
				raw := schema.RawColumns[i]
				out[c] = f.dim + raw[strings.LastIndexAny(raw, "/:")+1:]
			}
		}
	}
	return out
}

// lackedEverywhere refuses a run in which no file has a dimension's columns: every group would
// be (none), which is a misspelt or absent column, not a result.
func (p *partial) lackedEverywhere() error {
	for _, name := range slices.Sorted(maps.Keys(p.lacking)) {
		l := p.lacking[name]
		if l.files < p.schemas {
			continue
		}
		flavours := make([]string, 0, len(l.flavours))
		for f := range l.flavours {
			flavours = append(flavours, f.String())
		}
		slices.Sort(flavours)
		what := "the bill"
		if p.schemas > 1 {
			what = fmt.Sprintf("none of its %d files", p.schemas)
		}
		err := fmt.Errorf("%w: %s needs column %s, and %s (%s) has it", cur.ErrMissingColumn, name,
			strings.Join(l.dim.columns, " or "), what, strings.Join(flavours, ", "))
		if p.schemas == 1 {
			err = fmt.Errorf("%w: %s needs column %s, which the bill (%s) lacks", cur.ErrMissingColumn, name,
				strings.Join(l.dim.columns, " or "), strings.Join(flavours, ", "))
		}
		if l.mapKey {
			// A CUR 2.0 map holds a tag or cost category only in the rows that have one.
			err = fmt.Errorf("%w: %s reads %s, and no row of %s (%s) has it", cur.ErrMissingColumn, name,
				strings.Join(l.dim.columns, " or "), strings.TrimPrefix(what, "none of "), strings.Join(flavours, ", "))
		}
		if near := nearest(l.dim, l.near); near != "" {
			err = fmt.Errorf("%w; did you mean %s?", err, near)
		}
		return err
	}
	return nil
}

// nearest names the dimension of the closest column of near to d's, within a few edits.
func nearest(d Dimension, near map[string]string) string {
	best, bestD := "", 4
	for _, c := range slices.Sorted(maps.Keys(near)) {
		if dd := EditDistance(d.columns[0], c); dd < bestD {
			best, bestD = near[c], dd
		}
	}
	return best
}

// rollupFile streams one source into a partial; a reader that can share its batches feeds
// consumers rollups side by side.
func rollupFile(ctx context.Context, src cur.Source, opts *Options, cores, consumers int, fingerprint bool) (*partial, error) {
	fr, req := newFileRollup(opts)
	req.SkipBadRows, req.Fingerprint, req.Cores = opts.SkipBadRows, fingerprint, cores
	if opts.BytesRead != nil {
		req.OnRead = func(n int) { opts.BytesRead(src, n) }
	}
	r, err := cur.Open(src, req)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	warnings, lacking, err := fr.checkSchema(src, r.Schema())
	if err != nil {
		return nil, err
	}
	keyed := mapKeyDims(r.Schema(), opts)
	frs := []*fileRollup{fr}
	if sr, ok := r.(cur.SharedReader); ok && consumers > 1 && sr.Share(consumers) {
		for range consumers - 1 {
			more, _ := newFileRollup(opts)
			frs = append(frs, more)
		}
		if err := rollupShared(ctx, sr, frs, opts); err != nil {
			return nil, err
		}
	} else {
		for r.Next() {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			b := r.Batch()
			fr.add(b)
			if opts.Progress != nil {
				opts.Progress(b.Len)
			}
		}
	}
	readErr := r.Err()
	if readErr == nil && opts.SourceDone != nil {
		opts.SourceDone(src, r.Rows())
	}
	// Sums are exact, so the consumers' partials merge into the file's in any order.
	p := newPartial()
	for _, more := range frs[1:] {
		fr.ev.Absorb(more.ev)
	}
	for _, fr := range frs {
		p.merge(fr.partial())
		warnings = append(warnings, fr.fileWarnings(src, r)...)
		for _, a := range fr.ev.Assumptions() {
			warnings = append(warnings, src.Name()+": "+a)
		}
	}
	for _, d := range keyed {
		if readErr != nil || lacking[d.Name] != nil || slices.ContainsFunc(frs, func(fr *fileRollup) bool { return fr.saw(d.Name) }) {
			continue
		}
		lacking[d.Name] = &lack{dim: d, files: 1, flavours: map[cur.Flavour]bool{r.Schema().Flavour: true}, near: map[string]string{}, mapKey: true}
		warnings = append(warnings, fmt.Sprintf("%s: no row has %s (%s): every row is %s", src.Name(), d.Name, strings.Join(d.columns, " or "), None))
	}
	for _, w := range warnings {
		p.warnings[w] = true
	}
	for _, s := range p.summaries {
		s.FOCUS = r.Schema().Flavour == cur.FOCUS
	}
	p.rows = r.Rows()
	p.schemas, p.lacking = 1, lacking
	p.skipped = skippedOf(src, r)
	if fp, ok := r.Fingerprint(); ok {
		p.content = &fp
	}
	// The rows read before a failure come back with it: under SkipBadRows they are kept.
	return p, readErr
}

// rollupShared runs one rollup per goroutine over the batches of a shared reader.
func rollupShared(ctx context.Context, r cur.SharedReader, frs []*fileRollup, opts *Options) error {
	var wg sync.WaitGroup
	for _, fr := range frs {
		wg.Go(func() {
			for b := r.Take(); b != nil; b = r.Take() {
				if ctx.Err() != nil {
					r.Give(b)
					return
				}
				fr.add(b)
				if opts.Progress != nil {
					opts.Progress(b.Len)
				}
				r.Give(b)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

func filterDims(fs []Filter) []Dimension {
	var out []Dimension
	for _, f := range fs {
		out = append(out, f.Dim)
	}
	return out
}

// mapKeyDims are the column dimensions of opts (--by and --filter) that schema holds only as
// keys of maps: whether any row has them is known only once the file is read.
func mapKeyDims(schema *cur.Schema, opts *Options) []Dimension {
	var out []Dimension
	for _, d := range append(slices.Clone(opts.Dims), filterDims(opts.Filters)...) {
		if d.kind != dimColumn || slices.ContainsFunc(out, func(o Dimension) bool { return o.Name == d.Name }) {
			continue
		}
		var places []cur.Place
		for _, c := range d.columns {
			places = append(places, cur.Places(schema.Columns, c)...)
		}
		if len(places) > 0 && !slices.ContainsFunc(places, func(p cur.Place) bool { return p.Key == "" }) {
			out = append(out, d)
		}
	}
	return out
}

// saw reports whether a row of the batches fr read had a value for the dimension named name.
func (fr *fileRollup) saw(name string) bool {
	for _, d := range fr.dims {
		if d.dim.Name == name && d.seen {
			return true
		}
	}
	for _, f := range fr.filters {
		if f.d.dim.Name == name && f.d.seen {
			return true
		}
	}
	return false
}

func anyColumn(s *cur.Schema, cols []string) bool {
	for _, c := range cols {
		if s.Has(c) {
			return true
		}
	}
	return false
}

// idsOf maps a batch column's dictionary to ids of vs, through xf when given.
func idsOf(dst []uint32, col *cur.StringColumn, vs *valueSet, xf func(string) string) []uint32 {
	dst = dst[:0]
	for _, s := range col.Dict {
		if xf != nil {
			s = xf(s)
		}
		dst = append(dst, vs.id(s))
	}
	return dst
}

// dayNumber turns "2026-10-01..." into 20261001; 0 when not a date.
func dayNumber(s string) int32 {
	d := cur.DayOf(s)
	if d == "" {
		return 0
	}
	var n int32
	for i := 0; i < len(d); i++ {
		if d[i] != '-' {
			n = n*10 + int32(d[i]-'0')
		}
	}
	return n
}

func (fr *fileRollup) add(b *cur.Batch) {
	c := fr.ev.Eval(b)
	m := fr.opts.Metric
	for _, d := range fr.dims {
		d.prepare(b, fr.ev)
	}
	for _, f := range fr.filters {
		f.d.prepare(b, fr.ev)
		f.notePresent()
	}
	fr.startGrid(b)
	currencyCodes := b.Str(fr.currencyCol).Codes[:b.Len]
	fr.currencyIDs = idsOf(fr.currencyIDs, b.Str(fr.currencyCol), fr.currencies, nil)
	fr.periodIDs = idsOf(fr.periodIDs, b.Str(fr.periodCol), fr.periods, cur.PeriodOf)
	fr.typeIDs = idsOf(fr.typeIDs, b.Str(fr.typeCol), fr.types, nil)
	fr.days = fr.days[:0]
	for _, s := range b.Str(fr.usageStartCol).Dict {
		fr.days = append(fr.days, dayNumber(s))
	}
	limit := int32(fr.opts.UsageDays)
	if limit > 0 {
		fr.prepareUsageDays(b)
	}
	countsDiscount := m.CountsDiscountColumn()
	// What every row reads, hoisted out of the loop.
	n := b.Len
	currencyIDs, grid := fr.currencyIDs, fr.grid
	var cells []uint32
	if fr.gridOn {
		cells = fr.gridCells(b, c, m)
	}
	costM, costU := c.Cost[m][:n], c.Cost[pricing.Unblended][:n]
	priced, onDemand, kinds, discount := c.Priced[:n], c.OnDemand[:n], c.Kind[:n], c.Discount[:n]
	// Locals, not fields: the compiler cannot keep a field in a register across the stores
	// to groups.
	filters, summary, coverage := fr.filters, !fr.opts.NoSummary, fr.opts.Coverage
	usage := fr.opts.Usage
	var units *cur.StringColumn
	var usageAmounts *cur.AmountColumn
	if usage {
		units, usageAmounts = b.Str(fr.unitCol), b.Amt(fr.usageAmountCol)
	}
	// The summary sums the rows kept in a loop of its own (summarize): this one keeps fewer
	// values live. sumRows lists them when some may be left out.
	sparse := len(filters) > 0 || limit > 0
	sumRows := fr.sumRows[:0]
	kept := 0
	for i := 0; i < n; i++ {
		keep := true
		for _, f := range filters {
			if !f.keep(b, c, m, i) {
				keep = false
				break
			}
		}
		if !keep {
			continue
		}
		kept++
		if limit > 0 && !fr.withinUsageDays(b, i, limit) {
			fr.cut = true
			continue
		}
		if summary && sparse {
			sumRows = append(sumRows, int32(i))
		}
		var g *Group
		if cells != nil {
			cell := cells[i]
			if g = grid[cell]; g == nil {
				g = fr.group(b, c, m, i, currencyIDs[currencyCodes[i]], false)
				grid[cell] = g
				fr.gridUsed = append(fr.gridUsed, cell)
			}
		} else {
			g = fr.group(b, c, m, i, currencyIDs[currencyCodes[i]], false)
		}
		cost := costM[i]
		g.Rows++
		g.Cost.Add(cost)
		g.Unblended.Add(costU[i])
		if priced[i] {
			g.OnDemand.Add(onDemand[i])
			g.PricedCost.Add(cost)
			if coverage {
				switch kinds[i] {
				case pricing.KindDiscountedUsage:
					g.CoveredRI.Add(onDemand[i])
				case pricing.KindSPCoveredUsage:
					g.CoveredSP.Add(onDemand[i])
				}
			}
		} else if kinds[i].IsUsage() {
			g.UnpricedRows++
			g.UnpricedCost.Add(cost)
		}
		if usage && kinds[i].IsUsage() {
			g.Usage.add(units.Dict[units.Codes[i]], usageAmounts.Values[i])
		}
		if d := discount[i]; d != 0 && countsDiscount {
			dg := fr.group(b, c, m, i, currencyIDs[currencyCodes[i]], true)
			dg.Cost.Add(d)
			dg.Unblended.Add(d)
		}
	}
	fr.kept += int64(kept)
	if summary {
		fr.summarize(b, c, sumRows, !sparse)
		fr.sumRows = sumRows
	}
}

// summarize adds the rows of batch b, all or those listed, to the summaries of their billing
// period and currency.
func (fr *fileRollup) summarize(b *cur.Batch, c *pricing.Costs, rows []int32, all bool) {
	n := b.Len
	var lastKey [2]uint32
	var st *sumState
	var costs [len(c.Cost)][]money.Amount
	for k := range costs {
		costs[k] = c.Cost[k][:n]
	}
	trueUps, onDemand, kinds, priced, discount := c.TrueUp[:n], c.OnDemand[:n], c.Kind[:n], c.Priced[:n], c.Discount[:n]
	periodCodes, currencyCodes := b.Str(fr.periodCol).Codes[:n], b.Str(fr.currencyCol).Codes[:n]
	typeCodes, invoiceCodes, usageCodes := b.Str(fr.typeCol).Codes[:n], b.Str(fr.invoiceCol).Codes[:n], b.Str(fr.usageStartCol).Codes[:n]
	periodIDs, currencyIDs, typeIDs, days := fr.periodIDs, fr.currencyIDs, fr.typeIDs, fr.days
	filtered := len(fr.filters) > 0
	count := n
	if !all {
		count = len(rows)
	}
	for j := range count {
		i := j
		if !all {
			i = int(rows[j])
		}
		sk := [2]uint32{periodIDs[periodCodes[i]], currencyIDs[currencyCodes[i]]}
		if st == nil || sk != lastKey {
			st = fr.sums[sk]
			if st == nil {
				st = &sumState{}
				st.s.Filtered = filtered
				fr.sums[sk] = st
			}
			st.reserve(len(fr.types.text))
			lastKey = sk
		}
		cl := &st.classes[classOf(typeIDs[typeCodes[i]], kinds[i], priced[i])]
		cl.rows++
		for k := range cl.cost {
			cl.cost[k].Add(costs[k][i])
		}
		cl.onDemand.Add(onDemand[i])
		cl.trueUp.Add(trueUps[i])
		if d := discount[i]; d != 0 {
			cl.discount.Add(d)
			cl.discounted++
		}
		if invoiceCodes[i] == 0 {
			st.s.RowsWithoutInvoice++
		}
		if day := days[usageCodes[i]]; day != 0 {
			if st.first == 0 || day < st.first {
				st.first = day
			}
			st.last = max(st.last, day)
		}
	}
}

// prepareUsageDays turns the batch's date dictionaries into day numbers for withinUsageDays.
func (fr *fileRollup) prepareUsageDays(b *cur.Batch) {
	fr.usageEpoch, fr.usageMonthEpoch = fr.usageEpoch[:0], fr.usageMonthEpoch[:0]
	for _, s := range b.Str(fr.usageStartCol).Dict {
		d, m := epochDays(s)
		fr.usageEpoch, fr.usageMonthEpoch = append(fr.usageEpoch, d), append(fr.usageMonthEpoch, m)
	}
	fr.periodEpoch = fr.periodEpoch[:0]
	for _, s := range b.Str(fr.periodCol).Dict {
		d, _ := epochDays(s)
		fr.periodEpoch = append(fr.periodEpoch, d)
	}
}

// withinUsageDays reports whether row i's usage started within the first limit days of its
// billing period; a bill without period dates counts from the first of the usage month.
func (fr *fileRollup) withinUsageDays(b *cur.Batch, i int, limit int32) bool {
	u := b.Str(fr.usageStartCol).Codes[i]
	day := fr.usageEpoch[u]
	if day < 0 {
		return true
	}
	start := fr.periodEpoch[b.Str(fr.periodCol).Codes[i]]
	if start < 0 {
		start = fr.usageMonthEpoch[u]
	}
	return day-start < limit
}

// epochDays returns the days since 1970-01-01 of the UTC day of a date and of the first of its
// month; both are -1 when s is not a date.
func epochDays(s string) (day, monthStart int32) {
	t, err := time.Parse(time.DateOnly, cur.DayOf(s))
	if err != nil {
		return -1, -1
	}
	const secondsPerDay = 24 * 60 * 60
	return int32(t.Unix() / secondsPerDay), int32(t.AddDate(0, 0, 1-t.Day()).Unix() / secondsPerDay)
}

func (fr *fileRollup) group(b *cur.Batch, c *pricing.Costs, m pricing.Metric, i int, currency uint32, discountPart bool) *Group {
	var key [MaxDimensions + 1]uint32
	key[0] = currency
	h := currency * 0x9e3779b1
	for k, d := range fr.dims {
		key[k+1] = d.at(b, c, m, i, discountPart)
		h = (h ^ h>>15 ^ key[k+1]) * 0x9e3779b1
	}
	slot := &fr.recent[h>>(32-recentBits)]
	if slot.g != nil && slot.key == key {
		return slot.g
	}
	g := fr.groups[key]
	if g == nil {
		g = &Group{}
		fr.groups[key] = g
	}
	*slot = recentGroup{key: key, g: g}
	return g
}

// gridCells bounds the grid of a batch.
const gridCells = 1 << 16

// startGrid empties the grid and sizes it for batch b.
func (fr *fileRollup) startGrid(b *cur.Batch) {
	for _, cell := range fr.gridUsed {
		fr.grid[cell] = nil
	}
	fr.gridUsed, fr.gridSize, fr.gridCodes = fr.gridUsed[:0], fr.gridSize[:0], fr.gridCodes[:0]
	cells := uint64(len(b.Str(fr.currencyCol).Dict))
	for _, d := range fr.dims {
		fr.gridSize = append(fr.gridSize, uint32(len(d.ids)))
		cells *= uint64(len(d.ids))
		// A dimension of one column: its local index is the row's code in that column.
		var codes []uint32
		switch {
		case d.dim.kind == dimColumn && len(d.cols) == 1:
			codes = b.Str(d.cols[0]).Codes
		case d.dim.kind == dimService:
			codes = d.rowLocal
		}
		fr.gridCodes = append(fr.gridCodes, codes)
	}
	fr.gridOn = cells <= gridCells
	if fr.gridOn && uint64(len(fr.grid)) < cells {
		fr.grid = make([]*Group, cells)
	}
}

// gridCells returns each row's cell of the grid, a column at a time: tight loops over the
// dimensions' codes rather than a loop over dimensions per row.
func (fr *fileRollup) gridCells(b *cur.Batch, c *pricing.Costs, m pricing.Metric) []uint32 {
	n := b.Len
	if cap(fr.cells) < n {
		fr.cells = make([]uint32, n, max(n, cur.BatchRows))
	}
	cells := fr.cells[:n]
	copy(cells, b.Str(fr.currencyCol).Codes[:n])
	for k, d := range fr.dims {
		size := fr.gridSize[k]
		if codes := fr.gridCodes[k]; codes != nil {
			codes = codes[:n]
			for i, code := range codes {
				cells[i] = cells[i]*size + code
			}
			continue
		}
		for i := range cells {
			cells[i] = cells[i]*size + d.local(b, c, m, i)
		}
	}
	return cells
}

// recentBits sizes fileRollup.recent, a direct-mapped cache in front of the group map: the
// rows of a group come close together in a bill, and a map lookup hashes and compares the
// whole key.
const recentBits = 8

type recentGroup struct {
	key [MaxDimensions + 1]uint32
	g   *Group
}

// partial turns ids back into text.
func (fr *fileRollup) partial() *partial {
	p := newPartial()
	p.kept = fr.kept
	for _, d := range fr.dims {
		maps.Copy(p.accounts, d.accounts)
	}
	for _, f := range fr.filters {
		maps.Copy(p.accounts, f.d.accounts)
	}
	if fr.kept == 0 {
		for _, f := range fr.filters {
			p.filters = append(p.filters, f.seen())
		}
	}
	for key, g := range fr.groups {
		g.Currency = fr.currencies.text[key[0]]
		g.Key = make([]string, len(fr.dims))
		for k, d := range fr.dims {
			v := d.values.text[key[k+1]]
			if v == "" {
				v = None
			}
			g.Key[k] = v
		}
		kt := groupKeyText(g.Currency, g.Key)
		if mine, ok := p.groups[kt]; ok {
			mine.Add(g) // two ids can print alike, e.g. "" and "(none)"
		} else {
			p.groups[kt] = g
		}
	}
	for sk, st := range fr.sums {
		s := &st.s
		s.Filtered = s.Filtered || fr.cut
		s.Period, s.Currency = fr.periods.text[sk[0]], fr.currencies.text[sk[1]]
		s.FirstUsageDay, s.LastUsageDay = dayText(st.first), dayText(st.last)
		k := s.Period + "\x00" + s.Currency
		types := map[string]*TypeSummary{}
		for id, ts := range st.fold(fr.opts.Metric, fr.types.id(discountType)) {
			ts.Type = fr.types.text[id]
			types[ts.Type] = ts
			s.Rows += ts.Rows
			for m := range s.ByMetric {
				s.ByMetric[m].AddSum(ts.ByMetric[m])
			}
		}
		p.summaries[k] = s
		p.types[k] = types
	}
	return p
}

func dayText(n int32) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", n/10000, n/100%100, n%100)
}

// FoldTop is r with the n costliest groups of each currency, in r's order, and the rest folded
// into one (other) group per currency, as Options.Top folds them; r is unchanged.
func (r *Result) FoldTop(n int) *Result {
	byCost := slices.Clone(r.Groups)
	sortGroups(byCost, "cost")
	kept := map[*Group]bool{}
	others := map[string]*Group{}
	for _, g := range foldTop(byCost, n, len(r.Dimensions)) {
		if slices.Contains(r.Groups, g) {
			kept[g] = true
		} else {
			others[g.Currency] = g
		}
	}
	out := *r
	out.Groups = nil
	for i, g := range r.Groups {
		if kept[g] {
			out.Groups = append(out.Groups, g)
		}
		if last := i == len(r.Groups)-1; (last || r.Groups[i+1].Currency != g.Currency) && others[g.Currency] != nil {
			out.Groups = append(out.Groups, others[g.Currency])
		}
	}
	return &out
}
