package pricing_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/pricing"
)

const chairs = `
currency: EUR
products:
  - sku: CHAIR
    name: Office chair
    category: seating
    kind: configurable
    attributes:
      - {id: colour, type: enum, values: [black, red], default: black}
      - {id: width, type: decimal, min: 40, max: 100, default: "50"}
      - {id: armrests, type: boolean, default: "false"}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - product: CHAIR
        price: 120
        surcharges:
          - {id: red, when: {colour: red}, amount: 15}
          - {id: wide, formula: "width > 60 ? (width - 60) * 0.5 : 0"}
          - {id: arms, if: armrests, amount: 22}
`

// TestListPriceAndSurcharges: 3 red chairs 70 cm wide with armrests cost
// 120 + 15 (red) + (70 − 60) × 0.5 = 5 (wide) + 22 (arms) = 162 each,
// 486.00 for the line; each surcharge is a step of its own, the zero one
// (wide, for a narrow chair) none.
func TestListPriceAndSurcharges(t *testing.T) {
	e := engine(t, chairs)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{
		{Product: "CHAIR", Quantity: qty(3), Values: map[string]string{"colour": "red", "width": "70", "armrests": "true"}},
		{Product: "CHAIR", Quantity: qty(2)},
	}})
	l := res.Lines[0]
	assert.Equal(t, []string{
		"list eur 0.00 EUR → 360.00 EUR",
		"surcharge red 360.00 EUR → 405.00 EUR",
		"surcharge wide 405.00 EUR → 420.00 EUR",
		"surcharge arms 420.00 EUR → 486.00 EUR",
	}, steps(l))
	assert.Equal(t, "surcharge red (colour = red): +15 per unit", l.Steps[1].Reason)
	assertAmount(t, "486.00 EUR", l.Net)
	assertAmount(t, "486.00 EUR", l.List, "surcharges are part of the list amount")
	assertAmount(t, "162.00 EUR", l.UnitNet)
	assert.Equal(t, "7", l.Steps[0].Version)
	// The defaults: black, 50 cm, no armrests: the list price alone.
	assert.Equal(t, []string{"list eur 0.00 EUR → 240.00 EUR"}, steps(res.Lines[1]))
	assertAmount(t, "726.00 EUR", res.Totals.Net)
}

func TestBadConfigurationIsRefused(t *testing.T) {
	e := engine(t, chairs)
	for _, tc := range []struct {
		values map[string]string
		msg    string
	}{
		{map[string]string{"colour": "blue"}, `"blue" is not a value of attribute "colour"`},
		{map[string]string{"colur": "red"}, `product "CHAIR" has no attribute or option "colur"; did you mean "colour"?`},
		{map[string]string{"width": "120"}, `120 is outside the range of attribute "width"`},
		{map[string]string{"armrests": "yes"}, `attribute "armrests" takes true or false, not "yes"`},
	} {
		_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "CHAIR", Quantity: qty(1), Values: tc.values}}})
		require.ErrorIs(t, err, pricing.ErrInvalidRequest)
		assert.Contains(t, err.Error(), tc.msg)
		var le *pricing.LineError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "1", le.Line)
	}
	_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "CHAIRS", Quantity: qty(1)}}})
	assert.ErrorContains(t, err, `unknown product "CHAIRS"; did you mean "CHAIR"?`)
	_, err = tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "CHAIR", Quantity: qty(0)}}})
	assert.ErrorContains(t, err, "quantity 0 is not above zero")
	_, err = tryPrice(e, pricing.Request{Lines: []pricing.Line{{ID: "a", Product: "CHAIR", Quantity: qty(1)}, {ID: "a", Product: "CHAIR", Quantity: qty(1)}}})
	assert.ErrorContains(t, err, `line ID "a" is used twice`)
}

