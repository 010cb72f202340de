package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXOutput: report, merge, diff and commitments write a workbook to a file or a pipe, and refuse to print
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
