package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

var txTests = []subtest[Store]{
	{"CommitsQuotesAndEvents", testTxCommits},
	{"RollsBackOnError", testTxRollsBackOnError},
	{"RollsBackOnCancelledContext", testTxRollsBackOnCancel},
	{"RollsBackOnPanic", testTxRollsBackOnPanic},
	{"ReadsItsOwnWrites", testTxReadsItsOwnWrites},
	{"RefusedWriteCanBeHandled", testTxRefusedWriteCanBeHandled},
	{"EnqueueRefusesBadEvents", testTxEnqueueRefusesBadEvents},
}

var zeroTime time.Time

// event is the n-th event of a quote; its time is T0 plus n seconds.
func event(tenant, quoteID, id string, n int) quote.Event {
	return quote.Event{
		ID: id, Tenant: tenant, QuoteID: quoteID, Revision: 1, Kind: "quote.updated",
		Payload: []byte(fmt.Sprintf(`{"n": %d, "text": "Grüße, 你好"}`, n)),
		At:      T0.Add(time.Duration(n) * time.Second),
	}
}

func enqueue(t testing.TB, s Store, events ...quote.Event) {
	t.Helper()
	require.NoError(t, s.InTx(context.Background(), func(tx quote.Tx) error {
		return tx.Enqueue(context.Background(), events...)
	}))
}

// claimIDs claims everything due at T0 and returns the event IDs.
func claimIDs(t testing.TB, s Store) []string {
	t.Helper()
	ds, err := s.Claim(context.Background(), quote.ClaimRequest{Now: T0, Limit: 1000})
	require.NoError(t, err)
	ids := []string{}
	for _, d := range ds {
		ids = append(ids, d.Tenant+"/"+d.ID)
	}
	return ids
}

func testTxCommits(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 2))
	e1, e2 := event(acme, "q-1", "e-1", 1), event(acme, "q-2", "e-2", 2)
	err := s.InTx(ctx, func(tx quote.Tx) error {
		q, err := tx.Get(ctx, acme, "q-1")
		if err != nil {
			return err
		}
		q.Header.Notes = "changed in a transaction"
		if err := tx.Update(ctx, q); err != nil {
			return err
		}
		if err := tx.Create(ctx, SampleQuote(acme, 2, 1)); err != nil {
			return err
		}
		return tx.Enqueue(ctx, e1, e2)
	})
	require.NoError(t, err)
	q1, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Equal(t, "changed in a transaction", q1.Header.Notes)
	assert.Equal(t, int64(2), q1.Version)
	_, err = s.Get(ctx, acme, "q-2")
	require.NoError(t, err)

	ds, err := s.Claim(ctx, quote.ClaimRequest{Now: T0})
	require.NoError(t, err)
	require.Len(t, ds, 2)
	for i, want := range []quote.Event{e1, e2} {
		got := ds[i].Event
		assert.Equal(t, want.ID, got.ID)
		assert.Equal(t, want.Tenant, got.Tenant)
		assert.Equal(t, want.QuoteID, got.QuoteID)
		assert.Equal(t, want.Revision, got.Revision)
		assert.Equal(t, want.Kind, got.Kind)
		assert.JSONEq(t, string(want.Payload), string(got.Payload))
		assert.True(t, want.At.Equal(got.At), "event time %s, want %s", got.At, want.At)
		assert.Equal(t, 1, ds[i].Attempts)
		assert.NotEmpty(t, ds[i].Lease)
	}
}

// requireUntouched checks that a rolled-back transaction left the store as
// it was: quote 1 at version 1, quote 2 absent, no events, and the IDs it
// used still free.
func requireUntouched(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	q1, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	want := SampleQuote(acme, 1, 2)
	want.Version = 1
	requireSame(t, want, q1)
	revs, err := s.Revisions(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, revs, 1)
	requireSame(t, want, revs[0])
	_, err = s.Get(ctx, acme, "q-2")
	requireIs(t, err, quote.ErrNotFound)
	_, err = s.GetByNumber(ctx, acme, "Q-000002")
	requireIs(t, err, quote.ErrNotFound)
	assert.Equal(t, []string{"Q-000001"}, listAll(t, s, acme, quote.Filter{}))
	assert.Empty(t, claimIDs(t, s), "no event was kept")

	// Nothing of the rolled-back writes is left to get in the way.
	create(t, s, SampleQuote(acme, 2, 1))
	enqueue(t, s, event(acme, "q-2", "e-1", 1))
	assert.Equal(t, []string{"acme/e-1"}, claimIDs(t, s))
	q1.Header.Notes = "after"
	require.NoError(t, s.Update(ctx, q1))
}

// halfTx writes a change, a new quote and an event, the writes a failure
// must undo together.
func halfTx(ctx context.Context, tx quote.Tx) error {
	q, err := tx.Get(ctx, acme, "q-1")
	if err != nil {
		return err
	}
	q.Header.Notes = "half written"
	q.Lines = q.Lines[:1]
	if err := tx.Update(ctx, q); err != nil {
		return err
	}
	if err := tx.Create(ctx, SampleQuote(acme, 2, 1)); err != nil {
		return err
	}
	return tx.Enqueue(ctx, event(acme, "q-1", "e-1", 1))
}

