package cur

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Fuzz targets of the readers: the CSV scanner on its own (against encoding/csv), and Open on
// any bytes, whatever container they claim to be.

var fuzzCSVSeeds = []string{
	"lineItem/LineItemType,lineItem/UsageAccountId,lineItem/UnblendedCost\nUsage,011254002932,1.5\nTax,,\"2\"\n",
	"line_item_line_item_type,line_item_unblended_cost,product,bill_payer_account_name\r\nUsage,0.57,\"{\"\"product_name\"\":\"\"EC2\"\"}\",Acme\r\n",
	"\xEF\xBB\xBFlineItem/LineItemType,lineItem/UnblendedCost\nUsage,\"1\n2\",x\n\n\nTax,1e400\n",
	"lineItem/LineItemType,lineItem/LineItemType,lineItem/UnblendedCost\n,Usage,NaN\nTax\n\"Cr\"\"edit\",,-0.0000000000500\n",
	"lineItem/LineItemType,lineItem/UnblendedCost,resourceTags/user:Team\nUsage,\"12,3\",core\nUsage,--1,\x00\nUsage,1,\xff\xfe\n",
	"lineItem/LineItemType,lineItem/UnblendedCost\nUsage,\"1\"junk,2\nUsage,\"unterminated\n",
}

// fuzzRequest asks for flat, map-key and amount columns, as a rollup does.
func fuzzRequest(skip bool) Request {
	return Request{
		Strings:     []string{ColLineItemType, "line_item_usage_account_id", "product_product_name", TagColumn("Team")},
		Amounts:     []string{ColUnblended, "pricing_public_on_demand_cost"},
		SkipBadRows: skip,
	}
}

// readCheck reads r to its end, or to its first maxBatches batches (whole is then false),
// checking every batch's shape, and returns the delivered rows, the skipped rows and the error.
// The bound keeps fuzzing fast: a Parquet footer may claim 2^60 rows, which a reader asked
// for no column counts out batch by batch.
func readCheck(t *testing.T, r Reader, maxBatches int) (rows, skipped int64, whole bool, err error) {
	t.Helper()
	defer r.Close()
	for n := 0; r.Next(); n++ {
		if n == maxBatches {
			return 0, 0, false, nil
		}
		b := r.Batch()
		if b.Len <= 0 || b.Len > BatchRows {
			t.Fatalf("batch of %d rows", b.Len)
		}
		for i := range b.Strings {
			c := &b.Strings[i]
			if len(c.Codes) != b.Len || len(c.Dict) == 0 || c.Dict[0] != "" {
				t.Fatalf("string column %d: %d codes, dict %q, batch of %d", i, len(c.Codes), c.Dict, b.Len)
			}
			for _, k := range c.Codes {
				if int(k) >= len(c.Dict) {
					t.Fatalf("code %d past a dictionary of %d", k, len(c.Dict))
				}
			}
		}
		for i := range b.Amounts {
			c := &b.Amounts[i]
			if len(c.Values) != b.Len || len(c.Valid) != b.Len {
				t.Fatalf("amount column %d: %d values, %d valid, batch of %d", i, len(c.Values), len(c.Valid), b.Len)
			}
		}
	}
	for _, s := range r.Skipped() {
		skipped += s.Rows
	}
	return r.Rows(), skipped, true, r.Err()
}

// checkErr holds a reader error to the package contract: an *Error naming the file, wrapping
// one of the classes main maps to exit codes.
func checkErr(t *testing.T, err error, file string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is %T, not *Error", err, err)
	}
	if !strings.HasPrefix(e.File, file) {
		t.Fatalf("error %v names %q, not %q", err, e.File, file)
	}
	for _, class := range []error{ErrCorrupt, ErrBadValue, ErrUnsupportedFormat, ErrNoInput} {
		if errors.Is(err, class) {
			return
		}
	}
	t.Fatalf("error %v has no class", err)
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

