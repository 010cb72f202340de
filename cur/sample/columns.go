package sample

import (
	"fmt"
	"sort"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pqwrite"
)

// String fields of a row.
const (
	sType = iota
	sBillingEntity
	sLegalEntity
	sProductCode
	sUsageType
	sOperation
	sAZ
	sDesc
	sTaxType
	sLease
	sOfferingClass
	sPurchaseOption
	sRateCode
	sRateID
	sPricingCurrency
	sTerm
	sRIAZ
	sRIEnd
	sRIMod
	sRINormPer
	sRINum
	sRIARN
	sRIStart
	sRISub
	sRITotNorm
	sRITotUnits
	sRIUnitsPer
	sSPARN
	sSPStart
	sSPEnd
	sSPOffering
	sSPPayment
	sSPTerm
	sSPRegion
	sSPFamily
	numS
)

// Amount fields of a row (numbers that are not money are amounts too: exact text is all they
// need).
const (
	aUsage = iota
	aNormFactor
	aNormUsage
	aUnblRate
	aUnbl
	aBlRate
	aBl
	aPublicOD
	aPublicRate
	aRIAmortUsage
	aRIAmortPeriod
	aRIEff
	aRIRecurUsage
	aRIUnusedUp
	aRIUnusedNorm
	aRIUnusedQty
	aRIUnusedRec
	aRIUpfrontValue
	aSPTotal
	aSPRate
	aSPUsed
	aSPEff
	aSPAmortUp
	aSPRecur
	numA
)

// fkind says where a column's value comes from.
type fkind uint8

const (
	fStr      fkind = iota // row.s[idx]
	fAmt                   // row.a[idx] when set
	fConst                 // the column's constant text
	fNull                  // always empty
	fProd                  // product attribute idx
	fProdUnit              // the product's pricing unit
	fLineItemID
	fTimeInterval
	fInvoice
	fPayer
	fPayerName
	fAccount
	fAccountName
	fPeriodStart
	fPeriodEnd
	fUsageStart
	fUsageEnd
	fResource
	fTagTeam
	fTagEnv
	fCostCat
	fProductMap
	fResourceTagsMap
	fTagsMap
	fCostCatMap
	fDiscountMap
)

// column is one column of a layout.
type column struct {
	name  string
	typ   pqwrite.Type // how Parquet stores it; CSV writes text
	kind  fkind
	idx   int
	konst string
}

// spec is a logical column: its legacy header, and whether each flavour carries it.
type spec struct {
	legacy string // legacy CSV header; "" for CUR 2.0-only columns
	cur2   string // CUR 2.0 name when not Snake(legacy); "-" when CUR 2.0 lacks it
	typ    pqwrite.Type
	kind   fkind
	idx    int
	konst  string
}

func str(name string, idx int) spec {
	return spec{legacy: name, typ: pqwrite.String, kind: fStr, idx: idx}
}
func amount(name string, idx int) spec {
	return spec{legacy: name, typ: pqwrite.Double, kind: fAmt, idx: idx}
}

// rate is a number AWS's Parquet stores as text.
func rate(name string, idx int) spec {
	return spec{legacy: name, typ: pqwrite.String, kind: fAmt, idx: idx}
}
func special(name string, typ pqwrite.Type, k fkind) spec {
	return spec{legacy: name, typ: typ, kind: k}
}
func konst(name, v string) spec {
	return spec{legacy: name, typ: pqwrite.String, kind: fConst, konst: v}
}

