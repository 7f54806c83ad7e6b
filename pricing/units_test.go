package pricing_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/examples/catalogs"
	"github.com/cpqkit/cpq/pricing"
)

// unitsCatalog sells screws by the piece, the box of 100 and the pallet of
// 5000 (priced per piece), cable by the metre and the reel of 50 (priced
// per reel), and a kit of 4 screws by the kit and the carton of 10.
const unitsCatalog = `
currency: EUR
products:
  - sku: SCREW
    name: Screw
    unit: pc
    units: [{unit: box, factor: 100}, {unit: pallet, factor: 5000}]
  - sku: CABLE
    name: Cable
    unit: m
    units: [{unit: reel, factor: 50}]
  - sku: KIT
    name: Kit
    kind: bundle
    unit: kit
    units: [{unit: carton, factor: 10}]
    features:
      - id: parts
        min: 0
        options:
          - {id: screws, product: SCREW, default: true, quantity: {min: 4, max: 4}}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: SCREW, price: 0.12, cost: 0.05}
      - {product: CABLE, unit: reel, price: 80}
      - {product: KIT, price: 5}
discount_schedules:
  - id: screw_volume
    type: range
    unit: percent
    products: [SCREW]
    tiers: [{from: 1, to: 999, value: 0}, {from: 1000, value: 10}]
price_rules:
  - {id: box_deal, products: [SCREW], unit: box, actions: [{type: discount_amount, value: "2"}]}
  - id: staff
    priority: 10
    products: [CABLE]
    condition: customer.segment == "staff"
    actions: [{type: set_price, value: line.list_price / 2}]
  - {id: bulk, priority: 20, products: [CABLE], condition: line.quantity >= 100, actions: [{type: discount_amount, value: "0.1"}]}
`

func unitLine(sku string, n int64, unit string) pricing.Line {
	return pricing.Line{Product: sku, Quantity: qty(n), Unit: unit}
}

func reasons(l *pricing.PricedLine) []string {
	out := make([]string, len(l.Steps))
	for i, s := range l.Steps {
		out[i] = s.Reason
	}
	return out
}

