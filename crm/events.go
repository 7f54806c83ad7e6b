package crm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cpqkit/cpq/quote"
)

// The kinds of event the Recorder writes to the outbox.
const (
	KindCreated   = "quote.created"
	KindUpdated   = "quote.updated"
	KindSubmitted = "quote.submitted"
	KindApproved  = "quote.approved"
	KindRejected  = "quote.rejected"
	KindPresented = "quote.presented"
	KindAccepted  = "quote.accepted"
	KindDeclined  = "quote.declined"
	KindExpired   = "quote.expired"
	KindOrdered   = "quote.ordered"
	KindCancelled = "quote.cancelled"
	// KindPrimary: the quote became its opportunity's primary quote.
	KindPrimary = "quote.primary"
)

// kindOf is the event of a move into a status. A move back to draft (a
// recalled submission, a new revision) is an update.
var kindOf = map[quote.Status]string{
	quote.StatusDraft:     KindUpdated,
	quote.StatusInReview:  KindSubmitted,
	quote.StatusApproved:  KindApproved,
	quote.StatusRejected:  KindRejected,
	quote.StatusPresented: KindPresented,
	quote.StatusAccepted:  KindAccepted,
	quote.StatusDeclined:  KindDeclined,
	quote.StatusExpired:   KindExpired,
	quote.StatusOrdered:   KindOrdered,
	quote.StatusCancelled: KindCancelled,
}

// Payload is the JSON payload of the events the Recorder writes: the
// quote's summary as of the change, who made it and why, and for an
// ordered event the order. Delivery reads nothing else, so an event
// delivered late, or replayed, carries what was true when it happened.
type Payload struct {
	Quote  Summary `json:"quote"`
	Actor  string  `json:"actor,omitempty"`
	Reason string  `json:"reason,omitempty"`
	Order  *Order  `json:"order,omitempty"`
}

// DecodePayload reads the payload of an event the Recorder wrote.
func DecodePayload(e quote.Event) (Payload, error) {
	var p Payload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return p, fmt.Errorf("event %s (%s): decode payload: %w", e.ID, e.Kind, err)
	}
	return p, nil
}

// IDs gives new unique identifiers: event IDs, which are the idempotency
// keys of deliveries, and quote IDs.
type IDs interface {
	NewID() string
}

// RandomIDs gives 128-bit random identifiers from crypto/rand, in the
// layout of a version 4 UUID. It is the default ID source.
type RandomIDs struct{}

// NewID returns a new random identifier.
func (RandomIDs) NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Gate releases a quote for the customer: Gate returns nil only when every
// approval the quote's revision requires has been granted for its current
// seal, and otherwise an error saying what is missing. The approval
// package's Engine satisfies it.
type Gate interface {
	Gate(ctx context.Context, q *quote.Quote) error
}

// GateFunc adapts a function to the Gate interface.
type GateFunc func(ctx context.Context, q *quote.Quote) error

// Gate calls f.
func (f GateFunc) Gate(ctx context.Context, q *quote.Quote) error { return f(ctx, q) }

// SealGate is the gate used when none is configured: it releases a
// revision that went through approved and whose content still matches its
// seal. It knows no approval policy; a host with approval rules configures
// the approval package's gate instead.
type SealGate struct{}

// Gate reports whether the revision was approved and is unchanged since.
func (SealGate) Gate(_ context.Context, q *quote.Quote) error {
	approved := false
	for _, t := range q.History {
		approved = approved || (t.Revision == q.Revision && t.To == quote.StatusApproved)
	}
	if !approved {
		return fmt.Errorf("quote %s revision %d was never approved", q.Number, q.Revision)
	}
	return q.Verify()
}

// RecorderConfig configures a Recorder. The zero value is usable.
type RecorderConfig struct {
	// IDs gives event IDs; zero means RandomIDs.
	IDs IDs
	// Gate must release a quote before it is presented, accepted or
	// ordered; zero means SealGate.
	Gate Gate
}

// Recorder changes quotes and writes the matching events to the outbox in
// the same transaction, so that a change is never stored without its event
// nor an event sent for a change that was rolled back. Record every change
// that the CRM or ERP should hear of through it. A Recorder is safe for
// concurrent use.
//
// A method that fails leaves q as it was; the caller's transaction should
// then be rolled back (returning the error from the function given to
// InTx does that).
type Recorder struct {
	ids  IDs
	gate Gate
}

// NewRecorder returns a recorder.
func NewRecorder(cfg RecorderConfig) *Recorder {
	r := &Recorder{ids: cfg.IDs, gate: cfg.Gate}
	if r.ids == nil {
		r.ids = RandomIDs{}
	}
	if r.gate == nil {
		r.gate = SealGate{}
	}
	return r
}

