package pricing_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/money"
	"github.com/cpqkit/cpq/pricing"
)

func rates(t *testing.T, rs ...money.Rate) *money.RateTable {
	t.Helper()
	rt, err := money.NewRateTable(money.RateTableConfig{Rates: rs})
	require.NoError(t, err)
	return rt
}

const currencies = `
currency: USD
%s
products:
  - {sku: WIDGET, name: Widget}
  - {sku: GIZMO, name: Gizmo, pricing: {method: formula, formula: "40"}}
price_books:
  - id: usd
    currency: USD
    standard: true
    entries:
      - {product: WIDGET, price: 100}
  - id: gbp
    currency: GBP
    standard: true
    entries:
      - {product: WIDGET, price: 79}
price_rules:
  - {id: five_off, products: [WIDGET], actions: [{type: discount_amount, value: "5"}]}
`

func TestCurrencyPaths(t *testing.T) {
	usdEur := rates(t, money.Rate{From: "USD", To: "EUR", Value: d("0.9")}, money.Rate{From: "USD", To: "GBP", Value: d("0.8")})
	for _, tc := range []struct {
		name     string
		policy   string
		currency string
		widget   string
		gizmo    string
		steps    []string
	}{
		// The quote's currency has its own price book: 79 GBP, less 5.
		{"own price book", "", "GBP", "74.00 GBP", "32.00 GBP", []string{
			"list gbp 0.00 GBP → 79.00 GBP", "rule five_off 79.00 GBP → 74.00 GBP"}},
		// No EUR book: the USD list is converted at 0.9 (90 EUR), then the
		// rule takes 5 EUR off.
		{"converted at list", "convert_at: list", "EUR", "85.00 EUR", "36.00 EUR", []string{
			"list usd 0.00 USD → 100.00 USD", "conversion USD/EUR 100.00 USD → 90.00 EUR", "rule five_off 90.00 EUR → 85.00 EUR"}},
		// Converted at net: the rule takes 5 USD off, 95 USD is 85.50 EUR.
		{"converted at net", "convert_at: net", "EUR", "85.50 EUR", "36.00 EUR", []string{
			"list usd 0.00 USD → 100.00 USD", "rule five_off 100.00 USD → 95.00 USD", "conversion USD/EUR 95.00 USD → 85.50 EUR"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine(t, fmt.Sprintf(currencies, tc.policy), pricing.Options{Rates: usdEur})
			res := price(t, e, pricing.Request{Currency: tc.currency, Lines: []pricing.Line{{Product: "WIDGET", Quantity: qty(1)}, {Product: "GIZMO", Quantity: qty(1)}}})
			assert.Equal(t, tc.currency, res.Currency)
			assertAmount(t, tc.widget, res.Lines[0].Net)
			assert.Equal(t, tc.steps, steps(res.Lines[0]))
			// The formula price is in the catalog currency (40 USD) and is
			// converted to the book's or quote's currency: 32 GBP, 36 EUR.
			assertAmount(t, tc.gizmo, res.Lines[1].Net)
			assertAmount(t, "0.00 "+tc.currency, res.Totals.Rounding)
		})
	}
	e := engine(t, fmt.Sprintf(currencies, ""))
	_, err := tryPrice(e, pricing.Request{Currency: "EUR", Lines: []pricing.Line{{Product: "WIDGET", Quantity: qty(1)}}})
	require.ErrorIs(t, err, pricing.ErrNoRates)
	// A rate table without the pair names it.
	_, err = tryPrice(e, pricing.Request{Currency: "JPY", Rates: usdEur, Lines: []pricing.Line{{Product: "WIDGET", Quantity: qty(1)}}})
	require.ErrorIs(t, err, money.ErrMissingRate)
}

