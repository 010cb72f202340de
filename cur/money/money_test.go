package money

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		rounded bool
		err     error
	}{
		{"0", "0", false, nil},
		{"-0", "0", false, nil},
		{"12.5", "12.5", false, nil},
		{"-5000", "-5000", false, nil},
		{"0.0000000001", "0.0000000001", false, nil},
		{"1.81E-8", "0.0000000181", false, nil},
		{"-7.0E-10", "-0.0000000007", false, nil},
		{"1e3", "1000", false, nil},
		{"+4.25", "4.25", false, nil},
		{".5", "0.5", false, nil},
		{"5.", "5", false, nil},
		{"0.00000000005", "0", true, nil},            // half to even: 0
		{"0.00000000015", "0.0000000002", true, nil}, // half to even: 2
		{"0.000000000151", "0.0000000002", true, nil},
		{"0.00000000025", "0.0000000002", true, nil},
		{".000000000050", "0", true, nil}, // a tie despite the trailing zero (found by FuzzParseAmount)
		{"-0.0000000000500e0", "0", true, nil},
		{"0.000000000050001", "0.0000000001", true, nil},
		{"-0.00000000025", "-0.0000000002", true, nil},
		{"1.23456789012345", "1.2345678901", true, nil},
		{"922337203.6854775807", "922337203.6854775807", false, nil},
		{"922337203.6854775808", "", false, ErrOutOfRange},
		{"1e400", "", false, ErrOutOfRange},
		{"1e-400", "0", true, nil},
		{"0e400", "0", false, nil},
		{"12,3", "", false, ErrInvalidNumber},
		{"NaN", "", false, ErrInvalidNumber},
		{"--1", "", false, ErrInvalidNumber},
		{"1e", "", false, ErrInvalidNumber},
		{"-", "", false, ErrInvalidNumber},
		{".", "", false, ErrInvalidNumber},
		{"1.2.3", "", false, ErrInvalidNumber},
		{" 1", "", false, ErrInvalidNumber},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, rounded, err := ParseString(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := a.String(); got != tt.want || rounded != tt.rounded {
				t.Errorf("Parse(%q) = %s rounded=%v, want %s rounded=%v", tt.in, got, rounded, tt.want, tt.rounded)
			}
		})
	}
}

func TestAmountFromFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0.57, "0.57"},
		{0.1 + 0.2, "0.3"}, // 0.30000000000000004 rounds at 10 decimals
		{1.81e-8, "0.0000000181"},
		{-3400, "-3400"},
		{math.Copysign(0, -1), "0"},
		{123456.123456789, "123456.123456789"},
	}
	for _, tt := range tests {
		a, _, err := FromFloat(tt.in)
		if err != nil {
			t.Fatalf("FromFloat(%v): %v", tt.in, err)
		}
		if a.String() != tt.want {
			t.Errorf("FromFloat(%v) = %s, want %s", tt.in, a, tt.want)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e12} {
		if _, _, err := FromFloat(bad); err == nil {
			t.Errorf("FromFloat(%v): no error", bad)
		}
	}
}

// TestSumExact adds values whose float64 sum is wrong and checks the exact answer.
func TestSumExact(t *testing.T) {
	var s Sum
	var f float64
	for i := 0; i < 1000; i++ {
		a, _, _ := ParseString("0.1")
		s.Add(a)
		f += 0.1
	}
	if f == 100 {
		t.Fatal("float64 sum unexpectedly exact; the test proves nothing")
	}
	if s.String() != "100" {
		t.Fatalf("sum = %s, want 100", s)
	}
}

func TestSumBeyondInt64(t *testing.T) {
	var s Sum
	max := Amount(math.MaxInt64)
	for i := 0; i < 4; i++ {
		s.Add(max)
	}
	want := new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(4))
	if s.Big().Cmp(want) != 0 {
		t.Fatalf("sum = %s, want %s", s.Big(), want)
	}
	for i := 0; i < 4; i++ {
		s.Add(-max)
	}
	if !s.IsZero() {
		t.Fatalf("sum after subtracting = %s, want 0", s)
	}
	s.Add(-1)
	if s.Sign() != -1 || s.String() != "-0.0000000001" {
		t.Fatalf("sum = %s sign %d", s, s.Sign())
	}
}

func TestSumFormat(t *testing.T) {
	tests := []struct {
		in   string
		prec int
		want string
	}{
		{"2.345", 2, "2.34"},
		{"2.355", 2, "2.36"},
		{"-2.345", 2, "-2.34"},
		{"-0.001", 2, "0.00"},
		{"17740", 2, "17740.00"},
		{"17740", -1, "17740"},
		{"0.2393715342", 4, "0.2394"},
		{"-0.5", 0, "0"},
		{"1.5", 0, "2"},
	}
	for _, tt := range tests {
		a, _, err := ParseString(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := SumOf(a).Format(tt.prec); got != tt.want {
			t.Errorf("Format(%s, %d) = %s, want %s", tt.in, tt.prec, got, tt.want)
		}
	}
}

func TestFormatRat(t *testing.T) {
	r := big.NewRat(2590, 10820) // effective savings rate of the worked bill: 1 − 8230/10820
	if got := FormatRat(r, 10); got != "0.2393715342" {
		t.Errorf("FormatRat = %s", got)
	}
	if got := FormatRat(big.NewRat(-1, 3), 4); got != "-0.3333" {
		t.Errorf("FormatRat(-1/3) = %s", got)
	}
	if got := FormatRat(big.NewRat(-1, 100000), 2); got != "0.00" {
		t.Errorf("FormatRat(-0.00001) = %s", got)
	}
}

// TestParseSumExact: ParseSum reads any decimal a Sum holds exactly, the negative ones in two's
// complement, and MarshalText and UnmarshalText carry it through JSON unchanged.
func TestParseSumExact(t *testing.T) {
	for _, s := range []string{"0", "-0.5", "17740", "0.0000000001", "-123456789012345678901234.5678901234",
		"9223372036854775807.123", "170141183460469231731.6873037158", "-170141183460469231731.6873037158"} {
		got, err := ParseSum(s)
		if err != nil {
			t.Fatalf("ParseSum(%q): %v", s, err)
		}
		want, _ := new(big.Rat).SetString(s)
		if got.Rat().Cmp(want) != 0 {
			t.Errorf("ParseSum(%q) = %s", s, got.String())
		}
		var back struct{ S Sum }
		text, err := json.Marshal(struct{ S Sum }{got})
		if err != nil || json.Unmarshal(text, &back) != nil || back.S != got {
			t.Errorf("%q through JSON: %s → %s (%v)", s, text, back.S, err)
		}
	}
	for _, s := range []string{"1" + strings.Repeat("0", 40), "1e3", "0.00000000001", "", "1.", "+1"} {
		if _, err := ParseSum(s); err == nil {
			t.Errorf("ParseSum(%q) read", s)
		}
	}
	if _, err := ParseSum("1" + strings.Repeat("0", 40)); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("a 41-digit amount: got %v, want out of range", err)
	}
}
