package money

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/shopspring/decimal"
)

var (
	// ErrCurrencyMismatch is returned when an operation combines amounts in
	// two different currencies. The wrapping error names both codes.
	ErrCurrencyMismatch = errors.New("currency mismatch")
	// ErrDivisionByZero is returned when dividing by zero.
	ErrDivisionByZero = errors.New("division by zero")
	// ErrInvalidAmount is returned when text is not a decimal number.
	ErrInvalidAmount = errors.New("invalid amount")
	// ErrSubMinorUnit is returned when an operation needs whole minor units
	// (MinorUnits, Allocate, Split) but the amount has more fractional
	// digits than its currency's minor unit: round it first.
	ErrSubMinorUnit = errors.New("amount is not a whole number of minor units")
	// ErrOutOfRange is returned when a number of minor units does not fit in
	// an int64, or a quotient is too large to compute.
	ErrOutOfRange = errors.New("value out of range")
	// ErrNoAmounts is returned by Sum for an empty list, whose currency is
	// unknown; use SumIn to give one.
	ErrNoAmounts = errors.New("no amounts to sum")
)

// Amount is an exact sum of money: a decimal value in an ISO 4217 currency.
// The value keeps whatever precision arithmetic gives it (a unit price of
// 0.0125 EUR stays exact); Round brings it to the currency's minor unit.
// Amounts are immutable values, safe to copy and share between goroutines.
// The zero Amount has no currency; only amounts built by New and its
// siblings have one.
type Amount struct {
	value    decimal.Decimal
	currency Currency
}

// New returns value in the currency with the given ISO 4217 code.
func New(value decimal.Decimal, currency string) (Amount, error) {
	c, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	return Amount{value: value, currency: c}, nil
}

// MustNew is New that panics on error, for constants in code and tests.
func MustNew(value decimal.Decimal, currency string) Amount {
	a, err := New(value, currency)
	if err != nil {
		panic(err)
	}
	return a
}

// Parse reads a plain decimal number such as "1234.50", "-0.5" or "1e3"
// (no grouping separators, no currency symbol) in the given currency.
func Parse(s, currency string) (Amount, error) {
	c, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	v, err := parseDecimal(s)
	if err != nil {
		return Amount{}, err
	}
	return Amount{value: v, currency: c}, nil
}

// MustParse is Parse that panics on error, for constants in code and tests.
func MustParse(s, currency string) Amount {
	a, err := Parse(s, currency)
	if err != nil {
		panic(err)
	}
	return a
}

// Zero returns a zero amount in the given currency.
func Zero(currency string) (Amount, error) {
	c, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	return Amount{value: decimal.Zero, currency: c}, nil
}

// Amount returns value in currency c.
func (c Currency) Amount(value decimal.Decimal) Amount {
	return Amount{value: value, currency: c}
}

// FromMinorUnits returns units minor units of the currency: 12345 in EUR is
// 123.45 EUR, in JPY 12345 JPY, in KWD 12.345 KWD.
func FromMinorUnits(units int64, currency string) (Amount, error) {
	c, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	return Amount{value: decimal.New(units, -c.digits), currency: c}, nil
}

// Limits on parsed amounts, so that text from outside cannot make a number
// whose string form or arithmetic is enormous.
const (
	maxParseExponent = 100
	maxParseDigits   = 100
)

func parseDecimal(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	// Reject forms decimal accepts but that are not plain numbers.
	if t == "" || strings.ContainsAny(t, "_ ") {
		return decimal.Decimal{}, fmt.Errorf("%w %q", ErrInvalidAmount, s)
	}
	v, err := decimal.NewFromString(t)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w %q: %w", ErrInvalidAmount, s, err)
	}
	if e := v.Exponent(); e < -maxParseExponent || e > maxParseExponent || v.NumDigits() > maxParseDigits {
		return decimal.Decimal{}, fmt.Errorf("%w %q: out of range", ErrInvalidAmount, s)
	}
	return v, nil
}

// Value returns the decimal value.
func (a Amount) Value() decimal.Decimal { return a.value }

// Currency returns the currency.
func (a Amount) Currency() Currency { return a.currency }

// IsZero reports whether the value is zero.
func (a Amount) IsZero() bool { return a.value.IsZero() }

// IsNegative reports whether the value is below zero.
func (a Amount) IsNegative() bool { return a.value.Sign() < 0 }

// IsPositive reports whether the value is above zero.
func (a Amount) IsPositive() bool { return a.value.Sign() > 0 }

// Sign returns -1, 0 or +1 as the value is negative, zero or positive.
func (a Amount) Sign() int { return a.value.Sign() }

// Cmp compares a and b: -1 if a < b, 0 if a == b, +1 if a > b. Amounts in
// different currencies cannot be compared and give ErrCurrencyMismatch.
func (a Amount) Cmp(b Amount) (int, error) {
	if err := sameCurrency("compare", a, b); err != nil {
		return 0, err
	}
	return a.value.Cmp(b.value), nil
}

