// Package cur reads AWS Cost and Usage Report files of every flavour (legacy and CUR 2.0, CSV
// plain, gzip or zip, and Parquet) as batches of the columns a Request asks for: dictionary-coded
// text and exact amounts, found by the handles the Request hands out. It knows files and
// nothing of rollups, terminals or the command line; errors name the file and the place.
package cur

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/gzip"
)

// Flavour is the kind of CUR a file holds.
type Flavour int

// The flavours curnorm reads.
const (
	LegacyCSV Flavour = iota + 1
	LegacyParquet
	CUR2CSV
	CUR2Parquet
	// FOCUS is an AWS FOCUS 1.0 to 1.2 export, CSV or Parquet, read through the column map
	// of docs/focus.md ("FOCUS as input").
	FOCUS
)

func (f Flavour) String() string {
	switch f {
	case LegacyCSV:
		return "legacy-csv"
	case LegacyParquet:
		return "legacy-parquet"
	case CUR2CSV:
		return "cur2-csv"
	case CUR2Parquet:
		return "cur2-parquet"
	case FOCUS:
		return "focus"
	}
	return "unknown"
}

// IsCUR2 reports a CUR 2.0 (Data Exports) flavour.
func (f Flavour) IsCUR2() bool { return f == CUR2CSV || f == CUR2Parquet }

// Source is one input: a file path, or "-" for standard input.
type Source struct {
	Path string
	// Period and Assembly are set by Discover when a manifest or folder names them.
	Period   string
	Assembly string
	// Size is the content's length in bytes when discovery learnt it (0 when not known), for
	// progress shown by bytes.
	Size int64
	// Object, when set, holds the content instead of the file at Path (which then only names
	// it), as for an object in S3.
	Object Object
}

// Object is content kept outside the local file system.
type Object interface {
	// Stream returns the content from its start; CSV is read this way, once through.
	Stream() (io.ReadCloser, error)
	// Random gives access at any offset and the content's size; Parquet and zip need it. The
	// ReaderAt may also be a Prefetcher, and an io.Closer that the reader closes when done.
	Random() (io.ReaderAt, int64, error)
}

// Name is how messages refer to the source.
func (s Source) Name() string {
	if s.Path == "-" {
		return "<stdin>"
	}
	return s.Path
}

// Request names, in canonical snake_case (see Snake, TagColumn), the columns a reader must
// deliver. Batches carry them in the same order. A name no column answers is delivered as not
// Present rather than failing: which absences matter is the caller's decision.
type Request struct {
	Strings []string
	Amounts []string
	// SkipBadRows skips a row holding a cell that cannot be read (a bad number, a CSV row
	// narrower than its header, a map cell that is not JSON) instead of failing; Skipped
	// counts them. Damage to the file itself still fails the read.
	SkipBadRows bool
	// Fingerprint has the reader identify the file's content as it reads (Reader.Fingerprint);
	// it costs a hash of every byte of a CSV file, so callers ask only where two inputs could
	// be one (see SameSizes).
	Fingerprint bool
	// Cores bounds the goroutines that reading the file keeps busy at once: the caller's, the
	// consumers' of a SharedReader and the reader's own decoders. 0 means GOMAXPROCS. A caller
	// reading several files at once gives each its share; it alone decides.
	Cores int
	// OnRead, when set, is called with the bytes of the file's content, as stored (before
	// gzip inflates it), as a CSV is read through: progress by bytes. It may be called from
	// a goroutine reading ahead. Parquet and zip do not report.
	OnRead func(n int)
	// Keep are tests every row the caller keeps meets. A Parquet reader does not read the row
	// groups whose column statistics prove no row meets them, and counts their rows in Rows;
	// the caller still tests every row it is given. Ignored under SkipBadRows, whose counts
	// need every row read.
	Keep []ColumnTest
	// Where maps a string column (by its index in Strings) to the rows the caller reads it on:
	// a reader may leave it empty on the others, and so skip the work of a wide CUR 2.0 map
	// (a Marketplace row's product name lies among dozens of product attributes). Set by
	// AskStringWhere.
	Where map[StringCol]ColumnTest

	// Knobs for tests, as bufio.Scanner keeps maxTokenSize: the zero values are what users get.
	csvBufferSize int              // the CSV read buffer's starting size; 0 is 1 MiB
	noPagePath    bool             // read Parquet through pqarrow even where the page path could
	serial        bool             // decode a batch's Parquet columns on one goroutine
	noReadDict    bool             // read flat Parquet text as plain strings, not Arrow dictionaries
	wholeFooter   bool             // decode a Parquet footer whole, not trimmed to the columns read
	alloc         memory.Allocator // the Parquet reader's allocator (a checked one catches leaks)
}

