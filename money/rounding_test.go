package money

import (
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allModes is the column order of the hand-computed tables below.
var allModes = []RoundingMode{HalfEven, HalfUp, HalfDown, Down, Up, Ceiling, Floor}

// Every expected value below was worked out by hand.
var roundDecimalCases = []struct {
	in     string
	places int32
	want   [7]string // HalfEven, HalfUp, HalfDown, Down, Up, Ceiling, Floor
}{
	// Ties at 0 places.
	{"2.5", 0, [7]string{"2", "3", "2", "2", "3", "3", "2"}},
	{"-2.5", 0, [7]string{"-2", "-3", "-2", "-2", "-3", "-2", "-3"}},
	{"3.5", 0, [7]string{"4", "4", "3", "3", "4", "4", "3"}},
	{"-3.5", 0, [7]string{"-4", "-4", "-3", "-3", "-4", "-3", "-4"}},
	{"0.5", 0, [7]string{"0", "1", "0", "0", "1", "1", "0"}},
	{"-0.5", 0, [7]string{"0", "-1", "0", "0", "-1", "0", "-1"}},
	// Not ties.
	{"2.4", 0, [7]string{"2", "2", "2", "2", "3", "3", "2"}},
	{"2.6", 0, [7]string{"3", "3", "3", "2", "3", "3", "2"}},
	{"-2.4", 0, [7]string{"-2", "-2", "-2", "-2", "-3", "-2", "-3"}},
	{"-2.6", 0, [7]string{"-3", "-3", "-3", "-2", "-3", "-2", "-3"}},
	{"2.5000001", 0, [7]string{"3", "3", "3", "2", "3", "3", "2"}},
	{"-2.4999999", 0, [7]string{"-2", "-2", "-2", "-2", "-3", "-2", "-3"}},
	{"7", 0, [7]string{"7", "7", "7", "7", "7", "7", "7"}},
	{"0", 2, [7]string{"0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"}},
	// One place.
	{"2.45", 1, [7]string{"2.4", "2.5", "2.4", "2.4", "2.5", "2.5", "2.4"}},
	{"-2.45", 1, [7]string{"-2.4", "-2.5", "-2.4", "-2.4", "-2.5", "-2.4", "-2.5"}},
	{"2.55", 1, [7]string{"2.6", "2.6", "2.5", "2.5", "2.6", "2.6", "2.5"}},
	{"1.05", 1, [7]string{"1.0", "1.1", "1.0", "1.0", "1.1", "1.1", "1.0"}},
	// Two places (cents).
	{"0.125", 2, [7]string{"0.12", "0.13", "0.12", "0.12", "0.13", "0.13", "0.12"}},
	{"-0.125", 2, [7]string{"-0.12", "-0.13", "-0.12", "-0.12", "-0.13", "-0.12", "-0.13"}},
	{"0.135", 2, [7]string{"0.14", "0.14", "0.13", "0.13", "0.14", "0.14", "0.13"}},
	{"1.005", 2, [7]string{"1.00", "1.01", "1.00", "1.00", "1.01", "1.01", "1.00"}},
	{"2.675", 2, [7]string{"2.68", "2.68", "2.67", "2.67", "2.68", "2.68", "2.67"}},
	{"-0.001", 2, [7]string{"0.00", "0.00", "0.00", "0.00", "-0.01", "0.00", "-0.01"}},
	{"0.0049999", 2, [7]string{"0.00", "0.00", "0.00", "0.00", "0.01", "0.01", "0.00"}},
	{"1", 2, [7]string{"1.00", "1.00", "1.00", "1.00", "1.00", "1.00", "1.00"}},
	{"12.3", 2, [7]string{"12.30", "12.30", "12.30", "12.30", "12.30", "12.30", "12.30"}},
	{"12345678901234567890.125", 2, [7]string{"12345678901234567890.12", "12345678901234567890.13", "12345678901234567890.12", "12345678901234567890.12", "12345678901234567890.13", "12345678901234567890.13", "12345678901234567890.12"}},
	// Three places (KWD, BHD).
	{"1.2345", 3, [7]string{"1.234", "1.235", "1.234", "1.234", "1.235", "1.235", "1.234"}},
	{"-1.2345", 3, [7]string{"-1.234", "-1.235", "-1.234", "-1.234", "-1.235", "-1.234", "-1.235"}},
	// Negative places: tens and hundreds.
	{"25", -1, [7]string{"20", "30", "20", "20", "30", "30", "20"}},
	{"-35", -1, [7]string{"-40", "-40", "-30", "-30", "-40", "-30", "-40"}},
	{"1234.5678", -2, [7]string{"1200", "1200", "1200", "1200", "1300", "1300", "1200"}},
	{"1250", -2, [7]string{"1200", "1300", "1200", "1200", "1300", "1300", "1200"}},
	{"1300", -2, [7]string{"1300", "1300", "1300", "1300", "1300", "1300", "1300"}},
}

func TestRoundDecimal(t *testing.T) {
	for _, tc := range roundDecimalCases {
		d := decimal.RequireFromString(tc.in)
		for i, mode := range allModes {
			got := RoundDecimal(d, tc.places, mode)
			assert.Equal(t, tc.want[i], got.StringFixed(max(tc.places, 0)), "%s to %d places %s", tc.in, tc.places, mode)
			assert.True(t, got.Equal(decimal.RequireFromString(tc.want[i])), "%s to %d places %s: value %s", tc.in, tc.places, mode, got)
			if tc.places >= 0 {
				assert.Equal(t, -tc.places, got.Exponent(), "%s to %d places %s keeps the scale", tc.in, tc.places, mode)
			}
		}
	}
}

// Every expected value below was worked out by hand.
var roundIncrementCases = []struct {
	in, inc string
	want    [7]string // HalfEven, HalfUp, HalfDown, Down, Up, Ceiling, Floor
}{
	// Cash rounding to 0.05.
	{"1.02", "0.05", [7]string{"1.00", "1.00", "1.00", "1.00", "1.05", "1.05", "1.00"}},
	{"1.03", "0.05", [7]string{"1.05", "1.05", "1.05", "1.00", "1.05", "1.05", "1.00"}},
	{"1.025", "0.05", [7]string{"1.00", "1.05", "1.00", "1.00", "1.05", "1.05", "1.00"}},
	{"1.075", "0.05", [7]string{"1.10", "1.10", "1.05", "1.05", "1.10", "1.10", "1.05"}},
	{"-1.075", "0.05", [7]string{"-1.10", "-1.10", "-1.05", "-1.05", "-1.10", "-1.05", "-1.10"}},
	{"1.05", "0.05", [7]string{"1.05", "1.05", "1.05", "1.05", "1.05", "1.05", "1.05"}},
	// Round to tens.
	{"1234", "10", [7]string{"1230", "1230", "1230", "1230", "1240", "1240", "1230"}},
	{"1235", "10", [7]string{"1240", "1240", "1230", "1230", "1240", "1240", "1230"}},
	{"-1245", "10", [7]string{"-1240", "-1250", "-1240", "-1240", "-1250", "-1240", "-1250"}},
	{"1234.99", "10", [7]string{"1230", "1230", "1230", "1230", "1240", "1240", "1230"}},
	// Quarters.
	{"3.125", "0.25", [7]string{"3.00", "3.25", "3.00", "3.00", "3.25", "3.25", "3.00"}},
	{"3.375", "0.25", [7]string{"3.50", "3.50", "3.25", "3.25", "3.50", "3.50", "3.25"}},
	{"3.13", "0.25", [7]string{"3.25", "3.25", "3.25", "3.00", "3.25", "3.25", "3.00"}},
	{"-0.1", "0.25", [7]string{"0.00", "0.00", "0.00", "0.00", "-0.25", "0.00", "-0.25"}},
	// Increments that are not a power of ten times 1, 2.5 or 5.
	{"1", "0.3", [7]string{"0.9", "0.9", "0.9", "0.9", "1.2", "1.2", "0.9"}},
	{"0.45", "0.3", [7]string{"0.6", "0.6", "0.3", "0.3", "0.6", "0.6", "0.3"}},
	{"12.5", "5", [7]string{"10", "15", "10", "10", "15", "15", "10"}},
	{"99.99", "0.99", [7]string{"99.99", "99.99", "99.99", "99.99", "99.99", "99.99", "99.99"}},
}

func TestRoundDecimalToIncrement(t *testing.T) {
	for _, tc := range roundIncrementCases {
		d, inc := decimal.RequireFromString(tc.in), decimal.RequireFromString(tc.inc)
		for i, mode := range allModes {
			got := RoundDecimalToIncrement(d, inc, mode)
			assert.Equal(t, tc.want[i], got.StringFixed(-inc.Exponent()), "%s to %s %s", tc.in, tc.inc, mode)
			assert.Equal(t, inc.Exponent(), got.Exponent(), "%s to %s %s has the scale of the increment", tc.in, tc.inc, mode)
		}
	}
}

func TestRoundDecimalToIncrementNonPositiveLeavesValue(t *testing.T) {
	d := decimal.RequireFromString("1.234")
	for _, inc := range []string{"0", "-0.05"} {
		got := RoundDecimalToIncrement(d, decimal.RequireFromString(inc), HalfUp)
		assert.Equal(t, "1.234", got.String(), "increment %s", inc)
	}
}

func TestRoundingModeZeroValueIsHalfEven(t *testing.T) {
	var m RoundingMode
	assert.Equal(t, HalfEven, m)
	assert.Equal(t, "2", RoundDecimal(decimal.RequireFromString("2.5"), 0, m).String())
}

func TestParseRoundingMode(t *testing.T) {
	tests := []struct {
		in   string
		want RoundingMode
	}{
		{"", HalfEven},
		{"half_even", HalfEven},
		{"half_up", HalfUp},
		{"half_down", HalfDown},
		{"down", Down},
		{"up", Up},
		{"ceiling", Ceiling},
		{"floor", Floor},
		{" HALF_UP ", HalfUp},
		{"half-even", HalfEven},
	}
	for _, tc := range tests {
		got, err := ParseRoundingMode(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"bankers", "halfeven", "round", "half", "_"} {
		_, err := ParseRoundingMode(bad)
		require.ErrorIs(t, err, ErrUnknownRoundingMode, bad)
		assert.Contains(t, err.Error(), bad)
	}
}

func TestRoundingModeString(t *testing.T) {
	want := []string{"half_even", "half_up", "half_down", "down", "up", "ceiling", "floor"}
	for i, m := range allModes {
		assert.Equal(t, want[i], m.String())
		back, err := ParseRoundingMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, back)
	}
	assert.Equal(t, "RoundingMode(42)", RoundingMode(42).String())
	assert.False(t, RoundingMode(42).Valid())
}

func TestRoundingModeText(t *testing.T) {
	b, err := Ceiling.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "ceiling", string(b))

	var m RoundingMode
	require.NoError(t, m.UnmarshalText([]byte("floor")))
	assert.Equal(t, Floor, m)
	require.ErrorIs(t, m.UnmarshalText([]byte("sideways")), ErrUnknownRoundingMode)
	_, err = RoundingMode(99).MarshalText()
	require.ErrorIs(t, err, ErrUnknownRoundingMode)
}

