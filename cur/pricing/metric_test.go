package pricing

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
)

// metricCases: one line item per row, and its cost and label under each metric. Columns:
// type, unblended, blended, net unblended, RI effective, RI net effective, SP effective, SP net
// effective, SP total commitment, SP used, SP net recurring, SP recurring, RI unused upfront,
// RI unused recurring, RI amortized upfront fee, SP amortized upfront, RI ARN, product code,
// description, operation, public on-demand.
const metricHeader = "lineItem/LineItemType,lineItem/UnblendedCost,lineItem/BlendedCost,lineItem/NetUnblendedCost," +
	"reservation/EffectiveCost,reservation/NetEffectiveCost,savingsPlan/SavingsPlanEffectiveCost,savingsPlan/NetSavingsPlanEffectiveCost," +
	"savingsPlan/TotalCommitmentToDate,savingsPlan/UsedCommitment,savingsPlan/NetRecurringCommitmentForBillingPeriod,savingsPlan/RecurringCommitmentForBillingPeriod," +
	"reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,reservation/UnusedRecurringFee,reservation/AmortizedUpfrontFeeForBillingPeriod," +
	"savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod,reservation/ReservationARN,lineItem/ProductCode,lineItem/LineItemDescription,lineItem/Operation,pricing/publicOnDemandCost"

type metricCase struct {
	name string
	row  string
	kind Kind
	// amortized, simple, unblended, net-unblended, net-amortized, blended
	want   [6]string
	labels [6]string
	trueUp string
	priced bool
}

