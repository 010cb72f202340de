package reporttest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/curnorm/curnorm/cur/money"
)

// ReadParquet reads a normalized Parquet file back with arrow-go and returns its records as
// the CSV sink writes them, header first, and each column's Parquet type.
func ReadParquet(t testing.TB, path string) ([][]string, []string) {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	sch := pf.MetaData().Schema
	var header, types []string
	for j := range sch.NumColumns() {
		c := sch.Column(j)
		header = append(header, c.Name())
		typ := c.PhysicalType().String()
		switch lt := c.LogicalType().(type) {
		case schema.TimestampLogicalType:
			typ = fmt.Sprintf("timestamp(unit %d, utc=%v)", lt.TimeUnit(), lt.IsAdjustedToUTC())
		case schema.DecimalLogicalType:
			typ = fmt.Sprintf("decimal(%d,%d)", lt.Precision(), lt.Scale())
		case schema.StringLogicalType:
			typ = "string"
		}
		types = append(types, typ)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 4096}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	recs := [][]string{header}
	for range tbl.NumRows() {
		recs = append(recs, make([]string, tbl.NumCols()))
	}
	for j := range int(tbl.NumCols()) {
		row := 1
		for _, ch := range tbl.Column(j).Data().Chunks() {
			for i := range ch.Len() {
				recs[row][j] = parquetCell(t, ch, i)
				row++
			}
		}
	}
	return recs, types
}

// parquetCell is a cell of a normalized Parquet file as the CSV sink writes it.
func parquetCell(t testing.TB, a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Decimal128:
		v := a.Value(i)
		if !v.FitsInPrecision(18) {
			t.Fatalf("decimal %s does not fit an amount", v.ToString(money.Scale))
		}
		return money.Amount(v.LowBits()).String()
	case *array.Timestamp:
		return a.Value(i).ToTime(arrow.Millisecond).UTC().Format(time.RFC3339Nano)
	}
	t.Fatalf("unexpected column type %s", a.DataType())
	return ""
}
