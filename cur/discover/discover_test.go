package discover

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/curnorm/curnorm/cur"
)

// discRoot holds one small report or export tree per case.
const discRoot = "../../testdata/discover"

// Ids used in the fixture trees. asmNew sorts before asmOld on purpose: only a manifest or
// the user may say which legacy assembly is current.
const (
	asmNew  = "0a7e1c52-3b6d-4f0e-9c1a-5d2b8e4f6a90"
	asmOld  = "f19c2d8b-6e4a-4c3f-8b7d-1a2e3f4c5d6e"
	asmPq   = "9d1f5e3a-2c4b-4a6d-8e7f-0b1c2d3e4f50"
	execOld = "2026-04-15T031102.118Z-6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	execNew = "2026-04-16T152415.653Z-04e9e487-5f6a-4b7c-8d9e-0f1a2b3c4d5e"
)

type wantSource struct{ Path, Period, Assembly string }

// relSources shows sources relative to discRoot, so tables stay readable.
func relSources(t *testing.T, srcs []cur.Source) []wantSource {
	t.Helper()
	out := make([]wantSource, len(srcs))
	for i, s := range srcs {
		p := s.Path
		if p != "-" {
			rel, err := filepath.Rel(discRoot, p)
			if err != nil {
				t.Fatalf("source %q is not below %s: %v", p, discRoot, err)
			}
			p = filepath.ToSlash(rel)
		}
		out[i] = wantSource{p, s.Period, s.Assembly}
	}
	return out
}

func discArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a != "-" {
			out[i] = filepath.Join(discRoot, filepath.FromSlash(a))
		}
	}
	return out
}

