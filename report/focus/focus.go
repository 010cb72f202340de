// Package focus converts CUR line items into FOCUS 1.2 rows (docs/focus.md): the columns, the
// charge category and commitment fields per kind of line item, and the costs under the
// cost rules of cur/pricing. It rides on report.Normalize, which reads and prices the rows.
package focus

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// Options steer Convert.
type Options struct {
	// Metric is pricing.Amortized (EffectiveCost amortized, BilledCost unblended) or
	// pricing.NetAmortized (both net of negotiated discounts where the bill has net columns).
	Metric           pricing.Metric
	IncludeSplitCost bool
	AccountNames     map[string]string
	SkipBadRows      bool
	AllowDuplicates  bool
}

// Convert writes every CUR row of sources to sink as FOCUS 1.2 rows: one row per line item,
// none for Savings Plan negation rows (their discount is in the covered row's BilledCost), a
// second row, CommitmentDiscountStatus Unused, for the unused part of a commitment's fee row,
// and at the end one Adjustment row per billing period, currency and account where negation
// and covered usage do not cancel, so that Σ BilledCost stays the invoice.
func Convert(ctx context.Context, sources []cur.Source, o Options, sink report.RowSink) (report.NormalizeStats, error) {
	if o.Metric != pricing.Amortized && o.Metric != pricing.NetAmortized {
		return report.NormalizeStats{}, fmt.Errorf("FOCUS output takes metric amortized or net-amortized, not %s", o.Metric)
	}
	keys, err := tagColumns(sources)
	if err != nil {
		return report.NormalizeStats{}, err
	}
	tags := slices.Sorted(maps.Keys(keys))
	m := &mapper{out: sink, net: o.Metric == pricing.NetAmortized, names: o.AccountNames, tags: tags, tagKeys: keys, residual: map[residualKey]money.Amount{}}
	cols := append(slices.Clone(inputColumns[:]), tags...)
	st, err := report.Normalize(ctx, sources, report.NormalizeOptions{Metric: o.Metric, Columns: cols,
		IncludeSplitCost: o.IncludeSplitCost, AccountNames: o.AccountNames, SkipBadRows: o.SkipBadRows,
		AllowDuplicates: o.AllowDuplicates}, m)
	// A FOCUS column the bill cannot fill is null: docs/focus.md says which, not every run.
	st.Warnings = slices.DeleteFunc(st.Warnings, func(w string) bool {
		return slices.ContainsFunc(cols, func(c string) bool { return strings.Contains(w, ": no column for "+c+" (") })
	})
	if err != nil {
		return st, err
	}
	n, err := m.residuals()
	st.Rows = m.rows + n
	return st, err
}

// Input columns Convert asks Normalize for, by role; their order is that of inputColumns.
const (
	inPeriodStart = iota
	inPeriodEnd
	inUsageStart
	inUsageEnd
	inPayer
	inPayerName
	inAccount
	inAccountName
	inCurrency
	inType
	inProductCode
	inServiceName
	inRegion
	inLocation
	inUsageType
	inOperation
	inResource
	inDescription
	inInvoice
	inSku
	inRateID
	inRIARN
	inSPARN
	inSPOfferingType
	inUsageAmount
	inPricingUnit
	inLegalEntity
	inRIUnusedQuantity
	inUnblended
	inNetUnblended
	inDiscount
	inRIAmortizedUpfront
	inSPAmortizedUpfront
	inSPCommitment
	numInputs
)

var inputColumns = [numInputs]string{
	inPeriodStart: cur.ColPeriodStart, inPeriodEnd: "bill_billing_period_end_date",
	inUsageStart: cur.ColUsageStart, inUsageEnd: "line_item_usage_end_date",
	inPayer: "payer", inPayerName: "bill_payer_account_name", inAccount: "account", inAccountName: "line_item_usage_account_name",
	inCurrency: "currency", inType: "line-item-type", inProductCode: "service", inServiceName: "service-name",
	inRegion: "region", inLocation: "product_location", inUsageType: "usage-type", inOperation: "operation",
	inResource: "resource", inDescription: cur.ColDescription, inInvoice: cur.ColInvoiceID, inSku: "product_sku",
	inRateID: "pricing_rate_id", inRIARN: cur.ColRIARN, inSPARN: cur.ColSPARN,
	inSPOfferingType: "savings_plan_offering_type", inUsageAmount: "line_item_usage_amount",
	inPricingUnit: "pricing_unit", inLegalEntity: "line_item_legal_entity",
	inRIUnusedQuantity: "reservation_unused_quantity",
	inUnblended:        cur.ColUnblended, inNetUnblended: "line_item_net_unblended_cost", inDiscount: cur.ColTotalDiscount,
	inRIAmortizedUpfront: "reservation_amortized_upfront_fee_for_billing_period",
	inSPAmortizedUpfront: "savings_plan_amortized_upfront_commitment_for_billing_period",
	inSPCommitment:       "savings_plan_total_commitment_to_date",
}

// tagColumns maps the flat user tag and cost category columns of the sources' schemas
// (legacy CUR) to their Tags keys: the tag key as written ("user:Team"), a cost category's
// name after "costCategory/". CUR 2.0's map columns tags, resource_tags and cost_category are
// read whole.
func tagColumns(sources []cur.Source) (map[string]string, error) {
	keys := map[string]string{"resource_tags": "", "tags": "", "cost_category": ""}
	for _, src := range sources {
		r, err := cur.Open(src, cur.Request{})
		if err != nil {
			return nil, err
		}
		s := r.Schema()
		for i, c := range s.Columns {
			raw := s.RawColumns[i]
			switch {
			case strings.HasPrefix(c, "resource_tags_user_"):
				_, k, _ := strings.Cut(raw, "/")
				keys[c] = cmp.Or(k, strings.TrimPrefix(c, "resource_tags_"))
			case strings.HasPrefix(c, "cost_category_"):
				_, k, _ := strings.Cut(raw, "/")
				keys[c] = "costCategory/" + cmp.Or(k, strings.TrimPrefix(c, "cost_category_"))
			}
		}
		r.Close()
	}
	return keys, nil
}

// DateFormat is FOCUS's date/time format: UTC, to the second.
const DateFormat = "2006-01-02T15:04:05Z"

// Waived returns the conformance rules (focustest's rule names) a bill of this schema cannot
// meet under the metric, each with the reason docs/focus.md gives.
func Waived(s *cur.Schema, m pricing.Metric) map[string]string {
	out := map[string]string{}
	waive := func(why string, rules ...string) {
		for _, r := range rules {
			out[r] = strings.TrimPrefix(out[r]+"; "+why, "; ")
		}
	}
	if s.Has(cur.ColTotalDiscount) || (m == pricing.NetAmortized && s.Has("line_item_net_unblended_cost")) {
		waive("a negotiated discount lowers the covered usage's effective cost, not the commitment's fee", "commitment-sums")
	}
	if !s.Has("line_item_usage_end_date") {
		waive("the bill has no line_item_usage_end_date: ChargePeriodEnd is null", "not-null", "period-order")
	}
	if !s.Has("pricing_unit") {
		waive("the bill has no pricing_unit: quantities have no unit", "null-together")
	}
	if !s.Has("bill_payer_account_id") {
		waive("the bill has no bill_payer_account_id: BillingAccountId is null", "not-null")
	}
	if !s.Has("line_item_usage_amount") {
		waive("the bill has no line_item_usage_amount: usage and purchase rows have no quantity",
			"pricing-quantity", "consumed-quantity", "commitment-quantity")
	}
	return out
}
