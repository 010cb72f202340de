package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur/discover"
	"github.com/curnorm/curnorm/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// periodsValue is --period: billing periods, "current" and "previous" read at parse time.
type periodsValue struct{ dst *[]string }

func (v periodsValue) String() string { return strings.Join(*v.dst, ",") }
func (v periodsValue) Type() string   { return "periods" }

func (v periodsValue) Set(s string) error {
	p, err := discover.ParsePeriods(s, time.Now())
	if err == nil {
		*v.dst = append(*v.dst, p...)
	}
	return err
}

// pathsHelp says what a PATH may be; the root command and every command that reads CUR print it.
const pathsHelp = `Every PATH may be a file, a folder, a manifest, "-" for standard input, or an s3:// URL of an
object or a prefix (s3://bucket/cur/report/), read with the AWS SDK's standard credentials
and settings (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_S3, ...); see docs/s3.md.`

// needPaths refuses a command line without a PATH, saying what to pass.
func needPaths(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return &usageError{fmt.Errorf("no bill given: pass CUR files, report folders, manifests, \"-\" or s3:// URLs (curnorm sample -o bill/ makes a bill to try)")}
	}
	return nil
}

// addDiscoverFlags adds the flags that steer how folders and manifests become files, and
// says in the command's help what a PATH may be.
func addDiscoverFlags(cmd *cobra.Command, o *discover.Options) {
	cmd.Long += "\n\n" + pathsHelp
	cmd.Flags().StringVar(&o.Assembly, "assembly", "", "legacy report assembly id to read when a period has several and no period manifest")
	cmd.Flags().BoolVar(&o.AllowMixed, "allow-mixed-assemblies", false, "accept named files from two assemblies or executions of one period")
	cmd.Flags().BoolVar(&o.AllowDuplicates, "allow-duplicates", false, "count files of identical content each (refused by default: a copy would double the bill)")
	cmd.Flags().Var(periodsValue{&o.Periods}, "period", "read only these billing periods (YYYY-MM, current or previous, comma-separated) of the report folders given; exit 5 when one has no delivery yet")
	cmd.Flags().BoolVar(&o.S3.PathStyle, "s3-path-style", false, "address s3:// buckets path-style (endpoint/bucket/key), for S3-compatible servers; also CURNORM_S3_PATH_STYLE=true")
	cmd.Flags().BoolVar(&o.S3.RequesterPays, "s3-requester-pays", false, "read requester-pays buckets, accepting the request and transfer charges; also CURNORM_S3_REQUESTER_PAYS=true")
}

// outputHelp says how rates are written and what csv and markdown do to text cells; report,
// diff and check print it.
const outputHelp = `Rates (savings rate, growth) are percentages in table and markdown (12.5%) and fractions in
csv, json and ndjson (0.1250000000).

Text cells of csv and markdown (group keys such as tag values, account names and
resource ids; currencies) that start with =, +, -, @, tab or carriage return get a single
quote in front, so a spreadsheet opening the file shows them instead of running them as
formulas. Numbers (amounts, counts, rates) are never changed. --no-formula-escape writes
text cells as they are, for programs that read the file; json and ndjson are always as is.`

// formatFlagNote ends the --format help of report and diff.
const formatFlagNote = " (text is another name for table; csv and markdown quote text cells that would start a formula)"

// addFormulaEscapeFlag adds --no-formula-escape, which the csv and markdown writers honour.
func addFormulaEscapeFlag(cmd *cobra.Command, p *bool) {
	cmd.Flags().BoolVar(p, "no-formula-escape", false, "csv and markdown: write text cells starting with =, +, -, @, tab or CR as they are")
}

// tableOrJSON are the formats of inspect and explain.
var tableOrJSON = []string{"table", "json"}

// formatAliases are older names of formats: check called its table "text", and scripts that
// still say so keep working.
var formatAliases = map[string]string{"text": "table"}

// binaryFormats are written as files, never shown on a terminal: a workbook, a page for a browser.
var binaryFormats = []string{"xlsx", "html"}

// refuseBinaryOnTerminal refuses to print a binary format to a terminal.
func refuseBinaryOnTerminal(ios *ioStreams, format string) error {
	if ios.OutTTY && slices.Contains(binaryFormats, format) {
		return &usageError{fmt.Errorf("%s is a file format, not for a terminal: redirect standard output to a file (> out.%s)", format, format)}
	}
	return nil
}

// checkFormat refuses a --format value the command does not write and turns an alias into
// the format's name.
func checkFormat(format *string, valid ...string) error {
	if name, ok := formatAliases[*format]; ok && slices.Contains(valid, name) {
		*format = name
	}
	if slices.Contains(valid, *format) {
		return nil
	}
	return &usageError{fmt.Errorf("unknown format %q (valid: %s)", *format, strings.Join(valid, ", "))}
}

// warn prints diagnostics on stderr, one line each, unless --quiet.
func warn(ios *ioStreams, lines []string) {
	if ios.Quiet {
		return
	}
	for _, l := range lines {
		fmt.Fprintln(ios.ErrOut, "curnorm: warning: "+l)
	}
}

// suggestFlag returns "; did you mean --name?" when err is pflag's unknown flag error and a
// flag of c is spelled close to it, else "".
func suggestFlag(c *cobra.Command, err error) string {
	typed, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return ""
	}
	typed, _, _ = strings.Cut(typed, "=")
	best, bestD := "", 3
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := report.EditDistance(typed, f.Name)
		if strings.HasPrefix(f.Name, typed) && len(typed) >= 3 {
			d = 1
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	if best == "" {
		return ""
	}
	return "; did you mean --" + best + "?"
}
