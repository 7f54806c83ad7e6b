package quote

import (
	"context"
	"errors"
	"time"
)

// Errors of the outbox.
var (
	// ErrDuplicateEvent: an event with that ID is already in the tenant's
	// outbox.
	ErrDuplicateEvent = errors.New("event already in the outbox")
	// ErrLeaseLost: the delivery's lease is no longer held (it expired and
	// the event was claimed again, or the event was already settled);
	// nothing was changed.
	ErrLeaseLost = errors.New("outbox lease lost")
)

// Outbox is the consumer side of the outbox that Tx.Enqueue writes to: a
// dispatcher claims due events, delivers them to the CRM or ERP, and
// settles each one as delivered or failed. Several dispatchers may share
// one outbox: a claimed event is leased to one of them until the lease
// ends.
//
// Events of one quote are delivered in the order they were enqueued: an
// event is claimed only when every earlier event of its quote has been
// delivered or dead-lettered, so a claimed batch holds at most one event
// per quote. Dead letters do not hold back later events. Event times are
// kept to the microsecond at least.
type Outbox interface {
	// Claim leases up to Limit due events, oldest first.
	Claim(ctx context.Context, c ClaimRequest) ([]Delivery, error)
	// Delivered settles a claimed event as delivered. It returns
	// ErrLeaseLost when d's lease is no longer the event's.
	Delivered(ctx context.Context, d Delivery) error
	// Failed records a failed attempt with its reason: the event is due
	// again at retryAt or, when retryAt is zero, becomes a dead letter.
	// The caller computes the backoff and decides when to give up (see
	// Delivery.Attempts). It returns ErrLeaseLost when d's lease is no
	// longer the event's.
	Failed(ctx context.Context, d Delivery, reason string, retryAt time.Time) error
	// DeadLetters returns up to limit of the tenant's dead letters, oldest
	// first; zero means DefaultPageSize, and it is capped at MaxPageSize.
	DeadLetters(ctx context.Context, tenant string, limit int) ([]Delivery, error)
	// Replay makes a dead letter due again at the given time, with its
	// attempts counted from zero. It returns ErrNotFound when the tenant
	// has no dead letter with that ID.
	Replay(ctx context.Context, tenant, eventID string, at time.Time) error
}

// ClaimRequest says what a dispatcher claims.
type ClaimRequest struct {
	// Limit is the most events to claim; zero means 100.
	Limit int
	// Lease is how long the events are the claimer's; zero means one
	// minute. An event whose lease ended without being settled is due
	// again.
	Lease time.Duration
	// Now is the dispatcher's clock; zero means time.Now(). Events are
	// due when their next attempt is at or before Now.
	Now time.Time
	// MaxAttempts, when positive, dead-letters an event whose lease ended
	// after that many attempts instead of claiming it again, so an event
	// that crashes its dispatcher cannot be retried for ever.
	MaxAttempts int
}

// Claim defaults.
const (
	DefaultClaimLimit = 100
	DefaultLease      = time.Minute
)

// WithDefaults returns the request with its zero fields set to their
// defaults.
func (c ClaimRequest) WithDefaults() ClaimRequest {
	if c.Limit <= 0 {
		c.Limit = DefaultClaimLimit
	}
	if c.Lease <= 0 {
		c.Lease = DefaultLease
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	return c
}

// Delivery is an event as the outbox hands it out: claimed, or dead.
type Delivery struct {
	Event
	// Attempts counts the claims of the event, this one included.
	Attempts int
	// LastError is the reason of the last failed attempt.
	LastError string
	// Lease identifies the claim; it is empty on a dead letter.
	Lease string
	// LeaseUntil is when the lease ends.
	LeaseUntil time.Time
}
