package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var updateScripts = flag.Bool("update-scripts", false, "rewrite the expected output in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"curnorm": func() {
			code := run(context.Background(), os.Args[1:], systemIO())
			// The "exit" script command reads the code back.
			if f := os.Getenv("CURNORM_EXIT_FILE"); f != "" {
				os.WriteFile(f, []byte(strconv.Itoa(code)), 0o644)
			}
			os.Exit(code)
		},
	})
}

// TestScripts runs the end-to-end CLI scenarios of testdata/script/*.txtar. $TESTDATA is the
// repository's testdata folder and $SHARED the shared samples; scripts that need the latter
// start with [!shared] skip.
func TestScripts(t *testing.T) {
	testdata, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	shared, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "samples"))
	_, serr := os.Stat(shared)
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *updateScripts,
		Setup: func(env *testscript.Env) error {
			env.Setenv("TESTDATA", testdata)
			env.Setenv("SHARED", shared)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("CURNORM_EXIT_FILE", filepath.Join(env.WorkDir, ".exit"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exit N checks the exit code of the last "exec curnorm".
			"exit": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 || neg {
					ts.Fatalf("usage: exit N")
				}
				got, err := os.ReadFile(ts.MkAbs(".exit"))
				ts.Check(err)
				if string(got) != args[0] {
					ts.Fatalf("exit code %s, want %s", got, args[0])
				}
			},
		},
		Condition: func(cond string) (bool, error) {
			if cond == "shared" {
				return serr == nil, nil
			}
			return false, nil
		},
	})
}
