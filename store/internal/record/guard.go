package record

import (
	"context"
	"errors"
	"fmt"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

// ErrFinished: a transaction was used after InTx returned.
var ErrFinished = errors.New("transaction already finished")

// Guard refuses work through a transaction that has finished. A store's
// transaction shares its finished flag with the guard.
type Guard struct{ Finished *bool }

// Check returns ErrFinished, naming the operation, once the transaction has
// finished.
func (g Guard) Check(op string) error {
	if g.Finished != nil && *g.Finished {
		return fmt.Errorf("%s: %w", op, ErrFinished)
	}
	return nil
}

// QuoteReader is the read side of quote.Repository.
type QuoteReader interface {
	Get(ctx context.Context, tenant, id string) (*quote.Quote, error)
	GetByNumber(ctx context.Context, tenant, number string) (*quote.Quote, error)
	List(ctx context.Context, tenant string, f quote.Filter) (quote.Page, error)
	Revision(ctx context.Context, tenant, id string, revision int) (*quote.Quote, error)
	Revisions(ctx context.Context, tenant, id string) ([]*quote.Quote, error)
}

// GuardedQuoteReads serves a transaction's quote reads, refusing them once
// the transaction has finished.
type GuardedQuoteReads struct {
	Guard
	Reads QuoteReader
}

func (g GuardedQuoteReads) Get(ctx context.Context, tenant, id string) (*quote.Quote, error) {
	if err := g.Check("get quote"); err != nil {
		return nil, err
	}
	return g.Reads.Get(ctx, tenant, id)
}

func (g GuardedQuoteReads) GetByNumber(ctx context.Context, tenant, number string) (*quote.Quote, error) {
	if err := g.Check("get quote"); err != nil {
		return nil, err
	}
	return g.Reads.GetByNumber(ctx, tenant, number)
}

func (g GuardedQuoteReads) List(ctx context.Context, tenant string, f quote.Filter) (quote.Page, error) {
	if err := g.Check("list quotes"); err != nil {
		return quote.Page{}, err
	}
	return g.Reads.List(ctx, tenant, f)
}

func (g GuardedQuoteReads) Revision(ctx context.Context, tenant, id string, revision int) (*quote.Quote, error) {
	if err := g.Check("get revision"); err != nil {
		return nil, err
	}
	return g.Reads.Revision(ctx, tenant, id, revision)
}

func (g GuardedQuoteReads) Revisions(ctx context.Context, tenant, id string) ([]*quote.Quote, error) {
	if err := g.Check("list revisions"); err != nil {
		return nil, err
	}
	return g.Reads.Revisions(ctx, tenant, id)
}

// GuardedApprovalReads serves a transaction's approval reads, refusing them
// once the transaction has finished.
type GuardedApprovalReads struct {
	Guard
	Reads approval.Reader
}

func (g GuardedApprovalReads) Approval(ctx context.Context, tenant, id string) (*approval.Approval, error) {
	if err := g.Check("get approval"); err != nil {
		return nil, err
	}
	return g.Reads.Approval(ctx, tenant, id)
}

func (g GuardedApprovalReads) Approvals(ctx context.Context, tenant, quoteID string) ([]*approval.Approval, error) {
	if err := g.Check("list approvals"); err != nil {
		return nil, err
	}
	return g.Reads.Approvals(ctx, tenant, quoteID)
}

func (g GuardedApprovalReads) Delegation(ctx context.Context, tenant, id string) (approval.Delegation, error) {
	if err := g.Check("get delegation"); err != nil {
		return approval.Delegation{}, err
	}
	return g.Reads.Delegation(ctx, tenant, id)
}

func (g GuardedApprovalReads) Delegations(ctx context.Context, tenant, user string) ([]approval.Delegation, error) {
	if err := g.Check("list delegations"); err != nil {
		return nil, err
	}
	return g.Reads.Delegations(ctx, tenant, user)
}

func (g GuardedApprovalReads) Trail(ctx context.Context, tenant, quoteID string) ([]approval.Record, error) {
	if err := g.Check("read the audit trail"); err != nil {
		return nil, err
	}
	return g.Reads.Trail(ctx, tenant, quoteID)
}
