package formula

import (
	"fmt"
	"math/big"

	"github.com/cpqkit/cpq/money"
	"github.com/shopspring/decimal"
)

// DivisionPlaces is the precision of the / operator: an exact quotient is
// kept as it is (7 / 2 = 3.5), any other is rounded half-even to this many
// digits after the decimal point (10 / 3 = 3.3333333333333333333333333333).
// It does not depend on decimal.DivisionPrecision.
const DivisionPlaces = 28

// Limits on numbers during evaluation. Every arithmetic result, every
// decimal read from Vars, a table or a host function, and every literal
// must have at most MaxDigits significant digits and an exponent between
// -MaxExponent and MaxExponent (so at most MaxExponent digits after the
// point); anything else fails with ErrTooLarge. With the node limit this
// bounds the time and memory of one evaluation.
const (
	MaxDigits   = 1000
	MaxExponent = 1000
)

// maxRoundPlaces bounds the places argument of round.
const maxRoundPlaces = 28

// maxPowExponent bounds the exponent of ** and ^.
const maxPowExponent = 10000

var (
	decimalOne  = decimal.New(1, 0)
	decimalTwo  = decimal.New(2, 0)
	bigTen      = big.NewInt(10)
	divisionULP = decimal.New(1, -DivisionPlaces)
)

// toDecimal converts a decimal operand. Integers are converted exactly;
// floats are refused because they are not exact.
func toDecimal(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case int:
		return decimal.NewFromInt(int64(x)), nil
	case int64:
		return decimal.NewFromInt(x), nil
	case int32:
		return decimal.NewFromInt(int64(x)), nil
	case int16:
		return decimal.NewFromInt(int64(x)), nil
	case int8:
		return decimal.NewFromInt(int64(x)), nil
	case uint:
		return decimal.NewFromUint64(uint64(x)), nil
	case uint64:
		return decimal.NewFromUint64(x), nil
	case uint32:
		return decimal.NewFromInt(int64(x)), nil
	case uint16:
		return decimal.NewFromInt(int64(x)), nil
	case uint8:
		return decimal.NewFromInt(int64(x)), nil
	case nil:
		return decimal.Decimal{}, ErrMissingValue
	case float64, float32:
		return decimal.Decimal{}, fmt.Errorf("%w: %T is not exact, give a decimal.Decimal", ErrValueType, v)
	}
	return decimal.Decimal{}, fmt.Errorf("%w: want a decimal, got %T", ErrValueType, v)
}

// checkSize returns d if it is within MaxDigits and MaxExponent. A zero
// with an extreme exponent is brought back to plain zero.
func checkSize(d decimal.Decimal) (decimal.Decimal, error) {
	if e := d.Exponent(); e > MaxExponent || e < -MaxExponent {
		if d.Sign() == 0 {
			return decimal.Decimal{}, nil
		}
		return decimal.Decimal{}, fmt.Errorf("%w: exponent %d is beyond ±%d", ErrTooLarge, e, MaxExponent)
	}
	if n := d.NumDigits(); n > MaxDigits {
		return decimal.Decimal{}, fmt.Errorf("%w: %d digits, more than %d", ErrTooLarge, n, MaxDigits)
	}
	return d, nil
}

// decimalOperand converts and checks a decimal read from outside the
// formula (Vars, a table, a host function).
func decimalOperand(v any) (decimal.Decimal, error) {
	d, err := toDecimal(v)
	if err != nil {
		return d, err
	}
	return checkSize(d)
}

func twoDecimals(x, y any) (decimal.Decimal, decimal.Decimal, error) {
	a, err := toDecimal(x)
	if err != nil {
		return a, a, err
	}
	b, err := toDecimal(y)
	return a, b, err
}

func opAdd(x, y any) (any, error) {
	a, b, err := twoDecimals(x, y)
	if err != nil {
		return nil, err
	}
	return checkSize(a.Add(b))
}

func opSub(x, y any) (any, error) {
	a, b, err := twoDecimals(x, y)
	if err != nil {
		return nil, err
	}
	return checkSize(a.Sub(b))
}

func opMul(x, y any) (any, error) {
	a, b, err := twoDecimals(x, y)
	if err != nil {
		return nil, err
	}
	return checkSize(a.Mul(b))
}

func opDiv(x, y any) (any, error) {
	a, b, err := twoDecimals(x, y)
	if err != nil {
		return nil, err
	}
	q, err := divide(a, b)
	if err != nil {
		return nil, err
	}
	return checkSize(q)
}

func opMod(x, y any) (any, error) {
	a, b, err := twoDecimals(x, y)
	if err != nil {
		return nil, err
	}
	if b.Sign() == 0 {
		return nil, ErrDivisionByZero
	}
	return checkSize(a.Mod(b))
}

func opPow(x, y any) (any, error) {
	a, b, err := twoDecimals(x, y)
	if err != nil {
		return nil, err
	}
	return power(a, b)
}

