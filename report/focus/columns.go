package focus

import "github.com/curnorm/curnorm/report"

// Output columns, by role; Columns names them in this order.
const (
	fBilledCost = iota
	fBillingAccountID
	fBillingAccountName
	fBillingCurrency
	fBillingPeriodEnd
	fBillingPeriodStart
	fChargeCategory
	fChargeClass
	fChargeDescription
	fChargeFrequency
	fChargePeriodEnd
	fChargePeriodStart
	fCommitmentDiscountCategory
	fCommitmentDiscountID
	fCommitmentDiscountName
	fCommitmentDiscountQuantity
	fCommitmentDiscountStatus
	fCommitmentDiscountType
	fCommitmentDiscountUnit
	fConsumedQuantity
	fConsumedUnit
	fContractedCost
	fEffectiveCost
	fInvoiceID
	fInvoiceIssuerName
	fListCost
	fPricingCategory
	fPricingQuantity
	fPricingUnit
	fProviderName
	fPublisherName
	fRegionID
	fRegionName
	fResourceID
	fServiceCategory
	fServiceName
	fSkuID
	fSkuMeter
	fSkuPriceID
	fSubAccountID
	fSubAccountName
	fTags
	fxServiceCode
	fxUsageType
	fxOperation
	fxLineItemType
	fxActualCostSource
	fxAmortizedUpfrontCost
	fxOnDemandCost
	numColumns
)

// Column is one FOCUS output column: its name and cell type.
type Column struct {
	Name string
	Type report.CellType
}

var (
	text   = report.CellText
	amount = report.CellAmount
	when   = report.CellTime
)

// Columns are the output columns: the FOCUS 1.2 columns a CUR can fill, then the provider's
// x_ columns. Decimals are exact amounts, dates instants, Tags a JSON object as text.
var Columns = [numColumns]Column{
	fBilledCost:                 {"BilledCost", amount},
	fBillingAccountID:           {"BillingAccountId", text},
	fBillingAccountName:         {"BillingAccountName", text},
	fBillingCurrency:            {"BillingCurrency", text},
	fBillingPeriodEnd:           {"BillingPeriodEnd", when},
	fBillingPeriodStart:         {"BillingPeriodStart", when},
	fChargeCategory:             {"ChargeCategory", text},
	fChargeClass:                {"ChargeClass", text},
	fChargeDescription:          {"ChargeDescription", text},
	fChargeFrequency:            {"ChargeFrequency", text},
	fChargePeriodEnd:            {"ChargePeriodEnd", when},
	fChargePeriodStart:          {"ChargePeriodStart", when},
	fCommitmentDiscountCategory: {"CommitmentDiscountCategory", text},
	fCommitmentDiscountID:       {"CommitmentDiscountId", text},
	fCommitmentDiscountName:     {"CommitmentDiscountName", text},
	fCommitmentDiscountQuantity: {"CommitmentDiscountQuantity", amount},
	fCommitmentDiscountStatus:   {"CommitmentDiscountStatus", text},
	fCommitmentDiscountType:     {"CommitmentDiscountType", text},
	fCommitmentDiscountUnit:     {"CommitmentDiscountUnit", text},
	fConsumedQuantity:           {"ConsumedQuantity", amount},
	fConsumedUnit:               {"ConsumedUnit", text},
	fContractedCost:             {"ContractedCost", amount},
	fEffectiveCost:              {"EffectiveCost", amount},
	fInvoiceID:                  {"InvoiceId", text},
	fInvoiceIssuerName:          {"InvoiceIssuerName", text},
	fListCost:                   {"ListCost", amount},
	fPricingCategory:            {"PricingCategory", text},
	fPricingQuantity:            {"PricingQuantity", amount},
	fPricingUnit:                {"PricingUnit", text},
	fProviderName:               {"ProviderName", text},
	fPublisherName:              {"PublisherName", text},
	fRegionID:                   {"RegionId", text},
	fRegionName:                 {"RegionName", text},
	fResourceID:                 {"ResourceId", text},
	fServiceCategory:            {"ServiceCategory", text},
	fServiceName:                {"ServiceName", text},
	fSkuID:                      {"SkuId", text},
	fSkuMeter:                   {"SkuMeter", text},
	fSkuPriceID:                 {"SkuPriceId", text},
	fSubAccountID:               {"SubAccountId", text},
	fSubAccountName:             {"SubAccountName", text},
	fTags:                       {"Tags", text},
	fxServiceCode:               {"x_ServiceCode", text},
	fxUsageType:                 {"x_UsageType", text},
	fxOperation:                 {"x_Operation", text},
	fxLineItemType:              {"x_LineItemType", text},
	fxActualCostSource:          {"x_ActualCostSource", text},
	fxAmortizedUpfrontCost:      {"x_AmortizedUpfrontCost", amount},
	fxOnDemandCost:              {"x_OnDemandCost", amount},
}

