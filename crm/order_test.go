package crm_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/storetest"
)

func TestNewOrderTakesTheLinesTheCustomerTook(t *testing.T) {
	q := storetest.SampleQuote(tenant, 1, 10) // lines 8 (optional) and 9 (unchosen alternative) do not count
	q.SealContent()
	o := crm.NewOrder(q, "e-1")
	var ids []string
	net := decimal.Zero
	for _, l := range o.Lines {
		ids = append(ids, l.ID)
		net = net.Add(l.NetTotal)
	}
	assert.Equal(t, []string{"l-001", "l-002", "l-003", "l-004", "l-005", "l-006", "l-007", "l-010"}, ids)
	assert.True(t, net.Equal(o.Totals.Net), "the lines add up to the order's net %s, got %s", o.Totals.Net, net)
	assert.Equal(t, q.Lines[0].Configuration, o.Lines[0].Configuration, "each line keeps its full configuration")
	assert.Equal(t, "PA66 GF30", o.Lines[0].Configuration[0].Label)
	assert.Equal(t, "l-001", o.Lines[4].Parent)
	require.NoError(t, o.Verify())
}

func TestOrderVerifyRefusesAnythingTheCustomerDidNotAccept(t *testing.T) {
	q := storetest.SampleQuote(tenant, 1, 10)
	q.SealContent()
	tests := []struct {
		name   string
		change func(o *crm.Order)
	}{
		{"another seal", func(o *crm.Order) { o.Seal = "sha256:00" }},
		{"content changed", func(o *crm.Order) { o.Content = o.Content[:len(o.Content)-1] + " }" }},
		{"a price", func(o *crm.Order) { o.Lines[1].UnitPrice = o.Lines[1].UnitPrice.Sub(decimal.New(1, -2)) }},
		{"a quantity", func(o *crm.Order) { o.Lines[2].Quantity = o.Lines[2].Quantity.Add(decimal.NewFromInt(1)) }},
		{"a product", func(o *crm.Order) { o.Lines[0].Product = "P-999" }},
		{"a configuration value", func(o *crm.Order) { o.Lines[0].Configuration[1].Value = "8" }},
		{"a line dropped", func(o *crm.Order) { o.Lines = o.Lines[1:] }},
		{"a line added", func(o *crm.Order) { o.Lines = append(o.Lines, crm.OrderLine{ID: "l-099", Product: "P-1"}) }},
		{"an optional line slipped in", func(o *crm.Order) {
			l := q.Lines[7]
			o.Lines = append(o.Lines, crm.OrderLine{ID: l.ID, Product: l.Product, Quantity: l.Quantity, UnitPrice: l.Price.UnitPrice, NetTotal: l.Price.NetTotal})
		}},
		{"the currency", func(o *crm.Order) { o.Currency = "USD" }},
		{"the total", func(o *crm.Order) { o.Totals.Grand = o.Totals.Grand.Add(decimal.NewFromInt(1)) }},
		{"another revision", func(o *crm.Order) { o.Revision = 2 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := crm.NewOrder(q.Clone(), "e-1")
			require.NoError(t, o.Verify())
			tc.change(o)
			assert.ErrorIs(t, o.Verify(), quote.ErrSealMismatch)
		})
	}
}
