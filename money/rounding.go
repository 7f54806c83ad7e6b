package money

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/shopspring/decimal"
)

// RoundingMode says how a value that falls between two representable values
// is brought to one of them. The zero value is HalfEven, the default for
// money in cpqkit.
type RoundingMode uint8

const (
	// HalfEven rounds to the nearest value; a tie goes to the even
	// neighbour (banker's rounding): 2.5 → 2, 3.5 → 4, -2.5 → -2.
	HalfEven RoundingMode = iota
	// HalfUp rounds to the nearest value; a tie goes away from zero:
	// 2.5 → 3, -2.5 → -3.
	HalfUp
	// HalfDown rounds to the nearest value; a tie goes toward zero:
	// 2.5 → 2, -2.5 → -2.
	HalfDown
	// Down truncates toward zero: 2.9 → 2, -2.9 → -2.
	Down
	// Up rounds away from zero: 2.1 → 3, -2.1 → -3.
	Up
	// Ceiling rounds toward positive infinity: 2.1 → 3, -2.9 → -2.
	Ceiling
	// Floor rounds toward negative infinity: 2.9 → 2, -2.1 → -3.
	Floor
)

// ErrUnknownRoundingMode is returned when a rounding mode name is not one of
// the names RoundingMode.String gives.
var ErrUnknownRoundingMode = errors.New("unknown rounding mode")

var roundingModeNames = [...]string{
	HalfEven: "half_even",
	HalfUp:   "half_up",
	HalfDown: "half_down",
	Down:     "down",
	Up:       "up",
	Ceiling:  "ceiling",
	Floor:    "floor",
}

// String returns the catalog name of the mode: "half_even", "half_up",
// "half_down", "down", "up", "ceiling" or "floor".
func (m RoundingMode) String() string {
	if int(m) < len(roundingModeNames) {
		return roundingModeNames[m]
	}
	return fmt.Sprintf("RoundingMode(%d)", uint8(m))
}

// Valid reports whether m is one of the defined modes.
func (m RoundingMode) Valid() bool { return int(m) < len(roundingModeNames) }

// ParseRoundingMode returns the mode with the given catalog name. The empty
// string means HalfEven. Names are matched without regard to case and
// surrounding space; "-" may stand for "_".
func ParseRoundingMode(s string) (RoundingMode, error) {
	name := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	if name == "" {
		return HalfEven, nil
	}
	for m, n := range roundingModeNames {
		if n == name {
			return RoundingMode(m), nil
		}
	}
	return HalfEven, fmt.Errorf("%w %q (want one of %s)", ErrUnknownRoundingMode, s, strings.Join(roundingModeNames[:], ", "))
}

