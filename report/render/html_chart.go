package render

import (
	"fmt"
	"html"
	"html/template"
	"maps"
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/report"
)

// The charts are SVG written here rather than by a plotting library: a few rectangles and
// labels per chart, classes the page's CSS colours for light, dark and print, a <title> and
// <desc> per chart for screen readers and a <title> per bar for hover values. That is a
// smaller and more accessible page than a general plotter's output, which sets colours and
// fonts inline and carries no text alternative.

// chartTop is how many groups a chart shows by name; the rest fold into "other".
const chartTop = 8

// Names of the series that are not a group.
const (
	seriesOther    = "other"
	seriesUntagged = "untagged"
)

type htmlChart struct {
	Heading, Caption string
	Keys             []legendKey
	SVG              template.HTML
}

type legendKey struct{ Name, Class string }

// chartSeries is a named slice of a currency's groups, summed.
type chartSeries struct {
	name, class string
	sum         *report.Group
}

// currencyCharts draws the charts of the groups of t's currency.
func currencyCharts(r *report.Result, t *report.Group, amount func(money.Sum) string) []htmlChart {
	series := splitSeries(r, t.Currency)
	var charts []htmlChart
	if c, ok := timeChart(series, t, amount); ok {
		charts = append(charts, c)
	}
	charts = append(charts, onDemandChart(r, t.Currency, amount))
	if c, ok := shareChart(r, series, t, amount); ok {
		charts = append(charts, c)
	}
	return charts
}

// splitSeries is the chartTop costliest groups of a currency by name, then the untagged
// groups (a tag or cost-category value empty) as one series, then the rest as "other".
func splitSeries(r *report.Result, currency string) []chartSeries {
	var named, untagged, other []*report.Group
	for _, g := range r.Groups {
		switch {
		case g.Currency != currency:
		case isUntagged(r.Dimensions, g.Key):
			untagged = append(untagged, g)
		case g.Folded > 0:
			other = append(other, g)
		default:
			named = append(named, g)
		}
	}
	slices.SortStableFunc(named, func(a, b *report.Group) int {
		if c := b.Cost.Cmp(a.Cost); c != 0 {
			return c
		}
		return slices.Compare(a.Key, b.Key)
	})
	if len(named) > chartTop {
		other = append(other, named[chartTop:]...)
		named = named[:chartTop]
	}
	var out []chartSeries
	for i, g := range named {
		out = append(out, chartSeries{name: groupLabel(g.Key), class: fmt.Sprintf("s%d", i), sum: g})
	}
	if s := sumGroups(untagged); s != nil {
		out = append(out, chartSeries{name: seriesUntagged + " (" + strings.Join(tagDims(r.Dimensions), ", ") + " empty)",
			class: seriesUntagged, sum: s})
	}
	if s := sumGroups(other); s != nil {
		out = append(out, chartSeries{name: seriesOther, class: seriesOther, sum: s})
	}
	return out
}

func sumGroups(gs []*report.Group) *report.Group {
	if len(gs) == 0 {
		return nil
	}
	s := &report.Group{}
	for _, g := range gs {
		s.Add(g)
	}
	return s
}

// tagDims are the dimensions whose empty value means untagged.
func tagDims(dims []string) []string {
	var out []string
	for _, d := range dims {
		if strings.HasPrefix(d, "tag:") || strings.HasPrefix(d, "cost-category:") {
			out = append(out, d)
		}
	}
	return out
}

func isUntagged(dims, key []string) bool {
	for i, d := range dims {
		if i < len(key) && key[i] == report.None && slices.Contains(tagDims(dims), d) {
			return true
		}
	}
	return false
}

func groupLabel(key []string) string {
	if len(key) == 0 {
		return "all"
	}
	return strings.Join(key, " · ")
}

// Geometry of the charts, in SVG user units.
const (
	chartWidth   = 960
	labelWidth   = 220 // names left of horizontal bars
	valueWidth   = 210 // figures right of them
	barHeight    = 14
	plotLeft     = 80 // y axis labels of the time chart
	plotRight    = 40 // room for the last date label
	plotHeight   = 260
	plotBottom   = 40
	maxXLabels   = 12
	textBaseline = 4 // centres 12px text on a line
)

