package focus

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// Charge categories, frequencies and statuses as FOCUS spells them.
const (
	catUsage      = "Usage"
	catPurchase   = "Purchase"
	catTax        = "Tax"
	catCredit     = "Credit"
	catAdjustment = "Adjustment"

	freqOneTime   = "One-Time"
	freqRecurring = "Recurring"
	freqUsage     = "Usage-Based"
)

// charge is how a line item type maps: its charge category and frequency.
type charge struct{ category, frequency string }

// charges maps CUR line item types (docs/focus.md, Line item types). A type ending in
// "Discount" is a Credit; any other type not listed an Adjustment.
var charges = map[string]charge{
	"Usage":                   {catUsage, freqUsage},
	"DiscountedUsage":         {catUsage, freqUsage},
	"SavingsPlanCoveredUsage": {catUsage, freqUsage},
	"Tax":                     {catTax, freqRecurring},
	"Credit":                  {catCredit, freqOneTime},
	"Refund":                  {catCredit, freqOneTime},
	"Fee":                     {catPurchase, freqOneTime},
	"SavingsPlanUpfrontFee":   {catPurchase, freqOneTime},
	"RIFee":                   {catPurchase, freqRecurring},
	"SavingsPlanRecurringFee": {catPurchase, freqRecurring},
	"FlatRateSubscription":    {catPurchase, freqRecurring},
}

func chargeOf(lineItemType string) charge {
	if c, ok := charges[lineItemType]; ok {
		return c
	}
	if strings.HasSuffix(lineItemType, "Discount") {
		return charge{catCredit, freqOneTime}
	}
	return charge{catAdjustment, freqOneTime}
}

// mapper is the RowSink Normalize writes to: it turns each normalized row into FOCUS rows
// for out.
type mapper struct {
	out report.RowSink
	net bool
	// names are account names by id (--account-names), for bills that carry none.
	names map[string]string
	tags  []string
	// tagKeys are the Tags keys of the flat tag columns.
	tagKeys map[string]string
	// tagMemo is Tags by the text of a row's tag cells (tagKey, reused), bounded.
	tagMemo  map[string]report.Cell
	tagKey   []byte
	cells    [numColumns]report.Cell
	at       struct{ cost, label, onDemand int }
	partNext bool // the next row is the CUR 2.0 discount part of the one before, already applied
	rows     int64
	residual map[residualKey]money.Amount
}

// residualKey is where a Savings Plan negation and its covered usage did not cancel.
type residualKey struct {
	periodStart, periodEnd int64
	currency, payer, acct  string
}

func (m *mapper) Header(names []string, types []report.CellType) error {
	n := len(inputColumns) + len(m.tags)
	if len(names) != n+len(report.NormalizeColumnNames) {
		return fmt.Errorf("focus: %d input columns, expected %d", len(names), n+len(report.NormalizeColumnNames))
	}
	m.at.cost, m.at.label, m.at.onDemand = n, n+1, n+2
	out := make([]string, numColumns)
	typ := make([]report.CellType, numColumns)
	for i, c := range Columns {
		out[i], typ[i] = c.Name, c.Type
	}
	return m.out.Header(out, typ)
}

