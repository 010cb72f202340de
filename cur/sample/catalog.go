package sample

import "github.com/curnorm/curnorm/cur/money"

// The price list the generator draws from: a small, plausible slice of AWS. Rates are public
// on-demand prices in us-east-1 as decimal text; other regions scale them.

type region struct {
	code   string
	name   string
	prefix string // usage type prefix; us-east-1 has none
	factor int64  // price factor in 1/10000
	weight int
}

var regions = []region{
	{"us-east-1", "US East (N. Virginia)", "", 10000, 50},
	{"us-west-2", "US West (Oregon)", "USW2-", 10000, 20},
	{"eu-west-1", "EU (Ireland)", "EU-", 10600, 14},
	{"eu-central-1", "EU (Frankfurt)", "EUC1-", 11500, 10},
	{"ap-southeast-2", "Asia Pacific (Sydney)", "APS2-", 12500, 6},
}

type service struct {
	code string // line_item_product_code, product/servicecode
	name string // product/ProductName, product/servicename
}

const (
	svcEC2 = iota
	svcS3
	svcRDS
	svcLambda
	svcCloudWatch
	svcDynamoDB
	svcVPC
	svcEKS
	numServices
)

var services = [numServices]service{
	svcEC2:        {"AmazonEC2", "Amazon Elastic Compute Cloud"},
	svcS3:         {"AmazonS3", "Amazon Simple Storage Service"},
	svcRDS:        {"AmazonRDS", "Amazon Relational Database Service"},
	svcLambda:     {"AWSLambda", "AWS Lambda"},
	svcCloudWatch: {"AmazonCloudWatch", "AmazonCloudWatch"},
	svcDynamoDB:   {"AmazonDynamoDB", "Amazon DynamoDB"},
	svcVPC:        {"AmazonVPC", "Amazon Virtual Private Cloud"},
	svcEKS:        {"AmazonEKS", "Amazon Elastic Container Service for Kubernetes"},
}

// qtyKind is how a usage row's quantity is drawn.
type qtyKind uint8

const (
	qHours    qtyKind = iota // instance hours: mostly 1, sometimes part of an hour
	qStorage                 // GB-months accrued in one hour
	qRequests                // a whole number of requests
	qGB                      // gigabytes transferred or processed
	qGBSec                   // Lambda GB-seconds
	qMetrics                 // metric-months accrued in one hour
)

// resKind is the kind of resource id a row carries.
type resKind uint8

const (
	resNone resKind = iota
	resInstance
	resVolume
	resSnapshot
	resBucket
	resDB
	resFunction
	resLogGroup
	resTable
	resNAT
	resEndpoint
	resCluster
	resAddress
)

type instance struct {
	typ, family, vcpu, memory, ecu, processor, network string
	norm                                               string // normalization size factor
}

// variant is one usage type of a service.
type variant struct {
	svc       int
	usageType string // us-east-1 form, no region prefix
	operation string
	unit      string
	family    string // product family
	rate      string // public on-demand rate per unit in us-east-1
	unbl      int64  // unblended rate in per-mille of the public one: <1000 tiered, >1000 above it
	qty       qtyKind
	res       resKind
	weight    int
	inst      *instance
	extra     []string // further product attributes: name, value, ...
}

