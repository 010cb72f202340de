package cur

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readAll reads a CSV text with the given buffer size and returns, per row, the requested
// string columns joined by "|", plus the CSV line each batch row started on.
func readAll(t *testing.T, text string, bufSize int, req Request) ([]string, error) {
	t.Helper()
	req.csvBufferSize = bufSize
	path := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, _, err := readRows(path, req)
	return rows, err
}

// readRows reads the file at path and returns, per row, its requested columns joined by "|"
// (an amount not set reads "-"), and the rows the reader counted.
func readRows(path string, req Request) ([]string, int64, error) {
	r, err := Open(Source{Path: path}, req)
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	var rows []string
	for r.Next() {
		b := r.Batch()
		for i := 0; i < b.Len; i++ {
			var parts []string
			for c := range b.Strings {
				parts = append(parts, b.Strings[c].Value(i))
			}
			for c := range b.Amounts {
				if b.Amounts[c].IsSet(i) {
					parts = append(parts, b.Amounts[c].Values[i].String())
				} else {
					parts = append(parts, "-")
				}
			}
			rows = append(rows, strings.Join(parts, "|"))
		}
	}
	return rows, r.Rows(), r.Err()
}

func TestCSVScanner(t *testing.T) {
	req := Request{Strings: []string{ColLineItemType, "line_item_line_item_description"}, Amounts: []string{ColUnblended}}
	const h = "lineItem/LineItemType,lineItem/LineItemDescription,lineItem/UnblendedCost"
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"plain", h + "\nUsage,a,1\nTax,b,2\n", []string{"Usage|a|1", "Tax|b|2"}},
		{"no final newline", h + "\nUsage,a,1\nTax,b,2", []string{"Usage|a|1", "Tax|b|2"}},
		{"CRLF", strings.ReplaceAll(h+"\nUsage,a,1\nTax,b,2\n", "\n", "\r\n"), []string{"Usage|a|1", "Tax|b|2"}},
		{"BOM", "\xEF\xBB\xBF" + h + "\nUsage,a,1\n", []string{"Usage|a|1"}},
		{"quoted BOM header", "\xEF\xBB\xBF\"lineItem/LineItemType\",\"lineItem/LineItemDescription\",lineItem/UnblendedCost\nUsage,a,1\n", []string{"Usage|a|1"}},
		{"quoted fields", h + "\n\"Usage\",\"a, b\",\"1.5\"\n", []string{"Usage|a, b|1.5"}},
		{"escaped quotes", h + "\nUsage,\"say \"\"hi\"\"\",1\n", []string{"Usage|say \"hi\"|1"}},
		{"newline in quotes", h + "\nUsage,\"two\nlines\",1\nTax,c,2\n", []string{"Usage|two\nlines|1", "Tax|c|2"}},
		{"blank lines", h + "\n\nUsage,a,1\n\r\n\nTax,b,2\n\n", []string{"Usage|a|1", "Tax|b|2"}},
		{"empty cells", h + "\n,,\nUsage,,\n", []string{"||-", "Usage||-"}},
		{"wider rows", h + "\nUsage,a,1,extra,more\n", []string{"Usage|a|1"}},
		{"header with spaces", "lineItem/LineItemType ,lineItem/LineItemDescription, lineItem/UnblendedCost \nUsage,a,1\n", []string{"Usage|a|1"}},
		{"scientific notation", h + "\nUsage,a,1.81E-8\nTax,b,-7.0E-10\n", []string{"Usage|a|0.0000000181", "Tax|b|-0.0000000007"}},
		{"trailing quote text", h + "\nUsage,\"a\"junk,1\n", []string{"Usage|a|1"}},
		{"duplicate header first non-empty wins", "lineItem/LineItemType,lineItem/LineItemDescription,lineItem/UnblendedCost,lineItem/UnblendedCost\nUsage,a,,3\nTax,b,2,9\n", []string{"Usage|a|3", "Tax|b|2"}},
	}
	for _, tt := range tests {
		for _, size := range []int{1 << 20, 64, 16, 7, 1} {
			got, err := readAll(t, tt.text, size, req)
			if err != nil {
				t.Errorf("%s (buffer %d): %v", tt.name, size, err)
				continue
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("%s (buffer %d):\ngot  %q\nwant %q", tt.name, size, got, tt.want)
			}
		}
	}
}