func (m *mapper) Row(in []report.Cell) error {
	if m.partNext {
		m.partNext = false
		return nil
	}
	text := func(k int) string { return in[k].Text }
	amt := func(k int) money.Amount { return in[k].Amount }
	typ := text(inType)
	label := in[m.at.label].Text
	billed := amt(inUnblended)
	effective := in[m.at.cost].Amount
	if m.net {
		switch {
		case !in[inNetUnblended].Empty:
			billed = amt(inNetUnblended)
		case strings.HasSuffix(typ, "Discount"):
			billed = 0 // as the net metrics have it: the discount is inside the other rows' net cost
		}
	} else if d := amt(inDiscount); d != 0 {
		// CUR 2.0's discount columns reduce the row they sit on; Normalize's discount part
		// row that follows is then left out.
		billed += d
		effective += d
		m.partNext = true
	}
	if label == pricing.LabelSPNegation || typ == "SavingsPlanCoveredUsage" {
		// The negation cancels the covered row's on-demand charge (its unblended cost): the
		// covered row bills only what a negotiated discount takes off, and what does not
		// cancel comes out as an Adjustment at the end.
		k := residualKey{in[inPeriodStart].Time, in[inPeriodEnd].Time, text(inCurrency), text(inPayer), text(inAccount)}
		if label == pricing.LabelSPNegation {
			m.residual[k] += billed
			return nil
		}
		m.residual[k] += amt(inUnblended)
		billed -= amt(inUnblended)
	}
	ch := chargeOf(typ)
	if label == pricing.LabelReturnedRefund {
		ch = charge{catPurchase, freqOneTime} // the refund of a purchase, at 0 effective cost
	}
	c := &m.cells
	m.common(in)
	set := func(k int, s string) { c[k] = textCell(s) }
	set(fChargeCategory, ch.category)
	set(fChargeFrequency, ch.frequency)
	set(fxActualCostSource, label)
	if in[inUsageStart].Time < in[inPeriodStart].Time && !in[inUsageStart].Empty && !in[inPeriodStart].Empty {
		set(fChargeClass, "Correction")
	}
	quantity, hasQuantity := parseAmount(text(inUsageAmount))
	unit := text(inPricingUnit)
	if !hasQuantity && ch.category == catPurchase {
		// A fee row without a usage amount (an upfront payment) is one purchase.
		quantity, hasQuantity, unit = onePurchase, true, cmp.Or(unit, "Purchase")
	}
	list, contracted := billed, billed
	isUsage := ch.category == catUsage
	switch {
	case isUsage && !in[m.at.onDemand].Empty:
		list = in[m.at.onDemand].Amount
		c[fxOnDemandCost] = in[m.at.onDemand]
	case isUsage:
		list = amt(inUnblended)
	}
	if typ == "DiscountedUsage" || typ == "SavingsPlanCoveredUsage" {
		contracted = list // no negotiated rate for committed usage in a CUR
	}
	c[fBilledCost] = amountCell(billed)
	c[fEffectiveCost] = amountCell(effective)
	c[fListCost] = amountCell(list)
	c[fContractedCost] = amountCell(contracted)
	if ch.category == catUsage || ch.category == catPurchase {
		if hasQuantity {
			c[fPricingQuantity] = amountCell(quantity)
			set(fPricingUnit, unit)
		}
		set(fPricingCategory, "Standard")
		if strings.Contains(text(inUsageType), "Spot") {
			set(fPricingCategory, "Dynamic")
		}
	}
	if isUsage && hasQuantity {
		c[fConsumedQuantity] = amountCell(quantity)
		set(fConsumedUnit, unit)
	}
	id, spend := text(inRIARN), false
	if sp := text(inSPARN); sp != "" {
		id, spend = sp, true
	}
	if id == "" || (ch.category != catUsage && ch.category != catPurchase) {
		m.rows++
		return m.out.Row(c[:])
	}
	set(fCommitmentDiscountID, id)
	set(fCommitmentDiscountCategory, "Usage")
	set(fCommitmentDiscountType, "Reservation")
	if spend {
		set(fCommitmentDiscountCategory, "Spend")
		set(fCommitmentDiscountType, cmp.Or(text(inSPOfferingType), "SavingsPlan"))
	}
	// A commitment's quantity: spend in the billing currency for Savings Plans, the usage
	// quantity (hours) for reservations.
	commitQuantity := func(spent money.Amount) {
		if spend {
			c[fCommitmentDiscountQuantity] = amountCell(spent)
			set(fCommitmentDiscountUnit, text(inCurrency))
		} else if hasQuantity {
			c[fCommitmentDiscountQuantity] = amountCell(quantity)
			set(fCommitmentDiscountUnit, unit)
		}
	}
	if isUsage {
		set(fCommitmentDiscountStatus, "Used")
		set(fPricingCategory, "Committed")
		commitQuantity(effective)
		m.rows++
		return m.out.Row(c[:])
	}
	switch typ {
	case "SavingsPlanRecurringFee":
		commitQuantity(amt(inSPCommitment))
		c[fxAmortizedUpfrontCost] = amountCell(amt(inSPAmortizedUpfront))
	case "RIFee":
		commitQuantity(billed)
		c[fxAmortizedUpfrontCost] = amountCell(amt(inRIAmortizedUpfront))
	default:
		commitQuantity(billed)
	}
	unused := label == pricing.LabelUnusedSP || label == pricing.LabelUnusedRI
	if !unused {
		m.rows++
		return m.out.Row(c[:])
	}
	// The fee row is the purchase, at no effective cost; its unused part is a Usage row of
	// its own.
	c[fEffectiveCost] = amountCell(0)
	c[fxActualCostSource] = report.Cell{Empty: true}
	if err := m.out.Row(c[:]); err != nil {
		return err
	}
	c[fBilledCost], c[fListCost], c[fContractedCost] = amountCell(0), amountCell(0), amountCell(0)
	c[fEffectiveCost] = amountCell(effective)
	c[fxActualCostSource] = textCell(label)
	c[fxAmortizedUpfrontCost] = report.Cell{Empty: true}
	set(fChargeCategory, catUsage)
	set(fChargeFrequency, freqUsage)
	set(fPricingCategory, "Committed")
	set(fCommitmentDiscountStatus, "Unused")
	set(fChargeDescription, "Unused commitment of "+id)
	c[fPricingQuantity], c[fPricingUnit] = report.Cell{Empty: true}, report.Cell{Empty: true}
	c[fCommitmentDiscountQuantity], c[fCommitmentDiscountUnit] = report.Cell{Empty: true}, report.Cell{Empty: true}
	if spend {
		commitQuantity(effective)
		c[fPricingQuantity], c[fPricingUnit] = c[fCommitmentDiscountQuantity], c[fCommitmentDiscountUnit]
	} else if q, ok := parseAmount(text(inRIUnusedQuantity)); ok {
		c[fCommitmentDiscountQuantity], c[fPricingQuantity] = amountCell(q), amountCell(q)
		set(fCommitmentDiscountUnit, unit)
		set(fPricingUnit, unit)
	}
	m.rows += 2
	return m.out.Row(c[:])
}

