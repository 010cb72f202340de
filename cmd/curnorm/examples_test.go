package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCIExamples lints the CI recipes of docs/examples as their platforms would read them:
// the GitHub workflows with actionlint (which runs shellcheck on their scripts when it is
// installed), the GitLab job's script with shellcheck. .ci/run installs both.
func TestCIExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "examples")
	t.Run("github", func(t *testing.T) {
		actionlint, err := exec.LookPath("actionlint")
		if err != nil {
			t.Skip("actionlint is not installed: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12")
		}
		workflows, _ := filepath.Glob(filepath.Join(dir, "github-*.yml"))
		if len(workflows) == 0 {
			t.Fatal("no GitHub workflows in docs/examples")
		}
		if out, err := exec.Command(actionlint, workflows...).CombinedOutput(); err != nil {
			t.Errorf("actionlint: %v\n%s", err, out)
		}
	})
	t.Run("gitlab", func(t *testing.T) {
		shellcheck, err := exec.LookPath("shellcheck")
		if err != nil {
			t.Skip("shellcheck is not installed: apt-get install shellcheck")
		}
		data, err := os.ReadFile(filepath.Join(dir, "gitlab-ci.yml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Job struct {
				Script []string `yaml:"script"`
			} `yaml:"cost-check"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("gitlab-ci.yml: %v", err)
		}
		job := doc.Job
		if len(job.Script) == 0 {
			t.Fatal("gitlab-ci.yml: no script in job cost-check")
		}
		// GitLab runs the lines of a script in one shell, one after the other.
		script := filepath.Join(t.TempDir(), "cost-check.sh")
		if err := os.WriteFile(script, []byte("#!/bin/bash\n"+strings.Join(job.Script, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(shellcheck, script).CombinedOutput(); err != nil {
			t.Errorf("shellcheck of cost-check's script: %v\n%s", err, out)
		}
	})
}
