package cur

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// failAfter reads n bytes of r, then fails with err.
type failAfter struct {
	r   io.Reader
	n   int
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	k, err := f.r.Read(p)
	f.n -= k
	return k, err
}

// TestReadErrorHalfway: a source that fails part way (a disk or network error) ends the read
// with an error naming the file and the offset; the whole rows before it are delivered, and
// none is cut in two.
func TestReadErrorHalfway(t *testing.T) {
	var b strings.Builder
	b.WriteString("lineItem/LineItemType,lineItem/UnblendedCost\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "Usage,%d.25\n", i)
	}
	data := []byte(b.String())
	boom := errors.New("input/output error")
	for _, size := range []int{1 << 20, 4096} {
		const cut = 30_001
		r, err := newCSVReader("bill.csv", "none", &failAfter{r: bytes.NewReader(data), n: cut, err: boom}, nopCloser{}, nil,
			Request{Amounts: []string{ColUnblended}, csvBufferSize: size})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for r.Next() {
			bt := r.Batch()
			for i := 0; i < bt.Len; i++ {
				got = append(got, bt.Amounts[0].Values[i].String())
			}
		}
		err = r.Err()
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, boom) || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("buffer %d: err = %v, want a corrupt-file *Error wrapping the read error", size, err)
		}
		if e.File != "bill.csv" || e.Offset != cut || !strings.Contains(err.Error(), fmt.Sprintf("bill.csv: offset %d: input/output error", cut)) {
			t.Errorf("buffer %d: error %q (offset %d), want file and offset %d", size, err, e.Offset, cut)
		}
		if r.Rows() != int64(len(got)) {
			t.Errorf("buffer %d: Rows() = %d, delivered %d", size, r.Rows(), len(got))
		}
		for i, v := range got {
			if want := fmt.Sprintf("%d.25", i); v != want {
				t.Fatalf("buffer %d: row %d = %s, want %s", size, i, v, want)
			}
		}
		// Every row delivered lies wholly before the failure.
		if end := bytes.Index(data, []byte(fmt.Sprintf("\nUsage,%d.25\n", len(got)))); len(got) > 0 && end+1 > cut {
			t.Errorf("buffer %d: row %d ends past the failure at %d", size, len(got)-1, cut)
		}
		if size == 4096 && len(got) == 0 {
			t.Errorf("buffer %d: no row delivered before the failure", size)
		}
	}

	// A gzip stream cut short says where, in the decompressed stream, it ended.
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(data)
	w.Close()
	path := filepath.Join(t.TempDir(), "bill.csv.gz")
	if err := os.WriteFile(path, gz.Bytes()[:gz.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	rd, err := Open(Source{Path: path}, Request{Amounts: []string{ColUnblended}})
	if err != nil {
		t.Fatal(err)
	}
	for rd.Next() {
	}
	var e *Error
	if err := rd.Err(); !errors.As(err, &e) || !errors.Is(err, ErrCorrupt) || e.Offset <= 0 || e.File != path ||
		!strings.Contains(err.Error(), "gzip stream truncated") {
		t.Fatalf("truncated gzip: err = %v", err)
	}
	rd.Close()
}

// TestOfficeDocumentRefused: a spreadsheet saved under a CUR's name is named for what it is.
func TestOfficeDocumentRefused(t *testing.T) {
	for entry, want := range map[string]string{
		"xl/workbook.xml":   "an Excel workbook (.xlsx), not a CUR file",
		"word/document.xml": "a Word document (.docx), not a CUR file",
		"mimetype":          "an OpenDocument file (.ods, .odt), not a CUR file",
		"notes.txt":         "zip archive holds no .csv file",
	} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		if _, err := zw.Create(entry); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "bill.csv")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Open(Source{Path: path}, Request{Amounts: []string{ColUnblended}})
		if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), path+": ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q naming the file", entry, err, want)
		}
	}
}

// TestOnReadCountsStoredBytes: a CSV reports every byte of its file as stored, gzip included,
// for progress by bytes.
func TestOnReadCountsStoredBytes(t *testing.T) {
	var csv bytes.Buffer
	csv.WriteString("lineItem/LineItemType,lineItem/UnblendedCost\n")
	for i := range 20000 {
		fmt.Fprintf(&csv, "Usage,%d.25\n", i)
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(csv.Bytes())
	w.Close()
	for name, data := range map[string][]byte{"bill.csv": csv.Bytes(), "bill.csv.gz": gz.Bytes()} {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var read atomic.Int64
		rd, err := Open(Source{Path: path}, Request{Amounts: []string{ColUnblended}, OnRead: func(n int) { read.Add(int64(n)) }})
		if err != nil {
			t.Fatal(err)
		}
		for rd.Next() {
		}
		if err := rd.Err(); err != nil {
			t.Fatal(err)
		}
		rd.Close()
		if read.Load() != int64(len(data)) {
			t.Errorf("%s: %d bytes reported, want the file's %d", name, read.Load(), len(data))
		}
	}
}
