package money

import (
	"errors"
	"fmt"
	"sync"

	"github.com/bojanz/currency"
	"github.com/shopspring/decimal"
)

// ErrInvalidLocale is returned for a locale that is not a well-formed
// language tag such as "en-US", "de-DE", "fr", "zh-Hans-CN" or "es-419".
var ErrInvalidLocale = errors.New("invalid locale")

// Format returns a formatted for display in the locale by the Unicode
// CLDR rules: symbol, its position and spacing, grouping and decimal
// separators, minus sign and native digits. For example 1234567.89 is
// "$1,234,567.89" in USD for en-US, "1.234.567,89 €" in EUR for de-DE,
// "1 234 567,89 €" in EUR for fr-FR (narrow no-break space U+202F between
// groups, no-break space U+00A0 before the symbol), "¥1,234,567.89" in CNY
// for zh-CN and "￥1,234,567" in JPY for ja-JP.
//
// The value is never rounded: it shows at least the currency's minor-unit
// digits and every further non-zero digit it has. Round the amount first
// to show it at its minor unit. A well-formed locale without CLDR data of
// its own is formatted as its CLDR parent, ultimately English.
func Format(a Amount, locale string) (string, error) {
	if a.currency.IsZero() {
		return "", fmt.Errorf("format %s: %w", a.value, ErrUnknownCurrency)
	}
	f, err := formatterFor(locale)
	if err != nil {
		return "", err
	}
	digits := uint8(min(max(a.currency.digits, fractionDigits(a.value)), 255-1))
	// StringFixed, unlike String, ignores decimal's package-wide settings.
	amount, err := currency.NewAmount(a.value.StringFixed(int32(digits)), a.currency.code)
	if err != nil {
		return "", fmt.Errorf("format %s: %w", a, err)
	}
	g := *f.currency
	g.MinDigits, g.MaxDigits = digits, digits
	return g.Format(amount), nil
}

// FormatNumber returns d as a plain number in the locale's CLDR style, with
// exactly places fractional digits (rounded half-even when d has more) and
// the locale's grouping, decimal separator and minus sign: 1234567.891 with
// 2 places is "1,234,567.89" in en-US, "1.234.567,89" in de-DE and
// "1 234 567,89" (U+202F between groups) in fr-FR. A negative places is
// treated as 0.
func FormatNumber(d decimal.Decimal, places int32, locale string) (string, error) {
	f, err := formatterFor(locale)
	if err != nil {
		return "", err
	}
	places = min(max(places, 0), 255-1)
	rounded := RoundDecimal(d, places, HalfEven)
	// The currency is only a carrier: the formatter is told to show none.
	amount, err := currency.NewAmount(rounded.StringFixed(places), "USD")
	if err != nil {
		return "", fmt.Errorf("format number %s: %w", d, err)
	}
	g := *f.number
	g.MinDigits, g.MaxDigits = uint8(places), uint8(places)
	return g.Format(amount), nil
}

// localeFormatters holds the CLDR formatters of one locale. They are never
// modified after creation; each call formats with a copy.
type localeFormatters struct {
	currency *currency.Formatter
	number   *currency.Formatter
}

var formatters sync.Map // locale string → *localeFormatters

func formatterFor(locale string) (*localeFormatters, error) {
	if f, ok := formatters.Load(locale); ok {
		return f.(*localeFormatters), nil
	}
	if !wellFormedLocale(locale) {
		return nil, fmt.Errorf("%w %q", ErrInvalidLocale, locale)
	}
	l := currency.NewLocale(locale)
	f := &localeFormatters{
		currency: currency.NewFormatter(l),
		number:   currency.NewFormatter(l),
	}
	f.currency.RoundingMode = currency.RoundHalfEven
	f.number.RoundingMode = currency.RoundHalfEven
	f.number.CurrencyDisplay = currency.DisplayNone
	actual, _ := formatters.LoadOrStore(locale, f)
	return actual.(*localeFormatters), nil
}

// wellFormedLocale reports whether s is language[-Script][-REGION] with a
// two- or three-letter language, a four-letter script and a two-letter or
// three-digit region; "_" may stand for "-".
func wellFormedLocale(s string) bool {
	parts := splitLocale(s)
	if len(parts) == 0 || len(parts) > 3 {
		return false
	}
	if n := len(parts[0]); (n != 2 && n != 3) || !allLetters(parts[0]) {
		return false
	}
	rest := parts[1:]
	if len(rest) > 0 && len(rest[0]) == 4 && allLetters(rest[0]) {
		rest = rest[1:]
	}
	switch len(rest) {
	case 0:
		return true
	case 1:
		r := rest[0]
		return (len(r) == 2 && allLetters(r)) || (len(r) == 3 && allDigits(r))
	}
	return false
}

func splitLocale(s string) []string {
	var parts []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '-' || s[i] == '_' {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return parts
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
