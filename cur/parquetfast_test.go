package cur

import (
	"bytes"
	"fmt"
	"maps"
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
)

// readDump is everything a reader delivered, batch by batch, in a form two readers can be
// compared in.
type readDump struct {
	paged   bool // the page path read it
	batches []string
	rows    int64
	rounded int64
	err     string
}

// dumpParquet reads path with req, through the page path when pages is set.
func dumpParquet(t testing.TB, path string, req Request, pages bool) readDump {
	t.Helper()
	req.noPagePath = !pages
	var d readDump
	rd, err := Open(Source{Path: path}, req)
	if err != nil {
		d.err = err.Error()
		return d
	}
	defer rd.Close()
	pr := rd.(*parquetReader)
	d.paged = pr.pages != nil
	for rd.Next() {
		d.batches = append(d.batches, renderBatch(t, rd.Batch(), &req))
	}
	if err := rd.Err(); err != nil {
		d.err = err.Error()
	}
	d.rows, d.rounded = rd.Rows(), pr.Rounded()
	return d
}

// renderBatch renders a batch of req as text: rows as text, amounts as units, absent cells
// as "-", and the cells of a column req.Where limits on rows outside it, which a reader may
// leave empty, as "~". It reports malformed columns with t.Errorf, so goroutines may call it.
func renderBatch(t testing.TB, b *Batch, req *Request) string {
	var sb []byte
	sb = fmt.Appendf(sb[:0], "len %d first %d\n", b.Len, b.FirstRow)
	for i := range b.Strings {
		c := &b.Strings[i]
		if c.Dict[0] != "" || len(c.Codes) != b.Len {
			t.Errorf("string column %d: Dict[0] %q, %d codes for %d rows", i, c.Dict[0], len(c.Codes), b.Len)
		}
		sb = fmt.Appendf(sb, "s%d %v:", i, c.Present)
		w, limited := req.Where[StringCol(i)]
		var tested *StringColumn
		if limited {
			tested = &b.Strings[slices.Index(req.Strings, w.Column)]
		}
		for j := 0; j < b.Len; j++ {
			if limited && !slices.Contains(w.Values, tested.Value(j)) {
				sb = append(sb, " ~"...)
				continue
			}
			sb = strconv.AppendQuote(append(sb, ' '), c.Value(j))
		}
		sb = append(sb, '\n')
	}
	for i := range b.Amounts {
		c := &b.Amounts[i]
		if len(c.Values) != b.Len || len(c.Valid) != b.Len {
			t.Errorf("amount column %d: %d values for %d rows", i, len(c.Values), b.Len)
		}
		sb = fmt.Appendf(sb, "a%d %v:", i, c.Present)
		for j := 0; j < b.Len; j++ {
			if !c.Valid[j] {
				if c.Values[j] != 0 {
					t.Errorf("amount column %d row %d: absent cell holds %v", i, j, c.Values[j])
				}
				sb = append(sb, " -"...)
				continue
			}
			sb = strconv.AppendInt(append(sb, ' '), int64(c.Values[j]), 10)
		}
		sb = append(sb, '\n')
	}
	return string(sb)
}

// dumpShared reads path through the page path shared by n goroutines; the batches come
// back in file order.
func dumpShared(t testing.TB, path string, req Request, n int) readDump {
	t.Helper()
	d := readDump{paged: true}
	rd, err := Open(Source{Path: path}, req)
	if err != nil {
		d.err = err.Error()
		return d
	}
	defer rd.Close()
	sr := rd.(SharedReader)
	if !sr.Share(n) {
		t.Fatal("the page path did not share")
	}
	var mu sync.Mutex
	byFirst := map[int64]string{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for b := sr.Take(); b != nil; b = sr.Take() {
				text := renderBatch(t, b, &req)
				mu.Lock()
				byFirst[b.FirstRow] = text
				mu.Unlock()
				sr.Give(b)
			}
		})
	}
	wg.Wait()
	for _, first := range slices.Sorted(maps.Keys(byFirst)) {
		d.batches = append(d.batches, byFirst[first])
	}
	if err := rd.Err(); err != nil {
		d.err = err.Error()
	}
	d.rows, d.rounded = rd.Rows(), rd.Rounded()
	return d
}

