package cur

import (
	"testing"
)

// awsFOCUSRow is a row of AWS's FOCUS_1_2_AWS export as Parquet: Tags is a MAP, x_ columns
// hold the AWS codes.
type awsFOCUSRow struct {
	Billed      string            `parquet:"name=BilledCost, type=BYTE_ARRAY, convertedtype=UTF8"`
	Effective   int64             `parquet:"name=EffectiveCost, type=INT64, convertedtype=DECIMAL, scale=2, precision=18, repetitiontype=REQUIRED"`
	List        float64           `parquet:"name=ListCost, type=DOUBLE, repetitiontype=REQUIRED"`
	Category    string            `parquet:"name=ChargeCategory, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Status      string            `parquet:"name=CommitmentDiscountStatus, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Account     string            `parquet:"name=SubAccountId, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	ServiceName string            `parquet:"name=ServiceName, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	ServiceCode string            `parquet:"name=x_ServiceCode, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Tags        map[string]string `parquet:"name=Tags, type=MAP, convertedtype=MAP, keytype=BYTE_ARRAY, keyconvertedtype=UTF8, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8"`
}

func TestFOCUSParquet(t *testing.T) {
	mem := checkedParquet(t)
	path := writeXParquet(t, []awsFOCUSRow{
		{Billed: "10.5", Effective: 800, List: 12.25, Category: "Usage", Account: "011254002932",
			ServiceName: "Amazon Elastic Compute Cloud", ServiceCode: "AmazonEC2",
			Tags: map[string]string{"user:Team": "web", "aws:createdBy": "root", "costCategory/Env": "prod"}},
		{Billed: "0", Effective: 500, List: 9, Category: "Usage", Status: "Used", Account: "011254002932",
			ServiceName: "Amazon Relational Database Service", Tags: map[string]string{"Team": "data"}},
		{Billed: "", Effective: 0, Category: "Tax", ServiceName: "Tax"},
	})
	req := Request{alloc: mem,
		Strings: []string{ColLineItemType, ColAccount, ColProductCode, TagColumn("Team"), TagColumn("aws:createdBy"), CostCategoryColumn("Env"), ColPeriodStart},
		Amounts: []string{ColUnblended, ColEffectiveCost, ColPublicOD, ColRIEffective},
	}
	got, err := readParquet(t, path, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.schema.Flavour != FOCUS || got.schema.Flavour.String() != "focus" {
		t.Errorf("flavour %v", got.schema.Flavour)
	}
	tests := []struct {
		name      string
		got, want []string
	}{
		{"status, else category", got.strs[0], []string{"Usage", "Used", "Tax"}},
		{"sub account", got.strs[1], []string{"011254002932", "011254002932", ""}},
		{"service code, else name", got.strs[2], []string{"AmazonEC2", "Amazon Relational Database Service", "Tax"}},
		{"user tag, tagged or bare", got.strs[3], []string{"web", "data", ""}},
		{"aws tag", got.strs[4], []string{"root", "", ""}},
		{"cost category", got.strs[5], []string{"prod", "", ""}},
		{"absent column", got.strs[6], []string{"", "", ""}},
		{"billed", got.amts[0], []string{"10.5", "0", "-"}},
		{"effective", got.amts[1], []string{"8", "5", "0"}},
		{"list", got.amts[2], []string{"12.25", "9", "0"}},
		{"no CUR column answers", got.amts[3], []string{"-", "-", "-"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { eqStrings(t, tc.name, tc.got, tc.want) })
	}
}

func TestFOCUSCSV(t *testing.T) {
	const text = "BilledCost,EffectiveCost,ChargeCategory,BillingPeriodStart,ChargePeriodStart,Tags,RegionId\n" +
		`1.5,1.25,Usage,2024-09-01 00:00:00,2024-09-03 10:00:00,"{""user:Team"":""web""}",eu-west-1` + "\n"
	rows, err := readAll(t, text, 0, Request{Strings: []string{ColPeriodStart, ColUsageStart, TagColumn("Team"), "product_region_code"},
		Amounts: []string{ColUnblended, ColEffectiveCost}})
	if err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "row", rows, []string{"2024-09-01 00:00:00|2024-09-03 10:00:00|web|eu-west-1|1.5|1.25"})
}