// timeChart stacks each series' cost per day, or per month when the days span months.
func timeChart(series []chartSeries, t *report.Group, amount func(money.Sum) string) (htmlChart, bool) {
	days := slices.Sorted(maps.Keys(t.Series))
	if len(days) == 0 {
		return htmlChart{}, false
	}
	monthly := days[0][:min(7, len(days[0]))] != days[len(days)-1][:min(7, len(days[len(days)-1]))]
	bucket := func(day string) string {
		if monthly && len(day) >= 7 && day != report.None {
			return day[:7]
		}
		return day
	}
	var buckets []string
	for _, d := range days {
		if b := bucket(d); !slices.Contains(buckets, b) {
			buckets = append(buckets, b)
		}
	}
	// sums[s][b] is series s's cost in bucket b.
	sums := make([][]money.Sum, len(series))
	top := make([]float64, len(buckets))
	for i, s := range series {
		sums[i] = make([]money.Sum, len(buckets))
		for d, c := range s.sum.Series {
			b := slices.Index(buckets, bucket(d))
			sums[i][b].AddSum(c)
		}
	}
	for b := range buckets {
		for i := range series {
			top[b] += max(0, sums[i][b].Float64())
		}
	}
	ymax := slices.Max(top)
	unit := "day"
	if monthly {
		unit = "month"
	}
	c := htmlChart{Heading: "Cost per " + unit,
		Caption: fmt.Sprintf("%s cost per %s from %s to %s, stacked by group; hover a bar for its figure.",
			t.Currency, unit, buckets[0], buckets[len(buckets)-1])}
	var b strings.Builder
	height := plotHeight + plotBottom
	svgOpen(&b, chartWidth, height, c.Heading, c.Caption+" Peak "+unit+" total "+amount(peak(sums, top))+".")
	plotW := float64(chartWidth - plotLeft - plotRight)
	band := plotW / float64(len(buckets))
	for _, frac := range []float64{0, 0.5, 1} {
		y := float64(plotHeight) - frac*float64(plotHeight-10)
		fmt.Fprintf(&b, `<line class="axis" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, plotLeft, chartWidth-plotRight, y, y)
		fmt.Fprintf(&b, `<text class="muted" x="%d" y="%.1f" text-anchor="end">%.2f</text>`, plotLeft-6, y+textBaseline, frac*ymax)
	}
	step := max(1, (len(buckets)+maxXLabels-1)/maxXLabels)
	for i, bk := range buckets {
		x := float64(plotLeft) + float64(i)*band
		if i%step == 0 {
			fmt.Fprintf(&b, `<text class="muted" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+band/2, plotHeight+18, html.EscapeString(bk))
		}
	}
	for i, s := range series {
		fmt.Fprintf(&b, `<g class="series %s" data-series="%s">`, s.class, html.EscapeString(s.name))
		for bi, bk := range buckets {
			v := sums[i][bi]
			if v.Sign() <= 0 || ymax <= 0 {
				continue
			}
			below := 0.0
			for j := range i {
				below += max(0, sums[j][bi].Float64())
			}
			scale := float64(plotHeight-10) / ymax
			h := v.Float64() * scale
			y := float64(plotHeight) - (below*scale + h)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.2f" width="%.1f" height="%.2f"><title>%s %s: %s</title></rect>`,
				float64(plotLeft)+float64(bi)*band+band*0.1, y, band*0.8, h,
				html.EscapeString(s.name), html.EscapeString(bk), amount(v))
		}
		b.WriteString("</g>")
		c.Keys = append(c.Keys, legendKey{Name: s.name, Class: s.class})
	}
	b.WriteString("</svg>")
	c.SVG = template.HTML(b.String())
	return c, true
}

// peak is the largest bucket total, exactly.
func peak(sums [][]money.Sum, top []float64) money.Sum {
	var p money.Sum
	if len(top) == 0 {
		return p
	}
	b := slices.Index(top, slices.Max(top))
	for i := range sums {
		if sums[i][b].Sign() > 0 {
			p.AddSum(sums[i][b])
		}
	}
	return p
}