// cores resolves Request.Cores.
func (req *Request) cores() int {
	if req.Cores > 0 {
		return req.Cores
	}
	return runtime.GOMAXPROCS(0)
}

// StringCol and AmountCol are columns asked of a Request, found in the batches it gives by
// Batch.Str and Batch.Amt: callers hold handles, never positions.
type (
	StringCol int
	AmountCol int
)

// AskString asks for the text column of a canonical name and returns its handle; asking twice
// for one name gives one column. "" asks for a column that is never read: every row is empty.
func (r *Request) AskString(name string) StringCol {
	if i := slices.Index(r.Strings, name); i >= 0 {
		delete(r.Where, StringCol(i)) // read on every row
		return StringCol(i)
	}
	r.Strings = append(r.Strings, name)
	return StringCol(len(r.Strings) - 1)
}

// AskStringWhere is AskString for a column the caller reads only on rows that meet test
// (Negate unset): on other rows it may be empty. A name also asked otherwise is read whole.
func (r *Request) AskStringWhere(name string, test ColumnTest) StringCol {
	if i := slices.Index(r.Strings, name); i >= 0 {
		if w, ok := r.Where[StringCol(i)]; ok && (w.Column != test.Column || !slices.Equal(w.Values, test.Values)) {
			delete(r.Where, StringCol(i))
		}
		return StringCol(i)
	}
	c := r.AskString(name)
	if r.Where == nil {
		r.Where = map[StringCol]ColumnTest{}
	}
	r.Where[c] = test
	return c
}

// AskAmount is AskString for an amount column.
func (r *Request) AskAmount(name string) AmountCol {
	if i := slices.Index(r.Amounts, name); i >= 0 {
		return AmountCol(i)
	}
	r.Amounts = append(r.Amounts, name)
	return AmountCol(len(r.Amounts) - 1)
}

// Schema describes an opened file.
type Schema struct {
	Flavour     Flavour
	Compression string // "none", "gzip", "zip" for CSV; the codec of the first column chunk for Parquet
	// Columns are the canonical names of the file's physical columns, in file order; RawColumns
	// the names as written.
	Columns    []string
	RawColumns []string
}

// Has reports whether some column of the file answers name (flat, or as a CUR 2.0 map key).
func (s *Schema) Has(name string) bool { return len(resolve(s.Flavour, s.Columns, name)) > 0 }

// HasFlat reports whether the file has a flat column of that canonical name.
func (s *Schema) HasFlat(name string) bool {
	for _, c := range s.Columns {
		if c == name {
			return true
		}
	}
	return false
}

// Reader streams a file's rows as batches:
//
//	for r.Next() { b := r.Batch(); ... }
//	if err := r.Err(); err != nil { ... }
type Reader interface {
	Schema() *Schema
	Next() bool
	// Batch is the batch Next made ready. Its columns are the reader's own: they hold until
	// the next Next or Close, after which the reader decodes other rows (or another file's)
	// into them.
	Batch() *Batch
	// Err is the first error met; nil at a clean end.
	Err() error
	// Rows is the number of data rows delivered so far, with the rows passed over by
	// Request.Keep.
	Rows() int64
	// Rounded counts amount cells that had more than 10 decimals (rounded half-even).
	Rounded() int64
	// Skipped counts the rows skipped under Request.SkipBadRows, per reason, sorted by reason.
	// Rows read = Rows() + the skipped rows.
	Skipped() []SkipCount
	// Fingerprint identifies the file's content; false when Request.Fingerprint was not set
	// or it is not known, as for a CSV file not read to its end.
	Fingerprint() (Fingerprint, bool)
	Close() error
}

// SharedReader is a Reader that can hand its batches to several goroutines at once, so that
// one file's consumers (a rollup per core) run side by side:
//
//	if r.Share(n) { in each of n goroutines: for b := r.Take(); b != nil; b = r.Take() { ...; r.Give(b) } }
//
// Each goroutine gives its batch back before it takes the next. Take and Give are safe for
// concurrent use; Next and Batch must not be mixed with them. Rows, Rounded and Err hold once
// every goroutine is done.
type SharedReader interface {
	Reader
	// Share readies the reader for n goroutines taking batches; false when this file cannot
	// be shared (Next and Batch then serve as usual). Called before the first batch.
	Share(n int) bool
	// Take returns the next batch, or nil at the end of the file or after an error (Err).
	Take() *Batch
	// Give hands back a batch from Take once its goroutine is done with it; its columns are
	// then the reader's again.
	Give(b *Batch)
}