// Equal reports whether a and b have the same currency and numerically equal
// values (1.5 EUR equals 1.50 EUR).
func (a Amount) Equal(b Amount) bool {
	return a.currency == b.currency && a.value.Equal(b.value)
}

// String returns the value with at least the currency's minor-unit digits
// (more when the value has more non-zero digits), a space and the code:
// "1234.50 EUR", "-7 JPY", "0.125 EUR". It is stable: numerically equal
// amounts in the same currency give the same string.
func (a Amount) String() string {
	if a.currency.IsZero() {
		return a.value.String()
	}
	return plainString(a.value, a.currency.digits) + " " + a.currency.code
}

// plainString formats d with at least minDigits fractional digits and no
// trailing zeros beyond them.
func plainString(d decimal.Decimal, minDigits int32) string {
	places := max(minDigits, fractionDigits(d))
	return d.StringFixed(places)
}

// fractionDigits returns the number of fractional digits d needs, ignoring
// trailing zeros.
func fractionDigits(d decimal.Decimal) int32 {
	exp := d.Exponent()
	if exp >= 0 || d.IsZero() {
		return 0
	}
	coef := d.Coefficient()
	n := -exp
	ten := big.NewInt(10)
	q, r := new(big.Int), new(big.Int)
	for n > 0 {
		q.QuoRem(coef, ten, r)
		if r.Sign() != 0 {
			break
		}
		coef.Set(q)
		n--
	}
	return n
}

// MarshalText encodes the amount as String does: "1234.50 EUR".
func (a Amount) MarshalText() ([]byte, error) {
	if a.currency.IsZero() {
		return nil, fmt.Errorf("marshal amount %s: %w", a.value, ErrUnknownCurrency)
	}
	return []byte(a.String()), nil
}

// UnmarshalText decodes "<decimal> <code>", the form String gives.
func (a *Amount) UnmarshalText(text []byte) error {
	value, code, ok := strings.Cut(strings.TrimSpace(string(text)), " ")
	if !ok {
		return fmt.Errorf("%w %q: want \"<number> <currency code>\"", ErrInvalidAmount, text)
	}
	v, err := Parse(value, strings.TrimSpace(code))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

func sameCurrency(op string, a, b Amount) error {
	if a.currency != b.currency {
		return fmt.Errorf("%w: cannot %s %s and %s", ErrCurrencyMismatch, op, codeOrNone(a.currency), codeOrNone(b.currency))
	}
	return nil
}

func codeOrNone(c Currency) string {
	if c.IsZero() {
		return "no currency"
	}
	return c.code
}

// Add returns a + b. Amounts in different currencies give
// ErrCurrencyMismatch: they are never mixed silently.
func (a Amount) Add(b Amount) (Amount, error) {
	if err := sameCurrency("add", a, b); err != nil {
		return Amount{}, err
	}
	return Amount{value: a.value.Add(b.value), currency: a.currency}, nil
}

// Sub returns a - b. Amounts in different currencies give
// ErrCurrencyMismatch.
func (a Amount) Sub(b Amount) (Amount, error) {
	if err := sameCurrency("subtract", a, b); err != nil {
		return Amount{}, err
	}
	return Amount{value: a.value.Sub(b.value), currency: a.currency}, nil
}

// Mul returns a × f exactly (a quantity, a factor such as 0.85). The result
// is not rounded.
func (a Amount) Mul(f decimal.Decimal) Amount {
	return Amount{value: a.value.Mul(f), currency: a.currency}
}

// Div returns a ÷ d rounded to places fractional digits with mode. Division
// always names its precision; it never depends on a package-wide setting.
// A zero divisor gives ErrDivisionByZero.
func (a Amount) Div(d decimal.Decimal, places int32, mode RoundingMode) (Amount, error) {
	q, err := DivDecimal(a.value, d, places, mode)
	if err != nil {
		return Amount{}, fmt.Errorf("divide %s: %w", a, err)
	}
	return Amount{value: q, currency: a.currency}, nil
}

// Ratio returns a ÷ b as a plain number rounded to places digits with mode,
// such as a margin or a discount percentage. The amounts must share a
// currency and b must not be zero.
func (a Amount) Ratio(b Amount, places int32, mode RoundingMode) (decimal.Decimal, error) {
	if err := sameCurrency("divide", a, b); err != nil {
		return decimal.Decimal{}, err
	}
	q, err := DivDecimal(a.value, b.value, places, mode)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("divide %s by %s: %w", a, b, err)
	}
	return q, nil
}

// Neg returns -a.
func (a Amount) Neg() Amount { return Amount{value: a.value.Neg(), currency: a.currency} }

// Abs returns |a|.
func (a Amount) Abs() Amount { return Amount{value: a.value.Abs(), currency: a.currency} }

// Round rounds a to its currency's minor unit with mode: 2 digits for EUR, 0
// for JPY, 3 for KWD.
func (a Amount) Round(mode RoundingMode) Amount {
	return Amount{value: RoundDecimal(a.value, a.currency.digits, mode), currency: a.currency}
}

