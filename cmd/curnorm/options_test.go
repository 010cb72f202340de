package main

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/spf13/cobra"
)

// parse runs cmd on args with its work replaced (runF), as gh's command tests do: the flags
// land in the options struct without a file being read.
func parse(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	return cmd.ExecuteContext(context.Background())
}

func testIO() *ioStreams {
	return &ioStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
}

// TestFlagsToOptions: each command's flags become its options struct: lists split and
// repeat, defaults hold, and paths arrive in order.
func TestFlagsToOptions(t *testing.T) {
	t.Run("report", func(t *testing.T) {
		var got *reportOptions
		cmd := newCmdReport(testIO(), func(_ context.Context, o *reportOptions) error { got = o; return nil })
		err := parse(t, cmd, "--by", "account,service", "--by", "tag:Team", "--filter", "service=AmazonEC2,AmazonRDS",
			"--filter", "account!=111111111111", "--metric", "simple", "--top", "5", "--allow-duplicates", "--on-error", "skip", "b.csv", "a/")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.By, []string{"account", "service", "tag:Team"}) ||
			!reflect.DeepEqual(got.Filters, []string{"service=AmazonEC2,AmazonRDS", "account!=111111111111"}) ||
			got.Metric != "simple" || got.Top != 5 || got.Format != "table" || got.Sort != "" || got.Precision != -1 ||
			!got.Discover.AllowDuplicates || got.OnError.OnError != "skip" || !reflect.DeepEqual(got.Paths, []string{"b.csv", "a/"}) {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("check", func(t *testing.T) {
		var got *checkOptions
		cmd := newCmdCheck(testIO(), func(_ context.Context, o *checkOptions) error { got = o; return nil })
		err := parse(t, cmd, "--baseline", "base.json", "--max-increase", "10%,500", "--fail-on", "reconciliation,over-on-demand",
			"--output", "junit=check.xml", "--output", "markdown=comment.md", "--by", "service", "bill/")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Baseline, []string{"base.json"}) || !reflect.DeepEqual(got.MaxIncrease, []string{"10%", "500"}) ||
			!reflect.DeepEqual(got.FailOn, []string{"reconciliation", "over-on-demand"}) ||
			!reflect.DeepEqual(got.Outputs, []string{"junit=check.xml", "markdown=comment.md"}) ||
			!got.ByGiven || got.MetricGiven || !reflect.DeepEqual(got.Paths, []string{"bill/"}) {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("normalize", func(t *testing.T) {
		var got *normalizeOptions
		cmd := newCmdNormalize(testIO(), func(_ context.Context, o *normalizeOptions) error { got = o; return nil })
		if err := parse(t, cmd, "-o", "rows.parquet", "--columns", "account,tag:Team", "--no-formula-escape", "bill/"); err != nil {
			t.Fatal(err)
		}
		if got.Output != "rows.parquet" || !reflect.DeepEqual(got.Columns, []string{"account", "tag:Team"}) || !got.NoFormulaEscape ||
			got.Metric != "amortized" {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("diff", func(t *testing.T) {
		var got *diffOptions
		cmd := newCmdDiff(testIO(), func(_ context.Context, o *diffOptions) error { got = o; return nil })
		if err := parse(t, cmd, "--exit-code", "--format", "csv", "old.json", "new/"); err != nil {
			t.Fatal(err)
		}
		if !got.ExitCode || got.Format != "csv" || !reflect.DeepEqual(got.Old, []string{"old.json"}) || !reflect.DeepEqual(got.New, []string{"new/"}) {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("inspect and explain", func(t *testing.T) {
		var in *inspectOptions
		if err := parse(t, newCmdInspect(testIO(), func(_ context.Context, o *inspectOptions) error { in = o; return nil }),
			"--format", "json", "--assembly", "abc", "x.csv"); err != nil {
			t.Fatal(err)
		}
		var ex *explainOptions
		if err := parse(t, newCmdExplain(testIO(), func(_ context.Context, o *explainOptions) error { ex = o; return nil }),
			"--metric", "net-amortized", "--include-split-cost"); err != nil {
			t.Fatal(err)
		}
		if in.Format != "json" || in.Discover.Assembly != "abc" || ex.Metric != "net-amortized" || !ex.IncludeSplitCost || len(ex.Paths) != 0 {
			t.Errorf("inspect %+v, explain %+v", in, ex)
		}
	})
	t.Run("sample", func(t *testing.T) {
		var got *sampleOptions
		cmd := newCmdSample(testIO(), func(_ context.Context, o *sampleOptions) error { got = o; return nil })
		if err := parse(t, cmd, "--flavour", "cur2-parquet", "--rows", "1000", "--parts", "2", "-o", "big/"); err != nil {
			t.Fatal(err)
		}
		if got.Flavour != "cur2-parquet" || got.Rows != 1000 || got.Parts != 2 || got.Output != "big/" {
			t.Errorf("options %+v", got)
		}
	})
}

// TestFormatRefusedBeforeWork: a format the command does not write is a usage error before
// its work would start.
func TestFormatRefusedBeforeWork(t *testing.T) {
	ran := false
	cmd := newCmdReport(testIO(), func(context.Context, *reportOptions) error { ran = true; return nil })
	err := parse(t, cmd, "--format", "xml", "bill.csv")
	if _, ok := err.(*usageError); !ok || ran {
		t.Fatalf("err = %v (%T), work ran: %v", err, err, ran)
	}
}
