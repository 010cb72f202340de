package report

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/pricing"
)

func TestParseFilters(t *testing.T) {
	for _, tc := range []struct {
		specs  []string
		values [][]string
		negate []bool
	}{
		{[]string{"service=AmazonEC2"}, [][]string{{"AmazonEC2"}}, []bool{false}},
		{[]string{"service=AmazonEC2,AmazonRDS"}, [][]string{{"AmazonEC2", "AmazonRDS"}}, []bool{false}},
		{[]string{"service=AmazonEC2", "service=AmazonRDS"}, [][]string{{"AmazonEC2", "AmazonRDS"}}, []bool{false}},
		{[]string{`tag:Team=a\,b,c`}, [][]string{{"a,b", "c"}}, []bool{false}},
		{[]string{"tag:Team=(none)"}, [][]string{{""}}, []bool{false}},
		{[]string{"service!=AmazonEC2", "service=AmazonRDS"}, [][]string{{"AmazonEC2"}, {"AmazonRDS"}}, []bool{true, false}},
		{[]string{"tag:Eq=a!=b"}, [][]string{{"a!=b"}}, []bool{false}},
	} {
		fs, err := ParseFilters(tc.specs)
		if err != nil {
			t.Fatalf("%q: %v", tc.specs, err)
		}
		var values [][]string
		var negate []bool
		for _, f := range fs {
			values, negate = append(values, f.Values), append(negate, f.Negate)
		}
		if !reflect.DeepEqual(values, tc.values) || !reflect.DeepEqual(negate, tc.negate) {
			t.Errorf("%q: values %q negate %v, want %q %v", tc.specs, values, negate, tc.values, tc.negate)
		}
	}
	if _, err := ParseFilters([]string{"service"}); err == nil {
		t.Error("a filter without = parsed")
	}
}

// TestEmptySelectionIsAnError: filters that keep no row fail, naming the filter and the values
// of the data a user probably meant; filters that keep rows do not.
func TestEmptySelectionIsAnError(t *testing.T) {
	bill := "lineItem/LineItemType,lineItem/UsageAccountId,lineItem/ProductCode,lineItem/CurrencyCode,lineItem/UnblendedCost\n" +
		"Usage,010933015897,AmazonEC2,USD,1\n" +
		"Usage,111111111111,AmazonS3,USD,2\n" +
		"Tax,111111111111,AmazonEC2,USD,0.5\n"
	path := filepath.Join(t.TempDir(), "bill.csv")
	if err := os.WriteFile(path, []byte(bill), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(specs ...string) error {
		fs, err := ParseFilters(specs)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Run(context.Background(), []cur.Source{{Path: path}, {Path: path}}, Options{Metric: pricing.Unblended, Filters: fs, Jobs: 2, AllowDuplicates: true})
		return err
	}
	for _, tc := range []struct {
		specs []string
		want  string // "" when rows are kept
	}{
		{[]string{"service=AmazonEC2"}, ""},
		{[]string{"service=AmazonEC2,NoSuch"}, ""},
		{[]string{"service=amazonec2"}, "--filter service=amazonec2: no row has service amazonec2; did you mean AmazonEC2?"},
		{[]string{"account=10933015897"}, "did you mean 010933015897?"},
		{[]string{"service=A,B"}, "no row has service A or B (values include AmazonEC2, AmazonS3)"},
		{[]string{"service=AmazonS3", "line-item-type=Tax"}, "--filter line-item-type=Tax and --filter service=AmazonS3: each value occurs, but no row meets every filter"},
		{[]string{"service!=AmazonEC2", "service!=AmazonS3"}, "no row meets every filter"},
	} {
		err := run(tc.specs...)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.specs, err)
			}
			continue
		}
		if !errors.Is(err, ErrEmptySelection) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want ErrEmptySelection with %q", tc.specs, err, tc.want)
		}
	}
}

// TestTopKeepsCostliestWhateverSort: --top keeps the N costliest groups, then --sort orders
// them, the (other) group last.
func TestTopKeepsCostliestWhateverSort(t *testing.T) {
	bill := "lineItem/LineItemType,lineItem/ProductCode,lineItem/CurrencyCode,lineItem/UnblendedCost\n" +
		"Usage,Alpha,USD,1\nUsage,Bravo,USD,50\nUsage,Charlie,USD,5\nUsage,Delta,USD,20\n"
	path := filepath.Join(t.TempDir(), "bill.csv")
	if err := os.WriteFile(path, []byte(bill), 0o644); err != nil {
		t.Fatal(err)
	}
	for sortBy, want := range map[string][]string{
		"cost": {"Bravo", "Delta", Other},
		"name": {"Bravo", "Delta", Other},
		"":     {"Bravo", "Delta", Other},
	} {
		res := runOpts(t, []cur.Source{{Path: path}}, Options{Metric: pricing.Unblended, Top: 2, Sort: sortBy}, []string{"service"})
		var got []string
		for _, g := range res.Groups {
			got = append(got, g.Key[0])
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("--top 2 --sort %q: groups %q, want %q", sortBy, got, want)
		}
	}
	res := runOpts(t, []cur.Source{{Path: path}}, Options{Metric: pricing.Unblended, Top: 3, Sort: "name"}, []string{"service"})
	if got := []string{res.Groups[0].Key[0], res.Groups[1].Key[0], res.Groups[2].Key[0]}; !reflect.DeepEqual(got, []string{"Bravo", "Charlie", "Delta"}) {
		t.Errorf("--top 3 --sort name: %q, want the three costliest by name", got)
	}
}

// TestTimeDimensionsSortChronologically: by default a time dimension orders groups by time,
// not by cost; --sort cost still orders by cost.
func TestTimeDimensionsSortChronologically(t *testing.T) {
	bill := "lineItem/LineItemType,lineItem/ProductCode,lineItem/CurrencyCode,lineItem/UsageStartDate,lineItem/UnblendedCost\n" +
		"Usage,A,USD,2026-10-03T00:00:00Z,1\nUsage,A,USD,2026-10-01T00:00:00Z,2\nUsage,A,USD,2026-10-02T05:00:00Z,3\n"
	path := filepath.Join(t.TempDir(), "bill.csv")
	if err := os.WriteFile(path, []byte(bill), 0o644); err != nil {
		t.Fatal(err)
	}
	days := func(res *Result) []string {
		var out []string
		for _, g := range res.Groups {
			out = append(out, g.Key[len(g.Key)-1])
		}
		return out
	}
	if got := days(runOpts(t, []cur.Source{{Path: path}}, Options{Metric: pricing.Unblended}, []string{"service", "day"})); !reflect.DeepEqual(got, []string{"2026-10-01", "2026-10-02", "2026-10-03"}) {
		t.Errorf("default order by service,day: %q", got)
	}
	if got := days(runOpts(t, []cur.Source{{Path: path}}, Options{Metric: pricing.Unblended, Sort: "cost"}, []string{"day"})); !reflect.DeepEqual(got, []string{"2026-10-02", "2026-10-01", "2026-10-03"}) {
		t.Errorf("--sort cost by day: %q", got)
	}
}
