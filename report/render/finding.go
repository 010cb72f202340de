package render

import (
	"fmt"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/drift"
)

// findingSummary is a finding that fired in one line; "" when it did not fire.
func findingSummary(f *drift.Finding, dims []string) string {
	if !f.Fired {
		return ""
	}
	n := int64(len(f.Items))
	switch f.Name {
	case drift.FindingReconciliation:
		return fmt.Sprintf("the reconciliation of unblended with amortized cost does not hold in %s", countText(n, "billing period"))
	case drift.FindingOverOnDemand:
		word := "group"
		if len(dims) == 0 {
			word = "currency total"
		}
		return fmt.Sprintf("priced usage costs more than public on-demand in %s", countText(n, word))
	case drift.FindingUnpricedUsage:
		var rows int64
		for _, it := range f.Items {
			rows += it.Rows
		}
		return fmt.Sprintf("%s without a public on-demand price", countText(rows, "usage row"))
	case drift.FindingUnknownType:
		types := map[string]bool{}
		for _, it := range f.Items {
			types[it.Type] = true
		}
		return fmt.Sprintf("%s outside AWS's documented list", countText(int64(len(types)), "line item type"))
	case drift.FindingCurrencies:
		return fmt.Sprintf("the bill holds %d currencies; totals and limits apply per currency", n)
	case drift.FindingProvisional:
		return fmt.Sprintf("%s not invoiced yet: AWS may still change it", countText(n, "billing period"))
	case drift.FindingSkippedRows:
		var rows int64
		files, unreadable := map[string]bool{}, 0
		for _, it := range f.Items {
			rows += it.Rows
			files[it.File] = true
			if it.Skip.Reason == cur.SkipUnreadableFile {
				unreadable++
			}
		}
		what := fmt.Sprintf("%s skipped in %s under --on-error skip", countText(rows, "row"), countText(int64(len(files)), "file"))
		if unreadable > 0 {
			what += fmt.Sprintf(", %s unreadable and left out whole", countText(int64(unreadable), "file"))
		}
		return what + ": the figures miss them"
	case drift.FindingLowUtilization:
		return fmt.Sprintf("utilisation below %s in %d of %s", f.Limit, n, countText(int64(f.Checked), "commitment"))
	case drift.FindingLowCoverage:
		return fmt.Sprintf("coverage of priced usage below %s in %d of %s", f.Limit, n, countText(int64(f.Checked), coverageSubject(dims)))
	case drift.FindingExpiring:
		return fmt.Sprintf("%d of %s %s within %s", n, countText(int64(f.Checked), "commitment"), map[bool]string{true: "ends", false: "end"}[n == 1], daysText(f.Limit))
	}
	return f.Name
}

// coverageSubject is what low-coverage judges: groups of --by, or currency totals.
func coverageSubject(dims []string) string {
	if len(dims) == 0 {
		return "currency total"
	}
	return strings.Join(dims, ",") + " group"
}

// daysText puts a --expiring limit as given ("30d", "30") into words: "30 days".
func daysText(limit string) string {
	n := strings.TrimSuffix(limit, "d")
	if n == "1" {
		return "1 day"
	}
	return n + " days"
}

// notApplicableText says why a finding could not be judged; "" when it was.
func notApplicableText(f *drift.Finding) string {
	if !f.NotApplicable {
		return ""
	}
	switch f.Reason {
	case drift.NotApplicableNoCommitments:
		return "no Savings Plan or reservation in the bill, so nothing to judge"
	case drift.NotApplicableNoFees:
		return fmt.Sprintf("none of the bill's %s has its fee in the bill (bought in another account or bill), so no utilisation to judge", countText(int64(f.Unjudged), "commitment"))
	case drift.NotApplicableNoEndDates:
		return fmt.Sprintf("none of the bill's %s has an end date, so no expiry to judge", countText(int64(f.Unjudged), "commitment"))
	case drift.NotApplicableNoPricedUsage:
		return "no usage priced at public on-demand rates, so no coverage to judge"
	case drift.NotApplicableFOCUS:
		return "FOCUS input carries none of its terms (no negation rows, no true-up)"
	}
	return "rows were left out (--filter): the reconciliation needs whole billing periods"
}

