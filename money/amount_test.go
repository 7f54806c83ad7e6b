package money

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewAndParse(t *testing.T) {
	a, err := New(dec("1234.5"), "EUR")
	require.NoError(t, err)
	assert.Equal(t, "1234.50 EUR", a.String())
	assert.Equal(t, "EUR", a.Currency().Code())
	assert.Equal(t, "1234.5", a.Value().String())

	p, err := Parse("1234.50", "EUR")
	require.NoError(t, err)
	assert.True(t, a.Equal(p), "1234.5 EUR equals 1234.50 EUR")

	_, err = New(dec("1"), "ZZZ")
	require.ErrorIs(t, err, ErrUnknownCurrency)
	_, err = Parse("1", "XAU")
	require.ErrorIs(t, err, ErrNoMinorUnit)
	for _, bad := range []string{"", "abc", "1,234.50", "1 234", "12_000", "€5", "1.2.3"} {
		_, err := Parse(bad, "EUR")
		require.ErrorIs(t, err, ErrInvalidAmount, "%q", bad)
	}
	assert.Panics(t, func() { MustNew(dec("1"), "ZZZ") })
	assert.Panics(t, func() { MustParse("x", "EUR") })
}

func TestZero(t *testing.T) {
	z, err := Zero("JPY")
	require.NoError(t, err)
	assert.True(t, z.IsZero())
	assert.Equal(t, "0 JPY", z.String())
	_, err = Zero("ABC")
	require.ErrorIs(t, err, ErrUnknownCurrency)
	assert.True(t, Amount{}.IsZero())
	assert.Equal(t, "0", Amount{}.String())
}

func TestString(t *testing.T) {
	tests := []struct{ value, code, want string }{
		{"1234.5", "EUR", "1234.50 EUR"},
		{"1234.500", "EUR", "1234.50 EUR"},
		{"0.125", "EUR", "0.125 EUR"},
		{"-7", "JPY", "-7 JPY"},
		{"-7.00", "JPY", "-7 JPY"},
		{"12.5", "JPY", "12.5 JPY"},
		{"1.2", "KWD", "1.200 KWD"},
		{"0", "CLF", "0.0000 CLF"},
		{"1e3", "USD", "1000.00 USD"},
		{"-0.001", "EUR", "-0.001 EUR"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, MustParse(tc.value, tc.code).String())
	}
}

func TestPredicates(t *testing.T) {
	neg, zero, pos := MustParse("-0.01", "EUR"), MustParse("0.00", "EUR"), MustParse("0.01", "EUR")
	assert.True(t, neg.IsNegative())
	assert.False(t, zero.IsNegative())
	assert.True(t, zero.IsZero())
	assert.True(t, pos.IsPositive())
	assert.Equal(t, []int{-1, 0, 1}, []int{neg.Sign(), zero.Sign(), pos.Sign()})

	c, err := neg.Cmp(pos)
	require.NoError(t, err)
	assert.Equal(t, -1, c)
	c, err = pos.Cmp(MustParse("0.010", "EUR"))
	require.NoError(t, err)
	assert.Equal(t, 0, c)
	_, err = pos.Cmp(MustParse("0.01", "USD"))
	require.ErrorIs(t, err, ErrCurrencyMismatch)

	assert.False(t, MustParse("1", "EUR").Equal(MustParse("1", "USD")), "same number, different currency")
}

func TestAddSub(t *testing.T) {
	a, b := MustParse("10.10", "EUR"), MustParse("0.95", "EUR")
	s, err := a.Add(b)
	require.NoError(t, err)
	assert.Equal(t, "11.05 EUR", s.String())
	d, err := b.Sub(a)
	require.NoError(t, err)
	assert.Equal(t, "-9.15 EUR", d.String())

	_, err = a.Add(MustParse("1", "USD"))
	require.ErrorIs(t, err, ErrCurrencyMismatch)
	assert.EqualError(t, err, "currency mismatch: cannot add EUR and USD")
	_, err = a.Sub(MustParse("1", "GBP"))
	require.ErrorIs(t, err, ErrCurrencyMismatch)
	assert.EqualError(t, err, "currency mismatch: cannot subtract EUR and GBP")
	_, err = a.Add(Amount{})
	assert.EqualError(t, err, "currency mismatch: cannot add EUR and no currency")
}

func TestMulNegAbs(t *testing.T) {
	a := MustParse("19.99", "EUR")
	assert.Equal(t, "59.97 EUR", a.Mul(dec("3")).String())
	assert.Equal(t, "16.9915 EUR", a.Mul(dec("0.85")).String(), "Mul is exact, not rounded")
	assert.Equal(t, "-19.99 EUR", a.Neg().String())
	assert.Equal(t, "19.99 EUR", a.Neg().Abs().String())
}

