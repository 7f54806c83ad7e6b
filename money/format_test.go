package money

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// Expected strings follow the Unicode CLDR locale data. \u00a0 is the
// no-break space, \u202f the narrow no-break space (French grouping),
// \uffe5 the fullwidth yen sign CLDR gives ja for JPY, \u00a5 the yen/yuan
// sign zh gives for CNY.
var formatCases = []struct {
	locale, value, code, want string
}{
	{"en-US", "1234567.89", "USD", "$1,234,567.89"},
	{"en-US", "-1234567.89", "USD", "-$1,234,567.89"},
	{"en-US", "1234.5", "EUR", "€1,234.50"},
	{"en-US", "1234", "JPY", "¥1,234"},
	{"en-US", "1234.567", "KWD", "KWD\u00a01,234.567"},
	{"en-US", "0", "USD", "$0.00"},
	{"en-US", "0.125", "USD", "$0.125"}, // never rounded
	{"en-US", "999", "USD", "$999.00"},
	{"de-DE", "1234567.89", "EUR", "1.234.567,89\u00a0€"},
	{"de-DE", "-1234567.89", "EUR", "-1.234.567,89\u00a0€"},
	{"de-DE", "1234.5", "USD", "1.234,50\u00a0$"},
	{"de-DE", "0.5", "EUR", "0,50\u00a0€"},
	{"fr-FR", "1234567.89", "EUR", "1\u202f234\u202f567,89\u00a0€"},
	{"fr-FR", "-1234567.89", "EUR", "-1\u202f234\u202f567,89\u00a0€"},
	{"fr-FR", "1234.5", "USD", "1\u202f234,50\u00a0$US"},
	{"zh-CN", "1234567.89", "CNY", "\u00a51,234,567.89"},
	{"zh-CN", "-1234567.89", "CNY", "-\u00a51,234,567.89"},
	{"zh-CN", "1234.5", "USD", "US$1,234.50"},
	{"ja-JP", "1234567", "JPY", "\uffe51,234,567"},
	{"ja-JP", "-1234567", "JPY", "-\uffe51,234,567"},
	{"ja-JP", "1234.5", "USD", "$1,234.50"},
	{"en-IN", "1234567.5", "INR", "₹12,34,567.50"},
	{"de_DE", "1", "EUR", "1,00\u00a0€"},
	{"ja", "5", "JPY", "\uffe55"},
}

func TestFormat(t *testing.T) {
	for _, tc := range formatCases {
		got, err := Format(MustParse(tc.value, tc.code), tc.locale)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s %s %s: %+q", tc.locale, tc.value, tc.code, got)
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		locale, value string
		places        int32
		want          string
	}{
		{"en-US", "1234567.891", 2, "1,234,567.89"},
		{"en-US", "-1234567.891", 2, "-1,234,567.89"},
		{"de-DE", "1234567.891", 2, "1.234.567,89"},
		{"de-DE", "-1234567.891", 2, "-1.234.567,89"},
		{"fr-FR", "1234567.891", 2, "1\u202f234\u202f567,89"},
		{"zh-CN", "1234567.891", 2, "1,234,567.89"},
		{"ja-JP", "1234567.891", 2, "1,234,567.89"},
		{"en-US", "2.5", 0, "2"}, // half-even
		{"en-US", "3.5", 0, "4"},
		{"en-US", "1.5", 3, "1.500"},
		{"en-US", "12", -1, "12"},
		{"de-DE", "0.125", 2, "0,12"},
		{"es-ES", "1234", 0, "1234"}, // Spanish groups from five digits
		{"es-ES", "12345", 0, "12.345"},
	}
	for _, tc := range tests {
		got, err := FormatNumber(dec(tc.value), tc.places, tc.locale)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s %s %d: %+q", tc.locale, tc.value, tc.places, got)
	}
}

func TestFormatErrors(t *testing.T) {
	for _, bad := range []string{"", "english", "en-", "123", "e", "en-US-POSIX-x", "de DE", "en-USA1"} {
		_, err := Format(MustParse("1", "EUR"), bad)
		require.ErrorIs(t, err, ErrInvalidLocale, "%q", bad)
		_, err = FormatNumber(dec("1"), 0, bad)
		require.ErrorIs(t, err, ErrInvalidLocale, "%q", bad)
	}
	_, err := Format(Amount{}, "en-US")
	require.ErrorIs(t, err, ErrUnknownCurrency)
	for _, ok := range []string{"en", "zh-Hans-CN", "es-419", "sr_Latn_RS"} {
		_, err := Format(MustParse("1", "EUR"), ok)
		require.NoError(t, err, ok)
	}
}

// TestFormatGolden formats a sample amount in every currency for each
// locale and compares with testdata/format.golden (regenerate with
// go test -run TestFormatGolden -update). The hand-checked cases are in
// TestFormat; this guards the rest against regressions.
func TestFormatGolden(t *testing.T) {
	var buf bytes.Buffer
	for _, locale := range []string{"en-US", "de-DE", "fr-FR", "zh-CN", "ja-JP"} {
		for _, code := range Currencies() {
			c := MustCurrency(code)
			a := c.Amount(dec("-1234567.891")).Round(HalfEven)
			s, err := Format(a, locale)
			require.NoError(t, err)
			fmt.Fprintf(&buf, "%s\t%s\t%s\t%+q\n", locale, a, s, s)
		}
	}
	path := filepath.Join("testdata", "format.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String())
}

func FuzzFormatNumber(f *testing.F) {
	f.Add("1234567.891", int8(2), "fr-FR")
	f.Add("-0.5", int8(0), "de")
	f.Fuzz(func(t *testing.T, value string, places int8, locale string) {
		d, err := parseDecimal(value)
		if err != nil || abs32(d.Exponent()) > 50 {
			return
		}
		s, err := FormatNumber(d, int32(places), locale)
		if err != nil {
			return
		}
		if s == "" {
			t.Fatalf("FormatNumber(%s, %d, %q) is empty", value, places, locale)
		}
	})
}

func TestFormatConcurrent(t *testing.T) {
	done := make(chan string, 8)
	for i := range 8 {
		go func() {
			locale := []string{"en-US", "de-DE", "fr-FR", "zh-CN"}[i%4]
			var last string
			for range 50 {
				last, _ = Format(MustParse("1234.5", "EUR"), locale)
			}
			done <- locale + " " + last
		}()
	}
	got := map[string]bool{}
	for range 8 {
		got[<-done] = true
	}
	assert.Equal(t, map[string]bool{
		"en-US €1,234.50":            true,
		"de-DE 1.234,50\u00a0€":      true,
		"fr-FR 1\u202f234,50\u00a0€": true,
		"zh-CN €1,234.50":            true,
	}, got)
}
