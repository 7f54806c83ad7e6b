package pricing_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/pricing"
)

const ruled = `
currency: EUR
tables:
  - id: segment_discount
    keys: [string]
    rows:
      - [gold, "12"]
      - [silver, "6"]
products:
  - sku: DESK
    name: Desk
    category: furniture
    attributes:
      - {id: finish, type: enum, values: [oak, steel], default: oak}
  - {sku: LAMP, name: Lamp, category: lighting}
  - {sku: MUG, name: Mug, category: gifts}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: DESK, price: 1000}
      - {product: LAMP, price: 100}
      - {product: MUG, price: 8}
discount_schedules:
  - id: desk_volume
    type: range
    unit: percent
    products: [DESK]
    tiers:
      - {from: 10, value: 10}
price_rules:
  - id: compound_ten
    stage: before_schedules
    priority: 1
    products: [DESK]
    condition: customer.segment == "stack"
    actions: [{type: discount_percent, value: "10"}]
  - id: additive_ten
    stage: before_schedules
    priority: 2
    stacking: additive
    products: [DESK]
    condition: customer.segment == "stack"
    actions: [{type: discount_percent, value: "10"}]
  - id: by_segment
    priority: 5
    categories: [furniture, lighting]
    condition: customer.segment in ["gold", "silver"]
    actions: [{type: discount_percent, value: 'lookup("segment_discount", customer.segment)'}]
  - id: steel_band
    priority: 6
    condition: line.attr.finish == "steel"
    actions: [{type: set_field, field: band, value: "2"}]
  - id: band_discount
    priority: 7
    condition: line.band >= 2
    actions: [{type: discount_amount, value: "20"}]
  - id: big_order
    stage: totals
    condition: quote.subtotal >= 5000
    actions: [{type: discount_percent, value: "3"}]
  - id: free_mug
    products: [DESK]
    condition: line.quantity >= 2
    actions: [{type: add_product, product: MUG, quantity: line.quantity, discount: 100}]
  - id: mug_for_mug
    products: [MUG]
    actions: [{type: add_product, product: MUG, quantity: "1", discount: 100}]
`

// TestStacking: a compound 10 % then an additive 10 % (of the price the
// stage started with) take 1000 to 900, then to 800; the 10 % schedule
// after them gives 720 (of 800) a desk for 10 desks.
func TestStackingAndStages(t *testing.T) {
	e := engine(t, ruled)
	res := price(t, e, pricing.Request{Customer: pricing.Customer{Segment: "stack"}, Lines: []pricing.Line{{Product: "DESK", Quantity: qty(1)}}})
	assert.Equal(t, []string{
		"list eur 0.00 EUR → 1000.00 EUR",
		"rule compound_ten 1000.00 EUR → 900.00 EUR",
		"rule additive_ten 900.00 EUR → 800.00 EUR",
	}, steps(res.Lines[0]))
	assert.Equal(t, "rule additive_ten: 10% off of the price the stage started with (additive)", res.Lines[0].Steps[2].Reason)

	res = price(t, e, pricing.Request{Customer: pricing.Customer{Segment: "stack"}, Lines: []pricing.Line{{Product: "DESK", Quantity: qty(10)}}})
	desk := res.Lines[0]
	assert.Equal(t, "schedule desk_volume 8000.00 EUR → 7200.00 EUR", steps(desk)[3])
	// quote.subtotal at the totals stage is 7200 + the free mugs (0):
	// the 3 % big-order rule applies: 6984.
	assertAmount(t, "6984.00 EUR", desk.Net)
	assert.Equal(t, "rule big_order 7200.00 EUR → 6984.00 EUR", steps(desk)[4])
}

// TestLookupSetFieldAndAttributes: the segment discount comes from a
// lookup table (gold 12 %); a steel desk gets field band = 2 from one rule,
// which a later rule reads to take 20 off. A lamp has no finish: the rule
// reads it as "" and does not apply.
func TestLookupSetFieldAndAttributes(t *testing.T) {
	e := engine(t, ruled)
	res := price(t, e, pricing.Request{Customer: pricing.Customer{Segment: "gold"}, Lines: []pricing.Line{
		{Product: "DESK", Quantity: qty(1), Values: map[string]string{"finish": "steel"}},
		{Product: "LAMP", Quantity: qty(1)},
	}})
	desk, lamp := res.Lines[0], res.Lines[1]
	assert.Equal(t, []string{
		"list eur 0.00 EUR → 1000.00 EUR",
		"rule by_segment 1000.00 EUR → 880.00 EUR",
		"rule steel_band 880.00 EUR → 880.00 EUR",
		"rule band_discount 880.00 EUR → 860.00 EUR",
	}, steps(desk))
	assert.Equal(t, []pricing.Field{{Name: "band", Value: d("2")}}, desk.Fields)
	assert.Equal(t, []string{"list eur 0.00 EUR → 100.00 EUR", "rule by_segment 100.00 EUR → 88.00 EUR"}, steps(lamp))
	assert.Empty(t, lamp.Fields)
}

