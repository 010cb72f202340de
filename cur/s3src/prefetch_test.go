package s3src

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pqwrite"
	"github.com/curnorm/curnorm/cur/s3src/s3test"
	"github.com/curnorm/curnorm/cur/sample"
)

// openRanged stores data as s3://b/k/obj and opens it for reading at offsets.
func openRanged(t *testing.T, srv *s3test.Server, data []byte) *ranged {
	t.Helper()
	srv.Put(t, "b", "k/obj", data)
	tree, err := New(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	ra, _, err := tree.Object("s3://b/k/obj").Random()
	if err != nil {
		t.Fatal(err)
	}
	r := ra.(*ranged)
	t.Cleanup(func() { r.Close() })
	return r
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(n)}).Read(b)
	return b
}

func TestPrefetch(t *testing.T) {
	srv := s3test.Start(t)
	data := randomBytes(14 << 20)
	r := openRanged(t, srv, data)
	ranges := []cur.ByteRange{
		{Off: 100, Len: 1000}, {Off: 1200, Len: 5000}, // close: one GET
		{Off: 3 << 20, Len: 9 << 20}, // longer than a GET: two
		{Off: 14<<20 - 10, Len: 10},  // far from the others: one
	}
	before := srv.Requests()
	r.Prefetch(ranges)
	// Each range read in parts, as a page reader reads a column chunk, all at once.
	var wg sync.WaitGroup
	for _, rg := range ranges {
		wg.Go(func() {
			for off := rg.Off; off < rg.Off+rg.Len; off += 100_000 {
				p := make([]byte, min(100_000, rg.Off+rg.Len-off))
				if n, err := r.ReadAt(p, off); err != nil || !bytes.Equal(p[:n], data[off:off+int64(len(p))]) {
					t.Errorf("ReadAt(%d bytes at %d): %d bytes, %v; or not the object's", len(p), off, n, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := srv.Requests() - before; n != 4 {
		t.Errorf("%d requests for %d ranges, want 4", n, len(ranges))
	}
	r.mu.Lock()
	held, peak := r.held, r.peak
	r.mu.Unlock()
	if held != 0 || peak > 6010+9<<20 {
		t.Errorf("%d bytes held once every range was read, at most %d; want 0 and at most the ranges' bytes", held, peak)
	}

	// Bytes outside every range, and bytes already read, are fetched on their own.
	for _, off := range []int64{2 << 20, 200} {
		p := make([]byte, 4096)
		if n, err := r.ReadAt(p, off); err != nil || !bytes.Equal(p[:n], data[off:off+4096]) {
			t.Errorf("ReadAt(4096 bytes at %d): %d bytes, %v; or not the object's", off, n, err)
		}
	}
	// A read across the end of a range takes what was fetched and asks for the rest.
	r.Prefetch([]cur.ByteRange{{Off: 5000, Len: 100}})
	p := make([]byte, 300)
	if n, err := r.ReadAt(p, 4950); err != nil || !bytes.Equal(p[:n], data[4950:5250]) {
		t.Errorf("ReadAt across a range's end: %d bytes, %v; or not the object's", n, err)
	}
}

// TestPrefetchChanged replaces the object while ranges are fetched and after: no read mixes
// the two versions.
func TestPrefetchChanged(t *testing.T) {
	srv := s3test.Start(t)
	data := randomBytes(64 << 10)
	r := openRanged(t, srv, data)

	// The fetch reaches the server after the object was replaced.
	srv.Delay(500 * time.Millisecond)
	r.Prefetch([]cur.ByteRange{{Off: 0, Len: 1000}})
	srv.Put(t, "b", "k/obj", randomBytes(64<<10+1))
	if _, err := r.ReadAt(make([]byte, 1000), 0); err == nil || !strings.Contains(err.Error(), "changed while being read") {
		t.Errorf("read after a change: %v, want an error", err)
	}
	srv.Delay(0)

	// Replaced after the fetch: what was fetched is the first version, the rest an error.
	srv.Put(t, "b", "k/obj", data)
	r = openRanged(t, srv, data)
	r.Prefetch([]cur.ByteRange{{Off: 1000, Len: 1000}})
	p := make([]byte, 500)
	if _, err := r.ReadAt(p, 1000); err != nil || !bytes.Equal(p, data[1000:1500]) {
		t.Fatalf("read before a change: %v", err)
	}
	srv.Put(t, "b", "k/obj", randomBytes(64<<10+2))
	if _, err := r.ReadAt(p, 1500); err != nil || !bytes.Equal(p, data[1500:2000]) {
		t.Errorf("read of fetched bytes after a change: %v, or not the first version", err)
	}
	if _, err := r.ReadAt(p, 5000); err == nil || !strings.Contains(err.Error(), "changed while being read") {
		t.Errorf("read after a change: %v, want an error", err)
	}
}

// keepRanged is an Object that keeps the ranged reader cur.Open asked it for.
type keepRanged struct {
	cur.Object
	r *ranged
}

func (k *keepRanged) Random() (io.ReaderAt, int64, error) {
	ra, n, err := k.Object.Random()
	k.r, _ = ra.(*ranged)
	return ra, n, err
}

// TestPrefetchFlat reads Parquet bills of many row groups: the bytes held ahead stay the same
// for a bill four times as long, a small part of what is fetched, and nothing beyond what
// is read of each row group is asked for.
func TestPrefetchFlat(t *testing.T) {
	srv := s3test.Start(t)
	tree, err := New(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	read := func(rows int) (peak, fetched, requests int64) {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "bill")
		paths, err := sample.Generate(dir, sample.Options{Flavour: cur.LegacyParquet, Rows: rows, Seed: 1, RowGroupRows: 250})
		if err != nil {
			t.Fatal(err)
		}
		key := strings.TrimPrefix(filepath.ToSlash(paths[0]), filepath.ToSlash(filepath.Dir(dir))+"/")
		srv.PutTree(t, filepath.Dir(dir), "b", "")
		obj := &keepRanged{Object: tree.Object("s3://b/" + key)}
		served, asked := srv.Served(), srv.Requests()
		rd, err := cur.Open(cur.Source{Path: "s3://b/" + key, Object: obj},
			cur.Request{Strings: []string{"line_item_usage_account_id"}, Amounts: []string{"line_item_unblended_cost"}})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for rd.Next() {
			n += int64(rd.Batch().Len)
		}
		if err := rd.Err(); err != nil || n != int64(rows) {
			t.Fatalf("%d rows of %d, %v", n, rows, err)
		}
		rd.Close()
		obj.r.mu.Lock()
		defer obj.r.mu.Unlock()
		return obj.r.peak, srv.Served() - served, srv.Requests() - asked
	}
	smallPeak, _, smallAsked := read(10_000)
	peak, fetched, asked := read(40_000)
	t.Logf("40 row groups: %d requests, %d bytes held at most; 160: %d requests, %d bytes held at most of %d fetched",
		smallAsked, smallPeak, asked, peak, fetched)
	if peak > smallPeak*3/2 || peak > fetched/4 {
		t.Errorf("%d bytes held at most for 160 row groups, %d for 40: want about the same, and a small part of the %d fetched", peak, smallPeak, fetched)
	}
	// A HEAD and the first bytes, the footer, and a GET or two per row group.
	if asked > 3+2*160 {
		t.Errorf("%d requests for 160 row groups", asked)
	}
}

// TestPrefetchDictionaries: a filter that statistics cannot bound but dictionaries can reads
// over S3 the dictionaries of the tested column, fetched at once, and then the one row group
// that holds the account, fetching no byte of the others' other chunks.
func TestPrefetchDictionaries(t *testing.T) {
	const groups, rows = 8, 20_000
	var buf bytes.Buffer
	cols := []pqwrite.Column{{Name: cur.ColAccount, Type: pqwrite.String}, {Name: cur.ColLineItemType, Type: pqwrite.String},
		{Name: cur.ColUnblended, Type: pqwrite.Double}}
	w, err := pqwrite.New(&buf, cols, pqwrite.Options{RowGroupRows: rows})
	if err != nil {
		t.Fatal(err)
	}
	// Every row group spans the same min and max account; the one between differs.
	for g := range groups {
		for i := range rows {
			w.SetString(0, []string{"000000000000", fmt.Sprintf("5%011d", g), "999999999999"}[i%3])
			w.SetString(1, "Usage")
			w.SetFloat64(2, float64(g*rows+i)*0.001) // distinct: a chunk of some size
			if err := w.EndRow(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	srv := s3test.Start(t)
	srv.Put(t, "b", "k/bill.parquet", buf.Bytes())
	tree, err := New(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	read := func(keep []cur.ColumnTest) (delivered, counted, served, requests int64) {
		t.Helper()
		before, asked := srv.Served(), srv.Requests()
		rd, err := cur.Open(cur.Source{Path: "s3://b/k/bill.parquet", Object: tree.Object("s3://b/k/bill.parquet")},
			cur.Request{Strings: []string{cur.ColAccount}, Amounts: []string{cur.ColUnblended}, Keep: keep})
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		for rd.Next() {
			delivered += int64(rd.Batch().Len)
		}
		if err := rd.Err(); err != nil {
			t.Fatal(err)
		}
		return delivered, rd.Rows(), srv.Served() - before, srv.Requests() - asked
	}
	_, _, allServed, allAsked := read(nil)
	delivered, counted, served, asked := read([]cur.ColumnTest{{Column: cur.ColAccount, Values: []string{fmt.Sprintf("5%011d", 3)}}})
	t.Logf("every row group: %d bytes in %d requests; one by its dictionary: %d bytes in %d requests", allServed, allAsked, served, asked)
	if delivered != rows || counted != groups*rows {
		t.Errorf("%d rows delivered, %d counted; want %d and %d", delivered, counted, rows, groups*rows)
	}
	if served*3 > allServed {
		t.Errorf("%d bytes fetched for one row group of %d, %d for all", served, groups, allServed)
	}
	// The first bytes and the footer, the dictionaries at once (a request each at most),
	// and the row group read.
	if asked > 2+groups+2 {
		t.Errorf("%d requests", asked)
	}
}