// samePaths checks that the page path reads path exactly as the pqarrow path does, and
// returns what it read.
func samePaths(t *testing.T, path string, req Request) readDump {
	t.Helper()
	want := dumpParquet(t, path, req, false)
	got := dumpParquet(t, path, req, true)
	if want.paged {
		t.Fatal("pqarrow read took the page path")
	}
	if got.err != want.err {
		t.Errorf("error:\n pages  %s\n pqarrow %s", got.err, want.err)
	}
	if want.err != "" {
		got.rounded, want.rounded = 0, 0 // cells counted before a failure do not matter
	}
	if got.rows != want.rows || got.rounded != want.rounded || len(got.batches) != len(want.batches) {
		t.Errorf("pages: %d rows, %d rounded, %d batches; pqarrow: %d, %d, %d",
			got.rows, got.rounded, len(got.batches), want.rows, want.rounded, len(want.batches))
	}
	if got.paged {
		for _, n := range []int{2, 5} {
			sh := dumpShared(t, path, req, n)
			if sh.err != got.err {
				t.Errorf("shared by %d: error %q, read by Next %q", n, sh.err, got.err)
			}
			if got.err == "" && (sh.rows != got.rows || sh.rounded != got.rounded) {
				t.Errorf("shared by %d: %d rows, %d rounded; read by Next %d, %d", n, sh.rows, sh.rounded, got.rows, got.rounded)
			}
			// After a failure the batches delivered depend on timing; before it, none is lost.
			if got.err == "" && !slices.Equal(sh.batches, got.batches) {
				t.Errorf("shared by %d: %d batches differ from the %d read by Next", n, len(sh.batches), len(got.batches))
			}
		}
	}
	for i := range min(len(got.batches), len(want.batches)) {
		if got.batches[i] != want.batches[i] {
			g, w := strings.Split(got.batches[i], "\n"), strings.Split(want.batches[i], "\n")
			for j := range min(len(g), len(w)) {
				if g[j] != w[j] {
					t.Errorf("batch %d line %d:\n pages   %.300s\n pqarrow %.300s", i, j, g[j], w[j])
					break
				}
			}
			break
		}
	}
	return got
}

// allColumns requests every flat column of a Parquet file as text, and as money those whose
// values are numbers or cost-like text.
func allColumns(t *testing.T, path string) Request {
	t.Helper()
	rd, err := Open(Source{Path: path}, Request{})
	if err != nil {
		t.Skip(err) // the empty placeholders of the discovery tests
	}
	defer rd.Close()
	pr := rd.(*parquetReader)
	var req Request
	for i, f := range pr.fr.Manifest.Fields {
		name := pr.schema.Columns[i]
		if IsMapColumn(name) || len(f.Children) > 0 {
			continue
		}
		req.Strings = append(req.Strings, name)
		dt := f.Field.Type
		if d, ok := dt.(*arrow.DictionaryType); ok {
			dt = d.ValueType
		}
		switch {
		case strings.HasSuffix(name, "_account_id"):
		case arrow.IsInteger(dt.ID()), arrow.IsFloating(dt.ID()), arrow.IsDecimal(dt.ID()),
			strings.HasSuffix(name, "_cost"), strings.HasSuffix(name, "_text"):
			req.Amounts = append(req.Amounts, name)
		}
	}
	return req
}