// TestFreeItemsDoNotRecurse: two desks add two free mugs; the added mugs
// do not trigger the rule that adds a mug for every mug.
func TestFreeItemsDoNotRecurse(t *testing.T) {
	e := engine(t, ruled)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "DESK", Quantity: qty(2)}}})
	require.Len(t, res.Lines, 2)
	mug := res.Lines[1]
	assert.Equal(t, "1+free_mug", mug.ID)
	assert.Equal(t, "free_mug", mug.AddedBy)
	assert.Equal(t, "1", mug.Trigger)
	assert.Equal(t, "2", mug.Quantity.String())
	assert.Equal(t, []string{"list eur 0.00 EUR → 16.00 EUR", "rule free_mug 16.00 EUR → 0.00 EUR"}, steps(mug))
	assert.Equal(t, "rule free_mug: added free", mug.Steps[1].Reason)
	assertAmount(t, "16.00 EUR", mug.Discount)
	assert.Equal(t, "0", res.Approval.MaxLineDiscountPercent.String(), "free items are the catalog's, not a discount to approve")
	// A mug bought adds one free mug, which adds none.
	res = price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "MUG", Quantity: qty(1)}}})
	assert.Len(t, res.Lines, 2)
}

func TestIgnorePriceRules(t *testing.T) {
	e := engine(t, ruled)
	res := price(t, e, pricing.Request{IgnorePriceRules: true, Customer: pricing.Customer{Segment: "gold"}, Lines: []pricing.Line{{Product: "DESK", Quantity: qty(2)}}})
	assert.Len(t, res.Lines, 1)
	assertAmount(t, "2000.00 EUR", res.Totals.Net)
}

// TestConflicts: rules of one priority that both match must commute;
// pricing names both when they do not.
func TestConflicts(t *testing.T) {
	base := `
currency: EUR
products:
  - {sku: A, name: A}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: A, price: 100}
price_rules:
`
	for _, tc := range []struct {
		name   string
		rules  string
		net    string
		reason string
	}{
		{"compound percentages commute", `
  - {id: r1, actions: [{type: discount_percent, value: "10"}]}
  - {id: r2, actions: [{type: discount_percent, value: "20"}]}`, "72.00 EUR", ""},
		{"additive percentage and amount commute", `
  - {id: r1, stacking: additive, actions: [{type: discount_percent, value: "10"}]}
  - {id: r2, actions: [{type: discount_amount, value: "5"}]}`, "85.00 EUR", ""},
		{"equal set prices agree", `
  - {id: r1, actions: [{type: set_price, value: "90"}]}
  - {id: r2, actions: [{type: set_price, value: "90.00"}]}`, "90.00 EUR", ""},
		{"set price and discount", `
  - {id: r1, actions: [{type: set_price, value: "90"}]}
  - {id: r2, actions: [{type: discount_percent, value: "10"}]}`, "", "their price actions give different results in different orders"},
		{"different set prices", `
  - {id: r1, actions: [{type: set_price, value: "90"}]}
  - {id: r2, actions: [{type: set_price, value: "80"}]}`, "", "they set different prices (90 and 80)"},
		{"compound percentage and amount", `
  - {id: r1, actions: [{type: discount_percent, value: "10"}]}
  - {id: r2, actions: [{type: discount_amount, value: "5"}]}`, "", "their price actions give different results in different orders"},
		{"exclusive", `
  - {id: r1, exclusive: true, actions: [{type: discount_percent, value: "10"}]}
  - {id: r2, actions: [{type: discount_percent, value: "20"}]}`, "", "one of them is exclusive"},
		{"one field, two values", `
  - {id: r1, actions: [{type: set_field, field: tier, value: "1"}]}
  - {id: r2, actions: [{type: set_field, field: tier, value: "2"}]}`, "", "they set field tier to 1 and 2"},
		{"other priorities do not conflict", `
  - {id: r1, priority: 1, actions: [{type: set_price, value: "90"}]}
  - {id: r2, priority: 2, actions: [{type: discount_percent, value: "10"}]}`, "81.00 EUR", ""},
		{"an exclusive rule ends the stage", `
  - {id: r1, priority: 1, exclusive: true, actions: [{type: discount_percent, value: "10"}]}
  - {id: r2, priority: 2, actions: [{type: discount_percent, value: "20"}]}`, "90.00 EUR", ""},
		{"a rule that does not match does not conflict", `
  - {id: r1, actions: [{type: set_price, value: "90"}]}
  - {id: r2, condition: line.quantity > 5, actions: [{type: discount_percent, value: "10"}]}`, "90.00 EUR", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine(t, base+tc.rules)
			res, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "A", Quantity: qty(1)}}})
			if tc.reason == "" {
				require.NoError(t, err)
				assertAmount(t, tc.net, res.Lines[0].Net)
				return
			}
			require.ErrorIs(t, err, pricing.ErrRuleConflict)
			var ce *pricing.RuleConflictError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, pricing.RuleConflictError{Line: "1", Stage: "after_schedules", Priority: 0, First: "r1", Second: "r2", Reason: tc.reason}, *ce)
			assert.Contains(t, err.Error(), `price rules "r1" and "r2" both apply to line 1`)
		})
	}
}

