package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newCmdRoot(ios *ioStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "curnorm",
		Short: "Actual cost from AWS Cost and Usage Reports, checked against on-demand",
		Long: `curnorm streams AWS Cost and Usage Report (CUR) files — legacy CSV, CSV.gz, CSV.zip and
Parquet, CUR 2.0 CSV and Parquet, whole report folders with their manifests — computes what
each line item actually cost under a chosen metric, and rolls it up by account, service, tag,
day or any other dimension, checked against public on-demand cost.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetUsageTemplate(root.UsageTemplate() + "\n" + exitStatusHelp)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	root.AddCommand(
		newCmdVersion(ios),
		newCmdInspect(ios, nil),
		newCmdReport(ios, nil),
		newCmdNormalize(ios, nil),
		newCmdExplain(ios, nil),
	)
	return root
}

// run executes curnorm with args and returns the exit code; errors go to ios.ErrOut.
func run(ctx context.Context, args []string, ios *ioStreams) int {
	root := newCmdRoot(ios)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "curnorm") {
			msg = "curnorm: " + msg
		}
		fmt.Fprintln(ios.ErrOut, msg)
	}
	return exitCode(err)
}

// wrapRun marks errors of a command's own work so that they are not mistaken for usage errors.
func wrapRun(f func() error) error {
	if err := f(); err != nil {
		if _, ok := err.(*usageError); ok {
			return err
		}
		return &runError{err}
	}
	return nil
}
