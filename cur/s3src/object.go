package s3src

import (
	"fmt"
	"io"
	"io/fs"

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

// ranged reads an object at offsets, one ranged GET per call. Every response must carry the
// ETag the object had when opened: a file replaced while being read is an error, never a mix
// of two versions.
type ranged struct {
	o    *object
	etag string
	size int64
}

func (r *ranged) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), r.size-off)
	if want == 0 {
		return 0, nil
	}
	rng := fmt.Sprintf("bytes=%d-%d", off, off+want-1)
	out, err := r.o.t.client(r.o.bucket).GetObject(r.o.t.ctx, &s3.GetObjectInput{Bucket: &r.o.bucket, Key: &r.o.key, Range: &rng, RequestPayer: r.o.t.payer})
	if err != nil {
		return 0, pathError("read", r.o.name, err, "s3:GetObject", r.o.bucket+"/"+r.o.key)
	}
	defer out.Body.Close()
	if r.etag != "" && aws.ToString(out.ETag) != r.etag {
		return 0, &fs.PathError{Op: "read", Path: r.o.name, Err: fmt.Errorf("object changed while being read (ETag %s, then %s)", r.etag, aws.ToString(out.ETag))}
	}
	n, err := io.ReadFull(out.Body, p[:want])
	if err != nil {
		return n, &fs.PathError{Op: "read", Path: r.o.name, Err: fmt.Errorf("ranged read at %d: %w", off, err)}
	}
	if want < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}