// typesRow is one row of the fixture that holds every type the page path reads.
func writeTypesParquet(t testing.TB, nrows int, props []parquet.WriterProperty, storeSchema bool) string {
	t.Helper()
	mem := memory.NewGoAllocator()
	tsType := func(u arrow.TimeUnit, tz string) arrow.DataType { return &arrow.TimestampType{Unit: u, TimeZone: tz} }
	fields := []arrow.Field{
		{Name: "line_item_line_item_type", Type: arrow.BinaryTypes.String},
		{Name: "s_opt", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "s_unique", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "s_spaces", Type: arrow.BinaryTypes.String},
		{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "fsb", Type: &arrow.FixedSizeBinaryType{ByteWidth: 3}, Nullable: true},
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "i16", Type: arrow.PrimitiveTypes.Int16},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
		{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
		{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
		{Name: "u64_text", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "line_item_usage_account_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "bill_payer_account_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "line_item_unblended_cost", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "required_cost", Type: arrow.PrimitiveTypes.Float64},
		{Name: "dec9", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}, Nullable: true},
		{Name: "dec18", Type: &arrow.Decimal128Type{Precision: 18, Scale: 12}, Nullable: true},
		{Name: "dec38", Type: &arrow.Decimal128Type{Precision: 38, Scale: 20}, Nullable: true},
		{Name: "dec40", Type: &arrow.Decimal256Type{Precision: 40, Scale: 14}, Nullable: true},
		{Name: "date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts_s", Type: tsType(arrow.Second, ""), Nullable: true},
		{Name: "ts_ms", Type: tsType(arrow.Millisecond, "UTC")},
		{Name: "ts_us", Type: tsType(arrow.Microsecond, "America/New_York"), Nullable: true},
		{Name: "ts_ns", Type: tsType(arrow.Nanosecond, ""), Nullable: true},
		{Name: "cost_text", Type: arrow.BinaryTypes.String, Nullable: true},
	}
	sc := arrow.NewSchema(fields, nil)
	var buf bytes.Buffer
	aprops := []pqarrow.WriterOption{pqarrow.WithAllocator(mem)}
	if storeSchema {
		aprops = append(aprops, pqarrow.WithStoreSchema())
	}
	fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(append([]parquet.WriterProperty{parquet.WithAllocator(mem)}, props...)...),
		pqarrow.NewArrowWriterProperties(aprops...))
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	null := func(i, every int) bool { return every > 0 && i%every == every-1 }
	types := []string{"Usage", "Tax", "DiscountedUsage", "SavingsPlanCoveredUsage", "Fee"}
	spaces := []string{"", "  padded  ", "\u00a0nbsp\u00a0", "x", " ", "x "}
	costs := []string{"1.5", "", " 2 ", "1.81E-8", "0.000000000051", "-7.0E-10", "12"}
	floats := []float64{0.57, 1e-11, -0.12345678901, 0, math.Copysign(0, -1), 262143.9999999999, 123456.789, 6e7}
	for i := 0; i < nrows; i++ {
		b.Field(0).(*array.StringBuilder).Append(types[i%len(types)])
		if null(i, 3) {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append("opt" + strconv.Itoa(i%4))
		}
		if null(i, 10) {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.LargeStringBuilder).Append(" u" + strconv.Itoa(i*7919%100003))
		}
		b.Field(3).(*array.StringBuilder).Append(spaces[i%len(spaces)])
		if null(i, 4) {
			b.Field(4).AppendNull()
		} else {
			b.Field(4).(*array.BinaryBuilder).Append([]byte("b" + strconv.Itoa(i%6)))
		}
		if null(i, 5) {
			b.Field(5).AppendNull()
		} else {
			b.Field(5).(*array.FixedSizeBinaryBuilder).Append([]byte{'a' + byte(i%3), ' ', 'z'})
		}
		appendOr := func(f int, every int, add func()) {
			if null(i, every) {
				b.Field(f).AppendNull()
				return
			}
			add()
		}
		appendOr(6, 7, func() { b.Field(6).(*array.Int8Builder).Append(int8(i%256 - 128)) })
		b.Field(7).(*array.Int16Builder).Append(int16(i * 31))
		appendOr(8, 6, func() { b.Field(8).(*array.Int32Builder).Append(int32(i*7919) - 1e8) })
		appendOr(9, 9, func() { b.Field(9).(*array.Int64Builder).Append(int64(i%50) * 1e7) })
		appendOr(10, 2, func() { b.Field(10).(*array.Uint8Builder).Append(uint8(i)) })
		appendOr(11, 3, func() { b.Field(11).(*array.Uint16Builder).Append(uint16(i * 13)) })
		appendOr(12, 4, func() { b.Field(12).(*array.Uint32Builder).Append(uint32(i) * 30000) })
		appendOr(13, 5, func() { b.Field(13).(*array.Uint64Builder).Append(uint64(i % 3)) })
		appendOr(14, 8, func() { b.Field(14).(*array.Int64Builder).Append(int64(i%7) * 11254002932) })
		b.Field(15).(*array.Int32Builder).Append(int32(i % 3 * 12345))
		appendOr(16, 6, func() { b.Field(16).(*array.Float32Builder).Append(float32(floats[i%len(floats)])) })
		appendOr(17, 7, func() { b.Field(17).(*array.Float64Builder).Append(floats[i%len(floats)] * float64(i%13)) })
		b.Field(18).(*array.Float64Builder).Append(float64(i%1000) * 0.01)
		appendOr(19, 5, func() { b.Field(19).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(i*37%100000) - 50000)) })
		appendOr(20, 6, func() { b.Field(20).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(i) * 123456789)) })
		appendOr(21, 7, func() {
			v := decimal128.FromI64(int64(i)*98765432109 - 3e14)
			if i%11 == 0 {
				v = decimal128.FromBigInt(new(big.Int).Mul(big.NewInt(int64(i+1)), big.NewInt(1e17))) // beyond int64
			}
			b.Field(21).(*array.Decimal128Builder).Append(v)
		})
		appendOr(22, 8, func() { b.Field(22).(*array.Decimal256Builder).Append(decimal256.FromI64(int64(i)*7 - 100)) })
		appendOr(23, 9, func() { b.Field(23).(*array.Date32Builder).Append(arrow.Date32(19662 + i%40)) })
		appendOr(24, 4, func() { b.Field(24).(*array.TimestampBuilder).Append(arrow.Timestamp(1698796800 + int64(i%100)*3600)) })
		b.Field(25).(*array.TimestampBuilder).Append(arrow.Timestamp(1698796800000 + int64(i/50)*3_600_000 + int64(i%3)*250))
		appendOr(26, 5, func() {
			b.Field(26).(*array.TimestampBuilder).Append(arrow.Timestamp(1698796800000000 + int64(i)*1_000_001))
		})
		appendOr(27, 6, func() {
			b.Field(27).(*array.TimestampBuilder).Append(arrow.Timestamp(1698796800_000000000 + int64(i)*500_000_001))
		})
		appendOr(28, 8, func() { b.Field(28).(*array.StringBuilder).Append(costs[i%len(costs)]) })
	}
	path := writeParquetFile(t, fw, &buf, b, "types.parquet")
	return path
}

