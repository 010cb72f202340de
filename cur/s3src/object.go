package s3src

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/curnorm/curnorm/cur"
)

// Object is what cur.Open reads for name: one streaming GET for CSV, ranged GETs for Parquet
// and zip. It fetches nothing until read.
func (t *Tree) Object(name string) cur.Object {
	bucket, key, err := split(name)
	if err != nil {
		return nil
	}
	return &object{t: t, name: name, bucket: bucket, key: key}
}

type object struct {
	t                 *Tree
	name, bucket, key string
}

func (o *object) Stream() (io.ReadCloser, error) {
	out, err := o.t.client(o.bucket).GetObject(o.t.ctx, &s3.GetObjectInput{Bucket: &o.bucket, Key: &o.key, RequestPayer: o.t.payer})
	if err != nil {
		return nil, pathError("open", o.name, err, "s3:GetObject", o.bucket+"/"+o.key)
	}
	return &stream{ReadCloser: out.Body, size: aws.ToInt64(out.ContentLength)}, nil
}

// stream is an object's body that says so when the transfer stops before its end (the
// reader's error names the object).
type stream struct {
	io.ReadCloser
	size, read int64
}

func (s *stream) Read(p []byte) (int, error) {
	n, err := s.ReadCloser.Read(p)
	s.read += int64(n)
	if err != nil && err != io.EOF || err == io.EOF && s.read < s.size {
		return n, fmt.Errorf("the transfer stopped after %d of the object's %d bytes: %w", s.read, s.size, io.ErrUnexpectedEOF)
	}
	return n, err
}

func (o *object) Random() (io.ReaderAt, int64, error) {
	out, err := o.t.client(o.bucket).HeadObject(o.t.ctx, &s3.HeadObjectInput{Bucket: &o.bucket, Key: &o.key, RequestPayer: o.t.payer})
	if err != nil {
		return nil, 0, pathError("open", o.name, err, "s3:GetObject", o.bucket+"/"+o.key)
	}
	return &ranged{o: o, etag: aws.ToString(out.ETag), size: aws.ToInt64(out.ContentLength)}, aws.ToInt64(out.ContentLength), nil
}

// How ranged fetches ahead. Ranges less than mergeGap apart are fetched by one GET, the bytes
// between them read and dropped: an S3 request waits some 10-30 ms for its first byte, time
// in which a connection carries about 1 MiB. A gap over smallGap is merged only while it is
// no larger than the bytes wanted on either side of it, so that a GET is never mostly waste
// and a report fetches at most about twice the projected bytes: transfer out of AWS is
// billed, 4 KiB costing about what a request does. A GET is not grown past maxSpan and a
// longer range is split, so that a row group arrives as several GETs at once, up to
// fetchers of them (AWS suggests ranged GETs of 8-16 MB to spread a transfer over
// connections).
const (
	mergeGap = 1 << 20
	smallGap = 64 << 10
	maxSpan  = 8 << 20
	fetchers = 4
)

// ranged reads an object at offsets. A ReadAt of bytes named before by Prefetch is answered
// from what was fetched, waiting for it if need be; any other by a ranged GET of its own.
// Every response must carry the ETag the object had when opened: a file replaced while being
// read is an error, never a mix of two versions. Safe for concurrent use.
type ranged struct {
	o    *object
	etag string
	size int64

	mu       sync.Mutex
	ctx      context.Context // of the fetches ahead, ended by Close
	cancel   context.CancelFunc
	pieces   []*piece // fetched or being fetched, by offset, none overlapping; dropped once read
	queue    []*span  // waiting for a fetcher, oldest first
	fetching sync.WaitGroup
	running  int   // fetchers running
	held     int64 // bytes of the pieces fetched
	peak     int64 // the most bytes held at once
	closed   bool
}

// piece is a range (or part of one) fetched ahead. data and err are set when done closes.
type piece struct {
	off, n int64
	done   chan struct{}
	data   []byte
	err    error
	read   int64 // bytes served, under ranged.mu
}

// span is the pieces one GET fetches, in order.
type span []*piece

func (r *ranged) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), r.size-off)
	n, err := r.fromAhead(p[:want], off)
	if err == nil && int64(n) < want {
		var m int
		m, err = r.get(p[n:want], off+int64(n))
		n += m
	}
	if err == nil && want < int64(len(p)) {
		err = io.EOF
	}
	return n, err
}

// get reads p at off with a ranged GET of its own.
func (r *ranged) get(p []byte, off int64) (int, error) {
	body, err := r.open(r.o.t.ctx, off, off+int64(len(p)))
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n, err := io.ReadFull(body, p)
	if err != nil {
		return n, r.readError(off, err)
	}
	return n, nil
}

// open starts a GET of bytes [off, end) of the object as it was when opened.
func (r *ranged) open(ctx context.Context, off, end int64) (io.ReadCloser, error) {
	rng := fmt.Sprintf("bytes=%d-%d", off, end-1)
	out, err := r.o.t.client(r.o.bucket).GetObject(ctx, &s3.GetObjectInput{Bucket: &r.o.bucket, Key: &r.o.key, Range: &rng, RequestPayer: r.o.t.payer})
	if err != nil {
		return nil, pathError("read", r.o.name, err, "s3:GetObject", r.o.bucket+"/"+r.o.key)
	}
	if r.etag != "" && aws.ToString(out.ETag) != r.etag {
		out.Body.Close()
		return nil, &fs.PathError{Op: "read", Path: r.o.name, Err: fmt.Errorf("object changed while being read (ETag %s, then %s)", r.etag, aws.ToString(out.ETag))}
	}
	return out.Body, nil
}

