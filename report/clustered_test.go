package report

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pqwrite"
)

// clusteredAccount is account k of clusteredBill; the last account's rows have no account.
func clusteredAccount(k, accounts int) string {
	if k == accounts-1 {
		return ""
	}
	return fmt.Sprintf("%012d", 100_000_000_000+k*7919)
}

// clusteredRow is a line item of clusteredBill; a row without an account has account "".
type clusteredRow struct {
	account, typ, usageStart, service, currency string
	cost, onDemand                              float64 // onDemand on Usage rows alone
}

// clusteredRows are the line items of clusteredBill, sorted by account (accounts of
// them): services, types, days and costs vary row by row; the first account also pays in EUR.
func clusteredRows(rows, accounts int, each func(clusteredRow)) {
	services := []string{"AmazonEC2", "AmazonS3", "AWSLambda", "AmazonRDS"}
	for i := range rows {
		k := i * accounts / rows
		r := clusteredRow{account: clusteredAccount(k, accounts), typ: "Usage", currency: "USD",
			usageStart: fmt.Sprintf("2026-10-%02dT%02d:00:00Z", 1+i%31, i%24), service: services[(i/7)%len(services)],
			cost: float64(i%1000)/1000 + 0.0000000001*float64(i%13)}
		if i%97 == 0 {
			r.typ = "Tax"
		}
		if k == 0 && i%3 == 0 {
			r.currency = "EUR"
		}
		if r.typ == "Usage" {
			r.onDemand = r.cost * 1.25
		}
		each(r)
	}
}

// clusteredColumns are the columns of clusteredBill, in order.
var clusteredColumns = []pqwrite.Column{{Name: cur.ColInvoiceID, Type: pqwrite.String}, {Name: cur.ColPeriodStart, Type: pqwrite.String},
	{Name: cur.ColAccount, Type: pqwrite.String}, {Name: cur.ColLineItemType, Type: pqwrite.String},
	{Name: cur.ColUsageStart, Type: pqwrite.String}, {Name: cur.ColProductCode, Type: pqwrite.String},
	{Name: cur.ColCurrency, Type: pqwrite.String}, {Name: cur.ColUnblended, Type: pqwrite.Double},
	{Name: cur.ColPublicOD, Type: pqwrite.Double}}

// clusteredBill writes the rows of clusteredRows as a legacy Parquet bill in row groups of
// groupRows rows, as a bill sorted for its readers is: a row group holds few accounts.
func clusteredBill(tb testing.TB, path string, rows, accounts, groupRows int) string {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := pqwrite.New(f, clusteredColumns, pqwrite.Options{RowGroupRows: groupRows})
	if err != nil {
		tb.Fatal(err)
	}
	clusteredRows(rows, accounts, func(r clusteredRow) {
		w.SetString(0, "INV-1")
		w.SetString(1, "2026-10-01T00:00:00Z")
		if r.account == "" {
			w.SetNull(2)
		} else {
			w.SetString(2, r.account)
		}
		w.SetString(3, r.typ)
		w.SetString(4, r.usageStart)
		w.SetString(5, r.service)
		w.SetString(6, r.currency)
		w.SetFloat64(7, r.cost)
		if r.typ == "Usage" {
			w.SetFloat64(8, r.onDemand)
		} else {
			w.SetNull(8)
		}
		if err := w.EndRow(); err != nil {
			tb.Fatal(err)
		}
	})
	if err := errors.Join(w.Close(), f.Close()); err != nil {
		tb.Fatal(err)
	}
	return path
}

// clusteredCSV writes the rows of clusteredRows as a CSV bill, gzipped when path ends in .gz.
func clusteredCSV(tb testing.TB, path string, rows, accounts int) string {
	tb.Helper()
	var buf bytes.Buffer
	for i, c := range clusteredColumns {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(c.Name)
	}
	buf.WriteByte('\n')
	clusteredRows(rows, accounts, func(r clusteredRow) {
		od := ""
		if r.typ == "Usage" {
			od = strconv.FormatFloat(r.onDemand, 'g', -1, 64)
		}
		fmt.Fprintf(&buf, "INV-1,2026-10-01T00:00:00Z,%s,%s,%s,%s,%s,%s,%s\n", r.account, r.typ, r.usageStart, r.service,
			r.currency, strconv.FormatFloat(r.cost, 'g', -1, 64), od)
	})
	data := buf.Bytes()
	if strings.HasSuffix(path, ".gz") {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		if _, err := zw.Write(data); err != nil {
			tb.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
		data = gz.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// clusteredTaggedBill writes a CUR 2.0 Parquet bill sorted by account like clusteredBill, whose
// resource_tags map holds a team on the first account's rows alone: a filter on another
// account passes over every row group that has the key.
func clusteredTaggedBill(tb testing.TB, path string, rows, accounts, groupRows int) string {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	cols := []pqwrite.Column{{Name: cur.ColAccount, Type: pqwrite.String}, {Name: cur.ColLineItemType, Type: pqwrite.String},
		{Name: cur.ColProductCode, Type: pqwrite.String}, {Name: cur.ColCurrency, Type: pqwrite.String},
		{Name: cur.ColUnblended, Type: pqwrite.Double}, {Name: "resource_tags", Type: pqwrite.StringMap}}
	w, err := pqwrite.New(f, cols, pqwrite.Options{RowGroupRows: groupRows})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range rows {
		k := i * accounts / rows
		w.SetString(0, clusteredAccount(k, accounts+1))
		w.SetString(1, "Usage")
		w.SetString(2, []string{"AmazonEC2", "AmazonS3"}[i%2])
		w.SetString(3, "USD")
		w.SetFloat64(4, float64(i%100)/100)
		if k == 0 {
			w.SetMap(5, []string{"user_team"}, []string{[]string{"web", "data"}[i%2]})
		} else {
			w.SetMap(5, []string{"user_env"}, []string{"prod"})
		}
		if err := w.EndRow(); err != nil {
			tb.Fatal(err)
		}
	}
	if err := errors.Join(w.Close(), f.Close()); err != nil {
		tb.Fatal(err)
	}
	return path
}
