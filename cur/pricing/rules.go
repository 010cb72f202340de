package pricing

// Rule describes in words what a metric does with one kind of line item, for explain.
type Rule struct {
	Kind  Kind
	Items string // which line items
	Value string // the cost it gets
	Label string // its actual_cost_source
}

// kindItems names the line items of each kind.
var kindItems = map[Kind]string{
	KindUsage:              "Usage",
	KindDiscountedUsage:    "DiscountedUsage",
	KindSPCoveredUsage:     "SavingsPlanCoveredUsage",
	KindSPNegation:         "SavingsPlanNegation",
	KindSPRecurringFee:     "SavingsPlanRecurringFee",
	KindSPUpfrontFee:       "SavingsPlanUpfrontFee",
	KindRIFee:              "RIFee",
	KindRIUpfrontFee:       "Fee with a reservation ARN (RI upfront)",
	KindReturnedSPRefund:   "Refund of a returned Savings Plan's one-time fee",
	KindSplitCost:          "split cost rows (operation EKSPod-EC2 or ECSTask-EC2)",
	KindDiscount:           "*Discount types (EdpDiscount, BundledDiscount, ...)",
	KindOther:              "any other type T (Credit, Refund, Tax, Fee, ...)",
	KindCUR2DiscountColumn: "CUR 2.0 discount_total_discount of a row",
}

// KindItems names the line items of a kind.
func KindItems(k Kind) string { return kindItems[k] }

var ruleKinds = []Kind{KindUsage, KindDiscountedUsage, KindSPCoveredUsage, KindSPNegation, KindSPRecurringFee,
	KindSPUpfrontFee, KindRIFee, KindRIUpfrontFee, KindReturnedSPRefund, KindSplitCost, KindDiscount, KindOther,
	KindCUR2DiscountColumn}

// Rules lists, kind by kind, what metric m does; it mirrors Evaluator.Eval.
func Rules(m Metric) []Rule {
	var out []Rule
	for _, k := range ruleKinds {
		r := Rule{Kind: k, Items: kindItems[k]}
		r.Value, r.Label = ruleOf(m, k)
		out = append(out, r)
	}
	return out
}

func ruleOf(m Metric, k Kind) (value, label string) {
	typeLabel := func(base string) string {
		if k == KindUsage {
			return base
		}
		return base + ": T"
	}
	if k == KindCUR2DiscountColumn {
		if m.CountsDiscountColumn() {
			return "discount_total_discount, as a discount row of its own", LabelCUR2Discount
		}
		return "0 (already inside the net columns)", "-"
	}
	switch m {
	case Unblended:
		return "line_item_unblended_cost", typeLabel(LabelUnblended)
	case Blended:
		return "line_item_blended_cost", typeLabel(LabelBlended)
	case NetUnblended:
		if k == KindDiscount {
			return "line_item_net_unblended_cost, or 0 when empty", typeLabel(LabelNetUnblended)
		}
		return "line_item_net_unblended_cost, else line_item_unblended_cost", typeLabel(LabelNetUnblended)
	case Simple:
		switch k {
		case KindDiscountedUsage:
			return "reservation_effective_cost", LabelRIEffective
		case KindSPCoveredUsage:
			return "savings_plan_savings_plan_effective_cost", LabelSPEffective
		}
		return "line_item_unblended_cost", typeLabel(LabelUnblended)
	}
	net := m == NetAmortized
	pick := func(gross, netCol string) string {
		if net {
			return netCol + ", else " + gross
		}
		return gross
	}
	switch k {
	case KindDiscountedUsage:
		return pick("reservation_effective_cost", "reservation_net_effective_cost"), LabelRIEffective
	case KindSPCoveredUsage:
		return pick("savings_plan_savings_plan_effective_cost", "savings_plan_net_savings_plan_effective_cost"), LabelSPEffective
	case KindSPNegation:
		return "0 (it repeats the covered usage's on-demand cost)", LabelSPNegation
	case KindSPRecurringFee:
		v := "savings_plan_total_commitment_to_date − savings_plan_used_commitment"
		if net {
			v += ", scaled by net/gross commitment for the period"
		}
		return v, LabelUnusedSP
	case KindSPUpfrontFee, KindRIUpfrontFee:
		return "0 (amortized into the covered usage)", LabelUpfrontFee
	case KindRIFee:
		return pick("reservation_unused_amortized_upfront_fee_for_billing_period + reservation_unused_recurring_fee",
			"the net twins of both unused columns"), LabelUnusedRI
	case KindReturnedSPRefund:
		return "0 (the upfront fee it refunds is excluded too)", LabelReturnedRefund
	case KindSplitCost:
		return "0 unless --include-split-cost (they restate instance cost per pod or task)", LabelSplitCost
	case KindDiscount:
		if net {
			return "line_item_net_unblended_cost, or 0 when empty", typeLabel(LabelUnblended)
		}
	}
	return pick("line_item_unblended_cost", "line_item_net_unblended_cost"), typeLabel(LabelUnblended)
}

// kindColumns lists, per kind, the amount columns explain shows: what the rules can pick from.
var kindColumns = map[Kind][]int{
	KindUsage:            {aUnblended, aPublicOD},
	KindDiscountedUsage:  {aUnblended, aRIEffective, aRINetEffective, aPublicOD},
	KindSPCoveredUsage:   {aUnblended, aSPEffective, aSPNetEffective, aPublicOD},
	KindSPNegation:       {aUnblended, aPublicOD},
	KindSPRecurringFee:   {aUnblended, aSPTotalCommitment, aSPUsedCommitment, aSPRecurring, aSPAmortizedUpfront},
	KindSPUpfrontFee:     {aUnblended},
	KindRIFee:            {aUnblended, aRIUnusedUpfront, aRIUnusedRecurring, aRIAmortizedUpfrontFee},
	KindRIUpfrontFee:     {aUnblended},
	KindReturnedSPRefund: {aUnblended},
	KindSplitCost:        {aUnblended, aPublicOD},
	KindDiscount:         {aUnblended, aNetUnblended},
	KindOther:            {aUnblended, aNetUnblended},
}

// KindColumns returns the roles (for Evaluator.AmountColumn) and names of the columns that
// matter for a kind.
func KindColumns(k Kind) (idx []int, names []string) {
	for _, i := range kindColumns[k] {
		idx = append(idx, i)
		names = append(names, evalAmounts[i])
	}
	return idx, names
}

// kindWhy says why simple and amortized part ways on a kind.
var kindWhy = map[Kind]string{
	KindSPNegation:       "simple adds the negation, which takes the Savings Plan discount off a second time: the covered rows already cost their effective cost",
	KindSPRecurringFee:   "simple counts the whole commitment in cash; its used part is already inside the covered rows' effective cost, so amortized keeps only the unused part",
	KindSPUpfrontFee:     "simple counts the upfront payment when paid; amortized spreads it over the covered usage's effective cost",
	KindRIUpfrontFee:     "simple counts the RI upfront payment when paid; amortized spreads it over the DiscountedUsage rows' effective cost",
	KindRIFee:            "simple counts the recurring fee in cash; amortized keeps only the unused upfront and recurring parts, the used parts being inside the DiscountedUsage rows",
	KindReturnedSPRefund: "the refund pays back an upfront fee that amortized already leaves out",
	KindSplitCost:        "split cost rows restate the instance cost per pod or task; counting them too would count it twice",
}

// KindWhy explains, for explain, why simple and amortized differ on a kind ("" when they agree).
func KindWhy(k Kind) string { return kindWhy[k] }