func opNeg(x any) (any, error) {
	a, err := toDecimal(x)
	if err != nil {
		return nil, err
	}
	return a.Neg(), nil
}

// decimalComparison builds a comparison operator from a test of Cmp's
// result.
func decimalComparison(test func(c int) bool) func(x, y any) (any, error) {
	return func(x, y any) (any, error) {
		a, b, err := twoDecimals(x, y)
		if err != nil {
			return nil, err
		}
		return test(a.Cmp(b)), nil
	}
}

// divide returns a / b: exact when the quotient has at most DivisionPlaces
// fractional digits, otherwise rounded half-even to DivisionPlaces.
func divide(a, b decimal.Decimal) (decimal.Decimal, error) {
	if b.Sign() == 0 {
		return decimal.Decimal{}, ErrDivisionByZero
	}
	q, r := a.QuoRem(b, DivisionPlaces)
	if r.Sign() == 0 {
		return trimZeros(q), nil
	}
	// a = q·b + r with |r| < |b|·10^-P; round on 2|r| against |b|·10^-P.
	c := r.Abs().Mul(decimalTwo).Cmp(b.Abs().Shift(-DivisionPlaces))
	if c > 0 || (c == 0 && q.Coefficient().Bit(0) == 1) {
		if a.Sign()*b.Sign() < 0 {
			q = q.Sub(divisionULP)
		} else {
			q = q.Add(divisionULP)
		}
	}
	return q, nil
}

// trimZeros drops trailing zeros after the decimal point, so that an exact
// quotient keeps a small scale: 3.5000… becomes 3.5 and 6.000… becomes 6.
func trimZeros(d decimal.Decimal) decimal.Decimal {
	exp := d.Exponent()
	if exp >= 0 {
		return d
	}
	if d.Sign() == 0 {
		return decimal.Decimal{}
	}
	c := d.Coefficient()
	if c.IsInt64() {
		v := c.Int64()
		for exp < 0 && v%10 == 0 {
			v /= 10
			exp++
		}
		return decimal.New(v, exp)
	}
	var q, r big.Int
	for exp < 0 {
		q.QuoRem(c, bigTen, &r)
		if r.Sign() != 0 {
			break
		}
		c.Set(&q)
		exp++
	}
	return decimal.NewFromBigInt(c, exp)
}

// power returns a raised to the whole exponent b by repeated squaring,
// checking the size of every intermediate result. A negative exponent
// divides one by the positive power.
func power(a, b decimal.Decimal) (decimal.Decimal, error) {
	if !b.IsInteger() {
		return decimal.Decimal{}, fmt.Errorf("%w: exponent %s is not a whole number", ErrBadArgument, b)
	}
	if b.Abs().Cmp(decimal.New(maxPowExponent, 0)) > 0 {
		return decimal.Decimal{}, fmt.Errorf("%w: exponent %s is beyond ±%d", ErrTooLarge, b, maxPowExponent)
	}
	n := b.IntPart()
	neg := n < 0
	if neg {
		n = -n
	}
	result, base := decimalOne, a
	var err error
	for n > 0 {
		if n&1 == 1 {
			if result, err = checkSize(result.Mul(base)); err != nil {
				return result, err
			}
		}
		n >>= 1
		if n > 0 {
			if base, err = checkSize(base.Mul(base)); err != nil {
				return base, err
			}
		}
	}
	if neg {
		if result, err = divide(decimalOne, result); err != nil {
			return result, err
		}
	}
	return checkSize(result)
}

// wholeNumber converts a decimal argument that must be a whole number
// within ±limit, such as a number of days or of decimal places.
func wholeNumber(v any, what string, limit int64) (int64, error) {
	d, err := toDecimal(v)
	if err != nil {
		return 0, err
	}
	if !d.IsInteger() {
		return 0, fmt.Errorf("%w: %s %s is not a whole number", ErrBadArgument, what, d)
	}
	if d.Abs().Cmp(decimal.NewFromInt(limit)) > 0 {
		return 0, fmt.Errorf("%w: %s %s is beyond ±%d", ErrBadArgument, what, d, limit)
	}
	return d.IntPart(), nil
}

// roundingMode converts the mode argument of round: a money.RoundingMode
// resolved at compile time, or a string resolved now.
func roundingMode(v any) (money.RoundingMode, error) {
	switch m := v.(type) {
	case money.RoundingMode:
		return m, nil
	case string:
		mode, err := money.ParseRoundingMode(m)
		if err != nil {
			return mode, fmt.Errorf("%w: %w", ErrBadArgument, err)
		}
		return mode, nil
	case nil:
		return money.HalfEven, ErrMissingValue
	}
	return money.HalfEven, fmt.Errorf("%w: want a rounding mode, got %T", ErrValueType, v)
}
