// Package focustest checks FOCUS 1.2 rows against the specification's machine-checkable rules
// (docs/focus.md, Conformance): columns present, nulls, allowed values, formats, and the cost
// identities per commitment.
package focustest

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur/money"
)

// Rule names, as docs/focus.md lists them.
const (
	RulePresent          = "mandatory-present"
	RuleNotNull          = "not-null"
	RuleAllowed          = "allowed-values"
	RuleDateFormat       = "date-format"
	RulePeriodOrder      = "period-order"
	RuleDecimal          = "decimal"
	RuleTaxNulls         = "tax-nulls"
	RulePricingQuantity  = "pricing-quantity"
	RuleConsumedQuantity = "consumed-quantity"
	RuleNullTogether     = "null-together"
	RuleCommitmentFields = "commitment-fields"
	RuleCommitQuantity   = "commitment-quantity"
	RulePurchaseFreq     = "purchase-frequency"
	RulePurchaseEffCost  = "purchase-effective-cost"
	RuleCreditCosts      = "credit-costs"
	RuleCommitmentSums   = "commitment-sums"
	RuleTags             = "tags-json"
)

// Violation is one rule broken by one row (Row is 0-based), or by a commitment (Row -1).
type Violation struct {
	Rule   string
	Row    int
	Detail string
}

func (v Violation) String() string { return fmt.Sprintf("%s (row %d): %s", v.Rule, v.Row, v.Detail) }

