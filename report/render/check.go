package render

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math/big"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/curnorm/curnorm/report/drift"
)

// MarkdownCommentLimit is the most characters a GitHub comment may hold; check's Markdown
// never exceeds it (GitLab allows more).
const MarkdownCommentLimit = 65536

// How much check's human formats list before they point to --format json.
const (
	failuresShown       = 10 // failing groups per rule, largest move first
	findingItemsShown   = 10 // items per finding
	markdownGroupsShown = 25 // rows of the table of groups that moved most
)

// WriteCheck prints c in o.Format: "table" (also ""), "markdown", "json" or "junit".
func WriteCheck(w io.Writer, c *drift.CheckResult, o Options) error {
	return checkFormats.write(w, c, o)
}

// writeCheckMarkdown prints the comment of checkMarkdown.
func writeCheckMarkdown(w io.Writer, c *drift.CheckResult, o Options) error {
	_, err := io.WriteString(w, checkMarkdown(c, o))
	return err
}

// Verdict is the outcome of a check in a few words: "passed", or "failed: 1 drift rule broken".
func Verdict(c *drift.CheckResult) string {
	if c.Passed() {
		return "passed"
	}
	var why []string
	if n := c.FailedRules(); n > 0 {
		why = append(why, countText(int64(n), "drift rule")+" broken")
	}
	if n := c.FailingFindings(); n > 0 {
		why = append(why, countText(int64(n), "finding")+" chosen with --fail-on fired")
	}
	return "failed: " + strings.Join(why, ", ")
}

// changeText describes a change in words: "500.00 → 700.00 (+200.00, +40.0%)".
func changeText(c *drift.Change, money func(*big.Rat) string) string {
	switch c.Status() {
	case drift.StatusNew:
		return "new, " + money(c.New)
	case drift.StatusGone:
		return "gone, was " + money(c.Old)
	}
	s := money(c.Old) + " → " + money(c.New) + " (" + signed(money(c.Delta()))
	if p := rateOfChange(c, true); p != "" {
		s += ", " + p
	}
	return s + ")"
}

// unjudgedText says why a new currency's total passed without a rule.
const unjudgedText = "absent from the baseline; only --max-new-group-cost judges a new currency"

// ruleDetail says what a rule saw, without the failing groups.
func ruleDetail(r *drift.RuleResult, money func(*big.Rat) string) string {
	if !r.Groups {
		if len(r.Failures) > 0 {
			return changeText(r.Failures[0], money)
		}
		return "held"
	}
	s := fmt.Sprintf("%d of %s failed", len(r.Failures), countText(int64(r.Checked), "group"))
	if r.Ignored > 0 {
		s += fmt.Sprintf(", %d under --min-cost", r.Ignored)
	}
	return s
}

// rulesText states the rules the check applied: "max-increase 10% on service groups and
// totals (USD); --fail-on provisional". It reads the options, not the results, so a rule
// given is named even when there was nothing to apply it to.
func rulesText(c *drift.CheckResult) string {
	o := c.Options
	var parts []string
	switch {
	case c.Diff == nil:
		parts = append(parts, "no drift rule (no --baseline)")
	case !o.HasRules():
		parts = append(parts, "no drift rule given (--max-increase, --max-decrease, --max-new-group-cost)")
	}
	dims := strings.Join(c.Dimensions, ",")
	if c.Diff != nil && (o.MaxIncrease.IsSet() || o.MaxDecrease.IsSet()) {
		var limits []string
		if o.MaxIncrease.IsSet() {
			limits = append(limits, drift.RuleMaxIncrease+" "+o.MaxIncrease.Text)
		}
		if o.MaxDecrease.IsSet() {
			limits = append(limits, drift.RuleMaxDecrease+" "+o.MaxDecrease.Text)
		}
		scope := "totals"
		if dims != "" {
			scope = dims + " groups and totals"
		}
		var judged []string
		for _, r := range c.Rules {
			if r.Rule != drift.RuleMaxNewGroupCost && !slices.Contains(judged, r.Currency) {
				judged = append(judged, r.Currency)
			}
		}
		where := "no currency on both sides"
		if len(judged) > 0 {
			where = strings.Join(judged, ", ")
		}
		parts = append(parts, strings.Join(limits, ", ")+" on "+scope+" ("+where+")")
	}
	if c.Diff != nil && o.MaxNewGroupCost.IsSet() {
		scope := "new currencies"
		if dims != "" {
			scope = "new " + dims + " groups and new currencies"
		}
		parts = append(parts, drift.RuleMaxNewGroupCost+" "+o.MaxNewGroupCost.Text+" on "+scope)
	}
	if c.Diff != nil && o.MinCost.IsSet() {
		parts = append(parts, "--min-cost "+o.MinCost.Text+" leaves out groups below it")
	}
	for _, f := range c.Findings {
		if f.Limit != "" {
			parts = append(parts, judgedText(f, drift.ThresholdFlag(f.Name), c.Dimensions))
		}
	}
	if len(o.FailOn) > 0 {
		parts = append(parts, "--fail-on "+strings.Join(o.FailOn, ","))
	}
	return strings.Join(parts, "; ")
}