// TestSummaries: rules read sums, counts, minimums and maximums over the
// quote's lines as the stage starts. Three chair lines (2, 5 and 3 chairs
// at 50) and a desk at 400: 10 chairs, 3 chair lines, at most 250 on one,
// 400 of desks.
func TestSummaries(t *testing.T) {
	e := engine(t, `
currency: EUR
products:
  - {sku: CHAIR, name: Chair, category: seating}
  - {sku: DESK, name: Desk, category: desks}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: CHAIR, price: 50}
      - {product: DESK, price: 400}
summaries:
  - {id: chairs, categories: [seating]}
  - {id: chair_lines, function: count, categories: [seating]}
  - {id: biggest_chair_line, function: max, of: amount, products: [CHAIR]}
  - {id: smallest_line, function: min, of: list}
  - {id: desks, of: amount, products: [DESK]}
price_rules:
  - id: desk_with_chairs
    products: [DESK]
    condition: quote.summary.chairs >= 10 && quote.summary.chair_lines == 3
    actions: [{type: discount_amount, value: quote.summary.biggest_chair_line / 10}]
  - id: chairs_with_desk
    products: [CHAIR]
    condition: quote.summary.desks >= 400 && quote.summary.smallest_line == 100
    actions: [{type: discount_percent, value: "10"}]
`)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{
		{Product: "CHAIR", Quantity: qty(2)}, {Product: "CHAIR", Quantity: qty(5)}, {Product: "CHAIR", Quantity: qty(3)}, {Product: "DESK", Quantity: qty(1)},
	}})
	// The desk: 400 − 250 / 10 = 375. The chairs: 10 % off each line.
	assertAmount(t, "375.00 EUR", res.Lines[3].Net)
	assertAmount(t, "90.00 EUR", res.Lines[0].Net)
	assertAmount(t, "225.00 EUR", res.Lines[1].Net)
	// Two chairs: the desk rule does not apply.
	res = price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "CHAIR", Quantity: qty(2)}, {Product: "DESK", Quantity: qty(1)}}})
	assertAmount(t, "400.00 EUR", res.Lines[1].Net)
}

// TestQuoteFacts: rules read the products and categories on the quote and
// its total quantity.
func TestQuoteFacts(t *testing.T) {
	e := engine(t, ruled+`
  - id: desk_and_lamp
    products: [LAMP]
    condition: '"DESK" in quote.products && "furniture" in quote.categories && quote.quantity >= 3'
    actions: [{type: discount_percent, value: "50"}]
`)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "DESK", Quantity: qty(1)}, {Product: "LAMP", Quantity: qty(2)}}})
	assertAmount(t, "100.00 EUR", res.Lines[1].Net)
	res = price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "LAMP", Quantity: qty(3)}}})
	assertAmount(t, "300.00 EUR", res.Lines[0].Net)
}
