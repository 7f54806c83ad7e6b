// Package money holds exact monetary amounts: a decimal value with an ISO 4217
// currency, minor units, rounding modes, conversion through rate tables,
// allocation that never loses a minor unit, and locale formatting.
package money
