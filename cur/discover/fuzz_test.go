package discover

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curnorm/curnorm/cur"
)

func FuzzManifest(f *testing.F) {
	for _, s := range []string{
		`{"assemblyId":"a1","billingPeriod":{"start":"20261001T000000.000Z","end":"20261101T000000.000Z"},"reportKeys":["cur/r/20261001-20261101/a1/r-1.csv.gz"]}`,
		`{"assemblyId":"a1","reportKeys":["r/year=2026/month=10/r-1.snappy.parquet","../../etc/passwd","cur/r/20261001-20261101/../../x.csv"]}`,
		`{"executionId":"e1","dataFiles":["s3://b/p/e/data/BILLING_PERIOD=2026-10/e-00001.csv.gz","s3://b/p/e/data/BILLING_PERIOD=2026-10/./../x"]}`,
		`{"assemblyId":"","reportKeys":[]}`, `{"dataFiles":null}`, `[]`, `{"billingPeriod":{"start":"not a date"},"assemblyId":"x"}`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(err error) {
			var e *cur.Error
			if !errors.As(err, &e) || e.File != "m.json" || !errors.Is(err, cur.ErrCorrupt) {
				t.Fatalf("error %v (%T) is not a corrupt-manifest *cur.Error naming the file", err, err)
			}
		}
		checkTail := func(key, tail string, ok bool) {
			if ok && (!filepath.IsLocal(tail) || tail != filepath.Clean(tail)) {
				t.Fatalf("key %q mirrors %q, which leaves the report folder", key, tail)
			}
		}
		if m, err := parseLegacyManifest("m.json", data); err != nil {
			check(err)
		} else {
			if m.AssemblyID == "" {
				t.Fatalf("legacy manifest accepted without assemblyId: %q", data)
			}
			if p := m.period(); p != "" && cur.PeriodOf(p) != p {
				t.Fatalf("period %q is not YYYY-MM", p)
			}
			for _, k := range m.ReportKeys {
				tail, ok := legacyKeyTail(k)
				checkTail(k, tail, ok)
			}
		}
		if m, err := parseCUR2Manifest("m.json", data); err != nil {
			check(err)
		} else {
			for _, k := range m.DataFiles {
				tail, ok := cur2KeyTail(k)
				checkTail(k, tail, ok)
				if ok && !strings.HasPrefix(tail, "data/") {
					t.Fatalf("key %q: tail %q is not below data/", k, tail)
				}
			}
		}
	})
}
