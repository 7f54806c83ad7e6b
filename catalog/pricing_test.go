package catalog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
)

// TestPricingMistakes loads a catalog with a mistake in each pricing
// field (guardrails, floors, costs, rule scopes, the price of an added
// item, a schedule by term that aggregates, summaries) and checks that each is
// reported at the line and column worked out by hand from the file.
func TestPricingMistakes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "pricing-mistakes.yaml"))
	require.NoError(t, err)
	_, err = catalog.Parse(data, "pricing-mistakes.yaml")
	var list catalog.Errors
	require.ErrorAs(t, err, &list)

	type want struct {
		line, col int
		code      string
		path      string
	}
	wants := []want{
		{5, 13, "catalog.invalid", "convert_at"},                                   // gross is not list or net
		{8, 37, "catalog.range", "guardrails.approval_header_discount_percent"},    // 25 above the hard 20
		{11, 20, "catalog.unknown-reference", "guardrails.lines[0].categories[0]"}, // furnitur
		{12, 22, "catalog.range", "guardrails.lines[0].floor_percent"},             // 150 %
		{14, 32, "catalog.range", "guardrails.lines[0].approval_margin_percent"},   // below the minimum margin
		{15, 11, "catalog.duplicate-id", "guardrails.lines[1].id"},                 // g1 twice
		{16, 18, "catalog.unknown-reference", "guardrails.lines[1].products[0]"},   // DESKK
		{18, 31, "catalog.range", "guardrails.lines[1].approval_floor_percent"},    // below the hard floor
		{26, 44, "catalog.range", "price_books[0].entries[0].floor"},               // floor above the price
		{26, 55, "catalog.range", "price_books[0].entries[0].cost"},                // cost below zero
		{29, 13, "catalog.conflict", "price_books[1].parent"},                      // a USD book's EUR parent
		{35, 16, "catalog.conflict", "discount_schedules[0].aggregate"},            // by term, aggregated
		{39, 16, "catalog.unknown-reference", "price_rules[0].products[0]"},        // DSK
		{40, 18, "catalog.unknown-reference", "price_rules[0].categories[0]"},      // furnitre
		{42, 71, "formula.unknown-member", "price_rules[0].actions[0].value"},      // line.quantty
		{44, 57, "formula.unknown-member", "price_rules[1].condition"},             // no summary chairs
		{48, 10, "catalog.duplicate-id", "summaries[1].id"},                        // desks twice
		{48, 30, "catalog.unknown-reference", "summaries[1].categories[0]"},        // chairs
		{48, 49, "catalog.invalid", "summaries[1].function"},                       // average
	}
	var b strings.Builder
	for _, e := range list {
		fmt.Fprintln(&b, e.Error())
	}
	require.Len(t, list, len(wants), "problems:\n%s", b.String())
	for i, w := range wants {
		got := list[i]
		assert.Equal(t, w.line, got.Pos.Line, "problem %d: %s", i, got)
		assert.Equal(t, w.col, got.Pos.Column, "problem %d: %s", i, got)
		assert.Equal(t, w.code, got.Code, "problem %d: %s", i, got)
		assert.Equal(t, w.path, got.Path, "problem %d: %s", i, got)
	}
	golden(t, filepath.Join("testdata", "pricing-mistakes.golden"), b.String())
}

func TestPricingFieldsLoad(t *testing.T) {
	c, err := catalog.Parse([]byte(`
id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
convert_at: net
guardrails:
  max_header_discount_percent: 20
  lines:
    - {id: all, floor_percent: 50, approval_discount_percent: 15}
products:
  - {sku: DESK, name: Desk, category: furniture}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: DESK, price: 100, floor: 60, cost: 45}
price_rules:
  - {id: r1, categories: [furniture], exclusive: true, actions: [{type: add_product, product: DESK, quantity: "1", value: "0"}]}
`), "p.yaml")
	require.NoError(t, err)
	assert.True(t, c.Checked())
	assert.True(t, c.Category("furniture"))
	assert.False(t, c.Category("desks"))
	assert.Equal(t, catalog.ConvertAtNet, c.ConvertAt)
	assert.Equal(t, "20", c.Guardrails.MaxHeaderDiscountPercent.String())
	assert.Equal(t, "all", c.Guardrails.Lines[0].ID)
	e := c.PriceBooks[0].Entries[0]
	assert.Equal(t, "60", e.Floor.String())
	assert.Equal(t, "45", e.Cost.String())
	r := c.PriceRules[0]
	assert.True(t, r.Exclusive)
	assert.Equal(t, []string{"furniture"}, r.Categories)
	require.NotNil(t, r.Actions[0].Value.Program(), "the price of an added item is compiled")
	assert.False(t, (&catalog.Catalog{}).Checked())
}

