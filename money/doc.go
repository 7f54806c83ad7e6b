// Package money holds exact monetary amounts: a decimal value with an ISO 4217
// currency, minor units, rounding modes, conversion through rate tables,
// allocation that never loses a minor unit, and locale formatting.
//
// # Amounts
//
// An Amount is a decimal.Decimal (github.com/shopspring/decimal) in a
// Currency. No float64 is involved anywhere. Arithmetic keeps full
// precision (Mul is exact) until a rounding step names its precision and
// mode: Round to the currency's minor unit, RoundTo a number of places,
// RoundToIncrement for cash rounding, Div and DivDecimal with explicit
// places. Nothing depends on decimal's package-wide DivisionPrecision.
// Amounts in different currencies are never mixed: Add, Sub, Cmp and Sum
// return ErrCurrencyMismatch.
//
// # Currencies
//
// Every code of ISO 4217 list one is known with its minor unit as ISO
// gives it (EUR 2, JPY 0, KWD 3, CLF 4); ISO, not CLDR cash digits, is the
// authority. Unknown codes give ErrUnknownCurrency. The few codes ISO lists
// without a minor unit (XAU, XDR, XTS, XXX, ...) give ErrNoMinorUnit: every
// Amount has a minor unit.
//
// # Rounding
//
// RoundingMode's zero value is HalfEven (banker's rounding). HalfUp (ties
// away from zero), HalfDown, Down (toward zero), Up (away from zero),
// Ceiling and Floor are available, by constant or by catalog name through
// ParseRoundingMode. RoundDecimal and RoundDecimalToIncrement expose the
// same rules for plain decimals.
//
// # Conversion, allocation, formatting
//
// A RateTable converts at listed rates, their inverses, or cross rates
// through a base currency; derived rates are rounded once to an explicit
// precision so every conversion is amount × Rate, rounded. Allocate and
// Split spread an amount over weights by the largest-remainder method: the
// parts always add up to the whole. Format and FormatNumber follow the
// Unicode CLDR locale data (through github.com/bojanz/currency, which
// formats from decimal strings).
package money
