package report

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
)

// Commitment is one Savings Plan or reservation in one billing period and currency: what was
// committed, how much of it the covered usage used, and what that usage would have cost at
// public on-demand prices (docs/metrics.md, Commitments).
type Commitment struct {
	Period, Currency string
	ARN              string
	Kind             CommitmentKind
	// Type is a Savings Plan's offering type, or else the product of its fee rows
	// (ComputeSavingsPlans, ...), or the service of a reservation (AmazonEC2, AmazonRDS, ...).
	Type string
	// Region, Term, Start and End are as the bill writes them, "" where it has no column.
	Region, Term, Start, End string
	// Commitment is a Savings Plan's total commitment to date, or a reservation's recurring
	// fee plus its upfront fee amortized over the period; Unused is the part no usage used
	// (the amortized metric's cost of the fee rows) and Used the rest.
	Commitment, Used, Unused money.Sum
	// FeeRows counts the fee rows of the commitment; 0 means its fee is not in this bill (a
	// commitment bought in another account of a consolidated bill), so only the covered
	// usage is known.
	FeeRows int64
	// BadFeeRows counts the fee rows whose commitment columns cannot be right: an empty, 0
	// or negative commitment, an empty or negative used commitment, or more unused than
	// committed. They are
	// summed as written (so unused still ties to the report), but the commitment shows no
	// utilisation.
	BadFeeRows int64
	// CoveredRows, CoveredOnDemand and CoveredCost describe the usage the commitment covered:
	// its public on-demand cost (a covered Savings Plan row without one counts its unblended
	// cost, which AWS sets at the on-demand rate) and its effective cost.
	CoveredRows     int64
	CoveredOnDemand money.Sum
	CoveredCost     money.Sum
	// coveredIn names the files that hold its covered rows, for the warning about a
	// commitment whose fee rows are in none of them.
	coveredIn []string
}

// CommitmentKind tells Savings Plans from reservations.
type CommitmentKind string

// The kinds of commitment.
const (
	SavingsPlan CommitmentKind = "SavingsPlan"
	Reservation CommitmentKind = "Reservation"
)

// Utilisation is Used / Commitment; nil when the commitment is not in the bill, is 0 or
// less, or has fee rows whose columns cannot be right (BadFeeRows).
func (c *Commitment) Utilisation() *big.Rat {
	if c.FeeRows == 0 || c.BadFeeRows > 0 || c.Commitment.Sign() <= 0 {
		return nil
	}
	return new(big.Rat).Quo(c.Used.Rat(), c.Commitment.Rat())
}

// Savings is the covered usage's on-demand cost less its effective cost.
func (c *Commitment) Savings() money.Sum {
	s := c.CoveredOnDemand
	s.SubSum(c.CoveredCost)
	return s
}

// DaysLeft is the number of whole days from now to the commitment's end; false when the bill
// gives no end date.
func (c *Commitment) DaysLeft(now time.Time) (int, bool) {
	end, ok := parseInstant(c.End)
	if !ok {
		return 0, false
	}
	return int(end.Sub(now).Hours() / 24), true
}

// CommitmentOptions steer Commitments.
type CommitmentOptions struct {
	SkipBadRows     bool
	AllowDuplicates bool
}

// CommitmentResult is what Commitments found: one entry per commitment, period and currency,
// sorted by period, currency, kind, type and ARN, and the rows skipped.
type CommitmentResult struct {
	Commitments []*Commitment
	Skipped     []cur.SkipCount
	// Warnings name what could not be tied to a commitment, or not trusted, per file: fee
	// or covered rows without their ARN, fee rows with bad commitment columns, covered rows
	// of a commitment whose fee rows are in none of the files.
	Warnings []string
}

// commitmentColumns are the descriptive columns of a commitment, by Savings Plan and by
// reservation: offering type, region, term, start, end.
var (
	spColumns = [5]string{"savings_plan_offering_type", "savings_plan_region", "savings_plan_purchase_term",
		"savings_plan_start_time", "savings_plan_end_time"}
	riColumns = [5]string{cur.ColProductCode, "product_region_code", "pricing_lease_contract_length",
		"reservation_start_time", "reservation_end_time"}
)

