package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// A baseline is the document `report --format json` writes (SchemaVersion), read back so that
// check and diff can compare a bill with an earlier one without its CUR files.

// IsBaseline reports whether the file at path is a report document rather than CUR data: its
// first non-blank byte is "{" and its top-level object has a "schema" member. CUR 2.0
// manifests are JSON objects too but have no "schema". "-" (standard input) is never one.
func IsBaseline(path string) (bool, error) {
	if path == "-" {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		// Let CUR discovery report a missing file in its own words.
		return false, nil
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.IsDir() {
		return false, nil
	}
	br := bufio.NewReader(f)
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, cur.FileError(path, nil, fmt.Errorf("%w: %v", cur.ErrNoInput, err))
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c != '{' {
			return false, nil
		}
		br.UnreadByte()
		break
	}
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil {
		return false, nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false, nil
		}
		if key == "schema" {
			return true, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false, nil
		}
	}
	return false, nil
}

// ReadBaselineFile reads the report document at path; see ReadBaseline.
func ReadBaselineFile(path string) (*report.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, cur.FileError(path, nil, fmt.Errorf("%w: %v", cur.ErrNoInput, errors.Unwrap(err)))
	}
	defer f.Close()
	return ReadBaseline(f, path)
}

// ReadBaseline reads a report document (`report --format json`) back into a Result: metric,
// dimensions, filters, options, files and their identities, groups, totals, what --on-error
// skip left out, and per billing period and currency the summary with its line item types and
// usage-date coverage. Derived figures (savings, rates, residuals) are computed again rather
// than read. A document of a schema version it does not read (v1 and SchemaVersion) is refused
// with an error wrapping cur.ErrUnsupportedFormat; a malformed one with cur.ErrBadValue. name
// is the file name errors give.
func ReadBaseline(r io.Reader, name string) (*report.Result, error) {
	res, _, err := readDocument(r, name, "baseline", "write the baseline again with this version: curnorm report --format json")
	return res, err
}

// ReadPartFile reads the part at path; see ReadPart.
func ReadPartFile(path string) (*report.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, cur.FileError(path, nil, fmt.Errorf("%w: %v", cur.ErrNoInput, errors.Unwrap(err)))
	}
	defer f.Close()
	return ReadPart(f, path)
}

// ReadPart reads a report document as a part for report.Merge: it must be of SchemaVersion
// (v1 does not identify its inputs) and of this curnorm's rules (report.RulesVersion), else
// the error wraps cur.ErrUnsupportedFormat, and its money must be exact: a part written with
// --precision is refused with report.ErrPartMismatch. Merge refuses the rest (--top, parts
// that differ). name is the file name errors give.
func ReadPart(r io.Reader, name string) (*report.Result, error) {
	again := "make the part again with this curnorm: curnorm report --format json"
	res, doc, err := readDocument(r, name, "part", again)
	if err != nil {
		return nil, err
	}
	switch {
	case doc.Schema != SchemaVersion:
		return nil, cur.FileError(name, nil, fmt.Errorf("%w: part schema %q does not identify its inputs (%s)", cur.ErrUnsupportedFormat, doc.Schema, again))
	case doc.Rules != report.RulesVersion:
		return nil, cur.FileError(name, nil, fmt.Errorf("%w: part priced with rules %q; this curnorm prices with %q (%s)", cur.ErrUnsupportedFormat, doc.Rules, report.RulesVersion, again))
	case doc.Options.Precision != nil:
		return nil, cur.FileError(name, nil, fmt.Errorf("%w: written with --precision %d, its money is rounded: write the parts without --precision and give --precision to merge",
			report.ErrPartMismatch, *doc.Options.Precision))
	}
	return res, nil
}

