package crm_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/crm/crmfake"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
	"github.com/cpqkit/cpq/store/storetest"
)

// syncRig is a store, a recorder and a dispatcher delivering to a fake CRM
// and ERP.
type syncRig struct {
	store *memory.Store
	rec   *crm.Recorder
	disp  *crm.Dispatcher
	crm   *crmfake.CRM
	erp   *crmfake.ERP
	pre   *crm.Prefill
}

func newSyncRig(t *testing.T) *syncRig {
	r := &syncRig{store: memory.New(), rec: crm.NewRecorder(crm.RecorderConfig{}), crm: crmfake.NewCRM(), erp: crmfake.NewERP()}
	r.crm.Put(tenant, opportunity())
	var err error
	r.disp, err = crm.NewDispatcher(crm.DispatcherConfig{Outbox: r.store, Handler: crm.Sinks{CRM: r.crm, ERP: r.erp}})
	require.NoError(t, err)
	r.pre = newPrefill(t, r.crm, func(c *crm.PrefillConfig) { c.IDs = nil })
	return r
}

// dispatch delivers every due event.
func (r *syncRig) dispatch(t *testing.T) {
	t.Helper()
	for {
		n, err := r.disp.RunOnce(context.Background())
		require.NoError(t, err)
		if n == 0 {
			return
		}
	}
}

// newQuote prefills a quote from opp-7, gives it lines worth a multiple of
// the sample's, and stores it, primary when the opportunity has none.
func (r *syncRig) newQuote(t *testing.T, lines int) *quote.Quote {
	t.Helper()
	ctx := context.Background()
	pf, err := r.pre.Quote(ctx, tenant, "opp-7")
	require.NoError(t, err)
	q := pf.Quote
	src := storetest.SampleQuote(tenant, 1, lines)
	q.Groups, q.Lines = src.Groups, src.Lines
	q.Recalculate()
	require.NoError(t, r.store.InTx(ctx, func(tx quote.Tx) error {
		if err := r.rec.Create(ctx, tx, q, "alice", t0); err != nil {
			return err
		}
		if pf.Primary {
			return r.rec.MakePrimary(ctx, tx, q, "alice", t0)
		}
		return nil
	}))
	return q
}

func (r *syncRig) deal(t *testing.T) crmfake.Deal {
	t.Helper()
	d, ok := r.crm.Deal(tenant, "opp-7")
	require.True(t, ok)
	return d
}

