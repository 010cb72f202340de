package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/s3src/s3test"
	"github.com/curnorm/curnorm/cur/sample"
)

// TestReportS3 reads the same report trees from a bucket on a loopback S3 server and from
// disk: report must print the same bytes.
func TestReportS3(t *testing.T) {
	dir := t.TempDir()
	gen := func(rel string, o sample.Options) {
		t.Helper()
		if _, err := sample.Generate(filepath.Join(dir, filepath.FromSlash(rel)), o); err != nil {
			t.Fatal(err)
		}
	}
	gen("legacy/cur/myreport/20261001-20261101/0a7e1c52-3b6d-4f0e-9c1a-5d2b8e4f6a90",
		sample.Options{Rows: 2000, Accounts: 3, Seed: 3, Parts: 2, Gzip: true, Final: true})
	gen("parquet/cur/myreport/myreport/year=2026/month=10",
		sample.Options{Flavour: cur.LegacyParquet, Rows: 20000, Accounts: 4, Seed: 5, Final: true})
	gen("rowgroups/cur/myreport/myreport/year=2026/month=10",
		sample.Options{Flavour: cur.LegacyParquet, Rows: 20000, Accounts: 4, Seed: 6, Final: true, RowGroupRows: 2500})
	// Two executions of one period: the newer restates the month and is the one read.
	gen("cur2/exports/myexport/data/BILLING_PERIOD=2026-10/2026-10-15T031102.118Z-6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
		sample.Options{Flavour: cur.CUR2CSV, Rows: 1000, Accounts: 2, Seed: 7, Gzip: true})
	gen("cur2/exports/myexport/data/BILLING_PERIOD=2026-10/2026-10-16T152415.653Z-04e9e487-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
		sample.Options{Flavour: cur.CUR2Parquet, Rows: 1500, Accounts: 2, Seed: 8})
	zipBill(t, filepath.Join(dir, "loose", "bill.csv.zip"), sample.Options{Rows: 500, Accounts: 2, Seed: 9, Final: true})
	// Two assemblies of a legacy period with a period manifest naming one; a CUR 2.0 export
	// whose manifest names its newer execution.
	for _, layout := range []string{"legacy-manifest", "cur2-manifest"} {
		if err := os.CopyFS(filepath.Join(dir, layout), os.DirFS(filepath.Join("..", "..", "testdata", "discover", layout))); err != nil {
			t.Fatal(err)
		}
	}

	srv := s3test.Start(t)
	srv.PutTree(t, dir, "bills", "")
	// The manifest layouts' files hold only a line item type and a cost.
	for _, tc := range []struct{ name, rel, by string }{
		{"legacy csv.gz", "legacy/cur/myreport/", "account,service"},
		{"legacy parquet", "parquet/cur/myreport/", "account,service"},
		{"parquet of 8 row groups", "rowgroups/cur/myreport/", "account,service"},
		{"cur2 executions", "cur2/exports/myexport/", "account,service"},
		{"legacy csv.zip", "loose/bill.csv.zip", "account,service"},
		{"legacy assemblies and manifest", "legacy-manifest/cur/report/", "line-item-type"},
		{"cur2 manifest", "cur2-manifest/cur/export/", "line-item-type"},
	} {
		for _, format := range []string{"json", "csv"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				args := []string{"report", "--quiet", "--format", format, "--by", tc.by}
				lcode, lout, lerr := runCurnorm(t, append(args, filepath.Join(dir, filepath.FromSlash(tc.rel)))...)
				if lcode != 0 {
					t.Fatalf("local: exit %d: %s", lcode, lerr)
				}
				code, out, stderr := runCurnorm(t, append(args, "s3://bills/"+tc.rel)...)
				if code != 0 {
					t.Fatalf("s3: exit %d: %s", code, stderr)
				}
				// The JSON document lists the files read, which are named by where they are.
				out = strings.ReplaceAll(out, "s3://bills/", dir+"/")
				if out != lout {
					t.Errorf("s3 output differs from local:\n%s\nlocal:\n%s", out, lout)
				}
			})
		}
	}

	// Every command that reads CUR, on a local path L and on the same tree in the bucket.
	for _, args := range [][]string{
		{"inspect", "L/parquet/cur/myreport/"},
		{"explain", "L/legacy/cur/myreport/"},
		{"normalize", "L/cur2/exports/myexport/"},
		{"check", "--format", "json", "L/legacy/cur/myreport/"},
		{"diff", "--format", "json", "L/legacy/cur/myreport/", "L/cur2/exports/myexport/"},
	} {
		t.Run(args[0], func(t *testing.T) {
			with := func(root string) []string {
				out := []string{args[0], "--quiet"}
				for _, a := range args[1:] {
					out = append(out, strings.Replace(a, "L/", root, 1))
				}
				return out
			}
			lcode, lout, lerr := runCurnorm(t, with(dir+"/")...)
			if lout == "" {
				t.Fatalf("local: exit %d and no output: %s", lcode, lerr)
			}
			code, out, stderr := runCurnorm(t, with("s3://bills/")...)
			if code != lcode {
				t.Fatalf("s3: exit %d, local %d: %s%s", code, lcode, stderr, lerr)
			}
			if out = strings.ReplaceAll(out, "s3://bills/", dir+"/"); out != lout {
				t.Errorf("s3 output differs from local:\n%s\nlocal:\n%s", out, lout)
			}
		})
	}

	t.Run("parquet bytes fetched", func(t *testing.T) {
		var size int64
		err := filepath.WalkDir(filepath.Join(dir, "parquet"), func(p string, e os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".parquet") {
				st, err := os.Stat(p)
				if err != nil {
					return err
				}
				size += st.Size()
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		before := srv.Served()
		code, _, stderr := runCurnorm(t, "report", "--quiet", "--by", "account", "s3://bills/parquet/cur/myreport/")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		served := srv.Served() - before
		t.Logf("report by account fetched %d of %d bytes (%.1f%%)", served, size, 100*float64(served)/float64(size))
		if served*2 > size {
			t.Errorf("fetched %d bytes of a %d byte Parquet file, want under half", served, size)
		}
	})

	// Each row group's chunks are asked for together: a request or two per row group, not one
	// per column chunk and buffer.
	t.Run("parquet requests", func(t *testing.T) {
		before := srv.Requests()
		code, _, stderr := runCurnorm(t, "report", "--quiet", "--by", "account", "s3://bills/rowgroups/cur/myreport/")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		n := srv.Requests() - before
		t.Logf("report by account on 8 row groups: %d requests", n)
		// Listing the 4 folders, a HEAD, the first bytes and the footer, then the row groups.
		if n > 4+3+2*8 {
			t.Errorf("%d requests for 8 row groups", n)
		}
	})

	t.Run("bucket in another region", func(t *testing.T) {
		srv.PutTree(t, filepath.Join(dir, "parquet"), "eu-bills", "")
		srv.Place("eu-bills", "eu-west-3")
		args := []string{"report", "--quiet", "--format", "csv", "--by", "account"}
		_, want, _ := runCurnorm(t, append(args, "s3://bills/parquet/cur/myreport/")...)
		code, out, stderr := runCurnorm(t, append(args, "s3://eu-bills/cur/myreport/")...)
		if code != 0 || out != want || srv.Moved() == 0 {
			t.Errorf("exit %d after %d redirects, output\n%s\nwant\n%s%s", code, srv.Moved(), out, want, stderr)
		}
	})

	t.Run("period not delivered", func(t *testing.T) {
		code, _, stderr := runCurnorm(t, "report", "--period", "2026-12", "s3://bills/cur2/exports/myexport/")
		if code != exitUndelivered || !strings.Contains(stderr, "s3://bills/cur2/exports/myexport/: no delivery of billing period 2026-12") {
			t.Errorf("exit %d, want %d naming the URL and the period: %s", code, exitUndelivered, stderr)
		}
	})

	t.Run("throttled", func(t *testing.T) {
		args := []string{"report", "--quiet", "--format", "csv", "--by", "account"}
		_, want, _ := runCurnorm(t, append(args, "s3://bills/parquet/cur/myreport/")...)
		srv.Throttle(2)
		code, out, stderr := runCurnorm(t, append(args, "s3://bills/parquet/cur/myreport/")...)
		if code != 0 || out != want {
			t.Errorf("after two 503 SlowDown answers: exit %d, output\n%s\nwant\n%s%s", code, out, want, stderr)
		}
	})

	t.Run("object cut short", func(t *testing.T) {
		const key = "legacy/cur/myreport/20261001-20261101/0a7e1c52-3b6d-4f0e-9c1a-5d2b8e4f6a90/curnorm-sample-1.csv.gz"
		srv.CutShort("/bills/" + key)
		defer srv.CutShort("")
		code, _, stderr := runCurnorm(t, "report", "s3://bills/"+key)
		if code != exitInput || !strings.HasPrefix(stderr, "curnorm: s3://bills/"+key+": ") ||
			!regexp.MustCompile(`the transfer stopped after \d+ of the object's \d+ bytes`).MatchString(stderr) {
			t.Errorf("exit %d, want %d naming the URL: %s", code, exitInput, stderr)
		}
	})

	t.Run("access denied", func(t *testing.T) {
		srv.Deny("/bills/legacy/")
		defer srv.Deny("")
		code, _, stderr := runCurnorm(t, "report", "s3://bills/legacy/cur/myreport/")
		if code != exitInput || !strings.Contains(stderr, "access denied: s3:GetObject on arn:aws:s3:::bills/legacy/cur/myreport/") {
			t.Errorf("exit %d, want %d naming s3:GetObject on the key: %s", code, exitInput, stderr)
		}
	})

	t.Run("missing bucket", func(t *testing.T) {
		code, _, stderr := runCurnorm(t, "report", "s3://no-such-bills/cur/myreport/")
		if code != exitInput || !strings.Contains(stderr, "s3://no-such-bills/cur/myreport/") || !strings.Contains(stderr, "no such bucket") {
			t.Errorf("exit %d, want %d naming the URL and the missing bucket: %s", code, exitInput, stderr)
		}
	})

	t.Run("missing key", func(t *testing.T) {
		code, _, stderr := runCurnorm(t, "report", "s3://bills/legacy/cur/nosuch.csv.gz")
		if code != exitInput || !strings.Contains(stderr, "s3://bills/legacy/cur/nosuch.csv.gz") {
			t.Errorf("exit %d, want %d naming the URL: %s", code, exitInput, stderr)
		}
	})
}

// zipBill writes a legacy CSV bill as the one entry of a zip archive.
func zipBill(t *testing.T, dst string, o sample.Options) {
	t.Helper()
	paths, err := sample.Generate(t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("bill.csv")
	if err == nil {
		_, err = w.Write(data)
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = os.MkdirAll(filepath.Dir(dst), 0o755)
	}
	if err == nil {
		err = os.WriteFile(dst, buf.Bytes(), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}