// ratRound is an oracle independent of the code under test: it rounds the
// rational x to an integer by the definition of each mode.
func ratRound(x *big.Rat, mode RoundingMode) *big.Int {
	floor := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean: floor for a positive denominator
	frac := new(big.Rat).Sub(x, new(big.Rat).SetInt(floor))
	if frac.Sign() == 0 {
		return floor
	}
	ceil := new(big.Int).Add(floor, big.NewInt(1))
	positive := x.Sign() > 0
	toward := map[bool]*big.Int{true: floor, false: ceil}[positive] // toward zero
	away := map[bool]*big.Int{true: ceil, false: floor}[positive]   // away from zero
	switch mode {
	case Floor:
		return floor
	case Ceiling:
		return ceil
	case Down:
		return toward
	case Up:
		return away
	}
	switch frac.Cmp(big.NewRat(1, 2)) {
	case -1:
		return floor
	case 1:
		return ceil
	}
	switch mode {
	case HalfUp:
		return away
	case HalfDown:
		return toward
	}
	if floor.Bit(0) == 0 {
		return floor
	}
	return ceil
}

func ratOf(d decimal.Decimal) *big.Rat { return d.Rat() }

// oracleRoundDecimal rounds d to places using ratRound.
func oracleRoundDecimal(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(places))), nil))
	x := ratOf(d)
	if places >= 0 {
		x.Mul(x, scale)
	} else {
		x.Quo(x, scale)
	}
	return decimal.NewFromBigInt(ratRound(x, mode), -places)
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

