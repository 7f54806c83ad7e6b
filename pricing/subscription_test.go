package pricing_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/pricing"
)

const subscriptions = `
currency: USD
rounding: {mode: half_up, at: line_total}
products:
  - sku: SEATS
    name: Seats
    kind: subscription
    subscription: {term_months: 12, billing: quarterly, price_period: month, proration: by_month, renewal_uplift: 5}
  - sku: SEATS-DAY
    name: Seats prorated by day
    kind: subscription
    subscription: {term_months: 12, billing: monthly, price_period: month, proration: by_day}
  - sku: PLATFORM
    name: Platform
    kind: subscription
    subscription: {term_months: 12, billing: annual, price_period: year, proration: by_day}
  - {sku: SETUP, name: Set-up, kind: service}
price_books:
  - id: usd
    currency: USD
    standard: true
    entries:
      - {product: SEATS, price: 45}
      - {product: SEATS-DAY, price: 31}
      - {product: PLATFORM, price: 3650}
      - {product: SETUP, price: 2000}
`

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestProration(t *testing.T) {
	e := engine(t, subscriptions)
	for _, tc := range []struct {
		name       string
		line       pricing.Line
		term       int
		mult, net  string
		termMonths string
	}{
		// 10 seats at 45 a month for the product's 12 months: 5400.
		{"product term", pricing.Line{Product: "SEATS", Quantity: qty(10)}, 0, "12", "5400.00 USD", "12"},
		// The quote's 24 months: 10800.
		{"quote term", pricing.Line{Product: "SEATS", Quantity: qty(10)}, 24, "24", "10800.00 USD", "24"},
		// 15 Jan to 14 Apr is 3 months exactly.
		{"by month, whole months", pricing.Line{Product: "SEATS", Quantity: qty(1), Start: date("2026-01-15"), End: date("2026-04-14")}, 0, "3", "135.00 USD", "3"},
		// 15 Jan to 20 Apr: 3 months and 6 days, counted as 4 months.
		{"by month, partial month counted whole", pricing.Line{Product: "SEATS", Quantity: qty(1), Start: date("2026-01-15"), End: date("2026-04-20")}, 0, "4", "180.00 USD", "4"},
		// 1 Jan to 14 Feb 2025: January, then 14 of February's 28 days:
		// 1.5 months at 31 = 46.50.
		{"by day, half a month", pricing.Line{Product: "SEATS-DAY", Quantity: qty(1), Start: date("2025-01-01"), End: date("2025-02-14")}, 0, "1.5", "46.50 USD", "1.5"},
		// A leap year of 366 days is one whole year: the full price.
		{"by day, a full leap year", pricing.Line{Product: "PLATFORM", Quantity: qty(1), Start: date("2024-01-01"), End: date("2024-12-31")}, 0, "1", "3650.00 USD", "12"},
		// 2025 and then 73 of 2026's 365 days: 1.2 years, 4380.
		{"by day, a year and 73 days", pricing.Line{Product: "PLATFORM", Quantity: qty(1), Start: date("2025-01-01"), End: date("2026-03-14")}, 0, "1.2", "4380.00 USD", "14.4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := price(t, e, pricing.Request{TermMonths: tc.term, Lines: []pricing.Line{tc.line}})
			l := res.Lines[0]
			require.NotNil(t, l.Subscription)
			assert.Equal(t, tc.mult, l.Subscription.Multiplier.String())
			assert.Equal(t, tc.termMonths, l.Subscription.TermMonths.String())
			assertAmount(t, tc.net, l.Net)
			assert.Equal(t, pricing.StepProration, l.Steps[1].Kind)
		})
	}
}

