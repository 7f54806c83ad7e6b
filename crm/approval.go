package crm

import (
	"context"

	"github.com/cpqkit/cpq/approval"
	"github.com/cpqkit/cpq/quote"
)

// ApprovalStore wraps the approval engine's store so that the status
// changes the engine makes to quotes (in review, approved, rejected,
// recalled, presented) are recorded with their events, in the engine's own
// transactions: every quote update it writes goes through the recorder's
// RecordTransitions. Give the result to approval.New as its Store.
func (r *Recorder) ApprovalStore(s approval.Store) approval.Store {
	return eventedStore{Store: s, rec: r}
}

type eventedStore struct {
	approval.Store
	rec *Recorder
}

func (s eventedStore) InApprovalTx(ctx context.Context, fn func(tx approval.Tx) error) error {
	return s.Store.InApprovalTx(ctx, func(tx approval.Tx) error { return fn(eventedTx{tx, s.rec}) })
}

type eventedTx struct {
	approval.Tx
	rec *Recorder
}

func (t eventedTx) Update(ctx context.Context, q *quote.Quote) error {
	before, err := t.Tx.Get(ctx, q.Tenant, q.ID)
	if err != nil {
		return err
	}
	if err := t.Tx.Update(ctx, q); err != nil {
		return err
	}
	return t.rec.RecordTransitions(ctx, t.Tx, before, q)
}