// common fills the columns every row of a line item shares and empties the rest.
func (m *mapper) common(in []report.Cell) {
	c := &m.cells
	for k := range c {
		c[k] = report.Cell{Empty: true}
	}
	set := func(k int, s string) { c[k] = textCell(s) }
	copyText := func(k, from int) { set(k, in[from].Text) }
	copyText(fBillingAccountID, inPayer)
	copyText(fBillingCurrency, inCurrency)
	c[fBillingPeriodStart], c[fBillingPeriodEnd] = dateCell(in[inPeriodStart]), dateCell(in[inPeriodEnd])
	if c[fBillingPeriodEnd].Empty && !c[fBillingPeriodStart].Empty {
		// AWS bills calendar months: the period ends where the next month starts.
		c[fBillingPeriodEnd] = instantCell(time.UnixMilli(in[inPeriodStart].Time).UTC().AddDate(0, 1, 0).UnixMilli())
	}
	c[fChargePeriodStart], c[fChargePeriodEnd] = dateCell(in[inUsageStart]), dateCell(in[inUsageEnd])
	copyText(fChargeDescription, inDescription)
	copyText(fInvoiceID, inInvoice)
	issuer := cmp.Or(in[inLegalEntity].Text, "Amazon Web Services, Inc.")
	set(fInvoiceIssuerName, issuer)
	set(fPublisherName, issuer)
	set(fProviderName, "AWS")
	copyText(fRegionID, inRegion)
	copyText(fRegionName, inLocation)
	copyText(fResourceID, inResource)
	code := in[inProductCode].Text
	set(fServiceCategory, cmp.Or(serviceCategories[code], "Other"))
	set(fServiceName, cmp.Or(in[inServiceName].Text, code))
	copyText(fSkuID, inSku)
	copyText(fSkuMeter, inUsageType)
	copyText(fSkuPriceID, inRateID)
	copyText(fSubAccountID, inAccount)
	set(fSubAccountName, cmp.Or(in[inAccountName].Text, m.names[in[inAccount].Text]))
	set(fBillingAccountName, cmp.Or(in[inPayerName].Text, m.names[in[inPayer].Text]))
	c[fTags] = m.tagsOf(in)
	set(fxServiceCode, code)
	copyText(fxUsageType, inUsageType)
	copyText(fxOperation, inOperation)
	copyText(fxLineItemType, inType)
	for k := range c {
		if Columns[k].Type == report.CellText && c[k].Text == "" {
			c[k] = report.Cell{Empty: true}
		}
	}
}

// tagsOf is the row's Tags: its flat tag columns, or CUR 2.0's resource_tags and
// cost_category maps, as one JSON object with sorted keys; NULL without any.
func (m *mapper) tagsOf(in []report.Cell) report.Cell {
	// Rows repeat a few tag sets: each set's JSON is built once, keyed by its cells' text.
	m.tagKey = m.tagKey[:0]
	for i := range m.tags {
		m.tagKey = append(append(m.tagKey, in[len(inputColumns)+i].Text...), 0)
	}
	if c, ok := m.tagMemo[string(m.tagKey)]; ok {
		return c
	}
	if m.tagMemo == nil || len(m.tagMemo) > 1<<14 {
		m.tagMemo = map[string]report.Cell{}
	}
	c := m.buildTags(in)
	m.tagMemo[string(m.tagKey)] = c
	return c
}