// onDemandChart pairs the actual cost of each group's priced usage with its public
// on-demand cost, the costliest on demand first; a group over on-demand is marked.
func onDemandChart(r *report.Result, currency string, amount func(money.Sum) string) htmlChart {
	var gs []*report.Group
	for _, g := range r.Groups {
		if g.Currency == currency && (!g.OnDemand.IsZero() || !g.PricedCost.IsZero()) {
			gs = append(gs, g)
		}
	}
	slices.SortStableFunc(gs, func(a, b *report.Group) int {
		if c := b.OnDemand.Cmp(a.OnDemand); c != 0 {
			return c
		}
		return slices.Compare(a.Key, b.Key)
	})
	shown := gs[:min(len(gs), chartTop)]
	over := 0
	for _, g := range gs {
		if g.OverOnDemand() {
			over++
		}
	}
	c := htmlChart{Heading: "Actual cost vs public on-demand",
		Caption: fmt.Sprintf("Priced usage of the %d groups costliest on demand (of %d), in %s; %d of %d groups cost more than on demand.",
			len(shown), len(gs), currency, over, len(gs)),
		Keys: []legendKey{{"actual (" + r.Metric.String() + ")", "actual"}, {"public on-demand", "ondemand"}}}
	var b strings.Builder
	rowH := 2*barHeight + 12
	svgOpen(&b, chartWidth, max(1, len(shown))*rowH+8, c.Heading, c.Caption)
	vmax := 0.0
	for _, g := range shown {
		vmax = max(vmax, g.OnDemand.Float64(), g.PricedCost.Float64())
	}
	plotW := float64(chartWidth - labelWidth - valueWidth)
	for i, g := range shown {
		y := i*rowH + 6
		name := groupLabel(g.Key)
		cls := ""
		if g.OverOnDemand() {
			cls = " over"
		}
		fmt.Fprintf(&b, `<g class="pair%s" data-series="%s">`, cls, html.EscapeString(name))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelWidth-8, y+barHeight+textBaseline, html.EscapeString(truncate(name, 32)))
		for j, bar := range []struct {
			class string
			v     money.Sum
		}{{"actual", g.PricedCost}, {"ondemand", g.OnDemand}} {
			w := 0.0
			if vmax > 0 {
				w = max(0, bar.v.Float64()) / vmax * plotW
			}
			by := y + j*barHeight
			fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%.2f" height="%d"><title>%s %s: %s</title></rect>`,
				bar.class, labelWidth, by, w, barHeight-2, html.EscapeString(name), bar.class, amount(bar.v))
		}
		label := amount(g.PricedCost) + " / " + amount(g.OnDemand)
		tcls := "muted"
		if g.OverOnDemand() {
			label += " over on-demand"
			tcls = "over"
		}
		fmt.Fprintf(&b, `<text class="%s" x="%d" y="%d">%s</text></g>`, tcls, chartWidth-valueWidth+6, y+barHeight+textBaseline, html.EscapeString(label))
	}
	b.WriteString("</svg>")
	c.SVG = template.HTML(b.String())
	return c
}

// shareChart shows each series' share of the currency's total cost: the showback view, with
// untagged cost as a slice of its own.
func shareChart(r *report.Result, series []chartSeries, t *report.Group, amount func(money.Sum) string) (htmlChart, bool) {
	if t.Cost.Sign() <= 0 || len(series) == 0 {
		return htmlChart{}, false
	}
	c := htmlChart{Heading: "Share of " + t.Currency + " " + amount(t.Cost),
		Caption: "Each group's share of the total cost under " + r.Metric.String() + "."}
	var desc []string
	var b strings.Builder
	rowH := barHeight + 10
	var body strings.Builder
	plotW := float64(chartWidth - labelWidth - valueWidth)
	for i, s := range series {
		share := new(big.Rat).Quo(s.sum.Cost.Rat(), t.Cost.Rat())
		f, _ := share.Float64()
		pct := ratePercent(share)
		desc = append(desc, s.name+" "+pct)
		y := i*rowH + 6
		fmt.Fprintf(&body, `<g class="share %s" data-series="%s">`, s.class, html.EscapeString(s.name))
		fmt.Fprintf(&body, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelWidth-8, y+barHeight/2+textBaseline, html.EscapeString(truncate(s.name, 32)))
		// A net credit (a group whose refunds outweigh its charges) is a hatched bar of its size.
		cls := ""
		if f < 0 {
			cls = ` class="credit"`
		}
		fmt.Fprintf(&body, `<rect%s x="%d" y="%d" width="%.2f" height="%d"><title>%s: %s, %s</title></rect>`,
			cls, labelWidth, y, min(1, math.Abs(f))*plotW, barHeight, html.EscapeString(s.name), pct, amount(s.sum.Cost))
		fmt.Fprintf(&body, `<text class="muted" x="%d" y="%d">%s  %s</text></g>`, chartWidth-valueWidth+6, y+barHeight/2+textBaseline, pct, amount(s.sum.Cost))
	}
	svgOpen(&b, chartWidth, len(series)*rowH+8, c.Heading, c.Caption+" "+strings.Join(desc, "; ")+".")
	b.WriteString(body.String())
	b.WriteString("</svg>")
	c.SVG = template.HTML(b.String())
	return c, true
}

// svgOpen starts an SVG image whose title and description are its text alternative.
func svgOpen(b *strings.Builder, w, h int, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img"><title>%s</title><desc>%s</desc>`,
		w, h, w, h, html.EscapeString(title), html.EscapeString(desc))
}

// truncate shortens a label to n runes with an ellipsis; the full name is in the bar's title.
func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
