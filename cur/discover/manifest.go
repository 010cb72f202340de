package discover

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/curnorm/curnorm/cur"
)

// legacyManifest is a legacy CUR's <report>-Manifest.json. Only the fields discovery uses or
// checks are typed; AWS writes more (account, bucket, reportId, additionalArtifactKeys).
type legacyManifest struct {
	AssemblyID    string `json:"assemblyId"`
	BillingPeriod struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"billingPeriod"`
	ReportKeys []string `json:"reportKeys"`
	Columns    []struct {
		Category string `json:"category"`
		Name     string `json:"name"`
		Type     string `json:"type"`
	} `json:"columns"`
	Compression string `json:"compression"`
	ContentType string `json:"contentType"`
}

// cur2Manifest is a CUR 2.0 (Data Exports) <export>-Manifest.json.
type cur2Manifest struct {
	ExecutionID string `json:"executionId"`
	ExportARN   string `json:"exportArn"`
	Columns     []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	DataFiles []string `json:"dataFiles"`
}

// legacyPeriodLayout is how legacy manifests write billingPeriod.start, e.g. 20180801T000000.000Z.
const legacyPeriodLayout = "20060102T150405.000Z"

func readManifestFile(t Tree, file string) ([]byte, error) {
	data, err := t.ReadFile(file)
	if err != nil {
		return nil, cur.FileError(file, cur.ErrNoInput, unwrapPathError(err))
	}
	return data, nil
}

func decodeManifest(file string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return cur.FileError(file, cur.ErrCorrupt, fmt.Errorf("manifest: %w", err))
	}
	return nil
}

// readLegacyManifest reads and parses a legacy manifest; shown is the name messages use.
func readLegacyManifest(t Tree, shown string) (*legacyManifest, error) {
	data, err := readManifestFile(t, shown)
	if err != nil {
		return nil, err
	}
	return parseLegacyManifest(shown, data)
}

func parseLegacyManifest(shown string, data []byte) (*legacyManifest, error) {
	var m legacyManifest
	if err := decodeManifest(shown, data, &m); err != nil {
		return nil, err
	}
	// Every legacy manifest AWS writes names its assembly; without one this is some other JSON.
	if m.AssemblyID == "" {
		return nil, cur.FileErrorf(shown, cur.ErrCorrupt, "manifest: no assemblyId (not a legacy CUR manifest)")
	}
	if m.BillingPeriod.Start != "" {
		if _, err := time.Parse(legacyPeriodLayout, m.BillingPeriod.Start); err != nil {
			return nil, cur.FileErrorf(shown, cur.ErrCorrupt, "manifest: billingPeriod.start %q is not a date like 20180801T000000.000Z", m.BillingPeriod.Start)
		}
	}
	return &m, nil
}

// period is the manifest's billing period as YYYY-MM, or "" when it does not say.
func (m *legacyManifest) period() string {
	t, err := time.Parse(legacyPeriodLayout, m.BillingPeriod.Start)
	if err != nil {
		return ""
	}
	return t.Format("2006-01")
}

func readCUR2Manifest(t Tree, shown string) (*cur2Manifest, error) {
	data, err := readManifestFile(t, shown)
	if err != nil {
		return nil, err
	}
	return parseCUR2Manifest(shown, data)
}

func parseCUR2Manifest(shown string, data []byte) (*cur2Manifest, error) {
	var m cur2Manifest
	if err := decodeManifest(shown, data, &m); err != nil {
		return nil, err
	}
	if m.DataFiles == nil {
		return nil, cur.FileErrorf(shown, cur.ErrCorrupt, "manifest: no dataFiles (not a CUR 2.0 export manifest)")
	}
	return &m, nil
}

// keyElems splits an S3 key or s3:// URL into its path elements. A key with "." or ".."
// elements gives none: on disk it could point outside the report folder, so it mirrors no
// local path.
func keyElems(key string) []string {
	key = strings.TrimPrefix(key, "s3://")
	var out []string
	for _, e := range strings.Split(key, "/") {
		switch e {
		case "":
		case ".", "..":
			return nil
		default:
			out = append(out, e)
		}
	}
	return out
}

// legacyKeyTail is the part of a legacy report key that mirrors the local report folder: from
// the period folder (<yyyymmdd-yyyymmdd>/[<assembly>/]<file>) or, for Parquet reports, from the
// folder above year= (<report>/year=YYYY/month=M/<file>). The bucket and prefix in front differ
// between S3 and a local copy, and base names repeat across assemblies, so this is what a key
// is matched on.
func legacyKeyTail(key string) (string, bool) {
	el := keyElems(key)
	for i := len(el) - 2; i >= 0; i-- {
		if _, ok := legacyPeriodDir(el[i]); ok {
			return path.Join(el[i:]...), true
		}
	}
	for i := len(el) - 3; i >= 1; i-- {
		if _, ok := parquetPartition(el[i], el[i+1]); ok {
			return path.Join(el[i-1:]...), true
		}
	}
	return "", false
}

// cur2KeyTail is the part of a CUR 2.0 data file key below the export prefix:
// data/BILLING_PERIOD=YYYY-MM/[<execution>/]<file>.
func cur2KeyTail(key string) (string, bool) {
	el := keyElems(key)
	for i := len(el) - 3; i >= 0; i-- {
		if el[i] == "data" {
			if _, ok := billingPeriodDir(el[i+1]); ok {
				return path.Join(el[i:]...), true
			}
		}
	}
	return "", false
}

// unwrapPathError drops the path an *fs.PathError repeats: messages name the file already.
func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