// mandatory are FOCUS 1.2's Mandatory columns, and notNull the columns that never allow null.
var (
	mandatory = []string{"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
		"BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart",
		"ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit",
		"ProviderName", "PublisherName", "ServiceCategory", "ServiceName"}
	notNull = []string{"BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
		"ChargeCategory", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost",
		"InvoiceIssuerName", "ListCost", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName"}
	allowed = map[string][]string{
		"ChargeCategory":             {"Usage", "Purchase", "Tax", "Credit", "Adjustment"},
		"ChargeClass":                {"Correction"},
		"ChargeFrequency":            {"One-Time", "Recurring", "Usage-Based"},
		"CommitmentDiscountCategory": {"Spend", "Usage"},
		"CommitmentDiscountStatus":   {"Used", "Unused"},
		"PricingCategory":            {"Standard", "Dynamic", "Committed", "Other"},
		"ServiceCategory": {"AI and Machine Learning", "Analytics", "Business Applications", "Compute", "Databases",
			"Developer Tools", "Multicloud", "Identity", "Integration", "Internet of Things", "Management and Governance",
			"Media", "Migration", "Mobile", "Networking", "Security", "Storage", "Web", "Other"},
	}
	dates    = []string{"BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"}
	decimals = []string{"BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity",
		"ConsumedQuantity", "CommitmentDiscountQuantity"}
	// pairs are columns null together.
	pairs      = [][2]string{{"PricingQuantity", "PricingUnit"}, {"ConsumedQuantity", "ConsumedUnit"}, {"CommitmentDiscountQuantity", "CommitmentDiscountUnit"}, {"CommitmentDiscountId", "CommitmentDiscountCategory"}}
	dateFormat = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
)

// Validate checks rows (cells as text, "" for null) under header and returns every
// violation, rows in order, then the commitments sorted by id.
func Validate(header []string, rows [][]string) []Violation {
	var out []Violation
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, c := range mandatory {
		if _, ok := col[c]; !ok {
			out = append(out, Violation{RulePresent, -1, c + " is absent"})
		}
	}
	if len(out) > 0 {
		return out
	}
	type sums struct {
		usage, used, unused, purchase, recurring, upfront money.Sum
		hasRecurring                                      bool
	}
	commitments := map[string]*sums{}
	for r, row := range rows {
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		bad := func(rule, format string, args ...any) {
			out = append(out, Violation{rule, r, fmt.Sprintf(format, args...)})
		}
		num := func(c string) money.Amount {
			a, _, _ := money.ParseString(get(c))
			return a
		}
		for _, c := range notNull {
			if get(c) == "" {
				bad(RuleNotNull, "%s is null", c)
			}
		}
		for c, vals := range allowed {
			if v := get(c); v != "" && !slices.Contains(vals, v) {
				bad(RuleAllowed, "%s %q", c, v)
			}
		}
		for _, c := range dates {
			if v := get(c); v != "" && !dateFormat.MatchString(v) {
				bad(RuleDateFormat, "%s %q", c, v)
			}
		}
		if get("BillingPeriodStart") >= get("BillingPeriodEnd") || get("ChargePeriodStart") > get("ChargePeriodEnd") {
			bad(RulePeriodOrder, "billing %s–%s, charge %s–%s", get("BillingPeriodStart"), get("BillingPeriodEnd"),
				get("ChargePeriodStart"), get("ChargePeriodEnd"))
		}
		for _, c := range decimals {
			if v := get(c); v != "" {
				if _, _, err := money.ParseString(v); err != nil {
					bad(RuleDecimal, "%s %q", c, v)
				}
			}
		}
		for _, p := range pairs {
			if (get(p[0]) == "") != (get(p[1]) == "") {
				bad(RuleNullTogether, "%s %q, %s %q", p[0], get(p[0]), p[1], get(p[1]))
			}
		}
		cat, class, status, id := get("ChargeCategory"), get("ChargeClass"), get("CommitmentDiscountStatus"), get("CommitmentDiscountId")
		usageOrPurchase := cat == "Usage" || cat == "Purchase"
		if cat == "Tax" && (get("PricingQuantity") != "" || get("PricingCategory") != "") {
			bad(RuleTaxNulls, "Tax row with PricingQuantity %q, PricingCategory %q", get("PricingQuantity"), get("PricingCategory"))
		}
		if usageOrPurchase && class != "Correction" && (get("PricingQuantity") == "" || get("PricingCategory") == "") {
			bad(RulePricingQuantity, "%s row without PricingQuantity or PricingCategory", cat)
		}
		consumedOK := cat == "Usage" && status != "Unused"
		if !consumedOK && get("ConsumedQuantity") != "" {
			bad(RuleConsumedQuantity, "ConsumedQuantity on a %s %s row", cat, status)
		}
		if consumedOK && class != "Correction" && get("ConsumedQuantity") == "" {
			bad(RuleConsumedQuantity, "Usage row without ConsumedQuantity")
		}
		switch {
		case id == "" && (status != "" || get("CommitmentDiscountType") != ""):
			bad(RuleCommitmentFields, "status or type without a commitment id")
		case id != "" && cat == "Usage" && status == "":
			bad(RuleCommitmentFields, "Usage row of %s without a status", id)
		}
		hasQuantity := get("CommitmentDiscountQuantity") != ""
		if wantQ := id != "" && usageOrPurchase; (wantQ && class != "Correction" && !hasQuantity) || (!wantQ && hasQuantity) {
			bad(RuleCommitQuantity, "CommitmentDiscountQuantity %q on a %s row of commitment %q", get("CommitmentDiscountQuantity"), cat, id)
		}
		if cat == "Purchase" && get("ChargeFrequency") == "Usage-Based" {
			bad(RulePurchaseFreq, "Usage-Based purchase")
		}
		if cat == "Purchase" && id != "" && num("EffectiveCost") != 0 {
			bad(RulePurchaseEffCost, "purchase of %s at effective cost %s", id, get("EffectiveCost"))
		}
		if cat == "Credit" && (num("EffectiveCost") != num("BilledCost") || num("ListCost") != num("BilledCost") || num("ContractedCost") != num("BilledCost")) {
			bad(RuleCreditCosts, "credit billed %s, effective %s, list %s, contracted %s", get("BilledCost"), get("EffectiveCost"), get("ListCost"), get("ContractedCost"))
		}
		if t := get("Tags"); t != "" {
			var kv map[string]any
			if err := json.Unmarshal([]byte(t), &kv); err != nil || !strings.HasPrefix(t, "{") {
				bad(RuleTags, "Tags %q is not a JSON object", t)
			}
		}
		if id == "" {
			continue
		}
		s := commitments[id]
		if s == nil {
			s = &sums{}
			commitments[id] = s
		}
		switch {
		case cat == "Usage":
			s.usage.Add(num("EffectiveCost"))
			if status == "Used" {
				s.used.Add(num("EffectiveCost"))
			} else {
				s.unused.Add(num("EffectiveCost"))
			}
		case cat == "Purchase" && get("ChargeFrequency") == "Recurring":
			s.hasRecurring = true
			s.recurring.Add(num("BilledCost"))
			s.upfront.Add(num("x_AmortizedUpfrontCost"))
			s.purchase.Add(num("BilledCost"))
		case cat == "Purchase":
			s.purchase.Add(num("BilledCost"))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(commitments)) {
		s := commitments[id]
		parts := s.used
		parts.AddSum(s.unused)
		if parts.Cmp(s.usage) != 0 {
			out = append(out, Violation{RuleCommitmentSums, -1, fmt.Sprintf("%s: usage %s ≠ used %s + unused %s", id, s.usage, s.used, s.unused)})
		}
		// Σ EffectiveCost of Usage = Σ BilledCost of Purchase holds for commitments paid as
		// they are used; a CUR bills an upfront payment once, and its monthly share is
		// x_AmortizedUpfrontCost of the recurring fee row. Commitments without a recurring fee
		// row in the rows (bought in another bill) cannot be checked.
		if !s.hasRecurring {
			continue
		}
		due := s.recurring
		due.AddSum(s.upfront)
		if due.Cmp(s.usage) != 0 && s.purchase.Cmp(s.usage) != 0 {
			out = append(out, Violation{RuleCommitmentSums, -1, fmt.Sprintf("%s: effective usage %s ≠ purchases %s (recurring %s + amortized upfront %s)", id, s.usage, s.purchase, s.recurring, s.upfront)})
		}
	}
	return out
}
