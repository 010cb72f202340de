package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newCmdVersion(ios *ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of curnorm",
		Long: `Version prints curnorm's version, the Go release that built it and the platform it runs
on. Release binaries carry their tag; 'go install ...@vX.Y.Z' builds carry the module version;
other builds say "dev". 'curnorm --version' prints the same line.`,
		Example: `  curnorm version
  curnorm --version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(ios.Out, versionLine())
			return nil
		},
	}
}

func versionLine() string {
	return fmt.Sprintf("curnorm %s (%s, %s/%s)", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// buildVersion prefers the linker-set version, then the module version of go install.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
