package focustest

import (
	"slices"
	"testing"
)

// TestValidateCatches: a conforming row passes, and each change breaks the rule named.
func TestValidateCatches(t *testing.T) {
	header := []string{"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
		"BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd",
		"ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity",
		"PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName", "PricingCategory",
		"ConsumedQuantity", "ConsumedUnit", "CommitmentDiscountId", "CommitmentDiscountCategory",
		"CommitmentDiscountStatus", "CommitmentDiscountQuantity", "CommitmentDiscountUnit", "Tags", "x_AmortizedUpfrontCost"}
	good := map[string]string{"BilledCost": "10", "BillingAccountId": "1", "BillingCurrency": "USD",
		"BillingPeriodEnd": "2026-11-01T00:00:00Z", "BillingPeriodStart": "2026-10-01T00:00:00Z", "ChargeCategory": "Usage",
		"ChargeFrequency": "Usage-Based", "ChargePeriodEnd": "2026-10-02T00:00:00Z", "ChargePeriodStart": "2026-10-01T00:00:00Z",
		"ContractedCost": "10", "EffectiveCost": "10", "InvoiceIssuerName": "AWS", "ListCost": "10", "PricingQuantity": "1",
		"PricingUnit": "Hrs", "ProviderName": "AWS", "PublisherName": "AWS", "ServiceCategory": "Compute",
		"ServiceName": "EC2", "PricingCategory": "Standard", "ConsumedQuantity": "1", "ConsumedUnit": "Hrs",
		"Tags": `{"user:Team":"web"}`}
	row := func(change map[string]string) []string {
		out := make([]string, len(header))
		for i, h := range header {
			out[i] = good[h]
			if v, ok := change[h]; ok {
				out[i] = v
			}
		}
		return out
	}
	if v := Validate(header, [][]string{row(nil)}); len(v) != 0 {
		t.Fatalf("conforming row: %v", v)
	}
	for _, c := range []struct {
		rule   string
		change map[string]string
	}{
		{RuleNotNull, map[string]string{"EffectiveCost": ""}},
		{RuleAllowed, map[string]string{"ChargeCategory": "Fee"}},
		{RuleDateFormat, map[string]string{"ChargePeriodStart": "2026-10-01 00:00:00"}},
		{RulePeriodOrder, map[string]string{"BillingPeriodEnd": "2026-09-01T00:00:00Z"}},
		{RuleDecimal, map[string]string{"ListCost": "NULL"}},
		{RuleNullTogether, map[string]string{"PricingUnit": ""}},
		{RuleTaxNulls, map[string]string{"ChargeCategory": "Tax", "ChargeFrequency": "Recurring", "ConsumedQuantity": "", "ConsumedUnit": ""}},
		{RulePricingQuantity, map[string]string{"PricingCategory": ""}},
		{RuleConsumedQuantity, map[string]string{"ChargeCategory": "Credit", "ChargeFrequency": "One-Time", "PricingQuantity": "", "PricingUnit": "", "PricingCategory": ""}},
		{RuleCommitmentFields, map[string]string{"CommitmentDiscountId": "ri", "CommitmentDiscountCategory": "Usage", "CommitmentDiscountQuantity": "1", "CommitmentDiscountUnit": "Hrs"}},
		{RuleCommitQuantity, map[string]string{"CommitmentDiscountQuantity": "1", "CommitmentDiscountUnit": "Hrs"}},
		{RulePurchaseFreq, map[string]string{"ChargeCategory": "Purchase", "ConsumedQuantity": "", "ConsumedUnit": ""}},
		{RulePurchaseEffCost, map[string]string{"ChargeCategory": "Purchase", "ChargeFrequency": "One-Time", "ConsumedQuantity": "", "ConsumedUnit": "",
			"CommitmentDiscountId": "ri", "CommitmentDiscountCategory": "Usage", "CommitmentDiscountQuantity": "1", "CommitmentDiscountUnit": "Hrs"}},
		{RuleCreditCosts, map[string]string{"ChargeCategory": "Credit", "ChargeFrequency": "One-Time", "ConsumedQuantity": "", "ConsumedUnit": "", "EffectiveCost": "0"}},
		{RuleTags, map[string]string{"Tags": `["web"]`}},
	} {
		var rules []string
		for _, v := range Validate(header, [][]string{row(c.change)}) {
			rules = append(rules, v.Rule)
		}
		if !slices.Contains(rules, c.rule) {
			t.Errorf("%v: rules broken %v, want %s", c.change, rules, c.rule)
		}
	}
	if v := Validate(header[1:], nil); len(v) != 1 || v[0].Rule != RulePresent {
		t.Errorf("without BilledCost: %v", v)
	}
	// A commitment whose usage's effective cost is not what its recurring fee and amortized
	// upfront bill.
	fee := row(map[string]string{"ChargeCategory": "Purchase", "ChargeFrequency": "Recurring", "ConsumedQuantity": "", "ConsumedUnit": "",
		"EffectiveCost": "0", "BilledCost": "8", "x_AmortizedUpfrontCost": "1",
		"CommitmentDiscountId": "ri", "CommitmentDiscountCategory": "Usage", "CommitmentDiscountQuantity": "1", "CommitmentDiscountUnit": "Hrs"})
	used := row(map[string]string{"CommitmentDiscountId": "ri", "CommitmentDiscountCategory": "Usage", "CommitmentDiscountStatus": "Used",
		"CommitmentDiscountQuantity": "1", "CommitmentDiscountUnit": "Hrs", "PricingCategory": "Committed"})
	if v := Validate(header, [][]string{fee, used}); len(v) != 1 || v[0].Rule != RuleCommitmentSums {
		t.Errorf("usage 10 against fee 8 + upfront 1: %v", v)
	}
}