func TestCSVErrorsNameThePlace(t *testing.T) {
	req := Request{Strings: []string{ColLineItemType}, Amounts: []string{ColUnblended}}
	const h = "lineItem/LineItemType,lineItem/UnblendedCost"
	tests := []struct {
		name, text string
		class      error
		msg        string
	}{
		{"bad number", h + "\nUsage,1\nUsage,12;3\n", ErrBadValue, `:3: column lineItem/UnblendedCost: invalid number "12;3"`},
		{"bad number after quoted newline", h + "\n\"Us\nage\",1\nUsage,x\n", ErrBadValue, `:4: column lineItem/UnblendedCost: invalid number "x"`},
		{"narrow row", h + "\nUsage\n", ErrBadValue, ":2: row has 1 fields, the header has 2"},
		{"unterminated quote", h + "\nUsage,\"1\n", ErrCorrupt, "file ends inside a quoted field"},
		{"out of range", h + "\nUsage,1e400\n", ErrBadValue, "number out of range"},
		{"empty", "", ErrNoInput, "empty file"},
		{"not a CUR", "a,b\n1,2\n", ErrUnsupportedFormat, "not a CUR file"},
	}
	for _, tt := range tests {
		for _, size := range []int{1 << 20, 5} {
			_, err := readAll(t, tt.text, size, req)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.class) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s (buffer %d): error %v, want %v containing %q", tt.name, size, err, tt.class, tt.msg)
			}
		}
	}
}

// TestCSVCountsOnlyWhatItNeeds: past the last needed column a row is counted, not split, yet a
// narrow row is still caught.
func TestCSVCountsOnlyWhatItNeeds(t *testing.T) {
	req := Request{Strings: []string{ColLineItemType}}
	text := "lineItem/LineItemType,a,b,c\nUsage,1,2,3\nTax,1,\"2,x\",3\nUsage,1,2\n"
	_, err := readAll(t, text, 1<<20, req)
	if err == nil || !strings.Contains(err.Error(), ":4: row has 3 fields, the header has 4") {
		t.Errorf("error = %v", err)
	}
}

