package approval

import (
	"context"
	"sync"
	"time"

	"github.com/cpqkit/cpq/quote"
)

// Reader reads approvals, delegations and the audit trail. Every call is
// scoped by tenant, except Due, which serves the host's escalation job
// across tenants. What is read is a fresh copy.
type Reader interface {
	// Approval returns one approval by ID, or ErrNotFound.
	Approval(ctx context.Context, tenant, id string) (*Approval, error)
	// Approvals returns the approvals of a quote, oldest (lowest round)
	// first; none is an empty list, not an error.
	Approvals(ctx context.Context, tenant, quoteID string) ([]*Approval, error)
	// Delegation returns one delegation by ID, or ErrNotFound.
	Delegation(ctx context.Context, tenant, id string) (Delegation, error)
	// Delegations returns the delegations given by or to a user, ordered
	// by start, then ID.
	Delegations(ctx context.Context, tenant, user string) ([]Delegation, error)
	// Trail returns the audit records of a quote in the order they were
	// appended; quoteID "" returns the records that concern no quote
	// (delegations).
	Trail(ctx context.Context, tenant, quoteID string) ([]Record, error)
}

// Tx is a transaction over quotes, the outbox, approvals, delegations and
// the audit trail: everything written commits together or not at all.
// Reads see the transaction's own writes. A Tx is used by one goroutine,
// only inside the function given to InApprovalTx.
type Tx interface {
	quote.Tx
	Reader
	// CreateApproval stores a new approval at version 1 (a.Version is
	// set). An approval with the same ID or the same quote and round is
	// refused with an error wrapping ErrConflict; one without a tenant,
	// ID or quote, or whose quote is not stored, with ErrInvalid.
	CreateApproval(ctx context.Context, a *Approval) error
	// UpdateApproval stores a if a.Version is the stored version and
	// increments a.Version; otherwise it returns an error wrapping
	// ErrConflict, writes nothing and leaves a.Version as it was. An
	// unknown approval is ErrNotFound.
	UpdateApproval(ctx context.Context, a *Approval) error
	// SaveDelegation stores a delegation, replacing the one with its ID.
	SaveDelegation(ctx context.Context, d Delegation) error
	// Append adds records to the audit trail. Records are never changed
	// or removed.
	Append(ctx context.Context, records ...Record) error
}

// Store keeps approvals, delegations and the audit trail beside the
// quotes. Implementations are in store/memory, store/sqlite and
// store/postgres; store/storetest checks a host's own.
type Store interface {
	Reader
	// InApprovalTx runs fn in a transaction. When fn returns an error,
	// panics or the context is cancelled, nothing fn wrote is kept, and
	// the versions set inside fn were not stored. It returns fn's error
	// as it is; a conflict found at commit wraps ErrConflict.
	InApprovalTx(ctx context.Context, fn func(tx Tx) error) error
	// Append adds records to the audit trail in a transaction of its own.
	Append(ctx context.Context, records ...Record) error
	// Due returns up to limit pending approvals, across tenants, with a
	// step that escalates due at or before the time (Approval.NextDue),
	// earliest first.
	Due(ctx context.Context, before time.Time, limit int) ([]*Approval, error)
	// Pending returns the pending approvals of a tenant with a pending
	// step (a step of the level that waits for decisions) of which one of
	// the users is an assignee, ordered by ID; up to limit of them, or
	// all when limit is zero or less. No users match nothing.
	Pending(ctx context.Context, tenant string, users []string, limit int) ([]*Approval, error)
}

// Directory resolves approvers to users. The host implements it over its
// identity system.
type Directory interface {
	// Members returns the users who hold a role or belong to a group;
	// kind is "role" or "group".
	Members(ctx context.Context, tenant, kind, name string) ([]string, error)
	// Related returns the users a relation names for a quote, such as
	// "manager_of_owner" or "regional_vp" of the account's region.
	Related(ctx context.Context, tenant, relation string, q *quote.Quote) ([]string, error)
}

// FactSource completes the facts of a quote with what the quote does not
// carry, typically from pricing: the lines below their approval floor or
// margin (pricing.Result.Approval), or categories from elsewhere than the
// catalog. It may change any field of f; the engine calls it wherever it
// computes facts (preview, submission, the gate), so they agree.
type FactSource interface {
	Complete(ctx context.Context, q *quote.Quote, f *Facts) error
}

type memoKey struct{}

// Memo returns a store a FactSource may keep values in for the rest of
// one Preview, or nil outside one. A preview evaluates the policy on many
// variants of the quote, which differ only in one line's net amount: a
// fact that does not depend on the lines' amounts (one computed from their
// products, quantities, configurations and adjustments) can be computed
// once per preview.
func Memo(ctx context.Context) *sync.Map {
	m, _ := ctx.Value(memoKey{}).(*sync.Map)
	return m
}

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Actor is who acts, as the host authenticated them.
type Actor struct {
	Tenant string
	User   string
}