func TestProrationOfOneTwelfth(t *testing.T) {
	// 13 months at a price per year: 13/12 does not end; the multiplier
	// keeps twelve places and the line is rounded once: 3650 × 1.083333333333
	// = 3954.166666665 → 3954.17.
	e := engine(t, subscriptions)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "PLATFORM", Quantity: qty(1), TermMonths: 13}}})
	l := res.Lines[0]
	assert.Equal(t, "1.083333333333", l.Subscription.Multiplier.String())
	assertAmount(t, "3954.17 USD", l.Net)
}

func TestRenewalUplift(t *testing.T) {
	e := engine(t, subscriptions)
	res := price(t, e, pricing.Request{Lines: []pricing.Line{{Product: "SEATS", Quantity: qty(10), Renewal: true}}})
	l := res.Lines[0]
	// 5400 for the year, 5 % more on renewal: 5670.
	assert.Equal(t, "uplift SEATS 5400.00 USD → 5670.00 USD", steps(l)[2])
	assertAmount(t, "5670.00 USD", l.Net)
	assertAmount(t, "5670.00 USD", l.List, "the renewal price is the renewal's list")
}

// TestRecurringTotals: 10 seats for 24 months (10800) and a platform for
// 2 years (7300) are recurring; the set-up (2000) is one-time. MRR is
// 10800/24 = 450 plus 7300/24 = 304.17 (rounded half-up): 754.17; ARR is
// twelve times each line's MRR: 5400 + 3650.04 = 9050.04; TCV 20100.
func TestRecurringTotals(t *testing.T) {
	e := engine(t, subscriptions)
	res := price(t, e, pricing.Request{TermMonths: 24, Lines: []pricing.Line{
		{Product: "SEATS", Quantity: qty(10)}, {Product: "PLATFORM", Quantity: qty(1)}, {Product: "SETUP", Quantity: qty(1)}}})
	assertAmount(t, "450.00 USD", res.Lines[0].Subscription.MRR)
	assertAmount(t, "304.17 USD", res.Lines[1].Subscription.MRR)
	assert.False(t, res.Lines[2].Recurring)
	assert.Nil(t, res.Lines[2].Subscription)
	tt := res.Totals
	assertAmount(t, "18100.00 USD", tt.Recurring)
	assertAmount(t, "2000.00 USD", tt.OneTime)
	assertAmount(t, "754.17 USD", tt.MRR)
	assertAmount(t, "9050.04 USD", tt.ARR)
	assertAmount(t, "20100.00 USD", tt.TCV)
	assertAmount(t, "20100.00 USD", tt.Net)

	// Billed quarterly over 24 months: 8 invoices of 1350.
	bills, err := res.Lines[0].BillingSchedule()
	require.NoError(t, err)
	assert.Len(t, bills, 8)
	assertAmount(t, "1350.00 USD", bills[0])
	// Annual billing of 7300 over 2 years: 3650 twice; the set-up is one invoice.
	bills, err = res.Lines[1].BillingSchedule()
	require.NoError(t, err)
	assert.Equal(t, []string{"3650.00 USD", "3650.00 USD"}, []string{bills[0].String(), bills[1].String()})
	bills, err = res.Lines[2].BillingSchedule()
	require.NoError(t, err)
	assert.Len(t, bills, 1)
}

func TestTermErrors(t *testing.T) {
	e := engine(t, `
currency: USD
products:
  - {sku: S, name: S, kind: subscription}
price_books:
  - id: usd
    currency: USD
    standard: true
    entries:
      - {product: S, price: 10}
`)
	_, err := tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "S", Quantity: qty(1)}}})
	require.ErrorIs(t, err, pricing.ErrInvalidRequest)
	assert.ErrorContains(t, err, "no term")
	_, err = tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "S", Quantity: qty(1), Start: date("2026-01-01")}}})
	assert.ErrorContains(t, err, "needs both a start and an end")
	_, err = tryPrice(e, pricing.Request{Lines: []pricing.Line{{Product: "S", Quantity: qty(1), Start: date("2026-02-01"), End: date("2026-01-01")}}})
	assert.ErrorContains(t, err, "before it starts")
}
