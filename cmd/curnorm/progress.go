package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/report"
	"github.com/schollz/progressbar/v3"
)

const (
	// progressDelay keeps quick runs free of a bar that would only flash.
	progressDelay = time.Second
	progressTick  = 200 * time.Millisecond
)

// progress draws how far a long read has come on stderr, only when stderr is a terminal and
// --quiet is off. The readers do not report byte offsets, so a file's bytes count once it has
// been read to its end; in between, the bytes of the files still being read are estimated
// from the rows they delivered at the bytes per row of the files done. One file, standard
// input, or a caller that cannot tell where files end get a spinner with rows, rows/s and the
// elapsed time instead of a bar.
//
// A nil *progress does nothing, so callers need not ask whether one is shown.
type progress struct {
	ios   *ioStreams
	start time.Time
	sizes map[string]int64 // bytes of each source by path
	total int64            // bytes of all sources; 0 draws a spinner
	files int              // sources, when the caller reports their ends; else 0

	rows, doneRows, doneBytes, doneFiles atomic.Int64
	read                                 map[string]*atomic.Int64 // bytes read so far of each CSV source, by path
	inFlight                             atomic.Int64             // bytes read of the sources not done yet

	stop, stopped chan struct{}
	bar           *progressbar.ProgressBar
}

// startProgress starts drawing for a read of sources. byFile says that the caller reports the
// end of each source with sourceDone, which a bar of bytes needs.
func startProgress(ios *ioStreams, sources []cur.Source, byFile bool) *progress {
	if !ios.ErrTTY || ios.Quiet || len(sources) == 0 {
		return nil
	}
	p := &progress{ios: ios, start: time.Now(), sizes: map[string]int64{},
		stop: make(chan struct{}), stopped: make(chan struct{})}
	if byFile {
		p.files = len(sources)
	}
	// A bar needs the sizes of the files, and a lone file must report its bytes as it is read,
	// as CSV does; standard input, or a lone Parquet or zip file, gets a spinner.
	if p.files > 1 || p.files == 1 && reportsBytes(sources[0].Path) {
		p.read = map[string]*atomic.Int64{}
		for _, s := range sources {
			if s.Size <= 0 {
				p.total = 0
				break
			}
			p.sizes[s.Path] = s.Size
			p.read[s.Path] = new(atomic.Int64)
			p.total += s.Size
		}
	}
	go p.loop()
	return p
}

// addRows counts rows read; it is safe to call from several goroutines.
func (p *progress) addRows(n int) {
	if p != nil {
		p.rows.Add(int64(n))
	}
}

// reportsBytes tells the files whose reader reports bytes as it reads (cur.Request.OnRead).
func reportsBytes(path string) bool {
	lower := strings.ToLower(path)
	return strings.HasSuffix(lower, ".csv") || strings.HasSuffix(lower, ".csv.gz")
}

// bytesRead counts bytes read of a source; safe from several goroutines.
func (p *progress) bytesRead(src cur.Source, n int) {
	if c := p.read[src.Path]; c != nil {
		c.Add(int64(n))
		p.inFlight.Add(int64(n))
	}
}

// sourceDone counts a source read to its end, with its rows; safe from several goroutines.
func (p *progress) sourceDone(src cur.Source, rows int64) {
	if p == nil {
		return
	}
	p.doneRows.Add(rows)
	p.doneBytes.Add(p.sizes[src.Path])
	if c := p.read[src.Path]; c != nil {
		p.inFlight.Add(-c.Load())
	}
	p.doneFiles.Add(1)
}

// done stops drawing and erases the bar, so that what follows starts on a clean line.
func (p *progress) done() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.stopped
	if p.bar != nil {
		p.bar.Finish()
	}
}

// hook sets o's callbacks to feed p.
func (p *progress) hook(o *report.Options) {
	if p != nil {
		o.Progress, o.SourceDone = p.addRows, p.sourceDone
		if p.read != nil {
			o.BytesRead = p.bytesRead
		}
	}
}

func (p *progress) loop() {
	defer close(p.stopped)
	t := time.NewTicker(progressTick)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			if now.Sub(p.start) >= progressDelay {
				p.draw(now)
			}
		}
	}
}

