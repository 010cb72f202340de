// Command floor times the least work a report on a Parquet bill could do on this machine:
// reading and decompressing the column chunks the report reads, every page of them, without
// decoding a value. scripts/bench-compare.sh prints it beside curnorm's time, so the distance
// to that limit is a measured number.
//
//	floor plan [--metric M] [--by DIMS] [--filter F]... [--summary=false] FILE...  > PLAN
//	floor read [--workers N] PLAN
//	floor gunzip [--workers N] FILE...
//
// plan runs the report once, in process, with the options `curnorm report` derives from the
// same flags (the bill summary on unless --summary=false, as `--format csv` has it when
// stderr is not a terminal), and lists the column chunks its reader fetched: the reader names
// each row group's projected chunks to an Object that can prefetch (cur.Prefetcher), so the
// list is the reader's own projection, with the row groups a filter passes over left out.
// One line per chunk: file, row group, leaf column index, column path.
//
// read fetches each listed chunk with one read, parses its page headers and decompresses its
// pages (arrow-go's page reader), on N goroutines (default GOMAXPROCS) taking chunks in
// file order, and prints on stderr what it read: chunks, pages, bytes as stored and as
// decompressed, and its own time.
//
// gunzip is the floor of a CSV.gz bill: it inflates each file to nothing with the inflate
// curnorm reads CSV.gz with (klauspost/compress), N files at once.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/klauspost/compress/gzip"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/report"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "plan":
		err = plan(os.Args[2:])
	case "read":
		err = read(os.Args[2:])
	case "gunzip":
		err = gunzip(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: floor plan [--metric M] [--by DIMS] [--filter F]... [--summary=false] FILE...\n       floor read [--workers N] PLAN\n       floor gunzip [--workers N] FILE...")
	os.Exit(2)
}

type filters []string

func (f *filters) String() string     { return strings.Join(*f, " ") }
func (f *filters) Set(s string) error { *f = append(*f, s); return nil }

// chunk is one column chunk of one row group of a file.
type chunk struct {
	path     string
	rg, leaf int
}

func plan(args []string) error {
	fs := flag.NewFlagSet("plan", flag.ExitOnError)
	metric := fs.String("metric", "amortized", "cost metric, as report's --metric")
	by := fs.String("by", "service", "dimensions, as report's --by")
	summary := fs.Bool("summary", true, "read the bill summary's columns too, as report does unless its output is CSV or NDJSON without a terminal")
	var fl filters
	fs.Var(&fl, "filter", "a filter, as report's --filter (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("plan needs Parquet files")
	}
	opts := report.Options{Jobs: 1, NoSummary: !*summary}
	var err error
	if opts.Metric, err = pricing.ParseMetric(*metric); err != nil {
		return err
	}
	for _, b := range strings.Split(*by, ",") {
		if b = strings.TrimSpace(b); b == "" {
			continue
		}
		d, err := report.ParseDimension(b)
		if err != nil {
			return err
		}
		opts.Dims = append(opts.Dims, d)
	}
	if opts.Filters, err = report.ParseFilters(fl); err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	for _, path := range fs.Args() {
		chunks, err := fetched(path, opts)
		if err != nil {
			return err
		}
		for _, c := range chunks {
			fmt.Fprintf(out, "%s\t%d\t%d\t%s\n", c.path, c.rg, c.leaf, c.name)
		}
	}
	return out.Flush()
}

type namedChunk struct {
	chunk
	name string
}

