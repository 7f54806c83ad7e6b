package money

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expected rates were computed independently with 50-digit decimal
// arithmetic and rounded half-even to 10 places.
func newTestRates(t *testing.T, cfg RateTableConfig) *RateTable {
	t.Helper()
	if cfg.Rates == nil {
		cfg.Rates = []Rate{
			{From: "EUR", To: "USD", Value: dec("1.0823")},
			{From: "EUR", To: "JPY", Value: dec("162.35")},
			{From: "EUR", To: "GBP", Value: dec("0.8412")},
			{From: "EUR", To: "KWD", Value: dec("0.3321")},
			{From: "EUR", To: "CHF", Value: dec("1.5")},
		}
	}
	rt, err := NewRateTable(cfg)
	require.NoError(t, err)
	return rt
}

func TestRateTableRates(t *testing.T) {
	rt := newTestRates(t, RateTableConfig{Base: "EUR"})
	tests := []struct{ from, to, want string }{
		{"EUR", "USD", "1.0823"},         // listed
		{"USD", "EUR", "0.9239582371"},   // 1 / 1.0823
		{"USD", "JPY", "150.0046197912"}, // 162.35 / 1.0823, one rounding
		{"GBP", "USD", "1.2866143604"},   // 1.0823 / 0.8412
		{"EUR", "EUR", "1"},
		{"jpy", "jpy", "1"},
	}
	for _, tc := range tests {
		got, err := rt.Rate(tc.from, tc.to)
		require.NoError(t, err, "%s→%s", tc.from, tc.to)
		assert.Equal(t, tc.want, got.String(), "%s→%s", tc.from, tc.to)
	}
	_, err := rt.Rate("ZZZ", "EUR")
	require.ErrorIs(t, err, ErrUnknownCurrency)
	_, err = rt.Rate("EUR", "ZZZ")
	require.ErrorIs(t, err, ErrUnknownCurrency)
}

func TestRateTablePlaces(t *testing.T) {
	rt := newTestRates(t, RateTableConfig{Base: "EUR", Places: 4})
	r, err := rt.Rate("GBP", "USD")
	require.NoError(t, err)
	assert.Equal(t, "1.2866", r.String())
	got, err := rt.Convert(MustParse("1.23", "GBP"), "USD", HalfEven)
	require.NoError(t, err)
	assert.Equal(t, "1.58 USD", got.String(), "1.23 × 1.2866 = 1.582518")

	down := newTestRates(t, RateTableConfig{Places: 4, Mode: Down})
	r, err = down.Rate("USD", "EUR")
	require.NoError(t, err)
	assert.Equal(t, "0.9239", r.String(), "1/1.0823 = 0.92395..., truncated")
}

func TestConvert(t *testing.T) {
	rt := newTestRates(t, RateTableConfig{Base: "EUR"})
	tests := []struct {
		amount, code, to string
		mode             RoundingMode
		want             string
	}{
		{"100", "EUR", "USD", HalfEven, "108.23 USD"},
		{"100", "USD", "EUR", HalfEven, "92.40 EUR"},             // 92.39582371
		{"1000", "USD", "JPY", HalfEven, "150005 JPY"},           // 150004.6197912
		{"1000", "USD", "JPY", Down, "150004 JPY"},               // truncated
		{"10", "EUR", "KWD", HalfEven, "3.321 KWD"},              // three-digit minor unit
		{"10.01", "EUR", "KWD", HalfEven, "3.324 KWD"},           // 3.324321
		{"10.01", "EUR", "CHF", HalfEven, "15.02 CHF"},           // 15.015, tie
		{"10.01", "EUR", "CHF", HalfDown, "15.01 CHF"},           // 15.015, tie
		{"-10.01", "EUR", "CHF", Floor, "-15.02 CHF"},            // -15.015
		{"-10.01", "EUR", "CHF", Ceiling, "-15.01 CHF"},          // -15.015
		{"12.345", "EUR", "EUR", HalfEven, "12.34 EUR"},          // same currency: only rounded
		{"5000", "JPY", "EUR", HalfEven, "30.80 EUR"},            // 5000 × 0.0061595319 = 30.7976595
		{"5000", "JPY", "GBP", HalfEven, "25.91 GBP"},            // 5000 × 0.0051813982 = 25.906991
		{"0.004", "EUR", "USD", HalfEven, "0.00 USD"},            // 0.0043292
		{"123456789012", "EUR", "JPY", Up, "20043209696099 JPY"}, // 20043209696098.20
	}
	for _, tc := range tests {
		got, err := rt.Convert(MustParse(tc.amount, tc.code), tc.to, tc.mode)
		require.NoError(t, err, "%s %s → %s", tc.amount, tc.code, tc.to)
		assert.Equal(t, tc.want, got.String(), "%s %s → %s %s", tc.amount, tc.code, tc.to, tc.mode)
	}
}