// Commitments reads every source and sums, per billing period, currency and commitment ARN,
// the commitment, its use and the usage it covered, under the rules of the amortized metric.
// Sources are read one after the other; files of identical content are refused unless
// AllowDuplicates, and a file that fails half way counts nothing under SkipBadRows.
func Commitments(ctx context.Context, sources []cur.Source, o CommitmentOptions) (*CommitmentResult, error) {
	found := map[commitmentKey]*Commitment{}
	res := &CommitmentResult{}
	contents := make([]*cur.Fingerprint, len(sources))
	fingerprint := make([]bool, len(sources))
	if !o.AllowDuplicates {
		fingerprint = cur.SameSizes(sources)
	}
	readable := 0
	var first error
	for i, src := range sources {
		part := map[commitmentKey]*Commitment{}
		fp, skipped, bad, err := commitmentsOf(ctx, src, o.SkipBadRows, fingerprint[i], func(k commitmentKey) *Commitment {
			c := part[k]
			if c == nil {
				c = &Commitment{Period: k.period, Currency: k.currency, ARN: k.arn}
				part[k] = c
			}
			return c
		})
		res.Skipped = append(res.Skipped, skipped...)
		if err != nil && o.SkipBadRows && skippable(err) {
			res.Skipped = append(res.Skipped, unreadableFile(src, 0, err))
			first = cmp.Or(first, err)
			continue
		}
		if err != nil {
			return nil, err
		}
		readable++
		contents[i] = fp
		if bad.noARN > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d commitment fee or covered usage rows have no Savings Plan or reservation ARN: left out of the commitments, though the report counts their cost", src.Name(), bad.noARN))
		}
		if bad.badFee > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d commitment fee rows have an empty, 0 or negative commitment, an empty or negative used commitment, or more unused than committed (first: %s, %s): their commitments show no utilisation", src.Name(), bad.badFee, bad.firstBadARN, bad.firstBadPeriod))
		}
		for k, c := range part {
			if c.CoveredRows > 0 {
				c.coveredIn = []string{src.Name()}
			}
			if mine := found[k]; mine != nil {
				mine.add(c)
			} else {
				found[k] = c
			}
		}
	}
	if readable == 0 && first != nil {
		return nil, first // nothing was read: skipping would hide the failure
	}
	if !o.AllowDuplicates {
		if err := duplicates(sources, contents); err != nil {
			return nil, err
		}
	}
	for _, c := range found {
		c.Used = c.Commitment
		c.Used.SubSum(c.Unused)
		res.Commitments = append(res.Commitments, c)
	}
	slices.SortFunc(res.Commitments, func(a, b *Commitment) int {
		return cmp.Or(cmp.Compare(a.Period, b.Period), cmp.Compare(a.Currency, b.Currency), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Type, b.Type), cmp.Compare(a.ARN, b.ARN))
	})
	for _, c := range res.Commitments {
		if c.FeeRows == 0 && c.CoveredRows > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d usage rows covered by %s in %s, whose fee rows are in none of these bills (a commitment of another account or payer): its commitment and utilisation are unknown", strings.Join(c.coveredIn, ", "), c.CoveredRows, c.ARN, cmp.Or(c.Period, "(no billing period)")))
		}
	}
	res.Skipped = sortSkipped(res.Skipped)
	return res, nil
}

// commitmentKey is a commitment in one billing period and currency.
type commitmentKey struct{ period, currency, arn string }

// badRows counts the rows of one file that commitmentsOf could not tie to a commitment, or
// not trust.
type badRows struct {
	noARN, badFee               int64
	firstBadARN, firstBadPeriod string
}

