package money

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// ErrUnknownCurrency is returned for a code that is not in ISO 4217 list one.
var ErrUnknownCurrency = errors.New("unknown currency")

// ErrNoMinorUnit is returned for an ISO 4217 code that has no minor unit
// ("N.A." in the standard: precious metals such as XAU, bond market units,
// XDR, XTS, XXX). An Amount always has a minor unit, so these codes cannot
// carry one.
var ErrNoMinorUnit = errors.New("currency has no minor unit")

// noMinorUnit marks table entries whose ISO 4217 minor unit is "N.A.".
const noMinorUnit = -1

type currencyInfo struct {
	numeric uint16
	digits  int8
}

// Currency is an ISO 4217 currency: its alphabetic code and the number of
// digits of its minor unit (2 for EUR, 0 for JPY, 3 for KWD, 4 for CLF).
// Obtain one with LookupCurrency or MustCurrency. The zero Currency is no
// currency; Currency values compare with ==.
type Currency struct {
	code   string
	digits int32
}

// LookupCurrency returns the currency with the given alphabetic code. Codes
// are upper-cased first, so "eur" finds EUR. A code outside ISO 4217 gives
// ErrUnknownCurrency; a code whose minor unit ISO 4217 does not define gives
// ErrNoMinorUnit.
func LookupCurrency(code string) (Currency, error) {
	upper := upperASCII3(code)
	info, ok := iso4217[upper]
	switch {
	case !ok:
		return Currency{}, fmt.Errorf("%w %q", ErrUnknownCurrency, code)
	case info.digits == noMinorUnit:
		return Currency{}, fmt.Errorf("%w: %s is an ISO 4217 code without a minor unit", ErrNoMinorUnit, upper)
	}
	return Currency{code: upper, digits: int32(info.digits)}, nil
}

// MustCurrency is LookupCurrency that panics on error, for package-level
// variables and tests.
func MustCurrency(code string) Currency {
	c, err := LookupCurrency(code)
	if err != nil {
		panic(err)
	}
	return c
}

// Currencies returns the codes of every currency an Amount can carry (every
// ISO 4217 list one code with a defined minor unit), sorted.
func Currencies() []string {
	codes := make([]string, 0, len(iso4217))
	for code, info := range iso4217 {
		if info.digits != noMinorUnit {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	return codes
}

// Code returns the ISO 4217 alphabetic code, such as "EUR".
func (c Currency) Code() string { return c.code }

// String returns the alphabetic code.
func (c Currency) String() string { return c.code }

// Digits returns the number of digits of the minor unit as ISO 4217 gives
// it: 2 for EUR (cents), 0 for JPY, 3 for KWD, 4 for CLF.
func (c Currency) Digits() int32 { return c.digits }

// NumericCode returns the three-digit ISO 4217 numeric code, such as "978"
// for EUR, or "" for the zero Currency.
func (c Currency) NumericCode() string {
	info, ok := iso4217[c.code]
	if !ok {
		return ""
	}
	s := strconv.Itoa(int(info.numeric))
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

// IsZero reports whether c is the zero Currency (no currency).
func (c Currency) IsZero() bool { return c.code == "" }

// upperASCII3 upper-cases a three-letter code without allocating when it is
// already upper case.
func upperASCII3(code string) string {
	if len(code) != 3 {
		return code
	}
	lower := false
	for i := range 3 {
		if code[i] >= 'a' && code[i] <= 'z' {
			lower = true
		}
	}
	if !lower {
		return code
	}
	b := []byte(code)
	for i := range b {
		if b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}
