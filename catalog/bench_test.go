package catalog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
)

// largeCatalog writes a catalog with the given number of products (each with
// three attributes and two constraints) and enough price rules to reach
// rules rules in all (constraints plus price rules).
func largeCatalog(products, rules int) []byte {
	var b strings.Builder
	b.WriteString("id: large\nversion: \"1\"\neffective_from: 2026-01-01\ncurrency: USD\n")
	b.WriteString("tables:\n  - id: factor\n    keys: [string]\n    rows:\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "      - [r%d, \"1.%02d\"]\n", i, i)
	}
	b.WriteString("products:\n")
	for i := 0; i < products; i++ {
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
	for i := 0; i < products; i++ {
		fmt.Fprintf(&b, "      - {product: P-%05d, price: %d.%02d, surcharges: [{id: blue, when: {colour: blue}, amount: 5}]}\n", i, 10+i%90, i%100)
	}
	b.WriteString("price_rules:\n")
	for i := 0; i < rules-2*products; i++ {
		fmt.Fprintf(&b, `  - id: rule%d
    priority: %d
    condition: line.category == "cat%d" && line.quantity >= %d && customer.segment in ["gold", "silver"]
    actions:
      - {type: discount_percent, value: 'round(lookup("factor", "r%d") * %d, 2)'}
`, i, i%10, i%40, i%100, i%50, i%7)
	}
	return []byte(b.String())
}

func TestLargeCatalogLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("large catalog")
	}
	c, err := catalog.Parse(largeCatalog(100, 500), "large.yaml")
	require.NoError(t, err)
	s := c.Stats()
	require.Equal(t, 100, s.Products)
	require.Equal(t, 200, s.Constraints)
	require.Equal(t, 300, s.PriceRules)
}

// BenchmarkLoadLargeCatalog loads a catalog of 1,000 products and 5,000
// rules (2,000 constraints and 3,000 price rules), compiling every formula.
func BenchmarkLoadLargeCatalog(b *testing.B) {
	data := largeCatalog(1000, 5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalog.Parse(data, "large.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}
