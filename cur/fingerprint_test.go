package cur

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

// TestFingerprint: equal content gives equal fingerprints under any name; content that differs
// in one byte, even at the same size, gives another; a CSV file not read to its end, or read
// without asking, gives none.
func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	bill := []byte("lineItem/LineItemType,lineItem/UnblendedCost\nUsage,1\nUsage,2\n")
	other := bytes.Replace(bill, []byte("2\n"), []byte("3\n"), 1)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bill)
	zw.Close()
	write := func(name string, data []byte) Source {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return Source{Path: p}
	}
	read := func(src Source, ask, whole bool) (Fingerprint, bool) {
		r, err := Open(src, Request{Amounts: []string{ColUnblended}, Fingerprint: ask})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if whole {
			for r.Next() {
			}
		}
		return r.Fingerprint()
	}
	a, b, c := write("a.csv", bill), write("copy.csv", bill), write("other.csv", other)
	fa, okA := read(a, true, true)
	fb, okB := read(b, true, true)
	fc, okC := read(c, true, true)
	if !okA || !okB || !okC || fa != fb || fa == fc {
		t.Fatalf("fingerprints %v %v %v (%v %v %v): want a = copy ≠ other", fa, fb, fc, okA, okB, okC)
	}
	if _, ok := read(a, true, false); ok {
		t.Error("a fingerprint of a CSV file not read to its end")
	}
	if _, ok := read(a, false, true); ok {
		t.Error("a fingerprint nobody asked for")
	}
	g1, g2 := write("a.csv.gz", gz.Bytes()), write("b.csv.gz", gz.Bytes())
	f1, ok1 := read(g1, true, true)
	f2, ok2 := read(g2, true, true)
	if !ok1 || !ok2 || f1 != f2 {
		t.Errorf("gzip copies: %v %v (%v %v)", f1, f2, ok1, ok2)
	}
	if got := SameSizes([]Source{a, b, c, g1, {Path: "-"}}); got[0] != true || got[1] != true || got[2] != true || got[3] != false || got[4] != true {
		t.Errorf("SameSizes = %v, want the three CSV files of one size and stdin", got)
	}
}