func TestTheOpportunityFollowsItsPrimaryQuote(t *testing.T) {
	ctx := context.Background()
	r := newSyncRig(t)

	a := r.newQuote(t, 2)
	r.dispatch(t)
	d := r.deal(t)
	assert.Equal(t, a.ID, d.Opportunity.PrimaryQuote, "the first quote of an opportunity becomes primary")
	assert.True(t, a.Totals.Net.Equal(d.Amount), "amount %s, quote A nets %s", d.Amount, a.Totals.Net)
	assert.True(t, a.Totals.Margin.Equal(d.ExpectedMargin))
	assert.Len(t, d.Lines, 2)

	b := r.newQuote(t, 8)
	r.dispatch(t)
	d = r.deal(t)
	assert.Equal(t, a.ID, d.Opportunity.PrimaryQuote, "a second quote does not take over by itself")
	assert.True(t, a.Totals.Net.Equal(d.Amount), "the opportunity still shows quote A")
	assert.Contains(t, d.Quotes, b.ID, "the CRM knows quote B all the same")

	require.NoError(t, r.store.InTx(ctx, func(tx quote.Tx) error { return r.rec.MakePrimary(ctx, tx, b, "alice", t0) }))
	r.dispatch(t)
	d = r.deal(t)
	assert.Equal(t, b.ID, d.Opportunity.PrimaryQuote, "exactly one primary quote: B replaced A")
	assert.True(t, b.Totals.Net.Equal(d.Amount), "amount %s, quote B nets %s", d.Amount, b.Totals.Net)
	assert.Len(t, d.Lines, 7, "eight lines, one of them optional and not taken")

	// Quote A changes: the CRM records it, the opportunity keeps B.
	a.Lines = a.Lines[:1]
	a.Recalculate()
	require.NoError(t, r.store.InTx(ctx, func(tx quote.Tx) error { return r.rec.Update(ctx, tx, a, "alice", t0) }))
	r.dispatch(t)
	d = r.deal(t)
	assert.True(t, b.Totals.Net.Equal(d.Amount), "a quote that is not primary does not change the opportunity")
	assert.True(t, a.Totals.Net.Equal(d.Quotes[a.ID].Amount))
	assert.Equal(t, a.Version, d.Quotes[a.ID].Version)

	// B goes to the customer, is accepted, and becomes an order.
	present(t, r.store, r.rec, b)
	require.NoError(t, r.store.InTx(ctx, func(tx quote.Tx) error {
		_, err := r.rec.Accept(ctx, tx, b, "jana@example.com", t0)
		return err
	}))
	r.dispatch(t)
	d = r.deal(t)
	assert.Equal(t, quote.StatusOrdered, d.QuoteStatus)
	orders := r.erp.Orders()
	require.Len(t, orders, 1)
	o := orders[0]
	assert.Equal(t, b.ID, o.QuoteID)
	assert.Equal(t, b.Seal, o.Seal)
	assert.Len(t, o.Lines, 7, "the order holds the lines the CRM shows")
	require.NoError(t, o.Verify(), "the ERP can check the order against the seal")
	sum := decimal.Zero
	for _, l := range o.Lines {
		sum = sum.Add(l.NetTotal)
	}
	assert.True(t, sum.Equal(d.Amount), "the order's lines add up to what the CRM shows")
}

func TestSinksApplyARepeatedEventOnce(t *testing.T) {
	ctx := context.Background()
	r := newSyncRig(t)
	r.newQuote(t, 2)
	events := drain(t, r.store)
	require.Len(t, events, 2)
	sinks := crm.Sinks{CRM: r.crm, ERP: r.erp}
	for range 3 { // a lost answer, and a replay
		for _, e := range events {
			require.NoError(t, sinks.Deliver(ctx, e.Event))
		}
	}
	var applied, dups int
	for _, c := range r.crm.Calls() {
		if c.Op == "opportunity" {
			continue
		}
		if c.Duplicate {
			dups++
		} else {
			applied++
		}
	}
	assert.Equal(t, 2, applied)
	assert.Equal(t, 4, dups)
}

func TestSinksWithoutAnERPKeepTheOrderAsADeadLetter(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	rec := crm.NewRecorder(crm.RecorderConfig{})
	fake := crmfake.NewCRM()
	fake.Put(tenant, opportunity())
	q := sample(1, "opp-7")
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return rec.Create(ctx, tx, q, "alice", t0) }))
	present(t, s, rec, q)
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { _, err := rec.Accept(ctx, tx, q, "customer", t0); return err }))

	d, err := crm.NewDispatcher(crm.DispatcherConfig{Outbox: s, Handler: crm.Sinks{CRM: fake}})
	require.NoError(t, err)
	for {
		n, err := d.RunOnce(ctx)
		require.NoError(t, err)
		if n == 0 {
			break
		}
	}
	dead, err := d.DeadLetters(ctx, tenant, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, crm.KindOrdered, dead[0].Kind)
	assert.Equal(t, 1, dead[0].Attempts, "a missing sink is not retried")
	assert.Contains(t, dead[0].LastError, "no order sink")

	// The ERP is wired in; the order is replayed.
	erp := crmfake.NewERP()
	d2, err := crm.NewDispatcher(crm.DispatcherConfig{Outbox: s, Handler: crm.Sinks{CRM: fake, ERP: erp}})
	require.NoError(t, err)
	n, err := d2.ReplayAll(ctx, tenant)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = d2.RunOnce(ctx)
	require.NoError(t, err)
	require.Len(t, erp.Orders(), 1)
	assert.Equal(t, q.Seal, erp.Orders()[0].Seal)
}