// magic numbers of the containers Open recognises.
var (
	magicParquet = []byte("PAR1")
	magicGzip    = []byte{0x1f, 0x8b}
	magicZip     = []byte("PK\x03\x04")
)

// Open sniffs a source's content (not its name) and returns a reader of the requested columns.
// Parquet and zip need random access, so standard input holding either is first copied to a
// temporary file.
func Open(src Source, req Request) (Reader, error) {
	name := src.Name()
	if src.Object != nil {
		return openObject(name, src.Object, req)
	}
	var f *os.File
	if src.Path == "-" {
		f = os.Stdin
	} else {
		var err error
		if f, err = os.Open(src.Path); err != nil {
			return nil, FileError(name, ErrNoInput, unwrapPathError(err))
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return nil, FileErrorf(name, ErrNoInput, "is a folder (pass it to a command that discovers files, or name the files)")
		}
	}
	random := func(br *bufio.Reader) (randomAccess, int64, error) {
		if src.Path == "-" {
			tmp, err := spool(br)
			if err != nil {
				return nil, 0, err
			}
			return tmp, fileSize(tmp), nil
		}
		return f, fileSize(f), nil
	}
	r, err := openStream(name, f, f, random, req)
	if err != nil && f != os.Stdin {
		f.Close()
	}
	return r, err
}

// openObject reads an Object. Its first bytes are read at an offset, so that Parquet and zip
// fetch only the parts they read and CSV is fetched once, as one stream.
func openObject(name string, obj Object, req Request) (Reader, error) {
	ra, size, err := obj.Random()
	if err != nil {
		return nil, FileError(name, ErrNoInput, unwrapPathError(err))
	}
	content := objectContent{io.NewSectionReader(ra, 0, size), ra}
	head := make([]byte, 4)
	n, err := ra.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, FileError(name, ErrCorrupt, unwrapPathError(err))
	}
	switch head = head[:n]; {
	case bytes.HasPrefix(head, magicParquet):
		pre, _ := ra.(Prefetcher)
		return openParquet(name, content, size, pre, req)
	case bytes.HasPrefix(head, magicZip):
		return openZip(name, content, size, content, req)
	}
	body, err := obj.Stream()
	if err != nil {
		return nil, FileError(name, ErrNoInput, unwrapPathError(err))
	}
	random := func(*bufio.Reader) (randomAccess, int64, error) {
		return nil, 0, errors.New("object changed while being read")
	}
	r, err := openStream(name, body, body, random, req)
	if err != nil {
		body.Close()
	}
	return r, err
}

// countingReader reports the bytes read through it.
type countingReader struct {
	r      io.Reader
	onRead func(n int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.onRead(n)
	}
	return n, err
}

// randomAccess is content read at offsets, closed with the reader that owns it.
type randomAccess interface {
	io.ReaderAt
	io.Seeker
	io.Closer
}

// objectContent is an Object's content seen through a SectionReader (which Parquet's footer
// reader seeks), closed with the reader that owns it.
type objectContent struct {
	*io.SectionReader
	ra io.ReaderAt
}

// Close lets go of what the Object's ReaderAt holds, such as fetches ahead, when it holds any.
func (c objectContent) Close() error {
	if cl, ok := c.ra.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// fileSize is f's size, or -1 when it cannot be read.
func fileSize(f *os.File) int64 {
	st, err := f.Stat()
	if err != nil {
		return -1
	}
	return st.Size()
}

// openStream sniffs the content of in and reads it; random gives the same content at offsets
// when the format needs that (it may read what br holds of in).
func openStream(name string, in io.Reader, closer io.Closer, random func(br *bufio.Reader) (randomAccess, int64, error), req Request) (Reader, error) {
	// CSV is read once from start to end: its bytes are counted and hashed on the way.
	if req.OnRead != nil {
		in = &countingReader{r: in, onRead: req.OnRead}
	}
	src := in
	var hr *hashingReader
	if req.Fingerprint {
		hr = newHashingReader(src)
		in = hr
	}
	br := bufio.NewReaderSize(in, 1<<16)
	head, err := br.Peek(4)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return nil, FileError(name, ErrCorrupt, err)
		}
		return nil, FileErrorf(name, ErrNoInput, "empty file")
	}
	switch {
	case bytes.HasPrefix(head, magicParquet):
		ra, size, err := random(br)
		if err != nil {
			return nil, FileError(name, ErrCorrupt, err)
		}
		return openParquet(name, ra, size, nil, req)
	case bytes.HasPrefix(head, magicZip):
		ra, size, err := random(br)
		if err != nil {
			return nil, FileError(name, ErrCorrupt, err)
		}
		return openZip(name, ra, max(size, 0), ra, req)
	case bytes.HasPrefix(head, magicGzip):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, FileError(name, ErrCorrupt, fmt.Errorf("gzip: %w", err))
		}
		ra := newReadAhead(&gzipStream{zr: zr})
		return newCSVReader(name, "gzip", ra, multiCloser{ra, closer}, hr.fingerprint, req)
	}
	return newCSVReader(name, "none", br, closer, hr.fingerprint, req)
}

