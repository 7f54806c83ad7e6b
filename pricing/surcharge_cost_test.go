package pricing_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/pricing"
)

const costedChairs = `
currency: EUR
products:
  - sku: CHAIR
    name: Office chair
    kind: configurable
    attributes:
      - {id: colour, type: enum, values: [black, red], default: black}
      - {id: width, type: decimal, min: 40, max: 100, default: "50"}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - product: CHAIR
        price: 120
        cost: 70
        surcharges:
          - {id: red, when: {colour: red}, amount: 15, cost: 9}
          - {id: wide, formula: "width > 60 ? (width - 60) * 0.5 : 0", cost: "width > 60 ? (width - 60) * 0.25 : 0"}
          - {id: odd, if: width == 99, amount: 1, cost: 50 - width}
`

// TestSurchargeCost: a surcharge's cost is added to the line's cost
// exactly when the surcharge applies.
func TestSurchargeCost(t *testing.T) {
	e := engine(t, costedChairs)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{
		// 3 red, 70 cm: price 120 + 15 + 5 = 140, cost 70 + 9 + 10 × 0.25
		// = 81.50; × 3 = 420 and 244.50.
		{Product: "CHAIR", Quantity: qty(3), Values: map[string]string{"colour": "red", "width": "70"}},
		// 2 black, 50 cm: no surcharge applies; cost 70 × 2 = 140.
		{Product: "CHAIR", Quantity: qty(2)},
	}})
	l := res.Lines[0]
	assert.Equal(t, "surcharge red (colour = red): +15 per unit, cost +9", l.Steps[1].Reason)
	assert.Equal(t, "surcharge wide: +5 per unit, cost +2.5", l.Steps[2].Reason)
	assertAmount(t, "420.00 EUR", l.Net)
	assertAmount(t, "244.50 EUR", l.Cost)
	assertAmount(t, "140.00 EUR", res.Lines[1].Cost)
	// A cost formula that gives a negative cost (50 − 99) is an error.
	_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{
		{Product: "CHAIR", Quantity: qty(1), Values: map[string]string{"width": "99"}},
	}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `surcharge "odd": cost formula gives -49`)
}
