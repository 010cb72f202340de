package report

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
)

// TestDemoBill holds testdata/demo to what make demo-bill generates, and to the story the
// README tells of it: a company whose commitments mostly pay off (an effective savings rate
// of 20–35%), with some unused commitment to find and Marketplace products shown by name.
func TestDemoBill(t *testing.T) {
	demo := filepath.Join("..", "testdata", "demo", "curnorm-sample-1.csv.gz")
	out, err := sample.Generate(t.TempDir(), sample.Options{Flavour: cur.LegacyCSV, Rows: 3000, Seed: 2, Gzip: true,
		Final: true, Accounts: 5, Month: "2026-10", Parts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(inflate(t, demo), inflate(t, out[0])) {
		t.Fatalf("%s is not what make demo-bill generates: run it (and update the README's output)", demo)
	}
	svc, _ := ParseDimension("service")
	res, err := Run(context.Background(), []cur.Source{{Path: demo}}, Options{Metric: pricing.Amortized, Dims: []Dimension{svc}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summaries[0]
	esr, ok := s.EffectiveSavingsRate()
	if !ok || esr.Cmp(big.NewRat(20, 100)) < 0 || esr.Cmp(big.NewRat(35, 100)) > 0 {
		t.Errorf("effective savings rate %v, want 20%%–35%%", esr.FloatString(4))
	}
	if s.UnusedRI.Sign() <= 0 || s.UnusedSP.Sign() <= 0 {
		t.Errorf("unused reservations %s, Savings Plans %s: the demo has a little of each to find", s.UnusedRI, s.UnusedSP)
	}
	// Marketplace product codes are 25 lower-case letters and digits; service shows names.
	code := regexp.MustCompile(`^[0-9a-z]{25}$`)
	for _, g := range res.Groups {
		if code.MatchString(g.Key[0]) {
			t.Errorf("service %q is a Marketplace product code, not its name", g.Key[0])
		}
	}
}

func inflate(t *testing.T, path string) []byte {
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
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