// serviceCategories files AWS product codes under FOCUS service categories; a code not
// listed is "Other".
var serviceCategories = map[string]string{
	"AmazonEC2": "Compute", "AWSLambda": "Compute", "AmazonECS": "Compute", "AmazonEKS": "Compute",
	"AWSFargate": "Compute", "AmazonLightsail": "Compute", "AmazonWorkSpaces": "Compute",
	"AmazonS3": "Storage", "AmazonEFS": "Storage", "AmazonFSx": "Storage", "AWSBackup": "Storage",
	"AmazonS3GlacierDeepArchive": "Storage", "AmazonGlacier": "Storage",
	"AmazonRDS": "Databases", "AmazonDynamoDB": "Databases", "AmazonElastiCache": "Databases",
	"AmazonRedshift": "Databases", "AmazonDocDB": "Databases", "AmazonNeptune": "Databases",
	"AmazonCloudFront": "Networking", "AmazonVPC": "Networking", "AmazonRoute53": "Networking",
	"AWSELB": "Networking", "AWSDataTransfer": "Networking", "AWSDirectConnect": "Networking",
	"AmazonApiGateway": "Integration", "AWSQueueService": "Integration", "AmazonSNS": "Integration",
	"AWSEvents": "Integration", "AmazonMQ": "Integration", "AmazonStates": "Integration",
	"AmazonCloudWatch": "Management and Governance", "AWSCloudTrail": "Management and Governance",
	"AWSConfig": "Management and Governance", "AWSSupportBusiness": "Management and Governance",
	"AWSSupportEnterprise": "Management and Governance", "AWSCostExplorer": "Management and Governance",
	"AWSKMS": "Security", "AWSSecretsManager": "Security", "AmazonGuardDuty": "Security",
	"awswaf": "Security", "AWSSecurityHub": "Security", "AmazonInspector": "Security",
	"AmazonCognito": "Identity", "AWSDirectoryService": "Identity",
	"AmazonSageMaker": "AI and Machine Learning", "AmazonBedrock": "AI and Machine Learning",
	"AmazonRekognition": "AI and Machine Learning", "AmazonComprehend": "AI and Machine Learning",
	"AmazonAthena": "Analytics", "AWSGlue": "Analytics", "AmazonKinesis": "Analytics",
	"ElasticMapReduce": "Analytics", "AmazonES": "Analytics", "AmazonQuickSight": "Analytics",
	"AWSCodeBuild": "Developer Tools", "AWSCodePipeline": "Developer Tools", "AWSCodeCommit": "Developer Tools",
	"AWSIoT": "Internet of Things", "AmazonConnect": "Business Applications", "AmazonSES": "Business Applications",
	"AWSDatabaseMigrationSvc": "Migration", "AWSDataSync": "Migration",
	"AWSElementalMediaConvert": "Media", "AmazonAmplify": "Web",
}