// Create stores a new quote and records a created event.
func (r *Recorder) Create(ctx context.Context, tx quote.Tx, q *quote.Quote, actor string, at time.Time) error {
	next := q.Clone()
	if err := tx.Create(ctx, next); err != nil {
		return fmt.Errorf("create quote %s: %w", q.Number, err)
	}
	if err := r.enqueue(ctx, tx, next, KindCreated, actor, "", at, nil); err != nil {
		return err
	}
	*q = *next
	return nil
}

// Update stores an edited draft (or rejected revision) and records an
// updated event. Approved and later revisions are changed through
// Transition, or edited as a new revision (Revise).
func (r *Recorder) Update(ctx context.Context, tx quote.Tx, q *quote.Quote, actor string, at time.Time) error {
	if !q.Status.Editable() {
		return fmt.Errorf("update quote %s revision %d: it is %s: %w", q.Number, q.Revision, q.Status, quote.ErrLocked)
	}
	next := q.Clone()
	next.UpdatedAt = at
	next.Seal = "" // being edited; sealed again when submitted
	if err := tx.Update(ctx, next); err != nil {
		return fmt.Errorf("update quote %s: %w", q.Number, err)
	}
	if err := r.enqueue(ctx, tx, next, KindUpdated, actor, "", at, nil); err != nil {
		return err
	}
	*q = *next
	return nil
}

// Revise starts a new revision of the quote (see quote.Quote.Revise),
// stores it and records an updated event.
func (r *Recorder) Revise(ctx context.Context, tx quote.Tx, q *quote.Quote, actor string, at time.Time) error {
	next := q.Clone()
	if err := next.Revise(actor, at); err != nil {
		return err
	}
	if err := tx.Update(ctx, next); err != nil {
		return fmt.Errorf("revise quote %s: %w", q.Number, err)
	}
	if err := r.enqueue(ctx, tx, next, KindUpdated, actor, "new revision", at, nil); err != nil {
		return err
	}
	*q = *next
	return nil
}

// Transition moves the quote to another status, stores it and records the
// status's event (submitted, approved, rejected, presented, accepted,
// declined, expired, ordered, cancelled; a move back to draft is an
// update).
//
// A draft is sealed when it is submitted (or approved directly, when
// nothing needs approval); a move to approved, presented, accepted or
// ordered verifies the seal (quote.ErrSealMismatch if the content
// changed). Presenting, accepting and ordering need the gate's release
// (ErrNotReleased). A move to ordered builds the order from the accepted
// revision and puts it in the event, for the ERP.
func (r *Recorder) Transition(ctx context.Context, tx quote.Tx, q *quote.Quote, to quote.Status, actor string, at time.Time, reason string) error {
	_, err := r.transition(ctx, tx, q, to, actor, at, reason)
	return err
}

func (r *Recorder) transition(ctx context.Context, tx quote.Tx, q *quote.Quote, to quote.Status, actor string, at time.Time, reason string) (*Order, error) {
	next := q.Clone()
	var order *Order
	if next.Status.Editable() && (to == quote.StatusInReview || to == quote.StatusApproved) {
		// Submitted as it is now: what is reviewed and approved is sealed.
		next.SealContent()
	}
	switch to {
	case quote.StatusApproved, quote.StatusPresented, quote.StatusAccepted, quote.StatusOrdered:
		if err := next.Verify(); err != nil {
			return nil, fmt.Errorf("move quote %s to %s: %w", q.Number, to, err)
		}
	}
	switch to {
	case quote.StatusAccepted, quote.StatusOrdered:
		if err := r.gate.Gate(ctx, next); err != nil {
			return nil, fmt.Errorf("move quote %s revision %d to %s: %w: %w", q.Number, q.Revision, to, ErrNotReleased, err)
		}
	}
	if to == quote.StatusPresented {
		// Release asks the gate itself.
		if err := next.Release(ctx, r.gate, actor, at, reason); err != nil {
			if errors.Is(err, quote.ErrTransition) {
				return nil, err
			}
			return nil, fmt.Errorf("move quote %s revision %d to %s: %w: %w", q.Number, q.Revision, to, ErrNotReleased, err)
		}
	} else if err := next.Transition(to, actor, at, reason); err != nil {
		return nil, err
	}
	id := r.ids.NewID()
	if to == quote.StatusOrdered {
		order = NewOrder(next, id)
	}
	if err := tx.Update(ctx, next); err != nil {
		return nil, fmt.Errorf("move quote %s to %s: %w", q.Number, to, err)
	}
	if err := r.enqueueID(ctx, tx, id, next, kindOf[to], actor, reason, at, order); err != nil {
		return nil, err
	}
	*q = *next
	return order, nil
}

