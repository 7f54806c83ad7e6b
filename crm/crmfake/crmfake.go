package crmfake

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
)

var (
	_ crm.Source    = (*CRM)(nil)
	_ crm.Sink      = (*CRM)(nil)
	_ crm.OrderSink = (*ERP)(nil)
)

// Fault decides whether a call fails: it is given the operation
// ("opportunity", "update", "set_primary", "submit_order") and the call's
// key (the opportunity ID for reads), and returns the error to fail with,
// or nil.
type Fault func(op, key string) error

// Call is one call a fake received.
type Call struct {
	Op          string
	Key         string
	Tenant      string
	Opportunity string
	Quote       string
	Kind        string
	// Duplicate is set when the key had been applied already: the call
	// was acknowledged and changed nothing.
	Duplicate bool
	// Failed is set when the call failed (a fault, an unknown
	// opportunity, an order that does not verify).
	Failed bool
}

type key struct{ tenant, id string }

// CRM is an in-memory CRM. The zero value is not usable; call NewCRM. It is
// safe for concurrent use.
type CRM struct {
	mu      sync.Mutex
	deals   map[key]*Deal
	applied map[key]bool
	calls   []Call
	fault   Fault
}

// Deal is an opportunity with what the quotes told the CRM about it.
type Deal struct {
	// Opportunity is the opportunity as the CRM serves it; its
	// PrimaryQuote is the one primary quote, if any.
	Opportunity crm.Opportunity
	// Quotes holds the last state of every quote synced to the
	// opportunity, primary or not, by quote ID.
	Quotes map[string]crm.Summary
	// Amount, ExpectedMargin, Currency, QuoteStatus and Lines follow the
	// primary quote.
	Amount         decimal.Decimal
	ExpectedMargin decimal.Decimal
	Currency       string
	QuoteStatus    quote.Status
	Lines          []crm.SummaryLine
}

func (d *Deal) clone() Deal {
	c := *d
	c.Opportunity.Contacts = slices.Clone(d.Opportunity.Contacts)
	c.Opportunity.Fields = maps.Clone(d.Opportunity.Fields)
	c.Quotes = maps.Clone(d.Quotes)
	c.Lines = slices.Clone(d.Lines)
	return c
}

// NewCRM returns an empty CRM.
func NewCRM() *CRM {
	return &CRM{deals: map[key]*Deal{}, applied: map[key]bool{}}
}

// Put adds or replaces an opportunity of a tenant.
func (c *CRM) Put(tenant string, o crm.Opportunity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o.Contacts = slices.Clone(o.Contacts)
	o.Fields = maps.Clone(o.Fields)
	c.deals[key{tenant, o.ID}] = &Deal{Opportunity: o, Quotes: map[string]crm.Summary{}}
}

// SetFault makes calls fail as f decides; nil makes them succeed.
func (c *CRM) SetFault(f Fault) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fault = f
}

// Opportunity returns the opportunity, or an error wrapping crm.ErrNotFound.
func (c *CRM) Opportunity(ctx context.Context, tenant, id string) (*crm.Opportunity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	call := Call{Op: "opportunity", Key: id, Tenant: tenant, Opportunity: id}
	if err := c.failing(call); err != nil {
		return nil, err
	}
	d, ok := c.deals[key{tenant, id}]
	if !ok {
		c.record(call, true)
		return nil, fmt.Errorf("crm: opportunity %s: %w", id, crm.ErrNotFound)
	}
	c.record(call, false)
	o := d.clone().Opportunity
	return &o, nil
}

// UpdateOpportunity records the quote's state; the opportunity follows it
// when it is the primary quote.
func (c *CRM) UpdateOpportunity(ctx context.Context, u crm.OpportunityUpdate) error {
	return c.apply(ctx, "update", u, false)
}

// SetPrimary makes the quote the opportunity's one primary quote.
func (c *CRM) SetPrimary(ctx context.Context, u crm.OpportunityUpdate) error {
	return c.apply(ctx, "set_primary", u, true)
}