func (p *progress) draw(now time.Time) {
	width := stderrWidth(p.ios)
	if p.bar == nil {
		opts := []progressbar.Option{
			progressbar.OptionSetWriter(p.ios.ErrOut),
			progressbar.OptionSetWidth(30),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionSetElapsedTime(false),
			progressbar.OptionShowDescriptionAtLineEnd(),
			progressbar.OptionClearOnFinish(),
		}
		if p.total > 0 {
			p.bar = progressbar.NewOptions64(p.total, opts...)
		} else {
			p.bar = progressbar.NewOptions64(-1, append(opts, progressbar.OptionSpinnerType(14))...)
		}
	}
	st := p.snapshot(now)
	if p.total > 0 {
		p.bar.Set64(st.bytes)
		// The bar, its percentage and the blanks around them take about 40 columns.
		p.bar.Describe(fitParts(st.parts(p.total, p.files), width-40))
		return
	}
	p.bar.Describe(fitParts(st.parts(0, p.files), width-4))
}

// progressState is what one drawing shows.
type progressState struct {
	elapsed   time.Duration
	rows      int64
	bytes     int64 // estimated bytes read; 0 when unknown
	doneFiles int64
}

func (p *progress) snapshot(now time.Time) progressState {
	st := progressState{elapsed: now.Sub(p.start), doneFiles: p.doneFiles.Load()}
	doneRows, doneBytes := p.doneRows.Load(), p.doneBytes.Load()
	st.rows = max(p.rows.Load(), doneRows)
	if p.total == 0 {
		return st
	}
	// Files may have grown since they were measured; the bar cannot pass its end.
	st.bytes = min(doneBytes, p.total)
	if st.doneFiles < int64(p.files) {
		if inFlight := p.inFlight.Load(); inFlight > 0 {
			st.bytes += inFlight
		} else if doneRows > 0 {
			// Readers that do not report bytes: estimate from the rows, at the done files' rate.
			st.bytes += int64(float64(st.rows-doneRows) * float64(doneBytes) / float64(doneRows))
		}
		// An estimate must not claim the end before the last file is done.
		st.bytes = min(st.bytes, p.total-1)
	}
	return st
}

// parts are the pieces of a progress line in the order shown; total is 0 for a spinner.
func (st progressState) parts(total int64, files int) []linePart {
	secs := st.elapsed.Seconds()
	var out []linePart
	if total > 0 {
		out = append(out, linePart{siBytes(st.bytes) + "/" + siBytes(total), 0})
	}
	if files > 1 {
		out = append(out, linePart{fmt.Sprintf("%d/%d files", st.doneFiles, files), 5})
	}
	if total == 0 {
		out = append(out, linePart{si(float64(st.rows)) + " rows", 1})
	}
	if secs > 0 {
		out = append(out, linePart{si(float64(st.rows)/secs) + " rows/s", 2})
	}
	out = append(out, linePart{"elapsed " + clock(st.elapsed), 4})
	if total > 0 && st.bytes > 0 {
		left := time.Duration(float64(st.elapsed) * float64(total-st.bytes) / float64(st.bytes))
		out = append(out, linePart{"ETA " + clock(left), 1})
	}
	return out
}

// linePart is a piece of a progress line; when the line is too long for the terminal, the
// pieces of highest drop go first.
type linePart struct {
	text string
	drop int
}

// fitParts joins the parts, leaving out the least important until the line fits width.
func fitParts(parts []linePart, width int) string {
	for {
		texts := make([]string, 0, len(parts))
		worst := 0
		for i, p := range parts {
			texts = append(texts, p.text)
			if p.drop > parts[worst].drop {
				worst = i
			}
		}
		line := strings.Join(texts, ", ")
		if len(line) <= width || len(parts) == 1 {
			return line
		}
		parts = append(parts[:worst:worst], parts[worst+1:]...)
	}
}

// si writes n with an SI prefix and three significant digits at most: 950, 12k, 1.2M.
func si(n float64) string {
	v, prefix := siParts(n)
	return v + prefix
}

// siBytes writes a byte count the way si does: 950 B, 12 kB, 1.2 GB.
func siBytes(n int64) string {
	v, prefix := siParts(float64(n))
	return v + " " + prefix + "B"
}

func siParts(n float64) (value, prefix string) {
	prefixes := []string{"", "k", "M", "G", "T", "P"}
	i := 0
	for n >= 999.5 && i < len(prefixes)-1 {
		n /= 1000
		i++
	}
	if i > 0 && n < 9.95 {
		return fmt.Sprintf("%.1f", n), prefixes[i]
	}
	return fmt.Sprintf("%.0f", n), prefixes[i]
}

// clock writes d as m:ss, or h:mm:ss from an hour on.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// rollup runs report.Run with a progress display on stderr.
func rollup(ctx context.Context, ios *ioStreams, sources []cur.Source, o report.Options) (*report.Result, error) {
	p := startProgress(ios, sources, true)
	p.hook(&o)
	res, err := report.Run(ctx, sources, o)
	p.done()
	return res, err
}
