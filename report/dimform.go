package report

import (
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
)

// The values a CUR 2.0 row's discount part takes under source and line-item-type: it counts
// as a discount row of its own (docs/metrics.md).
const (
	discountSource = pricing.LabelCUR2Discount
	discountType   = "Discount"
)

// DimensionKind says how a dimension's value is found, for generators of the same rollup in
// another engine (report/sqlquery).
type DimensionKind int

// The kinds of dimensions.
const (
	// DimensionColumn: the first non-empty of Columns, through Transform when set, else None.
	DimensionColumn DimensionKind = iota
	// DimensionSource: the metric's actual_cost_source label of the row.
	DimensionSource
	// DimensionPurchaseOption: SavingsPlan when Columns[0] (the SP ARN) is non-empty, Reserved
	// when Columns[1] (the RI ARN) is, Spot when Columns[2] (the usage type) contains "Spot",
	// else OnDemand (docs/metrics.md).
	DimensionPurchaseOption
	// DimensionAccountName: Columns[0] where non-empty, else the account id (AccountColumn), or
	// a name from --account-names.
	DimensionAccountName
	// DimensionService: Columns[1] (the product's name) where it is non-empty on a row whose
	// BillingEntityColumn is MarketplaceEntity, else Columns[0] (the product code).
	DimensionService
)

// BillingEntityColumn and MarketplaceEntity pick out the AWS Marketplace rows, whose service
// is their product's name.
const (
	BillingEntityColumn = colBillingEntity
	MarketplaceEntity   = marketplace
)

// PurchaseOptions are the values of purchase-option, in the order the rule tries them.
var PurchaseOptions = [4]string{"SavingsPlan", "Reserved", "Spot", "OnDemand"}

// AccountColumn is the account id column that account-name falls back to.
const AccountColumn = cur.ColAccount

// DimensionForm is what a dimension reads and how: the rollup's own definition, exported
// so that other engines derive the same values from it rather than from a second list.
type DimensionForm struct {
	Kind    DimensionKind
	Columns []string // canonical column names, in order of preference
	// Transform names the map from a column value to the dimension value: "" (none), "month"
	// (the first seven characters of a date, 2026-10) or "day" (the first ten, 2026-10-01).
	Transform string
	// DiscountValue is the value a CUR 2.0 row's discount part takes (docs/metrics.md), or ""
	// when the part takes the row's own value.
	DiscountValue string
	// MapKey is the key a CUR 2.0 map holds the value under as written (a cost category's name,
	// "Team"); a reader also finds it by its snake_case form, which SQL cannot.
	MapKey string
}

// Form describes d for another engine.
func (d Dimension) Form() DimensionForm {
	f := DimensionForm{Kind: DimensionKind(d.kind), Columns: d.columns}
	if d.transform != nil {
		f.Transform = d.transform.name
	}
	if n, ok := strings.CutPrefix(d.Name, costCategoryPrefix); ok {
		f.MapKey = n
	}
	switch {
	case d.kind == dimSource:
		f.DiscountValue = discountSource
	case d.kind == dimColumn && len(d.columns) == 1 && d.columns[0] == cur.ColLineItemType:
		f.DiscountValue = discountType
	}
	return f
}