// commitmentsOf reads one source into the commitments at returns, and counts the rows that
// name no commitment or whose fee columns cannot be right; a file that fails half way
// returns its error, and the caller drops its sums.
func commitmentsOf(ctx context.Context, src cur.Source, skip, fingerprint bool, at func(commitmentKey) *Commitment) (fp *cur.Fingerprint, skipped []cur.SkipCount, bad badRows, err error) {
	ev := pricing.NewEvaluator(false)
	req := ev.Request()
	req.SkipBadRows, req.Fingerprint = skip, fingerprint
	spARN, riARN := req.AskString(cur.ColSPARN), req.AskString(cur.ColRIARN)
	currencyCol, periodCol := req.AskString(cur.ColCurrency), req.AskString(cur.ColPeriodStart)
	var spInfo, riInfo [5]cur.StringCol
	for k := range spColumns {
		spInfo[k], riInfo[k] = req.AskString(spColumns[k]), req.AskString(riColumns[k])
	}
	regionAlt := req.AskString("product_region") // where a bill has no product_region_code
	totalCol, usedCol := req.AskAmount("savings_plan_total_commitment_to_date"), req.AskAmount("savings_plan_used_commitment")
	unblendedCol, odCol := req.AskAmount(cur.ColUnblended), req.AskAmount(cur.ColPublicOD)
	r, err := cur.Open(src, req)
	if err != nil {
		return nil, nil, bad, err
	}
	defer r.Close()
	if err := curOnly(src, r, "commitments"); err != nil {
		return nil, nil, bad, err
	}
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return nil, nil, bad, err
		}
		b := r.Batch()
		c := ev.Eval(b)
		sp, ri, currency, period := b.Str(spARN), b.Str(riARN), b.Str(currencyCol), b.Str(periodCol)
		total, used, unblended, od := b.Amt(totalCol), b.Amt(usedCol), b.Amt(unblendedCol), b.Amt(odCol)
		for i := range b.Len {
			kind := c.Kind[i]
			arn, info, ck := sp, spInfo, SavingsPlan
			switch kind {
			case pricing.KindSPRecurringFee, pricing.KindSPCoveredUsage:
			case pricing.KindRIFee, pricing.KindDiscountedUsage:
				arn, info, ck = ri, riInfo, Reservation
			default:
				continue
			}
			name := arn.Value(i)
			if name == "" {
				bad.noARN++
				continue
			}
			key := commitmentKey{cur.PeriodOf(period.Value(i)), currency.Value(i), name}
			cm := at(key)
			cm.Kind = ck
			for j, f := range []*string{&cm.Type, &cm.Region, &cm.Term, &cm.Start, &cm.End} {
				if v := b.Str(info[j]).Value(i); v != "" {
					*f = v
				}
			}
			if cm.Region == "" && ck == Reservation {
				cm.Region = b.Str(regionAlt).Value(i)
			}
			if cm.Type == "" && kind == pricing.KindSPRecurringFee {
				cm.Type = b.Str(riInfo[0]).Value(i) // a plan's fee rows carry its product, ComputeSavingsPlans, ...
			}
			amortized := c.Cost[pricing.Amortized][i]
			// A fee row is bad when its commitment is missing, 0 or negative, its use
			// missing or negative, or its unused part exceeds its commitment.
			badFee := func(commitment money.Amount, ok bool) {
				if ok && commitment > 0 && amortized >= 0 && amortized <= commitment {
					return
				}
				cm.BadFeeRows++
				if bad.badFee == 0 {
					bad.firstBadARN, bad.firstBadPeriod = name, cmp.Or(key.period, "(no billing period)")
				}
				bad.badFee++
			}
			switch kind {
			case pricing.KindSPRecurringFee:
				cm.FeeRows++
				cm.Commitment.Add(total.Values[i])
				cm.Unused.Add(amortized)
				badFee(total.Values[i], total.IsSet(i) && used.IsSet(i) && used.Values[i] >= 0)
			case pricing.KindRIFee:
				// The recurring fee is the row's cash; the upfront fee amortized over the
				// period is the negative of its true-up term.
				cm.FeeRows++
				commitment := unblended.Values[i] - c.TrueUp[i]
				cm.Commitment.Add(commitment)
				cm.Unused.Add(amortized)
				badFee(commitment, true)
			default:
				cm.CoveredRows++
				cm.CoveredCost.Add(amortized)
				switch {
				case od.IsSet(i) && od.Values[i] > 0:
					cm.CoveredOnDemand.Add(od.Values[i])
				case kind == pricing.KindSPCoveredUsage:
					cm.CoveredOnDemand.Add(unblended.Values[i])
				}
			}
		}
	}
	if f, ok := r.Fingerprint(); ok {
		fp = &f
	}
	return fp, skippedOf(src, r), bad, r.Err()
}

func (c *Commitment) add(o *Commitment) {
	c.Commitment.AddSum(o.Commitment)
	c.Unused.AddSum(o.Unused)
	c.FeeRows += o.FeeRows
	c.BadFeeRows += o.BadFeeRows
	c.coveredIn = append(c.coveredIn, o.coveredIn...)
	c.CoveredRows += o.CoveredRows
	c.CoveredOnDemand.AddSum(o.CoveredOnDemand)
	c.CoveredCost.AddSum(o.CoveredCost)
	for _, p := range [][2]*string{{&c.Type, &o.Type}, {&c.Region, &o.Region}, {&c.Term, &o.Term}, {&c.Start, &o.Start}, {&c.End, &o.End}} {
		*p[0] = cmp.Or(*p[0], *p[1])
	}
}
