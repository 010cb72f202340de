package cur

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets of the small parsers. Seeds live in testdata/fuzz/<FuzzName>/ next to the
// ones added here; `make fuzz` runs every target.

// decimalText is the syntax ParseAmount accepts: what CUR writers put in amount cells.
var decimalText = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// exactUnits is the reference ParseAmount is held to: the value of decimal text (matching
// decimalText) in units of 10^-10, rounded half-even with math/big, and whether digits were
// dropped.
func exactUnits(s string) (units *big.Int, rounded bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	m, _ := new(big.Int).SetString(intPart+frac, 10)
	if m.Sign() == 0 {
		return m, false
	}
	// value = m × 10^(e − len(frac)); units = value × 10^Scale. An exponent far beyond the
	// digit count changes nothing but the magnitude, so it is clamped to keep big.Int small.
	limit := int64(len(s) + 64)
	ev := 4 * limit
	e := new(big.Int)
	if exp != "" {
		e.SetString(exp, 10)
	}
	if e.IsInt64() && e.CmpAbs(big.NewInt(2*limit)) <= 0 {
		ev = e.Int64()
	} else if e.Sign() < 0 {
		ev = -ev
	}
	k := ev - int64(len(frac)) + Scale
	if k >= 0 {
		m.Mul(m, new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil))
	} else {
		d := new(big.Int).Exp(big.NewInt(10), big.NewInt(-k), nil)
		q, r := new(big.Int).QuoRem(m, d, new(big.Int))
		rounded = r.Sign() != 0
		if c := new(big.Int).Lsh(r, 1).Cmp(d); c > 0 || (c == 0 && q.Bit(0) == 1) {
			q.Add(q, big.NewInt(1))
		}
		m = q
	}
	if neg {
		m.Neg(m)
	}
	return m, rounded
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"0", "-0", "12.5", "1.81E-8", "-7.0E-10", "+4.25", ".5", "5.",
		"0.00000000005", "0.00000000015", "-0.00000000025", "1.23456789012345", "922337203.6854775807",
		"922337203.6854775808", "-922337203.6854775807", "1e400", "1e-400", "0e400", "12,3", "NaN",
		"--1", "1e", "-", ".", "1.2.3", " 1", "0.000000000000000000000000000000000000000000015e33",
		"99999999999999999999999999999999999999999e-40", "0x10", "1_000", "Infinity", "1e+9", "9.22337203685477580749e8"} {
		f.Add(s)
	}
	maxUnits := big.NewInt(math.MaxInt64)
	f.Fuzz(func(t *testing.T, s string) {
		a, rounded, err := ParseAmountString(s)
		if !decimalText.MatchString(s) {
			if err == nil || !errors.Is(err, ErrInvalidNumber) {
				t.Fatalf("ParseAmount(%q) = %s, %v: want an invalid number error", s, a, err)
			}
			return
		}
		want, wantRounded := exactUnits(s)
		if new(big.Int).Abs(want).Cmp(maxUnits) > 0 {
			if !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("ParseAmount(%q) = %s, %v: want out of range (exact %s units)", s, a, err, want)
			}
			return
		}
		if err != nil {
			t.Fatalf("ParseAmount(%q): %v, want %s units", s, err, want)
		}
		if big.NewInt(int64(a)).Cmp(want) != 0 || rounded != wantRounded {
			t.Fatalf("ParseAmount(%q) = %d units rounded=%v, want %s rounded=%v", s, a, rounded, want, wantRounded)
		}
		// What an amount prints parses back to itself.
		if b, _, err := ParseAmountString(a.String()); err != nil || b != a {
			t.Fatalf("%q: %s parses back as %s, %v", s, a, b, err)
		}
	})
}

func FuzzSnake(f *testing.F) {
	for _, s := range []string{"lineItem/UnblendedCost", "reservation/ReservationARN", "resourceTags/user:Name",
		"  weird//name__ ", "line_item_usage_account_id", "", "_", "ÄrgerÖl", "ǅemal", "ϒ", "a\xffb", "İstanbul", "ABC123def"} {
		f.Add(s)
	}
	snake := regexp.MustCompile(`^([a-z0-9]+(_[a-z0-9]+)*)?$`)
	f.Fuzz(func(t *testing.T, name string) {
		s := Snake(name)
		if again := Snake(s); again != s {
			t.Fatalf("Snake(%q) = %q, but Snake(%q) = %q", name, s, s, again)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("Snake(%q) = %q: not valid UTF-8", name, s)
		}
		if strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
			t.Fatalf("Snake(%q) = %q: stray underscores", name, s)
		}
		ascii := true
		for _, r := range name {
			ascii = ascii && r < utf8.RuneSelf
		}
		if ascii && !snake.MatchString(s) {
			t.Fatalf("Snake(%q) = %q: not snake_case", name, s)
		}
		for _, r := range s {
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("Snake(%q) = %q: holds %q", name, s, r)
			}
		}
		if isSnake(name) && s != name {
			t.Fatalf("isSnake(%q) but Snake gives %q", name, s)
		}
	})
}

func FuzzParseMapCell(f *testing.F) {
	for _, s := range []string{``, `{}`, `null`, `EC2`, `{"product_name":"Amazon EC2","region":"us-east-1"}`,
		`{"user:Team":"core","user_team":"","aws:createdBy":"x"}`, `{"a":1.10,"b":true,"c":null,"d":[1,2],"e":{"f":"g"}}`,
		`{"a":1}}`, `{"a":1} x`, `{"a":`, ` {"A":"1"} `, `{"a":"\u00e9\ud800"}`, "{\"k\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, cell []byte) {
		m, err := parseMapCell(cell)
		again, err2 := parseMapCell(cell)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(m, again) {
			t.Fatalf("parseMapCell(%q) is not deterministic: %v %v / %v %v", cell, m, err, again, err2)
		}
		trimmed := bytes.TrimSpace(cell)
		isObject := len(trimmed) > 0 && trimmed[0] == '{'
		switch {
		case !isObject && (err != nil || len(m) > 0):
			t.Fatalf("parseMapCell(%q) = %v, %v: text that is no object has no keys", cell, m, err)
		case isObject && json.Valid(trimmed) && err != nil:
			t.Fatalf("parseMapCell(%q): %v, but it is a JSON object", cell, err)
		case isObject && !json.Valid(trimmed) && err == nil:
			t.Fatalf("parseMapCell(%q) = %v: accepted text that is not JSON", cell, m)
		}
		if err != nil {
			return
		}
		for k := range m {
			if Snake(k) != k {
				t.Fatalf("parseMapCell(%q): key %q is not in Snake form", cell, k)
			}
		}
		var raw map[string]any
		if json.Unmarshal(trimmed, &raw) == nil {
			for k, v := range raw {
				if s, ok := v.(string); ok && s != "" && m[Snake(k)] == "" {
					t.Fatalf("parseMapCell(%q): key %q lost its value %q", cell, k, s)
				}
			}
		}
	})
}

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
			var e *Error
			if !errors.As(err, &e) || e.File != "m.json" || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v (%T) is not a corrupt-manifest *Error naming the file", err, err)
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
			if p := m.period(); p != "" && PeriodOf(p) != p {
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
