package main

import (
	"encoding/csv"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hostileTeams are tag values a spreadsheet would run as formulas if written as they are.
var hostileTeams = []string{
	`=HYPERLINK("http://x","click")`, "=1+1", "+cmd", "@SUM(A1)", "-2+3", "\tindented", "\rreturned", "platform",
}

// writeHostileBill writes a legacy CUR whose Team tags carry formulas, with a credit of -30
// on one of them, and returns its path.
func writeHostileBill(t *testing.T, dir, name string, costs []string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"bill/InvoiceId", "bill/BillingPeriodStartDate", "lineItem/UsageAccountId", "lineItem/LineItemType",
		"lineItem/UsageStartDate", "lineItem/ProductCode", "lineItem/ResourceId", "lineItem/CurrencyCode",
		"lineItem/UnblendedCost", "pricing/publicOnDemandCost", "resourceTags/user:Team"})
	for i, team := range hostileTeams {
		w.Write([]string{"INV-10", "2026-10-01T00:00:00Z", "111111111111", "Usage", "2026-10-01T00:00:00Z", "AmazonEC2",
			"i-" + string(rune('a'+i)), "USD", costs[i], costs[i], team})
	}
	w.Write([]string{"INV-10", "2026-10-01T00:00:00Z", "111111111111", "Credit", "2026-10-01T00:00:00Z", "AmazonEC2",
		"", "USD", "-30", "", "-credits"})
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// number is a cell a spreadsheet reads as a number: an amount, a count or a rate.
var number = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?%?$`)

// formulaCell reports whether a spreadsheet would evaluate the cell as a formula.
func formulaCell(c string) bool {
	return c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && !number.MatchString(c)
}

// TestHostileSpreadsheet runs every csv and markdown output over a bill whose tag values carry
// formulas: no text cell may start a formula, and every amount stays a number.
func TestHostileSpreadsheet(t *testing.T) {
	dir := t.TempDir()
	oldBill := writeHostileBill(t, dir, "oct.csv", []string{"10", "20", "30", "40", "50", "60", "70", "80"})
	newBill := writeHostileBill(t, dir, "nov.csv", []string{"11", "22", "33", "44", "55", "66", "77", "88"})

	csvRuns := map[string]struct {
		args     []string
		amounts  []string // columns that must parse as numbers
		positive bool     // the credit is not among the amounts (coverage counts priced usage only)
	}{
		"report": {[]string{"report", "-q", "--by", "tag:Team,resource", "--format", "csv", newBill},
			[]string{"rows", "cost", "unblended", "on_demand", "savings"}, false},
		"diff": {[]string{"diff", "-q", "--by", "tag:Team", "--format", "csv", oldBill, newBill},
			[]string{"old", "new", "delta"}, false},
		"coverage": {[]string{"commitments", "--coverage", "--by", "tag:Team", "--format", "csv", newBill},
			[]string{"on_demand", "covered_ri", "covered_sp", "left_on_demand"}, true},
	}
	for name, run := range csvRuns {
		t.Run(name+" csv", func(t *testing.T) {
			code, out, stderr := runCurnorm(t, run.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range records[0] {
				col[h] = i
			}
			negative, seen := false, map[string]bool{}
			for _, rec := range records[1:] {
				for i, c := range rec {
					if formulaCell(c) {
						t.Errorf("row %q: cell %d %q starts a formula", rec, i, c)
					}
				}
				seen[rec[0]] = true
				for _, a := range run.amounts {
					v, ok := new(big.Rat).SetString(rec[col[a]])
					if !ok {
						t.Errorf("row %q: %s %q is not a number", rec, a, rec[col[a]])
						continue
					}
					negative = negative || v.Sign() < 0
				}
			}
			if !negative && !run.positive {
				t.Error("no negative amount: the credit's -30 should stay a negative number")
			}
			// The reader trims blanks around values, so the tab and CR arrive trimmed.
			for _, team := range append(hostileTeams, "-credits") {
				team = strings.TrimSpace(team)
				if !seen["'"+team] && !seen[team] {
					t.Errorf("tag value %q missing from the output", team)
				}
			}
		})
	}

	mdRuns := map[string][]string{
		"report":   {"report", "-q", "--by", "tag:Team", "--format", "markdown", newBill},
		"diff":     {"diff", "-q", "--by", "tag:Team", "--format", "markdown", oldBill, newBill},
		"check":    {"check", "-q", "--by", "tag:Team", "--format", "markdown", "--baseline", oldBill, "--max-increase", "5%", newBill},
		"coverage": {"commitments", "--coverage", "--by", "tag:Team", "--format", "markdown", newBill},
	}
	for name, args := range mdRuns {
		t.Run(name+" markdown", func(t *testing.T) {
			_, out, _ := runCurnorm(t, args...)
			rows := 0
			for _, line := range strings.Split(out, "\n") {
				if !strings.HasPrefix(line, "| ") {
					continue
				}
				rows++
				for _, c := range strings.Split(strings.Trim(line, "|"), " | ") {
					c = strings.Trim(strings.TrimPrefix(c, " "), "*")
					if formulaCell(c) {
						t.Errorf("line %q: cell %q starts a formula", line, c)
					}
				}
			}
			if rows < len(hostileTeams) {
				t.Errorf("%d table rows, want at least %d:\n%s", rows, len(hostileTeams), out)
			}
			if !strings.Contains(out, "-30.00") && name == "report" {
				t.Errorf("the credit's -30.00 is missing:\n%s", out)
			}
		})
	}
}
