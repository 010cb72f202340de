package report

import (
	"maps"
	"slices"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
)

// Inspection describes one source: what it is and what it holds.
type Inspection struct {
	File        string         `json:"file"`
	Flavour     string         `json:"flavour"`
	Compression string         `json:"compression"`
	Periods     []string       `json:"billing_periods"`
	Assembly    string         `json:"assembly,omitempty"`
	Rows        int64          `json:"rows"`
	Columns     int            `json:"columns"`
	Currencies  []string       `json:"currencies"`
	Types       []TypeCount    `json:"line_item_types"`
	Final       bool           `json:"final"`
	Rounded     int64          `json:"cells_rounded"`
	Metrics     []MetricStatus `json:"metrics"`
	// RowsSkipped counts the rows skipped under skipBadRows; Skipped has them per reason, and
	// the failure of a file that could not be read to its end.
	RowsSkipped int64           `json:"rows_skipped"`
	Skipped     []cur.SkipCount `json:"-"`
	// Content is the file's fingerprint, nil when it was not read whole.
	Content *cur.Fingerprint `json:"-"`
}

// TypeCount is the number of rows of one line item type.
type TypeCount struct {
	Type string `json:"type"`
	Rows int64  `json:"rows"`
}

// MetricStatus tells whether a file has every column a metric reads.
type MetricStatus struct {
	Metric  string   `json:"metric"`
	Missing []string `json:"missing_columns"`
	// FallsBack: a net metric whose net columns are all absent, so it equals its gross twin
	// (months without a negotiated discount have no net columns).
	FallsBack bool `json:"falls_back_to_gross"`
	// NoFOCUSColumn: a FOCUS file, which no column of answers this metric; a report refuses it.
	NoFOCUSColumn bool `json:"no_focus_column,omitempty"`
}

// Inspect reads a whole source and describes it. Every amount column a metric reads is parsed,
// so a bad number fails here as it would in a report. With skipBadRows, bad rows are skipped
// (cur.Request.SkipBadRows), and a file that fails after it opened is described up to the failure,
// which Skipped records. With fingerprint, Content identifies the file's content.
func Inspect(src cur.Source, skipBadRows, fingerprint bool) (*Inspection, error) {
	req := cur.Request{SkipBadRows: skipBadRows, Fingerprint: fingerprint}
	typeCol, currencyCol := req.AskString(cur.ColLineItemType), req.AskString(cur.ColCurrency)
	invoiceCol, periodCol := req.AskString(cur.ColInvoiceID), req.AskString(cur.ColPeriodStart)
	for _, c := range pricing.AmountColumns() {
		req.AskAmount(c) // parsed, so that a bad number fails here as in a report
	}
	r, err := cur.Open(src, req)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	types := map[string]int64{}
	currencies := map[string]bool{}
	periods := map[string]bool{}
	withoutInvoice := int64(0)
	for r.Next() {
		b := r.Batch()
		typ, currency, invoice, period := b.Str(typeCol), b.Str(currencyCol), b.Str(invoiceCol), b.Str(periodCol)
		for i := 0; i < b.Len; i++ {
			types[typ.Value(i)]++
			if c := currency.Value(i); c != "" {
				currencies[c] = true
			}
			if invoice.Codes[i] == 0 {
				withoutInvoice++
			}
			if p := cur.PeriodOf(period.Value(i)); p != "" {
				periods[p] = true
			}
		}
	}
	readErr := r.Err()
	if readErr != nil && !skipBadRows {
		return nil, readErr
	}
	s := r.Schema()
	in := &Inspection{
		File: src.Name(), Flavour: s.Flavour.String(), Compression: s.Compression, Assembly: src.Assembly,
		Rows: r.Rows(), Columns: len(s.Columns), Final: r.Rows() > 0 && withoutInvoice == 0, Rounded: r.Rounded(),
		Periods: slices.Sorted(maps.Keys(periods)), Currencies: slices.Sorted(maps.Keys(currencies)),
	}
	if fp, ok := r.Fingerprint(); ok {
		in.Content = &fp
	}
	in.Skipped = r.Skipped()
	for i := range in.Skipped {
		in.Skipped[i].File = src.Name()
		in.RowsSkipped += in.Skipped[i].Rows
	}
	if readErr != nil {
		in.Skipped = append(in.Skipped, cur.SkipCount{File: src.Name(), Reason: cur.SkipUnreadableFile, First: readErr.Error()})
	}
	if len(in.Periods) == 0 && src.Period != "" {
		in.Periods = []string{src.Period}
	}
	for _, t := range slices.Sorted(maps.Keys(types)) {
		in.Types = append(in.Types, TypeCount{Type: t, Rows: types[t]})
	}
	for _, m := range pricing.Metrics {
		st := MetricStatus{Metric: m.String(), Missing: []string{}}
		if s.Flavour == cur.FOCUS {
			// EffectiveCost and BilledCost are there: the file would not be FOCUS without.
			st.NoFOCUSColumn = !m.ReadsFOCUS()
			in.Metrics = append(in.Metrics, st)
			continue
		}
		netMissing, netAll := 0, 0
		for _, c := range pricing.MetricColumns(m) {
			isNet := strings.Contains(c, "_net_")
			if isNet {
				netAll++
			}
			if !s.Has(c) {
				st.Missing = append(st.Missing, c)
				if isNet {
					netMissing++
				}
			}
		}
		st.FallsBack = netAll > 0 && netMissing == netAll && len(st.Missing) == netMissing
		in.Metrics = append(in.Metrics, st)
	}
	return in, nil
}
