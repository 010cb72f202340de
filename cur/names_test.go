package cur

import (
	"slices"
	"testing"
)

func TestSnake(t *testing.T) {
	tests := map[string]string{
		"reservation/ReservationARN":   "reservation_reservation_a_r_n",
		"product/ProductName":          "product_product_name",
		"product/servicecode":          "product_servicecode",
		"resourceTags/user:Name":       "resource_tags_user_name",
		"resourceTags/user:CostCenter": "resource_tags_user_cost_center",
		"lineItem/UnblendedCost":       "line_item_unblended_cost",
		"pricing/publicOnDemandCost":   "pricing_public_on_demand_cost",
		"savingsPlan/SavingsPlanARN":   "savings_plan_savings_plan_a_r_n",
		"costCategory/Team":            "cost_category_team",
		"split_line_item_unused_cost ": "split_line_item_unused_cost",
		"line_item_usage_account_id":   "line_item_usage_account_id",
		"  weird//name__ ":             "weird_name",
		"user:Team":                    "user_team",
		"":                             "",
	}
	for in, want := range tests {
		if got := Snake(in); got != want {
			t.Errorf("Snake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTagColumn(t *testing.T) {
	tests := map[string]string{
		"Team":          "resource_tags_user_team",
		"user:Team":     "resource_tags_user_team",
		"aws:createdBy": "resource_tags_aws_created_by",
	}
	for in, want := range tests {
		if got := TagColumn(in); got != want {
			t.Errorf("TagColumn(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CostCategoryColumn("Env"); got != "cost_category_env" {
		t.Errorf("CostCategoryColumn = %q", got)
	}
}

func TestResolve(t *testing.T) {
	cols := []string{"line_item_usage_account_id", "product", "resource_tags", "tags", "cost_category", "product_region_code"}
	tests := []struct {
		name string
		want []place
	}{
		{"line_item_usage_account_id", []place{{col: 0}}},
		{"product_region_code", []place{{col: 5}}},
		{"product_product_name", []place{{col: 1, key: "product_name"}}},
		{"resource_tags_user_team", []place{{col: 2, key: "user_team"}, {col: 3, key: "resource_tags_user_team"}}},
		{"cost_category_env", []place{{col: 4, key: "env"}}},
		{"line_item_operation", nil},
	}
	for _, tt := range tests {
		got := resolve(LegacyCSV, cols, tt.name)
		if len(got) != len(tt.want) {
			t.Errorf("resolve(%s) = %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("resolve(%s) = %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}

func TestResolveFOCUS(t *testing.T) {
	cols := []string{"billed_cost", "effective_cost", "charge_category", "commitment_discount_status", "service_name", "x_service_code", "tags", "x_usage_type"}
	tests := []struct {
		name string
		want []place
	}{
		{ColUnblended, []place{{col: 0}}},
		{ColEffectiveCost, []place{{col: 1}}},
		{ColLineItemType, []place{{col: 3}, {col: 2}}},
		{ColProductCode, []place{{col: 5}, {col: 4}}},
		{"product_product_name", []place{{col: 4}}},
		{"resource_tags_user_team", []place{{col: 6, key: "user_team"}, {col: 6, key: "team"}}},
		{"resource_tags_aws_created_by", []place{{col: 6, key: "aws_created_by"}}},
		{"cost_category_env", []place{{col: 6, key: "cost_category_env"}}},
		{"x_usage_type", []place{{col: 7}}},
		{ColRIEffective, nil},
		{ColAccount, nil},
	}
	for _, tt := range tests {
		if got := resolve(FOCUS, cols, tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("resolve(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
