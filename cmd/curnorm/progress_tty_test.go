package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// barLine matches a drawn progress bar: "  37% |█████     |  53 MB/143 MB, ...". The bar's
// blocks are not matched, since tmux may show them as "_" when it thinks the terminal lacks
// UTF-8.
var barLine = regexp.MustCompile(`\d+% \|.*\| .*B/.*B, .*rows/s`)

// TestProgressOnTerminal runs the built curnorm in a real terminal, a tmux pane, on a bill
// that takes a few seconds: the bar shows while stderr is the terminal, and never with
// --quiet or when stderr is a pipe.
func TestProgressOnTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds curnorm and runs it for several seconds")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildCurnorm(t)
	dir := t.TempDir()
	bill := slowBill(t, bin, filepath.Join(dir, "bill"))

	tm := newTmux(t, dir, 200, 50)
	report := fmt.Sprintf("%s report --jobs 1 --allow-duplicates %s", bin, bill)

	t.Run("terminal", func(t *testing.T) {
		seen, pane := tm.run(t, report+" >/dev/null")
		if !seen {
			t.Fatalf("no progress bar on the terminal; last screen:\n%s", pane)
		}
		if barLine.MatchString(pane) {
			t.Errorf("progress bar left on the screen after the run:\n%s", pane)
		}
		if !strings.Contains(pane, "reconciliation") {
			t.Errorf("the summary on stderr is missing after the bar:\n%s", pane)
		}
	})
	t.Run("quiet", func(t *testing.T) {
		if seen, pane := tm.run(t, report+" --quiet >/dev/null"); seen {
			t.Fatalf("progress bar drawn under --quiet:\n%s", pane)
		}
	})
	t.Run("stderr piped", func(t *testing.T) {
		errFile := filepath.Join(dir, "stderr.txt")
		if seen, pane := tm.run(t, report+" 2>&1 >/dev/null | cat >"+errFile); seen {
			t.Fatalf("progress bar drawn with stderr in a pipe:\n%s", pane)
		}
		got, err := os.ReadFile(errFile)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(got), "\r") || strings.Contains(string(got), "rows/s") {
			t.Errorf("progress written into the pipe:\n%q", got)
		}
		if !strings.Contains(string(got), "reconciliation") {
			t.Errorf("the summary is missing from stderr:\n%s", got)
		}
	})
}

// slowBill generates a gzipped bill in dir that curnorm reads with one job in at least three
// seconds, measured by a run with stderr in a file, which must hold no progress. Faster
// machines or readers get more copies of the same files, linked, not written again (which
// --allow-duplicates lets through).
func slowBill(t *testing.T, bin, dir string) string {
	t.Helper()
	if out, err := exec.Command(bin, "sample", "--rows", "400000", "--parts", "4", "--gzip", "-o", dir).CombinedOutput(); err != nil {
		t.Fatalf("curnorm sample: %v\n%s", err, out)
	}
	parts, err := filepath.Glob(filepath.Join(dir, "*.csv.gz"))
	if err != nil || len(parts) == 0 {
		t.Fatalf("curnorm sample wrote no parts: %v", err)
	}
	const want = 3 * time.Second
	for copies := 1; ; {
		errFile := filepath.Join(t.TempDir(), "stderr.txt")
		ef, err := os.Create(errFile)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "report", "--jobs", "1", "--allow-duplicates", dir)
		cmd.Stderr = ef
		start := time.Now()
		err = cmd.Run()
		took := time.Since(start)
		ef.Close()
		if err != nil {
			t.Fatalf("curnorm report: %v", err)
		}
		if got, _ := os.ReadFile(errFile); strings.Contains(string(got), "rows/s") {
			t.Fatalf("progress written to stderr in a file:\n%q", got)
		}
		if took >= want || copies >= 64 {
			return dir
		}
		more := int(float64(copies)*want.Seconds()*1.5/took.Seconds()) + 1
		for c := copies; c < min(more, 64); c++ {
			for i, p := range parts {
				if err := os.Link(p, filepath.Join(dir, fmt.Sprintf("copy-%d-%d.csv.gz", c, i))); err != nil {
					t.Fatal(err)
				}
			}
		}
		copies = min(more, 64)
	}
}

// tmuxServer is a private tmux server whose one pane runs a shell.
type tmuxServer struct {
	socket, dir string
}

func newTmux(t *testing.T, dir string, cols, rows int) *tmuxServer {
	tm := &tmuxServer{socket: filepath.Join(dir, "tmux.sock"), dir: dir}
	if out, err := tm.cmd("-f", "/dev/null", "new-session", "-d", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), "-s", "curnorm", "sh").CombinedOutput(); err != nil {
		t.Skipf("tmux cannot start a session here: %v\n%s", err, out)
	}
	t.Cleanup(func() { tm.cmd("kill-server").Run() })
	return tm
}

func (tm *tmuxServer) cmd(args ...string) *exec.Cmd {
	c := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...)
	c.Env = append(os.Environ(), "TERM=xterm", "LANG=C.UTF-8")
	return c
}

// run types line into the pane, watches the screen until it has run, and says whether a
// progress bar was ever on it, with the last screen.
func (tm *tmuxServer) run(t *testing.T, line string) (seen bool, pane string) {
	t.Helper()
	done := filepath.Join(tm.dir, "done")
	os.Remove(done)
	if out, err := tm.cmd("send-keys", "-t", "curnorm", "clear; "+line+"; echo $? >"+done, "Enter").CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys: %v\n%s", err, out)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, err := os.Stat(done)
		finished := err == nil
		if finished {
			// Let tmux draw the last output the shell received.
			time.Sleep(300 * time.Millisecond)
		}
		out, cerr := tm.cmd("capture-pane", "-p", "-t", "curnorm").Output()
		if cerr != nil {
			t.Fatalf("tmux capture-pane: %v", cerr)
		}
		pane = string(out)
		seen = seen || barLine.MatchString(pane)
		if finished {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q did not finish; screen:\n%s", line, pane)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, _ := os.ReadFile(done); strings.TrimSpace(string(code)) != "0" {
		t.Fatalf("%q exited %s; screen:\n%s", line, code, pane)
	}
	return seen, pane
}
