// Package money holds exact money values: Amount, a fixed-point decimal of 10 places (the most
// a CUR cell carries), and Sum, a 128-bit total that never overflows a bill. Text and Parquet
// numbers are parsed straight into fixed point; nothing passes through a float sum.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"regexp"
	"strconv"
	"strings"
)

// Scale is the number of decimal places an Amount keeps: CUR never carries more.
const Scale = 10

const unit = 10_000_000_000 // 10^Scale

// Amount is an exact money value in units of 10^-10. Its range, about ±922 million, covers any
// single line item; sums use Sum, which is 128 bits wide.
type Amount int64

// Errors from amount parsing and conversion.
var (
	ErrInvalidNumber = errors.New("invalid number")
	ErrOutOfRange    = errors.New("number out of range")
)

// NumError reports the text that could not be turned into an Amount.
type NumError struct {
	Text string
	Err  error
}

func (e *NumError) Error() string {
	t := e.Text
	if len(t) > 40 {
		t = t[:40] + "..."
	}
	return fmt.Sprintf("%v %q", e.Err, t)
}

func (e *NumError) Unwrap() error { return e.Err }

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// Parse parses decimal text such as "12.5", "-0.0000000001", "1.81E-8" or "-7.0E-10"
// straight into fixed point, rounding half-even past 10 decimals. rounded reports that digits
// beyond the tenth decimal were dropped. Empty text is an error; callers treat empty cells as
// absent before calling.
func Parse(b []byte) (a Amount, rounded bool, err error) {
	// Fast path: plain [-]digits[.digits] with at most 18 digits and 10 decimals, the shape of
	// nearly every CUR cell.
	if v, ok := parseSimple(b); ok {
		return v, false, nil
	}
	return parseGeneral(b)
}

// ParseString is Parse for a string.
func ParseString(s string) (Amount, bool, error) {
	return Parse([]byte(s))
}

func parseSimple(b []byte) (Amount, bool) {
	i, neg := 0, false
	if len(b) > 0 && b[0] == '-' {
		neg, i = true, 1
	}
	if i >= len(b) {
		return 0, false
	}
	var v uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 18 || frac > Scale {
		return 0, false
	}
	v *= pow10[Scale-frac]
	if v > math.MaxInt64 || (digits-frac) > 9 {
		return 0, false
	}
	if neg {
		return Amount(-int64(v)), true
	}
	return Amount(v), true
}

// parseGeneral handles exponents, long digit strings and rounding.
func parseGeneral(b []byte) (Amount, bool, error) {
	fail := func(e error) (Amount, bool, error) { return 0, false, &NumError{Text: string(b), Err: e} }
	i, neg := 0, false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	// Significant digits (leading zeros dropped) and the position of the decimal point
	// relative to them.
	var digs [40]byte
	n := 0
	sticky := false // a non-zero digit beyond the ones kept in digs
	point := 0      // number of significant digits before the point
	seenDot, seenDigit := false, false
	for ; i < len(b); i++ {
		c := b[i]
		if c >= '0' && c <= '9' {
			seenDigit = true
			if n == 0 && c == '0' {
				if seenDot {
					point--
				}
				continue
			}
			if n < len(digs) {
				digs[n] = c - '0'
				n++
			} else if c != '0' {
				sticky = true
			}
			if !seenDot {
				point++
			}
			continue
		}
		if c == '.' && !seenDot {
			seenDot = true
			continue
		}
		break
	}
	if !seenDigit {
		return fail(ErrInvalidNumber)
	}
	if i < len(b) {
		if b[i] != 'e' && b[i] != 'E' {
			return fail(ErrInvalidNumber)
		}
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		if i >= len(b) {
			return fail(ErrInvalidNumber)
		}
		exp := 0
		for ; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return fail(ErrInvalidNumber)
			}
			// Saturate far beyond any shift the digits could need (their count bounds
			// point), so "0.<many zeros>1e<as many>" still lands on its exact value.
			if exp < 1<<40 {
				exp = exp*10 + int(c-'0')
			}
		}
		if eneg {
			exp = -exp
		}
		point += exp
	}
	if n == 0 {
		return 0, false, nil
	}
	// keep = digits that land at or above 10^-Scale.
	keep := point + Scale
	if keep > 19 {
		return fail(ErrOutOfRange)
	}
	var v uint64
	rounded := false
	if keep <= 0 {
		// Everything is below the last kept place; only a first dropped digit at keep==0
		// can round up. n > 0 here, so a non-zero digit was dropped. Digits after a 5 may
		// be trailing zeros ("0.000000000050"), which leave it a tie.
		rounded = true
		if keep == 0 && (digs[0] > 5 || (digs[0] == 5 && (sticky || nonZero(digs[1:n])))) {
			v = 1
		}
	} else {
		for k := 0; k < keep; k++ {
			d := uint64(0)
			if k < n {
				d = uint64(digs[k])
			}
			hi, lo := bits.Mul64(v, 10)
			lo, carry := bits.Add64(lo, d, 0)
			if hi != 0 || carry != 0 {
				return fail(ErrOutOfRange)
			}
			v = lo
		}
		if keep < n || sticky {
			first := uint64(0)
			if keep < n {
				first = uint64(digs[keep])
			}
			rest := sticky
			for k := keep + 1; k < n; k++ {
				if digs[k] != 0 {
					rest = true
				}
			}
			rounded = first != 0 || rest
			if first > 5 || (first == 5 && (rest || v%2 == 1)) {
				v++
			}
		}
	}
	if v > math.MaxInt64 {
		return fail(ErrOutOfRange)
	}
	if neg {
		return Amount(-int64(v)), rounded, nil
	}
	return Amount(v), rounded, nil
}

