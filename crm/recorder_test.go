package crm_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/crm"
	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/memory"
)

func TestRecorderEventsFollowTheLifecycle(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{IDs: &counterIDs{}})
	q := sample(1, "opp-1")
	steps := []struct {
		to   quote.Status
		kind string
	}{
		{quote.StatusInReview, crm.KindSubmitted},
		{quote.StatusRejected, crm.KindRejected},
		{quote.StatusDraft, crm.KindUpdated},
		{quote.StatusInReview, crm.KindSubmitted},
		{quote.StatusApproved, crm.KindApproved},
		{quote.StatusPresented, crm.KindPresented},
		{quote.StatusAccepted, crm.KindAccepted},
		{quote.StatusOrdered, crm.KindOrdered},
	}
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.Create(ctx, tx, q, "alice", t0) }))
	want := []string{crm.KindCreated}
	for _, st := range steps {
		require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.Transition(ctx, tx, q, st.to, "bob", t0, "") }), "to %s", st.to)
		want = append(want, st.kind)
	}
	events := drain(t, s)
	assert.Equal(t, want, kinds(events))
	for i, e := range events {
		assert.Equal(t, "e-"+itoa(i+1), e.ID, "IDs come from the injected source")
		p := payload(t, e)
		assert.Equal(t, int64(i+1), p.Quote.Version, "each event carries the version its change stored")
	}
	last := payload(t, events[len(events)-1])
	assert.Equal(t, quote.StatusOrdered, last.Quote.Status)
	require.NotNil(t, last.Order, "the ordered event carries the order")
	assert.Equal(t, events[len(events)-1].ID, last.Order.Key, "the order's key is its event's ID")

	stored, err := s.Get(ctx, tenant, q.ID)
	require.NoError(t, err)
	assert.Equal(t, quote.StatusOrdered, stored.Status)
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }

func TestRecorderWritesNothingWhenTheTransactionFails(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{})
	q := sample(1, "opp-1")
	boom := errors.New("host failed after recording")
	err := s.InTx(ctx, func(tx quote.Tx) error {
		if err := r.Create(ctx, tx, q, "alice", t0); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = s.Get(ctx, tenant, q.ID)
	assert.ErrorIs(t, err, quote.ErrNotFound, "the quote was rolled back")
	assert.Empty(t, drain(t, s), "and its event with it")
}

func TestRecorderSealsOnSubmitAndRefusesChangedContent(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{})
	q := sample(1, "opp-1")
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.Create(ctx, tx, q, "alice", t0) }))
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error {
		return r.Transition(ctx, tx, q, quote.StatusInReview, "alice", t0, "")
	}))
	sum := sha256.Sum256(q.Content())
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), q.Seal, "submitting seals the content")

	// Someone changes a price while the quote is in review.
	q.Lines[0].Price.UnitPrice = q.Lines[0].Price.UnitPrice.Sub(decimal.NewFromInt(1))
	before := q.Clone()
	err := s.InTx(ctx, func(tx quote.Tx) error {
		return r.Transition(ctx, tx, q, quote.StatusApproved, "bob", t0, "")
	})
	require.ErrorIs(t, err, quote.ErrSealMismatch)
	assert.Equal(t, before, q, "a refused change leaves the quote as it was")
	stored, err := s.Get(ctx, tenant, q.ID)
	require.NoError(t, err)
	assert.Equal(t, quote.StatusInReview, stored.Status)
}

func TestRecorderUpdateRefusesALockedRevision(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{})
	q := sample(1, "opp-1")
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.Create(ctx, tx, q, "alice", t0) }))
	present(t, s, r, q)
	err := s.InTx(ctx, func(tx quote.Tx) error { return r.Update(ctx, tx, q, "alice", t0) })
	require.ErrorIs(t, err, quote.ErrLocked)

	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.Revise(ctx, tx, q, "alice", t0) }))
	assert.Equal(t, 2, q.Revision)
	assert.Empty(t, q.Seal, "a new revision is not sealed")
	ds := drain(t, s)
	assert.Equal(t, []string{crm.KindCreated, crm.KindSubmitted, crm.KindApproved, crm.KindPresented, crm.KindUpdated}, kinds(ds))
	assert.Equal(t, 2, ds[len(ds)-1].Revision)
}

func TestRecorderExpireRecordsTheExpiredEvent(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{})
	q := sample(1, "opp-1")
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.Create(ctx, tx, q, "alice", t0) }))
	present(t, s, r, q)
	var expired bool
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) (err error) {
		expired, err = r.Expire(ctx, tx, q, "system", q.Header.ValidUntil) // still valid that day
		return err
	}))
	assert.False(t, expired)
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) (err error) {
		expired, err = r.Expire(ctx, tx, q, "system", q.Header.ValidUntil.AddDate(0, 0, 1))
		return err
	}))
	assert.True(t, expired)
	ds := drain(t, s)
	assert.Equal(t, crm.KindExpired, ds[len(ds)-1].Kind)
	assert.Equal(t, "validity ended 2030-04-04", payload(t, ds[len(ds)-1]).Reason)
}