func FuzzCSV(f *testing.F) {
	for _, s := range fuzzCSVSeeds {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(3))
	}
	sizes := []int{1 << 20, 1, 2, 7, 16, 64, 4096}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		open := func(req Request) (Reader, error) {
			req.csvBufferSize = sizes[int(size)%len(sizes)]
			return newCSVReader("fuzz.csv", "none", bytes.NewReader(data), nopCloser{}, nil, req)
		}

		// Rows read = rows delivered + rows skipped, whatever the request converts.
		var total [2]int64
		for k, req := range []Request{fuzzRequest(true), {SkipBadRows: true}} {
			r, err := open(req)
			if err != nil {
				checkErr(t, err, "fuzz.csv")
				return
			}
			rows, skipped, _, err := readCheck(t, r, math.MaxInt)
			if err != nil {
				checkErr(t, err, "fuzz.csv")
				return
			}
			total[k] = rows + skipped
		}
		if total[0] != total[1] {
			t.Fatalf("rows + skipped: %d reading columns, %d reading none", total[0], total[1])
		}

		// Against encoding/csv: where it reads the text strictly, the scanner finds the same
		// records and fields.
		records, line, ok := stdCSV(data)
		if !ok || len(records) == 0 {
			return
		}
		header := records[0]
		header[0] = strings.TrimPrefix(header[0], "\xEF\xBB\xBF")
		names := make([]string, len(header))
		for i, h := range header {
			names[i] = Snake(strings.TrimSpace(h))
		}
		req := Request{Strings: []string{ColLineItemType, "line_item_usage_account_id"}}
		r, err := open(req)
		if err != nil {
			return // not a CUR header: the first read already checked the error
		}
		var got []string
		for r.Next() {
			b := r.Batch()
			for i := 0; i < b.Len; i++ {
				got = append(got, crlf.Replace(b.Strings[0].Value(i)+"|"+b.Strings[1].Value(i)))
			}
		}
		err = r.Err()
		var want []string
		for n, rec := range records[1:] {
			if len(rec) < len(header) {
				var e *Error
				if !errors.As(err, &e) || !errors.Is(err, ErrBadValue) || e.Line != line[n+1] {
					t.Fatalf("record %d (line %d) has %d fields of %d: error %v", n+2, line[n+1], len(rec), len(header), err)
				}
				return
			}
			want = append(want, firstValue(names, rec, ColLineItemType)+"|"+firstValue(names, rec, "line_item_usage_account_id"))
		}
		if err != nil {
			t.Fatalf("encoding/csv reads %d records, the scanner fails: %v", len(records), err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("scanner and encoding/csv disagree:\n got %q\nwant %q", got, want)
		}
	})
}

// stdCSV reads data strictly with encoding/csv and returns its records with the line each
// starts on; ok is false when encoding/csv refuses the text.
func stdCSV(data []byte) (records [][]string, lines []int64, ok bool) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return records, lines, true
		}
		if err != nil {
			return nil, nil, false
		}
		l, _ := cr.FieldPos(0)
		records, lines = append(records, rec), append(lines, int64(l))
	}
}

// firstValue is the rule for names that several columns answer: the first non-empty cell.
func firstValue(names, rec []string, name string) string {
	for i, n := range names {
		if n == name {
			if v := strings.TrimSpace(rec[i]); v != "" {
				return v
			}
		}
	}
	return ""
}

// crlf undoes the one change encoding/csv makes to field text: \r\n inside a quoted field
// becomes \n, where the scanner keeps the bytes.
var crlf = strings.NewReplacer("\r\n", "\n")

func FuzzOpen(f *testing.F) {
	for _, s := range fuzzCSVSeeds[:3] {
		f.Add([]byte(s), false)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(s))
		zw.Close()
		f.Add(gz.Bytes(), true)
		var zb bytes.Buffer
		w := zip.NewWriter(&zb)
		fw, _ := w.Create("bill.csv")
		fw.Write([]byte(s))
		w.Close()
		f.Add(zb.Bytes(), false)
	}
	f.Add(append([]byte("PAR1"), bytes.Repeat([]byte{0}, 64)...), true)
	if data, err := os.ReadFile(writeXParquet(f, []nanRow{{"Usage", 0.57}, {"Tax", 1}})); err == nil {
		f.Add(data, true)
	}
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, false)
	f.Add([]byte("PK\x03\x04garbage"), false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		path := filepath.Join(dir, "fuzz.bin")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var total [2]int64
		for k, req := range []Request{fuzzRequest(skip), {SkipBadRows: skip}} {
			req.alloc = mem
			r, err := Open(Source{Path: path}, req)
			if err != nil {
				checkErr(t, err, path)
				return
			}
			rows, skipped, whole, err := readCheck(t, r, 64)
			if !whole {
				return
			}
			if err != nil {
				checkErr(t, err, path)
				return
			}
			if !skip && skipped != 0 {
				t.Fatalf("%d rows skipped without SkipBadRows", skipped)
			}
			total[k] = rows + skipped
		}
		if total[0] != total[1] {
			t.Fatalf("rows + skipped: %d reading columns, %d reading none", total[0], total[1])
		}
		if n := mem.CurrentAlloc(); n != 0 {
			t.Fatalf("%d bytes of Arrow memory left allocated", n)
		}
	})
}