func TestDiv(t *testing.T) {
	tests := []struct {
		value, by string
		places    int32
		mode      RoundingMode
		want      string
	}{
		{"100.00", "3", 2, HalfEven, "33.33 EUR"},
		{"2", "3", 2, HalfUp, "0.67 EUR"},
		{"2", "3", 2, Down, "0.66 EUR"},
		{"-2", "3", 2, Floor, "-0.67 EUR"},
		{"-2", "3", 2, Ceiling, "-0.66 EUR"},
		{"1", "-8", 2, HalfEven, "-0.12 EUR"},
		{"1", "-8", 2, HalfUp, "-0.13 EUR"},
		{"1", "8", 3, HalfEven, "0.125 EUR"},
		{"10", "0.4", 2, HalfEven, "25.00 EUR"},
		{"1", "3", 6, HalfEven, "0.333333 EUR"},
		{"1000", "7", -1, HalfEven, "140.00 EUR"},
	}
	for _, tc := range tests {
		got, err := MustParse(tc.value, "EUR").Div(dec(tc.by), tc.places, tc.mode)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got.String(), "%s / %s to %d places %s", tc.value, tc.by, tc.places, tc.mode)
	}
	_, err := MustParse("1", "EUR").Div(decimal.Zero, 2, HalfEven)
	require.ErrorIs(t, err, ErrDivisionByZero)
	assert.EqualError(t, err, "divide 1.00 EUR: division by zero")
}

func TestDivDoesNotUseGlobalPrecision(t *testing.T) {
	old := decimal.DivisionPrecision
	t.Cleanup(func() { decimal.DivisionPrecision = old })
	decimal.DivisionPrecision = 1
	got, err := DivDecimal(dec("1"), dec("3"), 8, HalfEven)
	require.NoError(t, err)
	assert.Equal(t, "0.33333333", got.String())
}

func TestRatio(t *testing.T) {
	margin, err := MustParse("25", "EUR").Ratio(MustParse("80", "EUR"), 4, HalfEven)
	require.NoError(t, err)
	assert.Equal(t, "0.3125", margin.String())
	_, err = MustParse("25", "EUR").Ratio(MustParse("80", "USD"), 4, HalfEven)
	require.ErrorIs(t, err, ErrCurrencyMismatch)
	_, err = MustParse("25", "EUR").Ratio(MustParse("0", "EUR"), 4, HalfEven)
	require.ErrorIs(t, err, ErrDivisionByZero)
}

func TestRoundAmount(t *testing.T) {
	tests := []struct {
		value, code string
		mode        RoundingMode
		want        string
	}{
		{"2.675", "EUR", HalfEven, "2.68 EUR"},
		{"2.665", "EUR", HalfEven, "2.66 EUR"},
		{"2.665", "EUR", HalfUp, "2.67 EUR"},
		{"1234.5", "JPY", HalfEven, "1234 JPY"},
		{"1235.5", "JPY", HalfEven, "1236 JPY"},
		{"-1234.5", "JPY", HalfUp, "-1235 JPY"},
		{"1.23456", "KWD", HalfEven, "1.235 KWD"},
		{"1.23455", "CLF", HalfEven, "1.2346 CLF"},
		{"1.23445", "CLF", HalfEven, "1.2344 CLF"},
	}
	for _, tc := range tests {
		got := MustParse(tc.value, tc.code).Round(tc.mode)
		assert.Equal(t, tc.want, got.String(), "%s %s %s", tc.value, tc.code, tc.mode)
		assert.True(t, got.IsRounded())
	}
	assert.Equal(t, "1200.00 EUR", MustParse("1234.56", "EUR").RoundTo(-2, HalfEven).String())
	assert.Equal(t, "1234.5 EUR", MustParse("1234.56", "EUR").RoundTo(1, Down).Value().String()+" EUR")
	assert.Equal(t, "9.95 CHF", MustParse("9.97", "CHF").RoundToIncrement(dec("0.05"), HalfEven).String())
	assert.Equal(t, "10.00 CHF", MustParse("9.98", "CHF").RoundToIncrement(dec("0.05"), HalfEven).String())
	assert.Equal(t, "1990 EUR", MustParse("1987.2", "EUR").RoundToIncrement(dec("10"), Ceiling).Value().String()+" EUR")
}

