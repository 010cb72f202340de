package render

import "github.com/curnorm/curnorm/cur"

// The JSON documents of report, diff and check, declared once: the writers fill them, and
// ReadBaseline reads a report document back through the same types. Money is carried as
// decimal strings throughout, so no consumer (jq, JavaScript) rounds it through a float;
// struct field order fixes the key order of every object.

// SchemaVersion names the layout of the report document; it changes when a field changes
// meaning. v2 added options, rules and inputs, what `curnorm merge` needs of a part.
const SchemaVersion = "curnorm.report/v2"

// readableSchemas are the report documents ReadBaseline reads: v1 lacks what merging needs,
// so ReadPart takes only SchemaVersion.
var readableSchemas = []string{"curnorm.report/v1", SchemaVersion}

type jsonDoc struct {
	Schema     string      `json:"schema"`
	Metric     string      `json:"metric"`
	Dimensions []string    `json:"dimensions"`
	Filters    []string    `json:"filters"`
	Options    jsonOptions `json:"options"`
	Rules      string      `json:"rules"` // report.RulesVersion
	Files      []string    `json:"files"`
	// Inputs identify the files, in the order of Files; [] when the rollup did not.
	Inputs     []jsonInput   `json:"inputs"`
	Currencies []string      `json:"currencies"`
	Periods    []jsonPeriod  `json:"periods"`
	Groups     []jsonGroup   `json:"groups"`
	Totals     []jsonGroup   `json:"totals"`
	Summary    []jsonSummary `json:"summary"`
	Warnings   []string      `json:"warnings"`
	// Skipped lists the rows and files --on-error skip left out, per file and reason.
	Skipped []cur.SkipCount `json:"skipped"`
}

// jsonOptions are the options of report besides metric, dimensions and filters that the
// figures depend on.
type jsonOptions struct {
	IncludeSplitCost bool              `json:"include_split_cost"`
	Usage            bool              `json:"usage,omitempty"`         // --usage: groups carry their usage quantity
	AllProviders     bool              `json:"all_providers,omitempty"` // --all-providers: a FOCUS file's every provider
	AccountNames     *jsonAccountNames `json:"account_names"`           // null without --account-names
	Top              int               `json:"top"`                     // 0: every group
	Precision        *int              `json:"precision"`               // null: exact money
}

// jsonAccountNames is what --account-names did: its digest, the accounts of the bill that took
// their names from it, with or without a name there, and its ids that matched no account.
type jsonAccountNames struct {
	Digest    string   `json:"digest"`
	Named     []string `json:"named"`
	Unnamed   []string `json:"unnamed"`
	Unmatched []string `json:"unmatched"`
}

// jsonInput identifies one file read: the size and fingerprint (cur.Fingerprint) of its
// content, null when it was not read to its end.
type jsonInput struct {
	Name        string  `json:"name"`
	Period      string  `json:"period"`
	Size        *int64  `json:"size"`
	Fingerprint *string `json:"fingerprint"`
}

type jsonPeriod struct {
	Period        string `json:"period"`
	Currency      string `json:"currency"`
	FirstUsageDay string `json:"first_usage_day"`
	LastUsageDay  string `json:"last_usage_day"`
	Final         bool   `json:"final"`
	Rows          int64  `json:"rows"`
	// RowsWithoutInvoice lets a baseline read back say how provisional its period was.
	RowsWithoutInvoice int64 `json:"rows_without_invoice"`
}

type jsonGroup struct {
	Metric       string      `json:"metric,omitempty"` // ndjson lines only
	Total        bool        `json:"total,omitempty"`  // ndjson total lines only
	Key          *jsonObject `json:"key,omitempty"`    // absent on totals
	Currency     string      `json:"currency"`
	Rows         int64       `json:"rows"`
	Cost         string      `json:"cost"`
	Unblended    string      `json:"unblended"`
	OnDemand     string      `json:"on_demand"`
	PricedCost   string      `json:"priced_cost"`
	Savings      string      `json:"savings"`
	SavingsRate  *string     `json:"savings_rate"`
	OverOnDemand bool        `json:"over_on_demand"`
	UnpricedRows int64       `json:"unpriced_rows"`
	UnpricedCost string      `json:"unpriced_cost"`
	Folded       int         `json:"folded,omitempty"` // groups an (other) row holds
	Usage        *jsonUsage  `json:"usage,omitempty"`  // with --usage
}

// jsonUsage is a group's usage quantity: the sum of its usage rows' amounts, in their unit.
type jsonUsage struct {
	Rows   int64  `json:"rows"`
	Amount string `json:"amount"`
	Unit   string `json:"unit"`
}

type jsonSummary struct {
	Period               string         `json:"period"`
	Currency             string         `json:"currency"`
	Rows                 int64          `json:"rows"`
	FOCUS                bool           `json:"focus,omitempty"` // FOCUS input: metrics amortized and unblended only
	Metrics              jsonObject     `json:"metrics"`
	OnDemand             string         `json:"on_demand"`
	PricedCost           string         `json:"priced_cost"`
	Savings              string         `json:"savings"`
	SavingsRate          *string        `json:"savings_rate"`
	EffectiveSavingsRate *string        `json:"effective_savings_rate"`
	UnpricedUsage        jsonUnpriced   `json:"unpriced_usage"`
	UnusedSP             string         `json:"unused_sp_commitment"`
	UnusedRI             string         `json:"unused_ri_fee"`
	Reconciliation       jsonReconcile  `json:"reconciliation"`
	Types                []jsonTypeSums `json:"line_item_types"`
}

type jsonUnpriced struct {
	Rows int64  `json:"rows"`
	Cost string `json:"cost"`
}