func TestPagePathTypes(t *testing.T) {
	const nrows = 23000
	tests := []struct {
		name   string
		props  []parquet.WriterProperty
		schema bool
	}{
		{"dictionary v1 snappy", []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy)}, false},
		{"plain v1 uncompressed", []parquet.WriterProperty{parquet.WithDictionaryDefault(false)}, false},
		{"v2 zstd small pages", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2), parquet.WithCompression(compress.Codecs.Zstd),
			parquet.WithDataPageSize(2048), parquet.WithMaxRowGroupLength(10000)}, false},
		{"v2 plain gzip", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2), parquet.WithDictionaryDefault(false),
			parquet.WithCompression(compress.Codecs.Gzip), parquet.WithMaxRowGroupLength(7000)}, false},
		{"dictionary falls back to plain", []parquet.WriterProperty{parquet.WithDictionaryPageSizeLimit(1024), parquet.WithDataPageSize(4096),
			parquet.WithMaxRowGroupLength(9000)}, false},
		{"decimals as integers, arrow schema stored", []parquet.WriterProperty{parquet.WithStoreDecimalAsInteger(true), parquet.WithMaxRowGroupLength(12000)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedParquet(t)
			path := writeTypesParquet(t, nrows, tc.props, tc.schema)
			req := withAlloc(allColumns(t, path), mem)
			if len(req.Strings) != 29 || len(req.Amounts) != 16 {
				t.Fatalf("request of %d strings, %d amounts: %v", len(req.Strings), len(req.Amounts), req.Amounts)
			}
			// The same column twice, one no file has, and names left out.
			req.Strings = append(req.Strings, "s_opt", "no_such_column", "", "line_item_line_item_type")
			req.Amounts = append(req.Amounts, "line_item_unblended_cost", "no_such_amount", "")
			d := samePaths(t, path, req)
			if !d.paged || d.err != "" || d.rows != nrows || d.rounded == 0 {
				t.Errorf("page path %v, error %q, %d rows, %d rounded", d.paged, d.err, d.rows, d.rounded)
			}
		})
	}
}