// MarshalText encodes the mode as its catalog name.
func (m RoundingMode) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownRoundingMode, uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes a catalog name, as ParseRoundingMode does.
func (m *RoundingMode) UnmarshalText(text []byte) error {
	v, err := ParseRoundingMode(string(text))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MaxPlaces bounds the places RoundDecimal, DivDecimal and the Amount
// methods built on them accept: a larger places is treated as MaxPlaces, a
// smaller one as -MaxPlaces.
const MaxPlaces = 1000

// RoundDecimal rounds d to places digits after the decimal point using mode.
// A negative places rounds to tens, hundreds, and so on (-1 rounds to a
// multiple of 10). The result carries exactly places fractional digits when
// places is not negative. An undefined mode rounds half-even.
func RoundDecimal(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	places = min(max(places, -MaxPlaces), MaxPlaces)
	exp := d.Exponent()
	if exp >= -places {
		if places < 0 {
			return d
		}
		// Already exact at this precision; give it the requested scale.
		shift := int64(exp) + int64(places)
		if shift < maxInt64Digits && int64(d.NumDigits())+shift <= maxInt64Digits {
			return decimal.New(d.CoefficientInt64()*pow10Int64[shift], -places)
		}
		return decimal.NewFromBigInt(shiftLeft(d.Coefficient(), shift), -places)
	}
	k := -int64(places) - int64(exp) // digits to drop, at least 1
	digits := int64(d.NumDigits())
	switch {
	case k <= maxInt64Digits && digits <= maxInt64Digits:
		c, p := d.CoefficientInt64(), pow10Int64[k]
		q, r := c/p, c%p
		return decimal.New(q+stepInt64(q, r, p, mode), -places)
	case k > digits:
		// Every digit is dropped and what is dropped is below one half of
		// the step: the result is 0 or one step away from it.
		var step int64
		if awayFromZero(d.Sign(), -1, false, mode) {
			step = int64(d.Sign())
		}
		return decimal.New(step, -places)
	}
	q, r := new(big.Int).QuoRem(d.Coefficient(), pow10(k), new(big.Int))
	addStep(q, r, pow10(k), mode)
	return decimal.NewFromBigInt(q, -places)
}

// RoundDecimalToIncrement rounds d to a whole multiple of inc using mode:
// an increment of 0.05 gives cash rounding, 10 rounds to tens, 0.25 to
// quarters. The result has the scale of inc. A zero or negative increment
// leaves d unchanged. The computation is exact for any decimal increment.
func RoundDecimalToIncrement(d, inc decimal.Decimal, mode RoundingMode) decimal.Decimal {
	if inc.Sign() <= 0 {
		return d
	}
	// Bring both to the smaller exponent so that d = a·10^e and inc = b·10^e
	// with integers a and b; then d/inc = a/b exactly.
	e := min(d.Exponent(), inc.Exponent())
	da, db := int64(d.Exponent())-int64(e), int64(inc.Exponent())-int64(e)
	if int64(d.NumDigits())+da <= maxInt64Digits && int64(inc.NumDigits())+db <= maxInt64Digits {
		a := d.CoefficientInt64() * pow10Int64[da]
		b := inc.CoefficientInt64() * pow10Int64[db]
		q, r := a/b, a%b
		q += stepInt64(q, r, b, mode)
		// |q·inc| ≤ |d| + inc, well within int64.
		return decimal.New(q*inc.CoefficientInt64(), inc.Exponent())
	}
	a := shiftLeft(d.Coefficient(), da)
	b := shiftLeft(inc.Coefficient(), db)
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	addStep(q, r, b, mode)
	// q·inc, expressed with inc's exponent.
	return decimal.NewFromBigInt(q.Mul(q, inc.Coefficient()), inc.Exponent())
}

// maxInt64Digits is the most decimal digits whose values (and twice them)
// always fit in an int64.
const maxInt64Digits = 18

var pow10Int64 = func() [maxInt64Digits + 1]int64 {
	var t [maxInt64Digits + 1]int64
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// stepInt64 returns the step (-1, 0 or +1) to add to the truncated quotient
// q of a division by the positive divisor with remainder r (which has the
// sign of the dividend) to round it with mode.
func stepInt64(q, r, divisor int64, mode RoundingMode) int64 {
	if r == 0 {
		return 0
	}
	sign, abs := int64(1), r
	if r < 0 {
		sign, abs = -1, -r
	}
	half := 0
	switch twice := 2 * abs; {
	case twice < divisor:
		half = -1
	case twice > divisor:
		half = 1
	}
	if awayFromZero(int(sign), half, q&1 == 1, mode) {
		return sign
	}
	return 0
}

// addStep rounds the truncated quotient q in place; see stepInt64.
func addStep(q, r, divisor *big.Int, mode RoundingMode) {
	sign := r.Sign()
	if sign == 0 {
		return
	}
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	if awayFromZero(sign, twice.Cmp(divisor), q.Bit(0) == 1, mode) {
		q.Add(q, big.NewInt(int64(sign)))
	}
}

// awayFromZero decides whether a truncated quotient moves one step away
// from zero. sign is the sign of the dropped remainder (never 0), half
// compares the dropped part with one half of a step (-1 below, 0 a tie, +1
// above), and odd tells whether the truncated quotient is odd.
func awayFromZero(sign, half int, odd bool, mode RoundingMode) bool {
	switch mode {
	case Down:
		return false
	case Up:
		return true
	case Ceiling:
		return sign > 0
	case Floor:
		return sign < 0
	}
	switch {
	case half < 0:
		return false
	case half > 0:
		return true
	}
	switch mode {
	case HalfUp:
		return true
	case HalfDown:
		return false
	default: // HalfEven and undefined modes
		return odd
	}
}

// shiftLeft returns x·10^n for n ≥ 0 as a new integer.
func shiftLeft(x *big.Int, n int64) *big.Int {
	if n == 0 {
		return new(big.Int).Set(x)
	}
	return new(big.Int).Mul(x, pow10(n))
}

var smallPow10 = func() [40]*big.Int {
	var t [40]*big.Int
	t[0] = big.NewInt(1)
	ten := big.NewInt(10)
	for i := 1; i < len(t); i++ {
		t[i] = new(big.Int).Mul(t[i-1], ten)
	}
	return t
}()

// pow10 returns 10^n for n ≥ 0. The returned value must not be modified.
func pow10(n int64) *big.Int {
	if n < int64(len(smallPow10)) {
		return smallPow10[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}