var metricCases = []metricCase{
	{"usage", "Usage,10,11,9,,,,,,,,,,,,,,AmazonS3,,,12", KindUsage,
		[6]string{"10", "10", "10", "9", "9", "11"},
		[6]string{LabelUnblended, LabelUnblended, LabelUnblended, LabelNetUnblended, LabelUnblended, LabelBlended}, "0", true},
	{"discounted usage", "DiscountedUsage,0,0,,36,30,,,,,,,,,,,arn:ri,AmazonEC2,,,90", KindDiscountedUsage,
		[6]string{"36", "36", "0", "0", "30", "0"},
		[6]string{LabelRIEffective, LabelRIEffective, "Unblended Cost: DiscountedUsage", "Net Unblended Cost: DiscountedUsage", LabelRIEffective, "Blended Cost: DiscountedUsage"}, "0", true},
	{"savings plan covered usage", "SavingsPlanCoveredUsage,50,50,,,,34,,,,,,,,,,,AmazonEC2,,,50", KindSPCoveredUsage,
		[6]string{"34", "34", "50", "50", "34", "50"},
		[6]string{LabelSPEffective, LabelSPEffective, "Unblended Cost: SavingsPlanCoveredUsage", "Net Unblended Cost: SavingsPlanCoveredUsage", LabelSPEffective, "Blended Cost: SavingsPlanCoveredUsage"}, "0", true},
	{"savings plan negation", "SavingsPlanNegation,-50,-50,,,,,,,,,,,,,,,AmazonEC2,,,50", KindSPNegation,
		[6]string{"0", "-50", "-50", "-50", "0", "-50"},
		[6]string{LabelSPNegation, "Unblended Cost: SavingsPlanNegation", "Unblended Cost: SavingsPlanNegation", "Net Unblended Cost: SavingsPlanNegation", LabelSPNegation, "Blended Cost: SavingsPlanNegation"}, "0", false},
	{"savings plan recurring fee", "SavingsPlanRecurringFee,72,72,,,,,,72,60,45,60,,,,12,,ComputeSavingsPlans,,,", KindSPRecurringFee,
		// net: unused 12 × (45 + 0 net upfront absent→ only recurring set) / (60 + 12) = 12 × 45/72 = 7.5
		[6]string{"12", "72", "72", "72", "7.5", "72"},
		[6]string{LabelUnusedSP, "Unblended Cost: SavingsPlanRecurringFee", "Unblended Cost: SavingsPlanRecurringFee", "Net Unblended Cost: SavingsPlanRecurringFee", LabelUnusedSP, "Blended Cost: SavingsPlanRecurringFee"}, "-12", false},
	{"savings plan upfront fee", "SavingsPlanUpfrontFee,500,500,,,,,,,,,,,,,,,ComputeSavingsPlans,,,", KindSPUpfrontFee,
		[6]string{"0", "500", "500", "500", "0", "500"},
		[6]string{LabelUpfrontFee, "Unblended Cost: SavingsPlanUpfrontFee", "Unblended Cost: SavingsPlanUpfrontFee", "Net Unblended Cost: SavingsPlanUpfrontFee", LabelUpfrontFee, "Blended Cost: SavingsPlanUpfrontFee"}, "0", false},
	{"RI fee", "RIFee,20,20,,,,,,,,,,8,2,60,,arn:ri,AmazonRDS,,,", KindRIFee,
		[6]string{"10", "20", "20", "20", "10", "20"},
		[6]string{LabelUnusedRI, "Unblended Cost: RIFee", "Unblended Cost: RIFee", "Net Unblended Cost: RIFee", LabelUnusedRI, "Blended Cost: RIFee"}, "-60", false},
	{"RI upfront fee", "Fee,10200,10200,,,,,,,,,,,,,,arn:ri,AmazonEC2,Sign up charge,,", KindRIUpfrontFee,
		[6]string{"0", "10200", "10200", "10200", "0", "10200"},
		[6]string{LabelUpfrontFee, "Unblended Cost: Fee", "Unblended Cost: Fee", "Net Unblended Cost: Fee", LabelUpfrontFee, "Blended Cost: Fee"}, "0", false},
	{"other fee", "Fee,5,5,,,,,,,,,,,,,,,AWSSupport,Support fee,,", KindOther,
		[6]string{"5", "5", "5", "5", "5", "5"},
		[6]string{"Unblended Cost: Fee", "Unblended Cost: Fee", "Unblended Cost: Fee", "Net Unblended Cost: Fee", "Unblended Cost: Fee", "Blended Cost: Fee"}, "0", false},
	{"returned SP refund", "Refund,-500,-500,,,,,,,,,,,,,,,ComputeSavingsPlans,Refund for one-time fee for Savings Plan ID sp-2,,", KindReturnedSPRefund,
		[6]string{"0", "-500", "-500", "-500", "0", "-500"},
		[6]string{LabelReturnedRefund, "Unblended Cost: Refund", "Unblended Cost: Refund", "Net Unblended Cost: Refund", LabelReturnedRefund, "Blended Cost: Refund"}, "0", false},
	{"other refund", "Refund,-7,-7,,,,,,,,,,,,,,,AmazonEC2,Refund for outage,,", KindOther,
		[6]string{"-7", "-7", "-7", "-7", "-7", "-7"},
		[6]string{"Unblended Cost: Refund", "Unblended Cost: Refund", "Unblended Cost: Refund", "Net Unblended Cost: Refund", "Unblended Cost: Refund", "Blended Cost: Refund"}, "0", false},
	{"split cost row", "Usage,4,4,,,,,,,,,,,,,,,AmazonEKS,,EKSPod-EC2,5", KindSplitCost,
		[6]string{"0", "4", "4", "4", "0", "4"},
		[6]string{LabelSplitCost, LabelUnblended, LabelUnblended, LabelNetUnblended, LabelSplitCost, LabelBlended}, "0", false},
	{"EDP discount without net", "EdpDiscount,-3,,,,,,,,,,,,,,,,AmazonEC2,,,", KindDiscount,
		[6]string{"-3", "-3", "-3", "0", "0", "0"},
		[6]string{"Unblended Cost: EdpDiscount", "Unblended Cost: EdpDiscount", "Unblended Cost: EdpDiscount", "Net Unblended Cost: EdpDiscount", "Unblended Cost: EdpDiscount", "Blended Cost: EdpDiscount"}, "0", false},
	{"tax", "Tax,1.81E-8,1.81E-8,,,,,,,,,,,,,,,AmazonEC2,,,", KindOther,
		[6]string{"0.0000000181", "0.0000000181", "0.0000000181", "0.0000000181", "0.0000000181", "0.0000000181"},
		[6]string{"Unblended Cost: Tax", "Unblended Cost: Tax", "Unblended Cost: Tax", "Net Unblended Cost: Tax", "Unblended Cost: Tax", "Blended Cost: Tax"}, "0", false},
	{"unknown type", "BrandNewType,2,2,,,,,,,,,,,,,,,AmazonEC2,,,", KindOther,
		[6]string{"2", "2", "2", "2", "2", "2"},
		[6]string{"Unblended Cost: BrandNewType", "Unblended Cost: BrandNewType", "Unblended Cost: BrandNewType", "Net Unblended Cost: BrandNewType", "Unblended Cost: BrandNewType", "Blended Cost: BrandNewType"}, "0", false},
	{"usage without public price", "Usage,50,50,,,,,,,,,,,,,,,prod-abc,,,", KindUsage,
		[6]string{"50", "50", "50", "50", "50", "50"},
		[6]string{LabelUnblended, LabelUnblended, LabelUnblended, LabelNetUnblended, LabelUnblended, LabelBlended}, "0", false},
}

