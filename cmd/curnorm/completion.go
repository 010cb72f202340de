package main

import (
	"slices"
	"sort"
	"strings"

	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/drift"
	"github.com/curnorm/curnorm/report/render"
	"github.com/spf13/cobra"
)

// commandFormats are the --format values of each command, for completion; the commands'
// checkFormat calls enforce the same lists.
var commandFormats = map[string][]string{
	"report":  render.Formats,
	"merge":   render.Formats,
	"inspect": tableOrJSON,
	"explain": tableOrJSON,
	"diff":    render.DiffFormats,
	"check":   render.CheckFormats,

	"commitments": render.CommitmentFormats,
}

// registerCompletions teaches shell completion the values of curnorm's enumerated flags,
// on every command that has them, so that check and diff get the same as report.
func registerCompletions(root *cobra.Command) {
	sampleNames := make([]string, 0, len(sampleFlavours))
	for n := range sampleFlavours {
		sampleNames = append(sampleNames, n)
	}
	sort.Strings(sampleNames)
	fixed := map[string]cobra.CompletionFunc{
		"by":       completeList(dimensionCompletions),
		"columns":  completeList(dimensionCompletions),
		"metric":   completeOne(pricing.MetricNames()),
		"sort":     completeOne(report.Sorts),
		"compare":  completeOne(drift.CompareModes),
		"fail-on":  completeList(func() []string { return append(drift.FindingNames(), "all") }),
		"flavour":  completeOne(sampleNames),
		"assembly": cobra.NoFileCompletions,
		"to":       completeOne(normalizeSchemas),
	}
	for _, c := range root.Commands() {
		for name, f := range fixed {
			register(c, name, f)
		}
		if formats, ok := commandFormats[c.Name()]; ok {
			register(c, "format", completeOne(formats))
		}
	}
}

// register adds f to c's flag name unless c lacks the flag or completes it already.
func register(c *cobra.Command, name string, f cobra.CompletionFunc) {
	if c.Flags().Lookup(name) == nil {
		return
	}
	if _, ok := c.GetFlagCompletionFunc(name); ok {
		return
	}
	// The flag exists and has no completion yet, so registering cannot fail.
	_ = c.RegisterFlagCompletionFunc(name, f)
}

// dimensionCompletions are the --by names, with the tag: and cost-category: families as
// prefixes to type a key after.
func dimensionCompletions() []string {
	var out []string
	for _, d := range report.DimensionNames() {
		if i := strings.Index(d, "<"); i >= 0 {
			d = d[:i]
		}
		out = append(out, d)
	}
	return out
}

func completeOne(values []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, v := range values {
			if strings.HasPrefix(v, toComplete) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeList completes the item after the last comma of a comma-separated value, leaving
// out the items already given. No space follows, so that another comma can.
func completeList(values func() []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		i := strings.LastIndex(toComplete, ",")
		given, last := strings.Split(toComplete[:i+1], ","), toComplete[i+1:]
		var out []cobra.Completion
		for _, v := range values() {
			if strings.HasPrefix(v, last) && !slices.Contains(given, v) {
				out = append(out, toComplete[:i+1]+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}