func FuzzRoundDecimal(f *testing.F) {
	for _, tc := range roundDecimalCases {
		f.Add(tc.in, int8(tc.places), uint8(0))
	}
	f.Add("-999999999999999999999.5", int8(0), uint8(1))
	f.Fuzz(func(t *testing.T, in string, places int8, modeByte uint8) {
		d, err := decimal.NewFromString(in)
		if err != nil || d.Exponent() < -200 || d.Exponent() > 200 {
			return
		}
		mode := RoundingMode(modeByte % uint8(len(allModes)))
		got := RoundDecimal(d, int32(places), mode)
		want := oracleRoundDecimal(d, int32(places), mode)
		if !got.Equal(want) {
			t.Fatalf("RoundDecimal(%s, %d, %s) = %s, want %s", in, places, mode, got, want)
		}
	})
}

func FuzzRoundDecimalToIncrement(f *testing.F) {
	for _, tc := range roundIncrementCases {
		f.Add(tc.in, tc.inc, uint8(0))
	}
	f.Fuzz(func(t *testing.T, in, incText string, modeByte uint8) {
		d, err1 := decimal.NewFromString(in)
		inc, err2 := decimal.NewFromString(incText)
		if err1 != nil || err2 != nil || inc.Sign() <= 0 ||
			abs32(d.Exponent()) > 100 || abs32(inc.Exponent()) > 100 {
			return
		}
		mode := RoundingMode(modeByte % uint8(len(allModes)))
		got := RoundDecimalToIncrement(d, inc, mode)
		n := ratRound(new(big.Rat).Quo(ratOf(d), ratOf(inc)), mode)
		want := decimal.NewFromBigInt(n, 0).Mul(inc)
		if !got.Equal(want) {
			t.Fatalf("RoundDecimalToIncrement(%s, %s, %s) = %s, want %s", in, incText, mode, got, want)
		}
	})
}