var specs = func() []spec {
	s := []spec{
		special("identity/LineItemId", pqwrite.String, fLineItemID),
		special("identity/TimeInterval", pqwrite.String, fTimeInterval),
		special("bill/InvoiceId", pqwrite.String, fInvoice),
		konst("bill/InvoicingEntity", "Amazon Web Services, Inc."),
		str("bill/BillingEntity", sBillingEntity),
		konst("bill/BillType", "Anniversary"),
		special("bill/PayerAccountId", pqwrite.String, fPayer),
		special("bill/BillingPeriodStartDate", pqwrite.Timestamp, fPeriodStart),
		special("bill/BillingPeriodEndDate", pqwrite.Timestamp, fPeriodEnd),
		special("lineItem/UsageAccountId", pqwrite.String, fAccount),
		str("lineItem/LineItemType", sType),
		special("lineItem/UsageStartDate", pqwrite.Timestamp, fUsageStart),
		special("lineItem/UsageEndDate", pqwrite.Timestamp, fUsageEnd),
		str("lineItem/ProductCode", sProductCode),
		str("lineItem/UsageType", sUsageType),
		str("lineItem/Operation", sOperation),
		str("lineItem/AvailabilityZone", sAZ),
		special("lineItem/ResourceId", pqwrite.String, fResource),
		amount("lineItem/UsageAmount", aUsage),
		amount("lineItem/NormalizationFactor", aNormFactor),
		amount("lineItem/NormalizedUsageAmount", aNormUsage),
		konst("lineItem/CurrencyCode", "USD"),
		rate("lineItem/UnblendedRate", aUnblRate),
		amount("lineItem/UnblendedCost", aUnbl),
		rate("lineItem/BlendedRate", aBlRate),
		amount("lineItem/BlendedCost", aBl),
		str("lineItem/LineItemDescription", sDesc),
		str("lineItem/TaxType", sTaxType),
		str("lineItem/LegalEntity", sLegalEntity),
	}
	for i, a := range productAttrs {
		s = append(s, spec{legacy: "product/" + a, typ: pqwrite.String, kind: fProd, idx: i})
	}
	s = append(s,
		str("pricing/LeaseContractLength", sLease),
		str("pricing/OfferingClass", sOfferingClass),
		str("pricing/PurchaseOption", sPurchaseOption),
		str("pricing/RateCode", sRateCode),
		str("pricing/RateId", sRateID),
		str("pricing/currency", sPricingCurrency),
		amount("pricing/publicOnDemandCost", aPublicOD),
		rate("pricing/publicOnDemandRate", aPublicRate),
		str("pricing/term", sTerm),
		special("pricing/unit", pqwrite.String, fProdUnit),
		amount("reservation/AmortizedUpfrontCostForUsage", aRIAmortUsage),
		amount("reservation/AmortizedUpfrontFeeForBillingPeriod", aRIAmortPeriod),
		str("reservation/AvailabilityZone", sRIAZ),
		amount("reservation/EffectiveCost", aRIEff),
		str("reservation/EndTime", sRIEnd),
		str("reservation/ModificationStatus", sRIMod),
		str("reservation/NormalizedUnitsPerReservation", sRINormPer),
		str("reservation/NumberOfReservations", sRINum),
		amount("reservation/RecurringFeeForUsage", aRIRecurUsage),
		str("reservation/ReservationARN", sRIARN),
		str("reservation/StartTime", sRIStart),
		str("reservation/SubscriptionId", sRISub),
		str("reservation/TotalReservedNormalizedUnits", sRITotNorm),
		str("reservation/TotalReservedUnits", sRITotUnits),
		str("reservation/UnitsPerReservation", sRIUnitsPer),
		amount("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", aRIUnusedUp),
		amount("reservation/UnusedNormalizedUnitQuantity", aRIUnusedNorm),
		amount("reservation/UnusedQuantity", aRIUnusedQty),
		amount("reservation/UnusedRecurringFee", aRIUnusedRec),
		amount("reservation/UpfrontValue", aRIUpfrontValue),
		amount("savingsPlan/TotalCommitmentToDate", aSPTotal),
		str("savingsPlan/SavingsPlanARN", sSPARN),
		amount("savingsPlan/SavingsPlanRate", aSPRate),
		amount("savingsPlan/UsedCommitment", aSPUsed),
		amount("savingsPlan/SavingsPlanEffectiveCost", aSPEff),
		amount("savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod", aSPAmortUp),
		amount("savingsPlan/RecurringCommitmentForBillingPeriod", aSPRecur),
		str("savingsPlan/StartTime", sSPStart),
		str("savingsPlan/EndTime", sSPEnd),
		str("savingsPlan/OfferingType", sSPOffering),
		str("savingsPlan/PaymentOption", sSPPayment),
		str("savingsPlan/PurchaseTerm", sSPTerm),
		str("savingsPlan/Region", sSPRegion),
		str("savingsPlan/InstanceTypeFamily", sSPFamily),
		// Legacy CUR has one column per tag and cost category; CUR 2.0 has maps instead.
		spec{legacy: "resourceTags/user:Env", cur2: "-", typ: pqwrite.String, kind: fTagEnv},
		spec{legacy: "resourceTags/user:Team", cur2: "-", typ: pqwrite.String, kind: fTagTeam},
		spec{legacy: "costCategory/Team", cur2: "-", typ: pqwrite.String, kind: fCostCat},
	)
	cur2 := func(name string, typ pqwrite.Type, k fkind) spec {
		return spec{cur2: name, typ: typ, kind: k}
	}
	s = append(s,
		cur2("bill_payer_account_name", pqwrite.String, fPayerName),
		cur2("line_item_usage_account_name", pqwrite.String, fAccountName),
		cur2("product", pqwrite.StringMap, fProductMap),
		cur2("resource_tags", pqwrite.StringMap, fResourceTagsMap),
		cur2("tags", pqwrite.StringMap, fTagsMap),
		cur2("cost_category", pqwrite.StringMap, fCostCatMap),
		cur2("discount", pqwrite.DoubleMap, fDiscountMap),
		cur2("product_pricing_unit", pqwrite.String, fProdUnit),
	)
	// Columns CUR 2.0 always has and this generator leaves empty: no negotiated discounts, no
	// split cost allocation.
	for _, n := range []string{"discount_bundled_discount", "discount_total_discount",
		"line_item_net_unblended_cost", "reservation_net_amortized_upfront_cost_for_usage",
		"reservation_net_amortized_upfront_fee_for_billing_period", "reservation_net_effective_cost",
		"reservation_net_recurring_fee_for_usage", "reservation_net_unused_amortized_upfront_fee_for_billing_period",
		"reservation_net_unused_recurring_fee", "reservation_net_upfront_value",
		"savings_plan_net_amortized_upfront_commitment_for_billing_period",
		"savings_plan_net_recurring_commitment_for_billing_period", "savings_plan_net_savings_plan_effective_cost",
		"split_line_item_actual_usage", "split_line_item_net_split_cost", "split_line_item_net_unused_cost",
		"split_line_item_public_on_demand_split_cost", "split_line_item_public_on_demand_unused_cost",
		"split_line_item_reserved_usage", "split_line_item_split_cost", "split_line_item_split_usage",
		"split_line_item_split_usage_ratio", "split_line_item_unused_cost"} {
		s = append(s, cur2(n, pqwrite.Double, fNull))
	}
	for _, n := range []string{"line_item_net_unblended_rate", "product_comment", "product_fee_code",
		"product_fee_description", "product_instancesku", "split_line_item_parent_resource_id"} {
		s = append(s, cur2(n, pqwrite.String, fNull))
	}
	return s
}()