// judgedText says what a threshold finding judged, for the rules line: "min-utilization 90%
// on 3 commitments (1 without its fee in the bill)".
func judgedText(f *drift.Finding, flag string, dims []string) string {
	s := flag + " " + f.Limit
	if f.NotApplicable {
		return s + " (n/a: " + notApplicableText(f) + ")"
	}
	unjudged := ""
	switch f.Name {
	case drift.FindingLowUtilization:
		s += " on " + countText(int64(f.Checked), "commitment")
		unjudged = " without its fee in the bill"
	case drift.FindingLowCoverage:
		s += " on " + countText(int64(f.Checked), coverageSubject(dims))
		unjudged = " without priced usage"
	case drift.FindingExpiring:
		s += " on " + countText(int64(f.Checked), "commitment")
		unjudged = " without an end date"
	}
	if f.Unjudged > 0 {
		s += fmt.Sprintf(" (%d%s left out)", f.Unjudged, unjudged)
	}
	return s
}

// commitmentText names a commitment: "SavingsPlan ComputeSavingsPlans arn:... (USD)".
func commitmentText(c *report.Commitment) string {
	s := string(c.Kind)
	if c.Type != "" {
		s += " " + c.Type
	}
	return s + " " + c.ARN + " (" + c.Currency + ")"
}

// findingDetail is one item of a finding in words, its money printed by m.
func findingDetail(f *drift.Finding, it *drift.FindingItem, dims []string, m func(money.Sum) string) string {
	switch f.Name {
	case drift.FindingReconciliation:
		return periodText(it.Summary) + " " + it.Currency + ": " + reconciliationText(it.Summary, m)
	case drift.FindingOverOnDemand:
		g := it.Group
		return fmt.Sprintf("%s: excess %s (priced usage %s, on-demand %s)", subjectText(dims, it.Key, it.Currency),
			m(it.Amount), m(g.PricedCost), m(g.OnDemand))
	case drift.FindingUnpricedUsage:
		subject := subjectText(dims, it.Key, it.Currency)
		if it.Summary != nil {
			subject = periodText(it.Summary) + " " + it.Currency
		}
		return fmt.Sprintf("%s: %s, cost %s", subject, countText(it.Rows, "usage row"), m(it.Amount))
	case drift.FindingUnknownType:
		return fmt.Sprintf("%s (%s): %s, cost %s", it.Type, it.Currency, countText(it.Rows, "row"), m(it.Amount))
	case drift.FindingCurrencies:
		return fmt.Sprintf("%s: %s, cost %s", it.Currency, countText(it.Rows, "row"), m(it.Amount))
	case drift.FindingProvisional:
		s := it.Summary
		d := fmt.Sprintf("%s %s: %s of %d without invoice id", periodText(s), s.Currency, countText(s.RowsWithoutInvoice, "row"), s.Rows)
		if s.LastUsageDay != "" {
			d += ", usage through " + s.LastUsageDay
		}
		return d
	case drift.FindingSkippedRows:
		sc := it.Skip
		if sc.Reason == cur.SkipUnreadableFile {
			return fmt.Sprintf("%s: unreadable, left out whole (%s read before the failure): %s", sc.File, countText(sc.Rows, "row"), sc.First)
		}
		return fmt.Sprintf("%s: %s, %s; first: %s", sc.File, countText(sc.Rows, "row"), sc.Reason, sc.First)
	case drift.FindingLowUtilization:
		c := it.Commitment
		return fmt.Sprintf("%s %s: utilisation %s, unused %s of %s", it.Period, commitmentText(c), ratePercent(c.Utilisation()),
			m(c.Unused), m(c.Commitment))
	case drift.FindingLowCoverage:
		g := it.Group
		return fmt.Sprintf("%s: coverage %s, left on demand %s of %s (covered by reservations %s, by Savings Plans %s)",
			subjectText(dims, it.Key, it.Currency), ratePercent(g.Coverage()), m(it.Amount), m(g.OnDemand), m(g.CoveredRI), m(g.CoveredSP))
	case drift.FindingExpiring:
		c := it.Commitment
		when := "in " + daysText(fmt.Sprint(it.DaysLeft))
		if it.DaysLeft == 0 {
			when = "within a day"
		}
		return fmt.Sprintf("%s: ends %s, %s", commitmentText(c), c.End, when)
	}
	return ""
}

// periodText names a summary's billing period, or says it has none.
func periodText(s *report.Summary) string {
	if s.Period == "" {
		return "(no billing period)"
	}
	return s.Period
}

// keyText prints a group key as "dim=value, dim=value".
func keyText(dims, key []string) string {
	parts := make([]string, len(key))
	for i, v := range key {
		if i < len(dims) {
			v = dims[i] + "=" + v
		}
		parts[i] = v
	}
	return strings.Join(parts, ", ")
}

// subjectText names a group with its currency: "service=AmazonEC2 (USD)", or "USD" for a
// currency total.
func subjectText(dims, key []string, currency string) string {
	if len(key) == 0 {
		return currency
	}
	return keyText(dims, key) + " (" + currency + ")"
}