// TestRoundingModes prices 3 units at 1.005 (and one at 2.0025) in every
// rounding mode at each place the catalog may round.
func TestRoundingModes(t *testing.T) {
	for _, tc := range []struct {
		policy string
		lines  []string
		net    string
		adjust string
	}{
		// Unit price 1.005 → 1.00 (ties to even), × 3; 2.0025 → 2.00.
		{"{mode: half_even, at: unit_price}", []string{"3.00 EUR", "2.00 EUR"}, "5.00 EUR", "0.00 EUR"},
		{"{mode: half_up, at: unit_price}", []string{"3.03 EUR", "2.00 EUR"}, "5.03 EUR", "0.00 EUR"},
		{"{mode: down, at: unit_price}", []string{"3.00 EUR", "2.00 EUR"}, "5.00 EUR", "0.00 EUR"},
		{"{mode: up, at: unit_price}", []string{"3.03 EUR", "2.01 EUR"}, "5.04 EUR", "0.00 EUR"},
		{"{mode: ceiling, at: unit_price}", []string{"3.03 EUR", "2.01 EUR"}, "5.04 EUR", "0.00 EUR"},
		{"{mode: floor, at: unit_price}", []string{"3.00 EUR", "2.00 EUR"}, "5.00 EUR", "0.00 EUR"},
		// Line totals 3.015 → 3.02 (even), 2.0025 → 2.00.
		{"{mode: half_even, at: line_total}", []string{"3.02 EUR", "2.00 EUR"}, "5.02 EUR", "0.00 EUR"},
		{"{mode: down, at: line_total}", []string{"3.01 EUR", "2.00 EUR"}, "5.01 EUR", "0.00 EUR"},
		{"{mode: up, at: line_total}", []string{"3.02 EUR", "2.01 EUR"}, "5.03 EUR", "0.00 EUR"},
		// Only the grand total: 3.015 + 2.0025 = 5.0175 → 5.02; the
		// lines stay exact and the difference is shown.
		{"{mode: half_even, at: grand_total}", []string{"3.015 EUR", "2.0025 EUR"}, "5.02 EUR", "0.0025 EUR"},
		{"{mode: floor, at: grand_total}", []string{"3.015 EUR", "2.0025 EUR"}, "5.01 EUR", "-0.0075 EUR"},
		// Cash rounding of the grand total to 0.05: 5.0175 → 5.00.
		{"{mode: half_even, at: grand_total, increment: 0.05}", []string{"3.015 EUR", "2.0025 EUR"}, "5.00 EUR", "-0.0175 EUR"},
		// Unit prices to a multiple of 0.10, half up: 1.005 → 1.00, 2.0025 → 2.00.
		{"{mode: half_up, at: unit_price, increment: 0.1}", []string{"3.00 EUR", "2.00 EUR"}, "5.00 EUR", "0.00 EUR"},
		// Line totals to a multiple of 1, up: 3.015 → 4, 2.0025 → 3.
		{"{mode: up, at: line_total, increment: 1}", []string{"4.00 EUR", "3.00 EUR"}, "7.00 EUR", "0.00 EUR"},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			e := engine(t, `
currency: EUR
rounding: `+tc.policy+`
products:
  - {sku: A, name: A}
  - {sku: B, name: B}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: A, price: 1.005}
      - {product: B, price: 2.0025}
`)
			res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "A", Quantity: qty(3)}, {Product: "B", Quantity: qty(1)}}})
			assert.Equal(t, tc.lines, []string{res.Lines[0].Net.String(), res.Lines[1].Net.String()})
			assertAmount(t, tc.net, res.Totals.Net)
			assertAmount(t, tc.adjust, res.Totals.Rounding)
			// The total is always the sum of the shown lines and the shown
			// rounding adjustment.
			sum := res.Lines[0].Net.Value().Add(res.Lines[1].Net.Value()).Add(res.Totals.Rounding.Value())
			assert.True(t, sum.Equal(res.Totals.Net.Value()))
		})
	}
}

// TestZeroDigitCurrency: yen have no minor unit: 1234.5 JPY rounds to 1234
// (half-even) a unit.
func TestZeroDigitCurrency(t *testing.T) {
	e := engine(t, `
currency: JPY
products:
  - {sku: A, name: A}
price_books:
  - id: jpy
    currency: JPY
    standard: true
    entries:
      - {product: A, price: 1234.5}
`)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "A", Quantity: qty(2)}}})
	assertAmount(t, "2468 JPY", res.Lines[0].Net)
}