func TestReadAheadPassesErrors(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(bytes.NewReader(bytes.Repeat([]byte("x"), 3*readAheadBlock+10)), &failing{boom})
	ra := newReadAhead(src)
	defer ra.Close()
	n, err := io.Copy(io.Discard, ra)
	if n != 3*readAheadBlock+10 || !errors.Is(err, boom) {
		t.Fatalf("copied %d, err %v", n, err)
	}
	// Closing early must not leave the producer blocked.
	ra2 := newReadAhead(bytes.NewReader(make([]byte, 10*readAheadBlock)))
	buf := make([]byte, 10)
	ra2.Read(buf)
	ra2.Close()
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

// TestCSVWideRowsAgainstEncodingCSV: rows of 60 columns, of which three are read, with empty
// runs, long fields and quoted fields (commas, doubled quotes, line breaks) in every place,
// read at several buffer sizes, give the fields encoding/csv gives.
func TestCSVWideRowsAgainstEncodingCSV(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 9))
	const cols = 60
	wanted := map[int]string{7: ColLineItemType, 31: "line_item_usage_account_id", 58: ColUnblended}
	header := make([]string, cols)
	for i := range header {
		header[i] = fmt.Sprintf("x/Col%d", i)
		if n, ok := wanted[i]; ok {
			header[i] = n
		}
	}
	field := func() string {
		switch rnd.IntN(6) {
		case 0, 1:
			return ""
		case 2:
			return strings.Repeat("ab", rnd.IntN(12))
		case 3:
			return `"q,` + strings.Repeat(`""`, rnd.IntN(3)) + `,x"`
		case 4:
			return "\"line\nbreak\""
		}
		return strconv.Itoa(rnd.IntN(1000))
	}
	var text strings.Builder
	text.WriteString(strings.Join(header, ",") + "\n")
	for range 400 {
		row := make([]string, cols)
		for i := range row {
			row[i] = field()
		}
		row[58] = strconv.Itoa(rnd.IntN(100)) // an amount
		text.WriteString(strings.Join(row, ",") + "\n")
	}
	records, err := csv.NewReader(strings.NewReader(text.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, rec := range records[1:] {
		want = append(want, strings.TrimSpace(rec[7])+"|"+strings.TrimSpace(rec[31])+"|"+rec[58])
	}
	req := Request{Strings: []string{ColLineItemType, "line_item_usage_account_id"}, Amounts: []string{ColUnblended}}
	for _, size := range []int{7, 64, 1000, 1 << 20} {
		got, err := readAll(t, text.String(), size, req)
		if err != nil {
			t.Fatalf("buffer %d: %v", size, err)
		}
		for i := range want {
			if i >= len(got) || got[i] != want[i] {
				t.Fatalf("buffer %d, row %d: got %q, want %q", size, i+1, got[min(i, len(got)-1)], want[i])
			}
		}
		if len(got) != len(want) {
			t.Fatalf("buffer %d: %d rows, want %d", size, len(got), len(want))
		}
	}
}

// TestCSVAbsentColumns: columns no header answers come back empty and absent, as long as every
// batch, across batches and around a row skipped half converted.
func TestCSVAbsentColumns(t *testing.T) {
	var text strings.Builder
	text.WriteString("lineItem/LineItemType,lineItem/UnblendedCost,lineItem/ProductCode\n")
	rows := BatchRows + 10
	for i := range rows {
		cost := "1.5"
		if i == BatchRows-3 {
			cost = "x" // read after the type, so the row is left half converted
		}
		fmt.Fprintf(&text, "Usage,%s,AmazonEC2\n", cost)
	}
	path := filepath.Join(t.TempDir(), "absent.csv")
	if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	req := Request{SkipBadRows: true, Strings: []string{ColLineItemType, "no_such_text", ColProductCode},
		Amounts: []string{ColUnblended, "no_such_amount"}}
	r, err := Open(Source{Path: path}, req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	for r.Next() {
		b := r.Batch()
		absentText, absentAmount := b.Str(1), b.Amt(1)
		if absentText.Present || absentAmount.Present || len(absentText.Codes) != b.Len || len(absentAmount.Values) != b.Len || len(absentAmount.Valid) != b.Len {
			t.Fatalf("batch of %d rows: absent columns present %v %v, %d codes, %d values", b.Len, absentText.Present, absentAmount.Present, len(absentText.Codes), len(absentAmount.Values))
		}
		for i := range b.Len {
			if absentText.Value(i) != "" || absentAmount.IsSet(i) || b.Str(2).Value(i) != "AmazonEC2" || b.Amt(0).Values[i].String() != "1.5" {
				t.Fatalf("row %d: %q %v %q %s", n+i, absentText.Value(i), absentAmount.IsSet(i), b.Str(2).Value(i), b.Amt(0).Values[i])
			}
		}
		n += b.Len
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if n != rows-1 {
		t.Errorf("%d rows read, want %d", n, rows-1)
	}
}

// TestCSVKeepPassesOverRows: a CSV row failing a test of Request.Keep is passed over before
// its other fields are converted, and counted as read; a bad number in it fails nothing, as in
// a Parquet row group passed over, where a row kept fails the read.
func TestCSVKeepPassesOverRows(t *testing.T) {
	text := "lineItem/LineItemType,lineItem/UsageAccountId,lineItem/UsageStartDate,lineItem/UnblendedCost\n" +
		"Usage,111,2026-10-01T00:00:00Z,1.5\n" +
		"Usage,\"  222 \",2026-10-02T00:00:00Z,2.5\n" +
		"Tax,,2026-11-01T00:00:00Z,not a number\n" +
		"Usage,333,2026-11-02T00:00:00Z,3.5\n"
	path := filepath.Join(t.TempDir(), "bill.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		keep ColumnTest
		want string // the rows read, or "error" when the bad number is in a row kept
	}{
		{ColumnTest{Column: ColAccount, Values: []string{"222"}}, "Usage|222|2026-10-02T00:00:00Z|2.5"},
		{ColumnTest{Column: ColAccount, Values: []string{"111", "222"}, Negate: true}, "error"},
		{ColumnTest{Column: ColAccount, Values: []string{"111", "", "222"}, Negate: true}, "Usage|333|2026-11-02T00:00:00Z|3.5"},
		{ColumnTest{Column: ColAccount, Values: []string{""}}, "error"},
		{ColumnTest{Column: ColUsageStart, Date: "month", Values: []string{"2026-10"}}, "Usage|111|2026-10-01T00:00:00Z|1.5 Usage|222|2026-10-02T00:00:00Z|2.5"},
		{ColumnTest{Column: ColUsageStart, Date: "day", Values: []string{"2026-11-02"}}, "Usage|333|2026-11-02T00:00:00Z|3.5"},
		{ColumnTest{Column: ColAccount, Values: []string{"999"}}, ""},
	} {
		t.Run(fmt.Sprint(c.keep), func(t *testing.T) {
			got, counted, err := readRows(path, Request{Strings: []string{ColLineItemType, ColAccount, ColUsageStart},
				Amounts: []string{ColUnblended}, Keep: []ColumnTest{c.keep}})
			if (err != nil) != (c.want == "error") {
				t.Fatalf("error %v, want one only where the bad number is in a row kept", err)
			}
			if c.want == "error" {
				return
			}
			if s := strings.Join(got, " "); s != c.want || counted != 4 {
				t.Errorf("rows %q (%d counted), want %q (4: the rows passed over count as read)", s, counted, c.want)
			}
		})
	}
}

// TestCSVKeepPassesOverMapKeys: a test of a CUR 2.0 tag, a key of the resource_tags cells,
// passes over the CSV rows whose tag fails it, on the same text the batch would hold; a cell
// that starts as a JSON object and breaks fails the read wherever it is.
func TestCSVKeepPassesOverMapKeys(t *testing.T) {
	text := "line_item_line_item_type,line_item_usage_account_id,line_item_unblended_cost,resource_tags\n" +
		"Usage,111,1.5,\"{\"\"user_team\"\":\"\"web\"\"}\"\n" +
		"Usage,222,2.5,\"{\"\"user_env\"\":\"\"prod\"\"}\"\n" +
		"Usage,333,3.5,\"{\"\"user_team\"\":\"\"data\"\",\"\"user_env\"\":\"\"prod\"\"}\"\n" +
		"Usage,444,4.5,\n"
	path := filepath.Join(t.TempDir(), "bill.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	team := TagColumn("team")
	for _, c := range []struct {
		keep ColumnTest
		want string
	}{
		{ColumnTest{Column: team, Values: []string{"web"}}, "111|web"},
		{ColumnTest{Column: team, Values: []string{"web", "data"}}, "111|web 333|data"},
		{ColumnTest{Column: team, Values: []string{""}}, "222| 444|"},
		{ColumnTest{Column: team, Values: []string{"web"}, Negate: true}, "222| 333|data 444|"},
		{ColumnTest{Column: team, Values: []string{"prod"}}, ""},
	} {
		t.Run(fmt.Sprint(c.keep), func(t *testing.T) {
			got, counted, err := readRows(path, Request{Strings: []string{ColAccount, team}, Keep: []ColumnTest{c.keep}})
			if err != nil {
				t.Fatal(err)
			}
			if s := strings.Join(got, " "); s != c.want || counted != 4 {
				t.Errorf("rows %q (%d counted), want %q (4)", s, counted, c.want)
			}
		})
	}
	bad := strings.Replace(text, "\"{\"\"user_env\"\":\"\"prod\"\"}\"", "\"{\"\"user_env\"\":\"", 1)
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readRows(path, Request{Strings: []string{team}, Keep: []ColumnTest{{Column: team, Values: []string{"web"}}}}); err == nil ||
		!strings.Contains(err.Error(), "bill.csv:3:") {
		t.Errorf("a broken map cell, in a row a test would pass over: %v, want its error", err)
	}
}