var (
	m5large   = &instance{"m5.large", "m5", "2", "8 GiB", "10", "Intel Xeon Platinum 8175", "Up to 10 Gigabit", "4"}
	m5xlarge  = &instance{"m5.xlarge", "m5", "4", "16 GiB", "16", "Intel Xeon Platinum 8175", "Up to 10 Gigabit", "8"}
	c52xlarge = &instance{"c5.2xlarge", "c5", "8", "16 GiB", "39", "Intel Xeon Platinum 8124M", "Up to 10 Gigabit", "16"}
	r6glarge  = &instance{"r6g.large", "r6g", "2", "16 GiB", "NA", "AWS Graviton2 Processor", "Up to 10 Gigabit", "4"}
	t3micro   = &instance{"t3.micro", "t3", "2", "1 GiB", "Variable", "Intel Skylake E5 2686 v5", "Up to 5 Gigabit", "0.5"}
	t3medium  = &instance{"t3.medium", "t3", "2", "4 GiB", "Variable", "Intel Skylake E5 2686 v5", "Up to 5 Gigabit", "2"}
	m6i4xl    = &instance{"m6i.4xlarge", "m6i", "16", "64 GiB", "NA", "Intel Xeon 8375C (Ice Lake)", "Up to 12500 Megabit", "32"}
	dbr6glg   = &instance{"db.r6g.large", "r6g", "2", "16 GiB", "NA", "AWS Graviton2", "Up to 10 Gigabit", "4"}
	dbt3med   = &instance{"db.t3.medium", "t3", "2", "4 GiB", "NA", "Intel Xeon Platinum 8175", "Up to 5 Gigabit", "2"}
)

// Indices of variants the commitments refer to.
const (
	vM5Large = iota
	vM5XLarge
	vC52XLarge
	vR6gLarge
	vT3Micro
	vT3Medium
	vM6i4XL
	numInstanceVariants // the EC2 instance-hour variants come first
	vDBR6gLarge         = numInstanceVariants
)

var ec2Instance = []string{"capacitystatus", "Used", "currentGeneration", "Yes", "licenseModel", "No License required",
	"marketoption", "OnDemand", "operatingSystem", "Linux", "preInstalledSw", "NA", "processorArchitecture", "64-bit",
	"tenancy", "Shared", "storage", "EBS only"}

