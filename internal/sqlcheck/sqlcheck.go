// Package sqlcheck runs scripts/sql-check.mjs for tests: SQL run by DuckDB (its Node API) and
// SQL parsed by the Trino and Spark grammars of dt-sql-parser. Tests skip without node or the
// modules scripts/npm-sql.sh installs (.ci/run installs them first).
package sqlcheck

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Root is the repository's top folder.
func Root() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..")
}

// Checker runs jobs through scripts/sql-check.mjs.
type Checker struct{ modules, script string }

// New is a Checker, or skips t when node or the modules are not installed. CURNORM_NPM_SQL
// names the modules' folder, .cache/npm-sql by default.
func New(t testing.TB) Checker {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed (scripts/npm-sql.sh needs node and npm)")
	}
	dir := os.Getenv("CURNORM_NPM_SQL")
	if dir == "" {
		dir = filepath.Join(Root(), ".cache", "npm-sql")
	}
	for _, m := range []string{"@duckdb/node-api", "dt-sql-parser"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			t.Skipf("%s is not installed in %s: run scripts/npm-sql.sh (make npm-sql)", m, dir)
		}
	}
	return Checker{modules: dir, script: filepath.Join(Root(), "scripts", "sql-check.mjs")}
}

// Job is what one run checks: statements for one in-memory DuckDB, in order, and statements
// to parse.
type Job struct {
	Run   []Query `json:"run,omitempty"`
	Parse []Parse `json:"parse,omitempty"`
}

// Query is a statement DuckDB runs.
type Query struct {
	ID  string `json:"id"`
	SQL string `json:"sql"`
}

// Parse is a statement the grammar of Dialect ("trino" or "spark") parses.
type Parse struct {
	ID      string `json:"id"`
	Dialect string `json:"dialect"`
	SQL     string `json:"sql"`
}

// Result is a job's outcome. Cells are text, DECIMALs exactly as DuckDB holds them, NULL nil.
type Result struct {
	Versions map[string]string `json:"versions"`
	Run      []struct {
		ID      string      `json:"id"`
		Columns []string    `json:"columns"`
		Rows    [][]*string `json:"rows"`
		Error   string      `json:"error"`
	} `json:"run"`
	Parse []struct {
		ID     string   `json:"id"`
		Errors []string `json:"errors"`
	} `json:"parse"`
}

// Do runs j; a failure of the script itself fails t.
func (c Checker) Do(t testing.TB, j Job) *Result {
	t.Helper()
	data, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "job.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", c.script, "--modules", c.modules, path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sql-check: %v\n%s", err, stderr.String())
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("sql-check output: %v", err)
	}
	t.Logf("engines: %v", res.Versions)
	return &res
}
