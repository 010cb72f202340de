package money

import (
	"errors"
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// Seeds live in testdata/fuzz/FuzzParse/ next to the ones added here; `make fuzz` runs it.

// decimalText is the syntax Parse accepts: what CUR writers put in amount cells.
var decimalText = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// exactUnits is the reference Parse is held to: the value of decimal text (matching
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

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "-0", "12.5", "1.81E-8", "-7.0E-10", "+4.25", ".5", "5.",
		"0.00000000005", "0.00000000015", "-0.00000000025", "1.23456789012345", "922337203.6854775807",
		"922337203.6854775808", "-922337203.6854775807", "1e400", "1e-400", "0e400", "12,3", "NaN",
		"--1", "1e", "-", ".", "1.2.3", " 1", "0.000000000000000000000000000000000000000000015e33",
		"99999999999999999999999999999999999999999e-40", "0x10", "1_000", "Infinity", "1e+9", "9.22337203685477580749e8"} {
		f.Add(s)
	}
	maxUnits := big.NewInt(math.MaxInt64)
	f.Fuzz(func(t *testing.T, s string) {
		a, rounded, err := ParseString(s)
		if !decimalText.MatchString(s) {
			if err == nil || !errors.Is(err, ErrInvalidNumber) {
				t.Fatalf("Parse(%q) = %s, %v: want an invalid number error", s, a, err)
			}
			return
		}
		want, wantRounded := exactUnits(s)
		if new(big.Int).Abs(want).Cmp(maxUnits) > 0 {
			if !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("Parse(%q) = %s, %v: want out of range (exact %s units)", s, a, err, want)
			}
			return
		}
		if err != nil {
			t.Fatalf("Parse(%q): %v, want %s units", s, err, want)
		}
		if big.NewInt(int64(a)).Cmp(want) != 0 || rounded != wantRounded {
			t.Fatalf("Parse(%q) = %d units rounded=%v, want %s rounded=%v", s, a, rounded, want, wantRounded)
		}
		// What an amount prints parses back to itself.
		if b, _, err := ParseString(a.String()); err != nil || b != a {
			t.Fatalf("%q: %s parses back as %s, %v", s, a, b, err)
		}
	})
}