func TestPagePathBadValues(t *testing.T) {
	tests := []struct {
		name string
		set  func(b *array.RecordBuilder, i int)
		typ  arrow.DataType
	}{
		{"nan in a later batch", func(b *array.RecordBuilder, i int) {
			v := 0.5
			if i == 9000 {
				v = math.NaN()
			}
			b.Field(1).(*array.Float64Builder).Append(v)
		}, arrow.PrimitiveTypes.Float64},
		{"out of range", func(b *array.RecordBuilder, i int) { b.Field(1).(*array.Float64Builder).Append(float64(i) * 1e6) }, arrow.PrimitiveTypes.Float64},
		{"uint64 past int64", func(b *array.RecordBuilder, i int) { b.Field(1).(*array.Uint64Builder).Append(uint64(i) << 50) }, arrow.PrimitiveTypes.Uint64},
		{"text", func(b *array.RecordBuilder, i int) {
			b.Field(1).(*array.StringBuilder).Append([]string{"1", "2.5", "", "1,5"}[min(i, 3)])
		}, arrow.BinaryTypes.String},
		{"float32 infinity", func(b *array.RecordBuilder, i int) {
			b.Field(1).(*array.Float32Builder).Append([]float32{1, float32(math.Inf(1))}[i%2])
		}, arrow.PrimitiveTypes.Float32},
	}
	for _, tc := range tests {
		for _, dict := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/dict=%v", tc.name, dict), func(t *testing.T) {
				mem := checkedParquet(t)
				sc := arrow.NewSchema([]arrow.Field{
					{Name: "line_item_line_item_type", Type: arrow.BinaryTypes.String},
					{Name: "line_item_unblended_cost", Type: tc.typ, Nullable: true},
				}, nil)
				var buf bytes.Buffer
				fw, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(parquet.WithDictionaryDefault(dict), parquet.WithMaxRowGroupLength(5000)),
					pqarrow.DefaultWriterProps())
				if err != nil {
					t.Fatal(err)
				}
				b := array.NewRecordBuilder(mem, sc)
				defer b.Release()
				for i := 0; i < 12000; i++ {
					b.Field(0).(*array.StringBuilder).Append("Usage")
					tc.set(b, i)
				}
				path := writeParquetFile(t, fw, &buf, b, "bad.parquet")
				req := Request{alloc: mem, Strings: []string{"line_item_line_item_type"}, Amounts: []string{"line_item_unblended_cost"}}
				if d := samePaths(t, path, req); !d.paged || !strings.Contains(d.err, ": row ") {
					t.Errorf("page path %v, error %q", d.paged, d.err)
				}
			})
		}
	}
}