var variants = []variant{
	vM5Large:   {svcEC2, "BoxUsage:m5.large", "RunInstances", "Hrs", "Compute Instance", "0.096", 1000, qHours, resInstance, 60, m5large, ec2Instance},
	vM5XLarge:  {svcEC2, "BoxUsage:m5.xlarge", "RunInstances", "Hrs", "Compute Instance", "0.192", 1000, qHours, resInstance, 40, m5xlarge, ec2Instance},
	vC52XLarge: {svcEC2, "BoxUsage:c5.2xlarge", "RunInstances", "Hrs", "Compute Instance", "0.34", 1000, qHours, resInstance, 25, c52xlarge, ec2Instance},
	vR6gLarge:  {svcEC2, "BoxUsage:r6g.large", "RunInstances", "Hrs", "Compute Instance", "0.1008", 1000, qHours, resInstance, 20, r6glarge, ec2Instance},
	vT3Micro:   {svcEC2, "BoxUsage:t3.micro", "RunInstances", "Hrs", "Compute Instance", "0.0104", 1000, qHours, resInstance, 40, t3micro, ec2Instance},
	vT3Medium:  {svcEC2, "BoxUsage:t3.medium", "RunInstances", "Hrs", "Compute Instance", "0.0416", 1000, qHours, resInstance, 35, t3medium, ec2Instance},
	vM6i4XL:    {svcEC2, "BoxUsage:m6i.4xlarge", "RunInstances", "Hrs", "Compute Instance", "0.768", 1000, qHours, resInstance, 8, m6i4xl, ec2Instance},
	vDBR6gLarge: {svcRDS, "InstanceUsage:db.r6g.large", "CreateDBInstance:0014", "Hrs", "Database Instance", "0.225", 1000, qHours, resDB, 20, dbr6glg,
		[]string{"databaseEngine", "PostgreSQL", "deploymentOption", "Single-AZ", "engineCode", "14", "licenseModel", "No license required", "currentGeneration", "Yes"}},
	{svcRDS, "InstanceUsage:db.t3.medium", "CreateDBInstance:0014", "Hrs", "Database Instance", "0.072", 1000, qHours, resDB, 15, dbt3med,
		[]string{"databaseEngine", "PostgreSQL", "deploymentOption", "Single-AZ", "engineCode", "14", "licenseModel", "No license required", "currentGeneration", "Yes"}},
	{svcRDS, "RDS:GP3-Storage", "CreateDBInstance:0014", "GB-Mo", "Database Storage", "0.115", 1000, qStorage, resDB, 12, nil,
		[]string{"databaseEngine", "PostgreSQL", "deploymentOption", "Single-AZ", "volumeType", "General Purpose-GP3"}},
	{svcEC2, "EBS:VolumeUsage.gp3", "CreateVolume-Gp3", "GB-Mo", "Storage", "0.08", 1000, qStorage, resVolume, 45, nil,
		[]string{"volumeApiName", "gp3", "volumeType", "General Purpose", "storageMedia", "SSD-backed"}},
	{svcEC2, "EBS:SnapshotUsage", "CreateSnapshot", "GB-Mo", "Storage Snapshot", "0.05", 1000, qStorage, resSnapshot, 15, nil,
		[]string{"storageMedia", "Amazon S3"}},
	{svcEC2, "DataTransfer-Out-Bytes", "RunInstances", "GB", "Data Transfer", "0.09", 944, qGB, resInstance, 30, nil, nil},
	{svcEC2, "NatGateway-Hours", "NatGateway", "Hrs", "NAT Gateway", "0.045", 1000, qHours, resNAT, 12, nil, []string{"group", "NGW:NatGateway"}},
	{svcS3, "TimedStorage-ByteHrs", "StandardStorage", "GB-Mo", "Storage", "0.023", 957, qStorage, resBucket, 45, nil,
		[]string{"storageClass", "General Purpose", "volumeType", "Standard"}},
	{svcS3, "Requests-Tier1", "PutObject", "Requests", "API Request", "0.000005", 1000, qRequests, resBucket, 25, nil, []string{"group", "S3-API-Tier1"}},
	{svcS3, "Requests-Tier2", "GetObject", "Requests", "API Request", "0.0000004", 1000, qRequests, resBucket, 25, nil, []string{"group", "S3-API-Tier2"}},
	{svcS3, "TimedStorage-INT-FA-ByteHrs", "IntelligentTieringFAStorage", "GB-Mo", "Storage", "0.023", 1000, qStorage, resBucket, 10, nil,
		[]string{"storageClass", "Intelligent-Tiering", "volumeType", "Intelligent-Tiering Frequent Access"}},
	{svcLambda, "Lambda-GB-Second", "Invoke", "Lambda-GB-Second", "Serverless", "0.0000166667", 1000, qGBSec, resFunction, 35, nil, []string{"group", "AWS-Lambda-Duration"}},
	{svcLambda, "Request", "Invoke", "Requests", "Serverless", "0.0000002", 1000, qRequests, resFunction, 25, nil, []string{"group", "AWS-Lambda-Requests"}},
	{svcCloudWatch, "CW:MetricMonitorUsage", "MetricStorage", "Metrics", "Metric", "0.3", 1000, qMetrics, resNone, 20, nil, []string{"group", "Metric"}},
	{svcCloudWatch, "DataProcessing-Bytes", "PutLogEvents", "GB", "Data Payload", "0.5", 1000, qGB, resLogGroup, 15, nil, []string{"group", "Ingested Logs"}},
	{svcCloudWatch, "TimedStorage-ByteHrs", "HourlyStorageMetering", "GB-Mo", "Storage Snapshot", "0.03", 1000, qStorage, resLogGroup, 10, nil, nil},
	{svcDynamoDB, "ReadRequestUnits", "PayPerRequestThroughput", "ReadRequestUnits", "Amazon DynamoDB PayPerRequest Throughput", "0.00000025", 1000, qRequests, resTable, 20, nil, []string{"group", "DDB-ReadUnits"}},
	{svcDynamoDB, "WriteRequestUnits", "PayPerRequestThroughput", "WriteRequestUnits", "Amazon DynamoDB PayPerRequest Throughput", "0.00000125", 1000, qRequests, resTable, 15, nil, []string{"group", "DDB-WriteUnits"}},
	// Billed above the public price: the on-demand check must report such groups, not hide them.
	{svcDynamoDB, "TimedStorage-ByteHrs", "StandardStorage", "GB-Mo", "Database Storage", "0.25", 1140, qStorage, resTable, 8, nil, nil},
	{svcVPC, "VpcEndpoint-Hours", "VpcEndpoint", "Hrs", "VpcEndpoint", "0.01", 1000, qHours, resEndpoint, 10, nil, []string{"group", "VpcEndpoint"}},
	{svcVPC, "PublicIPv4:InUseAddress", "AssociateAddressVPC", "Hrs", "IP Address", "0.005", 1000, qHours, resAddress, 12, nil, []string{"group", "VPCPublicIPv4Address"}},
	{svcEKS, "AmazonEKS-Hours:perCluster", "CreateOperation", "Hrs", "Compute", "0.1", 1000, qHours, resCluster, 6, nil, nil},
}