// fetched runs the report on one file and returns the chunks its reader named.
func fetched(path string, opts report.Options) ([]namedChunk, error) {
	obj := &recorder{path: path}
	if _, err := report.Run(context.Background(), []cur.Source{{Path: path, Object: obj}}, opts); err != nil {
		return nil, err
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	meta := pf.MetaData()
	var out []namedChunk
	for rg := range meta.NumRowGroups() {
		rgm := meta.RowGroup(rg)
		for leaf := range rgm.NumColumns() {
			cc, err := rgm.ColumnChunk(leaf)
			if err != nil {
				return nil, err
			}
			start, n := chunkRange(cc)
			if obj.overlaps(start, n) {
				out = append(out, namedChunk{chunk{path, rg, leaf}, meta.Schema.Column(leaf).Path()})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: the report named no column chunk (not a Parquet file?)", path)
	}
	return out, nil
}

// chunkRange is where a column chunk lies in its file: from its dictionary page, when it has
// one, to the end of its last data page.
func chunkRange(cc *metadata.ColumnChunkMetaData) (int64, int64) {
	start := cc.DataPageOffset()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && cc.DictionaryPageOffset() < start {
		start = cc.DictionaryPageOffset()
	}
	return start, cc.TotalCompressedSize()
}

// recorder is a local file seen as a cur.Object whose ReaderAt notes the ranges the Parquet
// reader says it is about to read.
type recorder struct {
	path   string
	mu     sync.Mutex
	ranges []cur.ByteRange
}

func (r *recorder) Stream() (io.ReadCloser, error) { return os.Open(r.path) }

func (r *recorder) Random() (io.ReaderAt, int64, error) {
	f, err := os.Open(r.path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return &prefetchFile{f, r}, st.Size(), nil
}

func (r *recorder) overlaps(start, n int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.ranges {
		if b.Off < start+n && start < b.Off+b.Len {
			return true
		}
	}
	return false
}

type prefetchFile struct {
	*os.File
	r *recorder
}

func (p *prefetchFile) Prefetch(ranges []cur.ByteRange) {
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	p.r.ranges = append(p.r.ranges, ranges...)
}

func read(args []string) error {
	fs := flag.NewFlagSet("read", flag.ExitOnError)
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines reading chunks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *workers < 1 {
		usage()
	}
	start := time.Now()
	chunks, err := readPlan(fs.Arg(0))
	if err != nil {
		return err
	}
	readers := map[string]*file.Reader{}
	for _, c := range chunks {
		if readers[c.path] != nil {
			continue
		}
		pf, err := file.OpenParquetFile(c.path, false)
		if err != nil {
			return err
		}
		defer pf.Close()
		readers[c.path] = pf
	}
	var pages, stored, inflated atomic.Int64
	err = each(*workers, len(chunks), func(i int) error {
		c := chunks[i]
		p, s, n, err := drain(readers[c.path], c)
		if err != nil {
			return fmt.Errorf("%s row group %d column %d: %w", c.path, c.rg, c.leaf, err)
		}
		pages.Add(p)
		stored.Add(s)
		inflated.Add(n)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "chunks %d pages %d stored %d inflated %d seconds %.4f\n", len(chunks), pages.Load(),
		stored.Load(), inflated.Load(), time.Since(start).Seconds())
	return nil
}

// drain reads one chunk and decompresses every page of it, returning the pages, the chunk's
// bytes as stored and its pages' bytes once decompressed.
func drain(pf *file.Reader, c chunk) (pages, stored, inflated int64, err error) {
	rg := pf.RowGroup(c.rg)
	cc, err := rg.MetaData().ColumnChunk(c.leaf)
	if err != nil {
		return 0, 0, 0, err
	}
	pr, err := rg.GetColumnPageReader(c.leaf)
	if err != nil {
		return 0, 0, 0, err
	}
	defer pr.Close()
	for pr.Next() {
		pages++
		inflated += int64(len(pr.Page().Data()))
	}
	return pages, cc.TotalCompressedSize(), inflated, pr.Err()
}

// readPlan reads the lines plan wrote: in file order, row group by row group.
func readPlan(name string) ([]chunk, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var chunks []chunk
	for line := range strings.Lines(string(data)) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(f) < 3 {
			return nil, fmt.Errorf("%s: bad line %q", name, line)
		}
		rg, err1 := strconv.Atoi(f[1])
		leaf, err2 := strconv.Atoi(f[2])
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%s: bad line %q: %w", name, line, err)
		}
		chunks = append(chunks, chunk{f[0], rg, leaf})
	}
	if len(chunks) == 0 {
		return nil, fmt.Errorf("%s: no chunks", name)
	}
	return chunks, nil
}

func gunzip(args []string) error {
	fs := flag.NewFlagSet("gunzip", flag.ExitOnError)
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "files inflated at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || *workers < 1 {
		usage()
	}
	var inflated atomic.Int64
	err := each(*workers, fs.NArg(), func(i int) error {
		n, err := inflate(fs.Arg(i))
		if err != nil {
			return fmt.Errorf("%s: %w", fs.Arg(i), err)
		}
		inflated.Add(n)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "files %d inflated %d\n", fs.NArg(), inflated.Load())
	return nil
}

// inflate reads a gzip file (every member of it) to its end.
func inflate(name string) (int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, zr)
}

// each calls task(0) to task(n-1) on workers goroutines, in order of start; a goroutine whose
// task fails stops, and each returns the failures.
func each(workers, n int, task func(i int) error) error {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make([]error, workers)
	)
	for w := range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if errs[w] = task(i); errs[w] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
