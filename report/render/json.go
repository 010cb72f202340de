package render

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"math/big"
	"slices"
	"sort"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

// jsonObject is an object of text values whose keys keep the order given, unlike a Go map:
// group keys follow --by and metric totals follow pricing.Metrics.
type jsonObject []jsonField

type jsonField struct {
	name, value string
}

// keyJSON is a group key as an object of its dimensions, cut or padded to them.
func keyJSON(dims, key []string) *jsonObject {
	key = fitKey(key, len(dims))
	obj := make(jsonObject, len(key))
	for i, v := range key {
		obj[i] = jsonField{dims[i], v}
	}
	return &obj
}

// get returns the value of name, the last one when the document repeats it.
func (o jsonObject) get(name string) (string, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].name == name {
			return o[i].value, true
		}
	}
	return "", false
}

func (o jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := encodeJSONValue(&b, f.name); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := encodeJSONValue(&b, f.value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object of text values, in the document's order.
func (o *jsonObject) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*o = make(jsonObject, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		*o = append(*o, jsonField{k, m[k]})
	}
	return nil
}

// encodeJSONValue appends v without HTML escaping, matching the encoders below.
func encodeJSONValue(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}

// writeJSON prints r as one indented JSON document.
func writeJSON(w io.Writer, r *report.Result, o Options) error {
	money := o.moneyFormat(-1)
	doc := jsonDoc{
		Schema:     SchemaVersion,
		Metric:     r.Metric.String(),
		Dimensions: nonNil(r.Dimensions),
		Filters:    nonNil(r.Filters),
		Options:    optionsJSON(r, o),
		Rules:      report.RulesVersion,
		Files:      nonNil(r.Files),
		Inputs:     inputsJSON(r.Inputs),
		Currencies: currencies(r),
		Periods:    []jsonPeriod{},
		Groups:     make([]jsonGroup, 0, len(r.Groups)),
		Totals:     make([]jsonGroup, 0, len(r.Totals)),
		Summary:    make([]jsonSummary, 0, len(r.Summaries)),
		Warnings:   nonNil(r.Warnings),
		Skipped:    nonNil(r.Skipped),
	}
	for _, s := range r.Summaries {
		doc.Periods = append(doc.Periods, jsonPeriod{
			Period: s.Period, Currency: s.Currency, FirstUsageDay: s.FirstUsageDay,
			LastUsageDay: s.LastUsageDay, Final: s.Final(), Rows: s.Rows,
			RowsWithoutInvoice: s.RowsWithoutInvoice,
		})
		doc.Summary = append(doc.Summary, summaryJSON(s, money))
	}
	for _, g := range r.Groups {
		doc.Groups = append(doc.Groups, groupJSON(r, g, true, money))
	}
	for _, t := range r.Totals {
		doc.Totals = append(doc.Totals, groupJSON(r, t, false, money))
	}
	return encodeIndented(w, doc)
}

func optionsJSON(r *report.Result, o Options) jsonOptions {
	jo := jsonOptions{IncludeSplitCost: r.IncludeSplitCost, Top: r.Top, Usage: r.Usage, AllProviders: r.AllProviders}
	if o.Precision >= 0 {
		p := o.Precision
		jo.Precision = &p
	}
	if u := r.AccountNames; u != nil {
		an := &jsonAccountNames{Digest: u.Digest, Named: []string{}, Unnamed: []string{}, Unmatched: nonNil(u.Unmatched)}
		for _, id := range slices.Sorted(maps.Keys(u.Accounts)) {
			if u.Accounts[id] {
				an.Named = append(an.Named, id)
			} else {
				an.Unnamed = append(an.Unnamed, id)
			}
		}
		jo.AccountNames = an
	}
	return jo
}

func inputsJSON(ins []report.Input) []jsonInput {
	out := make([]jsonInput, 0, len(ins))
	for _, in := range ins {
		ji := jsonInput{Name: in.Name, Period: in.Period}
		if fp := in.Fingerprint; fp != nil {
			size, text := fp.Size, fp.String()
			ji.Size, ji.Fingerprint = &size, &text
		}
		out = append(out, ji)
	}
	return out
}

// encodeIndented prints v as indented JSON without HTML escaping.
func encodeIndented(w io.Writer, v any) error {
	enc := lineEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// lineEncoder encodes one value per line without HTML escaping, as ndjson wants.
func lineEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// writeNDJSON prints one line per group, then one per currency total marked "total": true.
func writeNDJSON(w io.Writer, r *report.Result, o Options) error {
	money := o.moneyFormat(-1)
	enc := lineEncoder(w)
	for _, g := range r.Groups {
		jg := groupJSON(r, g, true, money)
		jg.Metric = r.Metric.String()
		if err := enc.Encode(jg); err != nil {
			return err
		}
	}
	for _, t := range r.Totals {
		jt := groupJSON(r, t, false, money)
		jt.Metric, jt.Total = r.Metric.String(), true
		if err := enc.Encode(jt); err != nil {
			return err
		}
	}
	return nil
}

// groupJSON converts a group; totals (withKey false) get no "key".
func groupJSON(r *report.Result, g *report.Group, withKey bool, money func(money.Sum) string) jsonGroup {
	rate, ok := g.SavingsRate()
	jg := jsonGroup{
		Currency:     g.Currency,
		Rows:         g.Rows,
		Cost:         money(g.Cost),
		Unblended:    money(g.Unblended),
		OnDemand:     money(g.OnDemand),
		PricedCost:   money(g.PricedCost),
		Savings:      money(g.Savings()),
		SavingsRate:  ratePtr(rate, ok),
		OverOnDemand: g.OverOnDemand(),
		UnpricedRows: g.UnpricedRows,
		UnpricedCost: money(g.UnpricedCost),
		Folded:       g.Folded,
	}
	if withKey {
		jg.Key = keyJSON(r.Dimensions, g.Key)
	}
	if r.Usage {
		// Exact even under --precision: a quantity, not money.
		jg.Usage = &jsonUsage{Rows: g.Usage.Rows, Amount: g.Usage.Amount.String(), Unit: g.Usage.Unit}
	}
	return jg
}

func summaryJSON(s *report.Summary, money func(money.Sum) string) jsonSummary {
	sv := s.Savings()
	var rate *big.Rat
	ok := s.OnDemand.Sign() != 0
	if ok {
		rate = new(big.Rat).Quo(sv.Rat(), s.OnDemand.Rat())
	}
	esr, esrOK := s.EffectiveSavingsRate()
	js := jsonSummary{
		Period:               s.Period,
		Currency:             s.Currency,
		Rows:                 s.Rows,
		FOCUS:                s.FOCUS,
		Metrics:              metricsJSON(&s.ByMetric, s.FOCUS, money),
		OnDemand:             money(s.OnDemand),
		PricedCost:           money(s.PricedCost),
		Savings:              money(sv),
		SavingsRate:          ratePtr(rate, ok),
		EffectiveSavingsRate: ratePtr(esr, esrOK),
		UnpricedUsage:        jsonUnpriced{Rows: s.UnpricedRows, Cost: money(s.UnpricedCost)},
		UnusedSP:             money(s.UnusedSP),
		UnusedRI:             money(s.UnusedRI),
		Reconciliation: jsonReconcile{
			Unblended:       money(s.ByMetric[pricing.Unblended]),
			Amortized:       money(s.ByMetric[pricing.Amortized]),
			TrueUp:          money(s.TrueUp),
			UpfrontFees:     money(s.UpfrontFees),
			ExcludedRefunds: money(s.ExcludedRefunds),
			SplitCost:       money(s.SplitCost),
			Residual:        money(s.Residual()),
			Applies:         s.ReconciliationApplies(),
		},
		Types: make([]jsonTypeSums, 0, len(s.Types)),
	}
	if js.Reconciliation.Applies {
		holds := s.ReconciliationHolds()
		js.Reconciliation.Holds = &holds
	}
	for _, t := range s.Types {
		js.Types = append(js.Types, jsonTypeSums{Type: t.Type, Rows: t.Rows, Metrics: metricsJSON(&t.ByMetric, s.FOCUS, money)})
	}
	return js
}

// metricsJSON are the totals under every metric; of FOCUS input, under those it answers.
func metricsJSON(by *[6]money.Sum, focus bool, money func(money.Sum) string) jsonObject {
	obj := make(jsonObject, 0, len(pricing.Metrics))
	for _, m := range pricing.Metrics {
		if focus && !m.ReadsFOCUS() {
			continue
		}
		obj = append(obj, jsonField{m.String(), money(by[m])})
	}
	return obj
}

func ratePtr(r *big.Rat, ok bool) *string {
	if !ok {
		return nil
	}
	s := rateFraction(r)
	return &s
}

// currencies lists every currency of the result, sorted.
func currencies(r *report.Result) []string {
	seen := map[string]bool{}
	out := []string{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, t := range r.Totals {
		add(t.Currency)
	}
	for _, s := range r.Summaries {
		add(s.Currency)
	}
	for _, g := range r.Groups {
		add(g.Currency)
	}
	sort.Strings(out)
	return out
}

// nonNil makes absent lists print as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