func FuzzParseRoundingMode(f *testing.F) {
	for _, n := range roundingModeNames {
		f.Add(n)
	}
	f.Add("")
	f.Add("Half-Up")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseRoundingMode(s)
		if err != nil {
			return
		}
		back, err := ParseRoundingMode(m.String())
		if err != nil || back != m {
			t.Fatalf("%q parsed to %s which does not parse back: %v", s, m, err)
		}
	})
}

// TestRoundDecimalMatchesOracle checks random values in every mode against
// the rational oracle.
func TestRoundDecimalMatchesOracle(t *testing.T) {
	rng := newTestRand(7)
	for range 5000 {
		coef := rng.Int64N(2_000_001) - 1_000_000
		d := decimal.New(coef, -int32(rng.IntN(7)))
		places := int32(rng.IntN(7)) - 2
		mode := allModes[rng.IntN(len(allModes))]
		want := oracleRoundDecimal(d, places, mode)
		got := RoundDecimal(d, places, mode)
		require.True(t, got.Equal(want), "RoundDecimal(%s, %d, %s) = %s, want %s", d, places, mode, got, want)
	}
}

// randomDecimal returns a decimal with up to 30 digits and an exponent in
// [-40, 5], so both the int64 and the big-integer paths are exercised.
func randomDecimal(rng interface {
	IntN(int) int
	Int64N(int64) int64
}) decimal.Decimal {
	coef := big.NewInt(rng.Int64N(1_000_000_000_000_000))
	if rng.IntN(2) == 0 {
		coef.Mul(coef, big.NewInt(rng.Int64N(1_000_000_000_000)))
	}
	if rng.IntN(2) == 0 {
		coef.Neg(coef)
	}
	return decimal.NewFromBigInt(coef, int32(rng.IntN(46))-40)
}

