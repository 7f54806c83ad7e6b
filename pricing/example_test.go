package pricing_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/pricing"
)

const exampleCatalog = `
id: shop
version: "2026.1"
effective_from: 2026-01-01
currency: EUR
products:
  - sku: SRV
    name: Server
    category: servers
    attributes:
      - {id: cpu, type: enum, values: [X5, X7], default: X5}
price_books:
  - id: list
    currency: EUR
    standard: true
    entries:
      - product: SRV
        price: 4200
        surcharges:
          - {id: cpu_x7, when: {cpu: X7}, amount: 1350}
discount_schedules:
  - id: volume
    type: range
    unit: percent
    products: [SRV]
    tiers:
      - {from: 1, to: 4, value: 0}
      - {from: 5, value: 4}
price_rules:
  - id: gold
    name: Gold customers
    condition: customer.segment == "gold"
    actions:
      - {type: discount_percent, value: "5"}
`

// Example prices five X7 servers for a gold customer with a 2 % manual
// discount and prints the line's waterfall: the unit price, 4960.368, is
// rounded to 4960.37 by the catalog's default policy (half-even, at the
// unit price).
func Example() {
	cat, err := catalog.Parse([]byte(exampleCatalog), "shop.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	two := decimal.NewFromInt(2)
	res, err := engine.Price(context.Background(), pricing.Request{
		Date:     time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Customer: pricing.Customer{ID: "ACME", Segment: "gold"},
		Lines: []pricing.Line{{
			Product:  "SRV",
			Quantity: decimal.NewFromInt(5),
			Values:   map[string]string{"cpu": "X7"},
			Manual:   &pricing.Adjustment{Percent: &two, Reason: "trade show"},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Lines[0].Steps {
		fmt.Printf("%-9s %-9s %12s → %12s  %s\n", s.Kind, s.Source, s.Before, s.After, s.Reason)
	}
	fmt.Println("net", res.Totals.Net, "discount", res.Approval.DiscountPercent.String()+"%")
	// Output:
	// list      list          0.00 EUR → 21000.00 EUR  list price 4200.00 EUR × 5 from price book list
	// surcharge cpu_x7    21000.00 EUR → 27750.00 EUR  surcharge cpu_x7 (cpu = X7): +1350 per unit
	// schedule  volume    27750.00 EUR → 26640.00 EUR  volume: tier 5+ reached by quantity 5: 4% off
	// rule      gold      26640.00 EUR → 25308.00 EUR  Gold customers: 5% off of the running price
	// manual    manual    25308.00 EUR → 24801.84 EUR  2% off the line: trade show
	// rounding  half_even 24801.84 EUR → 24801.85 EUR  unit price rounded half_even to 2 places
	// net 24801.85 EUR discount 10.62%
}

// ExampleEngine_ParseRequest reads a quote file and prices it.
func ExampleEngine_ParseRequest() {
	cat, err := catalog.Parse([]byte(exampleCatalog), "shop.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, err := pricing.New(cat, pricing.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = engine.ParseRequest([]byte(strings.TrimSpace(`
date: 2026-03-02
lines:
  - {product: SRV, quantity: 2, values: {cpu: X9}}
`)), "quote.yaml")
	fmt.Println(err)
	req, err := engine.ParseRequest([]byte("date: 2026-03-02\nlines: [{product: SRV, quantity: 2}]\n"), "quote.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := engine.Price(context.Background(), *req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Totals.Net)
	// Output:
	// quote.yaml:3:47: quote.invalid: "X9" is not a value of attribute "cpu"; did you mean "X5"? (at lines[0].values.cpu)
	// 8400.00 EUR
}