func (r *ranged) readError(off int64, err error) error {
	return &fs.PathError{Op: "read", Path: r.o.name, Err: fmt.Errorf("ranged read at %d: %w", off, err)}
}

// Prefetch starts fetching ranges, coalesced into few GETs; ranges that overlap bytes already
// asked for are left to ReadAt.
func (r *ranged) Prefetch(ranges []cur.ByteRange) {
	ranges = slices.Clone(ranges)
	slices.SortFunc(ranges, func(a, b cur.ByteRange) int { return cmp.Compare(a.Off, b.Off) })
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if r.ctx == nil {
		r.ctx, r.cancel = context.WithCancel(r.o.t.ctx)
	}
	var s *span
	start, end, wanted := int64(0), int64(-1), int64(0) // of s
	for _, rg := range ranges {
		rg.Len = min(rg.Off+rg.Len, r.size) - rg.Off
		if rg.Off < 0 || rg.Len <= 0 || r.overlaps(rg.Off, rg.Off+rg.Len) {
			continue
		}
		for off := rg.Off; off < rg.Off+rg.Len; off += maxSpan {
			pc := &piece{off: off, n: min(maxSpan, rg.Off+rg.Len-off), done: make(chan struct{})}
			gap := pc.off - end
			if s == nil || gap > min(mergeGap, max(smallGap, wanted+pc.n)) || pc.off+pc.n-start > maxSpan {
				s, start, wanted = &span{}, pc.off, 0
				r.queue = append(r.queue, s)
			}
			*s = append(*s, pc)
			end, wanted = pc.off+pc.n, wanted+pc.n
			i, _ := slices.BinarySearchFunc(r.pieces, pc.off, func(p *piece, off int64) int { return cmp.Compare(p.off, off) })
			r.pieces = slices.Insert(r.pieces, i, pc)
		}
	}
	for ; r.running < fetchers && len(r.queue) > 0; r.running++ {
		r.fetching.Go(r.fetch)
	}
}

// overlaps reports whether a piece holds a byte of [off, end); the caller holds r.mu.
func (r *ranged) overlaps(off, end int64) bool {
	i := sort.Search(len(r.pieces), func(i int) bool { return r.pieces[i].off+r.pieces[i].n > off })
	return i < len(r.pieces) && r.pieces[i].off < end
}

// fetch runs GETs of the queue until it is empty.
func (r *ranged) fetch() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.queue) > 0 {
		s := r.queue[0]
		r.queue = r.queue[1:]
		r.mu.Unlock()
		r.fill(*s)
		r.mu.Lock()
	}
	r.running--
}

// fill fetches the pieces of one span with one GET, dropping the bytes between them.
func (r *ranged) fill(s span) {
	first, last := s[0], s[len(s)-1]
	body, err := r.open(r.ctx, first.off, last.off+last.n)
	at := first.off
	for _, pc := range s {
		if err == nil {
			if _, err = io.CopyN(io.Discard, body, pc.off-at); err == nil {
				data := make([]byte, pc.n)
				r.hold(pc.n)
				if _, err = io.ReadFull(body, data); err == nil {
					pc.data = data
				} else {
					r.hold(-pc.n)
				}
			}
			if err != nil {
				err = r.readError(at, err)
			}
			at = pc.off + pc.n
		}
		pc.err = err
		close(pc.done)
	}
	if body != nil {
		body.Close()
	}
}

// hold counts n more bytes held by pieces.
func (r *ranged) hold(n int64) {
	r.mu.Lock()
	r.held += n
	r.peak = max(r.peak, r.held)
	r.mu.Unlock()
}

// fromAhead copies into p what the pieces hold of the bytes from off on, waiting for them to
// arrive, and returns how much; it stops at the first byte no piece holds.
func (r *ranged) fromAhead(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		at := off + int64(n)
		r.mu.Lock()
		i := sort.Search(len(r.pieces), func(i int) bool { return r.pieces[i].off+r.pieces[i].n > at })
		var pc *piece
		if i < len(r.pieces) && r.pieces[i].off <= at {
			pc = r.pieces[i]
		}
		r.mu.Unlock()
		if pc == nil {
			break
		}
		<-pc.done
		if pc.err != nil {
			return n, pc.err
		}
		k := copy(p[n:], pc.data[at-pc.off:])
		n += k
		r.mu.Lock()
		// A piece read to its end is dropped: a row group's bytes are read once.
		if pc.read += int64(k); pc.read >= pc.n {
			if j := slices.Index(r.pieces, pc); j >= 0 {
				r.pieces = slices.Delete(r.pieces, j, j+1)
				r.held -= pc.n
			}
		}
		r.mu.Unlock()
	}
	return n, nil
}

// Close stops the fetches ahead and drops what they fetched.
func (r *ranged) Close() error {
	r.mu.Lock()
	r.closed = true
	if r.cancel != nil {
		r.cancel()
	}
	for _, s := range r.queue {
		for _, pc := range *s {
			pc.err = errClosed
			close(pc.done)
		}
	}
	r.queue, r.pieces, r.held = nil, nil, 0
	r.mu.Unlock()
	r.fetching.Wait()
	return nil
}

var errClosed = errors.New("s3: read of a closed object")
