package report

// Helpers of the package's own tests that its external tests (package report_test) share.
var (
	RunOpts      = runOpts
	OwnBills     = ownBills
	PropertyDims = propertyDims
)
