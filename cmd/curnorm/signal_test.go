package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/curnorm/curnorm/cur/s3src/s3test"
)

// appears returns a test of whether a file matching pattern exists in a folder.
func appears(pattern ...string) func(dir string) bool {
	return func(dir string) bool {
		m, _ := filepath.Glob(filepath.Join(append([]string{dir}, pattern...)...))
		return len(m) > 0
	}
}

// catches reports whether process pid has a handler for sig, from /proc/PID/status (SigCgt,
// a hex mask with bit sig-1); where there is no /proc it answers true.
func catches(pid int, sig syscall.Signal) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return true
	}
	for _, line := range strings.Split(string(data), "\n") {
		if mask, ok := strings.CutPrefix(line, "SigCgt:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(mask), 16, 64)
			return err == nil && m&(1<<(sig-1)) != 0
		}
	}
	return true
}

// TestSignals starts the built binary on a bill big enough to take seconds, signals it while
// it works and checks that it stops promptly with the documented exit code, one line on stderr
// and no output or temporary file left behind.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and a bill of 300,000 rows")
	}
	dir := t.TempDir()
	bin := buildCurnorm(t)
	bill := filepath.Join(dir, "bill")
	if out, err := exec.Command(bin, "sample", "--rows", "300000", "--gzip", "-o", bill).CombinedOutput(); err != nil {
		t.Fatalf("sample: %v\n%s", err, out)
	}

	tests := []struct {
		name string
		args []string
		sig  syscall.Signal
		code int
		// ready reports that the run is under way; out is where it writes files.
		ready func(out string) bool
		stdin bool // a pipe nobody writes to: the read blocks
		s3    bool // an S3 endpoint that never answers
	}{
		{name: "report SIGINT", args: []string{"report", "--by", "account,service", bill}, sig: syscall.SIGINT, code: 130},
		{name: "normalize -o SIGTERM", args: []string{"normalize", "-o", "OUT/normalized.csv", bill}, sig: syscall.SIGTERM, code: 143,
			ready: appears(".normalized.csv.tmp-*")},
		{name: "normalize parquet SIGINT", args: []string{"normalize", "-o", "OUT/normalized.parquet", bill}, sig: syscall.SIGINT, code: 130,
			ready: appears(".normalized.parquet.tmp-*")},
		{name: "sample -o SIGTERM", args: []string{"sample", "--rows", "5000000", "--parts", "2", "-o", "OUT"}, sig: syscall.SIGTERM, code: 143,
			ready: appears(".curnorm-tmp-*", "*")},
		{name: "blocked read SIGTERM", args: []string{"report", "-"}, sig: syscall.SIGTERM, code: 143, stdin: true},
		{name: "stalled S3 SIGINT", args: []string{"report", "s3://bills/cur/"}, sig: syscall.SIGINT, code: 130, s3: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "OUT", out)
			}
			ready := tc.ready
			if tc.s3 {
				s3test.Start(t)
				stalled := s3test.NewStalled(t)
				t.Setenv("AWS_ENDPOINT_URL_S3", stalled.URL)
				ready = func(string) bool { return stalled.Accepted() > 0 } // a request is in flight
			}
			cmd := exec.Command(bin, args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if tc.stdin {
				pr, pw, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer pw.Close()
				defer pr.Close()
				cmd.Stdin = pr
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// Signal once curnorm handles the signal (a loaded machine may take a while to start
			// it), and its work is under way.
			deadline := time.Now().Add(20 * time.Second)
			time.Sleep(300 * time.Millisecond)
			for !(catches(cmd.Process.Pid, tc.sig) && (ready == nil || ready(out))) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			select {
			case err := <-exited:
				t.Fatalf("finished before the signal (%v): the bill is too small\n%s", err, stderr.String())
			default:
			}
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 10s after %v", tc.sig)
			}
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want code %d\n%s", err, tc.code, stderr.String())
			}
			if took > 3*time.Second {
				t.Errorf("took %v to stop", took)
			}
			want := map[int]string{130: "curnorm: interrupted by SIGINT\n", 143: "curnorm: terminated by SIGTERM\n"}[tc.code]
			if got := stderr.String(); got != want {
				t.Errorf("stderr %q, want exactly %q", got, want)
			}
			if regexp.MustCompile(`panic|goroutine `).MatchString(stderr.String()) {
				t.Errorf("stderr: %s", stderr.String())
			}
			left, _ := filepath.Glob(filepath.Join(out, "*"))
			hidden, _ := filepath.Glob(filepath.Join(out, ".*"))
			if left = append(left, hidden...); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			t.Logf("stopped %v after %v", tc.sig, took)
		})
	}
}