func (m *mapper) buildTags(in []report.Cell) report.Cell {
	tags := map[string]string{}
	// CUR 2.0's tags map keeps the keys as tagged ("resourceTags/user:Team"); resource_tags
	// has them in snake_case and serves bills without it.
	hasTags := slices.ContainsFunc(m.tags, func(c string) bool {
		return c == "tags" && in[len(inputColumns)+slices.Index(m.tags, c)].Text != ""
	})
	for i, col := range m.tags {
		v := in[len(inputColumns)+i].Text
		if v == "" || (col == "resource_tags" && hasTags) {
			continue
		}
		switch col {
		case "tags", "resource_tags", "cost_category":
			var kv map[string]any
			if json.Unmarshal([]byte(v), &kv) != nil {
				continue
			}
			for k, x := range kv {
				switch col {
				case "cost_category":
					k = "costCategory/" + k
				case "tags":
					_, k, _ = strings.Cut(k, "/")
				}
				if s := fmt.Sprint(x); x != nil && s != "" {
					tags[k] = s
				}
			}
		default:
			tags[m.tagKeys[col]] = v
		}
	}
	if len(tags) == 0 {
		return report.Cell{Empty: true}
	}
	b, _ := json.Marshal(tags) // a map of strings always marshals; keys come out sorted
	return textCell(string(b))
}

// residuals writes one Adjustment row per place where Savings Plan negation and covered
// usage did not cancel, in a fixed order.
func (m *mapper) residuals() (int64, error) {
	keys := slices.SortedFunc(maps.Keys(m.residual), func(a, b residualKey) int {
		return cmp.Or(cmp.Compare(a.periodStart, b.periodStart), cmp.Compare(a.currency, b.currency),
			cmp.Compare(a.payer, b.payer), cmp.Compare(a.acct, b.acct), cmp.Compare(a.periodEnd, b.periodEnd))
	})
	var n int64
	for _, k := range keys {
		v := m.residual[k]
		if v == 0 {
			continue
		}
		c := &m.cells
		for i := range c {
			c[i] = report.Cell{Empty: true}
		}
		c[fBilledCost], c[fListCost], c[fContractedCost], c[fEffectiveCost] = amountCell(v), amountCell(v), amountCell(v), amountCell(0)
		c[fBillingAccountID], c[fSubAccountID], c[fBillingCurrency] = textCell(k.payer), textCell(k.acct), textCell(k.currency)
		c[fBillingPeriodStart], c[fBillingPeriodEnd] = instantCell(k.periodStart), instantCell(k.periodEnd)
		c[fChargePeriodStart], c[fChargePeriodEnd] = c[fBillingPeriodStart], c[fBillingPeriodEnd]
		c[fChargeCategory], c[fChargeFrequency] = textCell(catAdjustment), textCell(freqOneTime)
		c[fChargeDescription] = textCell("Savings Plan negation not matched by covered usage")
		c[fInvoiceIssuerName], c[fPublisherName], c[fProviderName] = textCell("Amazon Web Services, Inc."), textCell("Amazon Web Services, Inc."), textCell("AWS")
		c[fServiceCategory], c[fServiceName] = textCell("Other"), textCell("Savings Plans")
		if err := m.out.Row(c[:]); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// onePurchase is the quantity 1.
var onePurchase, _, _ = money.ParseString("1")

func textCell(s string) report.Cell {
	if s == "" {
		return report.Cell{Empty: true}
	}
	return report.Cell{Text: s}
}

func amountCell(a money.Amount) report.Cell { return report.Cell{Amount: a} }

// dateCell restates a normalized instant in FOCUS's format.
func dateCell(c report.Cell) report.Cell {
	if c.Empty {
		return c
	}
	return instantCell(c.Time)
}

func instantCell(ms int64) report.Cell {
	return report.Cell{Time: ms, Text: time.UnixMilli(ms).UTC().Format(DateFormat)}
}

// parseAmount reads a quantity written as text; false when empty or not a number.
func parseAmount(s string) (money.Amount, bool) {
	if s == "" {
		return 0, false
	}
	a, _, err := money.ParseString(s)
	return a, err == nil
}
