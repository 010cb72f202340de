package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math/big"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "rewrite the screenshots of the html report (testdata/html, docs/examples)")

// The page of the demo bill by service: the README's example and the browser test's subject.
var demoPageArgs = []string{"report", "--quiet", "--format", "html", "--by", "service"}

// TestHTMLOutput: -o writes the page that stdout gets, byte for byte and whatever --jobs; its
// extension names the format; a page is not printed on a terminal but may be written to a
// file from one; diff has no page.
func TestHTMLOutput(t *testing.T) {
	demo := filepath.Join("..", "..", "testdata", "demo")
	dir := t.TempDir()
	code, page, stderr := runCurnorm(t, append(slices.Clone(demoPageArgs), "--jobs", "1", demo)...)
	if code != 0 || !strings.HasPrefix(page, "<!DOCTYPE html>") {
		t.Fatalf("report --format html: exit %d, %.40q: %s", code, page, stderr)
	}
	for _, tc := range []struct {
		file string
		args []string
		want string
	}{
		{"report.html", []string{"report", "--quiet", "--by", "service", "--jobs", "4"}, page},
		{"page.htm", []string{"report", "--quiet", "--by", "service", "--format", "html"}, page},
		{"report.csv", []string{"report", "--quiet", "--by", "service"}, ""},
		{"report.txt", []string{"report", "--quiet", "--by", "service", "--format", "csv"}, ""},
	} {
		out := filepath.Join(dir, tc.file)
		var o, e bytes.Buffer
		args := append(tc.args, "-o", out, demo)
		// From a terminal: the output goes to the file, so nothing is refused.
		code := run(context.Background(), args, &ioStreams{In: strings.NewReader(""), Out: &o, ErrOut: &e, OutTTY: true})
		if code != 0 || o.Len() > 0 {
			t.Fatalf("%v: exit %d, %d bytes on stdout: %s", args, code, o.Len(), e.String())
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		want := tc.want
		if want == "" {
			_, want, _ = runCurnorm(t, "report", "--quiet", "--by", "service", "--format", "csv", demo)
		}
		if string(got) != want {
			t.Errorf("%v wrote %d bytes unlike stdout's %d", args, len(got), len(want))
		}
	}

	for _, tc := range []struct {
		args   []string
		tty    bool
		stderr string
	}{
		{[]string{"report", "-o", filepath.Join(dir, "report.pdf"), demo}, false, `no format has the extension ".pdf": give --format`},
		{[]string{"report", "--format", "html", demo}, true, "html is a file format, not for a terminal"},
		{[]string{"diff", "--format", "html", demo, demo}, false, `unknown format "html"`},
	} {
		var o, e bytes.Buffer
		code := run(context.Background(), tc.args, &ioStreams{In: strings.NewReader(""), Out: &o, ErrOut: &e, OutTTY: tc.tty})
		if code != exitUsage || o.Len() > 0 || !strings.Contains(e.String(), tc.stderr) {
			t.Errorf("%v: exit %d, %d bytes out, stderr %q; want exit %d and %q", tc.args, code, o.Len(), e.String(), exitUsage, tc.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "report.pdf")); !os.IsNotExist(err) {
		t.Errorf("a refused --output was created (%v)", err)
	}
}

// TestHTMLExampleUpToDate: docs/examples/report.html is the page of the demo bill that
// `make examples` writes.
func TestHTMLExampleUpToDate(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	code, page, stderr := runCurnorm(t, append(slices.Clone(demoPageArgs), filepath.Join("testdata", "demo"))...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	example := filepath.Join("docs", "examples", "report.html")
	got, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != page {
		t.Errorf("%s is stale: run make examples", example)
	}
}

// browserPath finds Chromium or Chrome; .ci/run installs Debian's chromium.
func browserPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium or Chrome: apt-get install chromium")
	return ""
}

// pageView is what the browser shows of a page.
type pageView struct {
	Table  [][]string `json:"table"`
	Charts []struct {
		Title  string   `json:"title"`
		Series []string `json:"series"`
		// Fills are the distinct colours the series are painted in, Painted the bars drawn
		// with a size.
		Fills   []string `json:"fills"`
		Painted int      `json:"painted"`
	} `json:"charts"`
	// CostSorted is the cost column after a click on its heading.
	CostSorted []string `json:"costSorted"`
	// The page's background, and in dark mode.
	Background, DarkBackground string
}

const readPage = `(() => {
  const table = [...document.querySelectorAll("table.groups tr")].map(tr => [...tr.cells].map(c => c.textContent));
  const charts = [...document.querySelectorAll("figure svg[role=img]")].map(svg => {
    const groups = [...svg.querySelectorAll("g[data-series]")];
    const rects = [...svg.querySelectorAll("g[data-series] rect")];
    return {
      title: svg.querySelector(":scope > title").textContent,
      series: groups.map(g => g.dataset.series),
      fills: [...new Set(groups.filter(g => !g.classList.contains("pair")).map(g => getComputedStyle(g.querySelector("rect") || g).fill))],
      painted: rects.filter(r => { const b = r.getBBox(); return b.width > 0 && b.height > 0; }).length,
    };
  });
  const heads = [...document.querySelectorAll("table.groups th")];
  const col = heads.findIndex(th => th.textContent === "cost");
  heads[col].querySelector("button").click();
  const costSorted = [...document.querySelectorAll("table.groups tbody tr")].map(tr => tr.cells[col].textContent);
  return {table, charts, costSorted};
})()`

// openPage opens a page file in headless Chromium and returns what it shows, a screenshot of
// its whole length, and its problems: console errors, exceptions and requests for anything
// but the page itself.
func openPage(t *testing.T, path string) (view pageView, shot []byte, problems []string) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	pageURL := (&url.URL{Scheme: "file", Path: abs}).String()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browserPath(t)), chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900), chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	ctx, cancel = chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()

	var mu sync.Mutex
	report := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	err = chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				report("console %s: %d arguments", e.Type, len(e.Args))
			}
		case *runtime.EventExceptionThrown:
			report("exception: %s", e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				report("console error (%s): %s", e.Entry.Source, e.Entry.Text)
			}
		case *network.EventRequestWillBeSent:
			if e.Request.URL != pageURL {
				report("request for %s", e.Request.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(pageURL)); err != nil {
		t.Fatal(err)
	}
	if shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	// A page without the group table is still checked for its problems.
	view, _ = chromedp.Run(ctx, chromedp.Evaluate[pageView](readPage))
	background := chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`)
	if view.Background, err = chromedp.Run(ctx, background); err != nil {
		t.Fatal(err)
	}
	dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, dark); err != nil {
		t.Fatal(err)
	}
	if view.DarkBackground, err = chromedp.Run(ctx, background); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return view, shot, slices.Clone(problems)
}

// TestHTMLInBrowser opens the demo bill's page in headless Chromium: nothing fetched, no
// console error, the charts drawn with the expected series, the table equal to --format csv,
// sorting by a click, and a screenshot like the golden one. By a tag, the untagged share is a
// slice of its own.
func TestHTMLInBrowser(t *testing.T) {
	browserPath(t)
	// From the top of the repository, the page names its input as docs/examples/report.html does.
	t.Chdir(filepath.Join("..", ".."))
	demo := filepath.Join("testdata", "demo")
	dir := t.TempDir()

	t.Run("problems seen", func(t *testing.T) {
		page := filepath.Join(dir, "bad.html")
		bad := `<!DOCTYPE html><title>bad</title><img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script>`
		if err := os.WriteFile(page, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, problems := openPage(t, page)
		text := strings.Join(problems, "\n")
		if !strings.Contains(text, "request for http://127.0.0.1:9/x.png") || !strings.Contains(text, "console error") {
			t.Errorf("a page that fetches and logs an error: problems %q", problems)
		}
	})

	t.Run("service", func(t *testing.T) {
		view, shot, rows := browseReport(t, filepath.Join(dir, "service.html"), demoPageArgs, demo)
		groups := rows[1 : len(rows)-1]
		top := make([]string, 0, 9)
		for _, r := range groups[:8] { // the csv is sorted by cost
			top = append(top, r[0])
		}
		top = append(top, "other")
		checkCharts(t, view, top, 3)

		costs := view.CostSorted
		if len(costs) != len(groups) || !slices.IsSortedFunc(costs, func(a, b string) int { return rat(t, a).Cmp(rat(t, b)) }) {
			t.Errorf("cost column after a click on its heading: %q", costs)
		}
		compareScreenshot(t, shot, filepath.Join("cmd", "curnorm", "testdata", "html", "report-demo.png"))
		if *updateScreenshots {
			if err := os.WriteFile(filepath.Join("docs", "examples", "report.png"), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("tag", func(t *testing.T) {
		view, _, rows := browseReport(t, filepath.Join(dir, "team.html"), []string{"report", "--quiet", "--by", "tag:team"}, demo)
		var series []string
		for _, r := range rows[1 : len(rows)-1] {
			if r[0] != "(none)" {
				series = append(series, r[0])
			}
		}
		checkCharts(t, view, append(series, "untagged (tag:team empty)"), 3)
	})
}

// browseReport writes the page of args to page, opens it, fails on its problems and on a table
// unlike the csv of the same args, and returns what the browser shows and the csv's rows.
func browseReport(t *testing.T, page string, args []string, demo string) (pageView, []byte, [][]string) {
	t.Helper()
	if code, _, stderr := runCurnorm(t, append(slices.Clone(args), "-o", page, demo)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	view, shot, problems := openPage(t, page)
	for _, p := range problems {
		t.Error(p)
	}
	rows := csvRows(t, append(slices.Clone(args), "--format", "csv", demo)...)
	if !slices.EqualFunc(view.Table, rows, slices.Equal) {
		t.Errorf("page table:\n%q\ncsv:\n%q", view.Table, rows)
	}
	if view.Background == view.DarkBackground {
		t.Errorf("the page keeps its background %s in dark mode", view.Background)
	}
	return view, shot, rows
}

// checkCharts: cost over time and shares show series, each painted in its own colour;
// actual vs on-demand is in between.
func checkCharts(t *testing.T, view pageView, series []string, n int) {
	t.Helper()
	if len(view.Charts) != n {
		t.Fatalf("%d charts, want %d", len(view.Charts), n)
	}
	for _, i := range []int{0, len(view.Charts) - 1} {
		c := view.Charts[i]
		if !slices.Equal(c.Series, series) {
			t.Errorf("chart %q: series %q, want %q", c.Title, c.Series, series)
		}
		if len(c.Fills) != len(series) || c.Painted < len(series) {
			t.Errorf("chart %q: %d bars drawn in %d colours (%q), for %d series", c.Title, c.Painted, len(c.Fills), c.Fills, len(series))
		}
	}
	if c := view.Charts[1]; c.Title != "Actual cost vs public on-demand" || c.Painted == 0 {
		t.Errorf("chart %q: %d bars drawn", c.Title, c.Painted)
	}
}

func csvRows(t *testing.T, args ...string) [][]string {
	t.Helper()
	code, out, stderr := runCurnorm(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func rat(t *testing.T, s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("not a number: %q", s)
	}
	return r
}

// compareScreenshot compares a screenshot with the golden one loosely: the same width, a
// height within a quarter, and a page that is not blank. Fonts and antialiasing differ between
// machines, so pixels are not compared.
func compareScreenshot(t *testing.T, shot []byte, golden string) {
	t.Helper()
	got, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	if *updateScreenshots {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g, w := got.Bounds().Size(), want.Bounds().Size()
	if g.X != w.X || g.Y < w.Y*3/4 || g.Y > w.Y*5/4 {
		t.Errorf("screenshot %v, golden %s %v", g, golden, w)
	}
	if inked, colours := ink(got); inked < 0.03 || colours < 8 {
		t.Errorf("screenshot looks blank: %.1f%% of pixels off the background, %d colours", inked*100, colours)
	}
}

// ink is the share of pixels unlike the top left one (the background) and the number of
// colours.
func ink(img image.Image) (float64, int) {
	b := img.Bounds()
	rgba := func(x, y int) [4]uint32 {
		r, g, bl, a := img.At(x, y).RGBA()
		return [4]uint32{r, g, bl, a}
	}
	bg := rgba(b.Min.X, b.Min.Y)
	colours := map[[4]uint32]bool{}
	off := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(x, y)
			colours[c] = true
			if c != bg {
				off++
			}
		}
	}
	return float64(off) / float64(b.Dx()*b.Dy()), len(colours)
}
