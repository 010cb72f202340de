package cur

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/curnorm/curnorm/cur/money"
	"github.com/xitongsys/parquet-go/writer"
)

// checkedParquet returns a checked allocator for the Parquet readers of the test
// (Request.alloc) and fails the test if anything is left allocated once it is done.
func checkedParquet(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// withAlloc returns req reading with the allocator mem.
func withAlloc(req Request, mem memory.Allocator) Request {
	req.alloc = mem
	return req
}

// writeXParquet writes rows with xitongsys/parquet-go, a writer unlike AWS's and arrow's.
func writeXParquet[T any](t testing.TB, rows []T) string {
	t.Helper()
	var buf bytes.Buffer
	pw, err := writer.NewParquetWriterFromWriter(&buf, new(T), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := pw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.WriteStop(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// table is what a reader delivered: text per requested string, exact amount text (or "-"
// for absent) per requested amount, row by row.
type table struct {
	schema  *Schema
	strs    [][]string
	amts    [][]string
	present []bool
	rows    int64
	rounded int64
	batches []int
	first   []int64
}

func readParquet(t *testing.T, path string, req Request) (*table, error) {
	t.Helper()
	rd, err := Open(Source{Path: path}, req)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := rd.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}()
	out := &table{schema: rd.Schema(), strs: make([][]string, len(req.Strings)), amts: make([][]string, len(req.Amounts))}
	for rd.Next() {
		b := rd.Batch()
		out.batches = append(out.batches, b.Len)
		out.first = append(out.first, b.FirstRow)
		out.present = out.present[:0]
		for i := range b.Strings {
			c := &b.Strings[i]
			out.present = append(out.present, c.Present)
			if c.Dict[0] != "" {
				t.Fatalf("Dict[0] = %q", c.Dict[0])
			}
			for j := 0; j < b.Len; j++ {
				out.strs[i] = append(out.strs[i], c.Value(j))
			}
		}
		for i := range b.Amounts {
			c := &b.Amounts[i]
			out.present = append(out.present, c.Present)
			for j := 0; j < b.Len; j++ {
				if c.IsSet(j) {
					out.amts[i] = append(out.amts[i], c.Values[j].String())
				} else {
					if c.Present && c.Values[j] != 0 {
						t.Fatalf("absent cell holds %v", c.Values[j])
					}
					out.amts[i] = append(out.amts[i], "-")
				}
			}
		}
	}
	out.rows = rd.Rows()
	if pr, ok := rd.(*parquetReader); ok {
		out.rounded = pr.Rounded()
	} else {
		t.Fatalf("reader is %T", rd)
	}
	return out, rd.Err()
}

func eqStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

type legacyRow struct {
	Type     string   `parquet:"name=line_item_line_item_type, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Account  *string  `parquet:"name=line_item_usage_account_id, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	Cost     *float64 `parquet:"name=line_item_unblended_cost, type=DOUBLE, repetitiontype=OPTIONAL"`
	Public   *float64 `parquet:"name=pricing_public_on_demand_cost, type=DOUBLE, repetitiontype=OPTIONAL"`
	Team     *string  `parquet:"name=resource_tags_user_team, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	Start    *int64   `parquet:"name=line_item_usage_start_date, type=INT64, convertedtype=TIMESTAMP_MILLIS, repetitiontype=OPTIONAL"`
	Product  *string  `parquet:"name=product_product_name, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	UsageAmt *float64 `parquet:"name=line_item_usage_amount, type=DOUBLE, repetitiontype=OPTIONAL"`
}

func ptr[T any](v T) *T { return &v }

func TestParquetLegacy(t *testing.T) {
	mem := checkedParquet(t)
	start := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	path := writeXParquet(t, []legacyRow{
		{Type: "Usage", Account: ptr("011254002932"), Cost: ptr(0.57), Public: ptr(1.0), Team: ptr("core"), Start: ptr(start), Product: ptr("Amazon EC2"), UsageAmt: ptr(2.5)},
		{Type: "Tax", Account: ptr("011254002932"), Cost: ptr(1.81e-8), Start: ptr(start + 3_600_000 + 250)},
		{Type: "Credit", Cost: ptr(-0.12345678901), Team: ptr("  web ")},
		{Type: "Usage", Account: ptr("011254002932"), Cost: ptr(0.0)},
	})
	req := Request{alloc: mem,
		Strings: []string{"line_item_line_item_type", "line_item_usage_account_id", TagColumn("Team"), "line_item_usage_start_date", "product_product_name", "no_such_column"},
		Amounts: []string{"line_item_unblended_cost", "pricing_public_on_demand_cost", "no_such_amount"},
	}
	got, err := readParquet(t, path, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.schema.Flavour != LegacyParquet {
		t.Errorf("flavour %v", got.schema.Flavour)
	}
	if got.schema.Compression != "snappy" {
		t.Errorf("compression %q", got.schema.Compression)
	}
	if got.schema.Columns[4] != "resource_tags_user_team" || got.schema.RawColumns[0] != "line_item_line_item_type" {
		t.Errorf("columns %q", got.schema.Columns)
	}
	if got.rows != 4 || len(got.batches) != 1 || got.first[0] != 1 {
		t.Errorf("rows %d batches %v first %v", got.rows, got.batches, got.first)
	}
	eqStrings(t, "type", got.strs[0], []string{"Usage", "Tax", "Credit", "Usage"})
	eqStrings(t, "account", got.strs[1], []string{"011254002932", "011254002932", "", "011254002932"})
	eqStrings(t, "team", got.strs[2], []string{"core", "", "web", ""})
	eqStrings(t, "start", got.strs[3], []string{"2023-11-01T00:00:00Z", "2023-11-01T01:00:00.25Z", "", ""})
	eqStrings(t, "product", got.strs[4], []string{"Amazon EC2", "", "", ""})
	eqStrings(t, "missing", got.strs[5], []string{"", "", "", ""})
	eqStrings(t, "cost", got.amts[0], []string{"0.57", "0.0000000181", "-0.123456789", "0"})
	eqStrings(t, "public", got.amts[1], []string{"1", "-", "-", "-"})
	eqStrings(t, "missing amount", got.amts[2], []string{"-", "-", "-", "-"})
	wantPresent := []bool{true, true, true, true, true, false, true, true, false}
	for i, p := range got.present {
		if p != wantPresent[i] {
			t.Errorf("present[%d] = %v", i, p)
		}
	}
	if got.rounded != 1 {
		t.Errorf("rounded = %d, want 1 (-0.12345678901)", got.rounded)
	}
}

type cur2Row struct {
	Payer     string             `parquet:"name=bill_payer_account_name, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Type      string             `parquet:"name=line_item_line_item_type, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Account   int64              `parquet:"name=line_item_usage_account_id, type=INT64, repetitiontype=REQUIRED"`
	Cost      int64              `parquet:"name=line_item_unblended_cost, type=INT64, repetitiontype=REQUIRED"`
	Code      string             `parquet:"name=product_servicecode, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Product   map[string]string  `parquet:"name=product, type=MAP, convertedtype=MAP, keytype=BYTE_ARRAY, keyconvertedtype=UTF8, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8"`
	Tags      map[string]string  `parquet:"name=resource_tags, type=MAP, convertedtype=MAP, keytype=BYTE_ARRAY, keyconvertedtype=UTF8, valuetype=BYTE_ARRAY, valueconvertedtype=UTF8"`
	Discount  map[string]float64 `parquet:"name=discount, type=MAP, convertedtype=MAP, keytype=BYTE_ARRAY, keyconvertedtype=UTF8, valuetype=DOUBLE"`
	Effective string             `parquet:"name=savings_plan_savings_plan_effective_cost, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Start     int32              `parquet:"name=bill_billing_period_start_date, type=INT32, convertedtype=DATE, repetitiontype=REQUIRED"`
	Payer2    int32              `parquet:"name=bill_payer_account_id, type=INT32, repetitiontype=REQUIRED"`
	Units     int64              `parquet:"name=pricing_public_on_demand_rate, type=INT64, repetitiontype=REQUIRED"`
	Dec       int64              `parquet:"name=reservation_effective_cost, type=INT64, convertedtype=DECIMAL, scale=4, precision=18, repetitiontype=REQUIRED"`
}

func TestParquetCUR2(t *testing.T) {
	mem := checkedParquet(t)
	day := int32(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	path := writeXParquet(t, []cur2Row{
		{Payer: "Acme", Type: "Usage", Account: 11254002932, Cost: 12, Code: "AmazonEC2",
			Product:   map[string]string{"product_name": "Amazon Elastic Compute Cloud", "region": "us-east-1"},
			Tags:      map[string]string{"user_team": "core"},
			Discount:  map[string]float64{"total_discount": -1.5},
			Effective: "", Start: day, Payer2: 123456789, Units: 42, Dec: 12345},
		{Payer: "Acme", Type: "SavingsPlanCoveredUsage", Account: 123456789012, Cost: -3, Code: "AmazonS3",
			Product:   map[string]string{"productName": "Amazon S3"},
			Tags:      map[string]string{"user:Team": "web", "user:CostCenter": "42"},
			Effective: "0.123456789012", Start: day, Units: 0, Dec: -5},
		{Payer: "Acme", Type: "Tax", Account: 0, Cost: 0, Code: "",
			Effective: "1.81E-8", Start: day},
	})
	req := Request{alloc: mem,
		Strings: []string{"line_item_usage_account_id", "product_product_name", "product_region", "product_servicecode",
			TagColumn("Team"), TagColumn("CostCenter"), "bill_billing_period_start_date", "bill_payer_account_id", "pricing_public_on_demand_rate"},
		Amounts: []string{"line_item_unblended_cost", "discount_total_discount", "savings_plan_savings_plan_effective_cost", "reservation_effective_cost"},
	}
	got, err := readParquet(t, path, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.schema.Flavour != CUR2Parquet {
		t.Errorf("flavour %v", got.schema.Flavour)
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"account id zero-padded", got.strs[0], []string{"011254002932", "123456789012", "000000000000"}},
		{"product map key", got.strs[1], []string{"Amazon Elastic Compute Cloud", "Amazon S3", ""}},
		{"product region", got.strs[2], []string{"us-east-1", "", ""}},
		{"flat product column", got.strs[3], []string{"AmazonEC2", "AmazonS3", ""}},
		{"tag in snake and colon form", got.strs[4], []string{"core", "web", ""}},
		{"tag cost center", got.strs[5], []string{"", "42", ""}},
		{"date", got.strs[6], []string{"2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z"}},
		{"int32 payer id padded", got.strs[7], []string{"000123456789", "000000000000", "000000000000"}},
		{"int64 in string column", got.strs[8], []string{"42", "0", "0"}},
		{"int64 cost", got.amts[0], []string{"12", "-3", "0"}},
		{"discount map of double", got.amts[1], []string{"-1.5", "-", "-"}},
		{"required strings: empty is absent", got.amts[2], []string{"-", "0.123456789", "0.0000000181"}},
		{"decimal", got.amts[3], []string{"1.2345", "-0.0005", "0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { eqStrings(t, tc.name, tc.got, tc.want) })
	}
	if got.rounded != 1 {
		t.Errorf("rounded = %d, want 1", got.rounded)
	}
}

type nanRow struct {
	Type string  `parquet:"name=line_item_line_item_type, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED"`
	Cost float64 `parquet:"name=line_item_unblended_cost, type=DOUBLE, repetitiontype=REQUIRED"`
}

func TestParquetBadValues(t *testing.T) {
	tests := []struct {
		name string
		cost float64
		text string
	}{
		{"nan", math.NaN(), "NaN"},
		{"inf", math.Inf(-1), "-Inf"},
		{"out of range", 1e12, "out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedParquet(t)
			path := writeXParquet(t, []nanRow{{"Usage", 1}, {"Usage", tc.cost}})
			_, err := readParquet(t, path, Request{alloc: mem, Amounts: []string{"line_item_unblended_cost"}})
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrBadValue) {
				t.Fatalf("err = %v, want *Error wrapping ErrBadValue", err)
			}
			if e.File != path || e.RowGroup != 1 || e.Column != "line_item_unblended_cost" {
				t.Errorf("place: %+v", e)
			}
			if msg := err.Error(); !strings.Contains(msg, "row 2") || !strings.Contains(msg, tc.text) || !strings.Contains(msg, "row group 0") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

// writeArrowParquet writes a CUR 2.0-shaped file with arrow-go's own writer: many rows, small
// row groups, two columns that meet in one canonical name, a timestamp with a zone, a MAP.
func writeArrowParquet(t testing.TB, mem memory.Allocator, nrows, rowGroup int) string {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "line_item_line_item_type", Type: arrow.BinaryTypes.String},
		{Name: "bill_payer_account_name", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "line_item_unblended_cost", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "line_item_usage_start_date", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "America/New_York"}, Nullable: true},
		{Name: "resource_tags_user_team", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "resourceTags/user:Team", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "resource_tags", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
		{Name: "line_item_usage_account_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "pricing_public_on_demand_cost", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "line_item_resource_id", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(sc, &buf,
		parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithMaxRowGroupLength(int64(rowGroup)), parquet.WithCompression(compress.Codecs.Zstd),
			// Unique resource ids overflow a small dictionary: the writer falls back to plain pages.
			parquet.WithDictionaryPageSizeLimit(4096)),
		pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	types := []string{"Usage", "Tax", "Credit", "SavingsPlanNegation"}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := 0; i < nrows; i++ {
		b.Field(0).(*array.StringBuilder).Append(types[i%len(types)])
		b.Field(1).(*array.LargeStringBuilder).Append("Acme")
		if i%7 == 0 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Float64Builder).Append(0.57)
		}
		b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(base + int64(i/100)*3_600_000_000))
		// Odd rows answer the tag in the snake column, rows divisible by 4 in the other one.
		if i%2 == 1 {
			b.Field(4).(*array.StringBuilder).Append("core")
		} else {
			b.Field(4).(*array.StringBuilder).Append("")
		}
		if i%4 == 0 {
			b.Field(5).(*array.StringBuilder).Append("web")
		} else {
			b.Field(5).AppendNull()
		}
		mb := b.Field(6).(*array.MapBuilder)
		mb.Append(true)
		mb.KeyBuilder().(*array.StringBuilder).Append("user_owner")
		mb.ItemBuilder().(*array.StringBuilder).Append("o" + strconv.Itoa(i%3))
		b.Field(7).(*array.Int64Builder).Append(int64(i % 5))
		b.Field(8).(*array.Float32Builder).Append(0.57)
		b.Field(9).(*array.StringBuilder).Append(resourceID(i))
	}
	path := writeParquetFile(t, fw, &buf, b, "arrow.parquet")
	return path
}

// writeParquetFile writes the rows built in b through fw into buf, then buf to a file of the
// test's temporary folder, and returns its path.
func writeParquetFile(t testing.TB, fw *pqarrow.FileWriter, buf *bytes.Buffer, b *array.RecordBuilder, name string) string {
	t.Helper()
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func resourceID(i int) string { return "i-" + strconv.FormatInt(int64(i)*7919, 16) }

func TestParquetArrowWriter(t *testing.T) {
	for _, mode := range []struct{ parallel, dict bool }{{false, false}, {false, true}, {true, false}, {true, true}} {
		t.Run(fmt.Sprintf("parallel=%v/dict=%v", mode.parallel, mode.dict), func(t *testing.T) {
			mem := checkedParquet(t)
			const nrows, rowGroup = 20000, 9000
			path := writeArrowParquet(t, mem, nrows, rowGroup)
			req := Request{alloc: mem,
				Strings:    []string{"line_item_line_item_type", TagColumn("Team"), TagColumn("Owner"), "line_item_usage_start_date", "line_item_usage_account_id", "bill_payer_account_name", "line_item_resource_id"},
				Amounts:    []string{"line_item_unblended_cost", "pricing_public_on_demand_cost"},
				serial:     !mode.parallel,
				noReadDict: !mode.dict,
			}
			got, err := readParquet(t, path, req)
			if err != nil {
				t.Fatal(err)
			}
			if got.schema.Flavour != CUR2Parquet || got.schema.Compression != "zstd" {
				t.Errorf("schema %+v", got.schema)
			}
			if got.rows != nrows {
				t.Fatalf("rows %d", got.rows)
			}
			// Batches never span row groups: 9000 = 8192 + 808.
			eqStrings(t, "batches", itoa(got.batches), []string{"8192", "808", "8192", "808", "2000"})
			if got.first[1] != 8193 || got.first[2] != 9001 {
				t.Errorf("first rows %v", got.first)
			}
			var sum, od money.Sum
			for i := 0; i < nrows; i++ {
				want := []string{"Usage", "Tax", "Credit", "SavingsPlanNegation"}[i%4]
				if got.strs[0][i] != want {
					t.Fatalf("row %d type %q", i+1, got.strs[0][i])
				}
				team := ""
				switch {
				case i%2 == 1:
					team = "core"
				case i%4 == 0:
					team = "web"
				}
				if got.strs[1][i] != team {
					t.Fatalf("row %d team %q, want %q", i+1, got.strs[1][i], team)
				}
				if want := "o" + strconv.Itoa(i%3); got.strs[2][i] != want {
					t.Fatalf("row %d owner %q", i+1, got.strs[2][i])
				}
				ts := time.Date(2024, 1, 1, i/100, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05Z")
				if got.strs[3][i] != ts {
					t.Fatalf("row %d start %q, want %q", i+1, got.strs[3][i], ts)
				}
				if want := "00000000000" + strconv.Itoa(i%5); got.strs[4][i] != want {
					t.Fatalf("row %d account %q", i+1, got.strs[4][i])
				}
				if got.strs[5][i] != "Acme" {
					t.Fatalf("row %d payer %q", i+1, got.strs[5][i])
				}
				if got.strs[6][i] != resourceID(i) {
					t.Fatalf("row %d resource %q", i+1, got.strs[6][i])
				}
				if got.amts[0][i] != "-" {
					a, _, _ := money.ParseString(got.amts[0][i])
					sum.Add(a)
				} else if i%7 != 0 {
					t.Fatalf("row %d cost absent", i+1)
				}
				a, _, _ := money.ParseString(got.amts[1][i])
				od.Add(a)
			}
			nonNull := nrows - (nrows+6)/7
			if want := strconv.Itoa(nonNull*57/100) + "." + strconv.Itoa(nonNull*57%100); sum.String() != strings.TrimRight(want, "0") {
				t.Errorf("sum %s, want %s", sum, want)
			}
			if od.String() != "11400" {
				t.Errorf("float32 0.57 × 20000 = %s", od)
			}
		})
	}
}

func itoa(v []int) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.Itoa(x)
	}
	return out
}

func TestParquetProjection(t *testing.T) {
	mem := checkedParquet(t)
	path := writeArrowParquet(t, mem, 100, 30)
	tests := []struct {
		name   string
		req    Request
		fields int
	}{
		{"nothing requested", Request{alloc: mem}, 0},
		{"unknown names", Request{alloc: mem, Strings: []string{"nope"}, Amounts: []string{"nada"}}, 0},
		{"one flat column", Request{alloc: mem, Amounts: []string{"line_item_unblended_cost"}}, 1},
		{"tag from two flat columns", Request{alloc: mem, Strings: []string{TagColumn("Team")}}, 2},
		{"tag from the map", Request{alloc: mem, Strings: []string{TagColumn("Owner")}}, 1},
		{"same column twice", Request{alloc: mem, Strings: []string{"line_item_line_item_type", "line_item_line_item_type"}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rd, err := Open(Source{Path: path}, withAlloc(tc.req, mem))
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			if n := len(rd.(*parquetReader).fields); n != tc.fields {
				t.Errorf("reads %d fields, want %d", n, tc.fields)
			}
			var lens []int
			for rd.Next() {
				lens = append(lens, rd.Batch().Len)
			}
			if rd.Err() != nil || rd.Rows() != 100 {
				t.Errorf("rows %d err %v", rd.Rows(), rd.Err())
			}
			eqStrings(t, "batches", itoa(lens), []string{"30", "30", "30", "10"})
		})
	}
}

func TestParquetSampleCUR2(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "samples", "cur2", "sample_cur2.parquet")
	if _, err := os.Stat(path); err != nil {
		t.Skip("sample not present:", err)
	}
	mem := checkedParquet(t)
	req := Request{alloc: mem,
		Strings: []string{"line_item_line_item_type", "line_item_usage_account_id", "bill_payer_account_id", "line_item_usage_start_date",
			"bill_billing_period_start_date", "product_servicecode", "product_product_name", "cost_category_team", "resource_tags_environment"},
		Amounts: []string{"line_item_unblended_cost", "pricing_public_on_demand_cost", "savings_plan_savings_plan_effective_cost", "discount_total_discount"},
	}
	got, err := readParquet(t, path, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.schema.Flavour != CUR2Parquet || got.rows != 10 || got.schema.Compression != "snappy" {
		t.Fatalf("flavour %v rows %d compression %s", got.schema.Flavour, got.rows, got.schema.Compression)
	}
	sum := func(col []string) string {
		var s money.Sum
		for _, v := range col {
			a, _, err := money.ParseString(v)
			if err != nil {
				t.Fatalf("%q: %v", v, err)
			}
			s.Add(a)
		}
		return s.String()
	}
	if s := sum(got.amts[0]); s != "325" {
		t.Errorf("unblended %s", s)
	}
	if s := sum(got.amts[1]); s != "5.5" {
		t.Errorf("public on-demand %s", s)
	}
	if s := sum(got.amts[2]); s != "550" {
		t.Errorf("savings plan effective %s", s)
	}
	for i := 0; i < 10; i++ {
		for _, c := range []int{1, 2} {
			if v := got.strs[c][i]; len(v) != 12 || strings.Trim(v, "0123456789") != "" {
				t.Errorf("row %d: account id %q", i+1, v)
			}
		}
		if got.strs[0][i] != "Usage" || got.strs[5][i] != "AmazonEC2" {
			t.Errorf("row %d: %q %q", i+1, got.strs[0][i], got.strs[5][i])
		}
		// product and cost_category hold plain text here, not JSON: no keys.
		if got.strs[6][i] != "" || got.strs[7][i] != "" {
			t.Errorf("row %d: %q %q", i+1, got.strs[6][i], got.strs[7][i])
		}
	}
	eqStrings(t, "usage start", got.strs[3][:2], []string{"2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"})
	eqStrings(t, "billing period", got.strs[4][:2], []string{"2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"})
	eqStrings(t, "tag from JSON text", got.strs[8][:3], []string{"Prod", "Dev", "QA"})
	eqStrings(t, "flat discount column", got.amts[3][:2], []string{"0", "0"})
	if got.strs[1][0] != "234567890123" {
		t.Errorf("first account %q", got.strs[1][0])
	}
}

func TestParquetCorrupt(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	good := writeArrowParquet(t, mem, 5000, 2000)
	mem.AssertSize(t, 0)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	damage := func(f func([]byte) []byte) []byte { return f(bytes.Clone(data)) }
	footerLen := int(uint32(data[len(data)-8]) | uint32(data[len(data)-7])<<8 | uint32(data[len(data)-6])<<16 | uint32(data[len(data)-5])<<24)
	tests := []struct {
		name  string
		bytes []byte
	}{
		{"truncated", data[:len(data)/2]},
		{"truncated in footer", data[:len(data)-3]},
		{"only the magic", []byte("PAR1")},
		{"bad footer magic", damage(func(b []byte) []byte { copy(b[len(b)-4:], "XXXX"); return b })},
		{"damaged footer", damage(func(b []byte) []byte {
			for i := len(b) - 8 - footerLen; i < len(b)-8-footerLen/2; i++ {
				b[i] = 0xa7
			}
			return b
		})},
		{"footer length too large", damage(func(b []byte) []byte { b[len(b)-5] = 0x7f; return b })},
		{"damaged pages", damage(func(b []byte) []byte {
			for i := 4; i < len(b)-8-footerLen; i += 3 {
				b[i] = 0xff
			}
			return b
		})},
	}
	req := Request{
		Strings: []string{"line_item_line_item_type", TagColumn("Team"), TagColumn("Owner"), "line_item_usage_start_date"},
		Amounts: []string{"line_item_unblended_cost"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedParquet(t)
			path := filepath.Join(t.TempDir(), "bad.parquet")
			if err := os.WriteFile(path, tc.bytes, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := readParquet(t, path, withAlloc(req, mem))
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want *Error wrapping ErrCorrupt", err)
			}
			if e.File != path {
				t.Errorf("file %q", e.File)
			}
			t.Log(err)
		})
	}
}

type focusRow struct {
	Billed   float64 `parquet:"name=BilledCost, type=DOUBLE"`
	Category string  `parquet:"name=ChargeCategory, type=BYTE_ARRAY, convertedtype=UTF8"`
}

type otherRow struct {
	X string `parquet:"name=x, type=BYTE_ARRAY, convertedtype=UTF8"`
}

func TestParquetUnsupported(t *testing.T) {
	tests := []struct {
		name string
		path func(t *testing.T) string
		want string
	}{
		{"focus", func(t *testing.T) string { return writeXParquet(t, []focusRow{{1, "Usage"}}) }, "FOCUS"},
		{"not a cur", func(t *testing.T) string { return writeXParquet(t, []otherRow{{"a"}}) }, "not a CUR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedParquet(t)
			_, err := readParquet(t, tc.path(t), Request{alloc: mem, Strings: []string{"x"}})
			if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// TestParquetTempFile reads through openParquet with an unlinked temporary file, the way Open
// reads Parquet from standard input.
func TestParquetTempFile(t *testing.T) {
	mem := checkedParquet(t)
	path := writeXParquet(t, []nanRow{{"Usage", 2.5}, {"Tax", 0.5}})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := spool(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rd, err := openParquet("<stdin>", tmp, int64(len(data)), nil, Request{alloc: mem, Amounts: []string{"line_item_unblended_cost"}})
	if err != nil {
		t.Fatal(err)
	}
	var s money.Sum
	for rd.Next() {
		b := rd.Batch()
		for i := 0; i < b.Len; i++ {
			s.Add(b.Amounts[0].Values[i])
		}
	}
	if rd.Err() != nil || s.String() != "3" {
		t.Errorf("sum %s err %v", s, rd.Err())
	}
	if err := rd.Close(); err != nil {
		t.Error(err)
	}
	if err := rd.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := tmp.Stat(); err == nil {
		t.Error("temporary file still open after Close")
	}
}

func BenchmarkParquetRead(b *testing.B) {
	for _, dict := range []bool{true, false} {
		for _, par := range []bool{true, false} {
			b.Run(fmt.Sprintf("dict=%v/parallel=%v", dict, par), func(b *testing.B) {
				benchmarkParquetRead(b, !dict, !par)
			})
		}
	}
}

func benchmarkParquetRead(b *testing.B, noReadDict, serial bool) {
	path := writeArrowParquet(b, memory.NewGoAllocator(), 200000, 65536)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	req := Request{
		Strings:    []string{"line_item_line_item_type", TagColumn("Team"), TagColumn("Owner"), "line_item_usage_start_date", "line_item_usage_account_id"},
		Amounts:    []string{"line_item_unblended_cost", "pricing_public_on_demand_cost"},
		noReadDict: noReadDict,
		serial:     serial,
	}
	var rows int64
	for b.Loop() {
		rd, err := Open(Source{Path: path}, req)
		if err != nil {
			b.Fatal(err)
		}
		for rd.Next() {
		}
		if rd.Err() != nil {
			b.Fatal(rd.Err())
		}
		rows += rd.Rows()
		rd.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func TestFloatAmount(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 0.57, -0.57, 0.1, 0.3, 1.81e-8, -7e-10, 1e-10, 5e-11, 1.5e-10, 2.5e-10, 0.12345678901,
		0.123456789012, 262143.9999999999, 262143.99999999997, 131072.00000000001, 99999.1234567891, 1.0 / 3, 2.0 / 3, 1e-300,
		123456.789, 0.000123456789, 3.14159265358979, 262144.5, 1e9, math.NaN(), math.Inf(1)}
	for i := 0; i < 20000; i++ {
		vals = append(vals, float64(i)*0.01, float64(i)*0.0000000001*float64(i%97), math.Ldexp(float64(i*7919%100003), -(i%40)))
	}
	for _, f := range vals {
		a1, r1, e1 := money.FromFloat(f)
		a2, r2, e2 := money.FromFloat(f)
		if a1 != a2 || r1 != r2 || (e1 == nil) != (e2 == nil) {
			t.Fatalf("%v: fast %v %v %v, reference %v %v %v", f, a1, r1, e1, a2, r2, e2)
		}
	}
}

func FuzzParquet(f *testing.F) {
	for _, path := range []string{
		writeXParquet(f, []nanRow{{"Usage", 0.57}, {"Tax", 1}}),
		writeXParquet(f, []cur2Row{{Payer: "Acme", Type: "Usage", Account: 11254002932, Cost: 12,
			Product: map[string]string{"product_name": "EC2"}, Tags: map[string]string{"user_team": "core"}, Effective: "1.5", Dec: 5}}),
		writeArrowParquet(f, memory.NewGoAllocator(), 50, 20),
		writeMapParquet(f, 60, 25, parquet.WithDataPageSize(200)),
	} {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	req := Request{
		Strings: []string{"line_item_line_item_type", TagColumn("Team"), TagColumn("Owner"), "line_item_usage_start_date", "line_item_usage_account_id",
			"bill_billing_entity"},
		Amounts: []string{"line_item_unblended_cost", "pricing_public_on_demand_cost"},
	}
	// A map key read on some rows only: the page path passes the others over.
	req.AskStringWhere("product_product_name", ColumnTest{Column: "bill_billing_entity", Values: []string{"AWS Marketplace"}})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rd, err := Open(Source{Path: path}, req)
		if err == nil {
			for rd.Next() {
			}
			err = rd.Err()
			rd.Close()
		}
		// Read by two consumers at once, the page path fails as Next does, and does not hang.
		if sh, openErr := Open(Source{Path: path}, req); openErr == nil {
			if sr, ok := sh.(SharedReader); ok && sr.Share(2) {
				var wg sync.WaitGroup
				for range 2 {
					wg.Go(func() {
						for b := sr.Take(); b != nil; b = sr.Take() {
							sr.Give(b)
						}
					})
				}
				wg.Wait()
				if fmt.Sprint(sh.Err()) != fmt.Sprint(err) {
					t.Fatalf("shared read: %v; Next: %v", sh.Err(), err)
				}
			}
			sh.Close()
		}
		// Where both the page path and pqarrow read a file through, they read the same: a
		// damaged file is refused or read right, never read two ways.
		if isParquet(path, req) {
			pages, arrow := dumpParquet(t, path, req, true), dumpParquet(t, path, req, false)
			if pages.err == "" && arrow.err == "" && (pages.rows != arrow.rows || !slices.Equal(pages.batches, arrow.batches)) {
				i := 0
				for i < min(len(pages.batches), len(arrow.batches)) && pages.batches[i] == arrow.batches[i] {
					i++
				}
				t.Fatalf("page path: %d rows in %d batches; pqarrow: %d rows in %d batches; batch %d differs:\n pages   %.300q\n pqarrow %.300q",
					pages.rows, len(pages.batches), arrow.rows, len(arrow.batches), i, slices.Concat(pages.batches, []string{""})[i], slices.Concat(arrow.batches, []string{""})[i])
			}
		}
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is %T, not *Error", err, err)
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrBadValue) && !errors.Is(err, ErrUnsupportedFormat) && !errors.Is(err, ErrNoInput) {
			t.Fatalf("error %v has no class", err)
		}
	})
}

// isParquet reports whether path opens as a Parquet file.
func isParquet(path string, req Request) bool {
	rd, err := Open(Source{Path: path}, req)
	if err != nil {
		return false
	}
	defer rd.Close()
	_, ok := rd.(*parquetReader)
	return ok
}

func TestParquetCells(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	build := func(dt arrow.DataType, vals ...any) arrow.Array {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		for _, v := range vals {
			if v == nil {
				b.AppendNull()
				continue
			}
			switch bb := b.(type) {
			case *array.Int32Builder:
				bb.Append(int32(v.(int)))
			case *array.Uint64Builder:
				bb.Append(v.(uint64))
			case *array.Float32Builder:
				bb.Append(float32(v.(float64)))
			case *array.Float64Builder:
				bb.Append(v.(float64))
			case *array.BooleanBuilder:
				bb.Append(v.(bool))
			case *array.TimestampBuilder:
				bb.Append(arrow.Timestamp(v.(int)))
			case *array.Date32Builder:
				bb.Append(arrow.Date32(v.(int)))
			case *array.Date64Builder:
				bb.Append(arrow.Date64(v.(int)))
			case *array.Decimal128Builder:
				bb.Append(v.(decimal128.Num))
			case *array.Decimal256Builder:
				bb.Append(v.(decimal256.Num))
			case *array.BinaryBuilder:
				bb.AppendString(v.(string))
			case *array.BinaryDictionaryBuilder:
				if err := bb.AppendString(v.(string)); err != nil {
					t.Fatal(err)
				}
			default:
				t.Fatalf("no case for %T", b)
			}
		}
		return b.NewArray()
	}
	big38, _ := decimal128.FromString("123456789012345678901234.5", 38, 1)
	tests := []struct {
		name string
		arr  arrow.Array
		pad  bool
		text []string // "<null>" for NULL
		amt  []string // "-" absent, "!" error
	}{
		{"int32 account id", build(arrow.PrimitiveTypes.Int32, 1234, nil, -5), true,
			[]string{"000000001234", "<null>", "-5"}, []string{"1234", "-", "-5"}},
		{"uint64", build(arrow.PrimitiveTypes.Uint64, uint64(7), uint64(math.MaxUint64)), false,
			[]string{"7", "18446744073709551615"}, []string{"7", "!"}},
		{"float32", build(arrow.PrimitiveTypes.Float32, 0.57, 1e-11, math.NaN()), false,
			[]string{"0.57", "1e-11", "NaN"}, []string{"0.57", "0", "!"}},
		{"float64 in a string column", build(arrow.PrimitiveTypes.Float64, 0.1, 1.81e-8, 12.0), false,
			[]string{"0.1", "1.81e-08", "12"}, []string{"0.1", "0.0000000181", "12"}},
		{"bool", build(arrow.FixedWidthTypes.Boolean, true), false, []string{"true"}, []string{"!"}},
		{"timestamp s", build(&arrow.TimestampType{Unit: arrow.Second}, 1698796800), false, []string{"2023-11-01T00:00:00Z"}, []string{"!"}},
		{"timestamp ns with zone", build(&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "+05:00"}, 1698796800_500000000), false,
			[]string{"2023-11-01T00:00:00.5Z"}, []string{"!"}},
		{"date32", build(arrow.FixedWidthTypes.Date32, 19662), false, []string{"2023-11-01T00:00:00Z"}, []string{"!"}},
		{"date64", build(arrow.FixedWidthTypes.Date64, 1698796800000), false, []string{"2023-11-01T00:00:00Z"}, []string{"!"}},
		{"decimal128", build(&arrow.Decimal128Type{Precision: 38, Scale: 12}, decimal128.FromI64(-1234567890123), big38), false,
			[]string{"-1.234567890123", "1234567890123.456789012345"}, []string{"-1.2345678901", "!"}},
		{"decimal128 beyond int64 in range", build(&arrow.Decimal128Type{Precision: 38, Scale: 20}, decimal128.FromBigInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(21), nil))), false,
			[]string{"10.00000000000000000000"}, []string{"10"}},
		{"decimal256", build(&arrow.Decimal256Type{Precision: 40, Scale: 2}, decimal256.FromI64(-150)), false, []string{"-1.50"}, []string{"-1.5"}},
		{"binary", build(arrow.BinaryTypes.Binary, " 2.5 ", "", "x"), false, []string{" 2.5 ", "", "x"}, []string{"2.5", "-", "!"}},
		{"dictionary", build(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, "1.5", nil, "1.5"), false,
			[]string{"1.5", "<null>", "1.5"}, []string{"1.5", "-", "1.5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.arr.Release()
			var texts, amts []string
			var scratch []byte
			for i := 0; i < tc.arr.Len(); i++ {
				b, ok := cellText(nil, tc.arr, i, tc.pad)
				if !ok {
					texts = append(texts, "<null>")
				} else {
					texts = append(texts, string(b))
				}
				a, ok, _, err := cellAmount(tc.arr, i, &scratch)
				switch {
				case err != nil:
					amts = append(amts, "!")
				case !ok:
					amts = append(amts, "-")
				default:
					amts = append(amts, a.String())
				}
			}
			eqStrings(t, "text", texts, tc.text)
			eqStrings(t, "amount", amts, tc.amt)
		})
	}
}
