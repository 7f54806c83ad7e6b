package crmfake_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/crmfake"
	"github.com/cpqkit/cpq/store/storetest"
)

func update(key, quoteID string, version int64, amount string) crm.OpportunityUpdate {
	return crm.OpportunityUpdate{Key: key, Tenant: "acme", Opportunity: "opp-1", Kind: crm.KindUpdated,
		Quote: crm.Summary{ID: quoteID, Version: version, Amount: decimal.RequireFromString(amount), Currency: "EUR"}}
}

func TestCRMKeepsOnePrimaryQuoteAndFollowsIt(t *testing.T) {
	ctx := context.Background()
	c := crmfake.NewCRM()
	c.Put("acme", crm.Opportunity{ID: "opp-1"})
	require.NoError(t, c.SetPrimary(ctx, update("k1", "q-a", 1, "100")))
	require.NoError(t, c.UpdateOpportunity(ctx, update("k2", "q-b", 1, "900")))
	d, _ := c.Deal("acme", "opp-1")
	assert.Equal(t, "q-a", d.Opportunity.PrimaryQuote)
	assert.Equal(t, "100", d.Amount.String(), "a quote that is not primary does not set the amount")

	require.NoError(t, c.SetPrimary(ctx, update("k3", "q-b", 1, "900")))
	require.NoError(t, c.UpdateOpportunity(ctx, update("k4", "q-a", 2, "150")))
	d, _ = c.Deal("acme", "opp-1")
	assert.Equal(t, "q-b", d.Opportunity.PrimaryQuote)
	assert.Equal(t, "900", d.Amount.String())
	assert.Equal(t, "150", d.Quotes["q-a"].Amount.String(), "the other quote is still recorded")

	require.NoError(t, c.UpdateOpportunity(ctx, update("k5", "q-b", 0, "1")), "an older version is acknowledged")
	d, _ = c.Deal("acme", "opp-1")
	assert.Equal(t, "900", d.Amount.String(), "and does not overwrite a newer one")
}

func TestCRMAppliesAKeyOnceAndFailsAsTold(t *testing.T) {
	ctx := context.Background()
	c := crmfake.NewCRM()
	c.Put("acme", crm.Opportunity{ID: "opp-1"})
	down := errors.New("503 maintenance")
	c.SetFault(func(op, key string) error {
		if key == "k2" {
			return down
		}
		return nil
	})
	require.NoError(t, c.SetPrimary(ctx, update("k1", "q-a", 1, "100")))
	require.NoError(t, c.SetPrimary(ctx, update("k1", "q-a", 1, "100")))
	require.ErrorIs(t, c.UpdateOpportunity(ctx, update("k2", "q-a", 2, "200")), down)
	c.SetFault(nil)
	require.NoError(t, c.UpdateOpportunity(ctx, update("k2", "q-a", 2, "200")))
	err := c.UpdateOpportunity(ctx, crm.OpportunityUpdate{Key: "k3", Tenant: "acme", Opportunity: "opp-9"})
	assert.ErrorIs(t, err, crm.ErrNotFound)
	assert.ErrorIs(t, err, crm.ErrPermanent, "an unknown opportunity is not retried")

	var got []string
	for _, call := range c.Calls() {
		s := call.Key
		if call.Duplicate {
			s += " duplicate"
		}
		if call.Failed {
			s += " failed"
		}
		got = append(got, s)
	}
	assert.Equal(t, []string{"k1", "k1 duplicate", "k2 failed", "k2", "k3 failed"}, got)
	d, _ := c.Deal("acme", "opp-1")
	assert.Equal(t, "200", d.Amount.String())
}

func TestERPBooksVerifiedOrdersOnce(t *testing.T) {
	ctx := context.Background()
	q := storetest.SampleQuote("acme", 1, 3)
	q.SealContent()
	o := *crm.NewOrder(q, "k1")
	e := crmfake.NewERP()
	require.NoError(t, e.SubmitOrder(ctx, o))
	require.NoError(t, e.SubmitOrder(ctx, o))
	assert.Len(t, e.Orders(), 1)

	forged := *crm.NewOrder(q, "k2")
	forged.Lines[0].UnitPrice = decimal.NewFromInt(1)
	err := e.SubmitOrder(ctx, forged)
	assert.ErrorIs(t, err, crm.ErrPermanent)
	assert.Len(t, e.Orders(), 1, "an order that does not match its seal is not booked")
	assert.Len(t, e.Calls(), 3)
}
