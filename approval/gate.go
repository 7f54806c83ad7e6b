package approval

import (
	"context"
	"fmt"
	"time"

	"github.com/cpqkit/cpq/quote"
)

// Gate decides whether a quote may reach the customer: be moved to
// presented, rendered without the DRAFT mark, or handed to a CRM or ERP.
// It returns nil only when the policy requires no approval for the
// quote's current content, or when an approval of the quote was granted
// for exactly this content — its seal is the seal of the quote as it is
// now — and included every step the policy requires now. Otherwise it
// returns a *GateError wrapping ErrApprovalRequired, or ErrStaleSeal when
// the quote's recorded seal no longer matches its content.
//
// The requirements are worked out afresh from the current content and
// policy, so an approval granted under an older policy that did not ask
// for a step the policy asks for now does not let the quote through.
func (e *Engine) Gate(ctx context.Context, q *quote.Quote) error {
	_, err := e.gate(ctx, e.store, q, e.clock.Now())
	return err
}

// gate returns whether any approval is required, and the gate's verdict.
func (e *Engine) gate(ctx context.Context, r Reader, q *quote.Quote, now time.Time) (bool, error) {
	if q == nil {
		return false, fmt.Errorf("gate: no quote: %w", ErrInvalid)
	}
	seal := q.ComputeSeal()
	refuse := func(reason string, missing []string, err error) error {
		return &GateError{Quote: q.Number, Revision: q.Revision, Seal: seal, Missing: missing, Reason: reason, Err: err}
	}
	if q.Seal != "" && q.Seal != seal {
		return false, refuse("the content changed after it was sealed with "+q.Seal, nil, ErrStaleSeal)
	}
	_, reqs, err := e.required(ctx, q, now)
	if err != nil {
		return false, fmt.Errorf("gate: %w", err)
	}
	if len(reqs) == 0 {
		return false, nil
	}
	as, err := r.Approvals(ctx, q.Tenant, q.ID)
	if err != nil {
		return true, fmt.Errorf("gate: %w", err)
	}
	var granted *Approval
	for i := len(as) - 1; i >= 0; i-- {
		if a := as[i]; a.Status == StatusApproved && a.Seal == seal && a.Revision == q.Revision {
			granted = a
			break
		}
	}
	var missing []string
	for _, rq := range reqs {
		if granted == nil {
			missing = append(missing, rq.rule.ID)
			continue
		}
		s := granted.Step(rq.rule.ID)
		if s == nil || !s.Status.Approved() || s.Fingerprint != fingerprint(rq.rule) {
			missing = append(missing, rq.rule.ID)
		}
	}
	switch {
	case granted == nil:
		return true, refuse("no approval was granted for this content", missing, ErrApprovalRequired)
	case len(missing) > 0:
		return true, refuse("approval "+granted.ID+" does not cover every step the policy requires now", missing, ErrApprovalRequired)
	}
	return true, nil
}

// Present moves a quote to presented, only through the gate: an approved
// quote whose approval covers its current content, or a draft that needs
// no approval (recorded as approved on the way, its content sealed).
// Anything else is refused — ErrApprovalRequired, ErrStaleSeal, or
// quote.ErrTransition for a quote in another status — and only the
// refused attempt is recorded.
func (e *Engine) Present(ctx context.Context, actor Actor, req Request) (*quote.Quote, error) {
	rec := attempt(actor, req.Tenant, req.Quote, ActionPresented)
	rec.Comment = req.Comment
	if err := checkActor(actor, req.Tenant); err != nil {
		return nil, e.refuse(ctx, rec, err)
	}
	var out *quote.Quote
	err := e.inTx(ctx, func(tx Tx) error {
		out = nil
		now := e.clock.Now()
		q, err := tx.Get(ctx, req.Tenant, req.Quote)
		if err != nil {
			return err
		}
		seal := q.ComputeSeal()
		rec.Revision, rec.Seal = q.Revision, seal
		if req.Seal != "" && req.Seal != seal {
			return fmt.Errorf("quote %s: presented seal %s, content now %s: %w", q.Number, req.Seal, seal, ErrStaleSeal)
		}
		if q.Status != quote.StatusApproved && q.Status != quote.StatusDraft {
			return fmt.Errorf("quote %s revision %d is %s; only an approved quote is presented: %w", q.Number, q.Revision, q.Status, quote.ErrTransition)
		}
		required, err := e.gate(ctx, tx, q, now)
		if err != nil {
			return err
		}
		if q.Status == quote.StatusDraft {
			if required {
				return &GateError{Quote: q.Number, Revision: q.Revision, Seal: seal, Reason: "a draft is submitted for approval first", Err: ErrApprovalRequired}
			}
			q.SealContent()
			if err := q.Transition(quote.StatusApproved, actor.User, now, "no approval required"); err != nil {
				return err
			}
		}
		if err := q.Release(ctx, gateChecked{}, actor.User, now, req.Comment); err != nil {
			return err
		}
		if err := tx.Update(ctx, q); err != nil {
			return err
		}
		if err := tx.Append(ctx, Record{Tenant: q.Tenant, Quote: q.ID, Revision: q.Revision, Seal: seal, Actor: actor.User,
			Action: ActionPresented, Comment: req.Comment, At: now}); err != nil {
			return err
		}
		out = q
		return nil
	})
	if err != nil {
		return nil, e.refuse(ctx, rec, err)
	}
	return out, nil
}

// gateChecked is the gate of a quote this engine has just let through in
// the same transaction.
type gateChecked struct{}

func (gateChecked) Gate(context.Context, *quote.Quote) error { return nil }
