package pricing_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/catalog"
	"github.com/cpqkit/cpq/formula"
	"github.com/cpqkit/cpq/money"
	"github.com/cpqkit/cpq/pricing"
)

const guarded = `
currency: EUR
guardrails:
  max_header_discount_percent: 20
  approval_header_discount_percent: 10
  lines:
    - id: general
      floor_percent: 50
      approval_discount_percent: 15
    - id: servers
      categories: [servers]
      floor_percent: 60
      min_margin_percent: 10
      approval_discount_percent: 10
      approval_margin_percent: 25
    - id: special
      products: [SRV-X]
      approval_floor_percent: 95
products:
  - sku: SRV
    name: Server
    category: servers
    attributes:
      - {id: cpu, type: enum, values: [X5, X7], default: X5}
  - {sku: SRV-X, name: Special server, category: servers}
  - {sku: CABLE, name: Cable, category: cables}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - product: SRV
        price: 1000
        cost: 700
        floor: 650
        surcharges:
          - {id: x7, when: {cpu: X7}, amount: 300}
      - {product: SRV-X, price: 1000}
      - {product: CABLE, price: 10}
`

// TestManualAdjustments: a unit price override, then a percent off, then
// an amount off, each a step with the salesperson's reason.
func TestManualAdjustments(t *testing.T) {
	e := engine(t, guarded)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{
		{Product: "CABLE", Quantity: qty(10), Manual: &pricing.Adjustment{UnitPrice: dp("9"), Percent: dp("10"), Amount: dp("1"), Reason: "bulk"}},
	}})
	l := res.Lines[0]
	assert.Equal(t, []string{
		"list eur 0.00 EUR → 100.00 EUR",
		"manual manual 100.00 EUR → 90.00 EUR",
		"manual manual 90.00 EUR → 81.00 EUR",
		"manual manual 81.00 EUR → 80.00 EUR",
	}, steps(l))
	assert.Equal(t, "10% off the line: bulk", l.Steps[2].Reason)
	assert.Equal(t, "20", l.DiscountPercent.String())
	// 20 % off list is beyond the general guardrail's 15 %: flagged.
	require.Len(t, res.Approval.Flags, 1)
	f := res.Approval.Flags[0]
	assert.Equal(t, []string{pricing.FlagLineDiscount, "1", "general", "15", "20", "line 1 is discounted 20% off list, above 15%"},
		[]string{f.Code, f.Line, f.Guardrail, f.Limit.String(), f.Actual.String(), f.Reason})
	assert.Equal(t, "20", res.Approval.MaxLineDiscountPercent.String())
}

// TestHeaderDiscountAllocation: 100 off three lines of 100 each is
// 33.34, 33.33 and 33.33 (the largest remainder first): the shares always
// add up to the header discount.
func TestHeaderDiscountAllocation(t *testing.T) {
	e := engine(t, `
currency: EUR
products:
  - {sku: A, name: A}
  - {sku: B, name: B}
price_books:
  - id: eur
    currency: EUR
    standard: true
    entries:
      - {product: A, price: 100}
      - {product: B, price: 33.33}
`)
	res := price(t, e, pricing.Request{HeaderDiscount: &pricing.Adjustment{Amount: dp("100")},
		Lines: []pricing.Line{{Product: "A", Quantity: qty(1)}, {Product: "A", Quantity: qty(1)}, {Product: "A", Quantity: qty(1)}}})
	var nets []string
	for _, l := range res.Lines {
		nets = append(nets, l.Net.String())
	}
	assert.Equal(t, []string{"66.66 EUR", "66.67 EUR", "66.67 EUR"}, nets)
	assertAmount(t, "200.00 EUR", res.Totals.Net)
	assertAmount(t, "100.00 EUR", res.Totals.HeaderDiscount)
	assert.Equal(t, "33.33", res.Approval.HeaderDiscountPercent.String())

	// 7.5 % of 399.99 (300 + 3 × 33.33) is 29.99925 → 30.00, allocated
	// 300:99.99 by weight and exactly: 22.50 + 2.50 + 2.50 + 2.50.
	res = price(t, e, pricing.Request{HeaderDiscount: &pricing.Adjustment{Percent: dp("7.5"), Reason: "launch"},
		Lines: []pricing.Line{{Product: "A", Quantity: qty(3)}, {Product: "B", Quantity: qty(1)}, {Product: "B", Quantity: qty(1)}, {Product: "B", Quantity: qty(1)}}})
	assertAmount(t, "30.00 EUR", res.Totals.HeaderDiscount)
	shares := decimal.Zero
	for _, l := range res.Lines {
		s := l.Steps[len(l.Steps)-1]
		assert.Equal(t, pricing.StepHeader, s.Kind)
		shares = shares.Add(s.Before.Value().Sub(s.After.Value()))
	}
	assert.Equal(t, "30", shares.String())
	assertAmount(t, "369.99 EUR", res.Totals.Net)
	assert.Equal(t, "share of the header discount of 7.5% (30.00 EUR): launch", res.Lines[0].Steps[1].Reason)
}

