// Package s3test serves an S3 protocol server on loopback for tests: gofakes3 with its
// in-memory backend behind httptest, and the environment that points the AWS SDK at it.
package s3test

import (
	"bytes"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Server is a fake S3 endpoint that counts the body bytes it serves.
type Server struct {
	URL     string
	backend gofakes3.Backend
	served  atomic.Int64
	denied  atomic.Value // of string: a path prefix answered with 403 AccessDenied
	failing atomic.Int64 // requests still to be answered 503 SlowDown
	cut     atomic.Value // of string: a path whose GET bodies stop halfway
	paying  atomic.Int64 // requests that accepted requester-pays charges
	regions sync.Map     // bucket → the region it lives in; requests signed for another are redirected
	moved   atomic.Int64 // requests redirected to a bucket's region
	count   atomic.Int64 // requests received
	delay   atomic.Int64 // of time.Duration: how long each request waits before its answer
}

// Start serves an empty store until the test ends, and sets the environment so that the AWS
// SDK's default configuration reaches it with static credentials and reads no user files.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{backend: s3mem.New()}
	h := gofakes3.New(s.backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count.Add(1)
		if d := time.Duration(s.delay.Load()); d > 0 {
			time.Sleep(d)
		}
		if r.Header.Get("x-amz-request-payer") == "requester" {
			s.paying.Add(1)
		}
		if s.redirect(w, r) {
			return
		}
		if d, _ := s.denied.Load().(string); d != "" && strings.HasPrefix(r.URL.Path+"?"+r.URL.RawQuery, d) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
			return
		}
		if s.failing.Add(-1) >= 0 {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
			return
		}
		s.failing.Store(0)
		cw := &countingWriter{ResponseWriter: w, n: &s.served, limit: -1}
		if c, _ := s.cut.Load().(string); c != "" && r.URL.Path == c && r.Method == http.MethodGet && r.Header.Get("Range") == "" {
			cw.limit = -2
		}
		h.ServeHTTP(cw, r)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_S3":         srv.URL,
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_REGION":                  "us-east-1",
		"AWS_CONFIG_FILE":             filepath.Join(t.TempDir(), "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_PROFILE":                 "",
		"AWS_SESSION_TOKEN":           "",
	} {
		t.Setenv(k, v)
	}
	return s
}

// Place puts a bucket in a region: requests signed for another region are answered as S3
// answers them, with a redirect naming the bucket's region in x-amz-bucket-region.
func (s *Server) Place(bucket, region string) { s.regions.Store(bucket, region) }

// Moved is the number of requests so far redirected to their bucket's region.
func (s *Server) Moved() int64 { return s.moved.Load() }

func (s *Server) redirect(w http.ResponseWriter, r *http.Request) bool {
	bucket, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	want, ok := s.regions.Load(bucket)
	if !ok {
		return false
	}
	// Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/s3/aws4_request, ...
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if scope := strings.Split(cred, "/"); len(scope) > 2 && scope[2] == want {
		return false
	}
	s.moved.Add(1)
	w.Header().Set("X-Amz-Bucket-Region", want.(string))
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusMovedPermanently)
	if r.Method != http.MethodHead {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>`)
	}
	return true
}

// Stalled is a loopback endpoint that accepts connections and never answers.
type Stalled struct {
	URL      string
	accepted atomic.Int64
}

// Accepted is the number of connections accepted so far.
func (s *Stalled) Accepted() int64 { return s.accepted.Load() }

// NewStalled serves a Stalled endpoint until the test ends.
func NewStalled(t testing.TB) *Stalled {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Stalled{URL: "http://" + ln.Addr().String()}
	var conns []net.Conn
	var mu sync.Mutex
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			s.accepted.Add(1)
		}
	}()
	return s
}

// Deny answers 403 AccessDenied to every request whose path and query start with prefix
// (path-style: /bucket/key?query); "" denies nothing.
func (s *Server) Deny(prefix string) { s.denied.Store(prefix) }

// CutShort makes every whole-object GET of path (/bucket/key) send half its body and then close the
// connection, as a dropped transfer does; "" cuts nothing.
func (s *Server) CutShort(path string) { s.cut.Store(path) }

// Throttle answers the next n requests with 503 SlowDown.
func (s *Server) Throttle(n int) { s.failing.Store(int64(n)) }

// Paying is the number of requests so far that accepted requester-pays charges.
func (s *Server) Paying() int64 { return s.paying.Load() }

// Requests is the number of requests received so far, of every kind.
func (s *Server) Requests() int64 { return s.count.Load() }

// Delay makes every later request wait d before it is answered, as a request to a distant
// endpoint waits for its first byte; 0 answers at once.
func (s *Server) Delay(d time.Duration) { s.delay.Store(int64(d)) }

// Served is the number of response body bytes sent so far.
func (s *Server) Served() int64 { return s.served.Load() }

// Put stores data under bucket/key, creating the bucket if needed.
func (s *Server) Put(t testing.TB, bucket, key string, data []byte) {
	t.Helper()
	if ok, err := s.backend.BucketExists(bucket); err != nil {
		t.Fatal(err)
	} else if !ok {
		if err := s.backend.CreateBucket(bucket); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.backend.PutObject(bucket, key, map[string]string{}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatal(err)
	}
}

// PutTree copies the files below dir to bucket, under prefix (which ends in "/" or is "").
func (s *Server) PutTree(t testing.TB, dir, bucket, prefix string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s.Put(t, bucket, prefix+filepath.ToSlash(rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type countingWriter struct {
	http.ResponseWriter
	n     *atomic.Int64
	limit int64 // body bytes still allowed; -1 for no limit, -2 for half the body, once known
}

// halve sets the limit to half the body once the headers hold its length.
func (w *countingWriter) halve() {
	if w.limit == -2 {
		size, _ := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64)
		w.limit = size / 2
	}
}

func (w *countingWriter) WriteHeader(code int) {
	w.halve()
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.halve()
	if w.limit >= 0 {
		if int64(len(p)) > w.limit {
			n, _ := w.ResponseWriter.Write(p[:w.limit])
			w.n.Add(int64(n))
			// Send what was written, then close the connection mid-body.
			http.NewResponseController(w.ResponseWriter).Flush()
			panic(http.ErrAbortHandler)
		}
		w.limit -= int64(len(p))
	}
	n, err := w.ResponseWriter.Write(p)
	w.n.Add(int64(n))
	return n, err
}