// failedRules names, per group, the group rules it broke: "max-increase 10%".
func failedRules(c *drift.CheckResult) map[*drift.Change]string {
	out := map[*drift.Change]string{}
	for _, r := range c.Rules {
		if !r.Groups {
			continue
		}
		for _, g := range r.Failures {
			if out[g] != "" {
				out[g] += ", "
			}
			out[g] += r.Rule + " " + r.Limit
		}
	}
	return out
}

// totalChange finds the total of a currency, for a rule that held.
func totalChange(d *drift.Diff, currency string) *drift.Change {
	for _, t := range d.Totals {
		if t.Currency == currency {
			return t
		}
	}
	return nil
}

func writeCheckText(w io.Writer, c *drift.CheckResult, o Options) error {
	bw := bufio.NewWriter(w)
	money, sumMoney := o.ratMoney(2), o.moneyFormat(2)
	// line prints a status mark in a column of its own, then the text.
	line := func(mark, text string) { fmt.Fprintf(bw, "  %-7s  %s\n", mark, text) }
	const itemIndent = "             "
	bw.WriteString("curnorm check " + Verdict(c) + "\n")
	if c.Diff != nil {
		bw.WriteString(Context(c.Diff) + "\n")
	}
	bw.WriteString("rules: " + rulesText(c) + "\n")
	bw.WriteString("\ndrift rules\n")
	switch {
	case c.Diff == nil:
		bw.WriteString("  none: no --baseline\n")
	case !c.Options.HasRules():
		bw.WriteString("  none given (--max-increase, --max-decrease, --max-new-group-cost)\n")
	case len(c.Rules) == 0:
		bw.WriteString("  none applied: neither side holds any cost\n")
	}
	for _, r := range c.Rules {
		mark := "ok"
		if !r.Passed() {
			mark = "FAIL"
		}
		detail := ruleDetail(r, money)
		if !r.Groups && r.Passed() {
			if t := totalChange(c.Diff, r.Currency); t != nil {
				detail = changeText(t, money)
			}
		}
		line(mark, ruleName(r)+": "+detail)
		if !r.Groups {
			continue
		}
		for i, g := range r.Failures {
			if i == failuresShown {
				fmt.Fprintf(bw, "%s… and %d more (--format json lists all)\n", itemIndent, len(r.Failures)-i)
				break
			}
			fmt.Fprintf(bw, "%s%s: %s\n", itemIndent, cleanCell(keyText(c.Dimensions, g.Key)), changeText(g, money))
		}
	}
	for _, t := range c.UnjudgedCurrencies() {
		line("new", "total "+cleanCell(t.Currency)+": "+changeText(t, money)+": "+unjudgedText)
	}
	bw.WriteString("\nfindings\n")
	var quiet []string
	for _, f := range c.Findings {
		switch {
		case f.NotApplicable:
			line("n/a", f.Name+": "+notApplicableText(f))
			continue
		case !f.Fired:
			quiet = append(quiet, f.Name)
			continue
		case f.Fails:
			line("FAIL", f.Name+" ("+f.Severity+"): "+findingSummary(f, c.Dimensions))
		default:
			line(f.Severity, f.Name+": "+findingSummary(f, c.Dimensions))
		}
		for i, it := range f.Items {
			if i == findingItemsShown {
				fmt.Fprintf(bw, "%s… and %d more (--format json lists all)\n", itemIndent, len(f.Items)-i)
				break
			}
			bw.WriteString(itemIndent + cleanCell(findingDetail(f, &it, c.Dimensions, sumMoney)) + "\n")
		}
	}
	if len(quiet) > 0 {
		line("ok", "did not fire: "+strings.Join(quiet, ", "))
	}
	return bw.Flush()
}