func nonZero(digs []byte) bool {
	for _, d := range digs {
		if d != 0 {
			return true
		}
	}
	return false
}

// FromFloat converts a Parquet DOUBLE as docs/metrics.md asks: its shortest round-trip
// decimal, rounded half-even to 10 decimals (so 0.57 stays 0.57, never 0.5699999999).
// rounded reports digits past the tenth decimal.
func FromFloat(f float64) (a Amount, rounded bool, err error) {
	if a, ok := FloatUnits(f); ok {
		return a, false, nil
	}
	return fromFloatText(f)
}

// FloatUnits is FromFloat's fast path, small enough to inline into loops over many values;
// ok is false where FromFloat must decide. Below 2^18 a double's rounding interval is narrower
// than 10^-10, so it holds at most one multiple of 10^-10; when n×10^-10 rounds back to f, that
// multiple is the shortest decimal of f and no digits are dropped. RoundToEven is one
// instruction; the round trip, not the rounding mode, decides whether the fast path holds.
func FloatUnits(f float64) (a Amount, ok bool) {
	if f > -(1<<18) && f < 1<<18 {
		n := math.RoundToEven(f * unit)
		return Amount(int64(n)), n/unit == f
	}
	return 0, false
}

// fromFloatText is FromFloat through the shortest decimal text of f.
func fromFloatText(f float64) (Amount, bool, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, &NumError{Text: strconv.FormatFloat(f, 'g', -1, 64), Err: ErrInvalidNumber}
	}
	if f == math.Trunc(f) && math.Abs(f) < 9e8 {
		return Amount(int64(f) * unit), false, nil
	}
	var buf [32]byte
	return Parse(strconv.AppendFloat(buf[:0], f, 'g', -1, 64))
}

// FromInt converts an integer number of currency units.
func FromInt(i int64) (Amount, error) {
	if i > math.MaxInt64/unit || i < math.MinInt64/unit {
		return 0, &NumError{Text: strconv.FormatInt(i, 10), Err: ErrOutOfRange}
	}
	return Amount(i * unit), nil
}

// FromDecimal64 converts a DECIMAL whose unscaled integer fits 64 bits, without big numbers
// when the result fits too.
func FromDecimal64(v int64, scale int32) (Amount, bool, error) {
	if scale >= 0 && scale <= Scale {
		m := int64(pow10[Scale-scale])
		if v <= math.MaxInt64/m && v >= math.MinInt64/m {
			return Amount(v * m), false, nil
		}
	}
	return FromDecimal(big.NewInt(v), scale)
}

