package pqpage

import (
	"fmt"
	"testing"
)

func TestRLEReader(t *testing.T) {
	// 3 × RLE value 5, then one bit-packed group of 8 values of width 3: 0..7.
	data := []byte{3 << 1, 5, 1<<1 | 1, 0b10001000, 0b11000110, 0b11111010}
	var r rleReader
	r.reset(data, 3)
	got := make([]uint32, 11)
	top, err := r.read(got)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[5 5 5 0 1 2 3 4 5 6 7]" || top != 7 {
		t.Errorf("got %v, largest %d", got, top)
	}
	if _, err := r.read(make([]uint32, 1)); err == nil {
		t.Error("read past the end")
	}
	// A header of two bytes (an RLE run of 200) and a value of two bytes (width 12), then a
	// header of one byte.
	r.reset([]byte{0x90, 0x03, 0xbc, 0x0a, 1 << 1, 0x34, 0x01}, 12)
	long := make([]uint32, 201)
	if top, err := r.read(long); err != nil || top != 0xabc || long[0] != 0xabc || long[199] != 0xabc || long[200] != 0x134 {
		t.Errorf("long run: %v, largest %#x, %#x %#x %#x", err, top, long[0], long[199], long[200])
	}
	for _, bad := range [][]byte{{}, {0x80}, {2 << 1, 9}, {2 << 1}} {
		r.reset(bad, 3)
		if _, err := r.read(make([]uint32, 2)); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// TestReadLevels checks bit-packed definition levels read at every alignment against the bits
// one by one.
func TestReadLevels(t *testing.T) {
	data := make([]byte, 63)
	for i := range data {
		data[i] = byte(i*167 + 13)
	}
	packed := append([]byte{byte(len(data))<<1 | 1}, data...) // one run of 63 groups of 8 levels
	for skip := 0; skip < 20; skip++ {
		for _, n := range []int{0, 1, 7, 8, 9, 30, 64, 200} {
			var r rleReader
			r.reset(packed, 1)
			if _, err := r.readLevels(make([]bool, skip)); err != nil {
				t.Fatal(err)
			}
			got := make([]bool, n)
			defined, err := r.readLevels(got)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for i, v := range got {
				bit := skip + i
				if w := data[bit/8]>>(bit%8)&1 == 1; v != w {
					t.Fatalf("skip %d n %d: level %d is %v", skip, n, i, v)
				}
				if v {
					want++
				}
			}
			if defined != want {
				t.Fatalf("skip %d n %d: %d defined, want %d", skip, n, defined, want)
			}
		}
	}
}

// TestUnpack checks bit-packed values of every width, read from every bit offset in every
// length, against the bits one by one.
func TestUnpack(t *testing.T) {
	data := make([]byte, 200)
	for i := range data {
		data[i] = byte(i*151 + 7)
	}
	bitAt := func(b int) uint32 { return uint32(data[b/8] >> (b % 8) & 1) }
	for w := 0; w <= 32; w++ {
		for skip := 0; skip < 9; skip++ {
			for _, n := range []int{1, 7, 8, 9, 16, 17, 40} {
				if (skip+n)*w > len(data)*8 {
					continue
				}
				r := rleReader{data: data, width: w, mask: 1<<uint(w) - 1, bit: skip * w}
				got := make([]uint32, n)
				top := r.unpack(got)
				var wantTop uint32
				for i, v := range got {
					var want uint32
					for b := 0; b < w; b++ {
						want |= bitAt((skip+i)*w+b) << b
					}
					if v != want {
						t.Fatalf("width %d, skip %d, n %d: value %d is %d, want %d", w, skip, n, i, v, want)
					}
					wantTop = max(wantTop, want)
				}
				if top != wantTop || r.bit != (skip+n)*w {
					t.Fatalf("width %d, skip %d, n %d: largest %d at bit %d, want %d at %d", w, skip, n, top, r.bit, wantTop, (skip+n)*w)
				}
			}
		}
	}
}
