package sample

import (
	"fmt"
	"strings"
)

// LargeCatalog writes a catalog with the given number of products, each
// with three attributes, two constraints and a price with a surcharge, and
// enough price rules to make rules rules in all (constraints and price
// rules).
func LargeCatalog(products, rules int) []byte {
	var b strings.Builder
	b.WriteString("id: large\nversion: \"1\"\neffective_from: 2026-01-01\ncurrency: USD\n")
	b.WriteString("tables:\n  - id: factor\n    keys: [string]\n    rows:\n")
	for i := range 50 {
		fmt.Fprintf(&b, "      - [r%d, \"1.%02d\"]\n", i, i)
	}
	b.WriteString("products:\n")
	for i := range products {
		fmt.Fprintf(&b, `  - sku: P-%05d
    name: {en: Product %d, zh-CN: 产品%d}
    category: cat%d
    attributes:
      - {id: colour, type: enum, values: [red, green, blue, black], default: red}
      - {id: size, type: integer, min: 1, max: 20}
      - {id: coated, type: boolean}
    constraints:
      - id: c1
        requires: {if: {colour: red}, then: {coated: "true"}}
      - id: c2
        expr: size <= 10 || colour != "blue"
`, i, i, i, i%40)
	}
	b.WriteString("price_books:\n  - id: list\n    currency: USD\n    standard: true\n    entries:\n")
	for i := range products {
		fmt.Fprintf(&b, "      - {product: P-%05d, price: %d.%02d, surcharges: [{id: blue, when: {colour: blue}, amount: 5}]}\n", i, 10+i%90, i%100)
	}
	b.WriteString("price_rules:\n")
	for i := range rules - 2*products {
		fmt.Fprintf(&b, `  - id: rule%d
    priority: %d
    condition: line.category == "cat%d" && line.quantity >= %d && customer.segment in ["gold", "silver"]
    actions:
      - {type: discount_percent, value: 'round(lookup("factor", "r%d") * %d, 2)'}
`, i, i%10, i%40, i%100, i%50, i%7)
	}
	return []byte(b.String())
}