// TestPagePathFixtures compares the two paths on every Parquet file the other tests use.
func TestPagePathFixtures(t *testing.T) {
	start := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	files := map[string]func(t *testing.T) string{
		"xitongsys legacy": func(t *testing.T) string {
			return writeXParquet(t, []legacyRow{
				{Type: "Usage", Account: ptr("011254002932"), Cost: ptr(0.57), Public: ptr(1.0), Team: ptr("core"), Start: ptr(start), Product: ptr("Amazon EC2"), UsageAmt: ptr(2.5)},
				{Type: "Tax", Account: ptr("011254002932"), Cost: ptr(1.81e-8), Start: ptr(start + 3_600_000 + 250)},
				{Type: "Credit", Cost: ptr(-0.12345678901), Team: ptr("  web ")},
				{Type: "", Account: ptr("011254002932"), Cost: ptr(0.0)},
			})
		},
		"xitongsys cur2": func(t *testing.T) string {
			day := int32(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
			return writeXParquet(t, []cur2Row{
				{Payer: "Acme", Type: "Usage", Account: 11254002932, Cost: 12, Code: "AmazonEC2", Effective: "", Start: day, Payer2: 123456789, Units: 42, Dec: 12345},
				{Payer: "Acme", Type: "SavingsPlanCoveredUsage", Account: 123456789012, Cost: -3, Code: "AmazonS3", Effective: "0.123456789012", Start: day, Dec: -5},
				{Payer: "Acme", Type: "Tax", Effective: "1.81E-8", Start: day},
			})
		},
		"xitongsys nan": func(t *testing.T) string { return writeXParquet(t, []nanRow{{"Usage", 1}, {"Usage", math.NaN()}}) },
		"arrow writer":  func(t *testing.T) string { return writeArrowParquet(t, memory.NewGoAllocator(), 20000, 9000) },
	}
	for _, dir := range []string{filepath.Join("..", "testdata"), filepath.Join("..", "..", "shared", "samples")} {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".parquet") {
				files[path] = func(*testing.T) string { return path }
			}
			return nil
		})
	}
	for name, file := range files {
		t.Run(name, func(t *testing.T) {
			path := file(t)
			req := allColumns(t, path)
			req.Strings = append(req.Strings, TagColumn("Team"))
			samePaths(t, path, req)
			// The flat columns a rollup reads.
			flat := Request{Strings: []string{ColLineItemType, ColRIARN, ColSPARN, ColProductCode, ColDescription, ColOperation,
				ColCurrency, ColInvoiceID, ColPeriodStart, ColUsageStart, ColAccount}, Amounts: []string{ColUnblended, "line_item_blended_cost",
				"line_item_net_unblended_cost", ColRIEffective, ColSPEffective, "savings_plan_total_commitment_to_date", ColPublicOD, ColTotalDiscount}}
			samePaths(t, path, flat)
		})
	}
}

// TestPagePathCloseEarly: closing a reader while its pages are decoded ahead stops the
// decoding and frees every buffer, whether or not reading began.
func TestPagePathCloseEarly(t *testing.T) {
	for _, batches := range []int{0, 1, 2} {
		t.Run(strconv.Itoa(batches), func(t *testing.T) {
			mem := checkedParquet(t)
			path := writeArrowParquet(t, mem, 60000, 30000)
			rd, err := Open(Source{Path: path}, Request{alloc: mem, Strings: []string{"line_item_line_item_type", "line_item_resource_id"},
				Amounts: []string{"line_item_unblended_cost"}})
			if err != nil {
				t.Fatal(err)
			}
			if rd.(*parquetReader).pages == nil {
				t.Fatal("the page path did not take the file")
			}
			for i := 0; i < batches; i++ {
				if !rd.Next() {
					t.Fatal(rd.Err())
				}
			}
			if err := rd.Close(); err != nil {
				t.Fatal(err)
			}
			if rd.Next() {
				t.Error("Next after Close")
			}
		})
	}
}
