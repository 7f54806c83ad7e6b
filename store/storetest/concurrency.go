package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

// Writers is how many goroutines the concurrency tests run at once.
const Writers = 50

var concurrencyTests = []subtest[Store]{
	{"OneWinnerPerVersion", testOneWinnerPerVersion},
	{"NoLostUpdates", testNoLostUpdates},
	{"TransactionsKeepEventsOfWinnersOnly", testConcurrentTxEvents},
	{"ConcurrentCreates", testConcurrentCreates},
}

// testOneWinnerPerVersion starts Writers updates of the same version at
// once: exactly one is stored, whole, and every other is refused.
func testOneWinnerPerVersion(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 5))
	base, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)

	edits := make([]*quote.Quote, Writers)
	for i := range edits {
		q := base.Clone()
		q.Header.Notes = fmt.Sprintf("writer %d", i)
		q.Terms = append(q.Terms, quote.Term{ID: fmt.Sprintf("w-%d", i), Text: "written by one writer"})
		q.Lines = q.Lines[:1+i%5]
		q.Recalculate()
		edits[i] = q
	}
	errs := make([]error, Writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range Writers {
		wg.Go(func() {
			<-start
			errs[i] = s.Update(ctx, edits[i])
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			require.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
			winner = i
		case errors.Is(err, quote.ErrConflict):
			assert.Equal(t, int64(1), edits[i].Version, "a refused writer's version is unchanged")
		default:
			t.Fatalf("writer %d: %v, want nil or ErrConflict", i, err)
		}
	}
	require.NotEqual(t, -1, winner, "nobody won")

	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	requireSame(t, edits[winner], got)
	assert.Equal(t, int64(2), got.Version)
	revs, err := s.Revisions(ctx, acme, "q-1")
	require.NoError(t, err)
	require.Len(t, revs, 1)
	requireSame(t, edits[winner], revs[0])
}

// testNoLostUpdates runs Writers goroutines that each add their own term,
// reading again and retrying after every conflict: in the end every term
// is there, once, and the version counts every successful update.
func testNoLostUpdates(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 3))
	var wg sync.WaitGroup
	errs := make([]error, Writers)
	conflicts := make([]int, Writers)
	for i := range Writers {
		wg.Go(func() {
			for range 10 * Writers {
				q, err := s.Get(ctx, acme, "q-1")
				if err != nil {
					errs[i] = err
					return
				}
				q.Terms = append(q.Terms, quote.Term{ID: fmt.Sprintf("w-%02d", i), Text: "added"})
				err = s.Update(ctx, q)
				if !errors.Is(err, quote.ErrConflict) {
					errs[i] = err
					return
				}
				conflicts[i]++
			}
			errs[i] = fmt.Errorf("writer %d gave up after %d conflicts", i, conflicts[i])
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "writer %d", i)
	}
	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1+Writers), got.Version)
	var ids []string
	for _, term := range got.Terms[2:] {
		ids = append(ids, term.ID)
	}
	slices.Sort(ids)
	var want []string
	for i := range Writers {
		want = append(want, fmt.Sprintf("w-%02d", i))
	}
	assert.Equal(t, want, ids, "every writer's term, once")
	assert.Len(t, got.Lines, 3)
}

// testConcurrentTxEvents runs Writers transactions that each update the
// same quote and enqueue an event: the events kept are exactly those of
// the transactions that committed.
func testConcurrentTxEvents(t *testing.T, s Store) {
	ctx := context.Background()
	create(t, s, SampleQuote(acme, 1, 2))
	base, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, Writers)
	start := make(chan struct{})
	for i := range Writers {
		wg.Go(func() {
			<-start
			errs[i] = s.InTx(ctx, func(tx quote.Tx) error {
				q := base.Clone()
				if i%2 == 1 { // half read afresh inside the transaction
					var err error
					if q, err = tx.Get(ctx, acme, "q-1"); err != nil {
						return err
					}
				}
				q.Terms = append(q.Terms, quote.Term{ID: fmt.Sprintf("w-%02d", i), Text: "added"})
				if err := tx.Enqueue(ctx, event(acme, "q-1", fmt.Sprintf("e-%02d", i), i)); err != nil {
					return err
				}
				return tx.Update(ctx, q)
			})
		})
	}
	close(start)
	wg.Wait()

	var won []string
	for i, err := range errs {
		if err == nil {
			won = append(won, fmt.Sprintf("w-%02d", i))
			continue
		}
		require.ErrorIs(t, err, quote.ErrConflict, "writer %d", i)
	}
	require.NotEmpty(t, won)
	got, err := s.Get(ctx, acme, "q-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1+len(won)), got.Version)
	var terms []string
	for _, term := range got.Terms[2:] {
		terms = append(terms, term.ID)
	}
	slices.Sort(terms)
	assert.Equal(t, won, terms, "the terms of the committed transactions")

	// The events, claimed one at a time (one quote: one at a time), are
	// those of the winners.
	var events []string
	for range Writers + 1 {
		ds, err := s.Claim(ctx, quote.ClaimRequest{Now: T0})
		require.NoError(t, err)
		if len(ds) == 0 {
			break
		}
		require.Len(t, ds, 1)
		events = append(events, "w-"+ds[0].ID[2:])
		require.NoError(t, s.Delivered(ctx, ds[0]))
	}
	slices.Sort(events)
	assert.Equal(t, won, events)
}

// testConcurrentCreates races Writers creates of the same number: one is
// stored, the others are refused as duplicates.
func testConcurrentCreates(t *testing.T, s Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, Writers)
	start := make(chan struct{})
	for i := range Writers {
		wg.Go(func() {
			q := SampleQuote(acme, 100+i, 1)
			q.Number = "Q-SAME"
			<-start
			errs[i] = s.Create(ctx, q)
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "two creates of one number won")
			winner = i
			continue
		}
		require.ErrorIs(t, err, quote.ErrDuplicate, "writer %d", i)
	}
	require.NotEqual(t, -1, winner)
	got, err := s.GetByNumber(ctx, acme, "Q-SAME")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("q-%d", 100+winner), got.ID)
	assert.Equal(t, []string{"Q-SAME"}, listAll(t, s, acme, quote.Filter{}))
}
