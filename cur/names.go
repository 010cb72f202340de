package cur

import (
	"slices"
	"strings"
	"unicode"
)

// Snake turns a CUR column name into its canonical snake_case form by AWS's rule (docs/columns.md, Column names):
// "_" before every upper-case letter, all lower-cased, every non-alphanumeric rune becomes "_",
// runs of "_" collapse and "_" is trimmed at both ends. Already-snake names come back unchanged,
// so legacy CSV headers, Parquet names and CUR 2.0 map keys all meet in one form.
func Snake(name string) string {
	if isSnake(name) {
		return name
	}
	var b strings.Builder
	b.Grow(len(name) + 8)
	under := true // suppresses a leading "_" and runs of "_"
	for _, r := range name {
		switch {
		case unicode.IsUpper(r):
			if !under {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			under = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			under = false
		default:
			if !under {
				b.WriteByte('_')
				under = true
			}
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// isSnake reports names Snake would return unchanged, sparing the common case an allocation.
func isSnake(s string) bool {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' {
		return s == ""
	}
	prev := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '_':
			if prev == '_' {
				return false
			}
		default:
			return false
		}
		prev = c
	}
	return true
}

// TagColumn is the canonical column of a user tag key as given on the command line:
// "Team" → resource_tags_user_team, "aws:createdBy" → resource_tags_aws_created_by.
func TagColumn(key string) string {
	if !strings.HasPrefix(key, "aws:") && !strings.HasPrefix(key, "user:") {
		key = "user:" + key
	}
	return Snake("resourceTags/" + key)
}

// CostCategoryColumn is the canonical column of a cost category: "Env" → cost_category_env.
func CostCategoryColumn(name string) string { return Snake("costCategory/" + name) }

// mapColumns are CUR 2.0's map columns. A canonical name that starts with a map's prefix and
// is not a flat column of the file is looked up as a key of that map; keys compare in Snake
// form, so resource_tags key "user_team", "user:Team" and tags key
// "resourceTags/user:Team" all answer resource_tags_user_team.
var mapColumns = []mapColumn{
	{"product", "product_", false},
	{"resource_tags", "resource_tags_", false},
	{"tags", "resource_tags_", true},
	{"cost_category", "cost_category_", false},
	{"discount", "discount_", false},
}

// IsMapColumn reports whether a CUR 2.0 column holds a map.
func IsMapColumn(name string) bool {
	for _, m := range mapColumns {
		if m.column == name {
			return true
		}
	}
	return false
}

type mapColumn struct {
	column string // the map column
	prefix string // canonical-name prefix it serves
	keep   bool   // the key keeps the prefix (tags holds legacy header names)
}

// place is where one canonical name's value is found in a file: a physical column, and for
// map columns the Snake-form key inside it.
type place struct {
	col int
	key string
}

// resolve lists where name is found in a file of flavour f whose physical columns have the
// given canonical names, in order of preference; a row takes the first non-empty value.
// Several flat columns appear when names collide after Snake (AWS merges them).
func resolve(f Flavour, columns []string, name string) []place {
	if name == "" {
		return nil // a column left out of a request
	}
	if f == FOCUS {
		return resolveFOCUS(columns, name)
	}
	out := flatPlaces(columns, name, nil)
	if len(out) > 0 {
		return out
	}
	for _, m := range mapColumns {
		if !strings.HasPrefix(name, m.prefix) || len(name) == len(m.prefix) {
			continue
		}
		key := name[len(m.prefix):]
		if m.keep {
			key = name
		}
		for i, c := range columns {
			if c == m.column {
				out = append(out, place{col: i, key: key})
			}
		}
	}
	return out
}

// flatPlaces appends the physical columns named name to out.
func flatPlaces(columns []string, name string, out []place) []place {
	for i, c := range columns {
		if c == name {
			out = append(out, place{col: i})
		}
	}
	return out
}

// focusRequired are the columns a FOCUS file must have to be read: FOCUS 1.0 named the
// cost columns so, and the cost rules read them.
var focusRequired = []string{"BilledCost", "EffectiveCost", "ChargeCategory"}

// focusColumns answers the canonical CUR names the cost rules and dimensions ask for from a
// FOCUS file's columns, in order of preference (docs/focus.md, "FOCUS as input"). A name not
// here is looked up as a FOCUS column of its own name (column:x_usage_type, effective_cost).
var focusColumns = map[string][]string{
	ColAccount:                     {"sub_account_id"},
	"line_item_usage_account_name": {"sub_account_name"},
	"bill_payer_account_id":        {"billing_account_id"},
	"bill_payer_account_name":      {"billing_account_name"},
	ColProductCode:                 {"x_service_code", "service_name"},
	"product_product_name":         {"service_name"},
	"product_region_code":          {"region_id"},
	"product_location":             {"region_name"},
	ColUsageStart:                  {"charge_period_start"},
	"line_item_usage_end_date":     {"charge_period_end"},
	ColPeriodStart:                 {"billing_period_start"},
	"bill_billing_period_end_date": {"billing_period_end"},
	ColCurrency:                    {"billing_currency"},
	ColInvoiceID:                   {"invoice_id"},
	"line_item_resource_id":        {"resource_id"},
	ColUsageType:                   {"x_usage_type"},
	ColOperation:                   {"x_operation"},
	ColDescription:                 {"charge_description"},
	// A commitment's use or its unused part where the row has one, else the charge category.
	ColLineItemType: {"commitment_discount_status", "charge_category"},
	ColUnblended:    {"billed_cost"},
	ColPublicOD:     {"list_cost"},
	// FOCUS 1.3 names the provider of a service ServiceProviderName.
	ColProviderName: {"service_provider_name", "provider_name"},
	"product_sku":   {"sku_id"},
}

// resolveFOCUS is resolve for a FOCUS file. Tags hold keys as tagged ("user:Team",
// "costCategory/Env"), compared in Snake form; a user tag is also found under its bare key,
// as some exports write it.
func resolveFOCUS(columns []string, name string) []place {
	if alias, ok := focusColumns[name]; ok {
		var out []place
		for _, a := range alias {
			out = flatPlaces(columns, a, out)
		}
		return out
	}
	var keys []string
	switch rest, tag := strings.CutPrefix(name, "resource_tags_"); {
	case tag && rest != "":
		keys = append(keys, rest)
		if bare, user := strings.CutPrefix(rest, "user_"); user && bare != "" {
			keys = append(keys, bare)
		}
	case strings.HasPrefix(name, "cost_category_") && len(name) > len("cost_category_"):
		keys = append(keys, name)
	default:
		return flatPlaces(columns, name, nil)
	}
	var out []place
	for _, k := range keys {
		for i, c := range columns {
			if c == "tags" {
				out = append(out, place{col: i, key: k})
			}
		}
	}
	return out
}

// Place is where a reader finds a canonical name among a file's columns: a physical column,
// and for a CUR 2.0 map column the key inside it (in Snake form; the tags map holds legacy
// header names, compared in Snake form too).
type Place struct {
	Column string
	Key    string
	// LegacyKeys: the map's keys are legacy header names ("resourceTags/user:Team"), which
	// match Key only once in Snake form.
	LegacyKeys bool
}

// Places lists where a reader finds name among columns (canonical names), in order of
// preference: a row takes the first non-empty value.
func Places(columns []string, name string) []Place {
	var out []Place
	// Every CUR flavour resolves alike; only FOCUS has a column map of its own.
	for _, p := range resolve(LegacyCSV, columns, name) {
		c := columns[p.col]
		legacy := p.key != "" && slices.ContainsFunc(mapColumns, func(m mapColumn) bool { return m.column == c && m.keep })
		out = append(out, Place{Column: c, Key: p.key, LegacyKeys: legacy})
	}
	return out
}

// Canonical names of the columns the cost rules, dimensions and summaries read.
const (
	ColLineItemType = "line_item_line_item_type"
	ColRIARN        = "reservation_reservation_a_r_n"
	ColSPARN        = "savings_plan_savings_plan_a_r_n"
	ColProductCode  = "line_item_product_code"
	ColDescription  = "line_item_line_item_description"
	ColOperation    = "line_item_operation"
	ColUsageType    = "line_item_usage_type"
	ColCurrency     = "line_item_currency_code"
	ColInvoiceID    = "bill_invoice_id"
	ColPeriodStart  = "bill_billing_period_start_date"
	ColUsageStart   = "line_item_usage_start_date"
	ColAccount      = "line_item_usage_account_id"

	ColUnblended     = "line_item_unblended_cost"
	ColPublicOD      = "pricing_public_on_demand_cost"
	ColRIEffective   = "reservation_effective_cost"
	ColSPEffective   = "savings_plan_savings_plan_effective_cost"
	ColTotalDiscount = "discount_total_discount"

	// FOCUS columns of their own, absent from every CUR (docs/focus.md, "FOCUS as input").
	ColEffectiveCost      = "effective_cost"
	ColCommitmentCategory = "commitment_discount_category"
	ColProviderName       = "provider_name"
	// A usage row has a public price when its ListUnitPrice is set; curnorm's own FOCUS output
	// writes no ListUnitPrice and marks priced usage by x_OnDemandCost instead.
	ColListUnitPrice = "list_unit_price"
	ColXOnDemandCost = "x_on_demand_cost"
)