func TestMetricsPerLineItemType(t *testing.T) {
	var b strings.Builder
	b.WriteString(metricHeader + "\n")
	for _, c := range metricCases {
		b.WriteString(c.row + "\n")
	}
	path := filepath.Join(t.TempDir(), "metrics.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ev := NewEvaluator(false)
	r, err := cur.Open(cur.Source{Path: path}, ev.Request())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	c := ev.Eval(r.Batch())
	if c.Len != len(metricCases) {
		t.Fatalf("rows = %d, want %d", c.Len, len(metricCases))
	}
	for i, tc := range metricCases {
		t.Run(tc.name, func(t *testing.T) {
			if c.Kind[i] != tc.kind {
				t.Errorf("kind = %d, want %d", c.Kind[i], tc.kind)
			}
			for m := range Metrics {
				if got := c.Cost[m][i].String(); got != tc.want[m] {
					t.Errorf("%s = %s, want %s", Metric(m), got, tc.want[m])
				}
				if got := ev.Labels()[c.Label[m][i]]; got != tc.labels[m] {
					t.Errorf("%s label = %q, want %q", Metric(m), got, tc.labels[m])
				}
			}
			if got := c.TrueUp[i].String(); got != tc.trueUp {
				t.Errorf("true-up = %s, want %s", got, tc.trueUp)
			}
			if c.Priced[i] != tc.priced {
				t.Errorf("priced = %v, want %v", c.Priced[i], tc.priced)
			}
		})
	}
}

func TestMetricIncludeSplitCost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "split.csv")
	os.WriteFile(path, []byte(metricHeader+"\nUsage,4,4,,,,,,,,,,,,,,,AmazonEKS,,EKSPod-EC2,5\n"), 0o644)
	ev := NewEvaluator(true)
	r, err := cur.Open(cur.Source{Path: path}, ev.Request())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.Next()
	c := ev.Eval(r.Batch())
	if c.Kind[0] != KindUsage || c.Cost[Amortized][0].String() != "4" || !c.Priced[0] {
		t.Errorf("with --include-split-cost: kind %d amortized %s priced %v", c.Kind[0], c.Cost[Amortized][0], c.Priced[0])
	}
}

func TestMetricAssumptions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "noeff.csv")
	os.WriteFile(path, []byte("lineItem/LineItemType,lineItem/UnblendedCost\nDiscountedUsage,0\n"), 0o644)
	ev := NewEvaluator(false)
	r, err := cur.Open(cur.Source{Path: path}, ev.Request())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		ev.Eval(r.Batch())
	}
	got := ev.Assumptions()
	if len(got) != 1 || !strings.Contains(got[0], "reservation_effective_cost is absent: DiscountedUsage rows counted at 0") {
		t.Errorf("assumptions = %q", got)
	}
}

func TestParseMetric(t *testing.T) {
	for _, n := range MetricNames() {
		m, err := ParseMetric(n)
		if err != nil || m.String() != n {
			t.Errorf("ParseMetric(%q) = %v, %v", n, m, err)
		}
	}
	if _, err := ParseMetric("cheapest"); err == nil {
		t.Error("ParseMetric(cheapest): no error")
	}
}

// TestAskLimitsConditionColumns: the evaluator asks for a column a kind's conditions test on
// the rows of that kind's line item type only, and for every other column whole; a caller
// asking for the column itself gets it whole.
func TestAskLimitsConditionColumns(t *testing.T) {
	want := map[string][]string{cur.ColRIARN: {"Fee"}, cur.ColProductCode: {"Refund"}, cur.ColDescription: {"Refund"}}
	ev := NewEvaluator(false)
	req := ev.Request()
	got := map[string][]string{}
	for c, test := range req.Where {
		if test.Column != cur.ColLineItemType || test.Negate {
			t.Errorf("column %s limited by %+v", req.Strings[c], test)
		}
		got[req.Strings[c]] = test.Values
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("limited columns %v, want %v", got, want)
	}
	// A dimension asking for the product code after the evaluator reads it on every row.
	req.AskString(cur.ColProductCode)
	if _, ok := req.Where[cur.StringCol(slices.Index(req.Strings, cur.ColProductCode))]; ok {
		t.Error("the product code stays limited though asked whole")
	}
	// With MetricOnly under unblended, the condition columns are not asked at all.
	ev = NewEvaluator(false)
	ev.Metric, ev.MetricOnly = Unblended, true
	if req := ev.Request(); len(req.Where) != 0 {
		t.Errorf("unblended alone limits %v", req.Where)
	}
}
