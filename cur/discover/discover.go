// Package discover turns the paths of a command line into the CUR files to read: it walks
// report and export folders, reads manifests, and keeps the current delivery (assembly or
// execution) of each billing period, as docs/columns.md describes.
package discover

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/s3src"
)

// Options are the choices a user can make about which deliveries to read.
type Options struct {
	// Assembly picks the delivery of a billing period where discovery cannot or should not
	// decide: a legacy assemblyId, or a CUR 2.0 execution folder name or execution id. It
	// overrides a period manifest. Several, one per period, may be given separated by commas.
	Assembly string
	// AllowMixed accepts explicitly named files that belong to two assemblies or executions of
	// one billing period (each is a full restatement, so they would normally double count).
	AllowMixed bool
	// AllowDuplicates reads files of identical content (a copy beside the original) each as
	// its own instead of refusing them. Sources does not look at content: the commands hand
	// this on to the rollup, which fingerprints files as it reads them.
	AllowDuplicates bool
	// S3 holds the settings for s3:// paths that have no standard AWS name.
	S3 s3src.Config
	// Periods keeps the deliveries of these billing periods (YYYY-MM) alone, and folders of
	// other periods are not walked. A period with no delivery is an ErrNotDelivered error.
	Periods []string
}

// ErrNotDelivered classes the error of a billing period asked for that holds no delivery:
// on the first days of a month AWS has not delivered it yet.
var ErrNotDelivered = errors.New("billing period not delivered")