// FromDecimal converts an unscaled decimal (a Parquet DECIMAL's integer and its scale).
func FromDecimal(unscaled *big.Int, scale int32) (Amount, bool, error) {
	s := unscaled.String()
	if scale != 0 {
		s += "e" + strconv.Itoa(-int(scale))
	}
	return ParseString(s)
}

// String prints the exact value with no trailing zeros: "17740", "-0.5", "0.0000000001".
func (a Amount) String() string { return string(a.Append(nil)) }

// Float64 is for ratios and display only, never for sums.
func (a Amount) Float64() float64 { return float64(a) / unit }

// Sum is an exact 128-bit accumulator of Amounts: no bill can overflow it.
type Sum struct {
	hi int64
	lo uint64
}

// SumOf returns a Sum holding a.
func SumOf(a Amount) Sum {
	var s Sum
	s.Add(a)
	return s
}

// Add adds a to s.
func (s *Sum) Add(a Amount) {
	var carry uint64
	s.lo, carry = bits.Add64(s.lo, uint64(a), 0)
	ext := int64(a) >> 63 // sign extension of a into the high word
	s.hi += ext + int64(carry)
}

// AddSum adds t to s.
func (s *Sum) AddSum(t Sum) {
	var carry uint64
	s.lo, carry = bits.Add64(s.lo, t.lo, 0)
	s.hi += t.hi + int64(carry)
}

// SubSum subtracts t from s.
func (s *Sum) SubSum(t Sum) {
	var borrow uint64
	s.lo, borrow = bits.Sub64(s.lo, t.lo, 0)
	s.hi -= t.hi + int64(borrow)
}

// Neg returns -s.
func (s Sum) Neg() Sum {
	var z Sum
	z.SubSum(s)
	return z
}

// Sign returns -1, 0 or 1.
func (s Sum) Sign() int {
	switch {
	case s.hi < 0:
		return -1
	case s.hi == 0 && s.lo == 0:
		return 0
	}
	return 1
}

// IsZero reports whether s is 0.
func (s Sum) IsZero() bool { return s.hi == 0 && s.lo == 0 }

// Cmp compares s and t.
func (s Sum) Cmp(t Sum) int {
	d := s
	d.SubSum(t)
	return d.Sign()
}

// Big returns the value in units of 10^-10.
func (s Sum) Big() *big.Int {
	z := new(big.Int).SetInt64(s.hi)
	z.Lsh(z, 64)
	return z.Add(z, new(big.Int).SetUint64(s.lo))
}

// Rat returns the exact value as a rational.
func (s Sum) Rat() *big.Rat {
	return new(big.Rat).SetFrac(s.Big(), big.NewInt(unit))
}

// String prints the exact value without trailing zeros; never "-0".
func (s Sum) String() string { return formatUnits(s.Big(), -1) }