// checkMarkdown renders the comment, shrinking the table of groups and then the lists of
// finding items until it fits MarkdownCommentLimit.
func checkMarkdown(c *drift.CheckResult, o Options) string {
	rows := orderedForComment(c)
	shown := min(len(rows), markdownGroupsShown)
	items := findingItemsShown
	for {
		s := renderCheckMarkdown(c, o, rows, shown, items)
		if len(s) <= MarkdownCommentLimit {
			return s
		}
		switch {
		case shown > 0:
			shown /= 2
		case items > 0:
			items /= 2
		default:
			// Only the fixed parts are left (file names, say): cut them.
			note := "\n\n_Cut to stay within GitHub's 65,536-character comment limit._\n"
			cut := MarkdownCommentLimit - len(note)
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			return s[:cut] + note
		}
	}
}

// orderedForComment lists the groups that moved: those that broke a rule first, then by
// absolute delta.
func orderedForComment(c *drift.CheckResult) []*drift.Change {
	if c.Diff == nil {
		return nil
	}
	failed := map[*drift.Change]bool{}
	for _, r := range c.Rules {
		for _, g := range r.Failures {
			failed[g] = true
		}
	}
	var out []*drift.Change
	for _, g := range c.Diff.Groups {
		if g.Status() != drift.StatusSame {
			out = append(out, g)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return failed[out[i]] && !failed[out[j]] })
	return out
}

func renderCheckMarkdown(c *drift.CheckResult, o Options, rows []*drift.Change, shown, items int) string {
	money, sumMoney := o.ratMoney(2), o.moneyFormat(2)
	var b bytes.Buffer
	bw := bufio.NewWriter(&b)
	// The heading is the verdict in one line, with what the totals did.
	heading := "## ✅ curnorm check passed"
	if !c.Passed() {
		heading = "## ❌ curnorm check " + mdEscape(Verdict(c))
	}
	if c.Diff != nil {
		for _, t := range c.Diff.Totals {
			heading += " · " + mdEscape(t.Currency+" "+changeText(t, money))
		}
	}
	bw.WriteString(heading + "\n\n")
	if c.Diff != nil {
		bw.WriteString(mdEscape(Context(c.Diff)) + "\n")
	} else {
		bw.WriteString("No baseline: only the findings were checked (" + mdEscape(filesText(c.Files)) + ", metric " + c.Metric.String() + ").\n")
	}
	bw.WriteString("\n**Rules:** " + mdEscape(rulesText(c)) + "\n")

	// The groups that broke a rule come first and in the open; every group that moved
	// follows, folded.
	failed := failedRules(c)
	if len(failed) > 0 && len(c.Dimensions) > 0 {
		bw.WriteString("\n### ❌ Groups that broke a rule\n\n")
		for _, r := range c.Rules {
			if r.Groups && !r.Passed() {
				bw.WriteString(mdEscape(ruleName(r)+": "+ruleDetail(r, money)) + "\n\n")
			}
		}
		limit := min(len(failed), items, failuresShown, max(shown, 1))
		writeChangeTable(bw, c.Diff, rows[:limit], o, false, failed)
		if limit < len(failed) {
			fmt.Fprintf(bw, "\n- … and %d more (`--format json` lists all)\n", len(failed)-limit)
		}
	}

	if c.Diff != nil {
		bw.WriteString("\n### Drift rules\n\n")
		unjudged := c.UnjudgedCurrencies()
		switch {
		case !c.Options.HasRules() && len(unjudged) == 0:
			bw.WriteString("None given.\n")
		case len(c.Rules) == 0 && len(unjudged) == 0:
			bw.WriteString("None applied: neither side holds any cost.\n")
		default:
			mdRow(bw, []string{"rule", "result", "detail"})
			bw.WriteString("|---|---|---|\n")
			for _, r := range c.Rules {
				res := "✅ held"
				if !r.Passed() {
					res = "❌ failed"
				}
				detail := ruleDetail(r, money)
				if !r.Groups && r.Passed() {
					if t := totalChange(c.Diff, r.Currency); t != nil {
						detail = changeText(t, money)
					}
				}
				mdRow(bw, []string{mdEscape(ruleName(r)), res, mdEscape(detail)})
			}
			for _, t := range unjudged {
				mdRow(bw, []string{"total " + mdEscape(t.Currency), "🆕 not judged", mdEscape(changeText(t, money) + ": " + unjudgedText)})
			}
		}
		if len(c.Dimensions) > 0 {
			bw.WriteString("\n### Groups that moved most\n\n")
			if len(rows) == 0 {
				bw.WriteString("No group moved.\n")
			} else {
				// GitHub renders Markdown inside <details> only after a blank line.
				fmt.Fprintf(bw, "<details><summary>%s that moved, those that broke a rule first</summary>\n\n", countText(int64(len(rows)), "group"))
				writeChangeTable(bw, c.Diff, rows[:shown], o, false, failed)
				switch {
				case shown < min(len(rows), markdownGroupsShown):
					fmt.Fprintf(bw, "\n_Table cut to %d of %d groups that moved, to stay within GitHub's 65,536-character comment limit; `--format json` lists all._\n", shown, len(rows))
				case shown < len(rows):
					fmt.Fprintf(bw, "\n_Showing %d of %d groups that moved; `--format json` lists all._\n", shown, len(rows))
				}
				bw.WriteString("\n</details>\n")
			}
		}
	}

	bw.WriteString("\n### Findings\n\n")
	var quiet []string
	for _, f := range c.Findings {
		switch {
		case f.NotApplicable:
			fmt.Fprintf(bw, "- ➖ **%s**: n/a, %s\n", f.Name, mdEscape(notApplicableText(f)))
			continue
		case !f.Fired:
			quiet = append(quiet, f.Name)
			continue
		}
		mark, fails := severityMarks[f.Severity], ""
		if f.Fails {
			mark, fails = "❌", ", fails the run"
		}
		fmt.Fprintf(bw, "- %s **%s** (%s%s): %s\n", mark, f.Name, f.Severity, fails, mdEscape(findingSummary(f, c.Dimensions)))
		for i, it := range f.Items {
			if i == items {
				fmt.Fprintf(bw, "  - … and %d more (`--format json` lists all)\n", len(f.Items)-i)
				break
			}
			bw.WriteString("  - " + mdEscape(findingDetail(f, &it, c.Dimensions, sumMoney)) + "\n")
		}
	}
	if len(quiet) > 0 {
		bw.WriteString("- ✅ did not fire: " + strings.Join(quiet, ", ") + "\n")
	}
	bw.Flush()
	return b.String()
}

