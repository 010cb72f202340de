package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/spf13/cobra"
)

type explainOptions struct {
	Paths            []string
	Metric           string
	Format           string
	IncludeSplitCost bool
	Discover         discover.Options
}

func newCmdExplain(ios *ioStreams, runF func(context.Context, *explainOptions) error) *cobra.Command {
	opts := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain [--metric M] [PATH...]",
		Short: "Show how a metric prices each line item type, and on a bill where the metrics part ways",
		Long: `Without a path, explain prints the rules of a metric: for each kind of line item, which
column gives its cost and which actual_cost_source label it gets.

With paths, it reads the bill and shows for each line item type: the rows, the sum of every
column a rule could pick, the column the metric used, the resulting cost under simple,
amortized and the chosen metric, and why simple and amortized differ where they do.

A FOCUS export is shown by ChargeCategory (and CommitmentDiscountStatus where set): the sums
of BilledCost, EffectiveCost and ListCost, and the column the metric reads (amortized
EffectiveCost, unblended BilledCost; the other metrics are refused). It has nothing to
reconcile.`,
		Example: `  curnorm explain
  curnorm explain --metric net-amortized
  curnorm explain testdata/demo`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := checkFormat(&opts.Format, tableOrJSON...); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wrapRun(func() error { return explainRun(cmd.Context(), ios, opts) })
		},
	}
	cmd.Flags().StringVar(&opts.Metric, "metric", "amortized", "cost metric: "+strings.Join(pricing.MetricNames(), ", "))
	cmd.Flags().StringVar(&opts.Format, "format", "table", "output format: table or json")
	cmd.Flags().BoolVar(&opts.IncludeSplitCost, "include-split-cost", false, "count EKS/ECS split cost rows instead of excluding them")
	addDiscoverFlags(cmd, &opts.Discover)
	return cmd
}

func explainRun(ctx context.Context, ios *ioStreams, opts *explainOptions) error {
	m, err := pricing.ParseMetric(opts.Metric)
	if err != nil {
		return &usageError{err}
	}
	if len(opts.Paths) == 0 {
		return writeRules(ios.Out, m, opts.Format, rulesWidth(ios))
	}
	d, err := discover.SourcesContext(ctx, opts.Paths, opts.Discover)
	if err != nil {
		return err
	}
	warn(ios, d.Warnings)
	rows, err := report.Explain(ctx, d.Sources, m, opts.IncludeSplitCost, opts.Discover.AllowDuplicates)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		return writeExplainJSON(ios.Out, m, rows)
	}
	return writeExplainText(ios.Out, m, rows)
}

