package report

import (
	"context"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/s3src/s3test"
)

// peakHeap runs f and returns the most heap its objects took meanwhile, above what they took
// before, sampled every millisecond.
func peakHeap(f func()) uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	base := s[0].Value.Uint64()
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	<-done
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// TestMemoryFlatInRows: report and normalize hold one batch and the groups, never the rows, so
// ten times the rows with the same groups must not take ten times the heap.
func TestMemoryFlatInRows(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 550,000 rows")
	}
	// A low GC target keeps the heap close to what is live, so growth shows.
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	dir := t.TempDir()
	small, _, _ := writeGeneratedBill(t, dir, "small.csv", 50_000, func(int) string { return "" })
	large, _, _ := writeGeneratedBill(t, dir, "large.csv", 500_000, func(int) string { return "" })
	dims := []string{"service", "day", "line-item-type"}
	measure := func(path string) (rollup, normalize, spooled uint64) {
		src := []cur.Source{{Path: path}}
		rollup = peakHeap(func() {
			res := runOpts(t, src, Options{Metric: pricing.Amortized}, dims)
			if len(res.Groups) != 5*28 {
				t.Errorf("%d groups, want 140", len(res.Groups))
			}
		})
		normalize = peakHeap(func() {
			st, err := Normalize(context.Background(), src, NormalizeOptions{Metric: pricing.Amortized}, nopSink{})
			if err != nil {
				t.Fatal(err)
			}
			if st.Rows == 0 {
				t.Error("no rows")
			}
		})
		// Under skip each file's rows wait in a temporary file, not in memory.
		spooled = peakHeap(func() {
			st, err := Normalize(context.Background(), src, NormalizeOptions{Metric: pricing.Amortized, SkipBadRows: true}, nopSink{})
			if err != nil {
				t.Fatal(err)
			}
			if st.Rows == 0 {
				t.Error("no rows")
			}
		})
		return
	}
	r1, n1, s1 := measure(small)
	r2, n2, s2 := measure(large)
	t.Logf("peak heap: rollup %d KiB for 50k rows, %d KiB for 500k; normalize %d KiB, %d KiB; under skip %d KiB, %d KiB",
		r1>>10, r2>>10, n1>>10, n2>>10, s1>>10, s2>>10)
	// Generous slack for the sampler and the GC; 450,000 more rows kept at even 16 bytes each
	// would be 7 MiB past it.
	const slack = 4 << 20
	if r2 > r1*3/2+slack {
		t.Errorf("rollup: peak heap grew from %d KiB to %d KiB with 10x the rows", r1>>10, r2>>10)
	}
	if n2 > n1*3/2+slack {
		t.Errorf("normalize: peak heap grew from %d KiB to %d KiB with 10x the rows", n1>>10, n2>>10)
	}
	if s2 > s1*3/2+slack {
		t.Errorf("normalize under skip: peak heap grew from %d KiB to %d KiB with 10x the rows", s1>>10, s2>>10)
	}
}

// TestMemoryFlatOverS3: a CSV object is read as one streaming GET, never buffered whole, so
// ten times the rows in S3 must not take ten times the heap either.
func TestMemoryFlatOverS3(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 550,000 rows")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	dir := t.TempDir()
	writeGeneratedBill(t, dir, "small.csv", 50_000, func(int) string { return "" })
	writeGeneratedBill(t, dir, "large.csv", 500_000, func(int) string { return "" })
	srv := s3test.Start(t)
	srv.PutTree(t, dir, "bills", "")
	measure := func(name string) uint64 {
		d, err := discover.Sources([]string{"s3://bills/" + name}, discover.Options{})
		if err != nil {
			t.Fatal(err)
		}
		before := srv.Served()
		peak := peakHeap(func() {
			res := runOpts(t, d.Sources, Options{Metric: pricing.Amortized}, []string{"service", "day"})
			if len(res.Groups) == 0 {
				t.Error("no groups")
			}
		})
		if served, size := srv.Served()-before, d.Sources[0].Size; served < size {
			t.Errorf("%s: %d of its %d bytes served", name, served, size)
		}
		return peak
	}
	small, large := measure("small.csv"), measure("large.csv")
	t.Logf("peak heap over S3: %d KiB for 50k rows, %d KiB for 500k", small>>10, large>>10)
	const slack = 4 << 20
	if large > small*3/2+slack {
		t.Errorf("peak heap grew from %d KiB to %d KiB with 10x the rows in S3", small>>10, large>>10)
	}
}