// layout is the column list of one flavour, with the run of columns that depend on the
// product alone, which CSV writes from text rendered once per product.
type layout struct {
	flavour    cur.Flavour
	cols       []column
	blockStart int
	blockEnd   int // columns [blockStart, blockEnd) depend on the product only
}

func productOnly(k fkind) bool {
	return k == fProd || k == fProdUnit || k == fProductMap || k == fConst || k == fNull
}

func newLayout(f cur.Flavour) (*layout, error) {
	l := &layout{flavour: f}
	switch f {
	case cur.LegacyCSV, cur.LegacyParquet:
		for _, s := range specs {
			if s.legacy == "" {
				continue
			}
			name := s.legacy
			if f == cur.LegacyParquet {
				name = cur.Snake(name)
			}
			l.cols = append(l.cols, column{name: name, typ: s.typ, kind: s.kind, idx: s.idx, konst: s.konst})
		}
	case cur.CUR2CSV, cur.CUR2Parquet:
		for _, s := range specs {
			name := s.cur2
			if name == "-" {
				continue
			}
			if name == "" {
				name = cur.Snake(s.legacy)
			}
			if s.kind == fProd {
				if !cur2Flat[strings.TrimPrefix(name, "product_")] {
					continue // a key of the product map
				}
			}
			l.cols = append(l.cols, column{name: name, typ: s.typ, kind: s.kind, idx: s.idx, konst: s.konst})
		}
		// Data Exports list CUR 2.0 columns by name.
		sort.SliceStable(l.cols, func(i, j int) bool { return l.cols[i].name < l.cols[j].name })
	default:
		return nil, fmt.Errorf("sample: unknown flavour %d", int(f))
	}
	seen := map[string]bool{}
	for _, c := range l.cols {
		if seen[c.name] {
			return nil, fmt.Errorf("sample: column %s twice", c.name)
		}
		seen[c.name] = true
	}
	// The longest run of product-only columns that holds product attributes.
	best, bs := 0, 0
	for i := 0; i < len(l.cols); {
		j, attrs := i, false
		for ; j < len(l.cols) && productOnly(l.cols[j].kind); j++ {
			attrs = attrs || l.cols[j].kind == fProd
		}
		if attrs && j-i > best {
			best, bs = j-i, i
		}
		i = max(j, i+1)
	}
	l.blockStart, l.blockEnd = bs, bs+best
	return l, nil
}

// Names returns the column names of a flavour's files, in file order.
func Names(f cur.Flavour) ([]string, error) {
	l, err := newLayout(f)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(l.cols))
	for i, c := range l.cols {
		out[i] = c.name
	}
	return out, nil
}
