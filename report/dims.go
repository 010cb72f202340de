package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/curnorm/curnorm/cur"
)

// dimKind says how a dimension's value is found.
type dimKind int

const (
	dimColumn         dimKind = iota // the first non-empty of columns
	dimSource                        // the metric's actual_cost_source label
	dimPurchaseOption                // the rule on SP ARN, RI ARN and usage type of docs/metrics.md
	dimAccountName                   // a column in CUR 2.0, --account-names in legacy bills
	dimService                       // the product code, or a Marketplace product's name
)

// Dimension is a --by or --filter dimension resolved to its columns (docs/columns.md, "Dimensions").
type Dimension struct {
	Name    string
	kind    dimKind
	columns []string
	// transform maps a column value to the dimension value (day, month, billing period).
	transform *transform
}

// transform is a named map from a column value to a dimension value; the name tells query
// generators which one it is.
type transform struct {
	name  string
	apply func(string) string
}

// The transforms of dimensions: a date's month ("2026-10") and UTC day ("2026-10-01").
var (
	byMonth = &transform{"month", cur.PeriodOf}
	byDay   = &transform{"day", cur.DayOf}
)

// Fixed dimensions, in the order help lists them.
var fixedDimensions = []struct {
	name    string
	kind    dimKind
	columns []string
	xf      *transform
}{
	{"account", dimColumn, []string{cur.ColAccount}, nil},
	{"account-name", dimAccountName, []string{"line_item_usage_account_name"}, nil},
	{"payer", dimColumn, []string{"bill_payer_account_id"}, nil},
	{"service", dimService, []string{cur.ColProductCode, colProductName}, nil},
	{"service-name", dimColumn, []string{colProductName}, nil},
	{"service-code", dimColumn, []string{"product_servicecode", cur.ColProductCode}, nil},
	{"product-family", dimColumn, []string{"product_product_family"}, nil},
	{"region", dimColumn, []string{"product_region_code", "product_region"}, nil},
	{"usage-type", dimColumn, []string{cur.ColUsageType}, nil},
	{"operation", dimColumn, []string{cur.ColOperation}, nil},
	{"line-item-type", dimColumn, []string{cur.ColLineItemType}, nil},
	{"source", dimSource, nil, nil},
	{"resource", dimColumn, []string{"line_item_resource_id"}, nil},
	{"instance-type", dimColumn, []string{"product_instance_type"}, nil},
	{"instance-family", dimColumn, []string{"product_instance_family"}, nil},
	{"availability-zone", dimColumn, []string{"line_item_availability_zone"}, nil},
	{"pricing-unit", dimColumn, []string{"pricing_unit"}, nil},
	{"commitment", dimColumn, []string{cur.ColSPARN, cur.ColRIARN}, nil},
	{"purchase-option", dimPurchaseOption, []string{cur.ColSPARN, cur.ColRIARN, cur.ColUsageType}, nil},
	{"billing-period", dimColumn, []string{cur.ColPeriodStart}, byMonth},
	{"month", dimColumn, []string{cur.ColUsageStart}, byMonth},
	{"day", dimColumn, []string{cur.ColUsageStart}, byDay},
	{"currency", dimColumn, []string{cur.ColCurrency}, nil},
	{"invoice", dimColumn, []string{cur.ColInvoiceID}, nil},
	{"billing-entity", dimColumn, []string{colBillingEntity}, nil},
	{"legal-entity", dimColumn, []string{"line_item_legal_entity"}, nil},
}

const (
	colProductName   = "product_product_name"
	colBillingEntity = "bill_billing_entity"
	// marketplace is the billing entity of AWS Marketplace rows, whose product codes are
	// opaque ids: service shows their product's name, as AWS's dashboards do.
	marketplace = "AWS Marketplace"
)

// IsTime reports the dimensions whose values are dates or months.
func (d Dimension) IsTime() bool {
	return d.Name == "billing-period" || d.Name == "month" || d.Name == "day"
}

// DimensionNames lists every dimension --by accepts; tag:<key> and cost-category:<name> stand
// and column:<name> stand for their families.
func DimensionNames() []string {
	out := make([]string, 0, len(fixedDimensions)+2)
	for _, d := range fixedDimensions {
		out = append(out, d.name)
	}
	return append(out, "tag:<key>", "cost-category:<name>", "column:<name>")
}

const costCategoryPrefix = "cost-category:"

// ErrUnknownDimension is wrapped by ParseDimension's errors.
var ErrUnknownDimension = fmt.Errorf("unknown dimension")

