package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// newCmdDocs is the hidden command behind 'make docs'. It lives in the binary because the
// command tree is package main's, which no other program can import.
func newCmdDocs() *cobra.Command {
	return &cobra.Command{
		Use:    "__docs DIR",
		Short:  "Write the command reference: DIR/cli/*.md and DIR/man/*.1",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return wrapRun(func() error { return writeDocs(cmd.Root(), args[0]) })
		},
	}
}

// writeDocs writes the Markdown and man pages of root's commands under dir. The pages carry
// no date and no machine's defaults, so they change only when the commands do and a test can
// hold the checked-in copy to the code.
func writeDocs(root *cobra.Command, dir string) error {
	root.DisableAutoGenTag = true
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	root.InitDefaultVersionFlag()
	// The help prints the exit codes through its usage template, which the pages do not use.
	root.Long += "\n\n" + exitStatusHelp
	forEachCommand(root, func(c *cobra.Command) {
		c.Long = fenceIndented(c.Long)
		machineDefaults(c)
	})
	md, man := filepath.Join(dir, "cli"), filepath.Join(dir, "man")
	for _, d := range []string{md, man} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := doc.GenMarkdownTree(root, md); err != nil {
		return err
	}
	return writeMan(root, man)
}

func forEachCommand(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		forEachCommand(sub, f)
	}
}

// machineDefaults replaces defaults that depend on the machine, such as --jobs, with words.
func machineDefaults(c *cobra.Command) {
	cpus := strconv.Itoa(runtime.NumCPU())
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name == "jobs" && f.DefValue == cpus {
			f.DefValue = "number of CPUs"
		}
	})
}

// fenceIndented puts the indented runs of lines of a help text, its aligned tables, in
// code blocks: Markdown and man pages would otherwise run them together as prose.
func fenceIndented(text string) string {
	var out []string
	in := false
	for _, l := range strings.Split(text, "\n") {
		indented := strings.HasPrefix(l, "  ")
		if indented != in {
			out = append(out, "```")
			in = indented
		}
		out = append(out, l)
	}
	if in {
		out = append(out, "```")
	}
	return strings.Join(out, "\n")
}

// writeMan writes one man page per command. cobra always dates a page; the date is taken
// out again so that regenerating the pages changes nothing.
func writeMan(c *cobra.Command, dir string) error {
	for _, sub := range c.Commands() {
		if !sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := writeMan(sub, dir); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	noDate := time.Time{}
	header := &doc.GenManHeader{Title: "", Section: "1", Date: &noDate, Source: "curnorm", Manual: "curnorm manual"}
	if err := doc.GenMan(c, header, &buf); err != nil {
		return err
	}
	page := bytes.Replace(buf.Bytes(), []byte(`"`+noDate.Format("Jan 2006")+`"`), []byte(`""`), 1)
	name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
	return os.WriteFile(filepath.Join(dir, name), page, 0o644)
}
