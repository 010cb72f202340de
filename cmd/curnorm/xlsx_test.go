package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestXLSXOutput: report, merge, diff, check and commitments write a workbook to a file or a pipe, and refuse to print
// one on a terminal.
func TestXLSXOutput(t *testing.T) {
	demo := filepath.Join("..", "..", "testdata", "demo")
	part := filepath.Join(t.TempDir(), "part.json")
	if code, out, stderr := runCurnorm(t, "report", "--quiet", "--format", "json", "--by", "service", demo); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	} else if err := os.WriteFile(part, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"merge", "--quiet", "--format", "xlsx", part},
		{"commitments", "--quiet", "--format", "xlsx", demo},
		{"commitments", "--quiet", "--coverage", "--by", "service", "--format", "xlsx", demo},
		{"report", "--quiet", "--format", "xlsx", "--by", "account,service", demo},
		{"diff", "--quiet", "--format", "xlsx", "--by", "service", demo, demo},
		{"check", "--quiet", "--format", "xlsx", "--by", "service", "--baseline", part, "--max-increase", "10%", demo},
	} {
		code, out, stderr := runCurnorm(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", args[0], code, stderr)
		}
		f, err := excelize.OpenReader(strings.NewReader(out))
		if err != nil {
			t.Fatalf("%s: not a workbook: %v", args[0], err)
		}
		if rows, err := f.GetRows(f.GetSheetList()[0]); err != nil || len(rows) < 2 {
			t.Errorf("%s: first sheet has %d rows (%v)", args[0], len(rows), err)
		}
		f.Close()

		var o, e bytes.Buffer
		code = run(context.Background(), args, &ioStreams{In: strings.NewReader(""), Out: &o, ErrOut: &e, OutTTY: true})
		if code != exitUsage || o.Len() > 0 || !strings.Contains(e.String(), "xlsx is a file format, not for a terminal: redirect standard output to a file") {
			t.Errorf("%s on a terminal: exit %d, %d bytes out, stderr %q", args[0], code, o.Len(), e.String())
		}
	}
}

// TestNormalizeXLSX: normalize -o FILE.xlsx holds the rows normalize prints as CSV, cell for
// cell, the ids as text and the amounts as numbers, in curnorm's columns and in FOCUS's.
func TestNormalizeXLSX(t *testing.T) {
	for _, tc := range []struct {
		bill string
		args []string
		id   string // a text cell that looks like a number, and its column
		col  int
	}{
		{"dims-legacy.csv", nil, "011254002932", 2},
		{"own-cur2.csv", []string{"--to", "focus"}, "000123456789", 1},
	} {
		t.Run(tc.bill+strings.Join(tc.args, ""), func(t *testing.T) {
			bill := filepath.Join("..", "..", "testdata", "bills", tc.bill)
			code, out, stderr := runCurnorm(t, slices.Concat([]string{"normalize", "--quiet", "--no-formula-escape"}, tc.args, []string{bill})...)
			if code != 0 {
				t.Fatalf("csv: exit %d: %s", code, stderr)
			}
			want, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "rows.xlsx")
			if code, _, stderr := runCurnorm(t, slices.Concat([]string{"normalize", "--quiet", "-o", path}, tc.args, []string{bill})...); code != 0 {
				t.Fatalf("xlsx: exit %d: %s", code, stderr)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := f.GetRows("rows", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, csv has %d", len(got), len(want))
			}
			for i := range want {
				for j, w := range want[i] {
					g := ""
					if j < len(got[i]) {
						g = got[i][j]
					}
					if _, err := time.Parse(time.RFC3339, w); err == nil && i > 0 {
						continue // a date serial number in the workbook
					}
					if g != w && !sameNumber(g, w) {
						t.Errorf("row %d column %s: %q, csv has %q", i, want[0][j], g, w)
					}
				}
			}
			if got[1][tc.col] != tc.id {
				t.Errorf("%s %q lost its leading zero", got[0][tc.col], got[1][tc.col])
			}
		})
	}
}

// sameNumber reports two decimal texts of one number.
func sameNumber(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x == y
}
