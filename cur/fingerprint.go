package cur

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// Fingerprint identifies a file's content within one run, so that a bill passed twice under
// two names (a copy beside the original, a second download) is caught instead of counted
// twice. It is taken while the file is read, never by a second pass: a CSV file (plain or
// gzip) hashes every byte as the scanner reads it; Parquet hashes its footer, which records
// every column chunk's offset, size and statistics; a zip hashes its central directory, which
// holds each entry's CRC-32 and sizes. The hash is XXH64 (seed 0), the same on every machine and
// in every run, so that report documents made apart can be merged and the same input found in
// two of them (String, ParseFingerprint). Readers take it only when asked
// (Request.Fingerprint): files of different sizes differ without one (SameSizes).
type Fingerprint struct {
	Size int64
	Hash uint64
}

// fingerprintPrefix names the hash in Fingerprint's text.
const fingerprintPrefix = "xxh64:"

// String is the hash as report documents carry it: "xxh64:" and 16 hex digits.
func (f Fingerprint) String() string { return fmt.Sprintf("%s%016x", fingerprintPrefix, f.Hash) }

// ParseFingerprint reads String's text back, with the size the document gives beside it.
func ParseFingerprint(text string, size int64) (Fingerprint, error) {
	hex, ok := strings.CutPrefix(text, fingerprintPrefix)
	if !ok || len(hex) != 16 {
		return Fingerprint{}, fmt.Errorf("fingerprint %q: want %s and 16 hex digits", text, fingerprintPrefix)
	}
	h, err := strconv.ParseUint(hex, 16, 64)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("fingerprint %q: want %s and 16 hex digits", text, fingerprintPrefix)
	}
	return Fingerprint{Size: size, Hash: h}, nil
}

// hashingReader hashes the bytes read through it and notes whether the stream reached its end.
type hashingReader struct {
	r    io.Reader
	h    *xxhash.Digest
	size int64
	eof  bool
}

func newHashingReader(r io.Reader) *hashingReader {
	return &hashingReader{r: r, h: xxhash.New()}
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	hr.size += int64(n)
	if err == io.EOF {
		hr.eof = true
	}
	return n, err
}

// fingerprint is the hash of the whole stream; false until it was read to its end.
func (hr *hashingReader) fingerprint() (Fingerprint, bool) {
	if hr == nil || !hr.eof {
		return Fingerprint{}, false
	}
	return Fingerprint{Size: hr.size, Hash: hr.h.Sum64()}, true
}

// parquetFingerprint hashes a Parquet file's footer (metadata, its length and the magic).
func parquetFingerprint(ra io.ReaderAt, size int64) (Fingerprint, error) {
	footer, err := readParquetFooter(ra, size)
	if err != nil {
		return Fingerprint{}, err
	}
	return Fingerprint{Size: size, Hash: xxhash.Sum64(footer)}, nil
}

// zipFingerprint hashes a zip's central directory: names, sizes and CRC-32 of every entry.
func zipFingerprint(zr *zip.Reader, size int64) Fingerprint {
	var b strings.Builder
	for _, e := range zr.File {
		fmt.Fprintf(&b, "%s\x00%d\x00%d\x00%08x\x00", e.Name, e.CompressedSize64, e.UncompressedSize64, e.CRC32)
	}
	return Fingerprint{Size: size, Hash: xxhash.Sum64String(b.String())}
}

// SameSizes reports, per source, whether its content could be another's: standard input, a
// file whose size cannot be read, or one whose size another file shares. Only those need a
// fingerprint: files of different sizes differ.
func SameSizes(sources []Source) []bool {
	out := make([]bool, len(sources))
	sizes := make([]int64, len(sources))
	count := map[int64]int{}
	for i, s := range sources {
		sizes[i] = -1
		if s.Path == "-" {
			continue
		}
		if st, err := os.Stat(s.Path); err == nil && st.Mode().IsRegular() {
			sizes[i] = st.Size()
		}
		count[sizes[i]]++
	}
	for i := range sources {
		out[i] = sizes[i] < 0 || count[sizes[i]] > 1
	}
	return out
}

// ErrDuplicateInput: two inputs hold the same content, so the bill would be counted twice.
var ErrDuplicateInput = errors.New("duplicate input")

// Duplicates returns an error naming every pair of inputs whose fingerprints are equal, in the
// order given; a nil fingerprint (content not read whole) is left out.
func Duplicates(names []string, contents []*Fingerprint) error {
	first := map[Fingerprint]int{}
	var pairs []string
	for i, fp := range contents {
		if fp == nil {
			continue
		}
		if j, seen := first[*fp]; seen {
			pairs = append(pairs, names[j]+" and "+names[i])
			continue
		}
		first[*fp] = i
	}
	if len(pairs) == 0 {
		return nil
	}
	return FileErrorf(pairs[0], ErrDuplicateInput, "%w: the same content under two names would be counted twice%s",
		ErrDuplicateInput, moreText(pairs[1:]))
}

func moreText(pairs []string) string {
	if len(pairs) == 0 {
		return ""
	}
	return "; also " + strings.Join(pairs, "; ")
}
