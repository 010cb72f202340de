package main

import (
	"fmt"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/spf13/cobra"
)

// addDiscoverFlags adds the flags that steer how folders and manifests become files.
func addDiscoverFlags(cmd *cobra.Command, o *cur.DiscoverOptions) {
	cmd.Flags().StringVar(&o.Assembly, "assembly", "", "legacy report assembly id to read when a period has several and no period manifest")
	cmd.Flags().BoolVar(&o.AllowMixed, "allow-mixed-assemblies", false, "accept named files from two assemblies or executions of one period")
}

// checkFormat refuses a --format value the command does not write.
func checkFormat(got string, valid ...string) error {
	for _, v := range valid {
		if got == v {
			return nil
		}
	}
	return &usageError{fmt.Errorf("unknown format %q (valid: %s)", got, strings.Join(valid, ", "))}
}

// warn prints diagnostics on stderr, one line each.
func warn(ios *ioStreams, lines []string) {
	for _, l := range lines {
		fmt.Fprintln(ios.ErrOut, "curnorm: warning: "+l)
	}
}
