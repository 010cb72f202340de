package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/curnorm/curnorm/cur"
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
day or any other dimension, checked against public on-demand cost.

` + pathsHelp + `

Data goes to stdout; progress, summaries and warnings go to stderr. A progress bar shows on
long runs while stderr is a terminal, never in a pipe or with --quiet. Tables fit the
terminal and are coloured on one; NO_COLOR=1 turns colour off.

Shell completion of commands, flags, dimensions, metrics and formats:
'curnorm completion bash|zsh|fish|powershell --help' tells how to install it.`,
		Example: `  curnorm sample -o bill/                        # a synthetic month of CUR to try things on
  curnorm report bill/                           # cost by service
  curnorm report --by account,service --top 10 bill/
  curnorm report --by account s3://my-bucket/cur/my-report/
  curnorm explain                                # how the default metric prices each line item
  source <(curnorm completion bash)              # completion in the current bash`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetVersionTemplate(versionLine() + "\n")
	root.SetUsageTemplate(root.UsageTemplate() + "\n" + exitStatusHelp)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w%s\nRun '%s --help' for usage.", err, suggestFlag(c, err), c.CommandPath())}
	})
	root.PersistentFlags().BoolVarP(&ios.Quiet, "quiet", "q", false, "no progress, summaries or warnings on stderr; errors only")
	root.AddCommand(
		newCmdVersion(ios),
		newCmdInspect(ios, nil),
		newCmdReport(ios, nil),
		newCmdMerge(ios, nil),
		newCmdNormalize(ios, nil),
		newCmdExplain(ios, nil),
		newCmdSample(ios, nil),
		newCmdDiff(ios, nil),
		newCmdCheck(ios, nil),
		newCmdCommitments(ios, nil),
		newCmdSQL(ios, nil),
		newCmdDocs(),
	)
	registerCompletions(root)
	return root
}

// run executes curnorm with args and returns the exit code; errors go to ios.ErrOut.
func run(ctx context.Context, args []string, ios *ioStreams) int {
	root := newCmdRoot(ios)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if in := interruptOf(ctx); in != nil && err != nil {
		in.announce(ios.ErrOut)
		return in.code()
	}
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "curnorm") {
			msg = "curnorm: " + msg
		}
		fmt.Fprintln(ios.ErrOut, msg+flagHint(err))
	}
	return exitCode(err)
}

// flagHint names the flag that accepts what an error of the libraries refused: they know
// nothing of the command line.
func flagHint(err error) string {
	if errors.Is(err, cur.ErrDuplicateInput) && !strings.Contains(err.Error(), "--allow-duplicates") {
		return " (--allow-duplicates counts each copy)"
	}
	return ""
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