// readDocument reads a report document of a readable schema; what ("baseline", "part") and
// again (how to write one) word its errors.
func readDocument(r io.Reader, name, what, again string) (*report.Result, *jsonDoc, error) {
	fail := func(class error, format string, args ...any) error {
		return cur.FileError(name, nil, fmt.Errorf("%w: "+format, append([]any{class}, args...)...))
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fail(cur.ErrNoInput, "%v", err)
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, nil, fail(cur.ErrBadValue, "not a report document: %v", err)
	}
	if head.Schema == nil {
		return nil, nil, fail(cur.ErrUnsupportedFormat, `not a report document (no "schema"); write one with: curnorm report --format json`)
	}
	if !slices.Contains(readableSchemas, *head.Schema) {
		return nil, nil, fail(cur.ErrUnsupportedFormat, "%s schema %q; this curnorm reads %q (%s)", what, *head.Schema, SchemaVersion, again)
	}
	var doc jsonDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fail(cur.ErrBadValue, "%v", err)
	}
	res, err := resultOf(&doc)
	if err != nil {
		return nil, nil, fail(cur.ErrBadValue, "%v", err)
	}
	return res, &doc, nil
}

// resultOf turns a report document read back into a Result: money stays text until parsed
// exactly here, and figures the document derives (savings, rates) are left to be computed.
func resultOf(d *jsonDoc) (*report.Result, error) {
	m, err := pricing.ParseMetric(d.Metric)
	if err != nil {
		return nil, err
	}
	res := &report.Result{Metric: m, Dimensions: d.Dimensions, Filters: d.Filters, Files: d.Files, Warnings: d.Warnings, Skipped: d.Skipped,
		IncludeSplitCost: d.Options.IncludeSplitCost, Top: d.Options.Top, Usage: d.Options.Usage, AllProviders: d.Options.AllProviders}
	for i, in := range d.Inputs {
		ri := report.Input{Name: in.Name, Period: in.Period}
		if (in.Fingerprint == nil) != (in.Size == nil) {
			return nil, fmt.Errorf("input %d: size and fingerprint must both be given or both null", i+1)
		}
		if in.Fingerprint != nil {
			fp, err := cur.ParseFingerprint(*in.Fingerprint, *in.Size)
			if err != nil {
				return nil, fmt.Errorf("input %d: %w", i+1, err)
			}
			ri.Fingerprint = &fp
		}
		res.Inputs = append(res.Inputs, ri)
	}
	if an := d.Options.AccountNames; an != nil {
		use := &report.AccountNameUse{Digest: an.Digest, Accounts: map[string]bool{}, Unmatched: an.Unmatched}
		for _, id := range an.Named {
			use.Accounts[id] = true
		}
		for _, id := range an.Unnamed {
			use.Accounts[id] = false
		}
		res.AccountNames = use
	}
	for i := range d.Groups {
		g, err := groupOf(&d.Groups[i], d.Dimensions, true)
		if err != nil {
			return nil, fmt.Errorf("group %d: %w", i+1, err)
		}
		res.Groups = append(res.Groups, g)
	}
	for i := range d.Totals {
		g, err := groupOf(&d.Totals[i], d.Dimensions, false)
		if err != nil {
			return nil, fmt.Errorf("total %d: %w", i+1, err)
		}
		res.Totals = append(res.Totals, g)
	}
	periods := map[string]*jsonPeriod{}
	for i := range d.Periods {
		p := &d.Periods[i]
		periods[p.Period+"\x00"+p.Currency] = p
	}
	for i := range d.Summary {
		s, err := summaryOf(&d.Summary[i], periods)
		if err != nil {
			return nil, fmt.Errorf("summary %d (%s %s): %w", i+1, d.Summary[i].Period, d.Summary[i].Currency, err)
		}
		res.Summaries = append(res.Summaries, s)
	}
	return res, nil
}

