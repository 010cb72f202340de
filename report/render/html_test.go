package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/curnorm/curnorm/cur/money"

	"github.com/curnorm/curnorm/report"
)

// seriesResult is mixedResult with each group's cost on one of two usage days, as a run with
// Options.Series gives it.
func seriesResult(t *testing.T) *report.Result {
	r := mixedResult(t)
	for i, g := range r.Groups {
		g.Series = map[string]money.Sum{fmt.Sprintf("2026-10-%02d", i%2+1): g.Cost}
	}
	r.Totals = totalsOf(r.Groups)
	return r
}

func writePage(t *testing.T, r *report.Result) (*html.Node, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r, Options{Format: "html", Precision: -1, Version: "curnorm test"}); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return doc, b.Bytes()
}

// TestHTMLReadBack parses the page: it fetches nothing, its table is the csv cell for cell,
// and its charts show the expected series, untagged cost as a slice of its own.
func TestHTMLReadBack(t *testing.T) {
	r := seriesResult(t)
	doc, _ := writePage(t, r)

	t.Run("self-contained", func(t *testing.T) {
		var csp string
		var scripts []string
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			for _, a := range n.Attr {
				if slices.Contains([]string{"src", "href", "srcset", "action", "poster", "data"}, a.Key) {
					t.Errorf("<%s %s=%q>: the page must fetch nothing", n.Data, a.Key, a.Val)
				}
			}
			switch n.Data {
			case "link", "img", "iframe", "object", "embed":
				t.Errorf("<%s> in a page that must fetch nothing", n.Data)
			case "meta":
				if attr(n, "http-equiv") == "Content-Security-Policy" {
					csp = attr(n, "content")
				}
			case "script":
				scripts = append(scripts, htmlText(n))
			}
		}
		if !strings.HasPrefix(csp, "default-src 'none';") {
			t.Errorf("Content-Security-Policy %q, want default-src 'none'", csp)
		}
		if len(scripts) != 1 {
			t.Fatalf("%d scripts, want the page's own one", len(scripts))
		}
		sum := sha256.Sum256([]byte(scripts[0]))
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, "script-src "+h) {
			t.Errorf("Content-Security-Policy %q does not allow the page's script (%s)", csp, h)
		}
	})

	t.Run("table equals csv", func(t *testing.T) {
		var b bytes.Buffer
		if err := Write(&b, r, Options{Format: "csv", Precision: -1}); err != nil {
			t.Fatal(err)
		}
		want, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := tableCells(doc)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("page table:\n%q\ncsv:\n%q", got, want)
		}
	})

	t.Run("charts", func(t *testing.T) {
		charts := svgCharts(doc)
		// Per currency (EUR, USD): cost per day, actual vs on-demand, shares.
		if len(charts) != 6 {
			t.Fatalf("%d charts, want 6: %v", len(charts), charts)
		}
		untagged := "untagged (tag:Team empty)"
		usd := []string{"i-a1 · web", "i-b3 · " + longTeam, untagged, "other"}
		for i, want := range []struct {
			title  string
			series []string
		}{
			{"Cost per day", []string{"i-eu1 · web"}},
			{"Actual cost vs public on-demand", nil},
			{"Share of EUR 42.50", []string{"i-eu1 · web"}},
			{"Cost per day", usd},
			{"Actual cost vs public on-demand", []string{"i-a1 · web", "i-b3 · " + longTeam, "i-tiny · " + report.None}},
			{"Share of USD 3550.13", usd},
		} {
			c := charts[i]
			if c.title != want.title || !slices.Equal(c.series, want.series) || c.desc == "" || c.role != "img" {
				t.Errorf("chart %d: %q role %q series %q desc %q; want %q series %q", i, c.title, c.role, c.series, c.desc, want.title, want.series)
			}
			if c.bars < len(want.series) {
				t.Errorf("chart %q: %d bars for %d series", c.title, c.bars, len(want.series))
			}
		}
		if d := charts[5].desc; !strings.Contains(d, untagged+" 0.0%") {
			t.Errorf("share chart's text alternative %q names no untagged share", d)
		}
		var over []string
		for _, g := range r.Groups {
			if g.Currency == "USD" && g.OverOnDemand() {
				over = append(over, groupLabel(g.Key))
			}
		}
		if !slices.Equal(charts[4].over, over) {
			t.Errorf("groups marked over on-demand: %q, want %q", charts[4].over, over)
		}
	})
}

