package main

import (
	"bytes"
	"cmp"
	"context"
	"math/big"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReportPivot: across three months, the last one month-to-date, --pivot month puts each
// service's cost of each month in its column, the cost the plain rollup gives that service
// and month, and marks the month-to-date one partial.
func TestReportPivot(t *testing.T) {
	dir := t.TempDir()
	sept, nov := filepath.Join(dir, "sept"), filepath.Join(dir, "nov")
	for _, args := range [][]string{
		{"sample", "--quiet", "--month", "2026-09", "--rows", "1500", "--seed", "2", "-o", sept},
		{"sample", "--quiet", "--through", "2026-11-14", "--rows", "1000", "--seed", "3", "-o", nov},
	} {
		if code, _, stderr := runCurnorm(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	bills := []string{sept, filepath.Join("..", "..", "testdata", "demo"), nov}
	pivot := csvRows(t, append([]string{"report", "--quiet", "--by", "service,month", "--pivot", "month", "--format", "csv"}, bills...)...)
	plain := csvRows(t, append([]string{"report", "--quiet", "--by", "service,month", "--format", "csv"}, bills...)...)

	months := []string{"2026-09", "2026-10", "2026-11"}
	if want := []string{"service", "currency", "2026-09", "2026-10", "change 2026-10", "2026-11 (partial)", "change 2026-11"}; !slices.Equal(pivot[0], want) {
		t.Fatalf("header %q, want %q", pivot[0], want)
	}
	// cost of (service, month), and of ("(total)", month) the sum over services
	cost := map[[2]string]*big.Rat{}
	for _, r := range plain[1 : len(plain)-1] {
		cost[[2]string{r[0], r[1]}] = rat(t, r[4])
		total := [2]string{"(total)", r[1]}
		cost[total] = new(big.Rat).Add(cmp.Or(cost[total], new(big.Rat)), rat(t, r[4]))
	}
	if len(pivot) < 3 {
		t.Fatalf("pivot of %d rows", len(pivot))
	}
	for _, r := range pivot[1:] {
		for i, m := range months {
			want := cost[[2]string{r[0], m}]
			if want == nil {
				want = new(big.Rat)
			}
			got := rat(t, r[[]int{2, 3, 5}[i]]) // the months' columns, between the changes
			if got.Cmp(want) != 0 {
				t.Errorf("%s %s: pivot %s, rollup %s", r[0], m, got.FloatString(10), want.FloatString(10))
			}
		}
	}

	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--by", "service", "--pivot", "month"}, "--pivot month: add month to --by"},
		{[]string{"--by", "service,day", "--pivot", "day"}, "--pivot day: pivot on month or billing-period"},
		{[]string{"--by", "service,month", "--pivot", "month", "--format", "json"}, "--pivot writes table, csv, markdown, xlsx, not json"},
		{[]string{"--by", "service,month", "--pivot", "month", "--top", "3"}, "--pivot and --top do not go together"},
	} {
		var o, e bytes.Buffer
		args := append(append([]string{"report"}, tc.args...), bills[1])
		code := run(context.Background(), args, &ioStreams{In: strings.NewReader(""), Out: &o, ErrOut: &e})
		if code != exitUsage || !strings.Contains(e.String(), tc.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", args, code, e.String(), exitUsage, tc.stderr)
		}
	}
}