func groupOf(g *jsonGroup, dims []string, withKey bool) (*report.Group, error) {
	out := &report.Group{Currency: g.Currency, Rows: g.Rows, UnpricedRows: g.UnpricedRows, Folded: g.Folded}
	if u := g.Usage; u != nil {
		out.Usage = report.Usage{Rows: u.Rows, Unit: u.Unit}
		if err := out.Usage.Amount.UnmarshalText([]byte(u.Amount)); err != nil {
			return nil, fmt.Errorf("usage amount: %w", err)
		}
	}
	if withKey {
		var key jsonObject
		if g.Key != nil {
			key = *g.Key
		}
		if len(key) != len(dims) {
			return nil, fmt.Errorf("key has %d values, the document %d dimensions", len(key), len(dims))
		}
		for _, d := range dims {
			v, ok := key.get(d)
			if !ok {
				return nil, fmt.Errorf("key has no %q", d)
			}
			out.Key = append(out.Key, v)
		}
	}
	return out, parseMoney(map[string]*money.Sum{
		"cost": &out.Cost, "unblended": &out.Unblended, "on_demand": &out.OnDemand,
		"priced_cost": &out.PricedCost, "unpriced_cost": &out.UnpricedCost,
	}, map[string]string{
		"cost": g.Cost, "unblended": g.Unblended, "on_demand": g.OnDemand,
		"priced_cost": g.PricedCost, "unpriced_cost": g.UnpricedCost,
	})
}

func summaryOf(b *jsonSummary, periods map[string]*jsonPeriod) (*report.Summary, error) {
	s := &report.Summary{Period: b.Period, Currency: b.Currency, Rows: b.Rows, UnpricedRows: b.UnpricedUsage.Rows,
		Filtered: !b.Reconciliation.Applies && !b.FOCUS, FOCUS: b.FOCUS}
	p, ok := periods[b.Period+"\x00"+b.Currency]
	if !ok {
		return nil, errors.New("no matching entry in periods")
	}
	s.FirstUsageDay, s.LastUsageDay = p.FirstUsageDay, p.LastUsageDay
	s.RowsWithoutInvoice = p.RowsWithoutInvoice
	if !p.Final && s.RowsWithoutInvoice == 0 {
		// Final() must read back as written even from a document that lacks the count.
		s.RowsWithoutInvoice = s.Rows
	}
	rc := &b.Reconciliation
	if err := parseMoney(map[string]*money.Sum{
		"on_demand": &s.OnDemand, "priced_cost": &s.PricedCost, "unpriced_usage.cost": &s.UnpricedCost,
		"unused_sp_commitment": &s.UnusedSP, "unused_ri_fee": &s.UnusedRI, "true_up": &s.TrueUp,
		"upfront_fees": &s.UpfrontFees, "excluded_refunds": &s.ExcludedRefunds, "split_cost": &s.SplitCost,
	}, map[string]string{
		"on_demand": b.OnDemand, "priced_cost": b.PricedCost, "unpriced_usage.cost": b.UnpricedUsage.Cost,
		"unused_sp_commitment": b.UnusedSP, "unused_ri_fee": b.UnusedRI, "true_up": rc.TrueUp,
		"upfront_fees": rc.UpfrontFees, "excluded_refunds": rc.ExcludedRefunds, "split_cost": rc.SplitCost,
	}); err != nil {
		return nil, err
	}
	if err := parseMetrics(&s.ByMetric, b.Metrics, b.FOCUS); err != nil {
		return nil, err
	}
	for _, t := range b.Types {
		ts := &report.TypeSummary{Type: t.Type, Rows: t.Rows}
		if err := parseMetrics(&ts.ByMetric, t.Metrics, b.FOCUS); err != nil {
			return nil, fmt.Errorf("line item type %q: %w", t.Type, err)
		}
		s.Types = append(s.Types, ts)
	}
	return s, nil
}

// parseMetrics reads the totals under every metric; of FOCUS input, those it answers (the
// others stay 0).
func parseMetrics(dst *[6]money.Sum, src jsonObject, focus bool) error {
	for _, m := range pricing.Metrics {
		if focus && !m.ReadsFOCUS() {
			continue
		}
		v, ok := src.get(m.String())
		if !ok {
			return fmt.Errorf("metrics: no %q", m)
		}
		s, err := money.ParseSum(v)
		if err != nil {
			return fmt.Errorf("metrics: %s: %w", m, err)
		}
		dst[m] = s
	}
	return nil
}

// parseMoney parses each named text into its Sum.
func parseMoney(dst map[string]*money.Sum, src map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(dst)) {
		s, err := money.ParseSum(src[name])
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		*dst[name] = s
	}
	return nil
}