type jsonReconcile struct {
	Unblended       string `json:"unblended"`
	Amortized       string `json:"amortized"`
	TrueUp          string `json:"true_up"`
	UpfrontFees     string `json:"upfront_fees"`
	ExcludedRefunds string `json:"excluded_refunds"`
	SplitCost       string `json:"split_cost"`
	Residual        string `json:"residual"`
	Holds           *bool  `json:"holds"` // null when the reconciliation does not apply
	Applies         bool   `json:"applies"`
}

type jsonTypeSums struct {
	Type    string     `json:"type"`
	Rows    int64      `json:"rows"`
	Metrics jsonObject `json:"metrics"`
}

// DiffSchemaVersion names the layout of diff's JSON document.
const DiffSchemaVersion = "curnorm.diff/v2"

type jsonDiffDoc struct {
	Schema      string       `json:"schema"`
	Metric      string       `json:"metric"`
	Dimensions  []string     `json:"dimensions"`
	Filters     []string     `json:"filters"`
	Compare     string       `json:"compare"`
	Restatement bool         `json:"restatement"`
	Moved       bool         `json:"moved"`
	Old         jsonSide     `json:"old"`
	New         jsonSide     `json:"new"`
	Groups      []jsonChange `json:"groups"`
	Totals      []jsonChange `json:"totals"`
	Types       []jsonChange `json:"line_item_types"`
}

type jsonSide struct {
	Name          string   `json:"name"`
	Baseline      bool     `json:"baseline"`
	Files         []string `json:"files"`
	Periods       []string `json:"periods"`
	FirstUsageDay string   `json:"first_usage_day"`
	LastUsageDay  string   `json:"last_usage_day"`
	Final         bool     `json:"final"`
	DaysCovered   int      `json:"days_covered"`
	DaysInPeriod  int      `json:"days_in_period"`
	Factor        string   `json:"factor"` // exact: "31/15" or "1"
	CutToDays     *int     `json:"cut_to_days"`
}

type jsonChange struct {
	Kind      string      `json:"kind,omitempty"`   // ndjson lines only: group, total, line_item_type
	Metric    string      `json:"metric,omitempty"` // ndjson lines only
	Key       *jsonObject `json:"key,omitempty"`    // groups
	Type      string      `json:"line_item_type,omitempty"`
	Currency  string      `json:"currency"`
	Old       string      `json:"old"`
	New       string      `json:"new"`
	Delta     string      `json:"delta"`
	DeltaRate *string     `json:"delta_rate"` // a fraction of the old cost; null when that is 0
	Status    string      `json:"status"`
}

// CheckSchemaVersion names the layout of check's JSON document.
const CheckSchemaVersion = "curnorm.check/v2"

type jsonCheckDoc struct {
	Schema     string        `json:"schema"`
	Passed     bool          `json:"passed"`
	Metric     string        `json:"metric"`
	Dimensions []string      `json:"dimensions"`
	Filters    []string      `json:"filters"`
	Files      []string      `json:"files"`
	Limits     jsonLimits    `json:"limits"`
	Comparison *jsonDiffDoc  `json:"comparison"` // null without a baseline
	Rules      []jsonRule    `json:"rules"`
	Findings   []jsonFinding `json:"findings"`
}

// jsonLimits are the drift rules and --fail-on as given, null where not given, so a reader
// sees what was asked even where nothing was there to apply it to.
type jsonLimits struct {
	MaxIncrease     *string  `json:"max_increase"`
	MaxDecrease     *string  `json:"max_decrease"`
	MaxNewGroupCost *string  `json:"max_new_group_cost"`
	MinCost         *string  `json:"min_cost"`
	MinUtilization  *string  `json:"min_utilization"`
	MinCoverage     *string  `json:"min_coverage"`
	Expiring        *string  `json:"expiring"`
	FailOn          []string `json:"fail_on"`
}

type jsonRule struct {
	Rule     string       `json:"rule"`
	Limit    string       `json:"limit"`
	Scope    string       `json:"scope"` // "total" or "groups"
	Currency string       `json:"currency"`
	Passed   bool         `json:"passed"`
	Checked  int          `json:"checked"`
	Ignored  int          `json:"ignored_under_min_cost"`
	Failures []jsonChange `json:"failures"`
}

type jsonFinding struct {
	Name          string  `json:"name"`
	Severity      string  `json:"severity"`
	Fired         bool    `json:"fired"`
	Fails         bool    `json:"fails"`
	NotApplicable *string `json:"not_applicable"` // why it could not be judged
	Summary       string  `json:"summary"`
	Measure       *string `json:"measure"` // what the items' amount is; null: none
	// The threshold of low-utilization, low-coverage and expiring-commitment as given, and
	// how many commitments or groups it judged and could not judge; absent for the others.
	Limit    *string           `json:"limit,omitempty"`
	Checked  *int              `json:"checked,omitempty"`
	Unjudged *int              `json:"unjudged,omitempty"`
	Items    []jsonFindingItem `json:"items"`
}

type jsonFindingItem struct {
	File     string      `json:"file,omitempty"`
	Key      *jsonObject `json:"key,omitempty"`
	Period   string      `json:"period,omitempty"`
	Type     string      `json:"line_item_type,omitempty"`
	Currency string      `json:"currency,omitempty"`
	Rows     int64       `json:"rows"`
	Amount   *string     `json:"amount,omitempty"`
	// Commitment findings: the commitment, its end, days left, utilisation; low-coverage:
	// the group's coverage (fractions as exact decimal text).
	ARN         string  `json:"arn,omitempty"`
	End         string  `json:"end,omitempty"`
	DaysLeft    *int    `json:"days_left,omitempty"`
	Utilisation *string `json:"utilisation,omitempty"`
	Coverage    *string `json:"coverage,omitempty"`
	Detail      string  `json:"detail"`
}
