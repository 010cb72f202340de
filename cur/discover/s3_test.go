package discover

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/s3src/s3test"
)

// TestSourcesS3 discovers every fixture tree from a bucket and from disk: the sources,
// warnings and errors must be the same, the names aside.
func TestSourcesS3(t *testing.T) {
	srv := s3test.Start(t)
	srv.PutTree(t, discRoot, "bills", "cur/")
	entries, err := os.ReadDir(discRoot)
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(discRoot)
	if err != nil {
		t.Fatal(err)
	}
	const url = "s3://bills/cur"
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			larg, rarg := filepath.Join(abs, e.Name()), url+"/"+e.Name()+"/"
			local, lerr := Sources([]string{larg}, Options{})
			remote, rerr := Sources([]string{rarg}, Options{})
			if (lerr == nil) != (rerr == nil) {
				t.Fatalf("local error %v, s3 error %v", lerr, rerr)
			}
			if lerr != nil {
				if !errors.Is(rerr, cur.ErrNoInput) == errors.Is(lerr, cur.ErrNoInput) {
					t.Errorf("error classes differ: local %v, s3 %v", lerr, rerr)
				}
				if got, want := rerr.Error(), strings.ReplaceAll(strings.ReplaceAll(lerr.Error(), larg+":", rarg+":"), abs, url); got != want {
					t.Errorf("s3 error\n%s\nwant\n%s", got, want)
				}
				return
			}
			want := make([]cur.Source, len(local.Sources))
			for i, s := range local.Sources {
				if st, err := os.Stat(s.Path); err != nil || st.Size() != s.Size {
					t.Errorf("%s: Size %d, want the file's size (%v)", s.Path, s.Size, err)
				}
				s.Path = url + filepath.ToSlash(strings.TrimPrefix(s.Path, abs))
				want[i] = s
			}
			for i := range remote.Sources {
				if remote.Sources[i].Object == nil {
					t.Errorf("%s: no Object to read it by", remote.Sources[i].Path)
				}
				remote.Sources[i].Object = nil
			}
			if !reflect.DeepEqual(remote.Sources, want) {
				t.Errorf("s3 sources\n%v\nwant\n%v", remote.Sources, want)
			}
			for i := range local.Warnings {
				local.Warnings[i] = strings.ReplaceAll(local.Warnings[i], abs, url)
			}
			if !reflect.DeepEqual(remote.Warnings, local.Warnings) {
				t.Errorf("s3 warnings\n%q\nwant\n%q", remote.Warnings, local.Warnings)
			}
		})
	}
}

func TestSourcesS3Missing(t *testing.T) {
	srv := s3test.Start(t)
	srv.PutTree(t, filepath.Join(discRoot, "legacy-single"), "bills", "")
	for _, tc := range []struct{ arg, has string }{
		{"s3://nosuch/cur/", "s3://nosuch/cur/: no such bucket"},
		{"s3://bills/nothing/here", "s3://bills/nothing/here: no object of this key and none below it"},
	} {
		_, err := Sources([]string{tc.arg}, Options{})
		if !errors.Is(err, cur.ErrNoInput) || !strings.Contains(err.Error(), tc.has) {
			t.Errorf("%s: error %v, want ErrNoInput saying %q", tc.arg, err, tc.has)
		}
	}
}

func TestSourcesS3Denied(t *testing.T) {
	srv := s3test.Start(t)
	srv.PutTree(t, filepath.Join(discRoot, "legacy-single"), "bills", "")
	srv.Deny("/bills?")
	_, err := Sources([]string{"s3://bills/report/"}, Options{})
	if !errors.Is(err, cur.ErrNoInput) || !strings.Contains(err.Error(), "access denied: s3:ListBucket on arn:aws:s3:::bills") {
		t.Errorf("error %v, want ErrNoInput naming s3:ListBucket on the bucket", err)
	}
}