// RoundTo rounds a to places fractional digits with mode; a negative places
// rounds to tens, hundreds and so on.
func (a Amount) RoundTo(places int32, mode RoundingMode) Amount {
	return Amount{value: RoundDecimal(a.value, places, mode), currency: a.currency}
}

// RoundToIncrement rounds a to a multiple of inc with mode: 0.05 for cash
// rounding, 10 for "round to tens", 0.25 for quarters. A zero or negative
// increment leaves a unchanged.
func (a Amount) RoundToIncrement(inc decimal.Decimal, mode RoundingMode) Amount {
	return Amount{value: RoundDecimalToIncrement(a.value, inc, mode), currency: a.currency}
}

// IsRounded reports whether a is a whole number of its currency's minor
// units (no digits beyond them).
func (a Amount) IsRounded() bool {
	return fractionDigits(a.value) <= a.currency.digits
}

// MinorUnits returns a as a count of its currency's minor units: 123.45 EUR
// is 12345. An amount with digits beyond the minor unit gives
// ErrSubMinorUnit (round it first); one too large for int64 gives
// ErrOutOfRange.
func (a Amount) MinorUnits() (int64, error) {
	units, err := a.minorUnitsBig()
	if err != nil {
		return 0, err
	}
	if !units.IsInt64() {
		return 0, fmt.Errorf("%w: %s", ErrOutOfRange, a)
	}
	return units.Int64(), nil
}

// minorUnitsBig returns a as an exact count of minor units.
func (a Amount) minorUnitsBig() (*big.Int, error) {
	if a.currency.IsZero() {
		return nil, fmt.Errorf("minor units of %s: %w", a.value, ErrUnknownCurrency)
	}
	if !a.IsRounded() {
		return nil, fmt.Errorf("%w: %s has more than %d fractional digits", ErrSubMinorUnit, a, a.currency.digits)
	}
	shift := int64(a.value.Exponent()) + int64(a.currency.digits)
	if shift >= 0 {
		return shiftLeft(a.value.Coefficient(), shift), nil
	}
	// Only trailing zeros lie beyond the minor unit.
	return new(big.Int).Quo(a.value.Coefficient(), pow10(-shift)), nil
}

// Sum returns the total of amounts, which must share one currency. An empty
// list gives ErrNoAmounts because its currency is unknown; see SumIn.
func Sum(amounts []Amount) (Amount, error) {
	if len(amounts) == 0 {
		return Amount{}, ErrNoAmounts
	}
	return sumFrom(amounts[0].currency, amounts)
}

// SumIn returns the total of amounts in the given currency: zero for an
// empty list, ErrCurrencyMismatch if any amount is in another currency.
func SumIn(currency string, amounts []Amount) (Amount, error) {
	c, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	return sumFrom(c, amounts)
}

func sumFrom(c Currency, amounts []Amount) (Amount, error) {
	total := Amount{value: decimal.Zero, currency: c}
	for i, a := range amounts {
		if a.currency != c {
			return Amount{}, fmt.Errorf("sum item %d: %w: cannot add %s to %s", i, ErrCurrencyMismatch, codeOrNone(a.currency), codeOrNone(c))
		}
		total.value = total.value.Add(a.value)
	}
	return total, nil
}

// DivDecimal returns x ÷ y rounded to places fractional digits with mode,
// computed exactly before the single rounding. A zero y gives
// ErrDivisionByZero; a quotient too large to compute (more than a few
// thousand digits) gives ErrOutOfRange.
func DivDecimal(x, y decimal.Decimal, places int32, mode RoundingMode) (decimal.Decimal, error) {
	if y.IsZero() {
		return decimal.Decimal{}, ErrDivisionByZero
	}
	places = min(max(places, -MaxPlaces), MaxPlaces)
	// x/y·10^places = a/b·10^s with s = ex - ey + places.
	s := int64(x.Exponent()) - int64(y.Exponent()) + int64(places)
	if s < 0 && int64(x.NumDigits())+1 <= -s {
		// |x/y·10^places| < 1/2: the result is 0 or one step from it.
		var step int64
		sign := x.Sign() * y.Sign()
		if sign != 0 && awayFromZero(sign, -1, false, mode) {
			step = int64(sign)
		}
		return decimal.New(step, -places), nil
	}
	if s > 4*MaxPlaces {
		return decimal.Decimal{}, fmt.Errorf("%w: %s / %s to %d places", ErrOutOfRange, x, y, places)
	}
	num, den := x.Coefficient(), y.Coefficient()
	if s >= 0 {
		num = shiftLeft(num, s)
	} else {
		den = shiftLeft(den, -s)
	}
	if den.Sign() < 0 {
		num.Neg(num)
		den.Neg(den)
	}
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	addStep(q, r, den, mode)
	return decimal.NewFromBigInt(q, -places), nil
}
