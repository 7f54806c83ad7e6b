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

// RoundDecimal rounds d to places digits after the decimal point using mode.
// A negative places rounds to tens, hundreds, and so on (-1 rounds to a
// multiple of 10). The result carries exactly places fractional digits when
// places is not negative. An undefined mode rounds half-even.
func RoundDecimal(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	exp := d.Exponent()
	if exp >= -places {
		if places < 0 {
			return d
		}
		// Already exact at this precision; give it the requested scale.
		return decimal.NewFromBigInt(shiftLeft(d.Coefficient(), int64(exp)+int64(places)), -places)
	}
	divisor := pow10(int64(-places) - int64(exp))
	q, r := new(big.Int).QuoRem(d.Coefficient(), divisor, new(big.Int))
	if adjustQuotient(q, r, divisor, mode) {
		q.Add(q, big.NewInt(int64(r.Sign())))
	}
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
	a := shiftLeft(d.Coefficient(), int64(d.Exponent())-int64(e))
	b := shiftLeft(inc.Coefficient(), int64(inc.Exponent())-int64(e))
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	if adjustQuotient(q, r, b, mode) {
		q.Add(q, big.NewInt(int64(r.Sign())))
	}
	// q·inc, expressed with inc's exponent.
	return decimal.NewFromBigInt(q.Mul(q, inc.Coefficient()), inc.Exponent())
}

// adjustQuotient reports whether the truncated quotient q of a division with
// remainder r (which has the sign of the dividend) by the positive divisor
// must move one step away from zero, in the direction of r's sign, to honour
// mode.
func adjustQuotient(q, r, divisor *big.Int, mode RoundingMode) bool {
	sign := r.Sign()
	if sign == 0 {
		return false
	}
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
	// Nearest modes: compare twice the dropped part with the divisor.
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	switch c := twice.Cmp(divisor); {
	case c < 0:
		return false
	case c > 0:
		return true
	}
	switch mode {
	case HalfUp:
		return true
	case HalfDown:
		return false
	default: // HalfEven and undefined modes
		return q.Bit(0) == 1
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