func TestGuardrails(t *testing.T) {
	e := engine(t, guarded)
	srv := func(m *pricing.Adjustment) pricing.Line {
		return pricing.Line{Product: "SRV", Quantity: qty(1), Manual: m}
	}
	// 1000 list, 700 cost. 5 % off: 950, a margin of 26.32 %: fine.
	res := price(t, e, pricing.Request{Lines: []pricing.Line{srv(&pricing.Adjustment{Percent: dp("5")})}})
	assert.Empty(t, res.Approval.Flags)
	// 12 % off: 880, above the 10 % approval limit and below the 25 %
	// approval margin (20.45 %): two flags, no error.
	res = price(t, e, pricing.Request{Lines: []pricing.Line{srv(&pricing.Adjustment{Percent: dp("12")})}})
	require.Len(t, res.Approval.Flags, 2)
	assert.Equal(t, pricing.FlagLineDiscount, res.Approval.Flags[0].Code)
	assert.Equal(t, pricing.FlagLineMargin, res.Approval.Flags[1].Code)
	assert.Equal(t, "20.45", res.Approval.Flags[1].Actual.String())
	assert.Equal(t, 1, res.Approval.LinesBelowMinMargin)

	// 640 is below the price book's floor of 650, and sold below its cost
	// of 700 (a margin of −60 / 640 = −9.375 %) below the 10 % minimum:
	// refused, never clamped.
	_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{srv(&pricing.Adjustment{UnitPrice: dp("640")})}})
	require.ErrorIs(t, err, pricing.ErrBelowFloor)
	require.ErrorIs(t, err, pricing.ErrBelowMinMargin)
	var ge *pricing.GuardrailError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, []string{"1", "SRV", "eur", pricing.LimitFloor, "650", "640"},
		[]string{ge.Line, ge.Product, ge.Guardrail, ge.Limit, ge.Min.String(), ge.Actual.String()})
	assert.Contains(t, err.Error(), "line 1 (SRV): net 640 is below the floor 650 of price book eur")
	assert.Contains(t, err.Error(), "line 1 (SRV): margin -9.38% is below the minimum 10% of guardrail servers")

	// An X7 server lists at 1300: 780 is 60 % of it, at the floor of the
	// servers guardrail (allowed, flagged); 770 is 59.23 %, below it,
	// though above the book's 650 floor.
	res = price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "SRV", Quantity: qty(1), Values: map[string]string{"cpu": "X7"},
		Manual: &pricing.Adjustment{UnitPrice: dp("780")}}}})
	assert.Len(t, res.Approval.Flags, 2)
	_, err = tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "SRV", Quantity: qty(1), Values: map[string]string{"cpu": "X7"},
		Manual: &pricing.Adjustment{UnitPrice: dp("770")}}}})
	require.ErrorIs(t, err, pricing.ErrBelowFloor)
	assert.Contains(t, err.Error(), "net is 59.23% of list, below the floor of 60% of guardrail servers")

	// The special server's own guardrail flags anything under 95 % of list.
	res = price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "SRV-X", Quantity: qty(1), Manual: &pricing.Adjustment{Percent: dp("6")}}}})
	require.Len(t, res.Approval.Flags, 1)
	assert.Equal(t, pricing.FlagLineFloor, res.Approval.Flags[0].Code)
	assert.Equal(t, 1, res.Approval.LinesBelowFloor)

	// Header discounts: 12 % needs approval, 25 % is above the maximum.
	res = price(t, e, pricing.Request{HeaderDiscount: &pricing.Adjustment{Percent: dp("12")}, Lines: []pricing.Line{{Product: "CABLE", Quantity: qty(10)}}})
	require.Len(t, res.Approval.Flags, 1)
	assert.Equal(t, pricing.FlagHeaderDiscount, res.Approval.Flags[0].Code)
	_, err = tryPrice(e, pricing.Request{HeaderDiscount: &pricing.Adjustment{Percent: dp("25")}, Lines: []pricing.Line{{Product: "CABLE", Quantity: qty(10)}}})
	require.ErrorIs(t, err, pricing.ErrHeaderDiscountLimit)
}