func TestSellingUnits(t *testing.T) {
	e := engine(t, unitsCatalog)
	t.Run("box of a product priced per piece", func(t *testing.T) {
		// 3 boxes are 300 pieces: list 0.12 × 100 = 12.00 a box, 36.00;
		// the schedule counts 300 pieces, tier 1–999 at 0 %; the box rule
		// takes 2.00 off a box: 36.00 − 6.00 = 30.00, 10.00 a box. Cost
		// 0.05 × 300 = 15.00.
		l := price(t, e, pricing.Request{Lines: []pricing.Line{unitLine("SCREW", 3, "box")}}).Lines[0]
		assert.Equal(t, "box", l.Unit)
		assert.Equal(t, "3", l.Quantity.String())
		assert.Equal(t, []string{"list eur 0.00 EUR → 36.00 EUR", "rule box_deal 36.00 EUR → 30.00 EUR"}, steps(l))
		assert.Equal(t, []string{
			"list price 0.12 EUR per pc, 12.00 EUR per box (1 box = 100 pc) × 3 from price book eur",
			"rule box_deal: 2.00 EUR off per box",
		}, reasons(l))
		assertAmount(t, "12.00 EUR", l.UnitList)
		assertAmount(t, "10.00 EUR", l.UnitNet)
		assertAmount(t, "15.00 EUR", l.Cost)
		assertAmount(t, "15.00 EUR", l.Margin)
	})
	t.Run("schedule tiers count stock units", func(t *testing.T) {
		// 12 boxes are 1200 pieces, tier 1000+: 144.00 − 10 % = 129.60;
		// then 2.00 off each of 12 boxes: 105.60, 8.80 a box.
		l := price(t, e, pricing.Request{Lines: []pricing.Line{unitLine("SCREW", 12, "box")}}).Lines[0]
		assert.Equal(t, []string{"list eur 0.00 EUR → 144.00 EUR", "schedule screw_volume 144.00 EUR → 129.60 EUR",
			"rule box_deal 129.60 EUR → 105.60 EUR"}, steps(l))
		assert.Equal(t, "screw_volume: tier 1000+ reached by quantity 1200 pc (this line 12 box, 1 box = 100 pc): 10% off", l.Steps[1].Reason)
		assertAmount(t, "8.80 EUR", l.UnitNet)
	})
	t.Run("a rule for boxes leaves other units alone", func(t *testing.T) {
		// 1000 pieces: 120.00 − 10 % = 108.00, a unit price of 0.108
		// that rounds to 0.11: 110.00. One pallet, 5000 pieces: 0.12 ×
		// 5000 = 600.00 − 10 % = 540.00, rounded per pallet. The box rule
		// applies to neither.
		res := price(t, e, pricing.Request{Lines: []pricing.Line{unitLine("SCREW", 1000, ""), unitLine("SCREW", 1, "pallet")}})
		assert.Equal(t, []string{"list eur 0.00 EUR → 120.00 EUR", "schedule screw_volume 120.00 EUR → 108.00 EUR",
			"rounding half_even 108.00 EUR → 110.00 EUR"}, steps(res.Lines[0]))
		assert.Equal(t, "list price 0.12 EUR × 1000 from price book eur", res.Lines[0].Steps[0].Reason, "a line in the stock unit reads as before")
		assert.Equal(t, []string{"list eur 0.00 EUR → 600.00 EUR", "schedule screw_volume 600.00 EUR → 540.00 EUR"}, steps(res.Lines[1]))
		assertAmount(t, "540.00 EUR", res.Lines[1].UnitNet)
	})
	t.Run("prior quantity is in the line's unit", func(t *testing.T) {
		// 5 boxes after 6: pieces 601 to 1100, tier 1000+: 60.00 − 10 %
		// = 54.00, less 2.00 × 5 = 44.00.
		l := unitLine("SCREW", 5, "box")
		l.PriorQuantity = qty(6)
		pl := price(t, e, pricing.Request{Lines: []pricing.Line{l}}).Lines[0]
		assertAmount(t, "44.00 EUR", pl.Net)
		assert.Equal(t, "screw_volume: tier 1000+ reached by quantity 1100 pc (600 before this line; this line 5 box, 1 box = 100 pc): 10% off", pl.Steps[1].Reason)
	})
	t.Run("entry per a selling unit", func(t *testing.T) {
		// 2 reels at 80.00 = 160.00. They are 100 m, so the bulk rule
		// (per metre, no unit) takes 0.10 × 50 = 5.00 off a reel: 150.00.
		l := price(t, e, pricing.Request{Lines: []pricing.Line{unitLine("CABLE", 2, "reel")}}).Lines[0]
		assert.Equal(t, []string{"list eur 0.00 EUR → 160.00 EUR", "rule bulk 160.00 EUR → 150.00 EUR"}, steps(l))
		assert.Equal(t, []string{
			"list price 80.00 EUR per reel × 2 from price book eur",
			"rule bulk: 0.10 EUR off per m, 5.00 EUR off per reel (1 reel = 50 m)",
		}, reasons(l))
	})
	t.Run("line facts are per stock unit", func(t *testing.T) {
		// line.list_price is 80 ÷ 50 = 1.60 a metre; staff pay half, 0.80
		// a metre, 40.00 a reel, 80.00; then bulk takes 10.00: 70.00.
		res := price(t, e, pricing.Request{Customer: pricing.Customer{Segment: "staff"}, Lines: []pricing.Line{unitLine("CABLE", 2, "reel")}})
		l := res.Lines[0]
		assert.Equal(t, []string{"list eur 0.00 EUR → 160.00 EUR", "rule staff 160.00 EUR → 80.00 EUR", "rule bulk 80.00 EUR → 70.00 EUR"}, steps(l))
		assert.Equal(t, "rule staff: unit price set to 0.80 EUR per m, 40.00 EUR per reel (1 reel = 50 m)", l.Steps[1].Reason)
	})
	t.Run("stock unit named, entry per another unit", func(t *testing.T) {
		// 80.00 a reel of 50 m is 1.60 a metre: 30 m cost 48.00; the
		// bulk rule needs 100 m.
		l := price(t, e, pricing.Request{Lines: []pricing.Line{unitLine("CABLE", 30, "m")}}).Lines[0]
		assert.Equal(t, []string{"list eur 0.00 EUR → 48.00 EUR"}, steps(l))
		assert.Equal(t, "list price 80.00 EUR per reel, 1.60 EUR per m (1 reel = 50 m) × 30 from price book eur", l.Steps[0].Reason)
		assertAmount(t, "1.60 EUR", l.UnitList)
	})
	t.Run("options count the bundle's stock units", func(t *testing.T) {
		// 2 cartons are 20 kits: 5 × 10 × 2 = 100.00; each kit has 4
		// screws, 80 pieces at 0.12 = 9.60.
		res := price(t, e, pricing.Request{Lines: []pricing.Line{unitLine("KIT", 2, "carton")}})
		require.Len(t, res.Lines, 2)
		assertAmount(t, "100.00 EUR", res.Lines[0].Net)
		assert.Equal(t, "1.screws SCREW 80", res.Lines[1].ID+" "+res.Lines[1].Product+" "+res.Lines[1].Quantity.String())
		assertAmount(t, "9.60 EUR", res.Lines[1].Net)
		assertAmount(t, "109.60 EUR", res.Totals.Net)
	})
	t.Run("unknown unit", func(t *testing.T) {
		_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{unitLine("SCREW", 1, "box"), unitLine("SCREW", 2, "boxes")}})
		require.ErrorIs(t, err, pricing.ErrInvalidRequest)
		var le *pricing.LineError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "2", le.Line)
		assert.Equal(t, `line 2 (SCREW): invalid pricing request: product "SCREW" is not sold in unit "boxes"; did you mean "box"?`, err.Error())
		_, err = tryPrice(e, pricing.Request{Lines: []pricing.Line{unitLine("KIT", 1, "crate")}})
		assert.ErrorContains(t, err, `product "KIT" is not sold in unit "crate" (its units: kit, carton)`)
	})
}

