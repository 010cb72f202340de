package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/drift"
	"github.com/curnorm/curnorm/report/internal/reporttest"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// cutSide rolls a fixture up by service as a side of a comparison.
func cutSide(t *testing.T, dir, name, text string) (*drift.Side, report.Options) {
	t.Helper()
	res, src, opts := reporttest.RunByService(t, dir, name, text)
	return &drift.Side{Name: name, Result: res, Sources: src}, opts
}

// goldenCheck is October against November to date (run-rate) by service, with a row of
// November priced over on-demand, --max-increase 10% and --fail-on provisional.
func goldenCheck(t *testing.T) *drift.CheckResult {
	t.Helper()
	dir := t.TempDir()
	oct, opts := cutSide(t, dir, "oct.csv", reporttest.OctBill)
	nov, _ := cutSide(t, dir, "nov.csv", reporttest.NovBill+
		",2026-11-01T00:00:00Z,1,Usage,2026-11-02T00:00:00Z,AmazonEC2,i-9,USD,12,10\n")
	d, err := drift.Compare(context.Background(), oct, nov, drift.CompareAuto, opts)
	if err != nil {
		t.Fatal(err)
	}
	inc, _ := drift.ParseLimit("max-increase", []string{"10%"})
	return drift.Check(nov.Result, d, drift.CheckOptions{MaxIncrease: inc, FailOn: []string{drift.FindingProvisional}}, nil)
}

func TestWriteCheckGolden(t *testing.T) {
	c := goldenCheck(t)
	for _, format := range []string{"table", "markdown", "junit"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCheck(&buf, c, Options{Format: format, Precision: -1}); err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", "golden", "check."+format+".golden"), buf.Bytes())
		})
	}
}

// compareGolden checks got against a golden file, which -update rewrites.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// markdownDoc parses GitHub-flavoured Markdown as GitHub renders a comment.
func markdownDoc(t *testing.T, src []byte) ast.Node {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	return md.Parser().Parse(text.NewReader(src))
}

// nodeText is the plain text of a node and its children.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if t, ok := c.(*ast.Text); ok {
				b.Write(t.Segment.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// mdStructure lists the headings and, for each table, its header cells and data rows.
type mdStructure struct {
	headings []string
	tables   [][][]string // table → rows (header first) → cells
	items    []string     // list items, top level and nested
}

func parseMarkdown(t *testing.T, src []byte) mdStructure {
	t.Helper()
	var s mdStructure
	doc := markdownDoc(t, src)
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			s.headings = append(s.headings, fmt.Sprintf("h%d %s", n.Level, nodeText(n, src)))
		case *extast.Table:
			var rows [][]string
			for r := n.FirstChild(); r != nil; r = r.NextSibling() {
				var cells []string
				for c := r.FirstChild(); c != nil; c = c.NextSibling() {
					cells = append(cells, nodeText(c, src))
				}
				rows = append(rows, cells)
			}
			s.tables = append(s.tables, rows)
			return ast.WalkSkipChildren, nil
		case *ast.ListItem:
			if p := n.FirstChild(); p != nil {
				s.items = append(s.items, nodeText(p, src))
			}
		}
		return ast.WalkContinue, nil
	})
	return s
}