// ParsePeriods reads billing periods separated by commas: YYYY-MM, "current" or "previous"
// (the month of now, or the one before, in UTC).
func ParsePeriods(s string, now time.Time) ([]string, error) {
	var out []string
	first := time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, v := range strings.Split(s, ",") {
		switch v = strings.TrimSpace(v); strings.ToLower(v) {
		case "current":
			v = first.Format("2006-01")
		case "previous":
			v = first.AddDate(0, -1, 0).Format("2006-01")
		default:
			if _, err := time.Parse("2006-01", v); err != nil || len(v) != 7 {
				return nil, fmt.Errorf("billing period %q is not YYYY-MM, current or previous", v)
			}
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Result is what Sources found.
type Result struct {
	// Sources are the files to read, sorted by period, then path.
	Sources []cur.Source
	// Warnings are one line each, for stderr: files no manifest lists, superseded deliveries
	// skipped, manifests that disagree with the folders.
	Warnings []string
}

// Sources expands the paths given on a command line into the CUR files to read.
//
// "-" is standard input. A file is read as named; its Period and Assembly are taken from its
// place when it sits in a legacy report or CUR 2.0 export folder. A *-Manifest.json names the
// files it lists. A folder is walked for CUR data files (.csv, .csv.gz, .csv.zip, .parquet),
// and within each report or export and billing period only the current delivery is kept: the
// one a manifest found in the walked folders names; else the only one; else, for CUR 2.0, the
// newest execution folder. Manifests are only looked for inside the folders given, so naming
// one assembly or execution folder reads that one; the files a manifest lists are found below
// its report or export folder, even outside the folders given.
//
// A path may be an s3://bucket/prefix URL: the bucket is listed and its manifests read by the
// same rules (cur/s3src), and the sources found there keep their URL as Path and carry the
// cur.Object that reads them.
//
// Named files whose folders place them in two assemblies or executions of one period are
// refused unless opts.AllowMixed; files whose folder names no delivery are not counted.
//
// Errors are *cur.Error wrapping cur.ErrNoInput (nothing there, or a manifest listing a missing file),
// cur.ErrCorrupt (a manifest that does not parse) or cur.ErrMixedAssemblies (a legacy period with
// several assemblies and no manifest, or named files of two deliveries of one period).
func Sources(paths []string, opts Options) (*Result, error) {
	return SourcesContext(context.Background(), paths, opts)
}

// SourcesContext is Sources with the requests to S3, for discovery and for reading the
// sources it returns, bound to ctx: cancelling it stops them.
func SourcesContext(ctx context.Context, paths []string, opts Options) (*Result, error) {
	if len(paths) == 0 {
		return nil, cur.FileErrorf("<no input>", cur.ErrNoInput, "no files or folders given: %w", cur.ErrNoInput)
	}
	d := &discoverer{
		opts:   opts,
		walked: map[string]*discFile{},
		groups: map[discGroupKey]*discGroup{},
		chosen: map[string]discChosen{},
		wanted: map[string]bool{},
	}
	for _, a := range strings.Split(opts.Assembly, ",") {
		if a = strings.TrimSpace(a); a != "" {
			d.want = append(d.want, a)
		}
	}
	d.cwd, _ = os.Getwd()
	for _, p := range paths {
		if isURL(p) && d.s3 == nil {
			t, err := s3src.New(ctx, opts.S3)
			if err != nil {
				return nil, cur.FileError(p, cur.ErrNoInput, err)
			}
			d.s3 = t
		}
	}
	for _, p := range paths {
		if err := d.add(p); err != nil {
			return nil, err
		}
	}
	return d.finish(paths)
}

// layoutKind tells which folder layout a file sits in.
type layoutKind uint8

const (
	layoutLoose  layoutKind = iota // in no recognised layout
	layoutLegacy                   // legacy CUR report folder
	layoutCUR2                     // CUR 2.0 export folder
)

// layoutPlace is where a data file sits in a report or export folder.
type layoutPlace struct {
	kind      layoutKind
	root      string // absolute report (legacy) or export (CUR 2.0) folder
	period    string // YYYY-MM
	periodDir string // absolute legacy period or BILLING_PERIOD= folder; "" for legacy Parquet
	delivery  string // assembly or execution folder name; "" when directly in the period
	rel       string // slash path below root: what manifest keys are matched against
}

// legacyPeriodDir reads a legacy period folder name (20240101-20240201) as YYYY-MM.
func legacyPeriodDir(name string) (string, bool) {
	if len(name) != 17 || name[8] != '-' {
		return "", false
	}
	start, err1 := time.Parse("20060102", name[:8])
	end, err2 := time.Parse("20060102", name[9:])
	if err1 != nil || err2 != nil || !end.After(start) {
		return "", false
	}
	return start.Format("2006-01"), true
}

// billingPeriodDir reads a CUR 2.0 partition folder name (BILLING_PERIOD=2026-04) as YYYY-MM.
func billingPeriodDir(name string) (string, bool) {
	k, v, ok := strings.Cut(name, "=")
	if !ok || !strings.EqualFold(k, "BILLING_PERIOD") || len(v) != 7 {
		return "", false
	}
	if _, err := time.Parse("2006-01", v); err != nil {
		return "", false
	}
	return v, true
}

// parquetPartition reads a legacy Parquet report's year=YYYY and month=M folders as YYYY-MM.
func parquetPartition(year, month string) (string, bool) {
	y, ok1 := strings.CutPrefix(year, "year=")
	m, ok2 := strings.CutPrefix(month, "month=")
	if !ok1 || !ok2 || len(y) != 4 {
		return "", false
	}
	yn, err1 := strconv.Atoi(y)
	mn, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || yn < 1 || mn < 1 || mn > 12 {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d", yn, mn), true
}

// placeDataFile finds a data file's place from its absolute path.
func placeDataFile(abs string) layoutPlace {
	p1 := nameDir(abs)
	p2 := nameDir(p1)
	p3 := nameDir(p2)
	n1, n2 := nameBase(p1), nameBase(p2)
	pl := layoutPlace{}
	switch {
	case isBillingPeriodDir(p1):
		pl = layoutPlace{kind: layoutCUR2, root: nameDir(p2), periodDir: p1}
	case isBillingPeriodDir(p2) && (nameBase(p3) == "data" || isExecutionDir(n1)):
		pl = layoutPlace{kind: layoutCUR2, root: nameDir(p3), periodDir: p2, delivery: n1}
	default:
		if per, ok := parquetPartition(n2, n1); ok && p3 != p2 && nameDir(p3) != p3 {
			pl = layoutPlace{kind: layoutLegacy, root: nameDir(p3), period: per}
		} else if _, ok := legacyPeriodDir(n1); ok {
			pl = layoutPlace{kind: layoutLegacy, root: p2, periodDir: p1}
		} else if _, ok := legacyPeriodDir(n2); ok {
			pl = layoutPlace{kind: layoutLegacy, root: p3, periodDir: p2, delivery: n1}
		} else {
			return layoutPlace{}
		}
	}
	switch {
	case pl.kind == layoutCUR2:
		pl.period, _ = billingPeriodDir(nameBase(pl.periodDir))
	case pl.periodDir != "":
		pl.period, _ = legacyPeriodDir(nameBase(pl.periodDir))
	}
	pl.rel, _ = nameRel(pl.root, abs)
	return pl
}

// isBillingPeriodDir reports a CUR 2.0 partition folder. Its parent is "data" in an export,
// but a copy of only the data folder may have renamed it, and the partition name alone is
// distinctive enough.
func isBillingPeriodDir(dir string) bool {
	_, ok := billingPeriodDir(nameBase(dir))
	return ok
}

// isExecutionDir reports a "create new files" execution folder, which starts with the ISO
// timestamp of its refresh (2026-04-16T15:24:15.653Z-<executionId>). Outside a data folder
// only such subfolders count as executions: other partitions below a period (by account, say)
// must not be mistaken for restatements.
func isExecutionDir(name string) bool {
	if len(name) < 11 || name[10] != 'T' {
		return false
	}
	_, err := time.Parse("2006-01-02", name[:10])
	return err == nil
}

// manifestPlace is where a manifest sits: a legacy period or assembly folder, or a CUR 2.0
// metadata/BILLING_PERIOD= folder (or a subfolder of it).
type manifestPlace struct {
	kind     layoutKind
	root     string
	period   string
	delivery string // the assembly or execution subfolder it sits in; "" at period level
}

func placeManifest(abs string) (manifestPlace, bool) {
	p1 := nameDir(abs)
	p2 := nameDir(p1)
	p3 := nameDir(p2)
	n1, n2, n3 := nameBase(p1), nameBase(p2), nameBase(p3)
	if per, ok := billingPeriodDir(n1); ok && n2 == "metadata" {
		return manifestPlace{kind: layoutCUR2, root: p3, period: per}, true
	}
	if per, ok := billingPeriodDir(n2); ok && n3 == "metadata" {
		return manifestPlace{kind: layoutCUR2, root: nameDir(p3), period: per, delivery: n1}, true
	}
	if per, ok := legacyPeriodDir(n1); ok {
		return manifestPlace{kind: layoutLegacy, root: p2, period: per}, true
	}
	if per, ok := legacyPeriodDir(n2); ok {
		return manifestPlace{kind: layoutLegacy, root: p3, period: per, delivery: n1}, true
	}
	return manifestPlace{}, false
}

func isManifestName(lower string) bool { return strings.HasSuffix(lower, "manifest.json") }

func isDataName(lower string) bool {
	// The status table of Athena-integrated reports is Parquet but holds no cost rows.
	if strings.HasPrefix(lower, "cost_and_usage_data_status") {
		return false
	}
	for _, ext := range [...]string{".csv", ".csv.gz", ".csv.zip", ".parquet"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// skipWalkName leaves out hidden entries and the status folder AWS writes beside the data.
func skipWalkName(name string) bool {
	return strings.HasPrefix(name, ".") || name == "cost_and_usage_data_status"
}

// discFile is a data file met while walking or listed by a manifest.
type discFile struct {
	path  string // as messages and cur.Source.Path show it
	abs   string
	place layoutPlace
	size  int64 // bytes
}

type discManifest struct {
	path     string
	abs      string
	delivery string
}

type discGroupKey struct {
	kind   layoutKind
	root   string
	period string
}

// discGroup is one billing period of one report or export, as found in the walked folders.
type discGroup struct {
	discGroupKey
	files     []*discFile
	manifests []*discManifest
}

// discChosen is a selected source and where it came from.
type discChosen struct {
	src      cur.Source
	place    layoutPlace
	explicit bool
}

type discoverer struct {
	opts   Options
	want   []string        // assembly or execution ids from opts.Assembly
	wanted map[string]bool // which of want matched something
	cwd    string
	s3     Tree // for s3:// names; nil when no path is one

	walked   map[string]*discFile // by absolute path
	groups   map[discGroupKey]*discGroup
	loose    []*discFile
	explicit []discChosen
	stdin    bool
	chosen   map[string]discChosen // by absolute path
	warnings []string
}

// tree is the tree that holds name.
func (d *discoverer) tree(name string) Tree {
	if isURL(name) {
		return d.s3
	}
	return diskTree{}
}

func (d *discoverer) warnf(format string, args ...any) {
	d.warnings = append(d.warnings, fmt.Sprintf(format, args...))
}

// show names an absolute path the way the user wrote like: relative when like is relative.
func (d *discoverer) show(abs, like string) string {
	if !isURL(abs) && !filepath.IsAbs(like) && d.cwd != "" {
		if rel, err := filepath.Rel(d.cwd, abs); err == nil {
			return rel
		}
	}
	return abs
}

func (d *discoverer) add(p string) error {
	if p == "-" {
		d.stdin = true
		return nil
	}
	t := d.tree(p)
	st, err := t.Stat(p)
	if err != nil {
		return cur.FileError(p, cur.ErrNoInput, unwrapPathError(err))
	}
	abs, err := t.Abs(p)
	if err != nil {
		return cur.FileError(p, cur.ErrNoInput, err)
	}
	switch {
	case st.IsDir():
		return d.walk(p)
	case isManifestName(strings.ToLower(nameBase(p))):
		return d.addManifestArg(p, abs)
	}
	pl := placeDataFile(abs)
	d.explicit = append(d.explicit, discChosen{
		src:      cur.Source{Path: p, Period: pl.period, Assembly: pl.delivery, Size: st.Size()},
		place:    pl,
		explicit: true,
	})
	return nil
}

func (d *discoverer) walk(root string) error {
	found, skipped := 0, 0 // files and manifests found; folders of periods not asked for
	t := d.tree(root)
	err := t.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return cur.FileError(p, cur.ErrNoInput, unwrapPathError(err))
		}
		if p != root && skipWalkName(e.Name()) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != root && e.IsDir() && d.otherPeriod(e.Name()) {
			skipped++
			return fs.SkipDir
		}
		if e.IsDir() {
			return nil
		}
		info, err := e.Info()
		if err == nil && !e.Type().IsRegular() {
			// A link counts when it leads to a file; other special files never hold a CUR.
			if info, err = t.Stat(p); err == nil && !info.Mode().IsRegular() {
				return nil
			}
		}
		if err != nil {
			return cur.FileError(p, cur.ErrNoInput, unwrapPathError(err))
		}
		lower := strings.ToLower(e.Name())
		switch {
		case isManifestName(lower):
			placed, err := d.addManifest(p)
			if placed {
				found++ // a manifest may list files outside this folder (Parquet reports)
			}
			return err
		case isDataName(lower):
			found++
			return d.addFile(p, info.Size())
		}
		return nil
	})
	if err != nil {
		var fe *cur.Error
		if errors.As(err, &fe) {
			return err
		}
		return cur.FileError(root, cur.ErrNoInput, err)
	}
	if found == 0 && skipped == 0 {
		return cur.FileErrorf(root, cur.ErrNoInput, "no CUR data files (.csv, .csv.gz, .csv.zip, .parquet) or manifests in this folder")
	}
	return nil
}

func (d *discoverer) group(kind layoutKind, root, period string) *discGroup {
	k := discGroupKey{kind, root, period}
	g := d.groups[k]
	if g == nil {
		g = &discGroup{discGroupKey: k}
		d.groups[k] = g
	}
	return g
}

func (d *discoverer) addFile(p string, size int64) error {
	abs, err := d.tree(p).Abs(p)
	if err != nil {
		return cur.FileError(p, cur.ErrNoInput, err)
	}
	if d.walked[abs] != nil {
		return nil
	}
	f := &discFile{path: p, abs: abs, place: placeDataFile(abs), size: size}
	d.walked[abs] = f
	if f.place.kind == layoutLoose {
		d.loose = append(d.loose, f)
		return nil
	}
	g := d.group(f.place.kind, f.place.root, f.place.period)
	g.files = append(g.files, f)
	return nil
}

// addManifest records a manifest met while walking; placed reports one in a known layout.
func (d *discoverer) addManifest(p string) (placed bool, err error) {
	abs, err := d.tree(p).Abs(p)
	if err != nil {
		return false, cur.FileError(p, cur.ErrNoInput, err)
	}
	mp, ok := placeManifest(abs)
	if !ok {
		return false, nil // a stray manifest decides nothing
	}
	g := d.group(mp.kind, mp.root, mp.period)
	for _, m := range g.manifests {
		if m.abs == abs {
			return true, nil
		}
	}
	g.manifests = append(g.manifests, &discManifest{path: p, abs: abs, delivery: mp.delivery})
	return true, nil
}

// addManifestArg reads the files a manifest named on the command line lists.
func (d *discoverer) addManifestArg(p, abs string) error {
	mp, ok := placeManifest(abs)
	if !ok {
		return cur.FileErrorf(p, cur.ErrUnsupportedFormat, "manifest is not in a legacy report period folder or a CUR 2.0 metadata/BILLING_PERIOD= folder, so its files cannot be found: name the report folder instead")
	}
	g := &discGroup{discGroupKey: discGroupKey{mp.kind, mp.root, mp.period}}
	m := &discManifest{path: p, abs: abs, delivery: mp.delivery}
	files, id, err := d.readAndSelect(g, m)
	if err != nil {
		return err
	}
	for _, f := range files {
		d.emit(g, f, id)
	}
	return nil
}

// manifestID is the assembly or execution id a manifest of g's kind names.
func (d *discoverer) manifestID(g *discGroup, m *discManifest) (string, error) {
	if g.kind == layoutCUR2 {
		man, err := readCUR2Manifest(d.tree(m.abs), m.path)
		if err != nil {
			return "", err
		}
		return man.ExecutionID, nil
	}
	man, err := readLegacyManifest(d.tree(m.abs), m.path)
	if err != nil {
		return "", err
	}
	return man.AssemblyID, nil
}

// readAndSelect parses a manifest of g's kind and returns the files it lists and its
// assembly or execution id.
func (d *discoverer) readAndSelect(g *discGroup, m *discManifest) ([]*discFile, string, error) {
	if g.kind == layoutCUR2 {
		man, err := readCUR2Manifest(d.tree(m.abs), m.path)
		if err != nil {
			return nil, "", err
		}
		files, err := d.selectByManifest(g, m, man.DataFiles, cur2KeyTail)
		return files, man.ExecutionID, err
	}
	man, err := readLegacyManifest(d.tree(m.abs), m.path)
	if err != nil {
		return nil, "", err
	}
	if per := man.period(); per != "" && per != g.period {
		d.warnf("%s: billingPeriod starts %s, but the folder is for %s; using the folder's", m.path, per, g.period)
	}
	files, err := d.selectByManifest(g, m, man.ReportKeys, legacyKeyTail)
	return files, man.AssemblyID, err
}

// selectByManifest maps a manifest's keys to local files. A key is matched on its path below
// the report or export folder (never on its base name, which repeats in every assembly and
// execution); a listed file missing on disk is an error.
func (d *discoverer) selectByManifest(g *discGroup, m *discManifest, keys []string, tail func(string) (string, bool)) ([]*discFile, error) {
	var out []*discFile
	seen := map[string]bool{}
	for _, key := range keys {
		var f *discFile
		if t, ok := tail(key); ok {
			abs := nameJoin(g.root, t)
			if f = d.walked[abs]; f == nil {
				st, err := d.tree(abs).Stat(abs)
				if err != nil || !st.Mode().IsRegular() {
					return nil, cur.FileErrorf(m.path, cur.ErrNoInput, "lists %s, but %s does not exist", key, d.show(abs, m.path))
				}
				f = &discFile{path: d.show(abs, m.path), abs: abs, place: placeDataFile(abs), size: st.Size()}
			}
		} else {
			// A key in no known layout: take the walked file whose path below the report
			// folder it ends with.
			for _, c := range g.files {
				if c.place.rel != "" && (key == c.place.rel || strings.HasSuffix(key, "/"+c.place.rel)) {
					f = c
					break
				}
			}
			if f == nil {
				return nil, cur.FileErrorf(m.path, cur.ErrNoInput, "lists %s, which matches no file in %s", key, d.show(g.root, m.path))
			}
		}
		if !seen[f.abs] {
			seen[f.abs] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// emit selects f; assembly stands in when f's folder does not name its delivery.
func (d *discoverer) emit(g *discGroup, f *discFile, assembly string) {
	src := cur.Source{Path: f.path, Period: f.place.period, Assembly: f.place.delivery, Size: f.size}
	if src.Period == "" {
		src.Period = g.period
	}
	if src.Assembly == "" {
		src.Assembly = assembly
	}
	d.chosen[f.abs] = discChosen{src: src, place: f.place}
}

// deliveries are the assembly or execution folders holding g's files, sorted; "" stands for
// files directly in the period folder. Execution folders start with an ISO timestamp, so the
// last is the newest.
func (g *discGroup) deliveries() []string {
	set := map[string]bool{}
	for _, f := range g.files {
		set[f.place.delivery] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// manifestAt chooses the manifest in one folder of g (delivery "" is the period level).
func (d *discoverer) manifestAt(g *discGroup, delivery string) (*discManifest, error) {
	var list []*discManifest
	for _, m := range g.manifests {
		if m.delivery == delivery {
			list = append(list, m)
		}
	}
	switch len(list) {
	case 0:
		return nil, nil
	case 1:
		return list[0], nil
	}
	// Two reports copied into one folder: the one named after the folder is this report's.
	own := strings.ToLower(nameBase(g.root) + "-Manifest.json")
	names := make([]string, len(list))
	for i, m := range list {
		if strings.ToLower(nameBase(m.abs)) == own {
			return m, nil
		}
		names[i] = m.path
	}
	sort.Strings(names)
	return nil, cur.FileErrorf(nameDir(names[0]), cur.ErrMixedAssemblies, "several manifests in one folder (%s): cannot tell which belongs to the report", strings.Join(names, ", "))
}

// pick returns the delivery of dels that opts.Assembly names, if any.
func (d *discoverer) pick(dels []string) (string, bool) {
	for _, w := range d.want {
		for _, dl := range dels {
			if dl != "" && (dl == w || strings.HasSuffix(dl, "-"+w)) {
				d.wanted[w] = true
				return dl, true
			}
		}
	}
	return "", false
}

func (g *discGroup) noun() string {
	if g.kind == layoutCUR2 {
		return "execution"
	}
	return "assembly"
}

func (d *discoverer) resolve(g *discGroup) error {
	dels := g.deliveries()
	pm, err := d.manifestAt(g, "")
	if err != nil {
		return err
	}
	if pm == nil && g.kind == layoutCUR2 {
		// Manifests kept per execution below the period: the newest one speaks for it.
		var subs []string
		for _, m := range g.manifests {
			subs = append(subs, m.delivery)
		}
		sort.Strings(subs)
		if len(subs) > 0 {
			if pm, err = d.manifestAt(g, subs[len(subs)-1]); err != nil {
				return err
			}
		}
	}
	if pick, ok := d.pick(dels); ok {
		if pm != nil && pm.delivery != pick {
			id, err := d.manifestID(g, pm)
			if err != nil {
				return err
			}
			if id != "" && (id == pick || strings.HasSuffix(pick, "-"+id)) {
				return d.takeManifest(g, pm, dels)
			}
			d.warnf("%s: names %s %s as current; reading %s, chosen with --assembly", pm.path, g.noun(), id, pick)
		}
		return d.takeDelivery(g, pick, pick+" (chosen with --assembly)")
	}
	if pm != nil {
		return d.takeManifest(g, pm, dels)
	}
	switch {
	case len(dels) == 0:
		return nil // manifests of assemblies whose data is not here
	case len(dels) == 1 || g.kind == layoutCUR2:
		newest := dels[len(dels)-1]
		by := newest
		if len(dels) > 1 {
			by += " (newest)"
		}
		return d.takeDelivery(g, newest, by)
	}
	// Legacy manifests carry no timestamp: with no period manifest nothing says which
	// restatement is current, and guessing would double count or drop a month.
	names := make([]string, len(dels))
	for i, dl := range dels {
		names[i] = dl
		if dl == "" {
			names[i] = "(files directly in the period folder)"
		}
	}
	dir := g.periodDir()
	return cur.FileErrorf(d.show(dir, g.files[0].path), cur.ErrMixedAssemblies,
		"billing period %s has %d assemblies and no period manifest saying which is current: %s; choose one with --assembly",
		g.period, len(dels), strings.Join(names, ", "))
}

// periodDir is the period folder of g's files, for messages.
func (g *discGroup) periodDir() string {
	for _, f := range g.files {
		if f.place.periodDir != "" {
			return f.place.periodDir
		}
	}
	return g.root
}

// takeManifest keeps the files the period manifest lists.
func (d *discoverer) takeManifest(g *discGroup, pm *discManifest, dels []string) error {
	files, id, err := d.readAndSelect(g, pm)
	if err != nil {
		return err
	}
	current := map[string]bool{}
	if g.kind == layoutLegacy {
		current[id] = true
	}
	latest := ""
	for _, f := range files {
		current[f.place.delivery] = true
		if f.place.delivery > latest {
			latest = f.place.delivery
		}
		d.emit(g, f, id)
	}
	by := id + " (named by " + pm.path + ")"
	if g.kind == layoutCUR2 {
		if len(dels) > 0 && dels[len(dels)-1] > latest && !current[dels[len(dels)-1]] {
			d.warnf("%s: names execution %s, but a newer execution folder %s is present (perhaps still being written); following the manifest", pm.path, id, dels[len(dels)-1])
		}
		if latest != "" {
			by = latest + " (named by " + pm.path + ")"
		}
	}
	d.skipRest(g, files, current, pm, by)
	return nil
}

// takeDelivery keeps one assembly or execution folder: the files its own manifest lists when
// it has one, else all of them.
func (d *discoverer) takeDelivery(g *discGroup, dl, by string) error {
	var m *discManifest
	if dl != "" {
		var err error
		if m, err = d.manifestAt(g, dl); err != nil {
			return err
		}
	}
	var files []*discFile
	id := ""
	if m != nil {
		var err error
		if files, id, err = d.readAndSelect(g, m); err != nil {
			return err
		}
	} else {
		for _, f := range g.files {
			if f.place.delivery == dl {
				files = append(files, f)
			}
		}
	}
	for _, f := range files {
		d.emit(g, f, id)
	}
	d.skipRest(g, files, map[string]bool{dl: true}, m, by)
	return nil
}

// skipRest warns about g's files that were not kept: one line per file of the current
// delivery that its manifest does not list, one line per superseded delivery.
func (d *discoverer) skipRest(g *discGroup, kept []*discFile, current map[string]bool, m *discManifest, by string) {
	keep := map[string]bool{}
	for _, f := range kept {
		keep[f.abs] = true
	}
	rest := make([]*discFile, 0, len(g.files))
	for _, f := range g.files {
		if !keep[f.abs] {
			rest = append(rest, f)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].path < rest[j].path })
	superseded := map[string][]*discFile{}
	for _, f := range rest {
		dl := f.place.delivery
		switch {
		case current[dl] && m != nil:
			d.warnf("%s: not listed in manifest %s; skipped", f.path, m.path)
		case dl == "":
			d.warnf("%s: not part of %s %s; skipped", f.path, g.noun(), by)
		default:
			superseded[dl] = append(superseded[dl], f)
		}
	}
	dels := make([]string, 0, len(superseded))
	for dl := range superseded {
		dels = append(dels, dl)
	}
	sort.Strings(dels)
	for _, dl := range dels {
		files := superseded[dl]
		d.warnf("%s: %s %s superseded by %s; skipped %d file(s)", nameDir(files[0].path), g.noun(), dl, by, len(files))
	}
}

func (d *discoverer) finish(paths []string) (*Result, error) {
	keys := make([]discGroupKey, 0, len(d.groups))
	for k := range d.groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.root != b.root {
			return a.root < b.root
		}
		return a.period < b.period
	})
	for _, k := range keys {
		if err := d.resolve(d.groups[k]); err != nil {
			return nil, err
		}
	}
	for _, f := range d.loose {
		d.chosen[f.abs] = discChosen{src: cur.Source{Path: f.path, Size: f.size}, place: f.place}
	}
	for _, e := range d.explicit {
		abs, _ := d.tree(e.src.Path).Abs(e.src.Path)
		if c, ok := d.chosen[abs]; ok {
			// Named and also found in a folder: the folder knows more (the manifest's id),
			// but the file still counts as named for the mixed-delivery check.
			c.explicit = true
			d.chosen[abs] = c
			continue
		}
		for _, w := range d.want {
			if dl := e.src.Assembly; dl != "" && (dl == w || strings.HasSuffix(dl, "-"+w)) {
				d.wanted[w] = true
			}
		}
		d.chosen[abs] = e
	}
	for _, w := range d.want {
		if !d.wanted[w] {
			return nil, cur.FileErrorf(paths[0], cur.ErrNoInput, "no assembly or execution %q in the folders given", w)
		}
	}
	if !d.opts.AllowMixed {
		if err := d.checkMixed(); err != nil {
			return nil, err
		}
	}
	out := &Result{Warnings: d.warnings}
	if d.stdin {
		out.Sources = append(out.Sources, cur.Source{Path: "-"})
	}
	for _, c := range d.chosen {
		c.src.Object = d.tree(c.src.Path).Object(c.src.Path)
		out.Sources = append(out.Sources, c.src)
	}
	sort.Slice(out.Sources, func(i, j int) bool {
		a, b := out.Sources[i], out.Sources[j]
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		return a.Path < b.Path
	})
	if len(d.opts.Periods) > 0 {
		return d.keepPeriods(out, paths)
	}
	if len(out.Sources) == 0 {
		return nil, cur.FileErrorf(paths[0], cur.ErrNoInput, "no CUR data files left to read after applying the manifests")
	}
	return out, nil
}

// otherPeriod tells a legacy period or CUR 2.0 BILLING_PERIOD= folder of a period not asked for.
func (d *discoverer) otherPeriod(name string) bool {
	if len(d.opts.Periods) == 0 {
		return false
	}
	period, ok := legacyPeriodDir(name)
	if !ok {
		period, ok = billingPeriodDir(name)
	}
	return ok && !slices.Contains(d.opts.Periods, period)
}

// keepPeriods keeps the sources of the periods asked for; each must have some.
func (d *discoverer) keepPeriods(out *Result, paths []string) (*Result, error) {
	var kept []cur.Source
	for _, s := range out.Sources {
		if s.Period == "" {
			return nil, cur.FileErrorf(s.Name(), cur.ErrNoInput, "billing periods were asked for, but this file sits in no report or export folder that names its period; filter its rows by billing-period instead")
		}
		if slices.Contains(d.opts.Periods, s.Period) {
			kept = append(kept, s)
		}
	}
	var missing []string
	for _, p := range d.opts.Periods {
		if !slices.ContainsFunc(kept, func(s cur.Source) bool { return s.Period == p }) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return nil, cur.FileErrorf(strings.Join(paths, ", "), ErrNotDelivered,
			"no delivery of billing period %s: AWS has not delivered it yet (the first CUR of a month comes within a day or so of its start), or it is kept elsewhere",
			strings.Join(missing, ", "))
	}
	out.Sources = kept
	return out, nil
}

// checkMixed refuses named files from two deliveries of one period: each delivery restates
// the whole period, so reading both would double count it.
func (d *discoverer) checkMixed() error {
	type slot struct {
		explicit bool
		byDel    map[string][]string
	}
	slots := map[discGroupKey]*slot{}
	for _, c := range d.chosen {
		if c.place.kind == layoutLoose || c.src.Assembly == "" {
			continue
		}
		k := discGroupKey{c.place.kind, c.place.root, c.src.Period}
		s := slots[k]
		if s == nil {
			s = &slot{byDel: map[string][]string{}}
			slots[k] = s
		}
		s.explicit = s.explicit || c.explicit
		s.byDel[c.src.Assembly] = append(s.byDel[c.src.Assembly], c.src.Path)
	}
	keys := make([]discGroupKey, 0, len(slots))
	for k, s := range slots {
		if s.explicit && len(s.byDel) > 1 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].root != keys[j].root {
			return keys[i].root < keys[j].root
		}
		return keys[i].period < keys[j].period
	})
	k := keys[0]
	s := slots[k]
	dels := make([]string, 0, len(s.byDel))
	for dl := range s.byDel {
		dels = append(dels, dl)
	}
	sort.Strings(dels)
	parts := make([]string, len(dels))
	var first string
	for i, dl := range dels {
		files := s.byDel[dl]
		sort.Strings(files)
		if first == "" {
			first = files[0]
		}
		shown := files
		more := ""
		if len(files) > 3 {
			shown, more = files[:3], fmt.Sprintf(" and %d more", len(files)-3)
		}
		parts[i] = fmt.Sprintf("%s (%s%s)", dl, strings.Join(shown, ", "), more)
	}
	noun := "assemblies"
	if k.kind == layoutCUR2 {
		noun = "executions"
	}
	return cur.FileErrorf(first, cur.ErrMixedAssemblies,
		"billing period %s: files from %d %s of one report: %s; each restates the whole period, so read one (or pass --allow-mixed-assemblies)",
		k.period, len(dels), noun, strings.Join(parts, "; "))
}