// officeDocument names the kind of an Office Open XML or OpenDocument file (both are zip
// archives), or returns "".
func officeDocument(zr *zip.Reader) string {
	for _, e := range zr.File {
		switch e.Name {
		case "xl/workbook.xml":
			return "an Excel workbook (.xlsx)"
		case "word/document.xml":
			return "a Word document (.docx)"
		case "mimetype":
			return "an OpenDocument file (.ods, .odt)"
		}
	}
	return ""
}

// openZip reads the first CSV entry of a .csv.zip (AWS puts exactly one in each).
func openZip(name string, ra io.ReaderAt, size int64, closer io.Closer, req Request) (Reader, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		closer.Close()
		return nil, FileError(name, ErrCorrupt, fmt.Errorf("zip: %w", err))
	}
	for _, e := range zr.File {
		if e.FileInfo().IsDir() || !strings.HasSuffix(strings.ToLower(e.Name), ".csv") {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			closer.Close()
			return nil, FileError(name, ErrCorrupt, fmt.Errorf("zip entry %s: %w", e.Name, err))
		}
		fp := zipFingerprint(zr, size)
		return newCSVReader(name+"!"+e.Name, "zip", rc, multiCloser{rc, closer}, func() (Fingerprint, bool) { return fp, req.Fingerprint }, req)
	}
	closer.Close()
	if kind := officeDocument(zr); kind != "" {
		return nil, FileErrorf(name, ErrUnsupportedFormat, "this is %s, not a CUR file: read the CSV or Parquet files AWS delivered, or save the sheet as CSV", kind)
	}
	return nil, FileErrorf(name, ErrUnsupportedFormat, "zip archive holds no .csv file")
}

// spool copies standard input to a temporary file for formats that need random access.
func spool(r io.Reader) (*os.File, error) {
	tmp, err := os.CreateTemp("", "curnorm-stdin-*")
	if err != nil {
		return nil, err
	}
	os.Remove(tmp.Name()) // unlinked at once: the open handle keeps it until Close
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		tmp.Close()
		return nil, err
	}
	return tmp, nil
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var first error
	for _, c := range m {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// gzipStream reports a truncated gzip stream as ErrCorrupt rather than a bare EOF.
type gzipStream struct{ zr *gzip.Reader }

func (g *gzipStream) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err == io.ErrUnexpectedEOF {
		err = &classed{class: ErrCorrupt, detail: fmt.Errorf("gzip stream truncated: %w", err)}
	} else if err != nil && err != io.EOF {
		err = &classed{class: ErrCorrupt, detail: fmt.Errorf("gzip: %w", err)}
	}
	return n, err
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// detectFlavour tells legacy from CUR 2.0 and FOCUS by the columns, and refuses FOCUS before
// 1.0 and non-CUR files.
func detectFlavour(name string, columns []string, parquet bool) (Flavour, error) {
	has := func(c string) bool { return slices.Contains(columns, c) }
	if has("billed_cost") && (has("charge_category") || has("effective_cost") || has("list_cost")) {
		for _, c := range focusRequired {
			if !has(Snake(c)) {
				return 0, FileErrorf(name, ErrUnsupportedFormat, "this FOCUS export has no %s column: curnorm reads FOCUS 1.0 to 1.2 (%s)", c, strings.Join(focusRequired, ", "))
			}
		}
		return FOCUS, nil
	}
	if !has("line_item_line_item_type") {
		return 0, FileErrorf(name, ErrUnsupportedFormat, "not a CUR file: no line item type column (lineItem/LineItemType or line_item_line_item_type) among %d columns", len(columns))
	}
	cur2 := has("bill_payer_account_name") || has("product") || has("resource_tags")
	switch {
	case cur2 && parquet:
		return CUR2Parquet, nil
	case cur2:
		return CUR2CSV, nil
	case parquet:
		return LegacyParquet, nil
	}
	return LegacyCSV, nil
}