func TestCheckMarkdownParses(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCheck(&buf, goldenCheck(t), Options{Format: "markdown", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	s := parseMarkdown(t, buf.Bytes())
	wantHeadings := []string{"h2 ❌ curnorm check failed: 2 drift rules broken, 1 finding chosen with --fail-on fired · USD 410.00 → 614.00 (+204.00, +49.8%)",
		"h3 ❌ Groups that broke a rule", "h3 Drift rules", "h3 Groups that moved most", "h3 Findings"}
	if strings.Join(s.headings, "\n") != strings.Join(wantHeadings, "\n") {
		t.Errorf("headings:\n%s", strings.Join(s.headings, "\n"))
	}
	if len(s.tables) != 3 {
		t.Fatalf("%d tables, want failing groups, rules and groups", len(s.tables))
	}
	failing, rules, groups := s.tables[0], s.tables[1], s.tables[2]
	if len(failing) != 2 || strings.Join(failing[1], "|") != strings.Join(groups[1], "|") {
		t.Errorf("failing groups table: %q", failing)
	}
	if len(rules) != 3 || rules[1][1] != "❌ failed" || rules[2][0] != "max-increase 10%: groups USD" {
		t.Errorf("rules table: %q", rules)
	}
	if len(groups) != 2 || strings.Join(groups[0], "|") != "service|currency|old|new|delta|delta %|status|failed" ||
		strings.Join(groups[1], "|") != "AmazonEC2|USD|320.00|524.00|+204.00|+63.8%|up|❌ max-increase 10%" {
		t.Errorf("groups table: %q", groups)
	}
	found := map[string]bool{}
	for _, it := range s.items {
		found[strings.SplitN(it, ":", 2)[0]] = true
	}
	for _, want := range []string{"❌ provisional (info, fails the run)", "⚠️ over-on-demand (warning)", "✅ did not fire"} {
		if !found[want] {
			t.Errorf("no list item %q in %q", want, s.items)
		}
	}
}

// junitReport mirrors the JUnit XML schema CI systems read.
type junitReport struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestCheckJUnitParses(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCheck(&buf, goldenCheck(t), Options{Format: "junit", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	var r junitReport
	if err := xml.Unmarshal(buf.Bytes(), &r); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if r.Tests != 9 || r.Failures != 3 || len(r.Suites) != 2 {
		t.Fatalf("%d tests, %d failures, %d suites", r.Tests, r.Failures, len(r.Suites))
	}
	cases, failures := 0, 0
	byName := map[string]string{}
	for _, s := range r.Suites {
		n := 0
		for _, c := range s.Cases {
			cases++
			state := "passed"
			switch {
			case c.Failure != nil:
				failures, n = failures+1, n+1
				state = "failed " + c.Failure.Type + ": " + c.Failure.Text
			case c.Skipped != nil:
				state = "skipped"
			case c.SystemOut != "":
				state = "passed, " + strings.SplitN(c.SystemOut, "\n", 2)[0]
			}
			byName[s.Name+" / "+c.Name] = state
		}
		if n != s.Failures || len(s.Cases) != s.Tests {
			t.Errorf("suite %s counts %d tests, %d failures; holds %d, %d", s.Name, s.Tests, s.Failures, len(s.Cases), n)
		}
	}
	if cases != r.Tests || failures != r.Failures {
		t.Errorf("totals %d/%d, cases %d/%d", r.Tests, r.Failures, cases, failures)
	}
	for name, want := range map[string]string{
		"curnorm.drift / max-increase 10%: total USD":  "failed max-increase: 410.00 → 614.00 (+204.00, +49.8%)",
		"curnorm.drift / max-increase 10%: groups USD": "failed max-increase: service=AmazonEC2: 320.00 → 524.00 (+204.00, +63.8%)",
		"curnorm.findings / provisional":               "failed provisional: 2026-11 USD: 6 rows of 6 without invoice id, usage through 2026-11-15",
		"curnorm.findings / over-on-demand":            "passed, priced usage costs more than public on-demand in 1 group",
		"curnorm.findings / reconciliation":            "passed",
	} {
		if got := byName[name]; got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// hugeCheck compares two rollups of n groups with keys of keyLen characters where every group
// grew by 50%, and every group of the new one is over on-demand.
func hugeCheck(t *testing.T, n, keyLen int) *drift.CheckResult {
	t.Helper()
	mk := func(cost int64, over bool) *report.Result {
		r := &report.Result{Metric: pricing.Amortized, Dimensions: []string{"resource"}}
		total := &report.Group{Currency: "USD"}
		for i := 0; i < n; i++ {
			g := &report.Group{Key: []string{fmt.Sprintf("i-%0*d", keyLen-2, i)}, Currency: "USD", Rows: 1}
			g.Cost.Add(money.Amount((cost + int64(i)) * 1e10))
			if over {
				g.PricedCost, g.OnDemand = g.Cost, money.SumOf(money.Amount(1e10))
			}
			total.Add(g)
			r.Groups = append(r.Groups, g)
		}
		r.Totals = []*report.Group{total}
		return r
	}
	oldR, newR := mk(100, false), mk(150, true)
	d, err := drift.Compare(context.Background(), &drift.Side{Name: "old", Result: oldR}, &drift.Side{Name: "new", Result: newR}, drift.CompareTotal, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inc, _ := drift.ParseLimit("max-increase", []string{"10%"})
	return drift.Check(newR, d, drift.CheckOptions{MaxIncrease: inc, FailOn: []string{drift.FindingOverOnDemand}}, nil)
}

func TestCheckMarkdownStaysUnderCommentLimit(t *testing.T) {
	for _, tc := range []struct {
		n, keyLen int
		cut       bool // the table must be cut to fit
	}{{30, 20, false}, {5000, 3000, true}} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			n := tc.n
			var buf bytes.Buffer
			if err := WriteCheck(&buf, hugeCheck(t, n, tc.keyLen), Options{Format: "markdown", Precision: -1}); err != nil {
				t.Fatal(err)
			}
			if buf.Len() > MarkdownCommentLimit || utf8.RuneCount(buf.Bytes()) > MarkdownCommentLimit {
				t.Fatalf("%d bytes", buf.Len())
			}
			out := buf.String()
			if !utf8.ValidString(out) {
				t.Fatal("cut inside a character")
			}
			s := parseMarkdown(t, buf.Bytes())
			if len(s.tables) < 2 {
				t.Fatalf("%d tables", len(s.tables))
			}
			rows := len(s.tables[len(s.tables)-1]) - 1
			wantNote := fmt.Sprintf("_Showing %d of %d groups that moved; `--format json` lists all._", rows, n)
			if cut := rows < markdownGroupsShown; cut != tc.cut {
				t.Errorf("%d rows shown; cut %v, want %v", rows, cut, tc.cut)
			}
			if tc.cut {
				wantNote = fmt.Sprintf("_Table cut to %d of %d groups that moved, to stay within GitHub's 65,536-character comment limit; `--format json` lists all._", rows, n)
			}
			if !strings.Contains(out, wantNote) {
				t.Errorf("no note %q in\n%s", wantNote, out[len(out)-min(len(out), 3000):])
			}
			if !strings.Contains(out, fmt.Sprintf("… and %d more (`--format json` lists all)", n-findingItemsShown)) {
				t.Error("the finding's items were not cut to a few")
			}
		})
	}
}

func TestCheckRules(t *testing.T) {
	dir := t.TempDir()
	oct, opts := cutSide(t, dir, "oct.csv", reporttest.OctBill)
	nov, _ := cutSide(t, dir, "nov.csv", strings.ReplaceAll(reporttest.NovBill, ",2026-11", "INV,2026-11")+
		"INV,2026-11-01T00:00:00Z,1,Usage,2026-11-02T00:00:00Z,AmazonSageMaker,nb,USD,400,400\n"+
		"INV,2026-11-01T00:00:00Z,1,Usage,2026-11-02T00:00:00Z,AmazonRoute53,z,USD,3,3\n")
	d, err := drift.Compare(context.Background(), oct, nov, drift.CompareAuto, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Both final: compared as is. EC2 320 → 250, S3 90 → 45, SageMaker and Route53 new.
	inc, _ := drift.ParseLimit("max-increase", []string{"10%"})
	dec, _ := drift.ParseLimit("max-decrease", []string{"40%", "30"})
	newCost, _ := drift.ParseAmount("max-new-group-cost", "100")
	minCost, _ := drift.ParseAmount("min-cost", "50")
	c := drift.Check(nov.Result, d, drift.CheckOptions{MaxIncrease: inc, MaxDecrease: dec, MaxNewGroupCost: newCost, MinCost: minCost}, nil)
	printMoney := Options{Precision: -1}.ratMoney(-1)
	var got []string
	for _, r := range c.Rules {
		line := ruleName(r)
		for _, f := range r.Failures {
			if r.Groups {
				line += " " + strings.Join(f.Key, ",")
			}
		}
		got = append(got, line+" | "+ruleDetail(r, printMoney))
	}
	want := []string{
		"max-increase 10%: total USD | 410 → 698 (+288, +70.2%)",
		"max-decrease 40% and 30: total USD | held",
		"max-increase 10%: groups USD | 0 of 2 groups failed",
		"max-decrease 40% and 30: groups USD AmazonS3 | 1 of 2 groups failed",
		"max-new-group-cost 100: groups USD AmazonSageMaker | 1 of 1 group failed, 1 under --min-cost",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c.Passed() || c.FailedRules() != 3 {
		t.Errorf("passed %v with %d failed rules", c.Passed(), c.FailedRules())
	}
}

func TestFindingSkippedRows(t *testing.T) {
	res := &report.Result{Metric: pricing.Amortized, Skipped: []cur.SkipCount{
		{File: "a.csv", Reason: cur.SkipInvalidNumber, Rows: 2, First: `a.csv:3: column lineItem/UnblendedCost: invalid number "x"`},
		{File: "b.csv.gz", Reason: cur.SkipUnreadableFile, First: "b.csv.gz: corrupt or truncated file"},
	}}
	c := drift.Check(res, nil, drift.CheckOptions{FailOn: []string{drift.FindingSkippedRows}}, nil)
	f := c.Findings[len(c.Findings)-1]
	if !f.Fired || !f.Fails || c.Passed() || f.Measure != "" {
		t.Fatalf("%+v", f)
	}
	if want := "2 rows skipped in 2 files under --on-error skip, 1 file unreadable and left out whole: the figures miss them"; findingSummary(f, nil) != want {
		t.Errorf("summary %q, want %q", findingSummary(f, nil), want)
	}
	printMoney := money.Sum.String
	if got := findingDetail(f, &f.Items[1], nil, printMoney); got != "b.csv.gz: unreadable, left out whole (0 rows read before the failure): b.csv.gz: corrupt or truncated file" {
		t.Errorf("item %q", got)
	}
	// Read back from a baseline, the skipped input is still there.
	var doc bytes.Buffer
	if err := Write(&doc, res, Options{Format: "json", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadBaseline(&doc, "b.json")
	if err != nil || len(back.Skipped) != 2 || back.Skipped[0] != res.Skipped[0] {
		t.Errorf("read back: %v, %+v", err, back)
	}
}

// A check whose sides hold no cost at all still states the rules it was given, never that
// none were.
func TestCheckStatesRulesGivenWithNothingToJudge(t *testing.T) {
	inc, _ := drift.ParseLimit("max-increase", []string{"10%"})
	d := &drift.Diff{Dimensions: []string{"service"}, Old: drift.SideInfo{Factor: big.NewRat(1, 1)}, New: drift.SideInfo{Factor: big.NewRat(1, 1)}}
	c := drift.Check(&report.Result{Dimensions: []string{"service"}}, d, drift.CheckOptions{MaxIncrease: inc}, nil)
	var buf bytes.Buffer
	if err := WriteCheck(&buf, c, Options{Format: "table", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"rules: max-increase 10% on service groups and totals (no currency on both sides)\n",
		"  none applied: neither side holds any cost\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "none given") || strings.Contains(out, "no drift rule") {
		t.Errorf("output says no rule was given:\n%s", out)
	}
}