// The approval gate decides whether an accepted quote becomes an order.
func TestAcceptNeedsTheGate(t *testing.T) {
	ctx := context.Background()
	pending := errors.New("manager approval pending")
	tests := []struct {
		name    string
		gate    crm.Gate
		wantErr error
	}{
		{"released", crm.GateFunc(func(context.Context, *quote.Quote) error { return nil }), nil},
		{"approval pending", crm.GateFunc(func(context.Context, *quote.Quote) error { return pending }), crm.ErrNotReleased},
		{"default gate: approved and sealed", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := memory.New()
			// Presenting is gated too: present with a releasing gate.
			open := crm.NewRecorder(crm.RecorderConfig{})
			q := sample(1, "opp-1")
			require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return open.Create(ctx, tx, q, "alice", t0) }))
			present(t, s, open, q)
			drain(t, s)

			r := crm.NewRecorder(crm.RecorderConfig{Gate: tc.gate})
			before := q.Clone()
			var order *crm.Order
			err := s.InTx(ctx, func(tx quote.Tx) (err error) {
				order, err = r.Accept(ctx, tx, q, "customer", t0)
				return err
			})
			events := drain(t, s)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.ErrorIs(t, err, pending, "the gate's reason is kept")
				assert.Equal(t, before, q)
				assert.Empty(t, events, "no event, no order")
				stored, err := s.Get(ctx, tenant, q.ID)
				require.NoError(t, err)
				assert.Equal(t, quote.StatusPresented, stored.Status)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []string{crm.KindAccepted, crm.KindOrdered}, kinds(events))
			assert.Equal(t, quote.StatusOrdered, q.Status)
			require.NotNil(t, order)
			assert.Equal(t, before.Seal, order.Seal, "the order carries the seal the customer accepted")
			assert.Equal(t, "customer", order.AcceptedBy)
			require.NoError(t, order.Verify())
			sent, err := json.Marshal(payload(t, events[1]).Order)
			require.NoError(t, err)
			returned, err := json.Marshal(order)
			require.NoError(t, err)
			assert.JSONEq(t, string(returned), string(sent), "the order returned is the order sent")
		})
	}
}

func TestDefaultGateRefusesAnUnapprovedRevision(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{})
	q := sample(1, "opp-1")
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.Create(ctx, tx, q, "alice", t0) }))
	// Approved revision 1, then revised: revision 2 was never approved.
	present(t, s, r, q)
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.Revise(ctx, tx, q, "alice", t0) }))
	err := crm.SealGate{}.Gate(ctx, q)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "revision 2 was never approved")
}

func TestMakePrimaryNeedsAnOpportunity(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{})
	q := sample(1, "")
	err := s.InTx(ctx, func(tx quote.Tx) error {
		if err := r.Create(ctx, tx, q, "alice", t0); err != nil {
			return err
		}
		return r.MakePrimary(ctx, tx, q, "alice", t0)
	})
	require.ErrorIs(t, err, crm.ErrMissingField)
}

// Another component changes the status in a transaction; the recorder adds
// the events of what it did to the same transaction.
func TestRecordTransitionsOfAnotherComponent(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	r := crm.NewRecorder(crm.RecorderConfig{IDs: &counterIDs{}})
	q := sample(1, "opp-1")
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error { return r.RecordTransitions(ctx, tx, nil, q) }), "a nil before is a creation")
	require.NoError(t, s.Create(ctx, q))
	require.NoError(t, s.InTx(ctx, func(tx quote.Tx) error {
		before, err := tx.Get(ctx, tenant, q.ID)
		if err != nil {
			return err
		}
		after := before.Clone()
		after.SealContent()
		for _, to := range []quote.Status{quote.StatusInReview, quote.StatusApproved} {
			if err := after.Transition(to, "mia", t0, "within policy"); err != nil {
				return err
			}
		}
		if err := tx.Update(ctx, after); err != nil {
			return err
		}
		return r.RecordTransitions(ctx, tx, before, after)
	}))
	ds := drain(t, s)
	assert.Equal(t, []string{crm.KindCreated, crm.KindSubmitted, crm.KindApproved}, kinds(ds))
	p := payload(t, ds[2])
	assert.Equal(t, "mia", p.Actor)
	assert.Equal(t, "within policy", p.Reason)
	assert.Equal(t, quote.StatusApproved, p.Quote.Status)
}