// MarshalText writes s as String does, so JSON carries money as exact decimal text.
func (s Sum) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads what MarshalText writes (see ParseSum).
func (s *Sum) UnmarshalText(b []byte) error {
	v, err := ParseSum(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// sumText is the decimal text ParseSum reads: what String prints.
var sumText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// ParseSum reads plain decimal text ("-17740.5") of any size a Sum holds, exactly; more than
// Scale decimals is an error, not a rounding.
func ParseSum(text string) (Sum, error) {
	if !sumText.MatchString(text) {
		return Sum{}, &NumError{Text: text, Err: ErrInvalidNumber}
	}
	r, _ := new(big.Rat).SetString(text)
	units := r.Mul(r, new(big.Rat).SetInt64(unit))
	if !units.IsInt() {
		return Sum{}, fmt.Errorf("%w: more than %d decimals", &NumError{Text: text, Err: ErrInvalidNumber}, Scale)
	}
	v := units.Num()
	if v.BitLen() > 126 {
		return Sum{}, &NumError{Text: text, Err: ErrOutOfRange}
	}
	// Two's complement of v in 128 bits: the low word, and the high word with its sign.
	lo := new(big.Int).And(v, new(big.Int).SetUint64(math.MaxUint64))
	hi := new(big.Int).Rsh(v, 64)
	return Sum{hi: hi.Int64(), lo: lo.Uint64()}, nil
}

// Format rounds half-even to prec decimals (prec < 0: exact) and never prints "-0".
func (s Sum) Format(prec int) string { return formatUnits(s.Big(), prec) }

// Float64 is for display and ratios only.
func (s Sum) Float64() float64 {
	f, _ := s.Rat().Float64()
	return f
}

var bigUnit = big.NewInt(unit)

// formatUnits prints v×10^-10 with prec decimals (or exactly when prec < 0).
func formatUnits(v *big.Int, prec int) string {
	if prec > Scale {
		prec = Scale
	}
	if prec >= 0 && prec < Scale {
		v = roundHalfEven(v, Scale-prec)
	}
	neg := v.Sign() < 0
	abs := new(big.Int).Abs(v)
	q, r := new(big.Int).QuoRem(abs, bigUnit, new(big.Int))
	frac := fmt.Sprintf("%010s", r.String())
	if prec < 0 {
		frac = strings.TrimRight(frac, "0")
	} else {
		frac = frac[:prec]
	}
	out := q.String()
	if frac != "" {
		out += "." + frac
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

// roundHalfEven rounds v (an integer) to a multiple of 10^drop, half to even.
func roundHalfEven(v *big.Int, drop int) *big.Int {
	m := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(drop)), nil)
	q, r := new(big.Int).QuoRem(v, m, new(big.Int))
	// QuoRem truncates toward zero; compare |2r| with m.
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	switch c := twice.Cmp(m); {
	case c > 0 || (c == 0 && q.Bit(0) == 1):
		if v.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Mul(q, m)
}

// FormatRat prints a ratio rounded half-even to prec decimals, for rates such as savings rate.
func FormatRat(r *big.Rat, prec int) string {
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(prec)), nil)))
	num, den := scaled.Num(), scaled.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	twice := new(big.Int).Abs(rem)
	twice.Lsh(twice, 1)
	if c := twice.Cmp(den); c > 0 || (c == 0 && q.Bit(0) == 1) {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	neg := q.Sign() < 0
	s := new(big.Int).Abs(q).String()
	if prec > 0 {
		if len(s) <= prec {
			s = strings.Repeat("0", prec-len(s)+1) + s
		}
		s = s[:len(s)-prec] + "." + s[len(s)-prec:]
	}
	if neg && strings.Trim(s, "0.") != "" {
		s = "-" + s
	}
	return s
}

// Append appends the text String returns, without allocating: writers of large files print
// millions of amounts.
func (a Amount) Append(dst []byte) []byte {
	u := uint64(a)
	if a < 0 {
		dst = append(dst, '-')
		u = uint64(-a) // -MinInt64 wraps to itself, which as uint64 is its magnitude
	}
	dst = strconv.AppendUint(dst, u/unit, 10)
	frac := u % unit
	if frac == 0 {
		return dst
	}
	var digs [Scale]byte
	for i := Scale - 1; i >= 0; i-- {
		digs[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := Scale
	for digs[n-1] == '0' {
		n--
	}
	dst = append(dst, '.')
	return append(dst, digs[:n]...)
}

// NearestFloat is the double nearest to a's exact decimal value, the same double
// strconv.ParseFloat gives for a.String(): below 2^53 units the quotient of two exact doubles
// is correctly rounded, so only larger values need the text.
func (a Amount) NearestFloat() float64 {
	if a < 1<<53 && a > -(1<<53) {
		return float64(a) / unit
	}
	var buf [32]byte
	f, _ := strconv.ParseFloat(string(a.Append(buf[:0])), 64)
	return f
}

// MulDiv returns a × num / den rounded half-even, exactly (den ≠ 0).
func (a Amount) MulDiv(num, den int64) Amount {
	n := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(num))
	q, r := new(big.Int).QuoRem(n, big.NewInt(den), new(big.Int))
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	if cmp := twice.CmpAbs(big.NewInt(den)); cmp > 0 || (cmp == 0 && q.Bit(0) == 1) {
		if (n.Sign() < 0) != (den < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return Amount(q.Int64())
}