func TestContractedPrices(t *testing.T) {
	contracts := &pricing.ContractTable{Entries: []pricing.Contract{
		{ID: "K-1", Customer: "ACME", Product: "SRV", Currency: "EUR", UnitPrice: d("900")},
		{ID: "K-2", Customer: "ACME", Product: "CABLE", Currency: "EUR", UnitPrice: d("8"), Net: true},
		{ID: "K-old", Customer: "ACME", Product: "SRV-X", Currency: "EUR", UnitPrice: d("1"), To: date("2025-12-31")},
	}}
	e := engine(t, guarded+`
price_rules:
  - {id: cables, products: [CABLE], actions: [{type: discount_percent, value: "50"}]}
`, pricing.Options{Contracts: contracts})
	res := price(t, e, pricing.Request{Customer: pricing.Customer{ID: "ACME"}, Lines: []pricing.Line{
		{Product: "SRV", Quantity: qty(2), Values: map[string]string{"cpu": "X7"}},
		{Product: "CABLE", Quantity: qty(10)},
		{Product: "SRV-X", Quantity: qty(1)},
	}})
	// The contract replaces the list price; the X7 surcharge still adds.
	assert.Equal(t, []string{
		"list eur 0.00 EUR → 2000.00 EUR",
		"contracted K-1 2000.00 EUR → 1800.00 EUR",
		"surcharge x7 1800.00 EUR → 2400.00 EUR",
	}, steps(res.Lines[0]))
	assertAmount(t, "2600.00 EUR", res.Lines[0].List)
	// A net contract price is final: the cable rule does not apply.
	assert.Equal(t, []string{"list eur 0.00 EUR → 100.00 EUR", "contracted K-2 100.00 EUR → 80.00 EUR"}, steps(res.Lines[1]))
	// An expired contract is not used.
	assertAmount(t, "1000.00 EUR", res.Lines[2].Net)
	// Another customer pays list, less the cable rule.
	res = price(t, e, pricing.Request{Customer: pricing.Customer{ID: "OTHER"}, Lines: []pricing.Line{{Product: "CABLE", Quantity: qty(10)}}})
	assertAmount(t, "50.00 EUR", res.Lines[0].Net)
}

func TestTaxRates(t *testing.T) {
	tax := &pricing.TaxRates{Mode: money.HalfUp, Rates: []pricing.TaxRate{
		{Name: "no tax"},
		{Country: "DE", Name: "MwSt", Percent: d("19")},
		{Country: "DE", Category: "cables", Name: "MwSt reduced", Percent: d("7")},
	}}
	e := engine(t, guarded, pricing.Options{Tax: tax})
	res := price(t, e, pricing.Request{Customer: pricing.Customer{Country: "DE"}, Lines: []pricing.Line{
		{Product: "SRV", Quantity: qty(1)}, {Product: "CABLE", Quantity: qty(3), Manual: &pricing.Adjustment{Amount: dp("0.07")}}}})
	require.Len(t, res.Taxes, 2)
	// 19 % of 1000 is 190; 7 % of 29.93 is 2.0951 → 2.10 (half up).
	assertAmount(t, "190.00 EUR", res.Taxes[0].Amount)
	assert.Equal(t, "MwSt reduced", res.Taxes[1].Name)
	assertAmount(t, "2.10 EUR", res.Taxes[1].Amount)
	assertAmount(t, "192.10 EUR", res.Totals.Tax)
	assertAmount(t, "1222.03 EUR", res.Totals.Gross)
	// Elsewhere the catch-all rate of 0 applies.
	res = price(t, e, pricing.Request{Customer: pricing.Customer{Country: "FR"}, Lines: []pricing.Line{{Product: "CABLE", Quantity: qty(1)}}})
	assertAmount(t, "0.00 EUR", res.Totals.Tax)
}

// TestApprovalFacts: the facts pricing hands the approval engine satisfy
// the catalog's approval rules' schema; a rule on them evaluates.
func TestApprovalFacts(t *testing.T) {
	e := engine(t, guarded)
	res := price(t, e, pricing.Request{HeaderDiscount: &pricing.Adjustment{Percent: dp("5")},
		Lines: []pricing.Line{{Product: "SRV", Quantity: qty(1)}, {Product: "CABLE", Quantity: qty(10), Manual: &pricing.Adjustment{Percent: dp("30")}}}})
	facts := res.ApprovalFacts()
	for name, typ := range catalog.ApprovalFacts {
		if v, ok := facts[name]; ok {
			p, err := formula.Compile(name, formula.Options{Schema: formula.Schema{name: typ}})
			require.NoError(t, err)
			_, err = p.Eval(formula.Vars{name: v})
			require.NoError(t, err, name)
		}
	}
	p, err := formula.Compile("quote.max_line_discount_percent > 25 && quote.total < quote.list_total && \"cables\" in quote.categories",
		formula.Options{Schema: catalog.ApprovalFacts, Result: formula.TypeBool})
	require.NoError(t, err)
	ok, err := p.EvalBool(facts)
	require.NoError(t, err)
	// The cable line: 100 at list, 30 % off by hand (70), then its share of
	// 5 % of the 1070 subtotal (53.50 × 70 / 1070 = 3.50): 66.50, 33.5 % off.
	assert.True(t, ok)
	assert.Equal(t, "33.5", res.Lines[1].DiscountPercent.String())
	assert.Equal(t, "5", res.Approval.HeaderDiscountPercent.String())
}
