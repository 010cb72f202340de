// Package sample generates realistic, deterministic AWS Cost and Usage Report bills in every
// flavour curnorm reads: legacy CSV and Parquet, CUR 2.0 CSV and Parquet.
//
// A bill is consistent the way AWS's are, so the reconciliation of the cost rules holds
// exactly: Savings Plan covered usage sums to each plan's used commitment and is negated,
// every plan and reservation has its monthly fee row, reservation usage plus unused fees adds
// up to the fees of the period, and upfront fees and refunds of returned plans appear as
// their own rows. Besides those it holds on-demand usage of eight services in five regions
// (some billed above the public price), Spot usage, Marketplace usage without a public price,
// credits and tax, and one Savings Plan bought and returned within the month.
//
// Options.Rows is the exact number of line items. The same Options give byte-identical
// files, and the legacy and CUR 2.0 flavours of the same Options hold the same line items. Up
// to tens of millions of rows every amount has at most 15 significant digits, which a Parquet
// DOUBLE keeps exact.
package sample

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/curnorm/curnorm/cur"
)

// Options describe the bill to generate.
type Options struct {
	Flavour  cur.Flavour // default cur.LegacyCSV
	Rows     int         // line items in all files together, fee rows included; default 10,000
	Accounts int         // linked accounts, the payer included; default 5
	Month    string      // billing period "2026-10"; default "2026-10"
	Seed     int64
	Parts    int  // files; default 1
	Gzip     bool // CSV flavours: write .csv.gz
	Final    bool // the invoice id is set (the period is closed)
	// Through, a day of Month ("2026-10-14"), makes a month-to-date bill: usage up to the end
	// of that day (UTC), fees for those hours, no invoice id. "" is the whole month.
	Through string
	// Report is the base name of the files; default "curnorm-sample".
	Report string
	// RowGroupRows caps the rows of a Parquet row group; default pqwrite's.
	RowGroupRows int
}

// MaxAccounts bounds Options.Accounts.
const MaxAccounts = 10_000

func (o *Options) setDefaults() error {
	if o.Flavour == 0 {
		o.Flavour = cur.LegacyCSV
	}
	if o.Flavour < cur.LegacyCSV || o.Flavour > cur.CUR2Parquet {
		return fmt.Errorf("sample: unknown flavour %d", int(o.Flavour))
	}
	if o.Rows == 0 {
		o.Rows = 10_000
	}
	if o.Accounts == 0 {
		o.Accounts = 5
	}
	if o.Month == "" {
		o.Month = "2026-10"
	}
	if o.Parts == 0 {
		o.Parts = 1
	}
	if o.Report == "" {
		o.Report = "curnorm-sample"
	}
	switch {
	case o.Rows < 0:
		return fmt.Errorf("sample: rows must be positive, not %d", o.Rows)
	case o.Accounts < 1 || o.Accounts > MaxAccounts:
		return fmt.Errorf("sample: accounts must be between 1 and %d, not %d", MaxAccounts, o.Accounts)
	case o.Parts < 1:
		return fmt.Errorf("sample: parts must be positive, not %d", o.Parts)
	case o.Through != "" && o.Final:
		return fmt.Errorf("sample: a month-to-date bill (through %s) has no invoice yet: it cannot be final", o.Through)
	}
	return nil
}

// FileName is the name of part (0-based) of a bill, after AWS's layouts: legacy reports number
// their files from 1 ("report-1.csv.gz"), CUR 2.0 exports from 00001.
func FileName(o Options, part int) string {
	_ = o.setDefaults()
	n := fmt.Sprintf("%s-%d", o.Report, part+1)
	if o.Flavour.IsCUR2() {
		n = fmt.Sprintf("%s-%05d", o.Report, part+1)
	}
	switch {
	case o.Flavour == cur.LegacyParquet || o.Flavour == cur.CUR2Parquet:
		return n + ".snappy.parquet"
	case o.Gzip:
		return n + ".csv.gz"
	}
	return n + ".csv"
}

// Generate writes the bill's Parts files into dir (created if missing) and returns their
// paths in part order. Parts are written in parallel; their content does not depend on it.
func Generate(dir string, opts Options) ([]string, error) {
	b, err := newBill(opts)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	paths := make([]string, b.o.Parts)
	errs := make([]error, b.o.Parts)
	for p := range paths {
		paths[p] = filepath.Join(dir, FileName(b.o, p))
	}
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for p := range paths {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[p] = b.writeFile(paths[p], p)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return paths, nil
}

func (b *bill) writeFile(path string, part int) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = b.writePart(bw, part)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sample: %s: %w", path, err)
	}
	return nil
}

// Write writes part (0-based) of the bill to w: gzip-compressed CSV when opts.Gzip asks for it,
// Parquet for the Parquet flavours.
func Write(w io.Writer, opts Options, part int) error {
	b, err := newBill(opts)
	if err != nil {
		return err
	}
	if part < 0 || part >= b.o.Parts {
		return fmt.Errorf("sample: part %d of %d", part, b.o.Parts)
	}
	return b.writePart(w, part)
}

func (b *bill) writePart(w io.Writer, part int) error {
	var s sink
	var err error
	switch b.o.Flavour {
	case cur.LegacyParquet, cur.CUR2Parquet:
		s, err = newParquetSink(w, b)
	default:
		s, err = newCSVSink(w, b, b.o.Gzip)
	}
	if err != nil {
		return err
	}
	g := newGen(b, part, s)
	if err := g.run(); err != nil {
		if cause := s.abort(); cause != nil && errors.Is(err, errWriteFailed) {
			return cause
		}
		return err
	}
	return s.close()
}

// monthStart parses "2026-10".
func monthStart(m string) (time.Time, error) {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return time.Time{}, fmt.Errorf("sample: month %q is not YYYY-MM", m)
	}
	return t.UTC(), nil
}
