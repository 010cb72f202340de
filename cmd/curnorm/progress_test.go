package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/report"
)

func TestProgressOnlyOnATerminal(t *testing.T) {
	src := []cur.Source{{Path: "progress_test.go"}}
	for _, tc := range []struct {
		name string
		ios  ioStreams
	}{
		{"stderr piped", ioStreams{ErrTTY: false}},
		{"quiet", ioStreams{ErrTTY: true, Quiet: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			tc.ios.ErrOut = &buf
			p := startProgress(&tc.ios, src, true)
			if p != nil {
				t.Fatal("progress started")
			}
			// A nil progress takes every call.
			var o report.Options
			p.hook(&o)
			p.addRows(10)
			p.sourceDone(src[0], 10)
			p.done()
			if o.Progress != nil || o.SourceDone != nil || buf.Len() > 0 {
				t.Errorf("nil progress hooked or wrote: %q", buf.String())
			}
		})
	}
}

func TestProgressEstimate(t *testing.T) {
	p := &progress{start: time.Unix(0, 0), total: 1000, files: 3,
		sizes: map[string]int64{"a": 200, "b": 300, "c": 500}}
	now := p.start.Add(10 * time.Second)

	p.addRows(50)
	if st := p.snapshot(now); st.bytes != 0 || st.rows != 50 {
		t.Errorf("before any file is done: %+v, want 0 bytes, 50 rows", st)
	}
	p.addRows(50)
	p.sourceDone(cur.Source{Path: "a"}, 100) // 2 bytes a row
	p.addRows(100)
	st := p.snapshot(now)
	if st.bytes != 200+100*2 || st.rows != 200 || st.doneFiles != 1 {
		t.Errorf("one file done, 100 rows into the next: %+v, want 400 bytes, 200 rows, 1 file", st)
	}
	if got := fitParts(st.parts(p.total, p.files), 200); got != "400 B/1.0 kB, 1/3 files, 20 rows/s, elapsed 0:10, ETA 0:15" {
		t.Errorf("line %q", got)
	}
	p.addRows(10_000)
	if st := p.snapshot(now); st.bytes != p.total-1 {
		t.Errorf("an estimate past the end: %d bytes, want %d until the last file is done", st.bytes, p.total-1)
	}
	p.sourceDone(cur.Source{Path: "b"}, 5000)
	p.sourceDone(cur.Source{Path: "c"}, 5100)
	if st := p.snapshot(now); st.bytes != p.total {
		t.Errorf("all done: %d bytes, want %d", st.bytes, p.total)
	}
}

func TestProgressDraw(t *testing.T) {
	for _, tc := range []struct {
		name  string
		total int64
		want  []string
	}{
		{"bar", 1000, []string{"% |", "400 B/1.0 kB", "rows/s", "ETA"}},
		{"spinner", 0, []string{"200 rows", "rows/s", "elapsed 0:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf lockedBuffer
			p := &progress{ios: &ioStreams{ErrOut: &buf, ErrTTY: true}, start: time.Now().Add(-10 * time.Second),
				total: tc.total, files: 3, sizes: map[string]int64{"a": 200}}
			p.sourceDone(cur.Source{Path: "a"}, 100)
			p.addRows(200)
			p.draw(time.Now())
			line := buf.String()
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("progress line %q lacks %q", line, w)
				}
			}
			p.bar.Finish()
			out := buf.String()
			if strings.Contains(out, "\n") {
				t.Errorf("progress output %q holds a newline", out)
			}
			// The last thing drawn must be blanks: the line is erased.
			segs := strings.Split(strings.TrimRight(out, "\r"), "\r")
			if last := segs[len(segs)-1]; strings.TrimSpace(last) != "" {
				t.Errorf("output ends with %q, want the line blanked", last)
			}
		})
	}
}

// lockedBuffer is a bytes.Buffer for the spinner's own drawing goroutine and the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestFitParts(t *testing.T) {
	parts := []linePart{{"bytes", 0}, {"files", 5}, {"rate", 2}, {"elapsed", 4}, {"eta", 1}}
	for _, tc := range []struct {
		width int
		want  string
	}{
		{100, "bytes, files, rate, elapsed, eta"},
		{25, "bytes, rate, elapsed, eta"},
		{20, "bytes, rate, eta"},
		{3, "bytes"},
	} {
		if got := fitParts(parts, tc.width); got != tc.want {
			t.Errorf("fitParts(width %d) = %q, want %q", tc.width, got, tc.want)
		}
	}
}

func TestHumanUnits(t *testing.T) {
	for _, tc := range []struct {
		n    float64
		want string
	}{
		{0, "0"}, {950, "950"}, {999.4, "999"}, {999.6, "1.0k"}, {1234, "1.2k"}, {12_345, "12k"},
		{1_234_567, "1.2M"}, {123_456_789, "123M"}, {4.2e9, "4.2G"},
	} {
		if got := si(tc.n); got != tc.want {
			t.Errorf("si(%v) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := siBytes(486_000_000); got != "486 MB" {
		t.Errorf("siBytes = %q", got)
	}
	if got := siBytes(12); got != "12 B" {
		t.Errorf("siBytes = %q", got)
	}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0:00"}, {1500 * time.Millisecond, "0:02"}, {75 * time.Second, "1:15"}, {3*time.Hour + 2*time.Minute + 5*time.Second, "3:02:05"},
	} {
		if got := clock(tc.d); got != tc.want {
			t.Errorf("clock(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestProgressBytes: CSV readers report bytes as they read, so the bar moves within the first
// file, and a lone CSV file gets a bar too; a lone Parquet file, which does not report, a
// spinner.
func TestProgressBytes(t *testing.T) {
	ios := &ioStreams{ErrOut: &lockedBuffer{}, ErrTTY: true}
	sources := []cur.Source{{Path: "a.csv.gz", Size: 1000}, {Path: "b.csv", Size: 3000}}
	p := startProgress(ios, sources, true)
	defer p.done()
	var o report.Options
	p.hook(&o)
	if o.BytesRead == nil {
		t.Fatal("no BytesRead hook for CSV sources")
	}
	now := p.start.Add(10 * time.Second)
	o.BytesRead(sources[0], 300)
	if st := p.snapshot(now); st.bytes != 300 {
		t.Errorf("300 bytes into the first file: bar at %d bytes", st.bytes)
	}
	o.BytesRead(sources[0], 700)
	o.SourceDone(sources[0], 10)
	o.BytesRead(sources[1], 500)
	if st := p.snapshot(now); st.bytes != 1500 {
		t.Errorf("first file done, 500 bytes into the second: bar at %d bytes, want 1500", st.bytes)
	}
	o.BytesRead(sources[1], 2500)
	if st := p.snapshot(now); st.bytes != p.total-1 {
		t.Errorf("every byte read, last file not done: bar at %d, want %d", st.bytes, p.total-1)
	}
	o.SourceDone(sources[1], 30)
	if st := p.snapshot(now); st.bytes != p.total {
		t.Errorf("all done: bar at %d, want %d", st.bytes, p.total)
	}

	for _, tc := range []struct {
		path string
		bar  bool
	}{{"bill.csv.gz", true}, {"bill.CSV", true}, {"bill.parquet", false}, {"bill.csv.zip", false}} {
		p := startProgress(ios, []cur.Source{{Path: tc.path, Size: 1000}}, true)
		if got := p.total > 0; got != tc.bar {
			t.Errorf("lone %s: bar %v, want %v", tc.path, got, tc.bar)
		}
		p.done()
	}
}