// productAttrs are the legacy product/* columns, in the order the generator writes them.
// Snake turns each into its Parquet and CUR 2.0 name; CUR 2.0 keeps the ones in cur2Flat as
// columns and moves the rest into its product map.
var productAttrs = []string{
	"ProductName", "availabilityZone", "capacitystatus", "currentGeneration",
	"databaseEngine", "deploymentOption", "ecu", "engineCode", "fromLocation",
	"fromLocationType", "fromRegionCode", "group", "instanceFamily", "instanceType",
	"instanceTypeFamily", "licenseModel", "location", "locationType", "marketoption", "memory",
	"networkPerformance", "normalizationSizeFactor", "operatingSystem", "operation",
	"physicalProcessor", "preInstalledSw", "processorArchitecture", "productFamily", "region",
	"regionCode", "servicecode", "servicename", "sku", "storage", "storageClass", "storageMedia",
	"tenancy", "toLocation", "toLocationType", "toRegionCode", "usagetype", "vcpu",
	"volumeApiName", "volumeType",
}

// cur2Flat are the product attributes CUR 2.0 keeps as product_* columns (its other flat
// product columns, comment, fee code and description, instance SKU and pricing unit, are
// written apart).
var cur2Flat = map[string]bool{
	"from_location": true, "from_location_type": true, "from_region_code": true, "instance_family": true,
	"instance_type": true, "location": true, "location_type": true, "operation": true,
	"product_family": true, "region_code": true, "servicecode": true, "sku": true, "to_location": true,
	"to_location_type": true, "to_region_code": true, "usagetype": true,
}

var attrIndex = func() map[string]int {
	m := make(map[string]int, len(productAttrs))
	for i, a := range productAttrs {
		m[a] = i
	}
	return m
}()

// Tag values; "" leaves a resource untagged. Indices are drawn from a resource's hash, so a
// resource keeps its tags all month.
var (
	teams = []string{"web", "data", "platform", "ml", "payments", "security", "", ""}
	envs  = []string{"prod", "prod", "staging", "dev", ""}
)

var accountNames = []string{"management", "prod-web", "prod-data", "staging", "dev-sandbox", "analytics",
	"security-audit", "shared-services", "ml-research", "payments-prod", "log-archive", "network-hub"}

type marketplaceProduct struct {
	code, name, seller, usageType, rate string
}

var marketplace = []marketplaceProduct{
	{"6njl2lc5jx9v1ylzdvgw1vpwf", "NetGuard Next-Gen Firewall (PAYG)", "NetGuard Inc.", "SoftwareUsage:m5.xlarge", "0.35"},
	{"b3x0ubqbrz8ng4y4aqp1o7k2c", "Hardened Ubuntu 22.04 LTS", "Bastion Labs LLC", "SoftwareUsage:t3.medium", "0.012"},
	{"9v2hq4m1rtq7cz0d8xk3lw5pe", "LogStream Analytics Enterprise", "LogStream Corp", "SoftwareUsage:c5.2xlarge", "0.48"},
}

func mustAmount(s string) money.Amount {
	a, _, err := money.ParseString(s)
	if err != nil {
		panic(err)
	}
	return a
}
