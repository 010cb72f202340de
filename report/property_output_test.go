package report_test

// These properties hold for the rollup as printed: they run report.Run and compare what the
// writers of report/render make of its results.

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
	"github.com/curnorm/curnorm/cur/sample"
	"github.com/curnorm/curnorm/report"
	"github.com/curnorm/curnorm/report/render"
)

// TestDeterministicOutput: the same bytes for any --jobs and any order of the input files,
// over hand-made bills, generated parts of other periods and flavours (Parquet included) and
// a bill in two currencies.
func TestDeterministicOutput(t *testing.T) {
	bills := report.OwnBills()
	legacy := sharedOptional(filepath.Join("worked", "bill-legacy.csv"))
	if legacy != "" {
		bills = append(bills, cur.Source{Path: legacy})
	}
	dir := t.TempDir()
	for _, o := range []sample.Options{
		{Flavour: cur.LegacyCSV, Rows: 3000, Month: "2026-09", Parts: 2, Seed: 3},
		{Flavour: cur.CUR2Parquet, Rows: 2000, Month: "2026-11", Seed: 4},
	} {
		o.Report = fmt.Sprintf("gen-%s", o.Month)
		paths, err := sample.Generate(dir, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			bills = append(bills, cur.Source{Path: p})
		}
	}
	bills = append(bills, cur.Source{Path: filepath.Join("..", "testdata", "bad", "two-currencies.csv")})
	want := map[string][]byte{}
	for _, jobs := range []int{1, 2, 8} {
		for _, p := range someOrders(len(bills)) {
			srcs := make([]cur.Source, len(p))
			for i, j := range p {
				srcs[i] = bills[j]
			}
			res := report.RunOpts(t, srcs, report.Options{Metric: pricing.Amortized, Jobs: jobs}, []string{"account", "service"})
			res.Files = nil // the list of files follows the command line
			for _, format := range render.Formats {
				var buf bytes.Buffer
				if err := render.Write(&buf, res, render.Options{Format: format, Precision: -1}); err != nil {
					t.Fatal(err)
				}
				render.WriteSummary(&buf, res, render.Options{Precision: -1})
				if want[format] == nil {
					want[format] = buf.Bytes()
				} else if !bytes.Equal(want[format], buf.Bytes()) {
					t.Fatalf("%s: output differs for --jobs %d, order %v", format, jobs, p)
				}
			}
		}
	}
}

// someOrders returns every order of n files when there are few, else the identity, its
// reverse, every rotation and a few fixed shuffles: enough to move each file to every place.
func someOrders(n int) [][]int {
	if n <= 4 {
		return permutations(n)
	}
	var out [][]int
	for r := 0; r < n; r++ {
		rot := make([]int, n)
		rev := make([]int, n)
		for i := range rot {
			rot[i] = (i + r) % n
			rev[i] = (n - 1 - i + r) % n
		}
		out = append(out, rot, rev)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 4; k++ {
		out = append(out, rnd.Perm(n))
	}
	return out
}

func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// TestNoSummaryReadsLessButAgrees: a run that parses only the chosen metric's columns gives the
// same groups and totals as a full one, and no warnings about the columns it left out.
func TestNoSummaryReadsLessButAgrees(t *testing.T) {
	for _, by := range report.PropertyDims {
		for _, m := range pricing.Metrics {
			full := report.RunOpts(t, report.OwnBills(), report.Options{Metric: m}, by)
			lean := report.RunOpts(t, report.OwnBills(), report.Options{Metric: m, NoSummary: true}, by)
			if len(lean.Summaries) != 0 {
				t.Errorf("by %v %s: NoSummary left %d summaries", by, m, len(lean.Summaries))
			}
			if len(lean.Warnings) != len(full.Warnings) {
				t.Errorf("by %v %s: warnings %q, full run %q", by, m, lean.Warnings, full.Warnings)
			}
			var a, b bytes.Buffer
			full.Summaries, full.Warnings = nil, nil
			lean.Warnings = nil
			render.Write(&a, full, render.Options{Format: "csv", Precision: -1})
			render.Write(&b, lean, render.Options{Format: "csv", Precision: -1})
			if a.String() != b.String() {
				t.Errorf("by %v %s: lean output differs:\n%s\nfull:\n%s", by, m, b.String(), a.String())
			}
		}
	}
}

// TestOneFileOnSeveralCores: one Parquet file read by several rollups at once (report on more
// cores than files) gives the output of one rollup, byte for byte, under every metric, with
// and without the bill summary, and whatever the dimensions.
func TestOneFileOnSeveralCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	dir := t.TempDir()
	for _, fl := range []cur.Flavour{cur.LegacyParquet, cur.CUR2Parquet} {
		paths, err := sample.Generate(filepath.Join(dir, fl.String()), sample.Options{Flavour: fl, Rows: 70_000, Seed: 11})
		if err != nil {
			t.Fatal(err)
		}
		src := []cur.Source{{Path: paths[0]}}
		for _, by := range [][]string{{"account", "service"}, {"line-item-type"}, {"source"}, {"purchase-option", "day"}} {
			for _, m := range pricing.Metrics {
				for _, noSummary := range []bool{false, true} {
					var want []byte
					for _, jobs := range []int{1, 2, 4} {
						res := report.RunOpts(t, src, report.Options{Metric: m, Jobs: jobs, NoSummary: noSummary}, by)
						var buf bytes.Buffer
						if err := render.Write(&buf, res, render.Options{Format: "json", Precision: -1}); err != nil {
							t.Fatal(err)
						}
						if want == nil {
							want = buf.Bytes()
						} else if !bytes.Equal(want, buf.Bytes()) {
							t.Fatalf("%v by %v %s summary %v: --jobs %d differs from --jobs 1", fl, by, m, !noSummary, jobs)
						}
					}
				}
			}
		}
	}
}

// sharedOptional returns a shared sample's path, or "" when the folder is absent.
func sharedOptional(rel string) string {
	p := filepath.Join("..", "..", "shared", "samples", rel)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
