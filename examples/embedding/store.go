package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

// Activity is one entry of the host's activity feed: a quote revision as
// it was written.
type Activity struct {
	Tenant   string
	Number   string
	Revision int
	Status   quote.Status
	// Version is the storage version the write gave the quote.
	Version int64
}

func (a Activity) String() string {
	return fmt.Sprintf("%s %s revision %d %s (version %d)", a.Tenant, a.Number, a.Revision, a.Status, a.Version)
}

// Store is the host's store: the reference in-memory store, wrapped so
// that the host's activity feed hears of every quote written, and only of
// writes that were kept: a write inside a transaction reaches the feed
// when the transaction commits, never when it is rolled back. Everything
// else is the memory store's, so the wrapper passes the conformance
// suites as the memory store does.
type Store struct {
	*memory.Store

	mu   sync.Mutex
	feed []Activity
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{Store: memory.New()} }

// Feed returns the activity feed, oldest first.
func (s *Store) Feed() []Activity {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Activity(nil), s.feed...)
}

func (s *Store) publish(as ...Activity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feed = append(s.feed, as...)
}

func activity(q *quote.Quote) Activity {
	return Activity{Tenant: q.Tenant, Number: q.Number, Revision: q.Revision, Status: q.Status, Version: q.Version}
}

// Create stores a new quote, in a transaction of its own.
func (s *Store) Create(ctx context.Context, q *quote.Quote) error {
	if err := s.Store.Create(ctx, q); err != nil {
		return err
	}
	s.publish(activity(q))
	return nil
}

// Update stores a changed quote, in a transaction of its own.
func (s *Store) Update(ctx context.Context, q *quote.Quote) error {
	if err := s.Store.Update(ctx, q); err != nil {
		return err
	}
	s.publish(activity(q))
	return nil
}

// InTx runs fn in a transaction; the writes fn made reach the feed once
// the transaction has committed.
func (s *Store) InTx(ctx context.Context, fn func(tx quote.Tx) error) error {
	var pending []Activity
	if err := s.Store.InTx(ctx, func(tx quote.Tx) error {
		pending = pending[:0]
		return fn(feedTx{Tx: tx, pending: &pending})
	}); err != nil {
		return err
	}
	s.publish(pending...)
	return nil
}

// InApprovalTx runs fn in a transaction over quotes, the outbox and
// approvals; the quote writes fn made reach the feed once the transaction
// has committed.
func (s *Store) InApprovalTx(ctx context.Context, fn func(tx approval.Tx) error) error {
	var pending []Activity
	if err := s.Store.InApprovalTx(ctx, func(tx approval.Tx) error {
		pending = pending[:0]
		return fn(approvalFeedTx{Tx: tx, pending: &pending})
	}); err != nil {
		return err
	}
	s.publish(pending...)
	return nil
}

// feedTx notes the quote writes of a transaction.
type feedTx struct {
	quote.Tx
	pending *[]Activity
}

func (t feedTx) Create(ctx context.Context, q *quote.Quote) error {
	if err := t.Tx.Create(ctx, q); err != nil {
		return err
	}
	*t.pending = append(*t.pending, activity(q))
	return nil
}

func (t feedTx) Update(ctx context.Context, q *quote.Quote) error {
	if err := t.Tx.Update(ctx, q); err != nil {
		return err
	}
	*t.pending = append(*t.pending, activity(q))
	return nil
}

// approvalFeedTx notes the quote writes of an approval transaction.
type approvalFeedTx struct {
	approval.Tx
	pending *[]Activity
}

func (t approvalFeedTx) Create(ctx context.Context, q *quote.Quote) error {
	if err := t.Tx.Create(ctx, q); err != nil {
		return err
	}
	*t.pending = append(*t.pending, activity(q))
	return nil
}

func (t approvalFeedTx) Update(ctx context.Context, q *quote.Quote) error {
	if err := t.Tx.Update(ctx, q); err != nil {
		return err
	}
	*t.pending = append(*t.pending, activity(q))
	return nil
}

// OrgChart is one tenant's organisation, as the host keeps it.
type OrgChart struct {
	// Managers gives each user's manager.
	Managers map[string]string
	// Roles and Groups list their members.
	Roles  map[string][]string
	Groups map[string][]string
}

// Directory resolves the approvers the catalog's approval rules name, from
// the host's org charts, one per tenant.
type Directory map[string]OrgChart

// Members returns the users who hold a role or belong to a group.
func (d Directory) Members(_ context.Context, tenant, kind, name string) ([]string, error) {
	org, ok := d[tenant]
	if !ok {
		return nil, fmt.Errorf("tenant %q has no org chart", tenant)
	}
	switch kind {
	case "role":
		return org.Roles[name], nil
	case "group":
		return org.Groups[name], nil
	}
	return nil, fmt.Errorf("unknown kind of approver %q", kind)
}

// Related returns the users a relation names for a quote: the owner's
// manager.
func (d Directory) Related(_ context.Context, tenant, relation string, q *quote.Quote) ([]string, error) {
	org, ok := d[tenant]
	if !ok {
		return nil, fmt.Errorf("tenant %q has no org chart", tenant)
	}
	switch relation {
	case "manager_of_owner":
		if m := org.Managers[q.Header.Owner]; m != "" {
			return []string{m}, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown relation %q", relation)
}