func writeRules(w io.Writer, m pricing.Metric, format string, width int) error {
	rules := pricing.Rules(m)
	if format == "json" {
		type rule struct {
			Items string `json:"line_items"`
			Value string `json:"cost"`
			Label string `json:"actual_cost_source"`
		}
		out := struct {
			Metric string `json:"metric"`
			Rules  []rule `json:"rules"`
		}{Metric: m.String()}
		for _, r := range rules {
			out.Rules = append(out.Rules, rule{r.Items, r.Value, r.Label})
		}
		return writeJSON(w, out)
	}
	// One block per rule, wrapped: the longest cost expressions alone fill a terminal line.
	var b strings.Builder
	fmt.Fprintf(&b, "metric %s: costs and actual_cost_source labels by kind of line item\n", m)
	for _, r := range rules {
		fmt.Fprintf(&b, "\n%s\n", r.Items)
		writeWrapped(&b, "  cost   ", r.Value, width)
		writeWrapped(&b, "  label  ", r.Label, width)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeWrapped writes text after label, wrapped at spaces to width columns, continuation lines
// indented under the text's start. A word longer than the room keeps its own line.
func writeWrapped(b *strings.Builder, label, text string, width int) {
	indent := strings.Repeat(" ", utf8.RuneCountInString(label))
	room := max(width-len(indent), 20)
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > room {
			b.WriteString(label + line + "\n")
			label, line = indent, ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	b.WriteString(label + line + "\n")
}

// rulesWidth is the width the rules wrap to: 80 columns, or a narrower terminal's.
func rulesWidth(ios *ioStreams) int {
	if w := terminalWidth(ios); w > 0 && w < 80 {
		return w
	}
	return 80
}

func writeExplainText(w io.Writer, m pricing.Metric, rows []*report.ExplainRow) error {
	for n, r := range rows {
		if n > 0 {
			fmt.Fprintln(w)
		}
		title := r.Type
		if items := pricing.KindItems(r.Kind); r.FOCUS {
			title = r.Rule.Items
		} else if r.Kind != pricing.KindOther && r.Kind != pricing.KindUsage && items != r.Type {
			title += " — " + items
		}
		fmt.Fprintf(w, "%s (%s), %s\n", orNone(title), orNone(r.Currency), plural(r.Rows, "row"))
		labelW, numW := 0, 0
		vals := make([]string, len(r.Columns))
		for i, c := range r.Columns {
			vals[i] = c.Sum.String()
			if !c.Present {
				vals[i] = "(column absent)"
			}
			labelW, numW = max(labelW, len(c.Column)), max(numW, len(vals[i]))
		}
		for i, c := range r.Columns {
			fmt.Fprintf(w, "  sum of %-*s  %*s\n", labelW, c.Column, numW, vals[i])
		}
		fmt.Fprintf(w, "  %s uses %s → %s, labelled %q\n", m, r.Rule.Value, r.ByMetric[m].String(), ruleLabel(r))
		simple, amort := r.ByMetric[pricing.Simple], r.ByMetric[pricing.Amortized]
		if simple.Cmp(amort) != 0 && !r.FOCUS {
			fmt.Fprintf(w, "  simple %s vs amortized %s: %s\n", simple.String(), amort.String(), pricing.KindWhy(r.Kind))
		}
	}
	if slices.ContainsFunc(rows, func(r *report.ExplainRow) bool { return r.FOCUS }) {
		fmt.Fprintf(w, "\nreconciliation: %s\n", focusReconciliation)
	}
	return nil
}

// focusReconciliation is why explain reconciles nothing on FOCUS input (docs/focus.md).
const focusReconciliation = "n/a (FOCUS input): its rows carry no negation, upfront fee or true-up to reconcile"

func writeExplainJSON(w io.Writer, m pricing.Metric, rows []*report.ExplainRow) error {
	type col struct {
		Column  string  `json:"column"`
		Present bool    `json:"present"`
		Sum     *string `json:"sum"`
	}
	type row struct {
		Type     string            `json:"line_item_type"`
		Category string            `json:"charge_category,omitempty"`
		Rule     string            `json:"rule"`
		Currency string            `json:"currency"`
		Rows     int64             `json:"rows"`
		Columns  []col             `json:"columns"`
		Uses     string            `json:"uses"`
		Label    string            `json:"actual_cost_source"`
		Metrics  map[string]string `json:"metrics"`
		Why      string            `json:"simple_vs_amortized,omitempty"`
	}
	out := struct {
		Metric         string `json:"metric"`
		Rows           []row  `json:"line_item_types"`
		Reconciliation string `json:"reconciliation,omitempty"`
	}{Metric: m.String(), Rows: []row{}}
	for _, r := range rows {
		jr := row{Type: r.Type, Category: r.Category, Rule: pricing.KindItems(r.Kind), Currency: r.Currency, Rows: r.Rows,
			Uses: r.Rule.Value, Label: ruleLabel(r), Metrics: map[string]string{}}
		if r.FOCUS {
			jr.Rule, out.Reconciliation = r.Rule.Items, focusReconciliation
		}
		for _, c := range r.Columns {
			jc := col{Column: c.Column, Present: c.Present}
			if c.Present {
				s := c.Sum.String()
				jc.Sum = &s
			}
			jr.Columns = append(jr.Columns, jc)
		}
		for _, mm := range pricing.Metrics {
			if !r.FOCUS || mm.ReadsFOCUS() {
				jr.Metrics[mm.String()] = r.ByMetric[mm].String()
			}
		}
		if r.ByMetric[pricing.Simple].Cmp(r.ByMetric[pricing.Amortized]) != 0 && !r.FOCUS {
			jr.Why = pricing.KindWhy(r.Kind)
		}
		out.Rows = append(out.Rows, jr)
	}
	return writeJSON(w, out)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ruleLabel spells the rule's label for the row's own type ("Unblended Cost: T" → ": Tax").
func ruleLabel(r *report.ExplainRow) string {
	if strings.HasSuffix(r.Rule.Label, ": T") {
		return strings.TrimSuffix(r.Rule.Label, "T") + r.Type
	}
	return r.Rule.Label
}
