package pricing_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/money"
	"github.com/cpqkit/cpq/pricing"
)

// A catalog whose rules and schedules only discount: every method, both
// schedule kinds, both stacking modes, subscriptions.
const discountsOnly = `
currency: EUR
rounding: {mode: %s, at: %s}
tables:
  - id: kg_price
    keys: [string]
    rows:
      - [steel, "1.20"]
      - [brass, "5.75"]
cost_models:
  - id: bracket
    inputs: [{id: weight}, {id: metal_price}]
    components:
      - {id: metal, formula: weight * metal_price}
      - {id: labour, formula: 0.35}
      - {id: overhead, formula: (metal + labour) * 0.15}
    margin: 0.3
products:
  - sku: WIDGET
    name: Widget
    category: parts
    attributes:
      - {id: colour, type: enum, values: [grey, red], default: grey}
  - {sku: GADGET, name: Gadget, category: parts}
  - {sku: PACK, name: Pack, category: services, pricing: {method: block}}
  - sku: BRACKET
    name: Bracket
    category: parts
    attributes:
      - {id: metal, type: enum, values: [steel, brass], default: steel}
    parameters: {weight: 0.4}
    pricing: {method: cost_plus, cost_model: bracket, inputs: {metal_price: 'lookup("kg_price", metal)'}}
  - sku: CARE
    name: Care
    category: care
    pricing: {method: percent_of_total, percent: 7.5, of: {categories: [parts]}, min_amount: 25}
  - sku: CLOUD
    name: Cloud
    category: cloud
    kind: subscription
    subscription: {term_months: 12, price_period: month, proration: by_day}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - product: WIDGET
        price: 19.99
        cost: 11.40
        surcharges: [{id: red, when: {colour: red}, amount: 2.35}]
      - {product: GADGET, price: 3.33, cost: 1.01}
      - product: PACK
        blocks: [{from: 1, to: 10, price: 99}, {from: 11, to: 50, price: 349}]
        overage: 6.5
      - {product: CLOUD, price: 17.49}
discount_schedules:
  - id: parts_volume
    type: range
    unit: percent
    categories: [parts]
    aggregate: category
    tiers: [{from: 1, to: 49, value: 0}, {from: 50, to: 199, value: 3.5}, {from: 200, value: 7.25}]
  - id: gadget_slab
    type: slab
    unit: amount
    products: [GADGET]
    tiers: [{from: 1, to: 20, value: 0}, {from: 21, value: 0.17}]
price_rules:
  - {id: gold, categories: [parts, services], condition: customer.segment == "gold", actions: [{type: discount_percent, value: "4.5"}]}
  - {id: loyal, priority: 1, stacking: additive, condition: customer.region == "north", actions: [{type: discount_percent, value: "2.25"}]}
  - {id: big, stage: totals, condition: quote.subtotal > 2000, actions: [{type: discount_percent, value: "1.5"}]}
`