func TestRoundDecimalMatchesOracleWide(t *testing.T) {
	rng := newTestRand(11)
	for range 5000 {
		d := randomDecimal(rng)
		places := int32(rng.IntN(61)) - 30
		mode := allModes[rng.IntN(len(allModes))]
		want := oracleRoundDecimal(d, places, mode)
		got := RoundDecimal(d, places, mode)
		require.True(t, got.Equal(want), "RoundDecimal(%s, %d, %s) = %s, want %s", d, places, mode, got, want)

		inc := decimal.New(1+rng.Int64N(99), int32(rng.IntN(8))-4)
		n := ratRound(new(big.Rat).Quo(d.Rat(), inc.Rat()), mode)
		wantInc := decimal.NewFromBigInt(n, 0).Mul(inc)
		gotInc := RoundDecimalToIncrement(d, inc, mode)
		require.True(t, gotInc.Equal(wantInc), "RoundDecimalToIncrement(%s, %s, %s) = %s, want %s", d, inc, mode, gotInc, wantInc)
	}
}

func TestDivDecimalMatchesOracle(t *testing.T) {
	rng := newTestRand(13)
	for range 5000 {
		x, y := randomDecimal(rng), randomDecimal(rng)
		if y.IsZero() {
			continue
		}
		places := int32(rng.IntN(41)) - 10
		mode := allModes[rng.IntN(len(allModes))]
		got, err := DivDecimal(x, y, places, mode)
		require.NoError(t, err)
		q := new(big.Rat).Quo(x.Rat(), y.Rat())
		scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(places))), nil))
		if places >= 0 {
			q.Mul(q, scale)
		} else {
			q.Quo(q, scale)
		}
		want := decimal.NewFromBigInt(ratRound(q, mode), -places)
		require.True(t, got.Equal(want), "DivDecimal(%s, %s, %d, %s) = %s, want %s", x, y, places, mode, got, want)
	}
}

func TestExtremePlaces(t *testing.T) {
	d := dec("123.456")
	assert.Equal(t, "0", RoundDecimal(d, -2_000_000_000, HalfEven).String())
	assert.True(t, RoundDecimal(d, -2_000_000_000, Up).Equal(decimal.New(1, MaxPlaces)), "clamped to -MaxPlaces")
	assert.True(t, RoundDecimal(d, 2_000_000_000, HalfEven).Equal(d))
	assert.Equal(t, int32(-MaxPlaces), RoundDecimal(d, 2_000_000_000, HalfEven).Exponent())
	assert.Equal(t, "-0.01", RoundDecimal(dec("-1e-50"), 2, Floor).String())

	q, err := DivDecimal(dec("1e-90"), dec("3e90"), 2, Ceiling)
	require.NoError(t, err)
	assert.Equal(t, "0.01", q.String())
	_, err = DivDecimal(decimal.New(1, 1_000_000), dec("3"), 2, HalfEven)
	require.ErrorIs(t, err, ErrOutOfRange)
}