func testTxRollsBackOnError(t *testing.T, s Store) {
	create(t, s, SampleQuote(acme, 1, 2))
	injected := errors.New("injected failure")
	err := s.InTx(context.Background(), func(tx quote.Tx) error {
		if err := halfTx(context.Background(), tx); err != nil {
			return err
		}
		return fmt.Errorf("after the writes: %w", injected)
	})
	requireIs(t, err, injected, "InTx returns fn's error")
	requireUntouched(t, s)
}

func testTxRollsBackOnCancel(t *testing.T, s Store) {
	create(t, s, SampleQuote(acme, 1, 2))
	t.Run("cancelled after the writes", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		err := s.InTx(ctx, func(tx quote.Tx) error {
			if err := halfTx(ctx, tx); err != nil {
				return err
			}
			cancel()
			return nil
		})
		requireIs(t, err, context.Canceled)
	})
	t.Run("cancelled between the writes", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		err := s.InTx(ctx, func(tx quote.Tx) error {
			q, err := tx.Get(ctx, acme, "q-1")
			if err != nil {
				return err
			}
			q.Header.Notes = "half written"
			if err := tx.Update(ctx, q); err != nil {
				return err
			}
			cancel()
			if err := tx.Create(ctx, SampleQuote(acme, 2, 1)); err != nil {
				return err
			}
			return tx.Enqueue(ctx, event(acme, "q-1", "e-1", 1))
		})
		requireIs(t, err, context.Canceled)
	})
	requireUntouched(t, s)
}

func testTxRollsBackOnPanic(t *testing.T, s Store) {
	create(t, s, SampleQuote(acme, 1, 2))
	assert.PanicsWithValue(t, "injected panic", func() {
		_ = s.InTx(context.Background(), func(tx quote.Tx) error {
			if err := halfTx(context.Background(), tx); err != nil {
				return err
			}
			panic("injected panic")
		})
	}, "InTx lets fn's panic through")
	requireUntouched(t, s)
}

func testTxReadsItsOwnWrites(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 2))
	err := s.InTx(ctx, func(tx quote.Tx) error {
		q2 := SampleQuote(acme, 2, 1)
		require.NoError(t, tx.Create(ctx, q2))
		got, err := tx.GetByNumber(ctx, acme, "Q-000002")
		require.NoError(t, err)
		requireSame(t, q2, got)

		got.Header.Notes = "updated twice in one transaction"
		require.NoError(t, tx.Update(ctx, got))
		assert.Equal(t, int64(2), got.Version)
		again, err := tx.Get(ctx, acme, "q-2")
		require.NoError(t, err)
		requireSame(t, got, again)
		revs, err := tx.Revisions(ctx, acme, "q-2")
		require.NoError(t, err)
		require.Len(t, revs, 1)
		requireSame(t, got, revs[0])
		p, err := tx.List(ctx, acme, quote.Filter{})
		require.NoError(t, err)
		assert.Equal(t, []string{"Q-000001", "Q-000002"}, numbers(p.Quotes))

		// Others do not see it before the commit.
		_, err = s.Get(ctx, acme, "q-2")
		assertIs(t, err, quote.ErrNotFound, "uncommitted writes are invisible outside")
		assert.Equal(t, []string{"Q-000001"}, listAll(t, s, acme, quote.Filter{}))
		return nil
	})
	require.NoError(t, err)
	got, err := s.Get(ctx, acme, "q-2")
	require.NoError(t, err)
	assert.Equal(t, "updated twice in one transaction", got.Header.Notes)
	assert.Equal(t, int64(2), got.Version)
}

func testTxRefusedWriteCanBeHandled(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 2))
	err := s.InTx(ctx, func(tx quote.Tx) error {
		assertIs(t, tx.Create(ctx, SampleQuote(acme, 1, 1)), quote.ErrDuplicate)
		stale := SampleQuote(acme, 1, 2)
		stale.Version = 5
		assertIs(t, tx.Update(ctx, stale), quote.ErrConflict)
		_, err := tx.Get(ctx, acme, "q-9")
		assertIs(t, err, quote.ErrNotFound)
		// The transaction goes on after the refusals.
		return tx.Create(ctx, SampleQuote(acme, 2, 1))
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"Q-000001", "Q-000002"}, listAll(t, s, acme, quote.Filter{}))
	q1, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), q1.Version)
}

func testTxEnqueueRefusesBadEvents(t *testing.T, s Store) {
	ctx := context.Background()
	enqueue(t, s, event(acme, "q-1", "e-1", 1))
	for _, tc := range []struct {
		name string
		e    quote.Event
		want error
	}{
		{"no ID", event(acme, "q-1", "", 2), quote.ErrInvalid},
		{"no tenant", event("", "q-1", "e-2", 2), quote.ErrInvalid},
		{"no quote", event(acme, "", "e-2", 2), quote.ErrInvalid},
		{"payload not JSON", quote.Event{ID: "e-2", Tenant: acme, QuoteID: "q-1", Kind: "k", Payload: []byte("{"), At: T0}, quote.ErrInvalid},
		{"duplicate ID", event(acme, "q-2", "e-1", 2), quote.ErrDuplicateEvent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.InTx(ctx, func(tx quote.Tx) error {
				return tx.Enqueue(ctx, event(acme, "q-3", "e-3", 3), tc.e)
			})
			requireIs(t, err, tc.want)
		})
	}
	assert.Equal(t, []string{"acme/e-1"}, claimIDs(t, s), "none of the refused batches was kept, not even its good event")
}