const packs = `
currency: EUR
products:
  - {sku: PACK, name: Support hours, pricing: {method: block}}
  - {sku: CAPPED, name: Capped pack, pricing: {method: block}}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - product: PACK
        blocks:
          - {from: 1, to: 10, price: 100}
          - {from: 11, to: 25, price: 180}
        overage: 6
      - product: CAPPED
        blocks:
          - {from: 1, to: 10, price: 100}
`

// TestBlockPricing: a block is one price for the whole line (priced
// quantity 1); beyond the last block each unit costs the overage rate.
func TestBlockPricing(t *testing.T) {
	e := engine(t, packs)
	for _, tc := range []struct {
		qty  int64
		want string
	}{
		{1, "100.00 EUR"}, {7, "100.00 EUR"}, {10, "100.00 EUR"}, {11, "180.00 EUR"}, {25, "180.00 EUR"},
		{30, "210.00 EUR"}, // 180 + (30 − 25) × 6
	} {
		res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "PACK", Quantity: qty(tc.qty)}}})
		l := res.Lines[0]
		assertAmount(t, tc.want, l.Net, "quantity %d", tc.qty)
		assert.Equal(t, "1", l.PricedQuantity.String())
		assertAmount(t, tc.want, l.UnitNet)
	}
	_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "CAPPED", Quantity: qty(11)}}})
	require.ErrorIs(t, err, pricing.ErrNoPrice)
	assert.ErrorContains(t, err, "beyond the last block")
	_, err = tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "PACK", Quantity: d("0.5")}}})
	assert.ErrorContains(t, err, "below the first block")
}

const moulding = `
currency: EUR
rounding: {mode: half_even, at: unit_price}
tables:
  - id: resin
    keys: [string]
    rows:
      - [ABS, "2.40"]
      - [PC, "3.80"]
cost_models:
  - id: part
    inputs:
      - {id: weight_kg}
      - {id: resin_price}
      - {id: scrap, default: 0.05}
      - {id: rate_per_hour, default: 36}
      - {id: cycle_s}
      - {id: cavities, default: 2}
      - {id: setup_cost, default: 90}
      - {id: mould_cost, default: 5000}
    components:
      - {id: material, formula: weight_kg * resin_price * (1 + scrap)}
      - {id: machine, formula: rate_per_hour * cycle_s / 3600 / cavities}
      - {id: setup, formula: setup_cost / quantity}
      - {id: tooling, formula: mould_cost / quantity, separate: true}
      - {id: overhead, formula: 0.1 * (material + machine + setup)}
    markup: 0.25
products:
  - sku: CUP
    name: Cup
    category: parts
    attributes:
      - {id: resin, type: enum, values: [ABS, PC], default: ABS}
    parameters: {weight_kg: 0.05, cycle_s: 30}
    pricing:
      method: cost_plus
      cost_model: part
      inputs: {resin_price: 'lookup("resin", resin)'}
  - sku: LID
    name: Lid
    category: parts
    parameters: {weight_kg: 0.05, cycle_s: 30, resin_price: 2.40}
    pricing: {method: cost_plus, cost_model: part, margin: 0.4}
`