func TestConvertPrefersListedRateOverInverse(t *testing.T) {
	rt := newTestRates(t, RateTableConfig{Rates: []Rate{
		{From: "EUR", To: "USD", Value: dec("1.0823")},
		{From: "USD", To: "EUR", Value: dec("0.9240")},
	}})
	r, err := rt.Rate("USD", "EUR")
	require.NoError(t, err)
	assert.Equal(t, "0.924", r.String())
}

func TestConvertMissingRate(t *testing.T) {
	rt := newTestRates(t, RateTableConfig{}) // no base: no cross rates
	_, err := rt.Convert(MustParse("100", "JPY"), "CHF", HalfEven)
	require.ErrorIs(t, err, ErrMissingRate)
	var missing *MissingRateError
	require.True(t, errors.As(err, &missing))
	assert.Equal(t, MissingRateError{From: "JPY", To: "CHF"}, *missing)
	assert.EqualError(t, err, "convert 100 JPY: no exchange rate from JPY to CHF")

	withBase := newTestRates(t, RateTableConfig{Base: "EUR"})
	_, err = withBase.Convert(MustParse("1", "SEK"), "USD", HalfEven)
	assert.EqualError(t, err, "convert 1.00 SEK: no exchange rate from SEK to USD")

	_, err = rt.Convert(MustParse("1", "EUR"), "ZZZ", HalfEven)
	require.ErrorIs(t, err, ErrUnknownCurrency)
	_, err = rt.Convert(Amount{}, "EUR", HalfEven)
	require.ErrorIs(t, err, ErrUnknownCurrency)
}

func TestNewRateTableErrors(t *testing.T) {
	one := decimal.NewFromInt(1)
	tests := []struct {
		name string
		cfg  RateTableConfig
		want error
		msg  string
	}{
		{"zero rate", RateTableConfig{Rates: []Rate{{"EUR", "USD", decimal.Zero}}}, ErrInvalidRate, "invalid exchange rate: EUR to USD is 0, want a positive number"},
		{"negative rate", RateTableConfig{Rates: []Rate{{"EUR", "USD", dec("-1.1")}}}, ErrInvalidRate, "invalid exchange rate: EUR to USD is -1.1, want a positive number"},
		{"self rate", RateTableConfig{Rates: []Rate{{"EUR", "EUR", dec("2")}}}, ErrInvalidRate, "invalid exchange rate: EUR to itself is 2, want 1"},
		{"duplicate", RateTableConfig{Rates: []Rate{{"EUR", "USD", one}, {"eur", "USD", one}}}, ErrInvalidRate, "invalid exchange rate: EUR to USD is listed twice"},
		{"unknown from", RateTableConfig{Rates: []Rate{{"ZZZ", "USD", one}}}, ErrUnknownCurrency, `rate 0: unknown currency "ZZZ"`},
		{"unknown to", RateTableConfig{Rates: []Rate{{"EUR", "XAU", one}}}, ErrNoMinorUnit, "rate 0: currency has no minor unit: XAU is an ISO 4217 code without a minor unit"},
		{"unknown base", RateTableConfig{Base: "ABC"}, ErrUnknownCurrency, `rate table base: unknown currency "ABC"`},
		{"negative places", RateTableConfig{Places: -1}, ErrInvalidRate, "invalid exchange rate: negative places -1 for derived rates"},
		{"bad mode", RateTableConfig{Mode: RoundingMode(77)}, ErrUnknownRoundingMode, "rate table: unknown rounding mode: 77"},
	}
	for _, tc := range tests {
		_, err := NewRateTable(tc.cfg)
		require.ErrorIs(t, err, tc.want, tc.name)
		assert.EqualError(t, err, tc.msg, tc.name)
	}
	_, err := NewRateTable(RateTableConfig{Rates: []Rate{{"EUR", "EUR", dec("1.00")}}})
	require.NoError(t, err, "a currency to itself at 1 is harmless")
}

func TestDerivedRateRoundingToZero(t *testing.T) {
	rt, err := NewRateTable(RateTableConfig{Places: 2, Rates: []Rate{{"EUR", "IRR", dec("45000")}}})
	require.NoError(t, err)
	_, err = rt.Rate("IRR", "EUR")
	require.ErrorIs(t, err, ErrInvalidRate)
}

func TestConvertAt(t *testing.T) {
	got := ConvertAt(MustParse("250", "USD"), MustCurrency("KWD"), dec("0.30712"), HalfEven)
	assert.Equal(t, "76.780 KWD", got.String())
}
