package crm

import (
	"context"
	"errors"
	"fmt"

	"github.com/cpqkit/cpq/quote"
)

// Handler delivers one event to wherever it goes: the host's CRM and ERP
// (Sinks), a webhook, a message queue. It returns nil only when the event
// has been taken: the dispatcher then never sends it again. An error
// wrapping ErrPermanent dead-letters the event at once; any other error is
// retried with backoff. Deliver may be called again with an event it took
// (after a lost answer or a dispatcher restart): the event's ID is the
// idempotency key.
type Handler interface {
	Deliver(ctx context.Context, e quote.Event) error
}

// HandlerFunc adapts a function to the Handler interface.
type HandlerFunc func(ctx context.Context, e quote.Event) error

// Deliver calls f.
func (f HandlerFunc) Deliver(ctx context.Context, e quote.Event) error { return f(ctx, e) }

// Permanent marks err as permanent: the dispatcher dead-letters the event
// instead of retrying it. The result wraps both err and ErrPermanent.
func Permanent(err error) error {
	if err == nil || errors.Is(err, ErrPermanent) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrPermanent, err)
}

// Sinks is the Handler that delivers the Recorder's events to the host's
// CRM and ERP ports: a primary event makes the quote primary in the CRM,
// every other event of a quote with an opportunity updates the opportunity
// (Sink.UpdateOpportunity), and an ordered event also submits its order to
// the ERP. Each call's key is the event's ID. A nil CRM skips the CRM
// calls; an ordered event without an ERP fails permanently with
// ErrNoOrderSink, so the order waits in the dead letters until it is
// replayed.
type Sinks struct {
	CRM Sink
	ERP OrderSink
}

// Deliver delivers one event.
func (s Sinks) Deliver(ctx context.Context, e quote.Event) error {
	p, err := DecodePayload(e)
	if err != nil {
		return Permanent(err)
	}
	if s.CRM != nil && p.Quote.Opportunity != "" {
		u := OpportunityUpdate{Key: e.ID, Tenant: e.Tenant, Opportunity: p.Quote.Opportunity, Kind: e.Kind, At: e.At, Actor: p.Actor, Quote: p.Quote}
		if e.Kind == KindPrimary {
			err = s.CRM.SetPrimary(ctx, u)
		} else {
			err = s.CRM.UpdateOpportunity(ctx, u)
		}
		if err != nil {
			return fmt.Errorf("event %s (%s): crm: %w", e.ID, e.Kind, err)
		}
	}
	if e.Kind != KindOrdered {
		return nil
	}
	switch {
	case p.Order == nil:
		return Permanent(fmt.Errorf("event %s (%s) carries no order", e.ID, e.Kind))
	case s.ERP == nil:
		return Permanent(fmt.Errorf("event %s (%s): %w", e.ID, e.Kind, ErrNoOrderSink))
	}
	if err := s.ERP.SubmitOrder(ctx, *p.Order); err != nil {
		return fmt.Errorf("event %s (%s): erp: %w", e.ID, e.Kind, err)
	}
	return nil
}
