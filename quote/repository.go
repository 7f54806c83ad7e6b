package quote

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ErrDuplicate: a quote with that ID or number already exists in the
// tenant.
var ErrDuplicate = errors.New("quote already exists")

// Repository stores quotes. Every call is scoped by tenant: one tenant can
// never read or change another's quotes. Implementations are in
// store/memory, store/sqlite and store/postgres; store/storetest checks a
// host's own.
//
// Create and Update refuse a quote without an ID or that fails Validate
// with an error wrapping ErrInvalid, and store nothing. What is read back
// is a fresh copy: changing it changes nothing stored.
type Repository interface {
	// Create stores a new quote at version 1 (q.Version is set). A quote
	// with the same ID or number in the tenant is refused with
	// ErrDuplicate.
	Create(ctx context.Context, q *Quote) error
	// Get returns the current revision of a quote, or ErrNotFound.
	Get(ctx context.Context, tenant, id string) (*Quote, error)
	// GetByNumber returns the current revision of the quote with the
	// number, or ErrNotFound.
	GetByNumber(ctx context.Context, tenant, number string) (*Quote, error)
	// Update stores q if q.Version is the stored version, and increments
	// q.Version; otherwise it returns ErrConflict, writes nothing and
	// leaves q.Version as it was. An unknown quote is ErrNotFound. The number of a quote cannot change,
	// nor its revision go back (that would overwrite an earlier
	// revision's last state).
	Update(ctx context.Context, q *Quote) error
	// List returns quotes matching the filter, ordered by number (byte
	// order), a page at a time. A cursor the store did not give out is
	// refused with an error wrapping ErrInvalid.
	List(ctx context.Context, tenant string, f Filter) (Page, error)
	// Revision returns the last stored state of one revision, or
	// ErrNotFound.
	Revision(ctx context.Context, tenant, id string, revision int) (*Quote, error)
	// Revisions returns the last stored state of every revision, oldest
	// first; ErrNotFound for an unknown quote.
	Revisions(ctx context.Context, tenant, id string) ([]*Quote, error)
}

// Filter selects quotes to list. Zero fields do not filter.
type Filter struct {
	Status         []Status
	Owner          string
	Opportunity    string
	ExpiringBefore time.Time
	// Cursor continues a listing where the previous page ended.
	Cursor string
	// Limit is the page size; zero means DefaultPageSize, and it is
	// capped at MaxPageSize.
	Limit int
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// PageLimit returns the effective page size of a filter.
func (f Filter) PageLimit() int {
	switch {
	case f.Limit <= 0:
		return DefaultPageSize
	case f.Limit > MaxPageSize:
		return MaxPageSize
	}
	return f.Limit
}

// Matches reports whether a quote passes the filter (the cursor aside).
func (f Filter) Matches(q *Quote) bool {
	if len(f.Status) > 0 {
		ok := false
		for _, s := range f.Status {
			ok = ok || q.Status == s
		}
		if !ok {
			return false
		}
	}
	if f.Owner != "" && q.Header.Owner != f.Owner {
		return false
	}
	if f.Opportunity != "" && q.Header.Opportunity != f.Opportunity {
		return false
	}
	if !f.ExpiringBefore.IsZero() && (q.Header.ValidUntil.IsZero() || !q.Header.ValidUntil.Before(f.ExpiringBefore)) {
		return false
	}
	return true
}

// Page is one page of a listing. Next is the cursor of the following page,
// empty on the last.
type Page struct {
	Quotes []*Quote
	Next   string
}

// Event is something that happened to a quote, written to the outbox in
// the same transaction as the change, for delivery to the CRM and ERP.
type Event struct {
	// ID is unique; it is the idempotency key of the delivery.
	ID       string          `json:"id"`
	Tenant   string          `json:"tenant"`
	QuoteID  string          `json:"quote_id"`
	Revision int             `json:"revision"`
	Kind     string          `json:"kind"`
	Payload  json.RawMessage `json:"payload,omitempty"`
	At       time.Time       `json:"at"`
}

// Tx is a transaction: quote writes and enqueued events commit together or
// not at all. Reads in a transaction see its own writes. A Tx is used by
// one goroutine, and only inside the function given to InTx.
type Tx interface {
	Repository
	// Enqueue writes events to the outbox (see Outbox). An event needs an
	// ID, a tenant, a quote ID and a kind, and a payload that is JSON if
	// any (else ErrInvalid); an ID already in the tenant's outbox is
	// ErrDuplicateEvent.
	Enqueue(ctx context.Context, events ...Event) error
}

// Transactor runs functions in transactions. When fn returns an error,
// panics or the context is cancelled, nothing fn wrote is kept, and the
// versions Update set on quotes inside fn were not stored. InTx returns
// fn's error as it is. Inside fn, use tx, not the store: a store may hold
// its only write connection for the transaction.
type Transactor interface {
	InTx(ctx context.Context, fn func(tx Tx) error) error
}