// TestCostPlus works out a cost build-up by hand. For 1,000 ABS cups:
// material 0.05 kg × 2.40 × 1.05 = 0.126, machine 36 × 30 / 3600 / 2 =
// 0.15, set-up 90 / 1000 = 0.09, overhead 10 % of those = 0.0366: a unit
// cost of 0.4026. A 25 % markup on cost gives 0.50325, rounded half-even
// to 0.50: 500.00 for the line, a margin of 97.40 (19.48 %). The mould
// (5,000 / 1,000 per unit, separate) is a line of its own: 5,000 at cost,
// 6,250.00 with the markup. The lid takes a 40 % margin on price instead:
// 0.4026 / 0.6 = 0.671, 0.67 a unit.
func TestCostPlus(t *testing.T) {
	e := engine(t, moulding)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{
		{Product: "CUP", Quantity: qty(1000)},
		{Product: "LID", Quantity: qty(1000)},
	}})
	require.Len(t, res.Lines, 4)
	cup, mould, lid := res.Lines[0], res.Lines[1], res.Lines[2]
	assert.Equal(t, []string{
		"cost part.material 0.00 EUR → 126.00 EUR",
		"cost part.machine 126.00 EUR → 276.00 EUR",
		"cost part.setup 276.00 EUR → 366.00 EUR",
		"cost part.overhead 366.00 EUR → 402.60 EUR",
		"markup CUP 402.60 EUR → 503.25 EUR",
		"rounding half_even 503.25 EUR → 500.00 EUR",
	}, steps(cup))
	assertAmount(t, "500.00 EUR", cup.Net)
	assertAmount(t, "402.60 EUR", cup.Cost)
	assertAmount(t, "97.40 EUR", cup.Margin)
	assert.Equal(t, "19.48", cup.MarginPercent.String())

	assert.Equal(t, "1.tooling", mould.ID)
	assert.Equal(t, "1", mould.Parent)
	assert.Equal(t, "tooling", mould.Component)
	assert.False(t, mould.Recurring)
	assertAmount(t, "5000.00 EUR", mould.Cost)
	assertAmount(t, "6250.00 EUR", mould.Net)

	assert.Equal(t, "margin LID 402.60 EUR → 671.00 EUR", steps(lid)[4])
	assertAmount(t, "670.00 EUR", lid.Net)

	// A PC cup reads its resin price from the lookup table: material
	// 0.05 × 3.80 × 1.05 = 0.1995, overhead 0.04395, cost 0.48345, price
	// 0.6043125, 0.60 a unit.
	res = price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "CUP", Quantity: qty(1000), Values: map[string]string{"resin": "PC"}}}})
	assertAmount(t, "483.45 EUR", res.Lines[0].Cost)
	assertAmount(t, "600.00 EUR", res.Lines[0].Net)
	// Totals add up every line, the mould included.
	assertAmount(t, "6850.00 EUR", res.Totals.Net)
	assertAmount(t, "5483.45 EUR", res.Totals.Cost)
}

const services = `
currency: EUR
products:
  - {sku: SERVER, name: Server, category: hardware}
  - {sku: DISK, name: Disk, category: hardware}
  - {sku: LICENCE, name: Licence, category: software}
  - sku: CARE
    name: Care
    category: services
    pricing: {method: percent_of_total, percent: 10, of: {categories: [hardware]}, min_amount: 100, max_amount: 200}
  - sku: SHIPPING
    name: Shipping
    category: services
    pricing: {method: percent_of_total, percent: 2}
  - sku: CABLE
    name: Cable by the metre
    category: hardware
    attributes:
      - {id: length_mm, type: integer, min: 100, max: 5000, step: 50, default: "1000"}
    parameters: {base_price: 12}
    pricing: {method: formula, formula: base_price + 0.008 * length_mm}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: SERVER, price: 1000}
      - {product: DISK, price: 250}
      - {product: LICENCE, price: 300}
price_rules:
  - id: hw_promo
    categories: [hardware]
    condition: customer.segment == "promo"
    actions: [{type: discount_percent, value: "50"}]
`