func TestMinorUnits(t *testing.T) {
	tests := []struct {
		value, code string
		units       int64
	}{
		{"123.45", "EUR", 12345},
		{"-0.01", "EUR", -1},
		{"12345", "JPY", 12345},
		{"12.345", "KWD", 12345},
		{"1.2345", "CLF", 12345},
		{"1.5000", "EUR", 150},
		{"1e2", "EUR", 10000},
		{"0", "ISK", 0},
	}
	for _, tc := range tests {
		got, err := MustParse(tc.value, tc.code).MinorUnits()
		require.NoError(t, err, tc.value)
		assert.Equal(t, tc.units, got, "%s %s", tc.value, tc.code)
		back, err := FromMinorUnits(tc.units, tc.code)
		require.NoError(t, err)
		assert.True(t, back.Equal(MustParse(tc.value, tc.code)), "%d %s back to %s", tc.units, tc.code, back)
	}
	_, err := MustParse("1.005", "EUR").MinorUnits()
	require.ErrorIs(t, err, ErrSubMinorUnit)
	_, err = MustParse("0.5", "JPY").MinorUnits()
	require.ErrorIs(t, err, ErrSubMinorUnit)
	_, err = MustParse("92233720368547758.08", "EUR").MinorUnits()
	require.ErrorIs(t, err, ErrOutOfRange)
	_, err = Amount{}.MinorUnits()
	require.ErrorIs(t, err, ErrUnknownCurrency)
	_, err = FromMinorUnits(1, "ZZZ")
	require.ErrorIs(t, err, ErrUnknownCurrency)
	assert.Equal(t, "123.45 EUR", must(FromMinorUnits(12345, "EUR")).String())
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSum(t *testing.T) {
	total, err := Sum([]Amount{MustParse("0.10", "EUR"), MustParse("0.20", "EUR"), MustParse("-0.05", "EUR")})
	require.NoError(t, err)
	assert.Equal(t, "0.25 EUR", total.String())

	_, err = Sum([]Amount{MustParse("1", "EUR"), MustParse("1", "USD")})
	require.ErrorIs(t, err, ErrCurrencyMismatch)
	assert.EqualError(t, err, "sum item 1: currency mismatch: cannot add USD to EUR")
	_, err = Sum(nil)
	require.ErrorIs(t, err, ErrNoAmounts)

	empty, err := SumIn("JPY", nil)
	require.NoError(t, err)
	assert.Equal(t, "0 JPY", empty.String())
	_, err = SumIn("JPY", []Amount{MustParse("1", "EUR")})
	require.ErrorIs(t, err, ErrCurrencyMismatch)
	_, err = SumIn("ZZZ", nil)
	require.ErrorIs(t, err, ErrUnknownCurrency)
}

func TestCurrencyAmount(t *testing.T) {
	eur := MustCurrency("EUR")
	assert.Equal(t, "5.00 EUR", eur.Amount(dec("5")).String())
}

func TestAmountText(t *testing.T) {
	type line struct {
		Price Amount `json:"price"`
	}
	b, err := json.Marshal(line{Price: MustParse("1234.5", "EUR")})
	require.NoError(t, err)
	assert.Equal(t, `{"price":"1234.50 EUR"}`, string(b))

	var back line
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, "1234.50 EUR", back.Price.String())

	var a Amount
	require.ErrorIs(t, a.UnmarshalText([]byte("12.00")), ErrInvalidAmount)
	require.ErrorIs(t, a.UnmarshalText([]byte("12.00 ZZZ")), ErrUnknownCurrency)
	require.ErrorIs(t, a.UnmarshalText([]byte("twelve EUR")), ErrInvalidAmount)
	_, err = Amount{}.MarshalText()
	require.ErrorIs(t, err, ErrUnknownCurrency)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "1234.50", "-0.001", "1e3", "abc", "1,5", ".5", "-.5e-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s, "EUR")
		if err != nil {
			return
		}
		if abs32(a.Value().Exponent()) > 1000 {
			return // keep the string form small
		}
		var back Amount
		if err := back.UnmarshalText([]byte(a.String())); err != nil {
			t.Fatalf("%q parsed to %s, which does not parse back: %v", s, a, err)
		}
		if !back.Equal(a) {
			t.Fatalf("%q: round trip gave %s, want %s", s, back, a)
		}
	})
}

func TestParseRejectsHugeNumbers(t *testing.T) {
	for _, s := range []string{"1e101", "1e-101", strings.Repeat("9", 101)} {
		_, err := Parse(s, "EUR")
		require.ErrorIs(t, err, ErrInvalidAmount, s)
	}
	_, err := Parse("1e100", "EUR")
	require.NoError(t, err)
}
