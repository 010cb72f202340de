package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur/money"
	"github.com/curnorm/curnorm/cur/sample"
	"github.com/curnorm/curnorm/report/render"
)

// runCurnorm runs the command line in-process and returns its exit code and output.
func runCurnorm(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &ioStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

// scaleBill copies a legacy CSV bill from src into dir, multiplying every money column (cost,
// fee and commitment columns) by factor on the rows of service, or on every row when
// service is "".
func scaleBill(t *testing.T, src, dir, service string, factor *big.Rat) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	records, err := csv.NewReader(in).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	product := -1
	var amountCols []int
	for i, h := range header {
		switch {
		case h == "lineItem/ProductCode":
			product = i
		case strings.Contains(h, "Cost") || strings.Contains(h, "Fee") || strings.Contains(h, "Commitment"):
			amountCols = append(amountCols, i)
		}
	}
	if product < 0 || len(amountCols) == 0 {
		t.Fatalf("%s: no product code or money columns in %q", src, header)
	}
	for _, rec := range records[1:] {
		if service != "" && rec[product] != service {
			continue
		}
		for _, i := range amountCols {
			if rec[i] == "" {
				continue
			}
			v, ok := new(big.Rat).SetString(rec[i])
			if !ok {
				t.Fatalf("%s: %s is not a number: %q", src, header[i], rec[i])
			}
			rec[i] = money.FormatRat(v.Mul(v, factor), money.Scale)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, filepath.Base(src)))
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCheckGeneratedBill is the acceptance test on a generated bill: one service
// growing 20% fails --max-increase 10% --by service and is named; every service growing 5%
// passes.
func TestCheckGeneratedBill(t *testing.T) {
	dir := t.TempDir()
	paths, err := sample.Generate(filepath.Join(dir, "october"), sample.Options{Rows: 3000, Accounts: 3, Seed: 11, Final: true})
	if err != nil {
		t.Fatal(err)
	}
	code, doc, stderr := runCurnorm(t, "report", "--quiet", "--format", "json", "--by", "service", filepath.Join(dir, "october"))
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	base := filepath.Join(dir, "base.json")
	if err := os.WriteFile(base, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	baseline, err := render.ReadBaselineFile(base)
	if err != nil {
		t.Fatal(err)
	}
	// The costliest service grows; groups are sorted by cost.
	grown := baseline.Groups[0].Key[0]

	one := filepath.Join(dir, "one", "bill")
	scaleBill(t, paths[0], one, grown, big.NewRat(12, 10))
	code, out, stderr := runCurnorm(t, "check", "--baseline", base, "--max-increase", "10%", "--by", "service", one+"/")
	if code != exitFailed {
		t.Fatalf("%s grew 20%%: exit %d, want %d\n%s%s", grown, code, exitFailed, out, stderr)
	}
	if !strings.Contains(out, "service="+grown+": ") || !strings.Contains(out, "+20.0%)") {
		t.Errorf("the output does not name %s growing 20%%:\n%s", grown, out)
	}
	if n := len(regexp.MustCompile(`(?m)^ +service=.* → `).FindAllString(out, -1)); n != 1 {
		t.Errorf("%d services failed, want %s alone:\n%s", n, grown, out)
	}

	all := filepath.Join(dir, "all", "bill")
	scaleBill(t, paths[0], all, "", big.NewRat(105, 100))
	code, out, stderr = runCurnorm(t, "check", "--baseline", base, "--max-increase", "10%", "--by", "service", all+"/")
	if code != exitOK {
		t.Fatalf("all grew 5%%: exit %d, want 0\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "ok       max-increase 10%: total USD") || !strings.Contains(out, ", +5.0%)") {
		t.Errorf("the total did not grow 5%%:\n%s", out)
	}
}
