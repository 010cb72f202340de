package main

import (
	"encoding/csv"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// buildCurnorm builds the command into a temporary folder for tests that run it as a process.
func buildCurnorm(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build curnorm with")
	}
	bin := filepath.Join(t.TempDir(), "curnorm")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestTableOnTerminal runs report --by account,service on the demo bill in an 80×40 tmux pane:
// every line fits, every account id is whole, every service name can be told from the others,
// the note names the hidden columns, and --wide shows them again.
func TestTableOnTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildCurnorm(t)
	demo, err := filepath.Abs(filepath.Join("..", "..", "testdata", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	args := " report -q --by account,service --top 20 " + demo
	code, out, errOut := runCurnorm(t, "report", "-q", "--format", "csv", "--by", "account,service", "--top", "20", demo)
	if code != 0 {
		t.Fatalf("csv: exit %d: %s", code, errOut)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tm := newTmux(t, t.TempDir(), 80, 40)
	_, pane := tm.run(t, "unset COLUMNS; "+bin+args)
	for _, l := range strings.Split(pane, "\n") {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("line of %d columns: %q", n, l)
		}
	}
	id := regexp.MustCompile(`^\d{12}$`)
	services := map[string]bool{}
	for _, r := range records[1:] {
		if !id.MatchString(r[0]) {
			continue // (other), (total)
		}
		if !regexp.MustCompile(`(?m)^` + r[0] + ` `).MatchString(pane) {
			t.Errorf("account %s not whole on the screen:\n%s", r[0], pane)
		}
		services[r[1]] = true
	}
	shown := map[string]bool{}
	for _, l := range strings.Split(pane, "\n") {
		if f := strings.Fields(l); len(f) > 2 && id.MatchString(f[0]) {
			shown[f[1]] = true
		}
	}
	if len(shown) != len(services) {
		t.Errorf("%d distinct service names on screen, want %d:\n%s", len(shown), len(services), pane)
	}
	if !strings.Contains(pane, "hidden to fit 80 columns; --wide shows them") || !strings.Contains(pane, "currency (all USD)") {
		t.Errorf("no note of the hidden columns:\n%s", pane)
	}
	if !strings.Contains(pane, "priced") || !strings.Contains(pane, "on_demand") {
		t.Errorf("priced cost or on-demand missing:\n%s", pane)
	}
	// Wider than the pane, --wide's lines wrap: five groups keep the header on the screen.
	five := " report -q --by account,service --top 5 " + demo
	for _, run := range []string{bin + five + " --wide", "COLUMNS=200 " + bin + five} {
		if _, wide := tm.run(t, run); strings.Contains(wide, "hidden") || !strings.Contains(wide, "currency") || !strings.Contains(wide, "unblended") {
			t.Errorf("%s hides columns:\n%s", run, wide)
		}
	}
}
