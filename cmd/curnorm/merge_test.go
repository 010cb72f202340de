package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/sample"
)

// mergeBill is a bill of several files whose per-file parts TestMergeIsReport merges.
type mergeBill struct {
	name  string
	files []string
}

// mergeBills are the project's own fixtures (both flavours of the own bill with the demo
// bill: two currencies, two flavours), bills curnorm sample writes in several files (legacy
// CSV.gz over two months, CUR 2.0 Parquet with its map columns) and, when present, the shared
// samples.
func mergeBills(t *testing.T) []mergeBill {
	t.Helper()
	testdata, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	bills := []mergeBill{{"own", []string{
		filepath.Join(testdata, "bills", "own-legacy.csv"),
		filepath.Join(testdata, "bills", "own-cur2.csv"),
		filepath.Join(testdata, "demo", "curnorm-sample-1.csv.gz"),
	}}}
	dir := t.TempDir()
	var legacy []string
	for i, month := range []string{"2026-09", "2026-10"} {
		files, err := sample.Generate(filepath.Join(dir, "legacy", month), sample.Options{Flavour: cur.LegacyCSV, Rows: 3000,
			Parts: 3, Month: month, Gzip: true, Seed: int64(i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		legacy = append(legacy, files...)
	}
	bills = append(bills, mergeBill{"sample-legacy", legacy})
	files, err := sample.Generate(filepath.Join(dir, "cur2"), sample.Options{Flavour: cur.CUR2Parquet, Rows: 3000, Parts: 3})
	if err != nil {
		t.Fatal(err)
	}
	bills = append(bills, mergeBill{"sample-cur2-parquet", files})
	shared, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "samples"))
	if _, err := os.Stat(shared); err == nil {
		var files []string
		for _, f := range []string{"legacy-csv/sample-anonymous-aws-export-dataset.csv", "cur2/sample_cur2.parquet", "worked/bill-legacy.csv"} {
			files = append(files, filepath.Join(shared, filepath.FromSlash(f)))
		}
		bills = append(bills, mergeBill{"shared", files})
	} else {
		t.Logf("no shared samples at %s: merging the project's own bills only", shared)
	}
	return bills
}

// TestMergeIsReport: merging the per-file parts of a bill, given in any order, prints the
// same bytes on stdout and stderr as one report over all its files, in every format, for
// several --by sets, metrics and filters, with --top, --sort and --precision applied to the
// merge.
func TestMergeIsReport(t *testing.T) {
	cases := []struct {
		by, metric string
		extra      []string // rule flags given to report and to every part
	}{
		{"service", "amortized", nil},
		{"account,service", "simple", nil},
		{"line-item-type,source", "net-amortized", nil},
		// The shared samples have no Team cost category: (none), with a warning per file.
		{"tag:Team,cost-category:Team", "amortized", []string{"--allow-empty"}},
		{"day,purchase-option", "unblended", nil},
		{"region,usage-type", "amortized", []string{"--filter", "line-item-type!=Tax", "--include-split-cost"}},
	}
	outputs := [][]string{{}, {"--top", "3"}, {"--sort", "savings", "--precision", "4"}}
	for _, bill := range mergeBills(t) {
		for _, tc := range cases {
			t.Run(bill.name+"/"+tc.metric+"/"+tc.by, func(t *testing.T) {
				rule := append([]string{"--by", tc.by, "--metric", tc.metric}, tc.extra...)
				dir := t.TempDir()
				var parts []string
				for i, f := range bill.files {
					part := filepath.Join(dir, fmt.Sprintf("part-%d.json", i))
					code, out, errOut := runCurnorm(t, slices.Concat([]string{"report", "-q", "--format", "json", "--allow-empty"}, rule, []string{f})...)
					if code != 0 {
						t.Fatalf("part of %s: exit %d: %s", f, code, errOut)
					}
					if err := os.WriteFile(part, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
					parts = append(parts, part)
				}
				orders := [][]string{parts, reversed(parts), rotated(parts)}
				for k, format := range []string{"table", "csv", "json", "ndjson", "markdown"} {
					for j, output := range outputs {
						args := slices.Concat([]string{"--format", format}, output)
						code, want, wantErr := runCurnorm(t, slices.Concat([]string{"report"}, rule, args, bill.files)...)
						if code != 0 {
							t.Fatalf("report %s: exit %d: %s", strings.Join(args, " "), code, wantErr)
						}
						order := orders[(k+j)%len(orders)]
						code, got, gotErr := runCurnorm(t, slices.Concat([]string{"merge"}, args, order)...)
						if code != 0 {
							t.Fatalf("merge %s: exit %d: %s", strings.Join(args, " "), code, gotErr)
						}
						if got != want {
							t.Errorf("merge %s: stdout differs from report's:\n--- report\n%s\n--- merge\n%s", strings.Join(args, " "), want, got)
						}
						if gotErr != wantErr {
							t.Errorf("merge %s: stderr differs from report's:\n--- report\n%s\n--- merge\n%s", strings.Join(args, " "), wantErr, gotErr)
						}
					}
				}
			})
		}
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

func rotated(s []string) []string {
	return append(slices.Clone(s[1:]), s[0])
}

// TestMergeAccountNames: the warnings of --account-names speak of the whole bill after the
// merge, as in one report: an account no part names, an id no part matches.
func TestMergeAccountNames(t *testing.T) {
	dir := t.TempDir()
	files, err := sample.Generate(filepath.Join(dir, "bill"), sample.Options{Flavour: cur.LegacyCSV, Rows: 2000, Parts: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Name every account but one, and one that is in no file.
	_, out, _ := runCurnorm(t, "report", "-q", "--by", "account", "--format", "csv", files[0])
	var names strings.Builder
	names.WriteString("id,name\n999999999999,Nobody\n")
	for i, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		id, _, _ := strings.Cut(line, ",")
		if i > 0 && !strings.HasPrefix(id, "(") {
			fmt.Fprintf(&names, "%s,team-%d\n", id, i)
		}
	}
	namesFile := filepath.Join(dir, "names.csv")
	if err := os.WriteFile(namesFile, []byte(names.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rule := []string{"--by", "account-name,service", "--account-names", namesFile}
	var parts []string
	for i, f := range files {
		code, out, errOut := runCurnorm(t, slices.Concat([]string{"report", "-q", "--format", "json"}, rule, []string{f})...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		parts = append(parts, filepath.Join(dir, fmt.Sprintf("part-%d.json", i)))
		if err := os.WriteFile(parts[i], []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, want, wantErr := runCurnorm(t, slices.Concat([]string{"report"}, rule, files)...)
	_, got, gotErr := runCurnorm(t, slices.Concat([]string{"merge"}, reversed(parts))...)
	if got != want || gotErr != wantErr {
		t.Errorf("merge differs from report:\n--- report\n%s%s\n--- merge\n%s%s", want, wantErr, got, gotErr)
	}
	if !strings.Contains(gotErr, "--account-names: no name for 1 of the bill's accounts") || !strings.Contains(gotErr, "999999999999") {
		t.Errorf("warnings: %s", gotErr)
	}
	// A part made with another mapping groups accounts differently.
	other := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(other, []byte("id,name\n999999999999,Nobody\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ = runCurnorm(t, "report", "-q", "--format", "json", "--by", "account-name,service", "--account-names", other, files[1])
	otherPart := filepath.Join(dir, "other.json")
	if err := os.WriteFile(otherPart, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCurnorm(t, "merge", parts[0], otherPart); code != exitUsage || !strings.Contains(errOut, "--account-names differs") {
		t.Errorf("another mapping: exit %d: %s", code, errOut)
	}
}

// TestMergeRefuses: parts that cannot make one report are refused with the documented exit
// code and a message naming the file.
func TestMergeRefuses(t *testing.T) {
	dir := t.TempDir()
	files, err := sample.Generate(filepath.Join(dir, "bill"), sample.Options{Flavour: cur.LegacyCSV, Rows: 2000, Parts: 2})
	if err != nil {
		t.Fatal(err)
	}
	part := func(name string, args ...string) string {
		t.Helper()
		code, out, errOut := runCurnorm(t, append([]string{"report", "-q", "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := part("a.json", "--by", "service", files[0])
	b := part("b.json", "--by", "service", files[1])
	copyFile := filepath.Join(dir, "copy.csv")
	data, _ := os.ReadFile(files[0])
	os.WriteFile(copyFile, data, 0o644)
	good, _ := os.ReadFile(b)
	for _, tc := range []struct {
		name  string
		parts []string
		code  int
		msg   string
	}{
		{"metric", []string{a, part("simple.json", "--metric", "simple", files[1])}, exitUsage, "metric differs (" + a + ": amortized; "},
		{"dimensions", []string{a, part("account.json", "--by", "account", files[1])}, exitUsage, "--by differs (" + a + ": service; "},
		{"filters", []string{a, part("filtered.json", "--filter", "service=AmazonEC2", files[1])}, exitUsage, "--filter differs (" + a + ": none; "},
		{"split cost", []string{a, part("split.json", "--include-split-cost", files[1])}, exitUsage, "--include-split-cost differs"},
		{"top", []string{a, part("top.json", "--top", "2", files[1])}, exitUsage, "was written with --top 2"},
		{"precision", []string{a, part("precision.json", "--precision", "2", files[1])}, exitUsage, "written with --precision 2"},
		{"same part twice", []string{a, b, a}, exitInput, files[0] + " is in " + a + " too"},
		{"same content", []string{a, part("copy.json", copyFile)}, exitInput, "copy.csv holds the same content as " + files[0]},
		{"not a report", []string{a, write("manifest.json", `{"reportName": "cur"}`)}, exitInput, `manifest.json: unsupported format: not a report document (no "schema")`},
		{"damaged", []string{a, write("cut.json", string(good[:len(good)/2]))}, exitInput, "cut.json: bad value: not a report document: unexpected end of JSON input"},
		{"bad money", []string{a, write("money.json", strings.Replace(string(good), `"cost": "`, `"cost": "x`, 1))}, exitInput, "money.json: bad value: group 1: cost: invalid number"},
		{"v1", []string{a, write("v1.json", strings.Replace(string(good), "curnorm.report/v2", "curnorm.report/v1", 1))}, exitInput, `v1.json: unsupported format: part schema "curnorm.report/v1" does not identify its inputs`},
		{"other rules", []string{a, write("rules.json", strings.Replace(string(good), `"rules": "rollup/`, `"rules": "other/`, 1))}, exitInput, `rules.json: unsupported format: part priced with rules "other/`},
		{"csv", []string{a, files[1]}, exitInput, files[1] + ": bad value: not a report document"},
		{"missing", []string{a, filepath.Join(dir, "none.json")}, exitInput, "none.json: no input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCurnorm(t, append([]string{"merge"}, tc.parts...)...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %s; want exit %d and %q", code, out, errOut, tc.code, tc.msg)
			}
		})
	}
	// --allow-duplicates counts a copy in another part, as report's does.
	if code, _, errOut := runCurnorm(t, "merge", "--allow-duplicates", a, filepath.Join(dir, "copy.json")); code != 0 {
		t.Errorf("--allow-duplicates: exit %d: %s", code, errOut)
	}
}

// TestMergeEmptyParts: with --allow-empty, a part whose files hold no row the filters keep is
// empty rather than an error, and merges into what one report gives; when no part holds a row,
// merge fails as report does (exit 2).
func TestMergeEmptyParts(t *testing.T) {
	testdata, _ := filepath.Abs(filepath.Join("..", "..", "testdata"))
	files := []string{filepath.Join(testdata, "bills", "own-legacy.csv"), filepath.Join(testdata, "demo", "curnorm-sample-1.csv.gz")}
	dir := t.TempDir()
	for _, filter := range []string{"currency=EUR", "currency=USD"} {
		rule := []string{"--by", "service", "--filter", filter}
		var parts []string
		for i, f := range files {
			code, out, errOut := runCurnorm(t, slices.Concat([]string{"report", "-q", "--format", "json", "--allow-empty"}, rule, []string{f})...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			parts = append(parts, filepath.Join(dir, fmt.Sprintf("%s-%d.json", filter, i)))
			os.WriteFile(parts[i], []byte(out), 0o644)
		}
		code, want, wantErr := runCurnorm(t, slices.Concat([]string{"report"}, rule, files)...)
		_, got, gotErr := runCurnorm(t, append([]string{"merge"}, parts...)...)
		if code != 0 || got != want || gotErr != wantErr {
			t.Errorf("%s: merge differs from report (exit %d):\n--- report\n%s%s\n--- merge\n%s%s", filter, code, want, wantErr, got, gotErr)
		}
		// Each part alone: one holds every row, the other none.
		for i, p := range parts {
			code, want, _ := runCurnorm(t, slices.Concat([]string{"report"}, rule, []string{files[i]})...)
			gotCode, got, _ := runCurnorm(t, "merge", p)
			if code != gotCode || got != want {
				t.Errorf("%s alone: report exit %d, merge exit %d:\n%s\n---\n%s", p, code, gotCode, want, got)
			}
		}
	}
}
