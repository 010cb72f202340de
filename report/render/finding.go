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
	}
	return f.Name
}

// notApplicableText says why a finding could not be judged; "" when it was.
func notApplicableText(f *drift.Finding) string {
	if !f.NotApplicable {
		return ""
	}
	return "rows were left out (--filter): the reconciliation needs whole billing periods"
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
