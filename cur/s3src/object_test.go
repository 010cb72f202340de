package s3src

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur/s3src/s3test"
)

func TestRanged(t *testing.T) {
	srv := s3test.Start(t)
	srv.Put(t, "b", "k/obj", []byte("0123456789"))
	tree, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ra, size, err := tree.Object("s3://b/k/obj").Random()
	if err != nil || size != 10 {
		t.Fatalf("size %d, error %v", size, err)
	}
	for _, tc := range []struct {
		off  int64
		n    int
		want string
		eof  bool
	}{
		{0, 4, "0123", false},
		{6, 4, "6789", false},
		{8, 4, "89", true},
		{10, 4, "", true},
	} {
		p := make([]byte, tc.n)
		n, err := ra.ReadAt(p, tc.off)
		if string(p[:n]) != tc.want || (err == io.EOF) != tc.eof || (err != nil && err != io.EOF) {
			t.Errorf("ReadAt(%d, %d) = %q, %v; want %q (EOF %v)", tc.n, tc.off, p[:n], err, tc.want, tc.eof)
		}
	}

	// The object is replaced between two reads: the second must fail, not mix versions.
	srv.Put(t, "b", "k/obj", []byte("abcdefghij"))
	if _, err := ra.ReadAt(make([]byte, 4), 0); err == nil || !strings.Contains(err.Error(), "changed while being read") {
		t.Errorf("read after a change: %v, want an error", err)
	}
}

func TestRequesterPays(t *testing.T) {
	srv := s3test.Start(t)
	srv.Put(t, "b", "k/obj", []byte("0123456789"))
	read := func() {
		t.Helper()
		tree, err := New(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tree.Stat("s3://b/k/"); err != nil {
			t.Fatal(err)
		}
		if _, err := tree.ReadFile("s3://b/k/obj"); err != nil {
			t.Fatal(err)
		}
		ra, _, err := tree.Object("s3://b/k/obj").Random()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ra.ReadAt(make([]byte, 2), 0); err != nil {
			t.Fatal(err)
		}
	}
	read()
	if n := srv.Paying(); n != 0 {
		t.Errorf("%d requests accepted requester-pays charges unasked", n)
	}
	t.Setenv("CURNORM_S3_REQUESTER_PAYS", "true")
	read()
	if n := srv.Paying(); n != 4 {
		t.Errorf("%d requests accepted requester-pays charges, want all 4", n)
	}
	t.Setenv("CURNORM_S3_REQUESTER_PAYS", "yes please")
	if _, err := New(context.Background()); err == nil || !strings.Contains(err.Error(), "CURNORM_S3_REQUESTER_PAYS") {
		t.Errorf("error %v, want one naming the variable", err)
	}
}
