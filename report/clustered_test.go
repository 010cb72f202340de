package report

import (
	"errors"
	"fmt"
	"os"
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

// clusteredBill writes a legacy Parquet bill of rows line items sorted by account (accounts of
// them), in row groups of groupRows rows, as a bill sorted for its readers is: a row group
// holds few accounts. Services, types, days and costs vary row by row; the first account also
// pays in EUR.
func clusteredBill(tb testing.TB, path string, rows, accounts, groupRows int) string {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	cols := []pqwrite.Column{{Name: cur.ColInvoiceID, Type: pqwrite.String}, {Name: cur.ColPeriodStart, Type: pqwrite.String},
		{Name: cur.ColAccount, Type: pqwrite.String}, {Name: cur.ColLineItemType, Type: pqwrite.String},
		{Name: cur.ColUsageStart, Type: pqwrite.String}, {Name: cur.ColProductCode, Type: pqwrite.String},
		{Name: cur.ColCurrency, Type: pqwrite.String}, {Name: cur.ColUnblended, Type: pqwrite.Double},
		{Name: cur.ColPublicOD, Type: pqwrite.Double}}
	w, err := pqwrite.New(f, cols, pqwrite.Options{RowGroupRows: groupRows})
	if err != nil {
		tb.Fatal(err)
	}
	services := []string{"AmazonEC2", "AmazonS3", "AWSLambda", "AmazonRDS"}
	for i := range rows {
		k := i * accounts / rows
		w.SetString(0, "INV-1")
		w.SetString(1, "2026-10-01T00:00:00Z")
		if a := clusteredAccount(k, accounts); a == "" {
			w.SetNull(2)
		} else {
			w.SetString(2, a)
		}
		typ, currency := "Usage", "USD"
		if i%97 == 0 {
			typ = "Tax"
		}
		if k == 0 && i%3 == 0 {
			currency = "EUR"
		}
		w.SetString(3, typ)
		w.SetString(4, fmt.Sprintf("2026-10-%02dT%02d:00:00Z", 1+i%31, i%24))
		w.SetString(5, services[(i/7)%len(services)])
		w.SetString(6, currency)
		cost := float64(i%1000)/1000 + 0.0000000001*float64(i%13)
		w.SetFloat64(7, cost)
		if typ == "Usage" {
			w.SetFloat64(8, cost*1.25)
		} else {
			w.SetNull(8)
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