// ParseDimension resolves a dimension name such as "service", "tag:Team" or
// "cost-category:Env".
func ParseDimension(name string) (Dimension, error) {
	switch {
	case strings.HasPrefix(name, "tag:") && len(name) > len("tag:"):
		return Dimension{Name: name, columns: []string{cur.TagColumn(name[len("tag:"):])}}, nil
	case strings.HasPrefix(name, costCategoryPrefix) && len(name) > len(costCategoryPrefix):
		return Dimension{Name: name, columns: []string{cur.CostCategoryColumn(name[len(costCategoryPrefix):])}}, nil
	case strings.HasPrefix(name, "column:") && cur.Snake(name[len("column:"):]) != "":
		// Any flavour's spelling: product/instanceType, product_instance_type, or a CUR 2.0
		// map key written as product_instance_type all meet in Snake form.
		return Dimension{Name: name, columns: []string{cur.Snake(name[len("column:"):])}}, nil
	}
	for _, d := range fixedDimensions {
		if d.name == name {
			return Dimension{Name: name, kind: d.kind, columns: d.columns, transform: d.xf}, nil
		}
	}
	return Dimension{}, fmt.Errorf("%w %q%s (valid: %s)", ErrUnknownDimension, name, suggest(name), strings.Join(DimensionNames(), ", "))
}

// suggest proposes the closest dimension name for a typo.
func suggest(name string) string {
	best, bestD := "", 3
	for _, d := range DimensionNames() {
		if dd := EditDistance(name, d); dd < bestD {
			best, bestD = d, dd
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// EditDistance is the Levenshtein distance of a and b, for "did you mean" suggestions.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// accountNameWarnings tell what --account-names missed: accounts of the bill without a name
// there (shown by their id) and ids there that match no account of the bill.
func accountNameWarnings(names map[string]string, accounts map[string]bool) []string {
	if len(accounts) == 0 {
		return nil
	}
	var unnamed, unused []string
	for id, named := range accounts {
		if !named {
			unnamed = append(unnamed, id)
		}
	}
	for id := range names {
		if _, ok := accounts[id]; !ok {
			unused = append(unused, id)
		}
	}
	var out []string
	if len(unnamed) > 0 {
		out = append(out, fmt.Sprintf(accountNamesWarning+"no name for %d of the bill's accounts, shown by their id: %s", len(unnamed), listSome(unnamed)))
	}
	if len(unused) > 0 {
		out = append(out, fmt.Sprintf(accountNamesWarning+"%d of its ids match no account of the bill: %s", len(unused), listSome(unused)))
	}
	return out
}

// accountNamesWarning starts every warning of accountNameWarnings: Merge recomputes them.
const accountNamesWarning = "--account-names: "

// unmatchedAccounts lists, sorted, the ids of names that match no account of accounts.
func unmatchedAccounts(names map[string]string, accounts map[string]bool) []string {
	out := []string{}
	for id := range names {
		if _, ok := accounts[id]; !ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// listSome lists sorted values, the first ten and a count of the rest.
func listSome(vs []string) string {
	slices.Sort(vs)
	if len(vs) <= 10 {
		return strings.Join(vs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(vs[:10], ", "), len(vs)-10)
}

// Filter keeps rows whose dimension value is (or with Negate, is not) one of Values.
type Filter struct {
	Dim    Dimension
	Negate bool
	Values []string
	Text   string // as given
}

// FilterGrammar says how --filter is written; help and errors quote it.
const FilterGrammar = `--filter DIM=VALUE keeps rows whose DIM is VALUE, --filter DIM!=VALUE those whose DIM is not.
Several values of one dimension are separated by commas and match any of them
(service=AmazonEC2,AmazonRDS); a comma inside a value is written \,. Repeating --filter for
the same dimension and operator adds values the same way; filters on different dimensions,
or = and != on one, must all hold. Values match exactly (case and leading zeros count);
(none) matches an empty value. A selection that keeps no row is an error (exit 2).`

// ParseFilters reads --filter values (see FilterGrammar).
func ParseFilters(specs []string) ([]Filter, error) {
	var out []Filter
	idx := map[string]int{}
	for _, s := range specs {
		op, negate := "=", false
		i := strings.Index(s, "!=")
		if j := strings.Index(s, "="); i < 0 || (j >= 0 && j < i) {
			i = j
		} else {
			op, negate = "!=", true
		}
		if i <= 0 {
			return nil, fmt.Errorf("filter %q: want dim=value or dim!=value", s)
		}
		name := strings.TrimSpace(s[:i])
		d, err := ParseDimension(name)
		if err != nil {
			return nil, fmt.Errorf("filter %q: %w", s, err)
		}
		values := splitValues(s[i+len(op):])
		for k, v := range values {
			if v == None {
				values[k] = ""
			}
		}
		key := name + op
		if j, ok := idx[key]; ok {
			out[j].Values = append(out[j].Values, values...)
			out[j].Text += "," + s[i+len(op):]
			continue
		}
		idx[key] = len(out)
		out = append(out, Filter{Dim: d, Negate: negate, Values: values, Text: s})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Text < out[b].Text })
	return out, nil
}

// splitValues splits a filter's values at commas not escaped as \,.
func splitValues(s string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == ',':
			b.WriteByte(',')
			i++
		case s[i] == ',':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(s[i])
		}
	}
	return append(out, b.String())
}