// TestUnitRuleConflict: a rule per box and a rule per piece at one
// priority set the same price when 0.11 a piece is 11.00 a box, and
// conflict when it is not.
func TestUnitRuleConflict(t *testing.T) {
	body := `
currency: EUR
products:
  - {sku: SCREW, name: Screw, unit: pc, units: [{unit: box, factor: 100}]}
price_books:
  - {id: eur, currency: EUR, standard: true, entries: [{product: SCREW, price: 0.12}]}
price_rules:
  - {id: per_box, priority: 5, unit: box, actions: [{type: set_price, value: "11"}]}
  - {id: per_piece, priority: 5, actions: [{type: set_price, value: "%s"}]}
`
	e := engine(t, fmt.Sprintf(body, "0.11"))
	l := price(t, e, pricing.Request{Lines: []pricing.Line{unitLine("SCREW", 2, "box")}}).Lines[0]
	assertAmount(t, "22.00 EUR", l.Net)

	e = engine(t, fmt.Sprintf(body, "0.1"))
	_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{unitLine("SCREW", 2, "box")}})
	var ce *pricing.RuleConflictError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Contains(t, ce.Reason, "they set different prices (11 and 10)")
	// A line in pieces sees only the rule per piece.
	l = price(t, e, pricing.Request{Lines: []pricing.Line{unitLine("SCREW", 2, "")}}).Lines[0]
	assertAmount(t, "0.20 EUR", l.Net)
}

func TestParseRequestUnits(t *testing.T) {
	e := engine(t, unitsCatalog)
	req, err := e.ParseRequest([]byte(`date: 2026-03-02
lines:
  - {product: SCREW, quantity: 3, unit: box}
`), "q.yaml")
	require.NoError(t, err)
	assert.Equal(t, "box", req.Lines[0].Unit)

	_, err = e.ParseRequest([]byte(`date: 2026-03-02
lines:
  - {product: SCREW, quantity: 3, unit: box}
  - {product: SCREW, quantity: 2, unit: boxes}
`), "q.yaml")
	var list pricing.InputErrors
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 1)
	// "  - {product: SCREW, quantity: 2, unit: " is 40 characters.
	assert.Equal(t, `q.yaml:4:41: quote.unknown-reference: line 2: product "SCREW" is not sold in unit "boxes"; did you mean "box"? (at lines[1].unit)`, list[0].Error())
}

// A configuration completed by the configurator carries qty.<option> = 0
// for options not taken: pricing takes that as "not selected".
func TestOptionQuantityZeroMeansNotTaken(t *testing.T) {
	c, err := catalog.LoadFS(catalogs.FS, "server.yaml")
	require.NoError(t, err)
	eng, err := pricing.New(c, pricing.Options{})
	require.NoError(t, err)
	price := func(values map[string]string) (*pricing.Result, error) {
		return eng.Price(context.Background(), pricing.Request{Date: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			Lines: []pricing.Line{{ID: "1", Product: "SRV-R2", Quantity: decimal.NewFromInt(1), Values: values}}})
	}
	res, err := price(map[string]string{"ssd_960": "true", "qty.ssd_960": "2", "qty.nvme_3840": "0", "qty.hdd_8t": "0"})
	require.NoError(t, err)
	var options []string
	for _, l := range res.Lines[1:] {
		options = append(options, l.Product+"×"+l.Quantity.String())
	}
	assert.Equal(t, []string{"DRV-SSD-960×2"}, options)
	_, err = price(map[string]string{"nvme_3840": "true", "qty.nvme_3840": "0"})
	assert.ErrorContains(t, err, `option "nvme_3840" is selected with quantity 0`)
}