func randomRequest(r *rand.Rand) pricing.Request {
	req := pricing.Request{TermMonths: 1 + r.IntN(36)}
	req.Customer.Segment = []string{"", "gold"}[r.IntN(2)]
	req.Customer.Region = []string{"", "north"}[r.IntN(2)]
	n := 1 + r.IntN(8)
	for i := 0; i < n; i++ {
		l := pricing.Line{Quantity: decimal.NewFromInt(int64(1 + r.IntN(120)))}
		switch r.IntN(6) {
		case 0:
			l.Product = "WIDGET"
			l.Values = map[string]string{"colour": []string{"grey", "red"}[r.IntN(2)]}
		case 1:
			l.Product = "GADGET"
		case 2:
			l.Product = "PACK"
		case 3:
			l.Product = "BRACKET"
			l.Values = map[string]string{"metal": []string{"steel", "brass"}[r.IntN(2)]}
		case 4:
			l.Product = "CARE"
			l.Quantity = decimal.NewFromInt(1)
		default:
			l.Product = "CLOUD"
			if r.IntN(2) == 0 {
				l.Start = time.Date(2024+r.IntN(3), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
				l.End = l.Start.AddDate(0, 0, r.IntN(900))
			}
		}
		if r.IntN(3) == 0 {
			l.Manual = &pricing.Adjustment{Percent: dp(fmt.Sprintf("%d.%d", r.IntN(30), r.IntN(10)))}
		}
		req.Lines = append(req.Lines, l)
	}
	if r.IntN(3) == 0 {
		req.HeaderDiscount = &pricing.Adjustment{Percent: dp(fmt.Sprintf("%d.%02d", r.IntN(15), r.IntN(100)))}
	}
	return req
}

// TestTotalsAreSumsOfLines prices random quotes under every rounding policy
// and checks the properties that must always hold.
func TestTotalsAreSumsOfLines(t *testing.T) {
	for _, policy := range [][2]string{{"half_even", "unit_price"}, {"half_up", "line_total"}, {"floor", "grand_total"}} {
		e := engine(t, fmt.Sprintf(discountsOnly, policy[0], policy[1]))
		r := rand.New(rand.NewPCG(1, uint64(len(policy[1]))))
		for i := 0; i < 150; i++ {
			req := randomRequest(r)
			res := price(t, e, req)
			var list, net, disc, cost, margin, oneTime, recurring, header decimal.Decimal
			for _, l := range res.Lines {
				list, net, disc = list.Add(l.List.Value()), net.Add(l.Net.Value()), disc.Add(l.Discount.Value())
				cost, margin = cost.Add(l.Cost.Value()), margin.Add(l.Margin.Value())
				if l.Recurring {
					recurring = recurring.Add(l.Net.Value())
				} else {
					oneTime = oneTime.Add(l.Net.Value())
				}
				// Only discounts: no line ends above its list amount (rounded
				// up to the cent, as the net is rounded and the list is not).
				assert.True(t, l.Net.Value().LessThanOrEqual(money.RoundDecimal(l.List.Value(), 2, money.Ceiling)), "line %s: net %s above list %s", l.ID, l.Net, l.List)
				// The waterfall is continuous: each step starts where the
				// previous one ended (in value, when no conversion).
				for j := 1; j < len(l.Steps); j++ {
					assert.True(t, l.Steps[j].Before.Equal(l.Steps[j-1].After), "line %s step %d", l.ID, j)
				}
				if n := len(l.Steps); n > 0 {
					assert.True(t, l.Steps[n-1].After.Equal(l.Net), "line %s ends at its net", l.ID)
				}
				for _, s := range l.Steps {
					if s.Kind == pricing.StepHeader {
						header = header.Add(s.Before.Value().Sub(s.After.Value()))
					}
				}
			}
			tt := res.Totals
			assert.True(t, tt.List.Value().Equal(list))
			assert.True(t, tt.Net.Value().Equal(net.Add(tt.Rounding.Value())), "net %s = lines %s + rounding %s", tt.Net, net, tt.Rounding)
			assert.True(t, tt.Discount.Value().Equal(disc))
			assert.True(t, tt.Cost.Value().Equal(cost))
			assert.True(t, tt.Margin.Value().Equal(margin))
			assert.True(t, tt.OneTime.Value().Equal(oneTime))
			assert.True(t, tt.Recurring.Value().Equal(recurring))
			assert.True(t, tt.TCV.Value().Equal(oneTime.Add(recurring)))
			assert.True(t, tt.Net.Value().LessThanOrEqual(money.RoundDecimal(tt.List.Value(), 2, money.Ceiling)))
			// The header discount is allocated exactly.
			assert.True(t, header.Equal(tt.HeaderDiscount.Value()), "allocated %s of %s", header, tt.HeaderDiscount)
			if policy[1] != "grand_total" {
				assert.True(t, tt.Net.IsRounded(), "net %s", tt.Net)
			}
		}
	}
}

// TestDeterministic prices the same random quotes twice, building every
// configuration map in a different order the second time: the JSON is
// byte for byte the same.
func TestDeterministic(t *testing.T) {
	e := engine(t, fmt.Sprintf(discountsOnly, "half_even", "unit_price"))
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 50; i++ {
		req := randomRequest(r)
		a, err := json.Marshal(price(t, e, req))
		require.NoError(t, err)
		for j := range req.Lines {
			if v := req.Lines[j].Values; v != nil {
				c := map[string]string{}
				for k, x := range v {
					c[k] = x
				}
				req.Lines[j].Values = c
			}
		}
		b, err := json.Marshal(price(t, e, req))
		require.NoError(t, err)
		require.Equal(t, string(a), string(b))
	}
}

// TestFullTermProration: a term of exactly n price periods, from any start
// date, by day or by month, costs exactly n periods.
func TestFullTermProration(t *testing.T) {
	e := engine(t, subscriptions)
	r := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 300; i++ {
		start := time.Date(2020+r.IntN(10), time.Month(1+r.IntN(12)), 1+r.IntN(31), 0, 0, 0, 0, time.UTC)
		n := 1 + r.IntN(5)
		sku, months := "PLATFORM", 12*n // price per year, by day
		if r.IntN(2) == 0 {
			sku, months = []string{"SEATS", "SEATS-DAY"}[r.IntN(2)], n // price per month, by month or by day
		}
		// The last day of the term is the day before the same day n periods
		// on (or the month's last day when it has no such day).
		end := addMonths(start, months).AddDate(0, 0, -1)
		res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: sku, Quantity: qty(1), Start: start, End: end}}})
		l := res.Lines[0]
		assert.Equal(t, fmt.Sprint(n), l.Subscription.Multiplier.String(), "%s from %s to %s", sku, start.Format(time.DateOnly), end.Format(time.DateOnly))
		assert.True(t, l.Net.Value().Equal(l.UnitList.Value().Mul(qty(int64(n)))), "%s: %s for %d periods at %s", sku, l.Net, n, l.UnitList)
	}
}

func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC)
}