// TestHTMLFoldsManyGroups: 5,000 groups chart as the top few and "other", the table lists the
// costliest tableMax and folds the rest, with the same totals, so the page stays small.
func TestHTMLFoldsManyGroups(t *testing.T) {
	var groups []*report.Group
	for i := range 5000 {
		g := buildGroup(t, groupSpec{key: []string{fmt.Sprintf("i-%05d", i)}, currency: "USD", rows: 1,
			cost: fmt.Sprint(i + 1), unblended: fmt.Sprint(i + 1), onDemand: fmt.Sprint(i + 2), priced: fmt.Sprint(i + 1), unpriced: "0"})
		g.Series = map[string]money.Sum{fmt.Sprintf("2026-10-%02d", i%31+1): g.Cost}
		groups = append(groups, g)
	}
	slices.Reverse(groups) // costliest first, as a rollup sorts them
	r := &report.Result{Metric: mixedResult(t).Metric, Dimensions: []string{"resource"}, Groups: groups, Totals: totalsOf(groups)}
	doc, page := writePage(t, r)
	if len(page) > 1<<20 {
		t.Errorf("page of 5000 groups is %d bytes", len(page))
	}
	for _, c := range svgCharts(doc) {
		if len(c.series) > chartTop+1 {
			t.Errorf("chart %q draws %d series", c.title, len(c.series))
		}
	}
	var b bytes.Buffer
	if err := Write(&b, r, Options{Format: "csv", Precision: -1}); err != nil {
		t.Fatal(err)
	}
	all, _ := csv.NewReader(&b).ReadAll()
	rows := tableCells(doc)
	if len(rows) != tableMax+3 || !slices.Equal(rows[len(rows)-1], all[len(all)-1]) || !slices.Equal(rows[1], all[1]) {
		t.Fatalf("table of %d rows from %q to %q; want header, %d groups, (other), total %q", len(rows), rows[1], rows[len(rows)-1], tableMax, all[len(all)-1])
	}
	other := rows[len(rows)-2]
	var folded money.Sum
	for _, row := range all[tableMax+1 : len(all)-1] {
		folded.AddSum(amt(t, row[3]))
	}
	if other[0] != report.Other || amt(t, other[3]).Cmp(folded) != 0 {
		t.Errorf("folded row %q, want (other) costing %s", other, folded)
	}
	if !strings.Contains(string(page), "4000 more are folded into (other)") {
		t.Error("the page does not say the table folds 4000 groups")
	}
}

// chart is what a test sees of an SVG chart.
type chart struct {
	title, desc, role string
	series, over      []string
	bars              int
}

func (c chart) String() string { return c.title }

func svgCharts(doc *html.Node) []chart {
	var out []chart
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "svg" || attr(n, "role") != "img" {
			continue
		}
		c := chart{role: attr(n, "role")}
		for e := range n.Descendants() {
			if e.Type != html.ElementNode {
				continue
			}
			switch {
			case e.Data == "title" && e.Parent == n:
				c.title = htmlText(e)
			case e.Data == "desc" && e.Parent == n:
				c.desc = htmlText(e)
			case e.Data == "rect":
				c.bars++
			case e.Data == "g":
				c.series = append(c.series, attr(e, "data-series"))
				if strings.Contains(attr(e, "class"), "pair") && strings.Contains(attr(e, "class"), "over") {
					c.over = append(c.over, attr(e, "data-series"))
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// tableCells is the group table's text: the header, the rows, the totals.
func tableCells(doc *html.Node) [][]string {
	var out [][]string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "tr" {
			continue
		}
		var row []string
		for c := range n.ChildNodes() {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				row = append(row, htmlText(c))
			}
		}
		out = append(out, row)
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func htmlText(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// TestHTMLMonthlyAcrossMonths: usage days of several months chart one bar per month.
func TestHTMLMonthlyAcrossMonths(t *testing.T) {
	r := mixedResult(t)
	for i, g := range r.Groups {
		g.Series = map[string]money.Sum{fmt.Sprintf("2026-%02d-15", 9+i%3): g.Cost}
	}
	r.Totals = totalsOf(r.Groups)
	doc, _ := writePage(t, r)
	usd := svgCharts(doc)[3]
	if usd.title != "Cost per month" || !strings.Contains(usd.desc, "from 2026-09 to 2026-11") {
		t.Errorf("chart %q: %q", usd.title, usd.desc)
	}
}
