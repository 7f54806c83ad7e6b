package money

import (
	"testing"

	bojanz "github.com/bojanz/currency"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCurrencyDigitsSpotChecks(t *testing.T) {
	// ISO 4217 list one minor units.
	tests := []struct {
		code    string
		digits  int32
		numeric string
	}{
		{"EUR", 2, "978"},
		{"USD", 2, "840"},
		{"CNY", 2, "156"},
		{"JPY", 0, "392"},
		{"KRW", 0, "410"},
		{"ISK", 0, "352"},
		{"CLP", 0, "152"},
		{"XOF", 0, "952"},
		{"KWD", 3, "414"},
		{"BHD", 3, "048"},
		{"IQD", 3, "368"},
		{"TND", 3, "788"},
		{"CLF", 4, "990"},
		{"UYW", 4, "927"},
		{"ALL", 2, "008"},
		{"MGA", 2, "969"},
		{"XCG", 2, "532"},
		{"ZWG", 2, "924"},
	}
	for _, tc := range tests {
		c, err := LookupCurrency(tc.code)
		require.NoError(t, err, tc.code)
		assert.Equal(t, tc.digits, c.Digits(), tc.code)
		assert.Equal(t, tc.code, c.Code())
		assert.Equal(t, tc.code, c.String())
		assert.Equal(t, tc.numeric, c.NumericCode(), tc.code)
	}
}

func TestLookupCurrencyErrors(t *testing.T) {
	for _, code := range []string{"", "ZZZ", "EURO", "EU", "HRK", "DEM", "€"} {
		_, err := LookupCurrency(code)
		require.ErrorIs(t, err, ErrUnknownCurrency, code)
		assert.Contains(t, err.Error(), `"`+code+`"`)
	}
	for _, code := range []string{"XAU", "XAG", "XDR", "XTS", "XXX"} {
		_, err := LookupCurrency(code)
		require.ErrorIs(t, err, ErrNoMinorUnit, code)
		assert.NotErrorIs(t, err, ErrUnknownCurrency)
		assert.Contains(t, err.Error(), code)
	}
	c, err := LookupCurrency("eur")
	require.NoError(t, err)
	assert.Equal(t, MustCurrency("EUR"), c)
	assert.Panics(t, func() { MustCurrency("ZZZ") })
}

// TestTableAgreesWithCLDRLibrary cross-checks our ISO 4217 table against the
// independently maintained one in github.com/bojanz/currency, which is
// generated from the ISO list one file.
func TestTableAgreesWithCLDRLibrary(t *testing.T) {
	ours := Currencies()
	theirs := bojanz.GetCurrencyCodes()
	assert.ElementsMatch(t, theirs, ours)
	for _, code := range theirs {
		want, _ := bojanz.GetDigits(code)
		c, err := LookupCurrency(code)
		require.NoError(t, err, code)
		assert.Equal(t, int32(want), c.Digits(), code)
		num, _ := bojanz.GetNumericCode(code)
		assert.Equal(t, num, c.NumericCode(), code)
	}
}

func TestZeroCurrency(t *testing.T) {
	var c Currency
	assert.True(t, c.IsZero())
	assert.Equal(t, "", c.NumericCode())
	assert.False(t, MustCurrency("EUR").IsZero())
}