// TestUnitMistakes loads a catalog with a mistake in each use of selling
// units and checks that each is reported at the line and column worked
// out by hand.
func TestUnitMistakes(t *testing.T) {
	src := `id: u
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - sku: SCREW
    name: Screw
    unit: pc
    units:
      - {unit: box, factor: 100}
      - {unit: box, factor: 50}
      - {unit: pc, factor: 1}
      - {unit: bag, factor: 0}
      - {unit: tin, factor: -2}
  - sku: NUT
    name: Nut
    units: [{unit: bag, factor: 10}]
  - sku: BOLT
    name: Bolt
    unit: pc
    units: [{unit: crate, factor: 10}]
    pricing: {method: block}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: SCREW, unit: bx, price: 10}
      - {product: BOLT, unit: crate, blocks: [{from: 1, to: 10, price: 5}]}
      - {product: NUT, unit: bag, price: 3}
price_rules:
  - {id: r1, unit: carton, actions: [{type: discount_percent, value: "5"}]}
  - {id: r2, products: [BOLT], unit: box, actions: [{type: discount_percent, value: "5"}]}
  - {id: r3, products: [SCREW], unit: box, actions: [{type: discount_percent, value: "5"}]}
`
	_, err := catalog.Parse([]byte(src), "u.yaml")
	var list catalog.Errors
	require.ErrorAs(t, err, &list)
	type want struct {
		line, col int
		code      string
		path      string
	}
	wants := []want{
		{11, 16, "catalog.duplicate-id", "products[0].units[1].unit"},           // box twice
		{12, 16, "catalog.duplicate-id", "products[0].units[2].unit"},           // the stock unit
		{13, 29, "catalog.range", "products[0].units[3].factor"},                // 0
		{14, 29, "catalog.range", "products[0].units[4].factor"},                // -2
		{17, 12, "catalog.required", "products[1].units"},                       // no stock unit
		{28, 32, "catalog.unknown-reference", "price_books[0].entries[0].unit"}, // bx
		{29, 31, "catalog.invalid", "price_books[0].entries[1].unit"},           // blocks count stock units
		{32, 20, "catalog.unknown-reference", "price_rules[0].unit"},            // carton: no product
		{33, 38, "catalog.unknown-reference", "price_rules[1].unit"},            // box: not BOLT's
	}
	var b strings.Builder
	for _, e := range list {
		fmt.Fprintln(&b, e.Error())
	}
	require.Len(t, list, len(wants), "problems:\n%s", b.String())
	for i, w := range wants {
		got := list[i]
		assert.Equal(t, w.line, got.Pos.Line, "problem %d: %s", i, got)
		assert.Equal(t, w.col, got.Pos.Column, "problem %d: %s", i, got)
		assert.Equal(t, w.code, got.Code, "problem %d: %s", i, got)
		assert.Equal(t, w.path, got.Path, "problem %d: %s", i, got)
	}
	assert.Contains(t, list[5].Message, `product "SCREW" is not sold in unit "bx"; did you mean "box"?`)
	assert.Contains(t, list[7].Message, `no product is sold in unit "carton"`)
	assert.Contains(t, list[8].Message, `no product the rule applies to is sold in unit "box"`)
}

func TestUnitFactor(t *testing.T) {
	c, err := catalog.Parse([]byte(`
id: u
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - {sku: SCREW, name: Screw, unit: pc, units: [{unit: box, factor: 100}, {unit: half, factor: 0.5}]}
`), "u.yaml")
	require.NoError(t, err)
	p := c.Products[0]
	for unit, want := range map[string]string{"": "1", "pc": "1", "box": "100", "half": "0.5"} {
		f, ok := p.UnitFactor(unit)
		assert.True(t, ok, unit)
		assert.Equal(t, want, f.String(), unit)
	}
	_, ok := p.UnitFactor("crate")
	assert.False(t, ok)
	assert.Equal(t, []string{"pc", "box", "half"}, p.SellingUnits())
}

// TestSurchargeCostMistakes checks the costs of surcharges: a negative
// number, a formula that does not compile and a cost on an entry without
// one, each at the line and column worked out by hand.
func TestSurchargeCostMistakes(t *testing.T) {
	src := `id: p
version: "1"
effective_from: 2026-01-01
currency: EUR
products:
  - sku: DESK
    name: Desk
    attributes:
      - {id: size, type: enum, values: [S, L], default: S}
  - {sku: LAMP, name: Lamp}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - product: DESK
        price: 100
        cost: 60
        surcharges:
          - {id: large, when: {size: L}, amount: 30, cost: -5}
          - {id: wide, amount: 10, cost: sise == "L" ? 4 : 2}
          - {id: ok, when: {size: L}, amount: 5, cost: 3}
      - product: LAMP
        price: 40
        surcharges:
          - {id: bulb, amount: 5, cost: 2}
`
	_, err := catalog.Parse([]byte(src), "p.yaml")
	var list catalog.Errors
	require.ErrorAs(t, err, &list)
	type want struct {
		line, col int
		code      string
		path      string
	}
	wants := []want{
		{20, 60, "catalog.range", "price_books[0].entries[0].surcharges[0].cost"},        // -5
		{21, 42, "formula.unknown-name", "price_books[0].entries[0].surcharges[1].cost"}, // sise
		{26, 41, "catalog.required", "price_books[0].entries[1].surcharges[0].cost"},     // LAMP has no cost
	}
	var b strings.Builder
	for _, e := range list {
		fmt.Fprintln(&b, e.Error())
	}
	require.Len(t, list, len(wants), "problems:\n%s", b.String())
	for i, w := range wants {
		got := list[i]
		assert.Equal(t, w.line, got.Pos.Line, "problem %d: %s", i, got)
		assert.Equal(t, w.col, got.Pos.Column, "problem %d: %s", i, got)
		assert.Equal(t, w.code, got.Code, "problem %d: %s", i, got)
		assert.Equal(t, w.path, got.Path, "problem %d: %s", i, got)
	}
}
