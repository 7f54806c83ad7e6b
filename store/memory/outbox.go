package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/record"
)

// Claim leases up to c.Limit due events, oldest first, at most one per
// quote.
func (s *Store) Claim(ctx context.Context, c quote.ClaimRequest) ([]quote.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("claim events: %w", err)
	}
	c = c.WithDefaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []quote.Delivery
	held := map[key]bool{} // quotes with an earlier undelivered event
	for _, e := range s.events {
		if len(out) == c.Limit {
			break
		}
		if e.state != pending {
			continue
		}
		leased := e.lease != "" && e.leaseUntil.After(c.Now)
		if c.MaxAttempts > 0 && !leased && e.lease != "" && e.attempts >= c.MaxAttempts {
			e.state = dead
			e.lease = ""
			e.lastError = fmt.Sprintf("lease ended after %d attempts", e.attempts)
			continue
		}
		q := key{e.ev.Tenant, e.ev.QuoteID}
		if held[q] {
			continue
		}
		held[q] = true
		if leased || e.nextAt.After(c.Now) {
			continue
		}
		e.attempts++
		e.lease = record.NewLease()
		e.leaseUntil = c.Now.Add(c.Lease)
		out = append(out, e.delivery())
	}
	return out, nil
}

func (e *event) delivery() quote.Delivery {
	ev := e.ev
	ev.Payload = slices.Clone(ev.Payload)
	d := quote.Delivery{Event: ev, Attempts: e.attempts, LastError: e.lastError}
	if e.state == pending {
		d.Lease, d.LeaseUntil = e.lease, e.leaseUntil
	}
	return d
}

// leased returns the event if d's lease is still its own.
func (s *Store) leased(d quote.Delivery) (*event, error) {
	e, ok := s.eventIDs[key{d.Tenant, d.ID}]
	if !ok || d.Lease == "" || e.state != pending || e.lease != d.Lease {
		return nil, fmt.Errorf("event %s: %w", d.ID, quote.ErrLeaseLost)
	}
	return e, nil
}

// Delivered settles a claimed event as delivered.
func (s *Store) Delivered(ctx context.Context, d quote.Delivery) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("settle event %s: %w", d.ID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.leased(d)
	if err != nil {
		return fmt.Errorf("settle delivered: %w", err)
	}
	e.state = delivered
	e.lease = ""
	return nil
}

// Failed records a failed attempt: the event is due again at retryAt, or
// dead when retryAt is zero.
func (s *Store) Failed(ctx context.Context, d quote.Delivery, reason string, retryAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("settle event %s: %w", d.ID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.leased(d)
	if err != nil {
		return fmt.Errorf("settle failed: %w", err)
	}
	e.lastError = reason
	e.lease = ""
	if retryAt.IsZero() {
		e.state = dead
	} else {
		e.nextAt = retryAt
	}
	return nil
}

// DeadLetters returns up to limit of the tenant's dead letters, oldest
// first.
func (s *Store) DeadLetters(ctx context.Context, tenant string, limit int) ([]quote.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	limit = quote.Filter{Limit: limit}.PageLimit()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []quote.Delivery
	for _, e := range s.events {
		if len(out) == limit {
			break
		}
		if e.state == dead && e.ev.Tenant == tenant {
			out = append(out, e.delivery())
		}
	}
	return out, nil
}

// Replay makes a dead letter due again at the given time.
func (s *Store) Replay(ctx context.Context, tenant, eventID string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("replay event %s: %w", eventID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.eventIDs[key{tenant, eventID}]
	if !ok || e.state != dead {
		return fmt.Errorf("replay event %s: no such dead letter: %w", eventID, quote.ErrNotFound)
	}
	e.state = pending
	e.attempts = 0
	e.nextAt = at
	e.lease = ""
	return nil
}
