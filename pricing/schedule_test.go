package pricing_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cpqkit/cpq/pricing"
)

const schedules = `
currency: EUR
rounding: {at: line_total}
products:
  - {sku: BOLT, name: Bolt, category: fasteners}
  - {sku: NUT, name: Nut, category: fasteners}
  - {sku: SEAT, name: Seat, category: licences}
  - {sku: TOKEN, name: Token, category: usage}
  - {sku: GADGET, name: Gadget, category: gadgets}
  - sku: PLAN
    name: Plan
    category: plans
    kind: subscription
    subscription: {term_months: 12}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: BOLT, price: 10}
      - {product: NUT, price: 5}
      - {product: SEAT, price: 100}
      - {product: TOKEN, price: 1}
      - {product: GADGET, price: 50}
      - {product: PLAN, price: 20}
discount_schedules:
  - id: fastener_volume
    type: range
    unit: percent
    categories: [fasteners]
    aggregate: category
    tiers:
      - {from: 1, to: 99, value: 0}
      - {from: 100, to: 499, value: 5}
      - {from: 500, value: 10}
  - id: seat_slab
    type: slab
    unit: percent
    products: [SEAT]
    tiers:
      - {from: 1, to: 10, value: 0}
      - {from: 11, to: 20, value: 10}
      - {from: 21, value: 20}
  - id: token_slab
    type: slab
    unit: amount
    products: [TOKEN]
    tiers:
      - {from: 1, to: 100, value: 0}
      - {from: 101, value: 0.25, fee: 5}
  - id: gadget_amount
    type: range
    unit: amount
    products: [GADGET]
    aggregate: product
    tiers:
      - {from: 10, value: 2, fee: 15}
  - id: usd_only
    type: range
    unit: price
    currency: USD
    products: [GADGET]
    tiers:
      - {from: 1, value: 1}
  - id: term
    type: range
    basis: term
    unit: percent
    categories: [plans]
    tiers:
      - {from: 1, to: 23, value: 0}
      - {from: 24, to: 35, value: 5}
      - {from: 36, value: 10}
`

func TestSchedules(t *testing.T) {
	e := engine(t, schedules)
	for _, tc := range []struct {
		name  string
		req   pricing.Request
		nets  []string
		steps int // schedule steps in the first line
	}{
		// 60 bolts and 50 nuts: 110 fasteners on the quote reach 5 %
		// for both lines: 600 × 0.95 = 570, 250 × 0.95 = 237.50.
		{"range aggregated by category", pricing.Request{Lines: []pricing.Line{
			{Product: "BOLT", Quantity: qty(60)}, {Product: "NUT", Quantity: qty(50)}}}, []string{"570.00 EUR", "237.50 EUR"}, 1},
		// Alone, 60 bolts stay in the 0 % tier: no step.
		{"range tier with no discount", pricing.Request{Lines: []pricing.Line{{Product: "BOLT", Quantity: qty(60)}}}, []string{"600.00 EUR"}, 0},
		// 25 seats graduated: 10 at 0 %, 10 at 10 %, 5 at 20 % off 100:
		// 1000 + 900 + 400 = 2300.
		{"slab percent", pricing.Request{Lines: []pricing.Line{{Product: "SEAT", Quantity: qty(25)}}}, []string{"2300.00 EUR"}, 1},
		// 5 more seats for a customer who has 18: units 19–23: 2 at
		// 10 %, 3 at 20 %: 180 + 240 = 420.
		{"slab after a prior quantity", pricing.Request{Lines: []pricing.Line{{Product: "SEAT", Quantity: qty(5), PriorQuantity: qty(18)}}}, []string{"420.00 EUR"}, 1},
		// 300 tokens: 200 beyond the first 100 at 0.25 off each, and the
		// fee of the tier they enter: 300 − 50 + 5 = 255.
		{"slab amount with a fee", pricing.Request{Lines: []pricing.Line{{Product: "TOKEN", Quantity: qty(300)}}}, []string{"255.00 EUR"}, 1},
		// The fee is charged by the line that enters the tier: a second
		// line after 300 already used pays none: 100 × 0.75 = 75.
		{"slab fee only on entering", pricing.Request{Lines: []pricing.Line{{Product: "TOKEN", Quantity: qty(100), PriorQuantity: qty(300)}}}, []string{"75.00 EUR"}, 1},
		// 6 + 6 gadgets reach the tier from 10: 2 off each and the fee
		// once, on the first line: 6 × 48 + 15 = 303, then 288. The USD
		// schedule does not apply to a quote priced in EUR.
		{"range amount aggregated by product, fee once", pricing.Request{Lines: []pricing.Line{
			{Product: "GADGET", Quantity: qty(6)}, {Product: "GADGET", Quantity: qty(6)}}}, []string{"303.00 EUR", "288.00 EUR"}, 1},
		// A 24-month plan: 20 × 24 = 480, 5 % off for the term: 456.
		{"range by term", pricing.Request{TermMonths: 24, Lines: []pricing.Line{{Product: "PLAN", Quantity: qty(1)}}}, []string{"456.00 EUR"}, 1},
		{"term below the discount", pricing.Request{TermMonths: 12, Lines: []pricing.Line{{Product: "PLAN", Quantity: qty(1)}}}, []string{"240.00 EUR"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := price(t, e, tc.req)
			var nets []string
			for _, l := range res.Lines {
				nets = append(nets, l.Net.String())
			}
			assert.Equal(t, tc.nets, nets)
			n := 0
			for _, s := range res.Lines[0].Steps {
				if s.Kind == pricing.StepSchedule {
					n++
				}
			}
			assert.Equal(t, tc.steps, n, "%v", steps(res.Lines[0]))
		})
	}
}

func TestScheduleReasons(t *testing.T) {
	e := engine(t, schedules)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "SEAT", Quantity: qty(25)}, {Product: "BOLT", Quantity: qty(120)}}})
	assert.Equal(t, "seat_slab: quantity 25, units 0–25 graduated: 10 at 0% off, 10 at 10% off, 5 at 20% off", res.Lines[0].Steps[1].Reason)
	assert.Equal(t, "fastener_volume: tier 100–499 reached by quantity 120 of category fasteners on the quote: 5% off", res.Lines[1].Steps[1].Reason)
}
