package s3src

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/curnorm/curnorm/cur/s3src/s3test"
)

func TestRanged(t *testing.T) {
	srv := s3test.Start(t)
	srv.Put(t, "b", "k/obj", []byte("0123456789"))
	tree, err := New(context.Background(), Config{})
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
		tree, err := New(context.Background(), Config{})
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
	if _, err := New(context.Background(), Config{}); err == nil || !strings.Contains(err.Error(), "CURNORM_S3_REQUESTER_PAYS") {
		t.Errorf("error %v, want one naming the variable", err)
	}
}

func TestBucketRegion(t *testing.T) {
	srv := s3test.Start(t)
	srv.Put(t, "eu-bills", "k/obj", []byte("0123456789"))
	srv.Place("eu-bills", "eu-central-1")
	for _, configured := range []string{"us-east-1", ""} {
		t.Setenv("AWS_REGION", configured)
		tree, err := New(context.Background(), Config{})
		if err != nil {
			t.Fatal(err)
		}
		before := srv.Moved()
		if _, err := tree.Stat("s3://eu-bills/k/"); err != nil {
			t.Fatalf("region %q: %v", configured, err)
		}
		data, err := tree.ReadFile("s3://eu-bills/k/obj")
		if err != nil || string(data) != "0123456789" {
			t.Fatalf("region %q: read %q, %v", configured, data, err)
		}
		// One request, the first, learns the region; every later one is signed for it.
		if n := srv.Moved() - before; n != 1 {
			t.Errorf("region %q: %d requests redirected, want only the first", configured, n)
		}
	}
}

func TestPathStyle(t *testing.T) {
	s3test.Start(t)
	for _, tc := range []struct {
		endpoint string
		c        Config
		env      string
		want     bool
	}{
		{"https://minio.internal:9000", Config{}, "", false},
		{"https://minio.internal:9000", Config{PathStyle: true}, "", true},
		{"https://minio.internal:9000", Config{}, "true", true},
		{"http://localhost:9000", Config{}, "", true},
		{"http://10.1.2.3:9000", Config{}, "", true},
		{"http://[::1]:9000", Config{}, "", true},
	} {
		t.Setenv("AWS_ENDPOINT_URL_S3", tc.endpoint)
		t.Setenv("CURNORM_S3_PATH_STYLE", tc.env)
		tree, err := New(context.Background(), tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if got := s3.NewFromConfig(tree.cfg, tree.options).Options().UsePathStyle; got != tc.want {
			t.Errorf("%s %+v CURNORM_S3_PATH_STYLE=%q: path style %v, want %v", tc.endpoint, tc.c, tc.env, got, tc.want)
		}
	}
}

func TestNoCredentials(t *testing.T) {
	s3test.Start(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := New(context.Background(), Config{})
	if err == nil {
		t.Fatal("no error without credentials")
	}
	for _, want := range []string{"no AWS credentials found", "AWS_ACCESS_KEY_ID", `profile "default"`, os.Getenv("AWS_CONFIG_FILE"),
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "EC2 instance metadata"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
}

func TestMissingProfile(t *testing.T) {
	s3test.Start(t)
	t.Setenv("AWS_PROFILE", "billing")
	_, err := New(context.Background(), Config{})
	if err == nil || !strings.Contains(err.Error(), `AWS profile "billing" is in neither `+os.Getenv("AWS_CONFIG_FILE")+" nor "+os.Getenv("AWS_SHARED_CREDENTIALS_FILE")) {
		t.Errorf("error %v, want one naming the profile and the files", err)
	}
}

func TestStalledEndpoint(t *testing.T) {
	s3test.Start(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", s3test.NewStalled(t).URL)
	defer func(d time.Duration) { responseTimeout = d }(responseTimeout)
	responseTimeout = 200 * time.Millisecond
	tree, err := New(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tree.Stat("s3://b/k/")
	if want := "stat s3://b/k/: the S3 endpoint did not answer within 200ms"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestCancelStalled cancels a request the endpoint never answers: only the cancellation can
// end it.
func TestCancelStalled(t *testing.T) {
	s3test.Start(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", s3test.NewStalled(t).URL)
	ctx, cancel := context.WithCancel(context.Background())
	tree, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err = tree.Stat("s3://b/k/"); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}