func TestDiscover(t *testing.T) {
	const (
		lm   = "legacy-manifest/cur/report/20240101-20240201/"
		lnm  = "legacy-no-manifest/report/20240201-20240301/"
		c2n  = "cur2-newest/cur/export/data/BILLING_PERIOD=2026-04/"
		c2m  = "cur2-manifest/cur/export/data/BILLING_PERIOD=2026-03/"
		c2mo = "cur2-manifest-older/export/data/BILLING_PERIOD=2026-04/"
		pq   = "legacy-parquet/cur/report/report/"
	)
	tests := []struct {
		name  string
		args  []string
		opts  Options
		want  []wantSource
		warns []string // one substring per warning, in order
		err   error
		has   []string // substrings of the error
	}{
		{
			name: "legacy period manifest picks its assembly",
			args: []string{"legacy-manifest"},
			want: []wantSource{
				{lm + asmNew + "/report-1.csv.gz", "2024-01", asmNew},
				{lm + asmNew + "/report-2.csv.gz", "2024-01", asmNew},
			},
			warns: []string{asmOld + ": assembly " + asmOld + " superseded by " + asmNew + " (named by "},
		},
		{
			name: "legacy period manifest named on the command line",
			args: []string{lm + "report-Manifest.json"},
			want: []wantSource{
				{lm + asmNew + "/report-1.csv.gz", "2024-01", asmNew},
				{lm + asmNew + "/report-2.csv.gz", "2024-01", asmNew},
			},
		},
		{
			name: "assembly option overrides the period manifest",
			args: []string{"legacy-manifest"},
			opts: Options{Assembly: asmOld},
			want: []wantSource{{lm + asmOld + "/report-1.csv.gz", "2024-01", asmOld}},
			warns: []string{
				"report-Manifest.json: names assembly " + asmNew + " as current; reading " + asmOld,
				asmNew + ": assembly " + asmNew + " superseded by " + asmOld + " (chosen with --assembly)",
			},
		},
		{
			name: "legacy two assemblies without period manifest",
			args: []string{"legacy-no-manifest"},
			err:  cur.ErrMixedAssemblies,
			has:  []string{"20240201-20240301", "2 assemblies", asmNew + ", " + asmOld, "--assembly"},
		},
		{
			name:  "assembly option picks one of two",
			args:  []string{"legacy-no-manifest"},
			opts:  Options{Assembly: asmOld},
			want:  []wantSource{{lnm + asmOld + "/report-1.csv.gz", "2024-02", asmOld}},
			warns: []string{"assembly " + asmNew + " superseded by " + asmOld + " (chosen with --assembly)"},
		},
		{
			name: "assembly option naming nothing",
			args: []string{"legacy-single"},
			opts: Options{Assembly: "no-such-assembly"},
			err:  cur.ErrNoInput,
			has:  []string{`"no-such-assembly"`},
		},
		{
			name: "legacy single assembly without manifest",
			args: []string{"legacy-single"},
			want: []wantSource{
				{"legacy-single/report/20240301-20240401/" + asmNew + "/report-1.csv.gz", "2024-03", asmNew},
				{"legacy-single/report/20240301-20240401/" + asmNew + "/report-2.csv.gz", "2024-03", asmNew},
			},
		},
		{
			name: "legacy flat period folder",
			args: []string{"legacy-flat"},
			want: []wantSource{
				{"legacy-flat/report/20240401-20240501/report-1.csv.gz", "2024-04", ""},
				{"legacy-flat/report/20240401-20240501/report-2.csv.zip", "2024-04", ""},
				{"legacy-flat/report/20240401-20240501/report-3.csv", "2024-04", ""},
			},
		},
		{
			// January has a period manifest, February none; the status table, SQL and YAML
			// beside the data are not CUR files.
			name: "legacy parquet year= month= layout",
			args: []string{"legacy-parquet"},
			want: []wantSource{
				{pq + "year=2024/month=1/report-00001.snappy.parquet", "2024-01", asmPq},
				{pq + "year=2024/month=1/report-00002.snappy.parquet", "2024-01", asmPq},
				{pq + "year=2024/month=2/report-00001.snappy.parquet", "2024-02", ""},
			},
		},
		{
			// The period folder holds only the manifest; it lists the data beside it.
			name: "legacy parquet period folder alone",
			args: []string{"legacy-parquet/cur/report/20240101-20240201"},
			want: []wantSource{
				{pq + "year=2024/month=1/report-00001.snappy.parquet", "2024-01", asmPq},
				{pq + "year=2024/month=1/report-00002.snappy.parquet", "2024-01", asmPq},
			},
		},
		{
			name: "cur2 newest execution folder wins",
			args: []string{"cur2-newest"},
			want: []wantSource{
				{c2n + execNew + "/export-00001.csv.gz", "2026-04", execNew},
				{c2n + execNew + "/export-00002.csv.gz", "2026-04", execNew},
			},
			warns: []string{execOld + ": execution " + execOld + " superseded by " + execNew + " (newest); skipped 1 file(s)"},
		},
		{
			// export-00001 and export-00002 exist in both executions: only the path below
			// the export prefix tells them apart.
			name: "cur2 manifest matched by path below the export",
			args: []string{"cur2-manifest"},
			want: []wantSource{
				{c2m + execNew + "/export-00001.csv.gz", "2026-03", execNew},
				{c2m + execNew + "/export-00002.csv.gz", "2026-03", execNew},
			},
			warns: []string{
				execNew + "/export-00003.csv.gz: not listed in manifest ",
				execOld + ": execution " + execOld + " superseded by " + execNew + " (named by ",
			},
		},
		{
			name: "cur2 manifest named on the command line",
			args: []string{"cur2-manifest/cur/export/metadata/BILLING_PERIOD=2026-03/export-Manifest.json"},
			want: []wantSource{
				{c2m + execNew + "/export-00001.csv.gz", "2026-03", execNew},
				{c2m + execNew + "/export-00002.csv.gz", "2026-03", execNew},
			},
		},
		{
			name: "cur2 manifest naming an older execution is followed",
			args: []string{"cur2-manifest-older"},
			want: []wantSource{{c2mo + execOld + "/export-00001.csv.gz", "2026-04", execOld}},
			warns: []string{
				"export-Manifest.json: names execution 6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d, but a newer execution folder " + execNew,
				execNew + ": execution " + execNew + " superseded by " + execOld,
			},
		},
		{
			name:  "file no manifest lists",
			args:  []string{"legacy-unlisted"},
			want:  []wantSource{{"legacy-unlisted/report/20240501-20240601/report-1.csv.gz", "2024-05", asmNew}},
			warns: []string{"20240501-20240601/report-2.csv.gz: not listed in manifest "},
		},
		{
			name: "manifest lists a missing file",
			args: []string{"legacy-missing"},
			err:  cur.ErrNoInput,
			has:  []string{"20240601-20240701/report-Manifest.json: lists cur/report/20240601-20240701/" + asmNew + "/report-2.csv.gz", "does not exist"},
		},
		{
			name: "manifest that does not parse",
			args: []string{"legacy-corrupt"},
			err:  cur.ErrCorrupt,
			has:  []string{"20240701-20240801/report-Manifest.json: manifest: "},
		},
		{
			name: "explicit files from two assemblies",
			args: []string{lnm + asmNew + "/report-1.csv.gz", lnm + asmOld + "/report-1.csv.gz"},
			err:  cur.ErrMixedAssemblies,
			has:  []string{"2 assemblies", asmNew + " (", asmOld + " (", lnm + asmOld + "/report-1.csv.gz"},
		},
		{
			name: "explicit files from two assemblies allowed",
			args: []string{lnm + asmOld + "/report-1.csv.gz", lnm + asmNew + "/report-1.csv.gz"},
			opts: Options{AllowMixed: true},
			want: []wantSource{
				{lnm + asmNew + "/report-1.csv.gz", "2024-02", asmNew},
				{lnm + asmOld + "/report-1.csv.gz", "2024-02", asmOld},
			},
		},
		{
			name: "explicit files from two executions",
			args: []string{c2n + execOld + "/export-00001.csv.gz", c2n + execNew + "/export-00002.csv.gz"},
			err:  cur.ErrMixedAssemblies,
			has:  []string{"2 executions"},
		},
		{
			name: "explicit file beside a folder that superseded it",
			args: []string{"legacy-manifest", lm + asmOld + "/report-1.csv.gz"},
			err:  cur.ErrMixedAssemblies,
			has:  []string{"billing period 2024-01"},
		},
		{
			name: "explicit file keeps its inferred period and execution",
			args: []string{c2n + execOld + "/export-00001.csv.gz"},
			want: []wantSource{{c2n + execOld + "/export-00001.csv.gz", "2026-04", execOld}},
		},
		{
			name: "stdin passes through",
			args: []string{"-"},
			want: []wantSource{{"-", "", ""}},
		},
		{
			name: "loose files outside any layout",
			args: []string{"loose"},
			want: []wantSource{{"loose/2024-01.csv", "", ""}},
		},
		{
			name: "several inputs sorted by period then path",
			args: []string{"cur2-newest", "-", "legacy-flat", "legacy-manifest", "legacy-flat"},
			want: []wantSource{
				{"-", "", ""},
				{lm + asmNew + "/report-1.csv.gz", "2024-01", asmNew},
				{lm + asmNew + "/report-2.csv.gz", "2024-01", asmNew},
				{"legacy-flat/report/20240401-20240501/report-1.csv.gz", "2024-04", ""},
				{"legacy-flat/report/20240401-20240501/report-2.csv.zip", "2024-04", ""},
				{"legacy-flat/report/20240401-20240501/report-3.csv", "2024-04", ""},
				{c2n + execNew + "/export-00001.csv.gz", "2026-04", execNew},
				{c2n + execNew + "/export-00002.csv.gz", "2026-04", execNew},
			},
			warns: []string{"superseded by " + asmNew, "superseded by " + execNew},
		},
		{
			name: "empty folder",
			args: []string{"empty"},
			err:  cur.ErrNoInput,
			has:  []string{"empty: no CUR data files"},
		},
		{
			name: "path that does not exist",
			args: []string{"does-not-exist"},
			err:  cur.ErrNoInput,
			has:  []string{"does-not-exist"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sources(discArgs(tt.args), tt.opts)
			if tt.err != nil {
				if err == nil {
					t.Fatalf("got %v, want an error wrapping %v", relSources(t, got.Sources), tt.err)
				}
				checkDiscoverErr(t, err, tt.err, tt.has)
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if g := relSources(t, got.Sources); !reflect.DeepEqual(g, tt.want) {
				t.Errorf("sources:\n got  %q\n want %q", g, tt.want)
			}
			if len(got.Warnings) != len(tt.warns) {
				t.Fatalf("warnings:\n got  %q\n want %d matching %q", got.Warnings, len(tt.warns), tt.warns)
			}
			for i, w := range tt.warns {
				if !strings.Contains(filepath.ToSlash(got.Warnings[i]), w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, got.Warnings[i], w)
				}
				if strings.Contains(got.Warnings[i], "\n") {
					t.Errorf("warning %d spans lines: %q", i, got.Warnings[i])
				}
			}
		})
	}
}

