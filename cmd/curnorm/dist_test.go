package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDist makes the release archive of this platform as README says (make dist), checks it
// against SHA256SUMS, unpacks it and runs the binary inside.
func TestDist(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a release binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the Windows archive is a zip made by the zip tool; this test unpacks tar.gz")
	}
	dist := t.TempDir()
	const version = "v0.0.0-disttest"
	cmd := exec.Command("make", "-C", filepath.Join("..", ".."), "dist",
		"PLATFORMS="+runtime.GOOS+"/"+runtime.GOARCH, "DIST="+dist, "VERSION="+version)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	name := "curnorm_" + version + "_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
	archive, err := os.ReadFile(filepath.Join(dist, name))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(archive)
	if want := hex.EncodeToString(sum[:]) + "  " + name + "\n"; string(sums) != want {
		t.Errorf("SHA256SUMS:\n%s\nwant\n%s", sums, want)
	}

	unpacked := t.TempDir()
	untar(t, filepath.Join(dist, name), unpacked)
	for _, f := range []string{"LICENSE", "README.md", "docs/man/curnorm-report.1"} {
		if _, err := os.Stat(filepath.Join(unpacked, f)); err != nil {
			t.Errorf("the archive lacks %s: %v", f, err)
		}
	}
	out, err := exec.Command(filepath.Join(unpacked, "curnorm"), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "curnorm "+version+" (") {
		t.Errorf("curnorm version: %q, %v; want the release's version", out, err)
	}
}

// untar unpacks a .tar.gz of regular files and folders into dir.
func untar(t *testing.T, path, dir string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(dst, 0o755)
		case tar.TypeReg:
			var out *os.File
			if out, err = os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, os.FileMode(h.Mode)); err == nil {
				_, err = io.Copy(out, tr)
				if cerr := out.Close(); err == nil {
					err = cerr
				}
			}
		default:
			t.Fatalf("%s: %s is neither a file nor a folder", path, h.Name)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