// TestPercentOfTotal: care is 10 % of the hardware lines' amounts after
// their rules, between 100 and 200; shipping 2 % of every other line.
func TestPercentOfTotal(t *testing.T) {
	e := engine(t, services)
	for _, tc := range []struct {
		name    string
		segment string
		lines   []pricing.Line
		care    string
		bound   bool
	}{
		// 1000 + 2 × 250 = 1500 of hardware: 150.
		{"inside bounds", "", []pricing.Line{{Product: "SERVER", Quantity: qty(1)}, {Product: "DISK", Quantity: qty(2)}, {Product: "LICENCE", Quantity: qty(1)}}, "150.00 EUR", false},
		// 2 × 1000 + 4 × 250 = 3000: 300, cut to 200.
		{"maximum", "", []pricing.Line{{Product: "SERVER", Quantity: qty(2)}, {Product: "DISK", Quantity: qty(4)}}, "200.00 EUR", true},
		// Half price for promo customers: 750 of hardware, 75, raised to 100.
		{"minimum after rules", "promo", []pricing.Line{{Product: "SERVER", Quantity: qty(1)}, {Product: "DISK", Quantity: qty(2)}}, "100.00 EUR", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := append(tc.lines, pricing.Line{Product: "CARE", Quantity: qty(1)})
			res := price(t, e, pricing.Request{Customer: pricing.Customer{Segment: tc.segment}, Lines: lines})
			care := res.Lines[len(res.Lines)-1]
			assertAmount(t, tc.care, care.Net)
			assert.Equal(t, tc.bound, care.Steps[len(care.Steps)-1].Kind == pricing.StepBound)
		})
	}
	// Shipping: 2 % of every line but itself and other percent-of-total
	// lines: (1000 + 300) × 2 % = 26.
	res := price(t, e, pricing.Request{Lines: []pricing.Line{
		{Product: "SERVER", Quantity: qty(1)}, {Product: "LICENCE", Quantity: qty(1)},
		{Product: "CARE", Quantity: qty(1)}, {Product: "SHIPPING", Quantity: qty(1)}}})
	assertAmount(t, "26.00 EUR", res.Lines[3].Net)
	assert.Equal(t, "2% of 1300.00 EUR (every other line: lines 1, 2) × 1", res.Lines[3].Steps[0].Reason)
}

// TestFormulaPrice: a cable of 2,500 mm costs 12 + 0.008 × 2500 = 32.
func TestFormulaPrice(t *testing.T) {
	e := engine(t, services)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "CABLE", Quantity: qty(3), Values: map[string]string{"length_mm": "2500"}}}})
	assertAmount(t, "96.00 EUR", res.Lines[0].Net)
	assert.Equal(t, "price formula: 32 per unit × 3", res.Lines[0].Steps[0].Reason)
	_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "CABLE", Quantity: qty(1), Values: map[string]string{"length_mm": "2510"}}}})
	assert.ErrorContains(t, err, "2510 is not a value of attribute \"length_mm\" (steps of 50)")
}

func TestPriceErrors(t *testing.T) {
	e := engine(t, `
currency: EUR
products:
  - {sku: PRICED, name: Priced}
  - {sku: UNPRICED, name: Not in any price book, pricing: {method: formula, formula: "1 / 0"}}
  - {sku: ORPHAN, name: Orphan}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: PRICED, price: 10}
`)
	one := []pricing.Line{{Product: "PRICED", Quantity: qty(1)}}
	_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "ORPHAN", Quantity: qty(1)}}})
	require.ErrorIs(t, err, pricing.ErrNoPrice)
	assert.EqualError(t, err, `line 1 (ORPHAN): no price: product "ORPHAN" has no price in price book eur (EUR)`)
	_, err = tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "UNPRICED", Quantity: qty(1)}}})
	require.ErrorIs(t, err, formula.ErrDivisionByZero)
	_, err = e.Price(context.Background(), pricing.Request{Lines: one})
	assert.ErrorContains(t, err, "no pricing date")
	_, err = tryPrice(e, pricing.Request{PriceBook: "usd", Lines: one})
	assert.ErrorContains(t, err, `unknown price book "usd"`)
	_, err = tryPrice(e, pricing.Request{Currency: "XYZ", Lines: one})
	require.ErrorIs(t, err, pricing.ErrInvalidRequest)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.Price(ctx, pricing.Request{Date: day, Lines: one})
	require.ErrorIs(t, err, context.Canceled)
	_, err = pricing.New(&catalog.Catalog{}, pricing.Options{})
	require.ErrorIs(t, err, pricing.ErrInvalidCatalog)
}