// Expire moves a presented quote whose validity ended before now to
// expired, as quote.Quote.Expire does, and records the expired event. It
// reports whether it did.
func (r *Recorder) Expire(ctx context.Context, tx quote.Tx, q *quote.Quote, actor string, now time.Time) (bool, error) {
	probe := q.Clone()
	if !probe.Expire(now, actor) {
		return false, nil
	}
	last := probe.History[len(probe.History)-1]
	if err := r.Transition(ctx, tx, q, quote.StatusExpired, actor, now, last.Reason); err != nil {
		return false, err
	}
	return true, nil
}

// Accept records the customer's acceptance of a presented revision and
// hands the order over: the gate must release the revision and its seal
// must verify; the quote moves to accepted and then to ordered, with both
// events, and the order built from the accepted revision is returned (the
// ordered event carries it to the ERP).
func (r *Recorder) Accept(ctx context.Context, tx quote.Tx, q *quote.Quote, actor string, at time.Time) (*Order, error) {
	next := q.Clone()
	if _, err := r.transition(ctx, tx, next, quote.StatusAccepted, actor, at, "accepted by the customer"); err != nil {
		return nil, err
	}
	o, err := r.transition(ctx, tx, next, quote.StatusOrdered, actor, at, "order handed to the ERP")
	if err != nil {
		return nil, err
	}
	*q = *next
	return o, nil
}

// RecordTransitions records the events of status changes made to a quote
// by another component in this same transaction (the approval engine's
// submit, approve, reject and present, for example): one event for each
// transition in after's history beyond before's, with its actor, time and
// reason, carrying after's summary. A nil before records a created event.
// Call it in the transaction that stored after, so that the events commit
// with the change: a wrapper of the component's transaction whose Update
// reads the stored quote, updates it and calls RecordTransitions does that
// for every change.
func (r *Recorder) RecordTransitions(ctx context.Context, tx quote.Tx, before, after *quote.Quote) error {
	if before == nil {
		return r.enqueue(ctx, tx, after, KindCreated, after.Header.Owner, "", after.CreatedAt, nil)
	}
	if len(after.History) < len(before.History) {
		return fmt.Errorf("record transitions of quote %s: the history got shorter: %w", after.Number, quote.ErrInvalid)
	}
	for _, t := range after.History[len(before.History):] {
		kind, ok := kindOf[t.To]
		if !ok {
			return fmt.Errorf("record transitions of quote %s: unknown status %q: %w", after.Number, t.To, quote.ErrInvalid)
		}
		id := r.ids.NewID()
		var order *Order
		if t.To == quote.StatusOrdered {
			order = NewOrder(after, id)
		}
		if err := r.enqueueID(ctx, tx, id, after, kind, t.Actor, t.Reason, t.At, order); err != nil {
			return err
		}
	}
	return nil
}

// MakePrimary records that the quote becomes its opportunity's primary
// quote; the CRM sink then makes it the only primary quote of the
// opportunity. The quote itself is not changed.
func (r *Recorder) MakePrimary(ctx context.Context, tx quote.Tx, q *quote.Quote, actor string, at time.Time) error {
	if q.Header.Opportunity == "" {
		return fmt.Errorf("make quote %s primary: it has no opportunity: %w", q.Number, ErrMissingField)
	}
	return r.enqueue(ctx, tx, q, KindPrimary, actor, "", at, nil)
}

func (r *Recorder) enqueue(ctx context.Context, tx quote.Tx, q *quote.Quote, kind, actor, reason string, at time.Time, order *Order) error {
	return r.enqueueID(ctx, tx, r.ids.NewID(), q, kind, actor, reason, at, order)
}

func (r *Recorder) enqueueID(ctx context.Context, tx quote.Tx, id string, q *quote.Quote, kind, actor, reason string, at time.Time, order *Order) error {
	payload, err := json.Marshal(Payload{Quote: Summarize(q), Actor: actor, Reason: reason, Order: order})
	if err != nil {
		return fmt.Errorf("event %s of quote %s: encode payload: %w", kind, q.Number, err)
	}
	e := quote.Event{ID: id, Tenant: q.Tenant, QuoteID: q.ID, Revision: q.Revision, Kind: kind, Payload: payload, At: at}
	if err := tx.Enqueue(ctx, e); err != nil {
		return fmt.Errorf("event %s of quote %s: %w", kind, q.Number, err)
	}
	return nil
}