func checkDiscoverErr(t *testing.T, err, class error, has []string) {
	t.Helper()
	if !errors.Is(err, class) {
		t.Errorf("error %q does not wrap %v", err, class)
	}
	var fe *cur.Error
	if !errors.As(err, &fe) || fe.File == "" {
		t.Errorf("error %q is not an *cur.Error naming a file", err)
	}
	for _, h := range has {
		if !strings.Contains(filepath.ToSlash(err.Error()), h) {
			t.Errorf("error %q does not contain %q", err, h)
		}
	}
}

// The same inputs in any order give the same sources and warnings.
func TestDiscoverOrderIndependent(t *testing.T) {
	args := discArgs([]string{"legacy-parquet", "cur2-manifest", "legacy-unlisted", "loose", "legacy-manifest"})
	first, err := Sources(args, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(args); i++ {
		rot := append(append([]string{}, args[i:]...), args[:i]...)
		got, err := Sources(rot, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, first) {
			t.Errorf("order %q:\n got  %+v\n want %+v", rot, got, first)
		}
	}
}

// Real execution folders carry colons (2026-04-16T15:24:15.653Z-<id>), which Go module paths
// cannot hold, so this tree is built at run time.
func TestDiscoverColonExecutionFolders(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("colons are not allowed in Windows file names")
	}
	root := t.TempDir()
	export := filepath.Join(root, "exports", "cur2")
	period := filepath.Join(export, "data", "BILLING_PERIOD=2026-04")
	older := "2026-04-15T03:11:02.118Z-6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	newer := "2026-04-16T15:24:15.653Z-04e9e487-5f6a-4b7c-8d9e-0f1a2b3c4d5e"
	newest := "2026-04-17T09:00:00.001Z-7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
	for _, dir := range []string{older, newer, newest} {
		writeFile(t, filepath.Join(period, dir, "cur2-00001.csv.gz"), "")
	}
	writeFile(t, filepath.Join(export, "metadata", "BILLING_PERIOD=2026-04", "cur2-Manifest.json"),
		`{"executionId":"04e9e487-5f6a-4b7c-8d9e-0f1a2b3c4d5e","exportArn":"arn:aws:bcm-data-exports:us-east-1:123456789012:export/cur2",
		  "columns":[{"name":"line_item_line_item_type","type":"string"}],
		  "dataFiles":["s3://bucket/exports/cur2/data/BILLING_PERIOD=2026-04/`+newer+`/cur2-00001.csv.gz"]}`)

	got, err := Sources([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []cur.Source{{Path: filepath.Join(period, newer, "cur2-00001.csv.gz"), Period: "2026-04", Assembly: newer}}
	if !reflect.DeepEqual(got.Sources, want) {
		t.Errorf("sources = %+v, want %+v", got.Sources, want)
	}
	if len(got.Warnings) != 3 {
		t.Errorf("warnings = %q, want a newer-folder warning and two superseded executions", got.Warnings)
	}

	// Without the manifest the newest folder counts.
	if err := os.RemoveAll(filepath.Join(export, "metadata")); err != nil {
		t.Fatal(err)
	}
	got, err = Sources([]string{export}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sources) != 1 || got.Sources[0].Assembly != newest {
		t.Errorf("sources = %+v, want the one in %s", got.Sources, newest)
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDiscoverKeyTails(t *testing.T) {
	tests := []struct {
		key, legacy, cur2 string
	}{
		{"cur/report/20240101-20240201/" + asmNew + "/report-1.csv.gz", "20240101-20240201/" + asmNew + "/report-1.csv.gz", ""},
		{"report/20240101-20240201/report-1.csv.gz", "20240101-20240201/report-1.csv.gz", ""},
		{"a/b/report/report/year=2024/month=1/report-00001.snappy.parquet", "report/year=2024/month=1/report-00001.snappy.parquet", ""},
		{"s3://bkt/p/exp/data/BILLING_PERIOD=2026-04/" + execNew + "/exp-00001.csv.gz", "", "data/BILLING_PERIOD=2026-04/" + execNew + "/exp-00001.csv.gz"},
		{"s3://bkt/exp/data/BILLING_PERIOD=2026-04/exp-00001.parquet", "", "data/BILLING_PERIOD=2026-04/exp-00001.parquet"},
		{"report-1.csv.gz", "", ""},
		// Keys that would lead out of the report folder on disk mirror nothing.
		{"cur/report/20240101-20240201/../../../etc/passwd", "", ""},
		{"s3://bkt/exp/data/BILLING_PERIOD=2026-04/../../../x.csv", "", ""},
		{"report/20240101-20240201/./report-1.csv.gz", "", ""},
	}
	for _, tt := range tests {
		if got, _ := legacyKeyTail(tt.key); got != tt.legacy {
			t.Errorf("legacyKeyTail(%q) = %q, want %q", tt.key, got, tt.legacy)
		}
		if got, _ := cur2KeyTail(tt.key); got != tt.cur2 {
			t.Errorf("cur2KeyTail(%q) = %q, want %q", tt.key, got, tt.cur2)
		}
	}
}

func TestDiscoverBuiltTrees(t *testing.T) {
	execA := "2026-04-15T03:11:02.118Z-6a1b2c3d"
	execB := "2026-04-16T15:24:15.653Z-04e9e487"
	tests := []struct {
		name  string
		files []string // created empty below a temporary folder
		arg   string   // passed to Sources, below the temporary folder
		want  []string // source paths below the temporary folder
	}{
		{
			// Only the data folder was copied, under another name.
			name:  "renamed data folder keeps the newest execution",
			files: []string{"cur-data/BILLING_PERIOD=2026-04/" + execA + "/x-00001.csv.gz", "cur-data/BILLING_PERIOD=2026-04/" + execB + "/x-00001.csv.gz"},
			arg:   "cur-data",
			want:  []string{"cur-data/BILLING_PERIOD=2026-04/" + execB + "/x-00001.csv.gz"},
		},
		{
			// Subfolders that are not executions are not restatements of one another.
			name:  "other partitions below a billing period",
			files: []string{"out/billing_period=2026-04/account=1/a.parquet", "out/billing_period=2026-04/account=2/b.parquet"},
			arg:   "out",
			want:  []string{"out/billing_period=2026-04/account=1/a.parquet", "out/billing_period=2026-04/account=2/b.parquet"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS == "windows" {
				t.Skip("colons are not allowed in Windows file names")
			}
			root := t.TempDir()
			for _, f := range tt.files {
				writeFile(t, filepath.Join(root, filepath.FromSlash(f)), "")
			}
			got, err := Sources([]string{filepath.Join(root, tt.arg)}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, s := range got.Sources {
				rel, _ := filepath.Rel(root, s.Path)
				paths = append(paths, filepath.ToSlash(rel))
			}
			if !reflect.DeepEqual(paths, tt.want) {
				t.Errorf("sources = %q, want %q", paths, tt.want)
			}
		})
	}
}

// A folder reached through a link is walked like any other.
func TestDiscoverSymlinkedFolder(t *testing.T) {
	link := filepath.Join(t.TempDir(), "cur")
	target, err := filepath.Abs(filepath.Join(discRoot, "legacy-single"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a link here: %v", err)
	}
	got, err := Sources([]string{link}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sources) != 2 || !strings.HasPrefix(got.Sources[0].Path, link+string(filepath.Separator)) || got.Sources[0].Assembly != asmNew {
		t.Errorf("sources = %+v, want the two files of legacy-single below %s", got.Sources, link)
	}
}

func TestParsePeriods(t *testing.T) {
	now := time.Date(2026, 1, 31, 23, 0, 0, 0, time.FixedZone("east", 5*3600))
	for in, want := range map[string][]string{
		"2026-10":                   {"2026-10"},
		"current":                   {"2026-01"},
		"Previous, current,2026-01": {"2025-12", "2026-01"},
	} {
		if got, err := ParsePeriods(in, now); err != nil || !slices.Equal(got, want) {
			t.Errorf("ParsePeriods(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"2026-13", "2026-1", "", "october", "2026-10,"} {
		if got, err := ParsePeriods(bad, now); err == nil {
			t.Errorf("ParsePeriods(%q) = %v, want an error", bad, got)
		}
	}
}