// severityMarks start the Markdown line of a finding that fired without failing the run.
var severityMarks = map[string]string{drift.SeverityError: "❗", drift.SeverityWarning: "⚠️", drift.SeverityInfo: "ℹ️"}

// filesText names the files read, or how many when they are many.
func filesText(files []string) string {
	switch {
	case len(files) == 0:
		return "no files"
	case len(files) <= 3:
		return strings.Join(files, ", ")
	}
	return fmt.Sprintf("%s and %d more files", files[0], len(files)-1)
}

// limitJSON is a limit as given, or nil when it was not.
func limitJSON(l drift.Limit) *string {
	if !l.IsSet() {
		return nil
	}
	return &l.Text
}

func writeCheckJSON(w io.Writer, c *drift.CheckResult, o Options) error {
	money := o.ratMoney(-1)
	doc := jsonCheckDoc{
		Schema: CheckSchemaVersion, Passed: c.Passed(), Metric: c.Metric.String(),
		Dimensions: nonNil(c.Dimensions), Filters: nonNil(c.Filters), Files: nonNil(c.Files),
		Limits: jsonLimits{MaxIncrease: limitJSON(c.Options.MaxIncrease), MaxDecrease: limitJSON(c.Options.MaxDecrease),
			MaxNewGroupCost: limitJSON(c.Options.MaxNewGroupCost), MinCost: limitJSON(c.Options.MinCost),
			MinUtilization: limitJSON(c.Options.MinUtilization), MinCoverage: limitJSON(c.Options.MinCoverage),
			Expiring: limitJSON(c.Options.Expiring), FailOn: nonNil(c.Options.FailOn)},
		Rules: []jsonRule{}, Findings: []jsonFinding{},
	}
	if c.Diff != nil {
		d := diffJSON(c.Diff, o)
		doc.Comparison = &d
	}
	for _, r := range c.Rules {
		jr := jsonRule{Rule: r.Rule, Limit: r.Limit, Scope: "total", Currency: r.Currency, Passed: r.Passed(),
			Checked: r.Checked, Ignored: r.Ignored}
		var dims []string
		if r.Groups {
			jr.Scope, dims = "groups", nonNil(c.Dimensions)
		}
		jr.Failures = changesJSON(r.Failures, dims, money)
		doc.Rules = append(doc.Rules, jr)
	}
	sumMoney := o.moneyFormat(-1)
	for _, f := range c.Findings {
		jf := jsonFinding{Name: f.Name, Severity: f.Severity, Fired: f.Fired, Fails: f.Fails, Summary: findingSummary(f, c.Dimensions),
			Items: make([]jsonFindingItem, 0, len(f.Items))}
		if f.NotApplicable {
			na := notApplicableText(f)
			jf.NotApplicable = &na
		}
		if f.Limit != "" {
			limit, checked, unjudged := f.Limit, f.Checked, f.Unjudged
			jf.Limit, jf.Checked, jf.Unjudged = &limit, &checked, &unjudged
		}
		if f.Measure != "" {
			m := f.Measure
			jf.Measure = &m
		}
		for _, it := range f.Items {
			ji := jsonFindingItem{File: it.File, Period: it.Period, Type: it.Type, Currency: it.Currency, Rows: it.Rows,
				Detail: findingDetail(f, &it, c.Dimensions, sumMoney)}
			if f.Measure != "" {
				a := sumMoney(it.Amount)
				ji.Amount = &a
			}
			if it.Key != nil {
				ji.Key = keyJSON(c.Dimensions, it.Key)
			}
			if cm := it.Commitment; cm != nil {
				ji.ARN, ji.End = cm.ARN, cm.End
				if f.Name == drift.FindingExpiring {
					d := it.DaysLeft
					ji.DaysLeft = &d
				}
				if u := cm.Utilisation(); u != nil && f.Name == drift.FindingLowUtilization {
					ji.Utilisation = ratePtr(u, true)
				}
			}
			if f.Name == drift.FindingLowCoverage && it.Group != nil {
				ji.Coverage = ratePtr(it.Group.Coverage(), it.Group.Coverage() != nil)
			}
			jf.Items = append(jf.Items, ji)
		}
		doc.Findings = append(doc.Findings, jf)
	}
	return encodeIndented(w, doc)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// writeCheckJUnit prints a JUnit XML report: a suite of drift rules (one test case per rule
// and currency total, and per rule and currency for the groups) when there is a baseline, and
// a suite of findings (one test case each). A finding that fired without being chosen with
// --fail-on passes, its items in system-out.
func writeCheckJUnit(w io.Writer, c *drift.CheckResult, o Options) error {
	money, sumMoney := o.ratMoney(2), o.moneyFormat(2)
	doc := junitSuites{Name: "curnorm check"}
	if c.Diff != nil {
		s := junitSuite{Name: "curnorm.drift"}
		for _, r := range c.Rules {
			tc := junitCase{Name: ruleName(r), Classname: "curnorm.drift." + r.Rule}
			if r.Passed() {
				tc.SystemOut = ruleDetail(r, money)
				if !r.Groups {
					if t := totalChange(c.Diff, r.Currency); t != nil {
						tc.SystemOut = changeText(t, money)
					}
				}
			} else {
				var lines []string
				for _, g := range r.Failures {
					line := changeText(g, money)
					if r.Groups {
						line = keyText(c.Dimensions, g.Key) + ": " + line
					}
					lines = append(lines, line)
				}
				msg := lines[0]
				if r.Groups {
					msg = ruleDetail(r, money)
				}
				tc.Failure = &junitFailure{Message: msg, Type: r.Rule, Text: strings.Join(lines, "\n")}
				s.Failures++
			}
			s.Cases = append(s.Cases, tc)
		}
		for _, t := range c.UnjudgedCurrencies() {
			s.Cases = append(s.Cases, junitCase{Name: "new currency " + t.Currency, Classname: "curnorm.drift.new-currency",
				Skipped: &junitSkipped{Message: changeText(t, money) + ": " + unjudgedText}})
			s.Skipped++
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}
	s := junitSuite{Name: "curnorm.findings"}
	for _, f := range c.Findings {
		tc := junitCase{Name: f.Name, Classname: "curnorm.findings." + f.Severity}
		var lines []string
		for _, it := range f.Items {
			lines = append(lines, findingDetail(f, &it, c.Dimensions, sumMoney))
		}
		switch {
		case f.NotApplicable:
			tc.Skipped = &junitSkipped{Message: notApplicableText(f)}
			s.Skipped++
		case f.Fails:
			tc.Failure = &junitFailure{Message: findingSummary(f, c.Dimensions), Type: f.Name, Text: strings.Join(lines, "\n")}
			s.Failures++
		case f.Fired:
			tc.SystemOut = findingSummary(f, c.Dimensions) + "\n" + strings.Join(lines, "\n")
		}
		s.Cases = append(s.Cases, tc)
	}
	s.Tests = len(s.Cases)
	doc.Suites = append(doc.Suites, s)
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// ruleName is a rule result's test name: "max-increase 10%: total USD" or "... : groups USD".
func ruleName(r *drift.RuleResult) string {
	scope := "total"
	if r.Groups {
		scope = "groups"
	}
	return fmt.Sprintf("%s %s: %s %s", r.Rule, r.Limit, scope, r.Currency)
}
