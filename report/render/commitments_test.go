package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/curnorm/curnorm/report"
)

// commitmentsForWidth are commitments with real-looking ARNs (UUIDs) and money in the
// millions, in two currencies.
func commitmentsForWidth(t *testing.T) *report.CommitmentResult {
	t.Helper()
	var cs []*report.Commitment
	for _, cur := range []string{"EUR", "USD"} {
		for j, arn := range []string{
			"arn:aws:savingsplans::123456789012:savingsplan/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
			"arn:aws:ec2:us-east-1:123456789012:reserved-instances/0f9e8d7c-6b5a-4938-2716-05f4e3d2c1b0",
		} {
			kind := []report.CommitmentKind{report.SavingsPlan, report.Reservation}[j]
			cs = append(cs, &report.Commitment{Period: "2026-10", Currency: cur, ARN: arn, Kind: kind, Type: "ComputeSavingsPlans",
				Region: "ap-southeast-2", End: "2027-10-16T00:00:00Z", FeeRows: 1, Commitment: amt(t, "1234567.89"),
				Used: amt(t, "1034567.89"), Unused: amt(t, "200000"), CoveredOnDemand: amt(t, "2345678.9"), CoveredCost: amt(t, "1034567.89")})
		}
	}
	return &report.CommitmentResult{Commitments: cs}
}

// TestCommitmentsTableWidth: on an 80-column terminal the commitments table fits, the ids
// cut with "…" and no number cut; without a known width it prints them whole.
func TestCommitmentsTableWidth(t *testing.T) {
	res := commitmentsForWidth(t)
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	if err := WriteCommitments(&b, res, Options{Format: "table", Width: 80, Precision: -1}, now); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		if w := width(line); w > 80 {
			t.Errorf("%d columns: %q", w, line)
		}
	}
	out := b.String()
	if !strings.Contains(out, "1234567.89") || !strings.Contains(out, "…") || !strings.Contains(out, "316") {
		t.Errorf("numbers cut or ids not:\n%s", out)
	}
	b.Reset()
	if err := WriteCommitments(&b, res, Options{Format: "table", Precision: -1}, now); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d") {
		t.Errorf("without a width the id is cut:\n%s", b.String())
	}
}

// TestCoverageTableWidth: the coverage table fits 80 columns too, cutting group values.
func TestCoverageTableWidth(t *testing.T) {
	r := &report.Result{Dimensions: []string{"usage-type", "resource"}}
	for _, k := range [][]string{{"APS2-BoxUsage:m6i.24xlarge-with-a-long-name", "arn:aws:ec2:ap-southeast-2:123456789012:instance/i-0123456789abcdef0"}} {
		g := &report.Group{Key: k, Currency: "USD", OnDemand: amt(t, "1234567.89"), CoveredRI: amt(t, "234567.89"), CoveredSP: amt(t, "1000000")}
		r.Groups = append(r.Groups, g)
		r.Totals = append(r.Totals, &report.Group{Currency: "USD", OnDemand: g.OnDemand, CoveredRI: g.CoveredRI, CoveredSP: g.CoveredSP})
	}
	var b bytes.Buffer
	if err := WriteCoverage(&b, r, Options{Format: "table", Width: 80, Precision: -1}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		if w := width(line); w > 80 {
			t.Errorf("%d columns: %q", w, line)
		}
	}
	if !strings.Contains(b.String(), "1234567.89") {
		t.Errorf("numbers cut:\n%s", b.String())
	}
}

// TestCommitmentsMarkdownEscapes: markdown keeps hostile text literal and quotes formulas.
func TestCommitmentsMarkdownEscapes(t *testing.T) {
	res := &report.CommitmentResult{Commitments: []*report.Commitment{{Period: "2026-10", Currency: "USD", Kind: report.SavingsPlan,
		ARN: "arn:x|y", Type: "=cmd()", Region: "a\nb", FeeRows: 1, Commitment: amt(t, "10"), Used: amt(t, "8"), Unused: amt(t, "2")}}}
	var b bytes.Buffer
	if err := WriteCommitments(&b, res, Options{Format: "markdown", Precision: -1}, time.Now()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if want := "| 2026-10 | USD | SavingsPlan | '=cmd() | arn:x\\|y | a b | 10.00 | 8.00 | 2.00 | 80.0% | 0.00 | 0.00 | 0.00 | | |"; lines[2] != want {
		t.Errorf("row\n%s\nwant\n%s", lines[2], want)
	}
	if len(lines) != 5 || !strings.HasPrefix(lines[3], "| **2026-10** | **USD** | **SavingsPlan** | | **TOTAL** |") {
		t.Errorf("totals:\n%s", b.String())
	}
}
