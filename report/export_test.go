package report

// Helpers of the package's own tests that its external tests (package report_test) share.
var (
	RunOpts      = runOpts
	OwnBills     = ownBills
	PropertyDims = propertyDims
)

// ClusteredBill, ClusteredCSV and ClusteredAccount write and name the accounts of a bill sorted by
// account.
var (
	ClusteredBill       = clusteredBill
	ClusteredCSV        = clusteredCSV
	ClusteredTaggedBill = clusteredTaggedBill
	ClusteredAccount    = clusteredAccount
)

// ReadingAll returns o with every row group read, whatever the filters.
func ReadingAll(o Options) Options {
	o.readAll = true
	return o
}