func (c *CRM) apply(ctx context.Context, op string, u crm.OpportunityUpdate, primary bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	call := Call{Op: op, Key: u.Key, Tenant: u.Tenant, Opportunity: u.Opportunity, Quote: u.Quote.ID, Kind: u.Kind}
	if err := c.failing(call); err != nil {
		return err
	}
	d, ok := c.deals[key{u.Tenant, u.Opportunity}]
	if !ok {
		c.record(call, true)
		return crm.Permanent(fmt.Errorf("crm: opportunity %s: %w", u.Opportunity, crm.ErrNotFound))
	}
	k := key{u.Tenant, u.Key}
	call.Duplicate = c.applied[k]
	c.record(call, false)
	if call.Duplicate {
		return nil
	}
	c.applied[k] = true
	if last, ok := d.Quotes[u.Quote.ID]; !ok || u.Quote.Version >= last.Version {
		d.Quotes[u.Quote.ID] = u.Quote
	}
	if primary {
		d.Opportunity.PrimaryQuote = u.Quote.ID
	}
	if p, ok := d.Quotes[d.Opportunity.PrimaryQuote]; ok {
		d.Amount, d.ExpectedMargin, d.Currency, d.QuoteStatus = p.Amount, p.ExpectedMargin, p.Currency, p.Status
		d.Lines = slices.Clone(p.Lines)
	}
	return nil
}

// failing returns the fault's error for a call, recording it as failed.
func (c *CRM) failing(call Call) error {
	if c.fault == nil {
		return nil
	}
	if err := c.fault(call.Op, call.Key); err != nil {
		c.record(call, true)
		return err
	}
	return nil
}

func (c *CRM) record(call Call, failed bool) {
	call.Failed = failed
	c.calls = append(c.calls, call)
}

// Deal returns an opportunity with what its quotes told the CRM.
func (c *CRM) Deal(tenant, id string) (Deal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.deals[key{tenant, id}]
	if !ok {
		return Deal{}, false
	}
	return d.clone(), true
}

// Calls returns every call received, in order.
func (c *CRM) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// ERP is an in-memory ERP that books orders. The zero value is not usable;
// call NewERP. It is safe for concurrent use.
type ERP struct {
	mu      sync.Mutex
	orders  []crm.Order
	applied map[key]bool
	calls   []Call
	fault   Fault
}

// NewERP returns an ERP with no orders.
func NewERP() *ERP {
	return &ERP{applied: map[key]bool{}}
}

// SetFault makes calls fail as f decides; nil makes them succeed.
func (e *ERP) SetFault(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fault = f
}

// SubmitOrder books an order once per key. An order that does not match
// its seal (crm.Order.Verify) is refused with a permanent error, as an ERP
// should.
func (e *ERP) SubmitOrder(ctx context.Context, o crm.Order) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	call := Call{Op: "submit_order", Key: o.Key, Tenant: o.Tenant, Opportunity: o.Opportunity, Quote: o.QuoteID, Kind: crm.KindOrdered}
	if e.fault != nil {
		if err := e.fault(call.Op, call.Key); err != nil {
			call.Failed = true
			e.calls = append(e.calls, call)
			return err
		}
	}
	if err := o.Verify(); err != nil {
		call.Failed = true
		e.calls = append(e.calls, call)
		return crm.Permanent(fmt.Errorf("erp: %w", err))
	}
	k := key{o.Tenant, o.Key}
	call.Duplicate = e.applied[k]
	e.calls = append(e.calls, call)
	if call.Duplicate {
		return nil
	}
	e.applied[k] = true
	e.orders = append(e.orders, o)
	return nil
}

// Orders returns the orders booked, in order.
func (e *ERP) Orders() []crm.Order {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.orders)
}

// Calls returns every call received, in order.
func (e *ERP) Calls() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls)
}
